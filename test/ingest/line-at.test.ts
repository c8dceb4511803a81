/** readLinesAt: lines of a file read again by their numbers, as `sel explain` shows damaged lines. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readLineAt, readLinesAt } from '../../src/ingest/line-at.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-line-at-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (content: string | Buffer): string => {
  const path = join(tmp, `f${n++}.jsonl`);
  writeFileSync(path, content);
  return path;
};

describe('readLineAt', () => {
  it('counts lines from 1, separated by LF, as the verifier does', async () => {
    const f = file('a\nbb\n\nccc');
    const whole = (text: string) => ({ text, bytes: Buffer.byteLength(text), shownBytes: Buffer.byteLength(text), truncated: false, whole: text });
    expect(await readLineAt(f, 1)).toEqual(whole('a'));
    expect(await readLineAt(f, 2)).toEqual(whole('bb'));
    expect(await readLineAt(f, 3)).toEqual(whole(''));
    expect(await readLineAt(f, 4)).toEqual(whole('ccc'));
    expect(await readLineAt(f, 5)).toBeNull();
    // Several lines in one pass, in any order; a number past the end has no entry.
    expect([...(await readLinesAt(f, [4, 1, 9, 2])).entries()].map(([n, l]) => [n, l.text])).toEqual([[1, 'a'], [2, 'bb'], [4, 'ccc']]);
    // CRLF: the CR is part of the line, as the verifier reads it.
    expect((await readLineAt(file('{}\r\n{}'), 1))!.text).toBe('{}\r');
    // The LF that ends the last line starts no line of its own.
    expect(await readLineAt(file('a\n'), 2)).toBeNull();
    expect(await readLineAt(file(''), 1)).toBeNull();
  });
  it('keeps the first bytes of a long line, and its whole length, across reads', async () => {
    const long = 'x'.repeat(3 * (1 << 20) + 17);
    const f = file(`${long}\ny`);
    expect(await readLineAt(f, 1)).toEqual({ text: 'x'.repeat(4096), bytes: long.length, shownBytes: 4096, truncated: true, whole: null });
    expect((await readLineAt(f, 2))!.text).toBe('y');
    // Kept whole up to keepBytes (to read its members), shown up to showBytes.
    const kept = (await readLineAt(f, 1, 10, 4 * (1 << 20)))!;
    expect([kept.text, kept.truncated, kept.whole]).toEqual(['x'.repeat(10), true, long]);
  });
  it('cuts a long line before a character that would not fit whole', async () => {
    const f = file(`${'é'.repeat(3000)}\n`);
    const r = (await readLineAt(f, 1, 4095))!;
    expect(r).toEqual({ text: 'é'.repeat(2047), bytes: 6000, shownBytes: 4094, truncated: true, whole: null });
    // 3- and 4-byte characters across the cut are dropped whole; one that ends at it is kept.
    expect((await readLineAt(file('ab€€'), 1, 4))!.text).toBe('ab');
    expect((await readLineAt(file('a😂b'), 1, 4))!.text).toBe('a');
    expect((await readLineAt(file('a😂b'), 1, 5))!.text).toBe('a😂');
    // Bytes that are not UTF-8 are shown as U+FFFD, and cut where they are: the count is of bytes.
    expect((await readLineAt(file(Buffer.from([0x7b, 0xff, 0x7d, 0x0a])), 1))!.text).toBe('{\ufffd}');
    // A byte that can lead no character (0xC0, 0xC1: overlong forms) is cut where it is, as any byte that is not UTF-8 (from mutation testing).
    expect(await readLineAt(file(Buffer.from([0x61, 0x62, 0x63, 0xc0, 0x80, 0x80])), 1, 4)).toMatchObject({ text: 'abc\ufffd', shownBytes: 4, truncated: true });
    const junk = (await readLineAt(file(Buffer.concat([Buffer.from('ab'), Buffer.alloc(5000, 0x80)])), 1, 100))!;
    expect([junk.shownBytes, junk.text.slice(0, 2), junk.bytes]).toEqual([100, 'ab', 5002]);
  });
  it('shows a line of exactly showBytes whole, and keeps one of exactly keepBytes whole; one byte more is cut', async () => {
    // (From mutation testing.)
    const f = file('abcd\nabcde\n');
    expect(await readLineAt(f, 1, 4)).toEqual({ text: 'abcd', bytes: 4, shownBytes: 4, truncated: false, whole: 'abcd' });
    expect(await readLineAt(f, 2, 4)).toEqual({ text: 'abcd', bytes: 5, shownBytes: 4, truncated: true, whole: null });
    expect((await readLineAt(f, 2, 2, 5))!.whole).toBe('abcde');
    expect((await readLineAt(f, 2, 2, 4))!.whole).toBeNull();
    // Never less than showBytes is kept (from mutation testing): a keepBytes below it cuts nothing shown.
    expect(await readLineAt(f, 2, 4, 2)).toEqual({ text: 'abcd', bytes: 5, shownBytes: 4, truncated: true, whole: null });
  });
  it('gives only the lines asked for', async () => {
    // (From mutation testing.)
    expect([...(await readLinesAt(file('a\nb\nc\n'), [2])).keys()]).toEqual([2]);
    // No line asked for: the file is not even opened (from mutation testing).
    expect(await readLinesAt(join(tmp, 'no-such-file.jsonl'), [])).toEqual(new Map());
  });
  it('gives back every line of any file, whatever its lines hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary' }).map((x) => x.replaceAll('\n', '')), { minLength: 1, maxLength: 8 }), fc.boolean(), async (lines, lf) => {
        const f = file(`${lines.join('\n')}${lf ? '\n' : ''}`);
        for (let i = 0; i < lines.length; i++) {
          const r = await readLineAt(f, i + 1, 1 << 16);
          // The last line, empty and without LF, is no line.
          if (i === lines.length - 1 && lines[i] === '' && !lf) expect(r).toBeNull();
          else expect(r).toMatchObject({ text: lines[i], bytes: Buffer.byteLength(lines[i]!), truncated: false });
        }
        expect(await readLineAt(f, lines.length + 1)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});
