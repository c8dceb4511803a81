/**
 * The operator's own mistakes and I/O that makes verification impossible (a missing file, a
 * bad flag, not a Git repository). The CLI prints the message, one sentence, and exits 2.
 * Problems in the evidence are never errors: they are findings.
 */
export class OperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperatorError';
  }
}

/** Node's error code of a system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

/** The path a system error names, if it names one. */
function pathOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'path' in e && typeof (e as { path: unknown }).path === 'string'
    ? (e as { path: string }).path
    : undefined;
}

/**
 * sel itself ran out of file descriptors (EMFILE, ENFILE) opening `display`: no fault of that
 * log, and no finding about it either. The logs' order is read with several files open at
 * once, and a file that could not be opened then was put last: read later, when descriptors
 * were free again, it gave false SEQ_REORDER and SEQ_GAP findings (under `ulimit -n 25`, a
 * directory of 40 honest segments had 1 001; found by review). Verification is not possible:
 * one sentence, exit status 2.
 */
export function outOfDescriptors(e: unknown, display: string): OperatorError | null {
  if (!isOutOfDescriptors(e)) return null;
  return new OperatorError(`cannot open log ${display}: too many open files (sel ran out of file descriptors; raise the limit, ulimit -n)`);
}

/**
 * Whether `e` says the process ran out of file descriptors: its code, or its message for the
 * errors that carry it there only (a worker thread that could not start: "Worker
 * initialization failure: EMFILE").
 */
export function isOutOfDescriptors(e: unknown): boolean {
  const code = errnoCode(e);
  return code === 'EMFILE' || code === 'ENFILE' || (e instanceof Error && /\bE[MN]FILE\b/.test(e.message));
}

/** A short, human description of a system error, without a stack. */
export function describeIoError(e: unknown): string {
  switch (errnoCode(e)) {
    // Node.js decodes the command line as UTF-8: a name that is not arrives with U+FFFD in place
    // of its bytes, which names no file, and "it does not exist" sent the operator looking for
    // a file that is there (found by review).
    case 'ENOENT': return pathOf(e)?.includes('\uFFFD') === true
      ? 'it does not exist under this name, which holds U+FFFD: a name that is not UTF-8 reaches sel so, as Node.js decodes the command line (rename the file, or name its directory)'
      : 'it does not exist';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EIO': return 'an I/O error occurred';
    case 'EMFILE':
    case 'ENFILE': return 'too many open files';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'the disk quota is exceeded';
    case 'EFBIG': return 'the file would grow past the largest size allowed (by the file system, or by ulimit -f)';
    // Node.js's own text names the path again, after the sentence that names it.
    case 'ENAMETOOLONG': return 'its name is too long';
    default: return e instanceof Error ? e.message : String(e);
  }
}
