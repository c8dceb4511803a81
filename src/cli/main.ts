#!/bin/sh
//usr/bin/env true; exec node --min-semi-space-size=4 --max-semi-space-size=4 --single-threaded-gc --no-allocation-site-pretenuring "$0" "$@"
/**
 * The `sel` binary: it starts node with sel's flags, starts a parallel run's threads and a
 * replay's first git commands early (early.ts), and runs the command line (program.ts:
 * commander, exit status).
 *
 * The first two lines start Node.js with four flags. They are read by sh: `//usr/bin/env true`
 * does nothing (but costs two short processes, ~1.4 ms: `":"`, a shell built-in, is what tsc
 * turns into `":";`, which sh then breaks on), and `exec` runs node on this file, in the
 * same process, to which they are a `#!` line and a comment. `#!/usr/bin/env -S node FLAGS`
 * says the same more plainly, but the `env` of BusyBox (Alpine images, common in CI and
 * Kubernetes) has no -S, and sel would not start there. The price: npm's Windows shim runs
 * `/bin/sh`, which Windows has only with Git Bash or WSL (README.md).
 *
 * --min-semi-space-size=4 --max-semi-space-size=4 fix V8's young generation at 4 MB semi-spaces.
 * By default it starts small and grows during a long run, so peak RSS grew with the log's
 * size (87 MB at 30 MB, 110 MB at 300 MB, measured); fixed, it stays within a few percent,
 * which is what a nightly job sizing its container needs. It was fixed at 16 MB (the most V8
 * grows it to) until 2026-12-02; 4 MB, measured against 16 and 8 in rounds of alternating runs
 * (8 each): 30 MB 1.19x faster (8 MB: 1.15x), a 30 MB replay 1.26x, --jobs 2 on 300 MB 1.06x,
 * 300 MB on one thread and a 300 MB replay the same (1.02x, 0.99x-1.04x), and peak RSS ~20 MB
 * lower everywhere (one thread 72 MB at 30 MB and 300 MB, 80 MB at 1 GB; --jobs 2 105-114 MB;
 * replay 78-115 MB). It collects four times as often (215 young collections of ~1 ms in a
 * 300 MB run against 57) for no loss of time: what survives one is the chain check's windows,
 * the same at any size; a smaller young generation probably also stays in the caches better.
 *
 * --single-threaded-gc: each thread collects its own garbage, without V8's helper threads.
 * With --jobs the checking threads already use the cores, and helpers only took turns with
 * them: --jobs 2 ran 5-7% faster without them (1 GB: 4 alternating pairs; 300 MB: 8), one
 * thread the same within noise (30 MB: 1.01x, replay 100 MB: 1.04x), peak RSS the same.
 *
 * --no-allocation-site-pretenuring: V8 samples the objects each allocation site makes, and
 * when a young collection finds a whole sample alive, it allocates that site's objects in the
 * old generation for the rest of the run. In one --jobs 2 run in three to ten (300 MB log) it
 * did so for the sites of the records and their line refs (addColumns, the verifier's ref,
 * the unit's line callback; --trace-pretenuring-statistics: samples of 1 690-8 255 objects,
 * all found alive), though they die young: the old generation then grew 4-5 MB between young
 * collections and needed mark-compacts, and the run took 1.2x-1.5x as long and peaked at
 * ~185 MB instead of ~130 MB. Without the heuristic: --jobs 2 1.14x faster (median of 12
 * alternating pairs, twice), every run at 128-136 MB; one thread, replay and 30 MB the same
 * within noise (1.00x-1.04x).
 *
 * bench/ runs sel with these flags, so it measures what the `sel` binary does.
 */
import { startEarly } from './early.js';
import { ignoreBrokenPipe } from './output.js';

// First: each worker adds a listener to stdout, and this one must not be the 11th (Node's
// MaxListenersExceededWarning, on standard error, with --jobs 11 or more).
ignoreBrokenPipe();
// Before the rest of sel loads (program.ts, commander): a parallel verify run's threads start
// booting now, and a replay's first git commands start running (early.ts).
await startEarly(process.argv);
const { main } = await import('./program.js');
process.exitCode = await main(process.argv);
