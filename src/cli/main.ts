#!/bin/sh
//bin/sh -c :; exec node --single-threaded-gc "$0" "$@"
/**
 * The `sel` binary: it starts node with sel's flags and loads the rest of sel (run.ts: a
 * parallel run's threads and a replay's first git commands start early, early.ts; then the
 * command line, program.ts: commander, exit status).
 *
 * The first two lines start Node.js with one flag. They are read by sh: `//bin/sh -c :`
 * does nothing (but costs a short process, ~1 ms: `":"`, a shell built-in, is what tsc turns
 * into `":";`, which sh then breaks on), and `exec` runs node on this file, in the same
 * process, to which they are a `#!` line and a comment. /bin/sh is there, as the `#!` line
 * needs it; `//usr/bin/env true`, before, looked `true` up on PATH, and where PATH had node
 * but no coreutils, every run began with env's error on standard error (found by review).
 * `#!/usr/bin/env -S node FLAGS` says the same more plainly, but the `env` of BusyBox (Alpine
 * images, common in CI and Kubernetes) has no -S, and sel would not start there. The price:
 * npm's Windows shim runs `/bin/sh`, which Windows has only with Git Bash or WSL (README.md).
 *
 * --single-threaded-gc: each thread collects its own garbage, without V8's helper threads.
 * With --jobs the checking threads already use the cores, and helpers only took turns with
 * them: --jobs 2 ran 5-7% faster without them (1 GB: 4 alternating pairs; 300 MB: 8), one
 * thread the same within noise (30 MB: 1.01x, replay 100 MB: 1.04x), peak RSS the same.
 * It is also the one GC flag that costs nothing at start: V8 checks the code cache Node.js
 * carries for its own modules against a hash of the flags, and the others that were here
 * change it, so each thread compiled Node's modules from source (a worker's start 55-60 ms
 * -> 78-89 ms; a one-event run ~9 ms; docs/performance.md).
 *
 * Until 2026-12-02 three more: --min-semi-space-size=4 --max-semi-space-size=4 (a young
 * generation of fixed size: by default it grew during a long run, and peak RSS with it) and
 * --no-allocation-site-pretenuring (in one --jobs 2 run in three to ten, V8 moved the records'
 * and line refs' allocation sites to the old generation, the run 1.2x-1.5x slower at ~185 MB).
 * Both came from the chain check keeping each recent event's hash string and line ref: they
 * survived young collections, so V8 grew the young generation and judged those sites
 * long-lived. Since it keeps them as bytes and numbers (src/chain/chain.ts, RecentRing), peak
 * RSS is flat without the flags (67.8 / 70.8 / 70.3 MB at 30 MB / 300 MB / 1 GB on one thread,
 * 92-100 MB with --jobs 2 at 300 MB, 99-101 MB at 1 GB, a replay 78-79 MB), no allocation site
 * was pretenured (--trace-pretenuring-statistics, 8 runs) nor any run slow or high in 34 --jobs
 * 2 runs on 300 MB, and without them: 30 MB 1.064x faster, --jobs 2 on 300 MB 1.03x, a 300 MB
 * replay 1.045x, 300 MB one thread 1.01x (alternating rounds).
 *
 * bench/ runs sel with the flags of line 2, so it measures what the `sel` binary does.
 *
 * The rest of sel is one CommonJS bundle beside this file, dist/sel/sel.cjs (run.ts and all it
 * loads; src/cli/bundle.mjs), which this file compiles with the V8 code cache the build made
 * for it (code-cache.ts): a command starts ~40-60 ms sooner than when its ~1.3 MB were
 * compiled from source at each run. `sel verify` without `--repo` takes a smaller cache, of
 * what the integrity check compiles (cacheVariantOf).
 */
import { fileURLToPath } from 'node:url';
import { bundleBeside, cacheVariantOf, cannotLoad, loadBundle } from './code-cache.js';

let bundle = fileURLToPath(new URL('./sel.cjs', import.meta.url));
let run: (argv: readonly string[]) => Promise<number>;
try {
  bundle = bundleBeside(import.meta.url, 'sel.cjs');
  ({ run } = loadBundle<{ run: typeof run }>(bundle, cacheVariantOf(process.argv.slice(2))).exports);
} catch (e) {
  // A broken installation is not the operator's input, but it still deserves one sentence.
  process.stderr.write(`sel: ${cannotLoad(bundle, e)}\n`);
  process.exit(2);
}
process.exitCode = await run(process.argv);
