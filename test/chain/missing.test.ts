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
});
