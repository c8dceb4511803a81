/**
 * Reads one log source as a sequence of byte chunks. A regular file is read only up to the
 * size it had when opened, so a writer appending to it cannot keep the verifier chasing the
 * end, and a file that changes under the reader is reported (LOG_CHANGED), not trusted.
 */
import { createReadStream, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { describeIoError, OperatorError, outOfDescriptors } from '../errors.js';
import type { LogSource } from './sources.js';

/** 1 MiB reads: measured ~1.5 GB/s here, well above what the checks consume. */
export const CHUNK_BYTES = 1 << 20;

export type ReadProblem =
  | { readonly code: 'LOG_UNREADABLE'; readonly message: string }
  | { readonly code: 'LOG_CHANGED'; readonly message: string };

/** Reading failed (an I/O error): what was read before stands. */
export function readFailed(e: unknown): ReadProblem {
  return { code: 'LOG_UNREADABLE', message: `reading failed: ${describeIoError(e)}` };
}

/** A read at `at` found the end of a file that had `size` bytes when it was opened. */
export function shrankWhileRead(size: number, at: number): ReadProblem {
  return { code: 'LOG_CHANGED', message: `the file shrank while it was read: ${size} bytes at open, only ${at} could be read` };
}

/**
 * A file resumed past its end: `size` bytes at open, below the `start` verified before (a
 * checkpoint's bytes, compared before the run, or a library caller's resume). Read from there,
 * nothing was read and the file passed: truncated after the checkpoint was compared (while the
 * governance history was read), it went unreported until the next run (found by review).
 */
export function shorterThanResumed(size: number, start: number): ReadProblem {
  return { code: 'LOG_CHANGED', message: `the file is ${size} bytes, shorter than the ${start} bytes verified before, where this run resumes it: it was truncated or replaced` };
}

/** The file is `after` bytes once read, not the `size` it had when opened: null when the same. */
export function sizeChanged(size: number, after: number): ReadProblem | null {
  if (after === size) return null;
  return {
    code: 'LOG_CHANGED',
    message: after > size
      ? `the file grew from ${size} to ${after} bytes while it was read; only the first ${size} bytes were verified`
      : `the file shrank from ${size} to ${after} bytes while it was read`,
  };
}

/**
 * A file that still holds bytes at the size it had when opened, though its size says the same:
 * it grew after its size was last asked, or its size is not its length (a /proc or sysfs file,
 * some FUSE file systems: size 0, and content). Read up to its size, such a file passed as
 * LOG_EMPTY, "the file holds no events", where it held lines that were never verified (found
 * by review). One byte is read where the file should end (endsAt, endsAtSync).
 */
export function pastItsSize(size: number): ReadProblem {
  return { code: 'LOG_CHANGED', message: `the file holds more than the ${size} bytes its size said when it was opened (it grew while it was read, or its size is not its length, as for a /proc file); only the first ${size} bytes were verified` };
}

/** Whether the open file `fh` ends at `size`: a problem when a byte can be read there (pastItsSize) or reading fails. */
export async function endsAt(fh: FileHandle, size: number, buf: Buffer): Promise<ReadProblem | null> {
  try {
    return (await fh.read(buf, 0, 1, size)).bytesRead > 0 ? pastItsSize(size) : null;
  } catch (e) {
    return readFailed(e);
  }
}

/** endsAt, for a descriptor read synchronously (src/verify/units.ts). */
export function endsAtSync(fd: number, size: number): ReadProblem | null {
  try {
    return readSync(fd, Buffer.allocUnsafe(1), 0, 1, size) > 0 ? pastItsSize(size) : null;
  } catch (e) {
    return readFailed(e);
  }
}

/**
 * A log that could not be opened (one thread, and units.ts): one the operator named is one
 * sentence, and so is sel out of file descriptors (outOfDescriptors); any other is LOG_UNREADABLE.
 */
export function cannotOpen(source: Pick<LogSource, 'display' | 'named'>, e: unknown): ReadProblem {
  if (source.named) throw new OperatorError(`cannot read log ${source.display}: ${describeIoError(e)}`);
  const out = outOfDescriptors(e, source.display);
  if (out !== null) throw out;
  return { code: 'LOG_UNREADABLE', message: `the file could not be opened: ${describeIoError(e)}` };
}

/**
 * Pushes the bytes of `source` to `push`, in order; each chunk is only valid during the call.
 * Returns a problem to report, or null. Throws OperatorError when a file the operator named
 * cannot be opened.
 */
export async function readSource(
  source: LogSource,
  push: (chunk: Buffer) => void,
  stdin: NodeJS.ReadableStream = process.stdin,
  /** Resume a regular file at this byte offset (a checkpoint). */
  startAt = 0,
): Promise<ReadProblem | null> {
  if (source.path === null) return readStream(source, stdin, push);
  if (!source.regular) return readStream(source, createReadStream(source.path), push);

  let fh;
  try {
    fh = await open(source.path, 'r');
  } catch (e) {
    return cannotOpen(source, e);
  }
  // Only I/O failures become findings; an exception thrown by `push` is a bug of ours and
  // must not be disguised as an unreadable file, so it propagates.
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
    } catch (e) {
      return readFailed(e);
    }
    // Two buffers: the next chunk is read (by libuv's thread pool) while this one is checked,
    // so the verifying thread does not sit idle waiting for each read (~0.2 s of a 300 MB
    // run, profile). `push` must not keep the chunk after it returns (LineSplitter copies).
    if (startAt > size) return shorterThanResumed(size, startAt);
    const bufs = [0, 1].map(() => Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, size))));
    let pos = Math.min(startAt, size);
    let which = 0;
    const readAt = (at: number) => fh.read(bufs[which]!, 0, Math.min(bufs[which]!.length, size - at), at);
    let pending = pos < size ? readAt(pos) : null;
    try {
      while (pending !== null) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await pending);
        } catch (e) {
          pending = null;
          return readFailed(e);
        }
        if (bytesRead === 0) {
          pending = null;
          return shrankWhileRead(size, pos);
        }
        const chunk = bufs[which]!.subarray(0, bytesRead);
        pos += bytesRead;
        which ^= 1;
        pending = pos < size ? readAt(pos) : null;
        push(chunk);
      }
    } finally {
      // Leaving early (an exception from push): let the read in flight finish before closing.
      if (pending !== null) await pending.catch(() => undefined);
    }
    let after: number;
    try {
      after = (await fh.stat()).size;
    } catch (e) {
      return readFailed(e);
    }
    return sizeChanged(size, after) ?? (await endsAt(fh, size, bufs[0]!));
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readStream(
  source: LogSource,
  stream: NodeJS.ReadableStream,
  push: (chunk: Buffer) => void,
): Promise<ReadProblem | null> {
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<string | Buffer>;
    try {
      next = (await it.next()) as IteratorResult<string | Buffer>;
    } catch (e) {
      if (source.named && source.path !== null) {
        throw new OperatorError(`cannot read log ${source.display}: ${describeIoError(e)}`);
      }
      return readFailed(e);
    }
    if (next.done === true) return null;
    const chunk = next.value;
    push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
}
