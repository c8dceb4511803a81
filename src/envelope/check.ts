/**
 * One line of an audit log → one checked record (SPEC.md §1, §2). Pure: no I/O, no clock;
 * the unit of work a worker thread runs over a batch of lines.
 *
 * The hot path, for a line that is what it should be:
 *   1. `isUtf8` on the bytes, one string per line;
 *   2. `JSON.parse`, then `matchCanonical` proves the line is JCS(event) by walking the value
 *      and the text together (per node, not per byte) and finds where `hash` and `request` sit;
 *   3. the event hash is SHA-256 of the line's own bytes with the `hash` member cut out (that
 *      is exactly JCS(event without "hash")), and the fingerprint is SHA-256 of the request's
 *      bytes in the line: nothing is re-serialised, and the bytes hashed are the bytes parsed.
 * Anything else takes the slow path, which re-serialises with `canonicalize` and says why.
 *
 * Before all of that, `fastCheckLine` (fast.ts) tries to prove the line clean on its bytes
 * alone, without JSON.parse; only a line it cannot prove clean comes here.
 */
import { isUtf8 } from 'node:buffer';
import { canonicalize, JcsError } from '../canonical/jcs.js';
import { checkDigest, hasSha256Prefix, isSha256Digest, KNOWN_GOOD, SHA256_PREFIX, sha256Digest, type DigestCheck } from '../canonical/digest.js';
import { matchCanonical } from '../canonical/guided.js';
import {
  INVALID_JSON_REASONS,
  scanCanonical,
  scanStrict,
  type MemberSpan,
  type ScanReason,
} from '../canonical/scan.js';
import { makeFinding, shown, type Finding } from '../findings/finding.js';
import { fastCheckLine } from './fast.js';
import { sha256HexOf, sha256HexWithout } from './line-digest.js';
import { isChainIdForm, isSelTimestamp, validateEnvelope } from './schema.js';
import { checkWholeNumber, MAX_DEPTH_LIMIT } from '../verify/options.js';
import { OperatorError } from '../errors.js';
import { CONTRACT_VERSION, type EventRecord, type Hole, type LineRef, type SelEvent } from './types.js';

export { CONTRACT_VERSION };

export interface CheckOptions {
  /** Deepest nesting accepted in an event (objects and arrays). */
  readonly maxDepth: number;
  /** Keep the parsed event on the record (replay needs it; integrity-only does not). */
  readonly keepEvent: boolean;
  /**
   * The event's only reader takes request members by name (replay's evaluator): the fast
   * path may then give a request that parses its members as they are read (fast.ts).
   */
  readonly lazyRequest?: boolean;
}

type FormReason = 'byte-order-mark' | 'crlf';
type NoncanonicalReason = ScanReason | FormReason;

/** A usable chain id (the envelope schema's rule). */
export function isChainId(v: unknown): v is string {
  return typeof v === 'string' && isChainIdForm(v);
}

/**
 * The first line of a Git LFS pointer (git-lfs's spec), which a checkout without `git lfs pull`
 * leaves where the log should be: its line says so, as three lines of "not JSON" would not.
 */
const LFS_POINTER_FIRST_LINE = 'version https://git-lfs.github.com/spec/v1';
const LFS_POINTER_HINT = ': the file is a Git LFS pointer, not the log (fetch the log with git lfs pull)';

const REASON_TEXT: Record<NoncanonicalReason, string> = {
  'unexpected-character': 'an unexpected character',
  'unexpected-end': 'the line ends too early',
  'control-character-in-string': 'a raw control character in a string',
  'invalid-escape': 'an invalid escape sequence',
  'invalid-number': 'a malformed number',
  'trailing-content': 'content after the JSON value',
  'duplicate-key': 'a duplicate key (parsers disagree on which value counts)',
  'lone-surrogate': 'a lone surrogate escape, which canonical JSON cannot represent',
  'number-out-of-range': 'a number outside the range of an IEEE-754 double',
  'integer-precision-loss': 'an integer that an IEEE-754 double cannot hold exactly',
  'too-deep': 'arrays and objects nested deeper than --max-depth',
  whitespace: 'white space between tokens',
  'key-order': 'keys not sorted by UTF-16 code units',
  'escape-form': 'a string escape not written as JSON.stringify writes it',
  'number-form': 'a number not written as ECMAScript Number#toString writes it',
  crlf: 'a CR before the LF (CRLF line ending)',
  'byte-order-mark': 'a UTF-8 byte order mark before the JSON text',
};

