/** The range minimum the SEQ_REORDER judging reads: it gives what scanning the range gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeMin } from '../../src/chain/range-min.js';

describe('RangeMin', () => {
  it('gives the first index of every range by the order, ties to the lower index, as a scan does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 70 }), (xs) => {
        const before = (a: number, b: number) => xs[a]! < xs[b]! || (xs[a]! === xs[b]! && a < b);
        const rm = new RangeMin(xs.length, before);
        for (let lo = 0; lo < xs.length; lo++) {
          let first = lo;
          for (let hi = lo + 1; hi <= xs.length; hi++) {
            if (before(hi - 1, first)) first = hi - 1;
            expect(rm.at(lo, hi)).toBe(first);
          }
        }
      }),
    );
  });

  it('holds for lengths across powers of two, with an order that is not by value', () => {
    // Latest first: the last index of a range, at every length up to 130.
    for (let n = 1; n <= 130; n++) {
      const rm = new RangeMin(n, (a, b) => a > b);
      for (let lo = 0; lo < n; lo += 7) for (let hi = lo + 1; hi <= n; hi++) expect(rm.at(lo, hi)).toBe(hi - 1);
    }
  });
});
