/**
 * Single-pass JSON text scanners.
 *
 * `scanCanonical` decides, without building any value, whether a text is exactly the
 * RFC 8785 (JCS) serialisation of the value it denotes. A line of an audit log must be
 * (SPEC.md §2), so this is the hot path: it replaces "parse, re-serialise, compare" with one
 * left-to-right pass, and records where the top-level `hash` and `request` members are so
 * the event hash and the request fingerprint can be computed from slices of the line itself
 * (the canonical form of "the event without `hash`" is the line with that member cut out).
 *
 * `scanStrict` accepts any JSON formatting but rejects what JSON.parse would silently resolve
 * one way while another parser resolves it another (duplicate keys), and what JCS cannot
 * represent (lone surrogates, non-finite numbers, integer literals that lose their value as
 * an IEEE-754 double, SPEC.md §1). It is used for files that are hashed after parsing
 * (policy files, ledger artifacts) and to classify a log line that is not canonical.
 *
 * Both scanners are iterative with an explicit depth limit, so hostile nesting cannot
 * overflow the stack, and both work on a JS string decoded from bytes already checked to be
 * well-formed UTF-8 (so the text itself holds no lone surrogate).
 */
/** Why a text is not canonical or not JSON. Stable identifiers, used in finding details. */
export type ScanReason = 'unexpected-character' | 'unexpected-end' | 'control-character-in-string' | 'invalid-escape' | 'invalid-number' | 'trailing-content' | 'duplicate-key' | 'lone-surrogate' | 'number-out-of-range' | 'integer-precision-loss' | 'too-deep' | 'whitespace' | 'key-order' | 'escape-form' | 'number-form';
/** The reasons for which the text is not JSON at all. */
export declare const INVALID_JSON_REASONS: ReadonlySet<ScanReason>;
/** The reasons for which the text is JSON that JCS cannot represent faithfully. */
export declare const UNREPRESENTABLE_REASONS: ReadonlySet<ScanReason>;
export interface ScanFailure {
    readonly ok: false;
    readonly reason: ScanReason;
    /** Offset (UTF-16 code units) in the text where the problem was seen. */
    readonly offset: number;
}
/** Where a top-level member sits in a canonical text: [start of its key, end of its value). */
export interface MemberSpan {
    readonly start: number;
    readonly valueStart: number;
    readonly end: number;
}
export interface CanonicalScan {
    readonly ok: true;
    /** True when the top-level value is an object. */
    readonly isObject: boolean;
    readonly hash: MemberSpan | null;
    readonly request: MemberSpan | null;
}
export interface StrictScan {
    readonly ok: true;
}
export declare const DEFAULT_MAX_DEPTH = 128;
/**
 * Is `text` exactly JCS(value) for the JSON value it denotes?
 *
 * Checks, in one pass: no insignificant white space; object keys strictly increasing in UTF-16
 * code-unit order (which also excludes duplicates); strings escaped exactly as ECMAScript
 * JSON.stringify escapes them (only `\"`, `\\`, `\b \f \n \r \t`, and `\u00xx` in lowercase hex
 * for other controls); numbers written as ECMAScript Number#toString writes them.
 */
export declare function scanCanonical(text: string, maxDepth?: number): CanonicalScan | ScanFailure;
/**
 * Scans any JSON text (RFC 8259) and rejects what cannot be represented faithfully:
 * duplicate keys, `\u` escapes of lone surrogates, non-finite numbers, integer literals that
 * lose their value as a double, nesting deeper than `maxDepth`. Also reports the first
 * noncanonical feature seen, so a caller can tell "valid but not canonical" apart.
 */
export declare function scanStrict(text: string, maxDepth?: number): StrictScan | ScanFailure;
