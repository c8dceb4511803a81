/**
 * The producer API: append events to a chain and get the canonical line, with `v`, `seq`,
 * `prev_hash`, `request_fingerprint` and `hash` filled in (SPEC.md §2). Producers and the
 * shipped samples use it, so nothing hand-rolls hashing.
 */
import { canonicalize } from '../canonical/jcs.js';
import { digestOf, GENESIS_PREV_HASH, sha256Digest } from '../canonical/digest.js';
import { CONTRACT_VERSION, isChainId } from '../envelope/check.js';
import { validateEnvelope } from '../envelope/schema.js';
import type { Decision, SelEvent, TrustZone } from '../envelope/types.js';

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

export class ChainWriter {
  private seq: number;
  private prev: string;

  /** Starts a chain at seq 0, or continues one from its last event's seq and hash. */
  constructor(
    readonly chain: string,
    from?: { readonly lastSeq: number; readonly lastHash: string },
  ) {
    if (!isChainId(chain)) throw new ProducerError(`invalid chain id ${JSON.stringify(chain)}`);
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
    for (const k of COMPUTED) {
      if (Object.hasOwn(input, k)) throw new ProducerError(`"${k}" is computed by the producer and must not be supplied`);
    }
    const body: Record<string, unknown> = {
      ...input,
      v: CONTRACT_VERSION,
      chain: this.chain,
      seq: this.seq,
      prev_hash: this.prev,
      request_fingerprint: digestOf(input.request),
    };
    const hash = sha256Digest(canonicalize(body));
    const event = { ...body, hash } as unknown as SelEvent;
    const err = validateEnvelope(event);
    if (err !== null) throw new ProducerError(`event would not match the envelope schema: ${err.pointer || 'event'} ${err.message}`);
    this.seq++;
    this.prev = hash;
    return { line: canonicalize(event), event };
  }
}
