/**
 * Byte ranges of an open file, read synchronously: what a verification thread needs to check
 * one unit of a log (`--jobs N`). Positional reads (`pread`) on a descriptor shared by every
 * thread of the process, so the main thread opens each file once, and a unit is read by
 * whichever thread checks it. A file that ends before the size it had when it was opened is
 * reported (LOG_CHANGED), an I/O failure is LOG_UNREADABLE, as `read.ts` does for a whole file.
 */
import { readSync } from 'node:fs';
import { readFailed as failed, shrankWhileRead as shrank, type ReadProblem } from './read.js';

/** Reads of 1 MiB, as read.ts does (measured ~1.5 GB/s here). */
const READ_BYTES = 1 << 20;
/** Most lines are far shorter: a line start is looked for in a small read first. */
const PROBE_BYTES = 4096;

/**
 * The first line start after byte `p` (the byte after the first LF at or past `p`), or `size`
 * when no LF follows. A problem when the file cannot be read up to there.
 */
export function nextLineStartSync(fd: number, p: number, size: number, scratch: Buffer): number | ReadProblem {
  let want = PROBE_BYTES;
  for (let at = p; at < size;) {
    const n = Math.min(want, scratch.length, size - at);
    let got: number;
    try {
      got = readSync(fd, scratch, 0, n, at);
    } catch (e) {
      return failed(e);
    }
    if (got === 0) return shrank(size, at);
    const lf = scratch.subarray(0, got).indexOf(0x0a);
    if (lf >= 0) return at + lf + 1;
    at += got;
    want = READ_BYTES;
  }
  return size;
}

/**
 * Pushes the bytes [start, end) of the file to `push`, in chunks of at most `buf.length` bytes,
 * each valid only during the call. Returns a problem, or null when every byte was read.
 */
export function readRangeSync(fd: number, start: number, end: number, size: number, buf: Buffer, push: (chunk: Buffer) => boolean | void): ReadProblem | null {
  for (let at = start; at < end;) {
    let got: number;
    try {
      got = readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
    } catch (e) {
      return failed(e);
    }
    if (got === 0) return shrank(size, at);
    // false: the reader has what it wants (a unit that stopped short).
    if (push(buf.subarray(0, got)) === false) return null;
    at += got;
  }
  return null;
}
