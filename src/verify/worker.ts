/**
 * A verification worker (`--jobs N`): checks the units the main thread sends (unit.ts) and
 * returns their records. The chain check stays on the main thread. The line check's modules
 * load as the worker starts; the set-up data (options, replay's governance state) comes in
 * the first message, which may arrive later (pool.ts, prestartPool).
 */
import { parentPort } from 'node:worker_threads';
import { processUnit, SPARES, unitContext, type UnitContext } from './unit.js';
import { detachEarly, type ToWorker } from './worker-protocol.js';

detachEarly();

let ctx: Promise<UnitContext> | null = null;

parentPort!.on('message', async (m: ToWorker) => {
  if (m.kind === 'init') {
    ctx = unitContext(m.init);
    return;
  }
  // Messages are handled in order: each waits for the same context, then runs to its end.
  const c = await ctx!;
  if (m.spare !== null && c.spares.length < SPARES) c.spares.push(m.spare);
  const r = processUnit(m.unit, c);
  parentPort!.postMessage(r, [r.mem]);
});
