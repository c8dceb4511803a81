export type JcsErrorReason = 'lone-surrogate' | 'non-finite-number' | 'unsupported-type' | 'too-deep';
/** A value that RFC 8785 cannot represent. */
export declare class JcsError extends Error {
    readonly reason: JcsErrorReason;
    /** JSON Pointer (RFC 6901) of the offending value. */
    readonly pointer: string;
    constructor(reason: JcsErrorReason, pointer: string, message: string);
}
/** A JSON value as JSON.parse produces it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
    [key: string]: JsonValue;
};
/**
 * Throws JcsError unless `value` is a tree of plain JSON values that RFC 8785 can represent.
 * Iterative, so depth is bounded by `maxDepth`, not by the call stack.
 */
export declare function assertJcsValue(value: unknown, maxDepth?: number): asserts value is JsonValue;
/** RFC 8785 canonical form of `value`. Throws JcsError for what JCS cannot represent. */
export declare function canonicalize(value: unknown, maxDepth?: number): string;
