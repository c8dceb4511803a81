/**
 * Property tests run with a fixed seed, so CI is repeatable: a failure names its seed and
 * replays. `FC_SEED=random` explores new cases locally; the long run is `npm run fuzz`.
 */
import fc from 'fast-check';

const seed = process.env['FC_SEED'];
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261122 : Number(seed) });