/**
 * What a line's CRs before the LF are: one is a CRLF ending; more (`}\r\r`) are not, and are
 * counted. Only the last is cut before the JSON is read (the others are white space to it),
 * so that lines which are not events are read as they always were.
 */
function crlfText(raw: Buffer): string {
  let n = 0;
  for (let i = raw.length - 1; i >= 0 && raw[i] === 0x0d; i--) n++;
  return n > 1 ? `${n} CRs before the LF` : REASON_TEXT.crlf;
}

export function checkLine(raw: Buffer, ref: LineRef, opts: CheckOptions): EventRecord {
  return fastCheckLine(raw, ref, opts.maxDepth, opts.keepEvent, opts.lazyRequest === true) ?? checkLineFully(raw, ref, opts);
}

/**
 * checkLine as the library exports it (src/index.ts), with `opts.maxDepth` held to the bound
 * the CLI takes first (OperatorError): past it, the full check of a deep line that is not
 * canonical overflowed the stack, a RangeError instead of a record, and NaN bounded nothing
 * (found by review). The verifier's own calls have options checked once, by checkVerifyOptions.
 */
export function checkLineChecked(raw: Buffer, ref: LineRef, opts: CheckOptions): EventRecord {
  checkWholeNumber('maxDepth', opts.maxDepth, 1, MAX_DEPTH_LIMIT);
  // A Uint8Array that is not a Buffer decoded as its numbers ("123,34,..."): a sound line was a
  // LINE_INVALID_JSON; a string was a TypeError of node:crypto (found by review).
  const given: unknown = raw;
  if (!Buffer.isBuffer(given)) {
    if (!(given instanceof Uint8Array)) throw new OperatorError('a line must be a Buffer (or a Uint8Array) of its bytes');
    return checkLine(Buffer.from(given.buffer, given.byteOffset, given.byteLength), ref, opts);
  }
  return checkLine(raw, ref, opts);
}

/**
 * The full check: every finding a line can have. `checkLine` runs it for any line the fast
 * path (fast.ts) does not accept; exported so tests can hold the two to the same answer.
 */
