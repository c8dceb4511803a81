// `sel import`: another system's export (one JSON document) to the JSONL log sel verify reads
// (src/ingest/import.ts). The real CLI on real files; the property in process.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/canonical/jcs.js';
import { importRecords } from '../../src/ingest/import.js';
import { importAgrees } from '../fuzz/import.js';
import { CLI, expectOneSentence, sel } from '../helpers/cli.js';

/**
 * The heap's live size, after a full collection (V8's gc, exposed here): a bound on what the
 * import holds must not count garbage the collector has not come to yet. heapUsed alone was
 * 15-35 MB over the case of a long number, and 61.6 MB once in a loaded CI run.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

const dir = mkdtempSync(join(tmpdir(), 'sel-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = join(import.meta.dirname, '..', '..');
const sampleLog = readFileSync(join(root, 'ledger-samples', 'logs', 'clean', 'audit.jsonl'), 'utf8');
const sampleEvents = sampleLog.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

/** `v` with every object's keys in reverse order: as another system may write them. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reversed((v as Record<string, unknown>)[k])]));
}

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Verifies `log` (text) on standard input, as `sel import … | sel verify -`. */
function verifyText(log: string): { status: number | null; codes: string[] } {
  const r = sel(['verify', '-', '--format', 'json'], { input: log });
  const out = JSON.parse(r.stdout) as { findings: { code: string; location: { line: number } }[] };
  return { status: r.status, codes: out.findings.map((f) => `${f.code}@${f.location.line}`) };
}

