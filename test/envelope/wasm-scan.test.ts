/**
 * The WebAssembly line scanner's own bounds (src/envelope/wasm-scan.ts over
 * src/wasm/line-scan.as.ts): the longest line it takes, and its intern store's limits and
 * reset. fast.test.ts holds what it proves to the text scanner and the full check; this pins
 * the memory it proves it in. Its own file (its own process): it empties and fills the intern
 * store under the fast path, whose parsed values are kept by the store's indexes.
 */
import { describe, expect, it } from 'vitest';
import '../../src/envelope/fast.js'; // names the member slots: actor is slot 0
import { clearInterned, internedIndex, internValue, WASM_AVAILABLE, WASM_LINE_CAPACITY, wasmScan } from '../../src/envelope/wasm-scan.js';

const ACTOR = 0;
/** A canonical line whose `actor` member is `actor` (the scanner proves its form, not the schema). */
const lineWith = (actor: string): Buffer => Buffer.from(`{"actor":${actor},"z":1}`);
const actor = (id: string): string => `{"id":"${id}","zone":"kernel"}`;
/** Scans the line with `actor`, then interns it (or looks it up): the index, or -1. */
const intern = (a: string): number => {
  expect(wasmScan(lineWith(a), 128), a).toBe(true);
  return internValue(ACTOR);
};
const lookup = (a: string): number => {
  expect(wasmScan(lineWith(a), 128), a).toBe(true);
  return internedIndex(ACTOR);
};

describe.runIf(WASM_AVAILABLE)('the WebAssembly line scanner', () => {
  it('takes a line of exactly its capacity and leaves a longer one to the text scanner, without touching the interned bytes after the line (from mutation testing)', () => {
    clearInterned();
    const first = actor('first');
    const k = intern(first);
    expect(k).toBeGreaterThanOrEqual(0);
    const long = (n: number): Buffer => {
      const head = '{"a":"';
      const line = Buffer.alloc(n, 0x78);
      line.write(head, 0, 'latin1');
      line.write('"}', n - 2, 'latin1');
      return line;
    };
    expect(wasmScan(long(WASM_LINE_CAPACITY), 128)).toBe(true);
    expect(lookup(first)).toBe(k);
    for (const extra of [1, 2, 3]) {
      expect(wasmScan(long(WASM_LINE_CAPACITY + extra), 128), String(extra)).toBe(false);
      // The value interned first sits at the start of the store's bytes, right after the
      // line's room: a longer line copied in (or its sentinel) would have changed it.
      expect(lookup(first), String(extra)).toBe(k);
    }
  });

  it('interns at most 2 048 values (half its table, so every probe ends), then refuses until emptied (from mutation testing)', () => {
    clearInterned();
    const indexes = new Set<number>();
    for (let i = 0; i < 2048; i++) {
      const k = intern(actor(`a-${i}`));
      expect(k, String(i)).toBeGreaterThanOrEqual(0);
      indexes.add(k);
    }
    expect(indexes.size).toBe(2048);
    expect(intern(actor('one-more'))).toBe(-1);
    // Already interned: found, and interning it again gives its index.
    expect(lookup(actor('a-7'))).toBe(intern(actor('a-7')));
    clearInterned();
    expect(intern(actor('one-more'))).toBeGreaterThanOrEqual(0);
  });

  it('keeps values up to exactly the bytes of its store, and refuses one byte more (from mutation testing)', () => {
    clearInterned();
    // 1 024 values of 256 bytes: 256 KiB, the store's bytes to the last one.
    const sized = (i: number): string => actor(String(i).padStart(256 - actor('').length, 'b'));
    expect(Buffer.byteLength(sized(0))).toBe(256);
    for (let i = 0; i < 1024; i++) expect(intern(sized(i)), String(i)).toBeGreaterThanOrEqual(0);
    expect(intern(actor('c'))).toBe(-1);
    for (let i = 0; i < 1024; i += 97) expect(lookup(sized(i)), String(i)).toBeGreaterThanOrEqual(0);
    clearInterned();
  });

  it('forgets every interned value when emptied, wherever in its table it was (from mutation testing)', () => {
    clearInterned();
    const values = Array.from({ length: 2000 }, (_, i) => actor(`v-${i}`));
    const indexes = values.map((v) => intern(v));
    // Spread over the whole table, so a reset of part of it would leave some behind.
    expect(Math.min(...indexes)).toBeLessThan(256);
    expect(Math.max(...indexes)).toBeGreaterThan(4096 - 256);
    values.forEach((v, i) => expect(lookup(v), v).toBe(indexes[i]));
    clearInterned();
    values.forEach((v) => expect(lookup(v), v).toBe(-1));
    // And it is as empty as new: as many values fit again.
    values.forEach((v) => expect(intern(v), v).toBeGreaterThanOrEqual(0));
    clearInterned();
  });
});
