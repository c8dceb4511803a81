/** Byte-level line splitting: LF only, views not strings, bounded memory per line. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineSink } from '../../src/ingest/lines.js';

type Ev = [string, number, string | number];

/** A splitter whose events are recorded in `out`, in order. */
function recording(max: number): { out: Ev[]; s: LineSplitter } {
  const out: Ev[] = [];
  const sink: LineSink = {
    line: (b, n) => out.push(['line', n, b.toString('latin1')]),
    emptyLine: (n) => out.push(['empty', n, '']),
    tooLong: (n, len) => out.push(['long', n, len]),
    torn: (n, b) => out.push(['torn', n, b.toString('latin1')]),
  };
  return { out, s: new LineSplitter(sink, max) };
}

function split(input: Buffer, chunkSizes: number[] | number, max = 1 << 20): Ev[] {
  const { out, s } = recording(max);
  const sizes = typeof chunkSizes === 'number' ? [chunkSizes] : chunkSizes;
  let at = 0;
  let k = 0;
  while (at < input.length) {
    const size = Math.max(1, sizes[k++ % sizes.length]!);
    s.push(input.subarray(at, at + size));
    at += size;
  }
  s.end();
  return out;
}

const b = (s: string) => Buffer.from(s, 'latin1');

describe('LineSplitter', () => {
  it('splits on LF only and keeps CR and invalid bytes as they are', () => {
    expect(split(b('a\r\nb\xff\nc\n'), 1 << 20)).toEqual([
      ['line', 1, 'a\r'],
      ['line', 2, 'b\xff'],
      ['line', 3, 'c'],
    ]);
  });
  it('allows one empty line at the very end, reports empty lines elsewhere', () => {
    expect(split(b('a\n\n'), 100)).toEqual([['line', 1, 'a']]);
    expect(split(b('a\n\nb\n'), 100)).toEqual([['line', 1, 'a'], ['empty', 2, ''], ['line', 3, 'b']]);
    expect(split(b('a\n\n\n'), 100)).toEqual([['line', 1, 'a'], ['empty', 2, '']]);
    expect(split(b('\n'), 100)).toEqual([]);
  });
  it('reports a last line without LF as torn', () => {
    expect(split(b('a\nbc'), 1)).toEqual([['line', 1, 'a'], ['torn', 2, 'bc']]);
  });
  it('skips lines over the limit without buffering them, wherever the chunks fall', () => {
    const input = b(`ok\n${'x'.repeat(50)}\nfine\n${'y'.repeat(20)}`);
    for (const chunk of [1, 3, 7, 64, 1000]) {
      expect(split(input, chunk, 10)).toEqual([
        ['line', 1, 'ok'],
        ['long', 2, 50],
        ['line', 3, 'fine'],
        ['long', 4, 20],
      ]);
    }
  });
  it('skips a last line without LF one byte over the limit, the byte in a read of its own: too long, not torn', () => {
    // (From mutation testing.) Ten bytes buffered, then the eleventh.
    expect(split(b('{"a":123456'), [10, 1], 10)).toEqual([['long', 1, 11]]);
  });
  it('takes a line of exactly the limit, however the chunks fall; one byte more is too long', () => {
    // (From mutation testing.) The three places that compare a line with the limit: a line in
    // one read, one completed from the carry, one still in the carry when its read ends.
    for (const chunk of [1, 2, 3, 5, 100]) {
      expect(split(b('abc\nabcd\nxyz'), chunk, 3)).toEqual([['line', 1, 'abc'], ['long', 2, 4], ['torn', 3, 'xyz']]);
    }
  });
  it('reports an empty line before a torn last line: only an empty last line is allowed', () => {
    // (From mutation testing.) The torn line ends the input, not the empty line before it.
    for (const chunk of [1, 100]) {
      expect(split(b('a\n\nb'), chunk)).toEqual([['line', 1, 'a'], ['empty', 2, ''], ['torn', 3, 'b']]);
    }
  });
  it('takes an empty line as CRLF writes it (a lone CR) for an empty line: allowed last, reported elsewhere', () => {
    // (From mutation testing.)
    expect(split(b('a\r\n\r\n'), 100)).toEqual([['line', 1, 'a\r']]);
    expect(split(b('a\r\n\r\nb\r\n'), 100)).toEqual([['line', 1, 'a\r'], ['empty', 2, ''], ['line', 3, 'b\r']]);
  });
  it('keeps every byte of a line longer than the carry first holds, whatever its reads', () => {
    // (From mutation testing.) The carry starts at 64 KiB and grows: a line of 100 000 bytes
    // left by one read, or grown read by read, is given whole.
    const line = Buffer.alloc(100_000);
    for (let i = 0; i < line.length; i++) line[i] = 0x41 + (i % 26);
    const input = Buffer.concat([line, b('\nz\n')]);
    for (const chunks of [[100_000, 3], [70_000, 50_000], [40_000]]) {
      const out = split(input, chunks);
      expect(out.map(([kind, n, v]) => [kind, n, typeof v === 'string' ? v.length : v])).toEqual([['line', 1, 100_000], ['line', 2, 1]]);
      expect(out[0]![2]).toBe(line.toString('latin1'));
    }
  });
  it('gives the same lines for any chunking of the input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a.map((x) => (x % 5 === 0 ? 10 : x)))),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (input, sizes) => {
          expect(split(input, sizes, 32)).toEqual(split(input, input.length + 1, 32));
        },
      ),
      { numRuns: 500 },
    );
  });
  it('reports an empty line that ends a byte range stopping before its file ends (a shard): it is not the file\'s last line (from mutation testing)', () => {
    const { out, s } = recording(100);
    s.push(b('a\n\n'));
    s.end(false);
    expect(out).toEqual([['line', 1, 'a'], ['empty', 2, '']]);
  });
  it('property: gives what splitting the whole input on LF gives, line by line, however it is chunked and wherever the limit falls (from mutation testing)', () => {
    // The reference: SPEC.md §2 read plainly. An empty line (or a lone CR) is reported when a
    // line of any kind comes after it; a line over the limit is reported with its length.
    const reference = (input: Buffer, max: number): Ev[] => {
      const out: Ev[] = [];
      const parts = input.toString('latin1').split('\n');
      const last = parts.pop()!;
      let pending = 0;
      const flush = () => {
        if (pending > 0) out.push(['empty', pending, '']);
        pending = 0;
      };
      parts.forEach((p, i) => {
        if (p.length > max) (flush(), out.push(['long', i + 1, p.length]));
        else if (p === '' || p === '\r') (flush(), (pending = i + 1));
        else (flush(), out.push(['line', i + 1, p]));
      });
      if (last !== '') (flush(), out.push(last.length > max ? ['long', parts.length + 1, last.length] : ['torn', parts.length + 1, last]));
      return out;
    };
    const piece = fc.oneof(fc.constant('\n'), fc.constant('\r'), fc.constant('\r\n'), fc.constant('x'), fc.string({ maxLength: 9 }), fc.constant('y'.repeat(16)));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((p) => b(p.join(''))), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 17 }), (input, sizes, max) => {
        expect(split(input, sizes, max)).toEqual(reference(input, max));
      }),
      { numRuns: 1000 },
    );
  });

  it('numbers lines from 1 and counts every line, empty or not', () => {
    const s = new LineSplitter({ line() {}, emptyLine() {}, tooLong() {}, torn() {} }, 100);
    s.push(b('a\n\nb\nc'));
    s.end();
    expect(s.lines).toBe(4);
  });

  it('property: stopAfter(k) stops at the line start after k lines, however the input is chunked', () => {
    const line = fc.oneof(fc.constant(''), fc.constant('x'), fc.string({ maxLength: 12 }).map((t) => t.replace(/\n/g, '.')), fc.constant('y'.repeat(40)));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.boolean(), fc.nat({ max: 45 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }), (lines, lf, k, sizes) => {
        const input = b(lines.join('\n') + (lf ? '\n' : ''));
        const run = (chunks: number[] | number) => {
          const { out, s } = recording(30);
          if (k > 0) s.stopAfter(k);
          const ss = typeof chunks === 'number' ? [chunks] : chunks;
          for (let at = 0, i = 0; at < input.length && !s.stoppedShort; i++) {
            const size = ss[i % ss.length]!;
            s.push(input.subarray(at, at + size));
            at += size;
          }
          s.end(!s.stoppedShort);
          return { out, bytes: s.bytes, lines: s.lines, stopped: s.stoppedShort };
        };
        const whole = run(input.length + 1);
        expect(run(sizes)).toEqual(whole);
        if (whole.stopped) {
          // At a line start past exactly k lines, and the rest split on its own gives the rest.
          expect(whole.lines).toBe(k);
          expect(input[whole.bytes - 1]).toBe(0x0a);
          expect(whole.bytes).toBeLessThan(input.length);
        } else {
          expect(whole.bytes).toBe(input.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a last line longer than its buffer first holds (1 KiB) whole, after a shorter one, however the chunks fall (from mutation testing)', () => {
    // What a checkpoint recognises the end of the verified part by: a buffer not grown for it
    // would keep only its first KiB, and a change past that would go unseen. The property's
    // lines are all shorter.
    const long = 'x'.repeat(3000);
    for (const size of [1, 100, 5000]) {
      const input = b(`a\n${long}\n`);
      const s = new LineSplitter({ line() {}, emptyLine() {}, tooLong() {}, torn() {} }, 1 << 20);
      for (let at = 0; at < input.length; at += size) s.push(input.subarray(at, at + size));
      s.end();
      expect(s.lastLine?.toString('latin1'), String(size)).toBe(`${long}\n`);
    }
  });

  it('property: lastLine is the last line with content that ends where the bytes taken end but for empty lines, with its LF, however the input is chunked', () => {
    // What a checkpoint recognises the end of the verified part by (checkpoint.ts, tailHash):
    // the input taken less the empty lines at its end (emptyAfter; an append puts them in the
    // middle), then the bytes after the LF before the last one, when that ends with an LF and
    // the line is not too long; nothing otherwise.
    const line = fc.oneof(fc.constant(''), fc.constant('\r'), fc.constant('x'), fc.string({ maxLength: 12 }).map((t) => t.replace(/\n/g, '.')), fc.constant('y'.repeat(31)), fc.constant('z'.repeat(70)));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.nat({ max: 35 }), fc.array(fc.integer({ min: 1, max: 45 }), { minLength: 1, maxLength: 5 }), (lines, lf, k, sizes) => {
        const input = b(lines.join('\n') + (lf ? '\n' : ''));
        const s = new LineSplitter({ line() {}, emptyLine() {}, tooLong() {}, torn() {} }, 30);
        if (k > 0) s.stopAfter(k);
        for (let at = 0, i = 0; at < input.length && !s.stoppedShort; i++) {
          const size = sizes[i % sizes.length]!;
          s.push(input.subarray(at, at + size));
          at += size;
        }
        s.end(!s.stoppedShort);
        const taken = input.subarray(0, s.bytes);
        let end = taken.length;
        let empties = 0;
        // (lastIndexOf with -1 would search from the end: a lone LF is a line of its own.)
        const startOf = (e: number): number => (e < 2 ? 0 : taken.lastIndexOf(0x0a, e - 2) + 1);
        if (end > 0 && taken[end - 1] === 0x0a) {
          for (let from = startOf(end); end > 0 && ['\n', '\r\n'].includes(taken.subarray(from, end).toString('latin1')); from = startOf(end)) {
            empties++;
            end = from;
          }
        }
        const from = startOf(end);
        const expected = end === 0 || taken[end - 1] !== 0x0a || end - from - 1 > 30 ? null : taken.subarray(from, end).toString('latin1');
        expect(s.lastLine?.toString('latin1') ?? null).toBe(expected);
        expect(s.emptyAfter).toEqual(taken.length > 0 && taken[taken.length - 1] === 0x0a ? { lines: empties, bytes: taken.length - end } : { lines: 0, bytes: 0 });
      }),
      { numRuns: 1000 },
    );
  });
});
