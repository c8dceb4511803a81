/**
 * The `--jobs` worker as the binary starts it: dist/sel/worker.js, beside sel.cjs, where
 * src/verify/pool.ts looks for it. It loads dist/sel/worker.cjs (src/verify/worker.ts and all
 * it loads, one CommonJS bundle; src/cli/bundle.mjs) with its code cache, as main.ts loads the
 * command line (code-cache.ts). That cache holds the bundle's top level only (a worker's code
 * runs only under a parent thread), which still spares the worker compiling 0.67 MB from
 * source: it was ready ~17 ms sooner (docs/performance.md, "Start-up").
 */
import { INSTALL_ERROR } from '../verify/worker-protocol.js';
import { bundleBeside, cannotLoad, loadBundle } from './code-cache.js';

const bundle = bundleBeside(import.meta.url, 'worker.cjs');
try {
  loadBundle(bundle);
} catch (e) {
  // The pool reports a file it could not read as the run's error (pool.ts, INSTALL_ERROR): one
  // sentence, exit 2. The bundle's own errors are thrown as they are.
  if (typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
  throw Object.assign(new Error(cannotLoad(bundle, e)), { code: INSTALL_ERROR });
}
