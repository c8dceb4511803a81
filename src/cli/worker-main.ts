/**
 * The `--jobs` worker as the binary starts it: dist/sel/worker.js, beside sel.cjs, where
 * src/verify/pool.ts looks for it. It loads dist/sel/worker.cjs (src/verify/worker.ts and all
 * it loads, one CommonJS bundle; src/cli/bundle.mjs) with its code cache, as main.ts loads the
 * command line (code-cache.ts). That cache holds the bundle's top level only (a worker's code
 * runs only under a parent thread), which still spares the worker compiling 0.67 MB from
 * source: it was ready ~17 ms sooner (docs/performance.md, "Start-up").
 */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeIoError } from '../errors.js';
import { INSTALL_ERROR } from '../verify/worker-protocol.js';
import { loadBundle } from './code-cache.js';

const bundle = join(dirname(realpathSync(fileURLToPath(import.meta.url))), 'worker.cjs');
try {
  loadBundle(bundle);
} catch (e) {
  // The pool reports it as the run's error (pool.ts, INSTALL_ERROR): one sentence, exit 2.
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') throw e;
  throw Object.assign(new Error(`cannot load ${bundle} (${describeIoError(e)})${code === 'ENOENT' ? '; run npm run build' : ''}`), { code: INSTALL_ERROR });
}
