/**
 * Digests as SPEC.md §1 writes them: `sha256:` + 64 lowercase hex digits of SHA-256 over the
 * UTF-8 bytes of a canonical form.
 *
 * The one-shot `crypto.hash()` is used because it was measured ~1.6x faster than
 * `@noble/hashes` and ~2x faster than `createHash()` on event-sized inputs (DESIGN.md); the
 * test suite checks it against `@noble/hashes` as an independent implementation.
 */
import { hash } from 'node:crypto';
import { canonicalize } from './jcs.js';

export const SHA256_PREFIX = 'sha256:';
/** `prev_hash` of the first event of a chain (SPEC.md §2). */
export const GENESIS_PREV_HASH = `${SHA256_PREFIX}${'0'.repeat(64)}`;

/** SHA-256 of the UTF-8 bytes of `data` (a string is encoded as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

export function sha256Digest(data: string | Uint8Array): string {
  return SHA256_PREFIX + hash('sha256', data, 'hex');
}

/** `sha256:` digest of JCS(value). */
export function digestOf(value: unknown): string {
  return sha256Digest(canonicalize(value));
}

export type DigestCheck =
  | { readonly kind: 'sha256' }
  | { readonly kind: 'unsupported'; readonly algorithm: string }
  | { readonly kind: 'malformed' };

const ANY_DIGEST_RE = /^([a-z0-9][a-z0-9-]*):[0-9a-zA-Z+/=_-]+$/;

/** The general digest form `<algorithm>:<value>` (the envelope schema's "sel-digest" format). */
export function isDigestForm(value: string): boolean {
  if (isKnownGood(value)) return true;
  if (!hasSha256Prefix(value)) return ANY_DIGEST_RE.test(value);
  if (!isSha256Digest(value)) return false;
  KNOWN_STABLE.add(value);
  return true;
}

/** Byte classes of a digest's characters: a lowercase hex digit, an algorithm's, a value's. */
const HEX = 1;
const ALGORITHM = 2;
const VALUE = 4;
const DIGEST_BYTES = (() => {
  const t = new Uint8Array(256);
  const mark = (chars: string, bit: number) => {
    for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)]! |= bit;
  };
  const digits = '0123456789';
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  mark(`${digits}abcdef`, HEX);
  mark(`${digits}${lower}-`, ALGORITHM);
  mark(`${digits}${lower}${lower.toUpperCase()}+/=_-`, VALUE);
  return t;
})();

/**
 * isDigestForm over `len` bytes of `b` from `at`, without a string made of them: the merge
 * checks each shard record's hash and prev_hash in its column (a string a record cost the merge
 * of 300 MB 20%; a table lookup a byte, not a chain of ranges, keeps this check under 0.02 s).
 */
export function isDigestFormBytes(b: Uint8Array, at: number, len: number): boolean {
  const end = at + len;
  if (len === 71 && b[at] === 0x73 && b[at + 1] === 0x68 && b[at + 2] === 0x61 && b[at + 3] === 0x32 && b[at + 4] === 0x35 && b[at + 5] === 0x36 && b[at + 6] === 0x3a) {
    // 64 digits, four a step (measured ~20% faster than one).
    const t = DIGEST_BYTES;
    let all = HEX;
    for (let k = at + 7; k < end; k += 4) all &= t[b[k]!]! & t[b[k + 1]!]! & t[b[k + 2]!]! & t[b[k + 3]!]!;
    return all === HEX;
  }
  // <algorithm>:<value>, the algorithm [a-z0-9][a-z0-9-]* and not sha256, the value [0-9a-zA-Z+/=_-]+.
  let i = at;
  while (i < end && b[i] !== 0x3a) i++;
  if (i === at || i >= end - 1 || b[at] === 0x2d) return false;
  if (i - at === 6 && b[at] === 0x73 && b[at + 1] === 0x68 && b[at + 2] === 0x61 && b[at + 3] === 0x32 && b[at + 4] === 0x35 && b[at + 5] === 0x36) return false;
  for (let k = at; k < i; k++) if ((DIGEST_BYTES[b[k]!]! & ALGORITHM) === 0) return false;
  for (let k = i + 1; k < end; k++) if ((DIGEST_BYTES[b[k]!]! & VALUE) === 0) return false;
  return true;
}

/** Starts with `sha256:` (char codes: String#startsWith was measured slow here). */
export function hasSha256Prefix(value: string): boolean {
  return value.length >= 7 && value.charCodeAt(0) === 0x73 && value.charCodeAt(1) === 0x68 &&
    value.charCodeAt(2) === 0x61 && value.charCodeAt(3) === 0x32 && value.charCodeAt(4) === 0x35 &&
    value.charCodeAt(5) === 0x36 && value.charCodeAt(6) === 0x3a;
}

/**
 * Digests known to be well-formed because this process computed them (event hashes,
 * fingerprints) or already checked them (policy hashes). Checking a digest's form character
 * by character costs ~0.5 us here, several times per event; a successor's prev_hash or a
 * repeated policy_hash is almost always among the last few, and `===` against a handful of
 * strings (which differ from each other within the first characters) is far cheaper than
 * the check, and than a Set, which must hash the whole string. Only a cache: a miss falls
 * back to the full check, so results never depend on it.
 */
class DigestMemo {
  /** Empty slots hold undefined, which no string equals: filled with '', "" was a known digest. */
  private readonly ring: (string | undefined)[];
  private next = 0;
  constructor(size: number) {
    this.ring = new Array<string | undefined>(size).fill(undefined);
  }

  /** Most recent first: a prev_hash is usually the hash added just before. */
  has(value: string): boolean {
    const ring = this.ring;
    const n = ring.length;
    for (let k = 1; k <= n; k++) if (ring[(this.next - k + n) % n] === value) return true;
    return false;
  }

  add(value: string): void {
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
  }
}

/** Digests this process just computed (event hashes, fingerprints): a successor names one. */
export const KNOWN_GOOD = new DigestMemo(16);
/** Digests that were checked and tend to repeat (policy hashes): kept apart so the stream of
 * computed hashes does not push them out. */
const KNOWN_STABLE = new DigestMemo(8);

function isKnownGood(value: string): boolean {
  return KNOWN_GOOD.has(value) || KNOWN_STABLE.has(value);
}


/**
 * Classifies a digest string: a well-formed `sha256:` digest, a digest under an algorithm
 * this verifier does not implement (an error, never skipped: SPEC.md §1), or malformed.
 */
export function checkDigest(value: string): DigestCheck {
  if (isSha256Digest(value)) return SHA256_OK;
  const m = ANY_DIGEST_RE.exec(value);
  if (m !== null && m[1] !== 'sha256') return { kind: 'unsupported', algorithm: m[1]! };
  return { kind: 'malformed' };
}

const SHA256_OK: DigestCheck = { kind: 'sha256' };

/**
 * `sha256:` + 64 lowercase hex digits. ~250 ns here whether written as this loop or as a
 * regular expression (measured): what saves time is not running it, hence the memos above.
 */
export function isSha256Digest(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 71 || !hasSha256Prefix(value)) return false;
  for (let i = 7; i < 71; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}