describe('sel import', () => {
  it('writes a pretty-printed array of events, in any key order, as the log they came from, byte for byte', () => {
    const exported = file('export.json', `${JSON.stringify(sampleEvents.map(reversed), null, 2)}\n`);
    const r = sel(['import', exported]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(sampleLog);
    expect(verifyText(r.stdout)).toEqual({ status: 0, codes: [] });
    // Standard input too, and a byte order mark before the document.
    expect(sel(['import', '-'], { input: `\ufeff${JSON.stringify(sampleEvents)}` }).stdout).toBe(sampleLog);
  });

  it('takes the array from a member of an object (CloudTrail\'s {"Records": [...]}), whatever the other members hold', () => {
    const doc = { meta: { exported: '2026-11-02', nested: [[{ Records: 1 }], { a: [] }] }, Records: sampleEvents, count: sampleEvents.length };
    const exported = file('records.json', JSON.stringify(doc, null, 1));
    const r = sel(['import', exported, '--records', 'Records']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(sampleLog);
    const without = sel(['import', exported]);
    expect(expectOneSentence(without)).toContain('name the member that holds them with --records');
    expect(sel(['import', exported, '--records', 'Events']).stderr).toContain('the document has no member "Events"');
    const twice = file('records-twice.json', `{"Records":[],"Records":${JSON.stringify(sampleEvents)}}`);
    expect(expectOneSentence(sel(['import', twice, '--records', 'Records']))).toContain('has the member "Records" twice');
    const scalar = file('records-scalar.json', '{"Records":"none"}');
    expect(expectOneSentence(sel(['import', scalar, '--records', 'Records']))).toContain('is not an array of events');
  });

  it('writes an event parsers read two ways, or too deep or too long, as a line sel verify reports, in its place, and goes on (exit 1)', () => {
    const [a, b] = sampleLog.split('\n');
    const doc = `[${a}, {"tool":"git","tool":"shell.exec"}, {"n":9007199254740993}, {"s":"\\ud800"}, ${'['.repeat(200)}${']'.repeat(200)}, {"long":"${'x'.repeat(5000)}"}, 5, ${b}]`;
    const r = sel(['import', file('hostile.json', doc), '--max-line-bytes', '4096']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('sel import: 5 of 8 events could not be imported as they are; each is a line that says why, which sel verify reports\n');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(a);
    expect(lines[7]).toBe(b);
    expect(lines[1]).toBe('sel import: element 2 of the array is not imported: duplicate key (parsers may read it differently, or JCS cannot write it)');
    expect(lines[2]).toContain('integer precision loss');
    expect(lines[3]).toContain('lone surrogate');
    expect(lines[4]).toBe('sel import: element 5 of the array is not imported: it nests arrays and objects deeper than --max-depth (128 levels)');
    expect(lines[5]).toBe('sel import: element 6 of the array is longer than 4096 characters as JSON text (--max-line-bytes); it is not imported');
    expect(lines[6]).toBe('5');
    // In bytes of the line, as sel verify counts: 1 500 characters of é are 3 000 bytes.
    const wide = sel(['import', '-', '--max-line-bytes', '2048'], { input: `[{"s":"${'é'.repeat(1500)}"}]` });
    expect(wide.status).toBe(1);
    expect(wide.stdout).toBe('sel import: element 1 of the array is longer than 2048 bytes as its canonical line (--max-line-bytes); it is not imported\n');
    const v = verifyText(r.stdout);
    expect(v.status).toBe(1);
    expect(v.codes).toEqual(['LINE_INVALID_JSON@2', 'LINE_INVALID_JSON@3', 'LINE_INVALID_JSON@4', 'LINE_INVALID_JSON@5', 'LINE_INVALID_JSON@6', 'EVENT_SCHEMA@7']);
  });

  it('a document it cannot read to its end is exit 2, one sentence, and its output ends with a line sel verify reports (a pipe without pipefail still fails)', () => {
    const [a] = sampleLog.split('\n');
    const cases: [string, string | Buffer, string][] = [
      ['truncated.json', `[${a}, {"kind":`, 'the document ends before its array does'],
      ['not-utf8.json', Buffer.concat([Buffer.from(`[${a}, {"s":"`), Buffer.from([0xff]), Buffer.from('"}]')]), 'the document is not UTF-8'],
      ['trailing.json', `[${a}] [${a}]`, 'it is not JSON'],
      ['scalar.json', '"events"', 'the document is not an array of events'],
      ['no-close.json', `[${a}`, 'the document ends before its array does'],
      // White space to stream-json (its patterns use \s), not to JSON: not imported as JSON.
      ['form-feed.json', `[${a},\f${a}]`, 'it is not JSON (U+000C outside a string'],
      ['vertical-tab.json', `[\v${a}]`, 'it is not JSON (U+000B outside a string'],
      ['no-break-space.json', `[${a},\u00a0${a}]`, 'it is not JSON (U+00A0 outside a string'],
      ['bom-within.json', `\ufeff[${a}]\ufeff`, 'it is not JSON (U+FEFF outside a string'],
      ['line-separator.json', `[${a}\u2028]`, 'it is not JSON (U+2028 outside a string'],
    ];
    for (const [name, text, why] of cases) {
      const r = sel(['import', file(name, text)]);
      expect(expectOneSentence(r), name).toContain(why);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[lines.length - 1], name).toMatch(/^sel import: the document cannot be read on: .*; nothing after this line was imported$/);
      expect(verifyText(r.stdout).status, name).toBe(1);
    }
  });

  it('writes every element before the break of a broken document, however slow its reader and wherever the break falls in a read', async () => {
    // Three hundred events (~190 KB) and then the damage, in one read: the events just before
    // the damage may be the ones that matter. Before, tokens waiting for a slow reader when the
    // document broke were dropped, and so was the read that held a byte that is not UTF-8.
    const events = Array.from({ length: 300 }, (_, i) => sampleLog.split('\n')[i % 3]!);
    const head = `[${events.join(',\n')}`;
    const cases: [string, Buffer, string][] = [
      ['bad UTF-8', Buffer.concat([Buffer.from(`${head},\n{"s":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]), `the document is not UTF-8 (at byte ${Buffer.byteLength(`${head},\n{"s":"`)})`],
      ['an overlong form', Buffer.concat([Buffer.from(`${head},\n{"s":"`), Buffer.from([0xe0, 0x80, 0xaf]), Buffer.from('"}]')]), `the document is not UTF-8 (at byte ${Buffer.byteLength(`${head},\n{"s":"`)})`],
      ['not JSON', Buffer.from(`${head},\n{"s":1,,}]`), 'it is not JSON ('],
      ['two commas', Buffer.from(`${head},,{"s":1}]`), 'it is not JSON ('],
      ['a stray character', Buffer.from(`${head}\f]`), 'it is not JSON (U+000C outside a string'],
      ['an end inside a character', Buffer.concat([Buffer.from(head), Buffer.from([0xe2, 0x82])]), `the document is not UTF-8 (at byte ${Buffer.byteLength(head)})`],
    ];
    for (const [name, doc, why] of cases) {
      for (const reads of [[doc], [doc.subarray(0, 7000), doc.subarray(7000)]]) {
        let out = '';
        const slow = (t: string): Promise<void> => new Promise((resolve) => setTimeout(() => resolve(void (out += t)), 5));
        const r = await importRecords(Readable.from(reads), slow, { records: null, maxChars: 1 << 20 });
        expect(r.failure, name).toContain(why);
        expect(r.events, name).toBe(300);
        const lines = out.trimEnd().split('\n');
        expect(lines.slice(0, 300), name).toEqual(events);
        expect(lines.slice(300), name).toEqual([`sel import: the document cannot be read on: ${r.failure}; nothing after this line was imported`]);
      }
    }
  });

  it('writes an element that is a string, number or literal before a break just after it, as it does an object', async () => {
    // The text was cut for the tokenizer only after a closing bracket or a comma, and the piece
    // it throws on gives no token: `[{"a":1}{` wrote {"a":1}, but `["a","b" x]` lost "b". A
    // number that two reads cut was given by the tokenizer only at the next comma or bracket,
    // not at the white space after it: a read that ends in one now leaves it to the next.
    const cases: [string, string | null, string[]][] = [
      ['["a","b" x]', null, ['"a"', '"b"']],
      ['["a","b"x]', null, ['"a"', '"b"']],
      ['[true, null\t"x"]', null, ['true', 'null']],
      ['[1, 2 x]', null, ['1', '2']],
      // (From mutation testing.) No white space after the comma: the number still starts there.
      ['[1,23 x]', null, ['1', '23']],
      ['[1, 23\n{}]', null, ['1', '23']],
      ['[-1.5e3 , 7 \r\n x]', null, ['-1500', '7']],
      ['{"Records":[1, "s" 3]}', 'Records', ['1', '"s"']],
      ['{"Records":[12, 345 x]}', 'Records', ['12', '345']],
    ];
    for (const [doc, records, expected] of cases) {
      // Whole, a character a read, and cut once at every place.
      const splits = [[doc], [...doc], ...[...doc].map((_, k) => [doc.slice(0, k), doc.slice(k)])];
      for (const reads of splits) {
        let out = '';
        const r = await importRecords(Readable.from(reads.map((s) => Buffer.from(s))), async (t) => void (out += t), { records, maxChars: 4096 });
        expect(r.failure, doc).toContain('it is not JSON');
        expect(out.trimEnd().split('\n'), doc).toEqual([...expected, `sel import: the document cannot be read on: ${r.failure}; nothing after this line was imported`]);
      }
    }
  });

  it('says in one sentence why a document could not be read to its end: a read that fails, an end before the array\'s', () => {
    if (process.platform === 'linux') {
      // Reading a process's own memory from address 0 fails (EIO), after the file opened.
      const r = sel(['import', '/proc/self/mem']);
      expect(expectOneSentence(r)).toBe('sel: cannot import /proc/self/mem to its end: it could not be read (an I/O error occurred) (after 0 events)');
      expect(r.stdout).toBe('sel import: the document cannot be read on: it could not be read (an I/O error occurred); nothing after this line was imported\n');
    }
    const [a] = sampleLog.split('\n');
    const cut = sel(['import', '-'], { input: `[${a}` });
    expect(expectOneSentence(cut)).toBe('sel: cannot import standard input to its end: the document ends before its array does, or is not JSON at its end (after 1 event)');
    expect(cut.stdout).toBe(`${a}\nsel import: the document cannot be read on: the document ends before its array does, or is not JSON at its end; nothing after this line was imported\n`);
    // What the tokenizer holds back for more (a literal begun) and is not JSON breaks at the end
    // as a cut document does: the sentence names both, never only the cut.
    for (const end of ['tru]']) {
      const bad = sel(['import', '-'], { input: `[${a},${end}` });
      expect(expectOneSentence(bad), end).toBe('sel: cannot import standard input to its end: the document ends before its array does, or is not JSON at its end (after 1 event)');
    }
  });

  it('names a control character written raw in a string, or an escape JSON does not have, wherever it is in the document (found by review)', async () => {
    // Before, the tokenizer's words: "escaped characters" of a raw tab mid-document, and at its
    // end "the document ends before its array does", of a document that ends where it should.
    const cases = [
      ['"a\tb"', 'U+0009 in a string, which JSON allows only escaped'],
      ['{"k":"a\u0000b"}', 'U+0000 in a string, which JSON allows only escaped'],
      ['{"k\u001f":1}', 'U+001F in a string, which JSON allows only escaped'],
      ['"\\v"', 'a backslash before U+0076 in a string, which is not an escape JSON has'],
      ['{"k":"\\x41"}', 'a backslash before U+0078 in a string, which is not an escape JSON has'],
      ['"\\\u00e9"', 'a backslash before U+00E9 in a string, which is not an escape JSON has'],
    ] as const;
    for (const [bad, why] of cases) {
      for (const after of ['', ',{"a":2},{"a":3}']) {
        const doc = `[{"a":1},${bad}${after}]`;
        // In one read, and a byte at a time (the escape's backslash and what follows it in two reads).
        for (const reads of [[Buffer.from(doc)], [...Buffer.from(doc)].map((b) => Buffer.from([b]))]) {
          let out = '';
          const r = await importRecords(Readable.from(reads), async (t) => void (out += t), { records: null, maxChars: 4096 });
          expect(r, doc).toEqual({ events: 1, refused: 0, failure: `it is not JSON (${why})` });
          expect(out).toBe(`{"a":1}\nsel import: the document cannot be read on: it is not JSON (${why}); nothing after this line was imported\n`);
        }
      }
    }
    // The CLI's sentence says so too; the escapes JSON has are read as before.
    const [a] = sampleLog.split('\n');
    expect(expectOneSentence(sel(['import', '-'], { input: `[${a},"a\tb"]` }))).toBe('sel: cannot import standard input to its end: it is not JSON (U+0009 in a string, which JSON allows only escaped) (after 1 event)');
    expect(sel(['import', '-'], { input: '["\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041"]' }).stdout).toBe('"\\"\\\\/\\b\\f\\n\\r\\tA"\n');
  });

  it('refuses an element whose string is longer escaped than V8 can hold, and goes on: the output still says what was not imported (found by review)', async () => {
    // V8 holds no string past ~512 MiB, and JSON.stringify writes U+0001 as 6 characters: with
    // --max-line-bytes 100000000, 90 million of them (a 540 MB export) threw "Invalid string
    // length" out of the import, whose output then ended at the events already written, with no
    // line saying why, and `sel import … | sel verify -` passed. V8's limit is the same here at
    // 12 characters (a stand-in for 540 MB that a test can read).
    const stringify = JSON.stringify;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      const text = stringify(...args);
      if (text.length > 12) throw new RangeError('Invalid string length');
      return text;
    }) as typeof stringify;
    let out = '';
    let r;
    try {
      const doc = '[{"a":1},"\\u0001\\u0001",{"k\\u0001\\u0001":1},{"b":2}]';
      r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: null, maxChars: 4096 });
    } finally {
      JSON.stringify = stringify;
    }
    expect(r).toEqual({ events: 4, refused: 2, failure: null });
    expect(out.split('\n')).toEqual([
      '{"a":1}',
      'sel import: element 2 of the array is longer than 4096 characters as JSON text (--max-line-bytes); it is not imported',
      'sel import: element 3 of the array is longer than 4096 characters as JSON text (--max-line-bytes); it is not imported',
      '{"b":2}',
      '',
    ]);
  });

  it('refuses what is not a document to read, in one sentence (exit 2)', () => {
    expect(expectOneSentence(sel(['import', join(dir, 'nothing.json')]))).toBe(`sel: cannot read export ${join(dir, 'nothing.json')}: it does not exist`);
    expect(expectOneSentence(sel(['import', dir]))).toBe(`sel: cannot read export ${dir}: it is a directory`);
    expect(expectOneSentence(sel(['import', file('empty.json', '')]))).toContain('the document is empty');
    expect(expectOneSentence(sel(['import', '-'], { input: ' \n' }))).toContain('the document is empty');
    // A directory on standard input (`sel import - < dir`) is named as such (from mutation testing).
    const fd = openSync(dir, 'r');
    let r;
    try {
      r = spawnSync(process.execPath, [CLI, 'import', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
    } finally {
      closeSync(fd);
    }
    expect(expectOneSentence({ status: r.status, stdout: r.stdout, stderr: r.stderr })).toBe('sel: cannot read export on standard input (-): it is a directory');
  });

  it('refuses to write the log into the export it reads (`>> export.json`), and leaves the export as it was (found by review)', () => {
    // Before, the log was appended to the export: a small one was changed and the import passed,
    // a large one read its own lines back after the array's end.
    const text = `[${Array.from({ length: 3000 }, (_, i) => i).join(',')}]`;
    const exported = file('self.json', text);
    const cases: [string[], string, string][] = [
      [['import', exported], 'ignore', exported],
      [['import', '-'], 'export', 'standard input'],
    ];
    for (const [args, stdin, name] of cases) {
      const out = openSync(exported, 'a');
      const input = stdin === 'export' ? openSync(exported, 'r') : 'ignore';
      let r;
      try {
        r = spawnSync(process.execPath, [CLI, ...args], { stdio: [input, out, 'pipe'], encoding: 'utf8' });
      } finally {
        closeSync(out);
        if (typeof input === 'number') closeSync(input);
      }
      expect(expectOneSentence({ status: r.status, stdout: '', stderr: r.stderr }), name).toBe(`sel: cannot import ${name}: standard output is the export itself, which the log would be written into as it is read; write the log to another file`);
      expect(readFileSync(exported, 'utf8'), name).toBe(text);
    }
    // Another file, or a pipe, is written as before.
    const other = join(dir, 'self.jsonl');
    const out = openSync(other, 'w');
    try {
      expect(spawnSync(process.execPath, [CLI, 'import', exported], { stdio: ['ignore', out, 'pipe'] }).status).toBe(0);
    } finally {
      closeSync(out);
    }
    expect(readFileSync(other, 'utf8')).toBe(`${Array.from({ length: 3000 }, (_, i) => i).join('\n')}\n`);
  });

  it('holds no more of a long value than --max-line-bytes, in a member it skips or in an element (constant memory)', async () => {
    // stream-json packed each key, string and number whole: a 600 MiB string in a member not read
    // took 770 MB, and past V8's longest string what it threw was reported as "not UTF-8".
    let peak = 0;
    function* doc(head: string, fill: string, tail: string): Generator<Buffer> {
      const mib = Buffer.alloc(1 << 20, fill);
      yield Buffer.from(head);
      for (let i = 0; i < 96; i++) {
        // What is held grows with the value when it is held whole: every 8 MiB is enough to see it.
        if (i % 8 === 7) peak = Math.max(peak, liveHeap());
        yield mib;
      }
      yield Buffer.from(tail);
    }
    const cases: [string, string, string, string | null, object][] = [
      ['{"meta":"', 'x', '","Records":[{"a":1}]}', 'Records', { events: 1, refused: 0, failure: null }],
      ['{"', 'x', '":1,"Records":[{"a":1}]}', 'Records', { events: 1, refused: 0, failure: null }],
      ['[{"s":"', 'x', '"},{"a":1}]', null, { events: 2, refused: 1, failure: null }],
      ['[{"n":1', '1', '},{"a":1}]', null, { events: 2, refused: 1, failure: null }],
    ];
    for (const [head, fill, tail, records, expected] of cases) {
      const before = liveHeap();
      peak = before;
      let out = '';
      const r = await importRecords(Readable.from(doc(head, fill, tail)), async (t) => void (out += t), { records, maxChars: 4096 });
      expect(r, head).toEqual(expected);
      expect(out.endsWith('{"a":1}\n'), head).toBe(true);
      expect(peak - before, head).toBeLessThan(16 << 20);
    }
  }, 60_000);

  it('holds no more than a bounded depth of nesting: a long run of [ or { ends the document, in an element or in a member it skips', async () => {
    // The tokenizer keeps a stack entry per open array or object, and so did the element being
    // read: 16 MiB of `[` took ~400 MB, 64 MiB ~2.8 GB (found by review), past the heap on a
    // larger export, where only the depth past --max-depth was ever needed to refuse it.
    let peak = 0;
    let reads = 0;
    function* doc(head: string, fill: string): Generator<Buffer> {
      const mib = Buffer.alloc(1 << 20, fill);
      yield Buffer.from(head);
      for (let i = 0; i < 16; i++) {
        reads++;
        peak = Math.max(peak, liveHeap());
        yield mib;
      }
      yield Buffer.from(']');
    }
    const cases: [string, string, string | null, number][] = [
      ['[{"a":1},', '[', null, 1],
      ['{"meta":', '[', 'Records', 0],
      ['{"Records":[{"a":1},', '[', 'Records', 1],
    ];
    for (const [head, fill, records, events] of cases) {
      const before = liveHeap();
      peak = before;
      reads = 0;
      let out = '';
      const r = await importRecords(Readable.from(doc(head, fill)), async (t) => void (out += t), { records, maxChars: 4096 });
      expect(peak - before, head).toBeLessThan(16 << 20);
      expect(reads, head).toBe(1);
      expect(r.failure, head).toBe('it nests arrays and objects deeper than 65536 levels');
      expect(r.events, head).toBe(events);
      expect(out, head).toBe(`${'{"a":1}\n'.repeat(events)}sel import: the document cannot be read on: ${r.failure}; nothing after this line was imported\n`);
    }
  }, 60_000);

  it('reads characters of every length, and a byte order mark, wherever the reads cut them', async () => {
    // (From mutation testing.) A read that ends inside a character leaves it to the next: a
    // 4-byte one (F0 lead) cut after 3 bytes, a byte order mark cut before its last byte.
    const doc = Buffer.from('\ufeff[{"s":"é€😂\u{10ffff}"}, "😂"]');
    const splits = [[...doc].map((x) => Buffer.from([x])), ...[...doc].map((_, k) => [doc.subarray(0, k), doc.subarray(k)])];
    for (const reads of splits) {
      let out = '';
      const r = await importRecords(Readable.from(reads), async (t) => void (out += t), { records: null, maxChars: 4096 });
      expect(r, reads.map((x) => x.length).join(',')).toEqual({ events: 2, refused: 0, failure: null });
      expect(out).toBe('{"s":"é€😂\u{10ffff}"}\n"😂"\n');
    }
  });

  it('bounds an element at --max-line-bytes: its JSON text as the tokens write it (brackets, commas and colons, not white space), and its canonical line in bytes', async () => {
    // (From mutation testing: no case at the bound.) Exactly the limit is imported, one more is not.
    const one = async (doc: string, maxChars: number): Promise<string> => {
      let out = '';
      await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: null, maxChars });
      return out;
    };
    // 23 characters as JSON text; its canonical line, {"a":1,"b":[1,2]}, is shorter.
    const spaced = '[ {"a" : 1.0 , "b" : [ 1.0 , 2.0 ] } ]';
    expect(await one(spaced, 23)).toBe('{"a":1,"b":[1,2]}\n');
    expect(await one(spaced, 22)).toBe('sel import: element 1 of the array is longer than 22 characters as JSON text (--max-line-bytes); it is not imported\n');
    expect(await one('[{"a":1}]', 7)).toBe('{"a":1}\n');
    expect(await one('[{"a":1}]', 6)).toBe('sel import: element 1 of the array is longer than 6 characters as JSON text (--max-line-bytes); it is not imported\n');
    // Canonical lines longer than the text: 1E21 is 1e+21; "é" is 3 characters and 4 bytes.
    expect(await one('[1E21]', 5)).toBe('1e+21\n');
    expect(await one('[1E21]', 4)).toBe('sel import: element 1 of the array is longer than 4 bytes as its canonical line (--max-line-bytes); it is not imported\n');
    expect(await one('["é"]', 4)).toBe('"é"\n');
    expect(await one('["é"]', 3)).toBe('sel import: element 1 of the array is longer than 3 bytes as its canonical line (--max-line-bytes); it is not imported\n');
    // Literals count as written (17 characters): none is held past the bound, which the canonical line alone would not say.
    expect(await one('[[true, null, false]]', 17)).toBe('[true,null,false]\n');
    expect(await one('[[true, null, false]]', 16)).toBe('sel import: element 1 of the array is longer than 16 characters as JSON text (--max-line-bytes); it is not imported\n');
  });

  it('finds the --records member whatever --max-line-bytes is: the bound is on events, not on the member\'s name', async () => {
    // (From mutation testing.) A name of 7 characters, a limit of 7, and of 4.
    for (const maxChars of [4, 7]) {
      let out = '';
      const r = await importRecords(Readable.from([Buffer.from('{"Records":[1]}')]), async (t) => void (out += t), { records: 'Records', maxChars });
      expect(r, String(maxChars)).toEqual({ events: 1, refused: 0, failure: null });
      expect(out).toBe('1\n');
    }
  });

  it('refuses U+007F outside a string itself, as it does any character JSON does not allow there', async () => {
    // (From mutation testing.)
    const r = await importRecords(Readable.from([Buffer.from('[1, 2\x7f]')]), async () => undefined, { records: null, maxChars: 4096 });
    expect(r.failure).toBe('it is not JSON (U+007F outside a string, which JSON does not allow there)');
  });

  it('reads an element nested exactly as deep as the document may nest, and refuses it alone (too deep), going on; one level more ends the document', async () => {
    // (From mutation testing.) 65 536 levels in all, the array's own included: not past the limit.
    const depth = 1 << 16;
    let out = '';
    const doc = `[${'['.repeat(depth - 1)}${']'.repeat(depth - 1)},1]`;
    const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: null, maxChars: 1 << 20 });
    expect(r).toEqual({ events: 2, refused: 1, failure: null });
    expect(out).toBe('sel import: element 1 of the array is not imported: it nests arrays and objects deeper than --max-depth (128 levels)\n1\n');
    // One level more is past it (from mutation testing, second pass: only far past it was tried).
    out = '';
    const over = await importRecords(Readable.from([Buffer.from(`[1,${'['.repeat(depth)}${']'.repeat(depth)}]`)]), async (t) => void (out += t), { records: null, maxChars: 1 << 20 });
    expect(over).toEqual({ events: 1, refused: 0, failure: 'it nests arrays and objects deeper than 65536 levels' });
    expect(out).toBe('1\nsel import: the document cannot be read on: it nests arrays and objects deeper than 65536 levels; nothing after this line was imported\n');
  });

  it('skips a member before --records whatever it nests, a member of that name inside it included', async () => {
    // (From mutation testing: in process, only the CLI's case covered it.)
    let out = '';
    const doc = '{"meta":{"a":[1,{"Records":[2]}],"b":{}},"Records":[3],"count":{"c":[[]]}}';
    const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: 'Records', maxChars: 4096 });
    expect(r).toEqual({ events: 1, refused: 0, failure: null });
    expect(out).toBe('3\n');
  });

  it('imports what JSON.parse reads as scanStrict and JCS say, and of any other document every element before the damage, however the reads are cut (property)', async () => {
    // The long run (npm run fuzz) runs the same property with many more cases.
    await fc.assert(importAgrees, { numRuns: 400, seed: 20261203 });
  });

  it('writes each element as its canonical form, whatever the export\'s spacing and key order (property)', async () => {
    // Objects without duplicate keys, integers in range, no lone surrogates: what JSON.parse and
    // JCS agree on, so the line is canonicalize of the element.
    const value = fc.jsonValue({ maxDepth: 4 }).filter((v) => {
      try {
        canonicalize(v);
        return !JSON.stringify(v).includes('-0');
      } catch {
        return false;
      }
    });
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 6 }), fc.integer({ min: 0, max: 3 }), async (values, indent) => {
        const doc = JSON.stringify(values.map(reversed), null, indent);
        let out = '';
        const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: null, maxChars: 1 << 20 });
        expect(r).toEqual({ events: values.length, refused: 0, failure: null });
        expect(out).toBe(values.map((v) => `${canonicalize(v)}\n`).join(''));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an element with a key longer than --max-line-bytes as too long, and skips a member of the top object whose name is that long (from mutation testing)', async () => {
    const run = async (doc: string, records: string | null): Promise<[unknown, string]> => {
      let out = '';
      const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records, maxChars: 64 });
      return [r, out];
    };
    const key = 'k'.repeat(100);
    expect(await run(`[{"${key}":1},{"a":1}]`, null)).toEqual([
      { events: 2, refused: 1, failure: null },
      'sel import: element 1 of the array is longer than 64 characters as JSON text (--max-line-bytes); it is not imported\n{"a":1}\n',
    ]);
    // A top-level member's name past the bound is not the --records member, whatever it is.
    expect(await run(`{"${key}":[1],"Records":[2]}`, 'Records')).toEqual([{ events: 1, refused: 0, failure: null }, '2\n']);
    expect(await run(`{"${key}":[1]}`, 'Records')).toEqual([
      { events: 0, refused: 0, failure: 'the document has no member "Records"' },
      'sel import: the document cannot be read on: the document has no member "Records"; nothing after this line was imported\n',
    ]);
  });

  it('in process too: refuses a --records member that is not an array, or named twice, and a document without it (from mutation testing)', async () => {
    const run = async (doc: string): Promise<[unknown, string]> => {
      let out = '';
      const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: 'Records', maxChars: 4096 });
      return [r, out];
    };
    const tail = (why: string): string => `sel import: the document cannot be read on: ${why}; nothing after this line was imported\n`;
    expect(await run('{"Records":[1],"Records":[2]}')).toEqual([{ events: 1, refused: 0, failure: 'the document has the member "Records" twice' }, `1\n${tail('the document has the member "Records" twice')}`]);
    expect(await run('{"Records":{"a":[1]}}')).toEqual([{ events: 0, refused: 0, failure: 'the member "Records" is not an array of events' }, tail('the member "Records" is not an array of events')]);
    expect(await run('{"records":[1]}')).toEqual([{ events: 0, refused: 0, failure: 'the document has no member "Records"' }, tail('the document has no member "Records"')]);
    expect(await run('[1]')).toEqual([{ events: 0, refused: 0, failure: 'the document is not an object with a member "Records"' }, tail('the document is not an object with a member "Records"')]);
    // A document that is not that object is not read on, whatever it holds further in (the
    // tokens after the failure in the same piece of text would make it an object with the member).
    expect(await run('[[{"Records":[1]}]]')).toEqual([{ events: 0, refused: 0, failure: 'the document is not an object with a member "Records"' }, tail('the document is not an object with a member "Records"')]);
    // Without --records, an object is not the array, even one that holds events.
    let out = '';
    const r = await importRecords(Readable.from([Buffer.from('{"Records":[1]}')]), async (t) => void (out += t), { records: null, maxChars: 4096 });
    expect(r.failure).toContain('the document is an object, not an array of events');
    expect(out).toBe(tail(r.failure!));
  });

  it('says an element refused for its depth is past --max-depth, which the user can raise, not that parsers read it two ways (found by review)', () => {
    // The element is plain JSON that every parser reads alike and JCS writes: only the limit refuses it.
    const r = sel(['import', '-', '--max-depth', '3'], { input: '[{"a":{"b":[[1]]}}]' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('sel import: element 1 of the array is not imported: it nests arrays and objects deeper than --max-depth (3 levels)\n');
    expect(r.stdout).not.toContain('parsers may read it differently');
  });

  it('refuses an element nested deeper than --max-depth alone, and takes --max-depth up to 2000 only (from mutation testing)', () => {
    // Three levels are --max-depth 3; four are one too many. The default (128) takes both.
    const doc = '[{"a":{"b":[1]}}, {"a":{"b":[[1]]}}, [[[1]]]]';
    const r = sel(['import', '-', '--max-depth', '3'], { input: doc });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('{"a":{"b":[1]}}\nsel import: element 2 of the array is not imported: it nests arrays and objects deeper than --max-depth (3 levels)\n[[[1]]]\n');
    expect(sel(['import', '-'], { input: doc }).stdout).toBe('{"a":{"b":[1]}}\n{"a":{"b":[[1]]}}\n[[[1]]]\n');
    expect(sel(['import', '-', '--max-depth', '2000'], { input: '[1]' }).status).toBe(0);
    expect(expectOneSentence(sel(['import', '-', '--max-depth', '2001'], { input: '[1]' }))).toContain('--max-depth must be between 1 and 2000');
    expect(expectOneSentence(sel(['import', '-', '--max-line-bytes', '0'], { input: '[1]' }))).toContain('--max-line-bytes must be between 1 and');
  });

  it('ends at once with status 0 when its reader stops early (`| head`), refused elements later in the export included (from mutation testing)', () => {
    // 2 MB of output: far more than a pipe holds, so the import writes after head has gone.
    const exported = file('head.json', `[${'1,'.repeat(1 << 20)}{"a":1,"a":2}]`);
    const r = spawnSync('bash', ['-c', `"$0" "$1" import "$2" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`, process.execPath, CLI, exported], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0\n');
    // Read to its end, the same export is exit 1.
    expect(sel(['import', exported]).status).toBe(1);
  });

  it('says why a read failed in one line of the output, whatever the error\'s own text holds (from mutation testing)', async () => {
    // A reader's error text may hold line breaks: a line after one could be taken for an event.
    async function* reads(): AsyncGenerator<Buffer> {
      yield Buffer.from('[1,');
      throw new Error('bad read\r\n{"v":"sel.audit/1"}\n');
    }
    let out = '';
    const r = await importRecords(reads(), async (t) => void (out += t), { records: null, maxChars: 4096 });
    expect(r.events).toBe(1);
    expect(out).toBe('1\nsel import: the document cannot be read on: it could not be read (bad read  {"v":"sel.audit/1"} ); nothing after this line was imported\n');
  });

  it('reports the first damage of a broken document, not one after it in the same read (from mutation testing)', async () => {
    // `1 2` is not JSON (no comma) before the stray character, or the run of brackets, after it.
    for (const doc of ['[0, 1 2\f]', `[0, 1 2${'['.repeat(1 << 16)}`]) {
      let out = '';
      const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: null, maxChars: 4096 });
      expect(r, doc.slice(0, 12)).toEqual({ events: 2, refused: 0, failure: "it is not JSON (Parser cannot parse input: expected ',')" });
      expect(out).toBe(`0\n1\nsel import: the document cannot be read on: ${r.failure}; nothing after this line was imported\n`);
    }
  });

  it('reports the first damage where a read, or the document, ends in a number or literal the tokenizer refuses, not the end nor a byte not UTF-8 after it (from mutation testing)', async () => {
    // `12x` ends the text: held back for the next read, it is given at the end as any text is,
    // and the tokenizer's word on it is the first damage; so where a byte not UTF-8 follows it.
    // So with a string begun after white space that the tokenizer does not take there: its
    // start is given before the control character or escape in it is refused.
    const cases: [Buffer, string | null][] = [
      [Buffer.from('[0, 12x'), null],
      [Buffer.concat([Buffer.from('[0, 12x'), Buffer.from([0xff]), Buffer.from(']')]), null],
      [Buffer.from('{"Records":[0, 12x'), 'Records'],
      [Buffer.from('[0 "a\tb"]'), null],
      [Buffer.from('[0 "\\v"]'), null],
    ];
    for (const [doc, records] of cases) {
      let out = '';
      const r = await importRecords(Readable.from([doc]), async (t) => void (out += t), { records, maxChars: 4096 });
      expect(r, doc.toString('latin1')).toEqual({ events: 1, refused: 0, failure: "it is not JSON (Parser cannot parse input: expected ',')" });
      expect(out).toBe(`0\nsel import: the document cannot be read on: ${r.failure}; nothing after this line was imported\n`);
    }
  });

  it('holds a number element of up to 64 Ki characters whole at the end of a read, and loses no character of a longer one over several reads (from mutation testing)', async () => {
    const run = async (reads: string[]): Promise<[unknown, string]> => {
      let out = '';
      const r = await importRecords(Readable.from(reads.map((x) => Buffer.from(x))), async (t) => void (out += t), { records: null, maxChars: 1 << 20 });
      return [r, out];
    };
    // 65 536 characters, held whole: the white space after it in the next read ends it before the damage.
    const [r, out] = await run([`[0.5${'0'.repeat((1 << 16) - 3)}`, ' x]']);
    expect(r).toEqual({ events: 1, refused: 0, failure: "it is not JSON (Parser cannot parse input: expected ',')" });
    expect(out).toBe(`0.5\nsel import: the document cannot be read on: it is not JSON (Parser cannot parse input: expected ','); nothing after this line was imported\n`);
    // Longer, given as it comes: a read that holds only its middle is given whole (0.{65 640 zeros}1e65700 is 1e59).
    expect(await run([`[0.${'0'.repeat(65540)}`, '0'.repeat(100), '1e65700]'])).toEqual([{ events: 1, refused: 0, failure: null }, '1e+59\n']);
  });

  it('bounds each element on its own: elements that together pass --max-line-bytes are each imported (from mutation testing)', async () => {
    const element = `{"s":"${'x'.repeat(50)}"}`;
    let out = '';
    const r = await importRecords(Readable.from([Buffer.from(`[${element},${element},${element}]`)]), async (t) => void (out += t), { records: null, maxChars: element.length });
    expect(r).toEqual({ events: 3, refused: 0, failure: null });
    expect(out).toBe(`${element}\n`.repeat(3));
  });

  it('reads no further once the document broke, however many reads follow (from mutation testing)', async () => {
    // Elements after the damage, in later reads, are not imported: not even one per read.
    let out = '';
    let reads = 0;
    let closed = false;
    async function* doc(): AsyncGenerator<Buffer> {
      try {
        // 0x80 (a continuation byte with no lead) is not UTF-8 wherever the read ends.
        for (const b of [Buffer.from('[1,'), Buffer.from([0x80]), Buffer.from('true,'), Buffer.from('true]')]) {
          reads++;
          yield b;
        }
      } finally {
        closed = true;
      }
    }
    const r = await importRecords(doc(), async (t) => void (out += t), { records: null, maxChars: 4096 });
    expect(r).toEqual({ events: 1, refused: 0, failure: 'the document is not UTF-8 (at byte 3)' });
    expect(reads).toBe(2);
    // And the input is closed, not left open to its end (from mutation testing, second pass).
    expect(closed).toBe(true);
    expect(out).toBe('1\nsel import: the document cannot be read on: the document is not UTF-8 (at byte 3); nothing after this line was imported\n');
  });

  it('writes the lines out as it reads, not all at the end: the output of a large export is not held whole (from mutation testing)', async () => {
    // 40 reads of 2 000 elements each, 16 000 characters of output a read: past 64 Ki
    // characters, what was made is given to the writer before the next read.
    const given: number[] = [];
    let out = '';
    async function* doc(): AsyncGenerator<Buffer> {
      yield Buffer.from('[');
      for (let i = 0; i < 40; i++) {
        given.push(out.length);
        yield Buffer.from('{"a":1},'.repeat(2000));
      }
      yield Buffer.from('1]');
    }
    const r = await importRecords(doc(), async (t) => void (out += t), { records: null, maxChars: 4096 });
    expect(r).toEqual({ events: 80001, refused: 0, failure: null });
    expect(out).toBe(`${'{"a":1}\n'.repeat(80000)}1\n`);
    // Given by the 6th read at the latest, and never more than 64 Ki characters (and a read's) behind.
    expect(given[5]).toBeGreaterThan(0);
    given.forEach((n, i) => expect(i * 16000 - n, `read ${i}`).toBeLessThan((1 << 16) + 16000));
  });

  it('says a document of white space is empty, a number alone is not an array, and a literal cut short is no empty document (from mutation testing)', async () => {
    const cut = 'the document ends before its array does, or is not JSON at its end';
    for (const [doc, why] of [['', 'the document is empty'], [' \n', 'the document is empty'], ['5', 'the document is not an array of events'], ['5 ', 'the document is not an array of events'], ['tru', cut], [' \nn', cut]] as const) {
      let out = '';
      const r = await importRecords(Readable.from([Buffer.from(doc)]), async (t) => void (out += t), { records: null, maxChars: 4096 });
      expect(r, doc).toEqual({ events: 0, refused: 0, failure: why });
      expect(out).toBe(`sel import: the document cannot be read on: ${why}; nothing after this line was imported\n`);
    }
  });
});
