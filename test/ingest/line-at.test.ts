/** readLineAt: one line of a file read again by its number, as `sel explain` shows a damaged line. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readLineAt } from '../../src/ingest/line-at.js';

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
    expect(await readLineAt(f, 1)).toEqual({ text: 'a', bytes: 1, truncated: false });
    expect(await readLineAt(f, 2)).toEqual({ text: 'bb', bytes: 2, truncated: false });
    expect(await readLineAt(f, 3)).toEqual({ text: '', bytes: 0, truncated: false });
    expect(await readLineAt(f, 4)).toEqual({ text: 'ccc', bytes: 3, truncated: false });
    expect(await readLineAt(f, 5)).toBeNull();
    // The LF that ends the last line starts no line of its own.
    expect(await readLineAt(file('a\n'), 2)).toBeNull();
    expect(await readLineAt(file(''), 1)).toBeNull();
  });
  it('keeps the first bytes of a long line, and its whole length, across reads', async () => {
    const long = 'x'.repeat(3 * (1 << 20) + 17);
    const f = file(`${long}\ny`);
    expect(await readLineAt(f, 1)).toEqual({ text: 'x'.repeat(4096), bytes: long.length, truncated: true });
    expect(await readLineAt(f, 2)).toEqual({ text: 'y', bytes: 1, truncated: false });
  });
  it('cuts a long line before a character that would not fit whole', async () => {
    const f = file(`${'é'.repeat(3000)}\n`);
    const r = (await readLineAt(f, 1, 4095))!;
    expect(r).toEqual({ text: 'é'.repeat(2047), bytes: 6000, truncated: true });
    // Bytes that are not UTF-8 are shown as U+FFFD, as they are not text.
    expect(await readLineAt(file(Buffer.from([0x7b, 0xff, 0x7d, 0x0a])), 1)).toEqual({ text: '{\ufffd}', bytes: 3, truncated: false });
  });
  it('gives back every line of any file, whatever its lines hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary' }).map((x) => x.replaceAll('\n', '')), { minLength: 1, maxLength: 8 }), fc.boolean(), async (lines, lf) => {
        const f = file(`${lines.join('\n')}${lf ? '\n' : ''}`);
        for (let i = 0; i < lines.length; i++) {
          const r = await readLineAt(f, i + 1, 1 << 16);
          // The last line, empty and without LF, is no line.
          if (i === lines.length - 1 && lines[i] === '' && !lf) expect(r).toBeNull();
          else expect(r).toEqual({ text: lines[i], bytes: Buffer.byteLength(lines[i]!), truncated: false });
        }
        expect(await readLineAt(f, lines.length + 1)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});
