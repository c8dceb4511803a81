/**
 * The chain check's memory of recent events (chain.ts, RecentRing): it grows from a few slots,
 * and must remember exactly what a ring of its full size would, and give back exactly what it
 * was given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentRing } from '../../src/chain/chain.js';

/** What the ring must behave as: the last `size` events set, whatever their seqs. */
class Reference {
  private readonly last: { seq: number; hash: string; line: number; ordinal: number }[] = [];
  constructor(private readonly size: number) {}
  set(seq: number, hash: string, line: number, ordinal: number): void {
    this.last.push({ seq, hash, line, ordinal });
    if (this.last.length > this.size) this.last.shift();
  }
  get(seq: number) {
    const e = this.last.find((x) => x.seq === seq);
    return e === undefined ? undefined : { hash: e.hash, ref: { file: 'f.jsonl', line: e.line, ordinal: e.ordinal } };
  }
  oldest(): number | undefined {
    return this.last[0]?.seq;
  }
}

// Hashes as the ring may be given them: sha256 digests, other algorithms' longer ones, and
// any text at all (a shard's, merged), which must come back as it was.
const hashes = fc.oneof(
  fc.stringMatching(/^sha256:[0-9a-f]{64}$/),
  fc.stringMatching(/^sha512:[0-9a-f]{128}$/),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('RecentRing', () => {
  it('remembers the last `size` events set, gaps in their seqs or not, with the same hashes and refs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.tuple(fc.nat({ max: 40 }), hashes), { minLength: 1, maxLength: 400 }),
        (size, steps) => {
          const ring = new RecentRing(size);
          const ref = new Reference(size);
          let seq = -1;
          let ordinal = 0;
          for (const [gap, hash] of steps) {
            // Accepted seqs only go up; after a gap they jump.
            seq += 1 + (gap > 30 ? gap * 7 : 0);
            ordinal += 1 + gap;
            ring.set(seq, hash, { file: 'f.jsonl', line: seq + 1, ordinal });
            ref.set(seq, hash, seq + 1, ordinal);
          }
          for (let s = Math.max(0, seq - 3 * size - 10); s <= seq + 2; s++) expect(ring.get(s), `seq ${s}`).toEqual(ref.get(s));
          expect(ring.oldest()).toBe(ref.oldest());
        },
      ),
      { numRuns: 300 },
    );
  });
  it('of a long chain, the last `size` seqs; of a short one, all of them', () => {
    const ring = new RecentRing(256);
    for (let seq = 0; seq < 1000; seq++) ring.set(seq, `sha256:${String(seq).padStart(64, '0')}`, { file: 'a.jsonl', line: seq + 1, ordinal: seq });
    expect(ring.get(743)).toBeUndefined();
    expect(ring.get(744)).toEqual({ hash: `sha256:${'744'.padStart(64, '0')}`, ref: { file: 'a.jsonl', line: 745, ordinal: 744 } });
    expect(ring.get(999)?.ref.line).toBe(1000);
    expect(ring.get(1000)).toBeUndefined();
    const short = new RecentRing(256);
    for (let seq = 0; seq < 20; seq++) short.set(seq, 'h', { file: 'b.jsonl', line: seq, ordinal: seq });
    for (let seq = 0; seq < 20; seq++) expect(short.get(seq)?.ref.line).toBe(seq);
  });
  it('after a jump in seqs, still the last `size` events: none is lost to a later seq that shares its slot modulo `size`', () => {
    // Seq 0..99, then 300..399: 200 events, all within 256. Indexed by seq modulo 256,
    // 300..355 took the slots of 44..99.
    const ring = new RecentRing(256);
    const put = (seq: number) => ring.set(seq, `h${seq}`, { file: 'a.jsonl', line: seq + 1, ordinal: seq });
    for (let seq = 0; seq < 100; seq++) put(seq);
    for (let seq = 300; seq < 400; seq++) put(seq);
    for (const seq of [0, 44, 50, 99, 300, 355, 399]) expect(ring.get(seq)?.hash, `seq ${seq}`).toBe(`h${seq}`);
    for (const seq of [100, 299, 400]) expect(ring.get(seq)).toBeUndefined();
    // 56 more fill the ring; 57 after them push the oldest 57 out, and only them.
    for (let seq = 400; seq < 513; seq++) put(seq);
    expect(ring.get(56)).toBeUndefined();
    expect(ring.get(57)?.hash).toBe('h57');
  });
});
