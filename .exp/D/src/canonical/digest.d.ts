export declare const SHA256_PREFIX = "sha256:";
/** `prev_hash` of the first event of a chain (SPEC.md §2). */
export declare const GENESIS_PREV_HASH: string;
/** SHA-256 of the UTF-8 bytes of `data` (a string is encoded as UTF-8). */
export declare function sha256Hex(data: string | Uint8Array): string;
export declare function sha256Digest(data: string | Uint8Array): string;
/** `sha256:` digest of JCS(value). */
export declare function digestOf(value: unknown): string;
export type DigestCheck = {
    readonly kind: 'sha256';
} | {
    readonly kind: 'unsupported';
    readonly algorithm: string;
} | {
    readonly kind: 'malformed';
};
/** The general digest form `<algorithm>:<value>` (the envelope schema's "sel-digest" format). */
export declare function isDigestForm(value: string): boolean;
/**
 * Digests known to be well-formed because this process computed them (event hashes,
 * fingerprints) or already checked them (policy hashes). Checking a digest's form character
 * by character costs ~0.5 us here, several times per event; a successor's prev_hash or a
 * repeated policy_hash is almost always among the last few, and `===` against a handful of
 * strings (which differ from each other within the first characters) is far cheaper than
 * the check, and than a Set, which must hash the whole string. Only a cache: a miss falls
 * back to the full check, so results never depend on it.
 */
declare class DigestMemo {
    private readonly ring;
    private next;
    constructor(size: number);
    /** Most recent first: a prev_hash is usually the hash added just before. */
    has(value: string): boolean;
    add(value: string): void;
}
/** Digests this process just computed (event hashes, fingerprints): a successor names one. */
export declare const KNOWN_GOOD: DigestMemo;
/** Is `value` a well-formed sha256 digest? The memos first, then the full check. */
export declare function isGoodSha256(value: unknown): boolean;
/**
 * Classifies a digest string: a well-formed `sha256:` digest, a digest under an algorithm
 * this verifier does not implement (an error, never skipped: SPEC.md §1), or malformed.
 */
export declare function checkDigest(value: string): DigestCheck;
/**
 * `sha256:` + 64 lowercase hex digits. ~250 ns here whether written as this loop or as a
 * regular expression (measured): what saves time is not running it, hence the memos above.
 */
export declare function isSha256Digest(value: unknown): boolean;
export {};