export function checkLineFully(raw: Buffer, ref: LineRef, opts: CheckOptions): EventRecord {
  let bytes = raw;
  let form: FormReason | null = null;
  let prefix = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bytes = bytes.subarray(3);
    form = 'byte-order-mark';
    prefix = 3;
  }
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) {
    bytes = bytes.subarray(0, bytes.length - 1);
    form ??= 'crlf';
  }

  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    return hole(ref, null, [], [
      makeFinding('LINE_INVALID_UTF8', {
        location: here(ref, prefix + offset + 1),
        message: `byte ${prefix + offset + 1} of the line starts an invalid UTF-8 sequence (0x${bytes[offset]?.toString(16).padStart(2, '0') ?? '??'})`,
        detail: { byteOffset: prefix + offset },
      }),
    ], bytes);
  }
  const text = bytes.toString('utf8');

  // Why a text is not JSON, by scanStrict, which calls a text invalid exactly when JSON.parse
  // rejects it (test/canonical/scan.test.ts). A short line is scanned before JSON.parse runs:
  // a SyntaxError takes ~4.7 us to throw, and 2 MB of two-byte bad lines took 5.8 s (0.65 s
  // scanned first). A long one, as every event is, is parsed first: scanning every line that
  // comes this far first cost 8% on a log whose lines are all out of canonical form.
  let scanned: ReturnType<typeof scanStrict> | null = null;
  const strictScan = (): ReturnType<typeof scanStrict> => (scanned ??= scanStrict(text, Number.MAX_SAFE_INTEGER));
  const notJson = (): EventRecord => {
    const strict = strictScan();
    const reason: ScanReason = !strict.ok && INVALID_JSON_REASONS.has(strict.reason) ? strict.reason : 'unexpected-character';
    const offset = strict.ok ? 0 : strict.offset;
    return hole(ref, null, [], [
      makeFinding('LINE_INVALID_JSON', {
        location: here(ref, columnOf(offset, prefix > 0)),
        message: `not JSON: ${REASON_TEXT[reason]} at column ${columnOf(offset, prefix > 0)}${text === LFS_POINTER_FIRST_LINE ? LFS_POINTER_HINT : ''}`,
        detail: { reason },
      }),
    ], bytes);
  };
  if (text.length < SCAN_FIRST_BELOW) {
    const strict = strictScan();
    if (!strict.ok && INVALID_JSON_REASONS.has(strict.reason)) return notJson();
  }
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    return notJson();
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return hole(ref, null, [], [
      makeFinding('EVENT_SCHEMA', {
        location: here(ref),
        message: `a line must hold a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`,
        detail: { pointer: '' },
      }),
    ]);
  }
  const obj = value as Record<string, unknown>;
  const claimedChain = isChainId(obj['chain']) ? obj['chain'] : null;
  const claimedSeq = Number.isSafeInteger(obj['seq']) && (obj['seq'] as number) >= 0 ? (obj['seq'] as number) : null;

  // SPEC.md §2: any version but ours is a finding, not a guess; nothing else is judged.
  if (obj['v'] !== CONTRACT_VERSION) {
    // An array or object is named, not copied: nested thousands deep, its JSON text overflowed
    // the stack, and 33 deep a shard result could not carry it (found by review).
    const v = obj['v'];
    const named = v !== null && typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : null;
    return hole(ref, claimedChain, [], [
      makeFinding('EVENT_VERSION_UNKNOWN', {
        chain: claimedChain,
        seq: claimedSeq,
        location: here(ref),
        message: v === undefined
          ? `the event has no "v"; this verifier implements ${CONTRACT_VERSION} only`
          : `contract version ${named ?? shown(JSON.stringify(v))} is not ${CONTRACT_VERSION}, the only version this verifier implements`,
        expected: CONTRACT_VERSION,
        actual: named ?? v ?? null,
      }),
    ]);
  }

  // Canonical form (SPEC.md §2): prove it fast, or find out why not.
  let spans: { hash: MemberSpan | null; request: MemberSpan | null } | null = null;
  let noncanonical: NoncanonicalReason | null = form;
  let noncanonicalAt = 0;
  if (form === null) {
    spans = matchCanonical(text, obj, opts.maxDepth);
    if (spans === null) {
      const sc = scanCanonical(text, opts.maxDepth);
      if (sc.ok) spans = sc;
      else {
        noncanonical = sc.reason;
        noncanonicalAt = sc.offset;
      }
    }
  }
  // Allocated only when the line has something to report: most lines have nothing.
  let findings: Finding[] | null = null;
  if (noncanonical !== null) {
    const strict = scanStrict(text, opts.maxDepth);
    if (!strict.ok) {
      // JSON.parse accepted the text, so this is about what JCS cannot represent faithfully:
      // the event means different things to different parsers and is not used.
      return hole(ref, claimedChain, [], [
        makeFinding('EVENT_NONCANONICAL', {
          chain: claimedChain,
          seq: claimedSeq,
          location: here(ref, columnOf(strict.offset, prefix > 0)),
          message: `the event cannot be canonicalized: ${REASON_TEXT[strict.reason]} at column ${columnOf(strict.offset, prefix > 0)}; it is not evaluated`,
          detail: { reason: strict.reason },
        }),
      ]);
    }
    const reason: NoncanonicalReason = INVALID_JSON_REASONS.has(noncanonical as ScanReason) ? 'whitespace' : noncanonical;
    const column = form === null ? columnOf(noncanonicalAt, prefix > 0) : undefined;
    (findings ??= []).push(
      makeFinding('EVENT_NONCANONICAL', {
        chain: claimedChain,
        seq: claimedSeq,
        location: here(ref, column),
        message: `the line is not the canonical form of its event: ${reason === 'crlf' ? crlfText(raw) : REASON_TEXT[reason]}${column === undefined ? '' : ` at column ${column}`}`,
        detail: { reason },
      }),
    );
  }

  // Digests: sha256 is verified; another algorithm is an error, never skipped (SPEC.md §1).
  // The hash and the fingerprint are computed first and compared: when they match, the
  // recorded digests are well-formed without a character-by-character check.
  const hashField = obj['hash'];
  if (typeof hashField !== 'string') {
    // Without its hash nothing in the event is authenticated, so whatever else is wrong with
    // the line may be the same change (a renamed "hash" key is also out of key order).
    return hole(ref, claimedChain, [], [
      makeFinding('EVENT_SCHEMA', {
        chain: claimedChain,
        seq: claimedSeq,
        location: here(ref),
        message: hashField === undefined
          ? 'the event has no "hash" member: nothing in it can be verified'
          : '/hash must be a digest string: nothing in the event can be verified',
        detail: { pointer: '/hash' },
      }),
    ]);
  }
  let computed: string | null = null;
  let hashForm: DigestCheck['kind'] = 'malformed';
  // Digest members whose form is proven by equality with what was computed.
  let proven = 0;
  {
    try {
      computed = spans?.hash ? SHA256_PREFIX + sha256HexWithout(bytes, text, spans.hash.start, spans.hash.end) : sha256Digest(canonicalize(withoutHash(obj), opts.maxDepth));
    } catch (e) {
      if (!(e instanceof JcsError)) throw e;
      return hole(ref, claimedChain, [], [
        makeFinding('EVENT_NONCANONICAL', {
          chain: claimedChain,
          seq: claimedSeq,
          location: here(ref),
          message: `the event cannot be canonicalized: ${e.message}; it is not evaluated`,
          detail: { reason: e.reason },
        }),
      ]);
    }
    hashForm = computed === hashField ? 'sha256' : checkDigest(hashField).kind;
    // A recorded hash that claims sha256, or whose digits are our sha256 under another
    // prefix, was sha256 when written: any difference now is tampering, not an algorithm
    // this verifier lacks and not a schema slip.
    const tampered = computed !== hashField &&
      (hashField.startsWith('sha256:') || (hashField.length > 64 && hashField.endsWith(computed.slice(7))));
    if (tampered) {
      // The content was changed after it was hashed. None of its members can be trusted,
      // so non-canonical form, schema and fingerprint problems are consequences of the
      // change, not separate faults (SPEC.md §6: one fault, one finding).
      findings = [];
      findings.push(
        makeFinding('HASH_MISMATCH', {
          chain: claimedChain,
          seq: claimedSeq,
          location: here(ref),
          message: 'the event hash does not match its content: the event was changed after it was written',
          expected: computed,
          actual: hashField,
        }),
      );
      // One JSON object is one event: it stands for no more than itself.
      return hole(ref, claimedChain, [hashField, computed], findings);
    }
    if (hashForm === 'sha256') {
      KNOWN_GOOD.add(computed);
      proven |= HASH_PROVEN;
    }
  }

  // Request fingerprint (SPEC.md §2): SHA-256 of JCS(request).
  const request = obj['request'];
  const fpField = obj['request_fingerprint'];
  if (typeof request === 'object' && request !== null && !Array.isArray(request) && typeof fpField === 'string') {
    const fp = spans?.request ? SHA256_PREFIX + sha256HexOf(bytes, text, spans.request.valueStart, spans.request.end) : sha256Digest(canonicalize(request, opts.maxDepth));
    if (fp === fpField) {
      KNOWN_GOOD.add(fp);
      proven |= FINGERPRINT_PROVEN;
    } else if (isSha256Digest(fpField)) {
      proven |= FINGERPRINT_PROVEN;
      (findings ??= []).push(
        makeFinding('FINGERPRINT_MISMATCH', {
          chain: claimedChain,
          seq: claimedSeq,
          location: here(ref),
          message: 'request_fingerprint is not the SHA-256 of the canonical request: reviews and exceptions keyed by it do not describe this request',
          expected: fp,
          actual: fpField,
        }),
      );
    }
  }
  // The schema checks each digest's form (a sha256 digest is exactly 64 lowercase hex
  // digits); what it cannot say is that another algorithm is one this verifier lacks.
  const schemaError = validateEnvelope(obj);
  const digestFindings = checkDigestMembers(obj, proven, schemaError, claimedChain, claimedSeq, ref, computed);
  if (digestFindings !== null) (findings ??= []).push(...digestFindings);
  if (schemaError !== null) {
    (findings ??= []).push(
      makeFinding('EVENT_SCHEMA', {
        chain: claimedChain,
        seq: claimedSeq,
        location: here(ref),
        message: `${schemaError.pointer === '' ? 'the event' : schemaError.pointer} ${schemaError.message}`,
        detail: { pointer: schemaError.pointer },
      }),
    );
  }

  const prev = obj['prev_hash'];
  const placeable = claimedChain !== null && claimedSeq !== null && hashForm !== 'malformed' &&
    typeof prev === 'string' && (schemaError === null || checkDigest(prev).kind !== 'malformed');
  if (!placeable) {
    // Each reason a line cannot be placed is one the schema reports. Should it not (a digest
    // format wrong about ""), the line is reported all the same: a hole without a finding
    // would be an event dropped in silence, the gap it leaves explained by it.
    if (findings === null || findings.length === 0) findings = [unplaceable(hashForm, claimedChain, claimedSeq, ref)];
    return hole(ref, claimedChain, computed !== null ? [computed] : [], findings);
  }
  const ts = obj['ts'];
  return {
    kind: 'event',
    ref,
    chain: claimedChain,
    seq: claimedSeq,
    prevHash: prev,
    hash: hashField as string,
    // A schema-valid event has a valid ts; check it again only when the schema failed.
    ts: typeof ts === 'string' && (schemaError === null || isSelTimestamp(ts)) ? ts : null,
    findings: findings ?? NO_FINDINGS,
    event: opts.keepEvent && schemaError === null ? (obj as unknown as SelEvent) : null,
  };
}

