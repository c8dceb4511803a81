/**
 * The command line's entry, as the bundle dist/sel/sel.cjs exports it: the `sel` binary
 * (main.ts) loads that bundle with V8's code cache (code-cache.ts) and awaits `run`.
 */
import { startEarly } from './early.js';
import { ignoreBrokenPipe, ignoreUnwritableStderr } from './output.js';

/** Runs `sel` on `argv` (as process.argv: node, script, arguments) and gives its exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  // First: each worker adds a listener to stdout, and this one must not be the 11th (Node's
  // MaxListenersExceededWarning, on standard error, with --jobs 11 or more).
  ignoreBrokenPipe();
  ignoreUnwritableStderr();
  // Before the rest of sel loads (program.ts, commander): a parallel verify run's threads start
  // booting now, and a replay's first git commands start running (early.ts).
  await startEarly(argv);
  const { main } = await import('./program.js');
  return main(argv);
}
