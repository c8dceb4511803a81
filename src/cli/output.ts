import { describeIoError } from '../errors.js';

/** Writing to standard output without losing bytes, and without dying on a closed pipe. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text.length === 0) {
      resolve();
      return;
    }
    process.stdout.write(text, () => resolve());
  });
}

/**
 * A reader that went away (`sel verify … | head`) is not an error of ours. Any other failure
 * to write the report (a full disk, a file over quota) is one sentence and exit status 2, and
 * the run stops there: nothing after the report (a checkpoint) is written past a report that
 * was not.
 */
export function ignoreBrokenPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`sel: cannot write to standard output: ${describeIoError(e)}\n`);
    process.exit(2);
  });
}