/** A finding's location for this line (a column where the problem has a position). */
function here(ref: LineRef, column?: number): { file: string; line: number; column?: number } {
  return column === undefined ? { file: ref.file, line: ref.line } : { file: ref.file, line: ref.line, column };
}

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

function hole(ref: LineRef, chain: string | null, hashes: string[], findings: readonly Finding[], bytes: Buffer | null = null): Hole {
  return { kind: 'hole', ref, chain, hashes, findings, capacity: bytes === null ? 1 : eventsIn(bytes) };
}

const VERSION_MEMBER = Buffer.from(`"v":"${CONTRACT_VERSION}"`);

/**
 * The fewest bytes an event's line can have: every required member, empty strings, the
 * shortest enum values, an empty request (536 bytes), rounded down.
 */
const MIN_EVENT_BYTES = 512;

/**
 * How many events a damaged line that is not JSON may stand for: a line feed changed into
 * another byte merges two events into one line, and the gap that leaves is the same fault.
 * Each merged event brings its `"v"` member and at least MIN_EVENT_BYTES: counting the member
 * alone let one short line of fifty `{"v":"sel.audit/1"}` explain fifty deleted events.
 */
function eventsIn(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(VERSION_MEMBER); at >= 0; at = bytes.indexOf(VERSION_MEMBER, at + 1)) n++;
  return Math.max(1, Math.min(n, Math.floor(bytes.length / MIN_EVENT_BYTES)));
}

