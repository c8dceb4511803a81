/**
 * The producer API: append events to a chain and get the canonical line, with `v`, `seq`,
 * `prev_hash`, `request_fingerprint` and `hash` filled in (SPEC.md §2). Producers and the
 * shipped samples use it, so nothing hand-rolls hashing.
 */
import { canonicalize } from '../canonical/jcs.js';
import { digestOf, GENESIS_PREV_HASH, isSha256Digest, sha256Digest } from '../canonical/digest.js';
import { CONTRACT_VERSION, isChainId } from '../envelope/check.js';
import { validateEnvelope } from '../envelope/schema.js';
import type { Decision, SelEvent, TrustZone } from '../envelope/types.js';
import { OperatorError } from '../errors.js';
import { checkWholeNumber, DEFAULT_VERIFY_OPTIONS, MAX_LINE_BYTES_LIMIT } from '../verify/options.js';

/** What the producer supplies; the chain members are computed. Extra members are kept. */
export interface EventInput {
  readonly ts: string;
  readonly kind: string;
  readonly actor: { readonly id: string; readonly zone: TrustZone };
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
export class ProducerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProducerError';
  }
}

const COMPUTED = ['v', 'chain', 'seq', 'prev_hash', 'request_fingerprint', 'hash'] as const;

export interface ChainWriterOptions {
  /**
   * The longest line written, in bytes without its LF: the `--max-line-bytes` the log is
   * verified with (default 1 MiB, SPEC.md §2). A longer line is reported unread (LINE_TOO_LONG).
   */
  readonly maxLineBytes?: number;
}

export class ChainWriter {
  private seq: number;
  private prev: string;
  private readonly maxLineBytes: number;

  /**
   * Starts a chain at seq 0, or continues one from its last event's seq (0 or more) and hash
   * (a sha256 digest, the only algorithm the verifier implements).
   */
  constructor(
    readonly chain: string,
    from?: { readonly lastSeq: number; readonly lastHash: string },
    options: ChainWriterOptions = {},
  ) {
    if (!isChainId(chain)) throw new ProducerError(`invalid chain id ${JSON.stringify(chain)}`);
    if (typeof options !== 'object' || options === null) throw new ProducerError('the options must be an object { maxLineBytes }');
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_VERIFY_OPTIONS.maxLineBytes;
    try {
      checkWholeNumber('maxLineBytes', this.maxLineBytes, 1, MAX_LINE_BYTES_LIMIT);
    } catch (e) {
      if (!(e instanceof OperatorError)) throw e;
      throw new ProducerError(e.message);
    }
    // Checked here, not by the envelope schema at the first append: a hash under another
    // algorithm (DIGEST_UNSUPPORTED) and a seq 0 after a hash (GENESIS_INVALID) passed it, and
    // were written (found by review).
    if (from !== undefined) {
      // null read its lastSeq: a TypeError, not the producer's error (found by review).
      if (typeof from !== 'object' || from === null) throw new ProducerError('a position to continue from must be an object { lastSeq, lastHash }; to start a chain, give no position');
      if (!Number.isSafeInteger(from.lastSeq) || from.lastSeq < 0) throw new ProducerError(`lastSeq ${String(from.lastSeq)} is not a seq (a whole number, 0 or more); to start a chain, give no position`);
      // No seq can follow it: every append was refused by the envelope schema (found by review).
      if (from.lastSeq === Number.MAX_SAFE_INTEGER) throw new ProducerError(`lastSeq ${from.lastSeq} is the last seq a chain can have: no event can follow it`);
      if (!isSha256Digest(from.lastHash)) throw new ProducerError(`lastHash ${JSON.stringify(from.lastHash)} is not a sha256 digest ("sha256:" and 64 lowercase hex digits)`);
    }
    this.seq = from === undefined ? 0 : from.lastSeq + 1;
    this.prev = from === undefined ? GENESIS_PREV_HASH : from.lastHash;
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** The hash of the last event appended (or of the position continued from). */
  get head(): string {
    return this.prev;
  }

  append(input: EventInput): Appended {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ProducerError('an event must be an object');
    for (const k of COMPUTED) {
      if (Object.hasOwn(input, k)) throw new ProducerError(`"${k}" is computed by the producer and must not be supplied`);
    }
    // The input copied once, as plain data, and everything written from the copy: a getter or a
    // Proxy read again for the fingerprint, the hash and the line gave each another value, and
    // the line did not verify (found by review). The copy is checked again with the body.
    const plain = JSON.parse(canonicalize(input)) as Record<string, unknown>;
    // The verifier implements sha256 only: another algorithm is DIGEST_UNSUPPORTED, an error,
    // which the envelope schema lets through.
    // Its fingerprint is computed before the schema is checked: without one, JCS refused "a value
    // at \"\" that is undefined", a JcsError that named no member (found by review).
    if (!Object.hasOwn(plain, 'request')) throw new ProducerError('event would not match the envelope schema: event must have required property \'request\'');
    if (!isSha256Digest(plain['policy_hash'])) throw new ProducerError(`policy_hash ${JSON.stringify(plain['policy_hash'])} is not a sha256 digest ("sha256:" and 64 lowercase hex digits)`);
    const body: Record<string, unknown> = {
      ...plain,
      v: CONTRACT_VERSION,
      chain: this.chain,
      seq: this.seq,
      prev_hash: this.prev,
      request_fingerprint: digestOf(plain['request']),
    };
    const hash = sha256Digest(canonicalize(body));
    const event = { ...body, hash } as unknown as SelEvent;
    const err = validateEnvelope(event);
    if (err !== null) throw new ProducerError(`event would not match the envelope schema: ${err.pointer || 'event'} ${err.message}`);
    // A line the verifier would not read (LINE_TOO_LONG, an error) is not written: the event
    // would be lost to every check, and the chain broken after it.
    const line = canonicalize(event);
    const bytes = Buffer.byteLength(line);
    if (bytes > this.maxLineBytes) throw new ProducerError(`the event's line would be ${bytes} bytes, longer than the ${this.maxLineBytes} the log is verified with (maxLineBytes): the verifier would not read it`);
    this.seq++;
    this.prev = hash;
    return { line, event };
  }
}
