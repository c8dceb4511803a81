/**
 * Runs the real `sel verify FILE --format json` inside this process and reports how long it
 * took and how much memory the process peaked at.
 *
 * Why in-process rather than spawning dist/sel/sel.js: Node can only report the peak
 * RSS of its own process (`process.resourceUsage().maxRSS`); for a spawned grandchild we
 * would need `/usr/bin/time` or /proc polling, neither portable nor exact. Importing the CLI
 * entry point runs exactly what the `sel` binary runs — main.ts loads the bundle with its code
 * cache and awaits `run(process.argv)` at top level, so the import settles only when
 * verification and report output are done —
 * and this wrapper adds nothing measurable to either time or memory.
 *
 * Usage (by bench/run.ts): `node dist/bench/child.js FILE [SEL_ARGS...]`, with a pipe on
 * fd 3; it runs `sel verify FILE --format json SEL_ARGS...` (e.g. `--repo DIR` for a full
 * replay). stdout carries sel's own report untouched (the parent checks it); the measurement
 * goes to fd 3 as one JSON line `{ "seconds", "exitCode", "maxRssBytes" }`, so the two never
 * mix.
 *
 * maxRssBytes is this process's peak only: with --repo, sel also runs `git` (rev-list and
 * two long-lived cat-file processes), whose memory is not included.
 */
import { writeSync } from 'node:fs';

const MEASUREMENT_FD = 3;

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node dist/bench/child.js FILE [SEL_ARGS...]   (measurement on fd 3)\n');
  process.exit(2);
}

// commander reads process.argv with { from: 'node' }: [node, script, ...args].
const extra = process.argv.slice(3);
process.argv = [process.argv[0]!, 'sel', 'verify', file, '--format', 'json', ...extra];

// Timed from before sel's modules load: loading commander, ajv and the schema is part of
// what a user waits for. Node's own boot is not, and the floor does not count it either.
const started = process.hrtime.bigint();
// The bundle, which is what the `sel` binary runs (src/cli/bundle.mjs; made after tsc, so named by URL).
await import(new URL('../sel/sel.js', import.meta.url).href);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const code = process.exitCode;
writeSync(
  MEASUREMENT_FD,
  `${JSON.stringify({
    seconds,
    exitCode: typeof code === 'number' ? code : Number(code ?? 0),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
