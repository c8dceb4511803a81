/**
 * The records of lines that cannot be events because of their shape in the file (SPEC.md §2):
 * made where lines are split, on whichever thread that is.
 */
import type { Hole, LineRef } from '../envelope/types.js';
import { makeFinding } from '../findings/finding.js';

/** The record for an empty line that is not the last of its file (SPEC.md §2). */
export function emptyLineHole(ref: LineRef): Hole {
  const f = makeFinding('LINE_EMPTY', { location: { file: ref.file, line: ref.line }, message: 'empty line; only the very last line of a file may be empty' });
  return { kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] };
}

export function tooLongHole(ref: LineRef, length: number, max: number): Hole {
  const f = makeFinding('LINE_TOO_LONG', {
    location: { file: ref.file, line: ref.line },
    message: `line of ${length} bytes exceeds the limit of ${max} bytes (--max-line-bytes); it was skipped unread`,
    expected: `<= ${max}`,
    actual: length,
  });
  return { kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] };
}

export function tornHole(ref: LineRef, length: number): Hole {
  const f = makeFinding('LINE_TORN', {
    location: { file: ref.file, line: ref.line },
    message: `the last line (${length} bytes) has no line feed: a torn write; it is not evaluated`,
    detail: { bytes: length },
  });
  return { kind: 'hole', ref, chain: null, hashes: [], capacity: 1, findings: [f] };
}
