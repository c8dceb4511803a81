/**
 * Makes the code cache of the command line's bundle (code-cache.ts), as the last step of
 * `npm run build` (src/cli/bundle.mjs runs it with the flags of the binary's second line: V8
 * refuses a cache made under flags that change its hash).
 *
 * Usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE LOG [WORKER]
 *
 * It loads BUNDLE as the binary does and runs `sel verify LOG --format json` with it, so that
 * the cache holds what a verify run compiles, not only the bundle's top level; the report goes
 * to standard output, which the build discards. Anything but a clean run of that log fails the
 * build: a cache made from a run that went wrong would be a cache of the wrong code. WORKER, the
 * worker's bundle, is compiled and not run (its top level needs a parent thread): its cache
 * holds that top level.
 */
import { compileBundle, loadBundle, writeCodeCache } from './code-cache.js';

const [bundle, log, worker] = process.argv.slice(2);
if (bundle === undefined || log === undefined) {
  process.stderr.write('usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE LOG [WORKER]\n');
  process.exit(2);
}
if (worker !== undefined) writeCodeCache(worker, compileBundle(worker));
const loaded = loadBundle<{ run(argv: readonly string[]): Promise<number> }>(bundle);
const status = await loaded.exports.run([process.execPath, 'sel', 'verify', log, '--format', 'json']);
if (status !== 0) {
  process.stderr.write(`write-code-cache: sel verify ${log} exited with status ${status}, not 0\n`);
  process.exit(1);
}
writeCodeCache(bundle, loaded);
process.exitCode = 0;
