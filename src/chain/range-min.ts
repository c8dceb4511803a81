/**
 * The index a strict total order puts first within any range of indices [lo, hi), from a
 * sparse table: n log n to build, each range answered in two looks. The chain check's
 * SEQ_REORDER judging (chain.ts, judge) asks it for each stretch of a displaced run the fewest
 * events jumped and the earliest read, where scanning each stretch again was quadratic in the
 * run.
 */
export class RangeMin {
  /** levels[k][i]: the first of [i, i + 2^k). */
  private readonly levels: Int32Array[] = [];

  /** Over indices 0..n-1; `before(a, b)`: a comes first (a strict total order: break ties by index). */
  constructor(n: number, private readonly before: (a: number, b: number) => boolean) {
    let row = new Int32Array(n);
    for (let i = 0; i < n; i++) row[i] = i;
    this.levels.push(row);
    for (let w = 1; 2 * w <= n; w *= 2) {
      const prev = row;
      row = new Int32Array(n - 2 * w + 1);
      for (let i = 0; i < row.length; i++) row[i] = this.pick(prev[i]!, prev[i + w]!);
      this.levels.push(row);
    }
  }

  /** The first of [lo, hi), which must hold at least one index. */
  at(lo: number, hi: number): number {
    const k = 31 - Math.clz32(hi - lo);
    const row = this.levels[k]!;
    return this.pick(row[lo]!, row[hi - (1 << k)]!);
  }

  private pick(a: number, b: number): number {
    return this.before(b, a) ? b : a;
  }
}
