import { type EventHook, type IntegrityResult, type VerifyOptions } from './verifier.js';
export interface RunOptions extends VerifyOptions {
    /** Standard input, for `-` (tests pass their own stream). */
    readonly stdin?: NodeJS.ReadableStream;
    /** Called with each file's byte count as it is read (progress display). */
    readonly onBytes?: (n: number) => void;
}
export declare function verifyLogs(logs: readonly string[], options?: Partial<RunOptions>, onEvent?: EventHook | null): Promise<IntegrityResult>;
