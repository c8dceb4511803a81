import { writeSync } from 'node:fs';
import { describeIoError } from '../errors.js';

/** Whether standard output's reader went away (`sel verify … | head -1`): nothing is written. */
let readerGone = false;

/** Writing to standard output without losing bytes, and without dying on a closed pipe. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text.length === 0 || readerGone) {
      resolve();
      return;
    }
    if (isFile()) {
      writeToFile(text);
      resolve();
      return;
    }
    process.stdout.write(text, (e?: NodeJS.ErrnoException | null) => {
      // Also said by the 'error' event, which may come after this.
      if (e?.code === 'EPIPE') readerGone = true;
      resolve();
    });
  });
}

/**
 * Writes to standard output from code that cannot wait (sel timeline's rows): as writeOut does,
 * without the promise.
 */
export function putOut(text: string): void {
  if (text.length === 0 || readerGone) return;
  if (isFile()) writeToFile(text);
  else process.stdout.write(text);
}

/** Whether standard output is a file (or a device that is not a terminal): Node.js writes it synchronously. */
const isFile = (): boolean => (process.stdout as unknown as { _type?: string })._type === 'fs';

/**
 * Standard output that is a file is written here, not through Node.js's stream, which writes
 * each chunk with one write(2) and drops what a short write left: on a disk that fills up, or
 * past `ulimit -f` (EFBIG), the report was cut at the limit, nothing was said, and the run
 * exited 0 and advanced its checkpoint (found by review). What is left is written again until
 * it is all written or the system says why not, which is one sentence and exit status 2.
 */
function writeToFile(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  try {
    while (at < bytes.length) {
      const n = writeSync(1, bytes, at, bytes.length - at);
      if (n <= 0) throw new Error('the system wrote none of it');
      at += n;
    }
  } catch (e) {
    cannotWrite(e);
  }
}

/** A report that cannot be written: one sentence, exit status 2, and nothing after it. */
function cannotWrite(e: unknown): never {
  process.stderr.write(`sel: cannot write to standard output: ${describeIoError(e)}\n`);
  process.exit(2);
}

/** Whether all that was written to standard output reached its reader (see ignoreBrokenPipe). */
export function outputComplete(): boolean {
  return !readerGone;
}

/**
 * Writes to standard output wait for its reader from now on: for `sel timeline`, which writes
 * rows as it reads the logs, from callbacks that cannot wait. On a pipe, Node.js queues what the
 * reader has not taken yet, in memory: `sel timeline big.jsonl | less` read the whole log and
 * held all its rows (a 300 MB log, its reader waiting: 391 MB of RSS, 784 MB with --jobs 2,
 * against 110 MB read at once; found by review). A blocking write instead holds the run where
 * it is until the reader takes the rows. (A file or a terminal is written synchronously
 * already.)
 */
export function blockingStdout(): void {
  const handle = (process.stdout as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })._handle;
  if (typeof handle?.setBlocking === 'function') handle.setBlocking(true);
}

/** Whether a reader that goes away ends sel at once (a command whose status it cannot change). */
let endWithReader = false;

/**
 * From now on, a reader that goes away ends sel at once with status 0: for `sel timeline`, which
 * writes as it reads and exits 0 whatever the logs hold; the rest would be read for no one.
 */
export function endWhenReaderGoes(): void {
  endWithReader = true;
}

/**
 * A reader that went away (`sel verify … | head`) is not an error of ours, and it is not a
 * verdict either: sel stops writing and ends as it would have, with the exit status its
 * findings decide. Before, it exited at once with the status set so far, which was 0 while the
 * report was being written: `sel verify … --format jsonl | head -1` passed a log with findings
 * (found by review). Every report is written once its verdict is known: what is left then is
 * the rest of the report, not written, and what follows it (a checkpoint, not advanced past it:
 * verify.ts). `sel timeline`, which writes as it reads and whose status is 0 whatever it
 * finds, ends at once (endWhenReaderGoes).
 *
 * Any other failure to write the report (a full disk, a file over quota) is one sentence and
 * exit status 2, and the run stops there: nothing after the report (a checkpoint) is written
 * past a report that was not.
 */
export function ignoreBrokenPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      readerGone = true;
      if (endWithReader) process.exit(0);
      return;
    }
    cannotWrite(e);
  });
}

/**
 * Standard error that cannot be written (a full disk under `2>>job.log`, /dev/full, a pipe whose
 * reader went away) is not a reason to end the run: Node.js made the failed write an uncaught
 * 'error' event, which ended sel at once with status 1, the status of a run with findings. A
 * usage error (`sel verify missing.jsonl 2>/dev/full`) exited 1, not 2; a passing run that wrote
 * a note there first (a checkpoint kept among the logs, a shard's summary) exited 1 with its
 * report never written (found by review). What cannot be said there is not said; the exit
 * status still says what the run found.
 */
export function ignoreUnwritableStderr(): void {
  process.stderr.on('error', () => undefined);
}
