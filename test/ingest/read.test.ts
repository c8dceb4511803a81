/**
 * readSource (src/ingest/read.ts): every byte of a log, once and in order, from a file read in
 * 1 MiB chunks with the next read in flight, from a resume offset, or from a stream.
 * (From mutation testing: the bytes a multi-read file gives were never compared with the file.)
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, readSource } from '../../src/ingest/read.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Bytes that differ from read to read: a chunk given twice, or overwritten, shows. */
function content(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 20)) & 0xff;
  return b;
}

describe('readSource', () => {
  it('gives every byte of a file of several reads once, in order, however long the reader takes over each chunk', async () => {
    const bytes = content(3 * CHUNK_BYTES + 17);
    const f = join(tmp, 'big.jsonl');
    writeFileSync(f, bytes);
    const got: Buffer[] = [];
    const problem = await readSource({ display: f, path: f, regular: true, named: true }, (chunk) => {
      // A slow check: the next read, in flight meanwhile, must not land in this chunk.
      const until = Date.now() + 30;
      while (Date.now() < until);
      got.push(Buffer.from(chunk));
    });
    expect(problem).toBeNull();
    expect(got.length).toBe(4);
    expect(Buffer.concat(got).equals(bytes)).toBe(true);
  });

  it('starts a resumed file at its offset', async () => {
    const f = join(tmp, 'resumed.jsonl');
    writeFileSync(f, 'first\nsecond\n');
    const got: Buffer[] = [];
    expect(await readSource({ display: f, path: f, regular: true, named: true }, (c) => got.push(Buffer.from(c)), process.stdin, 6)).toBeNull();
    expect(Buffer.concat(got).toString()).toBe('second\n');
  });

  it('reads nothing, and finds nothing wrong, in an empty file or one resumed at its end; one resumed past it is LOG_CHANGED (from mutation testing)', async () => {
    const empty = join(tmp, 'empty.jsonl');
    writeFileSync(empty, '');
    const done = join(tmp, 'done.jsonl');
    writeFileSync(done, 'first\n');
    for (const [f, at] of [[empty, 0], [done, 6]] as const) {
      const got: Buffer[] = [];
      expect(await readSource({ display: f, path: f, regular: true, named: true }, (c) => got.push(Buffer.from(c)), process.stdin, at)).toBeNull();
      expect(got).toEqual([]);
    }
    // Past its end, it is shorter than what was verified before: it read nothing and found
    // nothing wrong, and the file passed (found by review).
    const got: Buffer[] = [];
    expect(await readSource({ display: done, path: done, regular: true, named: true }, (c) => got.push(Buffer.from(c)), process.stdin, 9)).toEqual({
      code: 'LOG_CHANGED',
      message: 'the file is 6 bytes, shorter than the 9 bytes verified before, where this run resumes it: it was truncated or replaced',
    });
    expect(got).toEqual([]);
    // One byte past it too (from mutation testing, second pass: only a resume well past the end was tried).
    expect(await readSource({ display: done, path: done, regular: true, named: true }, (c) => got.push(Buffer.from(c)), process.stdin, 7)).toEqual({
      code: 'LOG_CHANGED',
      message: 'the file is 6 bytes, shorter than the 7 bytes verified before, where this run resumes it: it was truncated or replaced',
    });
    expect(got).toEqual([]);
  });

  it('gives only the bytes a file had when opened when it grows while read, and says so (from mutation testing)', async () => {
    const bytes = content(2 * CHUNK_BYTES + 10);
    const f = join(tmp, 'growing.jsonl');
    writeFileSync(f, bytes);
    const got: Buffer[] = [];
    // Appended while the first chunk is checked: the third read starts after that.
    const problem = await readSource({ display: f, path: f, regular: true, named: true }, (chunk) => {
      if (got.length === 0) appendFileSync(f, 'appended\n');
      got.push(Buffer.from(chunk));
    });
    expect(Buffer.concat(got).equals(bytes)).toBe(true);
    expect(problem).toEqual({ code: 'LOG_CHANGED', message: `the file grew from ${bytes.length} to ${bytes.length + 9} bytes while it was read; only the first ${bytes.length} bytes were verified` });
  });

  // Its size 0, its content there: read up to its size, it was an empty log that passed (found by review).
  it.runIf(existsSync('/proc/self/status'))('says so when a file holds more than its size says (a /proc file), and gives nothing past its size', async () => {
    const f = '/proc/self/status';
    const got: Buffer[] = [];
    const problem = await readSource({ display: f, path: f, regular: true, named: true }, (chunk) => got.push(Buffer.from(chunk)));
    expect(got).toEqual([]);
    expect(problem).toEqual({ code: 'LOG_CHANGED', message: 'the file holds more than the 0 bytes its size said when it was opened (it grew while it was read, or its size is not its length, as for a /proc file); only the first 0 bytes were verified' });
  });

  it('says so when a file shrinks once its last chunk is read (from mutation testing)', async () => {
    const f = join(tmp, 'shrinking.jsonl');
    writeFileSync(f, 'first\nsecond\n');
    const got: Buffer[] = [];
    const problem = await readSource({ display: f, path: f, regular: true, named: true }, (chunk) => {
      got.push(Buffer.from(chunk));
      truncateSync(f, 6);
    });
    expect(Buffer.concat(got).toString()).toBe('first\nsecond\n');
    expect(problem).toEqual({ code: 'LOG_CHANGED', message: 'the file shrank from 13 to 6 bytes while it was read' });
  });

  it('says so when a file shrinks between its reads, and stops there (from mutation testing: a read that finds the end early was not tried)', async () => {
    const bytes = content(3 * CHUNK_BYTES + 10);
    const f = join(tmp, 'shrinking-early.jsonl');
    writeFileSync(f, bytes);
    const got: Buffer[] = [];
    // Emptied while the first chunk is checked: the read after the one in flight finds no byte.
    const problem = await readSource({ display: f, path: f, regular: true, named: true }, (chunk) => {
      // Not read again and again where it ends: no chunk is empty.
      if (chunk.length === 0) throw new Error('an empty chunk');
      if (got.length === 0) truncateSync(f, 0);
      got.push(Buffer.from(chunk));
    });
    const read = Buffer.concat(got);
    expect([CHUNK_BYTES, 2 * CHUNK_BYTES]).toContain(read.length);
    expect(read.equals(bytes.subarray(0, read.length))).toBe(true);
    expect(problem).toEqual({ code: 'LOG_CHANGED', message: `the file shrank while it was read: ${bytes.length} bytes at open, only ${read.length} could be read` });
  });

  it('gives a stream\'s text as UTF-8 bytes', async () => {
    const got: Buffer[] = [];
    const problem = await readSource({ display: '-', path: null, regular: false, named: true }, (c) => got.push(Buffer.from(c)), Readable.from(['{"s":"é"}', Buffer.from('\n')]));
    expect(problem).toBeNull();
    expect(Buffer.concat(got).toString('utf8')).toBe('{"s":"é"}\n');
  });

  it('reports standard input that fails while read as LOG_UNREADABLE, what was read before standing, not as the operator\'s error (from mutation testing)', async () => {
    // A named file that fails is the operator's error; standard input has no file to name,
    // and the run reports what it read of it.
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from('{"a":1}\n'));
    process.nextTick(() => failing.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })));
    const got: Buffer[] = [];
    const problem = await readSource({ display: '-', path: null, regular: false, named: true }, (c) => got.push(Buffer.from(c)), failing);
    expect(Buffer.concat(got).toString()).toBe('{"a":1}\n');
    expect(problem).toEqual({ code: 'LOG_UNREADABLE', message: expect.stringMatching(/^reading failed: /) });
  });
});
