/**
 * Makes the code caches of the binary's bundles (code-cache.ts), as the last step of `npm run
 * build` (src/cli/bundle.mjs runs it with the flags of the binary's second line: V8 refuses a
 * cache made under flags that change its hash).
 *
 * Usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE WORKER LOG POLICY EVENT
 *
 * It loads BUNDLE as the binary does and runs, with it, `sel verify LOG` and `sel policy eval
 * POLICY --event EVENT` (both `--format json`; the reports go to standard output, which the
 * build discards), so that the cache holds what a verify run and a policy evaluation compile,
 * not only the bundle's top level. With the evaluation in it, a three-event replay started
 * 1.18x faster and a one-event verify 0.96x (the larger cache is read whole; alternating pairs,
 * docs/performance.md). What the runs find does not matter: the cache is of the bundle's code,
 * whatever path through it they took; a sample that no longer verifies clean makes a smaller
 * cache, not a failed build (which would also stop `npm run samples` from making it again).
 * WORKER, the worker's bundle, is compiled and not run (its top level needs a parent thread):
 * its cache holds that top level.
 */
import { compileBundle, loadBundle, writeCodeCache } from './code-cache.js';

const [bundle, worker, log, policy, event] = process.argv.slice(2);
if (bundle === undefined || worker === undefined || log === undefined || policy === undefined || event === undefined) {
  process.stderr.write('usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE WORKER LOG POLICY EVENT\n');
  process.exit(2);
}
writeCodeCache(compileBundle(worker));
const loaded = loadBundle<{ run(argv: readonly string[]): Promise<number> }>(bundle);
await loaded.exports.run([process.execPath, 'sel', 'verify', log, '--format', 'json']);
await loaded.exports.run([process.execPath, 'sel', 'policy', 'eval', policy, '--event', event, '--format', 'json']);
writeCodeCache(loaded);
process.exitCode = 0;
