import type { Decision, SelEvent, TrustZone } from '../envelope/types.js';
/** What the producer supplies; the chain members are computed. Extra members are kept. */
export interface EventInput {
    readonly ts: string;
    readonly kind: string;
    readonly actor: {
        readonly id: string;
        readonly zone: TrustZone;
    };
    readonly request: Readonly<Record<string, unknown>>;
    readonly policy_hash: string;
    readonly decision: Decision;
    readonly review_ref?: string;
    readonly exception_ref?: string;
    readonly [extra: string]: unknown;
}
export interface Appended {
    /** The canonical line, without its LF. */
    readonly line: string;
    readonly event: SelEvent;
}
/** An event the producer refuses to write. */
export declare class ProducerError extends Error {
    constructor(message: string);
}
export declare class ChainWriter {
    readonly chain: string;
    private seq;
    private prev;
    /** Starts a chain at seq 0, or continues one from its last event's seq and hash. */
    constructor(chain: string, from?: {
        readonly lastSeq: number;
        readonly lastHash: string;
    });
    /** The seq the next event will get. */
    get nextSeq(): number;
    /** The hash of the last event appended (or of the position continued from). */
    get head(): string;
    append(input: EventInput): Appended;
}
