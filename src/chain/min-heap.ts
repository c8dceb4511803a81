/**
 * A binary min-heap of numbers: the lowest at hand, pushed and taken in O(log n). The chain
 * check keeps a chain's early events' seqs in one (chain.ts, Waiting); the file order keeps the
 * ranks of files free to go next in one (src/ingest/sources.ts).
 */
export class MinHeap {
  private readonly h: number[] = [];

  get size(): number {
    return this.h.length;
  }

  /** The lowest; undefined when empty. */
  peek(): number | undefined {
    return this.h[0];
  }

  push(v: number): void {
    const h = this.h;
    let i = h.push(v) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (h[up]! <= v) break;
      h[i] = h[up]!;
      i = up;
    }
    h[i] = v;
  }

  /** Takes the lowest (the heap must not be empty). */
  pop(): number {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && h[l + 1]! < h[l]! ? l + 1 : l;
        if (h[c]! >= last) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
