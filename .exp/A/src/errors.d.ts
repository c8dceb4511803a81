/**
 * The operator's own mistakes and I/O that makes verification impossible (a missing file, a
 * bad flag, not a Git repository). The CLI prints the message, one sentence, and exits 2.
 * Problems in the evidence are never errors: they are findings.
 */
export declare class OperatorError extends Error {
    constructor(message: string);
}
/** Node's error code of a system error, if it is one. */
export declare function errnoCode(e: unknown): string | undefined;
/** A short, human description of a system error, without a stack. */
export declare function describeIoError(e: unknown): string;
