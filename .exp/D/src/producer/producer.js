/**
 * The producer API: append events to a chain and get the canonical line, with `v`, `seq`,
 * `prev_hash`, `request_fingerprint` and `hash` filled in (SPEC.md §2). Producers and the
 * shipped samples use it, so nothing hand-rolls hashing.
 */
import { canonicalize } from '../canonical/jcs.js';
import { digestOf, GENESIS_PREV_HASH, sha256Digest } from '../canonical/digest.js';
import { CONTRACT_VERSION, isChainId } from '../envelope/check.js';
import { validateEnvelope } from '../envelope/schema.js';
/** An event the producer refuses to write. */
export class ProducerError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ProducerError';
    }
}
const COMPUTED = ['v', 'chain', 'seq', 'prev_hash', 'request_fingerprint', 'hash'];
export class ChainWriter {
    chain;
    seq;
    prev;
    /** Starts a chain at seq 0, or continues one from its last event's seq and hash. */
    constructor(chain, from) {
        this.chain = chain;
        if (!isChainId(chain))
            throw new ProducerError(`invalid chain id ${JSON.stringify(chain)}`);
        this.seq = from === undefined ? 0 : from.lastSeq + 1;
        this.prev = from === undefined ? GENESIS_PREV_HASH : from.lastHash;
    }
    /** The seq the next event will get. */
    get nextSeq() {
        return this.seq;
    }
    /** The hash of the last event appended (or of the position continued from). */
    get head() {
        return this.prev;
    }
    append(input) {
        for (const k of COMPUTED) {
            if (Object.hasOwn(input, k))
                throw new ProducerError(`"${k}" is computed by the producer and must not be supplied`);
        }
        const body = {
            ...input,
            v: CONTRACT_VERSION,
            chain: this.chain,
            seq: this.seq,
            prev_hash: this.prev,
            request_fingerprint: digestOf(input.request),
        };
        const hash = sha256Digest(canonicalize(body));
        const event = { ...body, hash };
        const err = validateEnvelope(event);
        if (err !== null)
            throw new ProducerError(`event would not match the envelope schema: ${err.pointer || 'event'} ${err.message}`);
        this.seq++;
        this.prev = hash;
        return { line: canonicalize(event), event };
    }
}
//# sourceMappingURL=producer.js.map