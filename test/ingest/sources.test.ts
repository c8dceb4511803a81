/**
 * Which bytes to read, in which order (src/ingest/sources.ts, SPEC.md §2, §7): a directory's
 * *.jsonl files, each file once, rotated files by the seq of their first event (ties by name),
 * streams after the files. (From mutation testing: only whole runs covered it, on the samples.)
 */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { envelopeSeq, eventOf, orderSources, resolveSources, totalBytes, type LogSource } from '../../src/ingest/sources.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { sampleInput } from '../helpers/chains.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dir(name: string, files: Record<string, string | Buffer>): string {
  const d = join(tmp, name);
  mkdirSync(d);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}
const names = (sources: readonly LogSource[]): string[] => sources.map((s) => s.display.slice(s.display.lastIndexOf('/') + 1));
const line = (seq: number): string => `${JSON.stringify({ v: 'sel.audit/1', chain: 'c', seq })}\n`;

describe('resolveSources', () => {
  it('takes the *.jsonl files of a directory, and skips, saying why, a *.jsonl entry that is not a regular file', async () => {
    const d = dir('mixed', { 'b.jsonl': line(0), 'a.jsonl': line(0), 'c.jsonl.bak': line(0), 'notes.txt': 'x', 'jsonl': 'x' });
    mkdirSync(join(d, 'sub.jsonl'));
    execFileSync('mkfifo', [join(d, 'pipe.jsonl')]);
    const r = await resolveSources([d]);
    expect(names(r.sources)).toEqual(['a.jsonl', 'b.jsonl']);
    expect(r.sources.every((s) => s.regular && !s.named)).toBe(true);
    expect(r.skipped).toEqual([
      { display: join(d, 'pipe.jsonl'), reason: 'it is not a regular file' },
      { display: join(d, 'sub.jsonl'), reason: 'it is a directory' },
    ]);
  });

  it('gives a directory\'s files sorted by name, and skips one whose name is not UTF-8, saying so (from mutation testing)', async () => {
    const d = dir('sorted', {});
    // Made against the order of their names: no directory listing order sorts them.
    for (const n of ['d', 'b', 'e', 'a', 'c']) writeFileSync(join(d, `${n}.jsonl`), line(0));
    writeFileSync(Buffer.concat([Buffer.from(`${d}/f`), Buffer.from([0xff]), Buffer.from('.jsonl')]), line(0));
    const r = await resolveSources([d]);
    expect(names(r.sources)).toEqual(['a.jsonl', 'b.jsonl', 'c.jsonl', 'd.jsonl', 'e.jsonl']);
    expect(r.skipped).toEqual([{ display: join(d, 'f\ufffd.jsonl'), reason: 'its name is not UTF-8, so sel cannot open it by name' }]);
  });

  it('sorts a directory\'s names by their UTF-16 code units, as the file order breaks ties, not by their bytes as the listing comes (from mutation testing)', async () => {
    // Node.js lists a directory sorted by bytes: U+FF61 (EF BD A1) before U+1F600 (F0 9F 98 80),
    // whose first code unit (D83D) sorts before FF61.
    const d = dir('utf16', { '\uff61.jsonl': line(0), '\u{1f600}.jsonl': line(0), 'z.jsonl': line(0) });
    expect(names((await resolveSources([d])).sources)).toEqual(['z.jsonl', '\u{1f600}.jsonl', '\uff61.jsonl']);
  });

  it('reads a file once however often it is named, and through a link too', async () => {
    const d = dir('twice', { 'a.jsonl': line(0) });
    symlinkSync(join(d, 'a.jsonl'), join(tmp, 'link.jsonl'));
    const r = await resolveSources([join(d, 'a.jsonl'), d, join(tmp, 'link.jsonl'), join(d, 'a.jsonl')]);
    expect(r.sources.map((s) => s.display)).toEqual([join(d, 'a.jsonl')]);
  });

  it('reads a hard link as another file, each name checked (review: one taken for the file it links to went unchecked as a committed log)', async () => {
    const d = dir('hard', { 'audit-2.jsonl': line(0) });
    linkSync(join(d, 'audit-2.jsonl'), join(d, 'current.jsonl'));
    expect((await resolveSources([d])).sources.map((s) => s.display)).toEqual([join(d, 'audit-2.jsonl'), join(d, 'current.jsonl')]);
  });

  it('refuses a directory with no *.jsonl file as the operator\'s error, and reads a named pipe as a stream', async () => {
    const d = dir('none', { 'a.json': line(0) });
    await expect(resolveSources([d])).rejects.toThrow(OperatorError);
    await expect(resolveSources([d])).rejects.toThrow(`directory ${d} holds no *.jsonl files`);
    const fifo = join(tmp, 'named-pipe');
    execFileSync('mkfifo', [fifo]);
    expect((await resolveSources([fifo])).sources).toEqual([{ display: fifo, path: fifo, regular: false, named: true }]);
  });

  it('adds up the sizes of regular files only: a named pipe among them has no size to add (from mutation testing)', async () => {
    const d = dir('sizes', { 'a.jsonl': line(0), 'b.jsonl': line(1) + line(2) });
    const files = (await resolveSources([d])).sources;
    expect(await totalBytes(files)).toBe(line(0).length + line(1).length + line(2).length);
    const fifo = join(tmp, 'sized-pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await totalBytes([...files, ...(await resolveSources([fifo])).sources])).toBeNull();
  });
});

describe('orderSources', () => {
  it('orders files by the seq of their first event, ties by name, files without one last, streams after them in their given order', async () => {
    const d = dir('rotated', {
      'x.jsonl': line(10) + line(11),
      't.jsonl': line(10),
      'y.jsonl': line(0),
      // A byte order mark and a CR do not hide the first event; nor do lines before it that are not one.
      'z.jsonl': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line(5).replace('\n', '\r\n'))]),
      'w.jsonl': `not json\n\n[3]\n{"seq":-1}\n${line(3)}`,
      'v.jsonl': 'garbage\n',
      'u.jsonl': '',
    });
    const fifos = ['pipe-b', 'pipe-a'].map((n) => {
      const p = join(tmp, n);
      execFileSync('mkfifo', [p]);
      return { display: p, path: p, regular: false, named: true };
    });
    // Given against the order of their names, which decides only ties.
    const files = (await resolveSources([d])).sources.reverse();
    const ordered = await orderSources([fifos[0]!, ...files, fifos[1]!], 1 << 20);
    expect(names(ordered)).toEqual(['y.jsonl', 'w.jsonl', 'z.jsonl', 't.jsonl', 'x.jsonl', 'u.jsonl', 'v.jsonl', 'pipe-b', 'pipe-a']);
  });

  it('orders the files of interleaved chains by each chain\'s seqs, not by whichever chain\'s event comes first (review: two honest chains rotated into three files gave 152 SEQ_REORDERs)', async () => {
    const ev = (chain: string, seq: number): string => `${JSON.stringify({ v: 'sel.audit/1', chain, seq })}\n`;
    // Written in this order: a (fast: 0-149, slow: 0-1), b (fast: 150-199, slow: 2), c (slow: 3,
    // fast: 200-201). By the first event alone, c (slow 3) went before b (fast 150).
    const d = dir('interleaved', {
      '1.jsonl': ev('fast', 0) + ev('slow', 0) + ev('fast', 1) + ev('slow', 1),
      '2.jsonl': ev('fast', 150) + ev('slow', 2),
      '3.jsonl': ev('slow', 3) + ev('fast', 200) + ev('fast', 201),
    });
    const files = (await resolveSources([d])).sources.reverse();
    expect(names(await orderSources(files, 1 << 20))).toEqual(['1.jsonl', '2.jsonl', '3.jsonl']);
    // Among the files free to go next, the first event's seq (then the name) decides: c, of a
    // chain alone, goes first. Where the chains disagree (x puts a before b, y b before a: a
    // forged segment), none is free, and the lowest of those left by that key goes: b, then a.
    const e = dir('unordered', {
      'a.jsonl': ev('x', 5) + ev('y', 9),
      'b.jsonl': ev('y', 1) + ev('x', 7),
      'c.jsonl': ev('z', 3),
    });
    expect(names(await orderSources((await resolveSources([e])).sources, 1 << 20))).toEqual(['c.jsonl', 'b.jsonl', 'a.jsonl']);
    // (From mutation testing: a cycle met again once the lowest rank has gone must move on to
    // the next rank left, or it loops for ever.)
    // a before b (x), b before a (y), c before b (z), b before c (w): none free, a goes; b is not
    // free yet (c is before it), so the lowest left goes again, b, and then c.
    const f = dir('cycles', {
      'a.jsonl': ev('x', 0) + ev('y', 1),
      'b.jsonl': ev('y', 0) + ev('x', 1) + ev('z', 1) + ev('w', 0),
      'c.jsonl': ev('z', 0) + ev('w', 1),
    });
    expect(names(await orderSources((await resolveSources([f])).sources, 1 << 20))).toEqual(['a.jsonl', 'b.jsonl', 'c.jsonl']);
  });

  it('orders by a chain that begins no file but shows among one file\'s first lines and only past another\'s (found by test/fuzz/disorder.ts: three honest chains rotated gave a SEQ_REORDER)', async () => {
    const ev = (chain: string, seq: number): string => `${JSON.stringify({ v: 'sel.audit/1', chain, seq })}\n`;
    // Written in this order: 3 (b 0-2), 2 (b 3, c 0), 1 (a 0-64, then c 1). Chain c begins no
    // file; 1 and 3 begin with seq 0 of other chains, so their names decided, and 1 went first:
    // c 1 before c 0. c is among 2's first lines, and in 1 after its 65th: it orders them.
    const d = dir('late-chain-begins-none', {
      '3.jsonl': ev('b', 0) + ev('b', 1) + ev('b', 2),
      '2.jsonl': ev('b', 3) + ev('c', 0),
      '1.jsonl': Array.from({ length: 65 }, (_, i) => ev('a', i)).join('') + ev('c', 1),
    });
    expect(names(await orderSources((await resolveSources([d])).sources, 1 << 20))).toEqual(['3.jsonl', '2.jsonl', '1.jsonl']);
  });

  it('looks for a chain that begins a file past another file\'s first 64 lines, within its first MiB, each such chain (from mutation testing)', async () => {
    const ev = (chain: string, seq: number): string => `${JSON.stringify({ v: 'sel.audit/1', chain, seq })}\n`;
    const run = (chain: string, from: number, to: number): string => Array.from({ length: to - from }, (_, i) => ev(chain, from + i)).join('');
    // q: fast 10-79 (70 lines), then slow 0-2: slow orders q before p (slow 3-5). By its
    // first 64 lines alone, p (3) went before q (10).
    const d = dir('late-chain', { 'r.jsonl': run('fast', 0, 10), 'q.jsonl': run('fast', 10, 80) + run('slow', 0, 3), 'p.jsonl': run('slow', 3, 6) });
    expect(names(await orderSources((await resolveSources([d])).sources, 1 << 20))).toEqual(['r.jsonl', 'q.jsonl', 'p.jsonl']);
    // Two chains first seen past the first 64 lines: both are looked for, the file read on
    // after the first is found (n: fast 10-79, slow 0, tiny 0; m: tiny 4; o: slow 5).
    const e = dir('late-chains', {
      'l.jsonl': run('fast', 0, 10),
      'n.jsonl': run('fast', 10, 80) + ev('slow', 0) + run('fast', 80, 82) + ev('tiny', 0),
      'm.jsonl': ev('tiny', 4),
      'o.jsonl': ev('slow', 5),
    });
    expect(names(await orderSources((await resolveSources([e])).sources, 1 << 20))).toEqual(['l.jsonl', 'n.jsonl', 'm.jsonl', 'o.jsonl']);
  });

  it('reads a file again for every chain that begins no file, not only for those it does not hold at all (from mutation testing)', async () => {
    const ev = (chain: string, seq: number): string => `${JSON.stringify({ v: 'sel.audit/1', chain, seq })}\n`;
    // Written in this order: 2 (b 0-1, d 0), 1 (a 0-62, c 0, then d 1 as its 65th line). Both
    // begin with a seq 0, so the name put 1 first; d, which begins no file, is past 1's first
    // 64 lines, and 1 holds c, the other such chain, among them: it must still be read for d.
    const d = dir('late-chain-begins-none-2', {
      '1.jsonl': Array.from({ length: 63 }, (_, i) => ev('a', i)).join('') + ev('c', 0) + ev('d', 1),
      '2.jsonl': ev('b', 0) + ev('b', 1) + ev('d', 0),
    });
    expect(names(await orderSources((await resolveSources([d])).sources, 1 << 20))).toEqual(['2.jsonl', '1.jsonl']);
  });

  it('finds a chain past the first 64 lines by the envelope\'s chain member, not one nested in an unknown member before it (found by mutation testing: an honest log read with a false SEQ_REORDER)', async () => {
    // Unknown top-level members are allowed (SPEC.md §2); "annotations" sorts before "chain".
    const ev = (chain: string, seq: number): string => `${JSON.stringify({ annotations: { chain: 'upstream' }, chain, seq, v: 'sel.audit/1' })}\n`;
    const run = (chain: string, from: number, to: number): string => Array.from({ length: to - from }, (_, i) => ev(chain, from + i)).join('');
    const d = dir('late-chain-nested', { 'r.jsonl': run('fast', 0, 10), 'q.jsonl': run('fast', 10, 80) + run('slow', 0, 3), 'p.jsonl': run('slow', 3, 6) });
    expect(names(await orderSources((await resolveSources([d])).sources, 1 << 20))).toEqual(['r.jsonl', 'q.jsonl', 'p.jsonl']);
  });

  it('reads a file\'s first event on its last line without LF, the file\'s only line (from mutation testing)', async () => {
    const d = dir('torn-first', { 'a.jsonl': line(4).trimEnd(), 'b.jsonl': line(2) });
    expect(names(await orderSources((await resolveSources([d])).sources, 1 << 20))).toEqual(['b.jsonl', 'a.jsonl']);
    const e = dir('torn-first-2', { 'a.jsonl': line(1).trimEnd(), 'b.jsonl': line(2) });
    expect(names(await orderSources((await resolveSources([e])).sources, 1 << 20))).toEqual(['a.jsonl', 'b.jsonl']);
  });

  it('reads a first line of exactly --max-line-bytes for its seq, and not one longer', async () => {
    const event = `{"seq":7,"pad":"${'x'.repeat(40)}"}`;
    // A line too long is not an event, even where its first bytes would parse as one.
    const d = dir('limit', { 'a.jsonl': `{"seq":1}${' '.repeat(event.length)}\n${line(9)}`, 'b.jsonl': `${event}\n` });
    const files = (await resolveSources([d])).sources;
    expect(names(await orderSources(files, event.length))).toEqual(['b.jsonl', 'a.jsonl']);
  });
});

