import type { LogSource } from './sources.js';
/** 1 MiB reads: measured ~1.5 GB/s here, well above what the checks consume. */
export declare const CHUNK_BYTES: number;
export type ReadProblem = {
    readonly code: 'LOG_UNREADABLE';
    readonly message: string;
} | {
    readonly code: 'LOG_CHANGED';
    readonly message: string;
};
/**
 * Pushes the bytes of `source` to `push`, in order; each chunk is only valid during the call.
 * Returns a problem to report, or null. Throws OperatorError when a file the operator named
 * cannot be opened.
 */
export declare function readSource(source: LogSource, push: (chunk: Buffer) => void, stdin?: NodeJS.ReadableStream): Promise<ReadProblem | null>;
