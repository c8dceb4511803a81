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

/** A short, human description of a system error, without a stack. */
export function describeIoError(e: unknown): string {
  switch (errnoCode(e)) {
    case 'ENOENT': return 'it does not exist';
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
    // Node.js's own text names the path again, after the sentence that names it.
    case 'ENAMETOOLONG': return 'its name is too long';
    default: return e instanceof Error ? e.message : String(e);
  }
}