describe('orderSources: where a file\'s first event is looked for (from mutation testing)', () => {
  const order = async (name: string, files: Record<string, string>, max = 1 << 20) => names(await orderSources((await resolveSources([dir(name, files)])).sources, max));
  it('looks at a file\'s first 64 lines, not 63 nor 65', async () => {
    const junk = (n: number): string => 'not an event\n'.repeat(n);
    // b's first event is its 64th line: it orders b; a's is its 65th: a has none, and goes last.
    expect(await order('first-64', { 'a.jsonl': junk(64) + line(0), 'b.jsonl': junk(63) + line(1), 'c.jsonl': line(2) })).toEqual(['b.jsonl', 'c.jsonl', 'a.jsonl']);
  });
  it('looks past a first line longer than one read (64 KiB), within the first MiB', async () => {
    expect(await order('first-far', { 'a.jsonl': `${'x'.repeat(100_000)}\n${line(0)}`, 'b.jsonl': line(1) })).toEqual(['a.jsonl', 'b.jsonl']);
  });
  it('takes a last line without LF of exactly --max-line-bytes for the first event, not one longer', async () => {
    const event = JSON.stringify({ v: 'sel.audit/1', chain: 'c', seq: 0, pad: 'x'.repeat(20) });
    expect(await order('torn-limit', { 'a.jsonl': event, 'b.jsonl': line(1) }, event.length)).toEqual(['a.jsonl', 'b.jsonl']);
    expect(await order('torn-over', { 'a.jsonl': event, 'b.jsonl': line(1) }, event.length - 1)).toEqual(['b.jsonl', 'a.jsonl']);
  });
  it('takes no negative seq, and nothing before a byte-order mark that is not one, for a first event', async () => {
    expect(await order('negative', { 'a.jsonl': '{"seq":-1}\n', 'b.jsonl': line(0) })).toEqual(['b.jsonl', 'a.jsonl']);
    expect(await order('not-bom', { 'a.jsonl': `\u00fe\u00bb\u00bf${line(0)}`, 'b.jsonl': line(1) })).toEqual(['b.jsonl', 'a.jsonl']);
    // Its first two bytes and then another (from mutation testing): not a byte-order mark either.
    expect(names(await orderSources((await resolveSources([dir('not-bom-3', { 'a.jsonl': Buffer.concat([Buffer.from([0xef, 0xbb, 0x20]), Buffer.from(line(0))]), 'b.jsonl': line(1) })])).sources, 1 << 20))).toEqual(['b.jsonl', 'a.jsonl']);
  });
});

