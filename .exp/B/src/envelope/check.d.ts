import type { EventRecord, LineRef } from './types.js';
export declare const CONTRACT_VERSION = "sel.audit/1";
export interface CheckOptions {
    /** Deepest nesting accepted in an event (objects and arrays). */
    readonly maxDepth: number;
    /** Keep the parsed event on the record (replay needs it; integrity-only does not). */
    readonly keepEvent: boolean;
}
/** A usable chain id (the envelope schema's rule). */
export declare function isChainId(v: unknown): v is string;
export declare function checkLine(raw: Buffer, ref: LineRef, opts: CheckOptions): EventRecord;
/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export declare function firstInvalidUtf8(b: Uint8Array): number;
