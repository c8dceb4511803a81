/**
 * The seqs a chain went on past without accepting: each range a SEQ_GAP reported, or that
 * unreadable lines were taken to hold (holes). What arrives there later is a late arrival,
 * never taken for a copy of an accepted event (chain.ts, isCopy), however long ago the range
 * was left behind: a single upper bound for the ranges no longer remembered made a log with
 * more than 16 gaps, read twice, give about one finding per event (found by review).
 *
 * Kept in typed arrays, 21 bytes per range, growing by doubling: nothing per event. Past
 * `limit` ranges (4 096, ~86 KB, about what the chain's ring of 256 recent events takes; a chain
 * with more gaps than any log should have), each two neighbours are
 * merged into one marked COARSE: it also holds accepted seqs, so a lookup there cannot say
 * which, and the chain check treats such seqs as it treats those too far back to compare,
 * except that it never takes them for a copy's. More findings then, never fewer.
 */

/** A SEQ_GAP was reported for (some of) the range; without it, holes explained it all. */
export const GAP = 1;
/** Two or more ranges merged, with the accepted seqs between them. */
export const COARSE = 2;

export interface MissingRange {
  readonly from: number;
  readonly to: number;
  readonly flags: number;
  /**
   * A 32-bit fingerprint (FNV-1a) of the prev_hash of the event the chain went on with after
   * the range (0 when merged): enough to tell an unrelated event, which is all it is for (a
   * forger can name the real parent anyway), in 4 bytes where the hash took ~100.
   */
  readonly after: number;
}

/** Empty arrays shared by every chain until it needs its own (each typed array has a buffer of its own, ~180 bytes even empty). */
export const NO_F64 = new Float64Array(0);
const NO_U8 = new Uint8Array(0);
const NO_U32 = new Uint32Array(0);

export class MissingSeqs {
  // Shared until the first range is added (grow): each typed array has a buffer of its own,
  // ~180 bytes even when empty, and most chains never go on past a seq.
  private from = NO_F64;
  private to = NO_F64;
  private flags = NO_U8;
  private after = NO_U32;
  private n = 0;

  constructor(private readonly limit = 1 << 12) {}

  get size(): number {
    return this.n;
  }

  /**
   * Adds the range `from`..`to`, above every range added before; `after` is the prev_hash of
   * the event after it.
   */
  add(from: number, to: number, flags: number, after: string): void {
    if (this.n === this.from.length) {
      if (this.n >= this.limit) this.coarsen();
      else this.grow();
    }
    this.from[this.n] = from;
    this.to[this.n] = to;
    this.flags[this.n] = flags;
    this.after[this.n] = fingerprint(after);
    this.n++;
  }

  /** The range holding `seq`, if any. */
  find(seq: number): MissingRange | undefined {
    let lo = 0;
    let hi = this.n;
    // The first range starting above seq; the one before it is the only one that may hold it.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.from[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0 || this.to[i]! < seq) return undefined;
    return { from: this.from[i]!, to: this.to[i]!, flags: this.flags[i]!, after: this.after[i]! };
  }

  private grow(): void {
    const n = Math.min(this.limit, Math.max(16, 2 * this.from.length));
    const from = new Float64Array(n);
    const to = new Float64Array(n);
    const flags = new Uint8Array(n);
    const after = new Uint32Array(n);
    from.set(this.from);
    to.set(this.to);
    flags.set(this.flags);
    after.set(this.after);
    this.from = from;
    this.to = to;
    this.flags = flags;
    this.after = after;
  }

  /** Halves the ranges kept: each two neighbours become one, COARSE. */
  private coarsen(): void {
    let k = 0;
    for (let i = 0; i < this.n; i += 2) {
      const j = Math.min(i + 1, this.n - 1);
      this.from[k] = this.from[i]!;
      this.to[k] = this.to[j]!;
      this.flags[k] = i === j ? this.flags[i]! : COARSE | ((this.flags[i]! | this.flags[j]!) & GAP);
      this.after[k] = i === j ? this.after[i]! : 0;
      k++;
    }
    this.n = k;
  }
}

/** FNV-1a over the string's UTF-16 code units; never 0 (which marks a merged range). */
export function fingerprint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}