describe('envelopeSeq (the file order reads the lines after a file\'s first event without parsing them)', () => {
  const w = new ChainWriter('prod-agents');
  // Some with a nested seq and a value that holds the keys' text.
  const events = Array.from({ length: 40 }, (_, i) => w.append(sampleInput(i, i % 5 === 0 ? { request: { seq: 9, note: 'a "chain":"x" and ,"seq":9 in a value', z: { chain: 'y' } } } : {})).line);
  it('reads the chain and seq of every canonical event, as parsing it does', () => {
    for (const line of events) {
      const b = Buffer.from(line);
      expect(envelopeSeq(b)).not.toBeNull();
      expect(envelopeSeq(b)).toEqual(eventOf(b));
    }
  });
  it('leaves to the parser a line whose seq has more than 15 digits, whose chain holds an escape, with a second chain before its seq or after its ts, or a seq with a leading zero (from mutation testing)', () => {
    const envelope = (chain: string, seq: string): Buffer => Buffer.from(`{"actor":{"id":"a","zone":"z"},"chain":${chain},"seq":${seq},"ts":"t","v":"sel.audit/1"}`);
    // 2^53 + 1 is no safe integer (parsing takes no seq from it); JSON.parse takes the last chain, and reads the escape.
    const cases: [Buffer, { seq: number; chain: string } | null][] = [
      [envelope('"c"', '9007199254740993'), null],
      [envelope('"c"', '1000000000000000'), { seq: 1000000000000000, chain: 'c' }],
      [envelope('"c\\u0041"', '1'), { seq: 1, chain: 'cA' }],
      [envelope('"c","chain":"d"', '1'), { seq: 1, chain: 'd' }],
      // (From mutation testing, second pass.) A leading zero is no JSON number; a member between
      // ts and v may be a second chain, which JSON.parse takes.
      [envelope('"c"', '05'), null],
      [Buffer.from('{"actor":{"id":"a","zone":"z"},"chain":"c","seq":1,"ts":"t","chain":"d","v":"sel.audit/1"}'), { seq: 1, chain: 'd' }],
    ];
    for (const [b, parsed] of cases) {
      expect(envelopeSeq(b), b.toString()).toBeNull();
      expect(eventOf(b), b.toString()).toEqual(parsed);
    }
  });
  it('never reads another chain or seq than parsing the line gives: a line changed anywhere, or cut, is read as parsing reads it, or left to the parser (one no longer JSON may still be read: it only orders files, and its line is reported)', () => {
    const bytes = fc.constantFrom(...'0123456789",:{}\\ seqchaintv.-'.split('').map((c) => c.charCodeAt(0)), 0x00, 0xff);
    fc.assert(fc.property(fc.constantFrom(...events), fc.nat(), bytes, fc.boolean(), (line, at, byte, cut) => {
      const b = Buffer.from(line);
      const i = at % b.length;
      const changed = cut ? b.subarray(0, i) : Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i + 1)]);
      const quick = envelopeSeq(changed);
      const parsed = eventOf(changed);
      if (quick !== null && parsed !== null) expect(quick).toEqual(parsed);
    }), { numRuns: 3000 });
  });
});
