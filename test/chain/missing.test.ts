/**
 * The seq ranges a chain went on past (src/chain/missing.ts): every seq in a range added is
 * found, with its range exactly, until ranges are merged; merged ones are marked COARSE and
 * still hold every seq that was in them, so nothing missing is ever forgotten.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COARSE, fingerprint, GAP, MissingSeqs } from '../../src/chain/missing.js';

/** Ascending, disjoint ranges from gaps between accepted runs. */
const rangesArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.boolean()), { maxLength: 80 }).map((steps) => {
  const out: { from: number; to: number; flags: number; after: number }[] = [];
  let at = 0;
  for (const [accepted, len, gap] of steps) {
    at += accepted;
    out.push({ from: at, to: at + len, flags: gap ? GAP : 0, after: fingerprint(`sha256:${at}`) });
    at += len + 1;
  }
  return out;
});

describe('MissingSeqs', () => {
  it('finds each range exactly, and nothing outside them', () => {
    const m = new MissingSeqs();
    m.add(10, 10, GAP, 'sha256:a');
    m.add(20, 29, 0, 'sha256:b');
    m.add(31, 31, GAP, 'sha256:c');
    expect(m.find(9)).toBeUndefined();
    expect(m.find(10)).toEqual({ from: 10, to: 10, flags: GAP, after: fingerprint('sha256:a') });
    expect(m.find(11)).toBeUndefined();
    expect(m.find(25)).toEqual({ from: 20, to: 29, flags: 0, after: fingerprint('sha256:b') });
    expect(m.find(30)).toBeUndefined();
    expect(m.find(31)).toEqual({ from: 31, to: 31, flags: GAP, after: fingerprint('sha256:c') });
    expect(fingerprint('sha256:a')).not.toBe(fingerprint('sha256:b'));
    expect(m.find(1e9)).toBeUndefined();
  });
  it('never forgets a missing seq: past its limit, ranges merge and are marked COARSE', () => {
    fc.assert(
      fc.property(rangesArb, fc.integer({ min: 2, max: 16 }), (ranges, limit) => {
        const m = new MissingSeqs(limit);
        for (const r of ranges) m.add(r.from, r.to, r.flags, `sha256:${r.from}`);
        expect(m.size).toBeLessThanOrEqual(limit);
        const end = ranges.length === 0 ? 10 : ranges[ranges.length - 1]!.to + 3;
        for (let seq = 0; seq <= end; seq++) {
          const orig = ranges.find((r) => seq >= r.from && seq <= r.to);
          const got = m.find(seq);
          if (orig !== undefined) {
            expect(got).toBeDefined();
            if ((got!.flags & COARSE) === 0) expect(got).toEqual(orig);
            else expect(got!.from <= orig.from && got!.to >= orig.to).toBe(true);
          } else if (got !== undefined) {
            // Only a merged range may hold a seq that was never missing.
            expect(got.flags & COARSE).toBe(COARSE);
          }
        }
        if (ranges.length <= limit) for (const r of ranges) expect(m.find(r.from)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });
  it('keeps every range exactly, its flags and the fingerprint after it, as it grows past its first 16 (from mutation testing)', () => {
    const m = new MissingSeqs();
    for (let i = 0; i < 70; i++) m.add(10 * i, 10 * i + 3, i % 3 === 0 ? GAP : 0, `sha256:${i}`);
    expect(m.size).toBe(70);
    for (let i = 0; i < 70; i++) {
      const want = { from: 10 * i, to: 10 * i + 3, flags: i % 3 === 0 ? GAP : 0, after: fingerprint(`sha256:${i}`) };
      expect(m.find(10 * i + 3), String(i)).toEqual(want);
      expect(m.find(10 * i + 4), String(i)).toBeUndefined();
    }
  });
  it('merges two neighbours into one COARSE range that keeps a GAP of either and no fingerprint, and leaves an odd one out as it was (from mutation testing)', () => {
    const m = new MissingSeqs(3);
    m.add(1, 1, 0, 'sha256:a');
    m.add(3, 3, GAP, 'sha256:b');
    m.add(5, 5, GAP, 'sha256:c');
    m.add(7, 7, 0, 'sha256:d');
    // Past 3 ranges, [1] [3] [5] became [1..3] and [5]; then [7] came.
    expect(m.size).toBe(3);
    expect(m.find(2)).toEqual({ from: 1, to: 3, flags: COARSE | GAP, after: 0 });
    expect(m.find(5)).toEqual({ from: 5, to: 5, flags: GAP, after: fingerprint('sha256:c') });
    expect(m.find(7)).toEqual({ from: 7, to: 7, flags: 0, after: fingerprint('sha256:d') });
    // With room for 2: each add past it merges the two kept, the GAP of either kept.
    const n = new MissingSeqs(2);
    n.add(1, 1, GAP, 'sha256:a');
    n.add(3, 3, 0, 'sha256:b');
    n.add(5, 5, 0, 'sha256:c');
    n.add(7, 7, GAP, 'sha256:d');
    n.add(9, 9, 0, 'sha256:e');
    expect(n.find(1)).toEqual({ from: 1, to: 7, flags: COARSE | GAP, after: 0 });
    expect(n.find(9)).toEqual({ from: 9, to: 9, flags: 0, after: fingerprint('sha256:e') });
  });
  it('never gives 0, the mark of a merged range, as a fingerprint: not even for a text whose FNV-1a is 0 (from mutation testing)', () => {
    // FNV-1a of this text is 0 (found by search: a prefix hashing to "&", then "&").
    const zero = `sha256:${'0'.repeat(56)}06f98304&`;
    expect(fingerprint(zero)).toBe(1);
    expect(fingerprint('')).toBe(0x811c9dc5);
    expect(fingerprint('a')).toBe(0xe40c292c);
  });
});