const HASH_PROVEN = 1;
const FINGERPRINT_PROVEN = 2;
const DIGEST_MEMBERS = [
  ['hash', HASH_PROVEN],
  ['request_fingerprint', FINGERPRINT_PROVEN],
  ['prev_hash', 0],
  ['policy_hash', 0],
] as const;

/** EVENT_SCHEMA for a line that cannot be placed in its chain, when nothing else said why. */
function unplaceable(hashForm: DigestCheck['kind'], chain: string | null, seq: number | null, ref: LineRef): Finding {
  const pointer = chain === null ? '/chain' : seq === null ? '/seq' : hashForm === 'malformed' ? '/hash' : '/prev_hash';
  return makeFinding('EVENT_SCHEMA', {
    chain,
    seq,
    location: here(ref),
    message: `${pointer} must be ${pointer === '/chain' ? 'a chain id' : pointer === '/seq' ? 'a sequence number' : 'a digest string'}: the event cannot take a place in its chain`,
    detail: { pointer },
  });
}

/**
 * Digests under an algorithm this verifier does not implement (DIGEST_UNSUPPORTED), and,
 * when the schema failed elsewhere, a digest that is malformed: a `sha256:` one that is not 64
 * lowercase hex digits, or one of no digest form at all (a malformed `hash` or `prev_hash`
 * keeps the event out of its chain, so it is named even when the schema named another fault).
 * Members in `proven` equal a digest this process computed. When the schema passed, every
 * digest has a valid form, so only the prefix is looked at. An unsupported `hash` carries
 * `computed`, the SHA-256 of the event without it, in `detail.sha256`: the chain check links a
 * successor that names it (src/chain/chain.ts, contentHash), so that the one fault is this
 * finding and not a PREV_HASH_MISMATCH on the next event as well.
 */
