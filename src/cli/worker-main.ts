/**
 * The `--jobs` worker as the binary starts it: dist/sel/worker.js, beside sel.cjs, where
 * src/verify/pool.ts looks for it. It loads dist/sel/worker.cjs (src/verify/worker.ts and all
 * it loads, one CommonJS bundle; src/cli/bundle.mjs) with its code cache, as main.ts loads the
 * command line (code-cache.ts). That cache holds the bundle's top level only (a worker's code
 * runs only under a parent thread), which still spares the worker compiling 0.67 MB from
 * source: it was ready ~17 ms sooner (docs/performance.md, "Start-up").
 */
import { fileURLToPath } from 'node:url';
import { loadBundle } from './code-cache.js';

loadBundle(fileURLToPath(new URL('./worker.cjs', import.meta.url)));