function checkDigestMembers(
  obj: Record<string, unknown>,
  proven: number,
  schemaError: { pointer: string } | null,
  chain: string | null,
  seq: number | null,
  ref: LineRef,
  computed: string | null,
): Finding[] | null {
  let out: Finding[] | null = null;
  for (const [name, bit] of DIGEST_MEMBERS) {
    if ((proven & bit) !== 0) continue;
    const v = obj[name];
    // A missing or mistyped member is the schema's to report.
    if (typeof v !== 'string' || hasSha256Prefix(v) && (schemaError === null || isSha256Digest(v))) continue;
    const c = checkDigest(v);
    if (c.kind === 'unsupported') {
      (out ??= []).push(
        makeFinding('DIGEST_UNSUPPORTED', {
          chain,
          seq,
          location: here(ref),
          message: `${name} uses the digest algorithm "${shown(c.algorithm)}", which this verifier does not implement; it cannot be checked`,
          actual: v,
          detail: name === 'hash' && computed !== null
            ? { member: name, algorithm: shown(c.algorithm), sha256: computed }
            : { member: name, algorithm: shown(c.algorithm) },
        }),
      );
    } else if (c.kind === 'malformed' && schemaError?.pointer !== `/${name}`) {
      (out ??= []).push(
        makeFinding('EVENT_SCHEMA', {
          chain,
          seq,
          location: here(ref),
          message: hasSha256Prefix(v)
            ? `/${name} must be "sha256:" followed by 64 lowercase hex digits`
            : `/${name} must be a digest: an algorithm name, ":" and its digits, as "sha256:" followed by 64 lowercase hex digits`,
          actual: v,
          detail: { pointer: `/${name}` },
        }),
      );
    }
  }
  return out;
}

function withoutHash(obj: Record<string, unknown>): Record<string, unknown> {
  const { hash: _omitted, ...rest } = obj;
  return rest;
}

/** 1-based column of UTF-16 offset `offset`; a stripped byte order mark is one column. */
function columnOf(offset: number, bomStripped: boolean): number {
  return offset + 1 + (bomStripped ? 1 : 0);
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= n) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

/** Lines shorter than this are scanned for JSON syntax before JSON.parse runs (checkLineFully). */
const SCAN_FIRST_BELOW = 256;

/** JSON.parse, in its own frame so profiles show its share. */
function parseJson(text: string): unknown {
  return JSON.parse(text);
}
