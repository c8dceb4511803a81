/**
 * The fast path (src/envelope/fast.ts) only ever accepts; the full check says what is wrong.
 * Its one possible fault is accepting a line the full check would not, or describing it
 * differently. These tests hold it to: whenever it answers, its record is the full check's.
 *
 * The lines that matter are the ones whose digests are right (anything else fails the hash
 * comparison): so the generator (test/fuzz/fast-path.ts) writes events member by member as raw text, in forms
 * canonical and not (white space, key order, duplicate and missing members, escape and number
 * forms, schema violations, raw controls, non-ASCII keys), and then seals each with a hash and
 * fingerprint computed over its own bytes the way the fast path computes them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalize } from '../../src/canonical/jcs.js';
import { chainLines, interleavedLines } from '../helpers/chains.js';
import { agreed, apply, DROP, fastPathAgrees, fastPathStats, GOOD, KEEP, scannersAgree, scannerStats, seal, sha256, VARIANTS } from '../fuzz/fast-path.js';
import { fastCheckLine, scannedBy } from '../../src/envelope/fast.js';
import { checkLine, checkLineFully } from '../../src/envelope/check.js';
import { lazyFields, plainEvent } from '../../src/envelope/lazy-request.js';
import { WASM_LINE_CAPACITY } from '../../src/envelope/wasm-scan.js';

describe('clean events', () => {
  it('are accepted, with the record the full check gives', () => {
    // ASCII and non-ASCII requests, null and string rules, four chains interleaved.
    const lines = interleavedLines(20, ['prod', 'staging', 'a.b_c-d', 'Z9']);
    for (const opts of [KEEP, DROP]) {
      for (const line of lines) {
        const r = agreed(Buffer.from(line), opts);
        expect(r, line).not.toBeNull();
      }
    }
  });

  it('are proven by the WebAssembly scanner, at the places the text scanner finds', () => {
    const lines = interleavedLines(20, ['prod', 'staging', 'a.b_c-d', 'Z9']);
    for (const line of lines) {
      const bytes = Buffer.from(line);
      expect(scannedBy('wasm', bytes, 128), line).not.toBeNull();
      scannersAgree(bytes, 128);
    }
  });

  it('have their simple members proven by the WebAssembly scanner too, at the edges of each form', () => {
    const lines: Buffer[] = interleavedLines(20, ['prod', 'staging', 'a.b_c-d', 'Z9']).map((l) => Buffer.from(l));
    const edges = [
      ['ts', '"2000-02-29T23:59:59.999Z"'], ['ts', '"2024-02-29T00:00:00.000Z"'], ['ts', '"2026-12-31T00:00:00.000Z"'],
      ['ts', '"2026-04-30T00:00:00.000Z"'], ['seq', '123456789012345'], ['kind', `"${'k'.repeat(200)}"`], ['kind', `"${'😂'.repeat(100)}"`],
      ['policy_hash', `"sha256:${'0123456789abcdef'.repeat(4)}"`],
    ] as const;
    for (const [member, value] of edges) lines.push(seal(GOOD.map(([k, v]): [string, string] => [k, k === member ? value : v]), false));
    for (const bytes of lines) {
      expect(scannedBy('wasm', bytes, 128)?.envelope, bytes.toString()).toBe(true);
      expect(agreed(bytes), bytes.toString()).not.toBeNull();
    }
  });

  it('agree with the full check under any --max-depth, and are accepted only within it', () => {
    const deep = seal(apply(GOOD, { op: 'value', member: 'request', pick: VARIANTS['request']!.indexOf('{"x":{"y":{"z":{}}}}') }), false);
    const accepted: number[] = [];
    for (let maxDepth = 1; maxDepth <= 6; maxDepth++) {
      for (const keepEvent of [true, false]) if (agreed(deep, { maxDepth, keepEvent }) !== null) accepted.push(maxDepth);
    }
    // The event object, request, x, y, z: five levels.
    expect(accepted).toEqual([5, 5, 6, 6]);
  });

  it('a required member renamed in place is never taken from the line before', () => {
    // Each renamed key has the same length and sorts in the same place, so the value sits
    // where the previous line's did: a stale position must not stand in for the member.
    for (const [from, to] of [['ts', 'tt'], ['seq', 'sep'], ['kind', 'kine'], ['chain', 'chaio']] as const) {
      const good = seal(GOOD, false);
      expect(agreed(good)).not.toBeNull();
      const renamed = seal(GOOD.map(([k, v]): [string, string] => [k === from ? to : k, v]), false);
      expect(agreed(renamed), from).toBeNull();
    }
  });

  it('keep their own actor and decision across more distinct ones than the intern store holds', () => {
    // 4096 entries, half used at most: 2 x 2500 values fill it more than twice over, and a
    // value seen again after a clear must still come back as itself.
    for (let i = 0; i < 2500; i++) {
      const k = i % 2 === 0 ? i : 2500 - i;
      const actor = `{"id":"agent-${k}","zone":"executor"}`;
      const decision = `{"action":"allow","rule":"r-${k}","severity":"info"}`;
      const line = seal(GOOD.map(([key, v]): [string, string] => [key, key === 'actor' ? actor : key === 'decision' ? decision : v]), false);
      const r = agreed(line, KEEP);
      expect(r?.kind).toBe('event');
      const e = r?.kind === 'event' ? r.event : null;
      expect(e?.actor).toEqual(JSON.parse(actor));
      expect(e?.decision).toEqual(JSON.parse(decision));
    }
  });

  it('keep their own actor when the intern store\'s bytes run out before its entries do (from mutation testing)', () => {
    // 1 300 distinct actors of ~230 bytes each: more than the 256 KiB the store keeps their
    // bytes in, long before its 2 048 entries are used. Interning one more must then be
    // refused (and the store emptied), never written past the module's memory.
    for (let i = 0; i < 1300; i++) {
      const actor = `{"id":"${String(i).padStart(200, 'a')}","zone":"kernel"}`;
      const line = seal(GOOD.map(([key, v]): [string, string] => [key, key === 'actor' ? actor : v]), false);
      const r = fastCheckLine(line, { file: 'x', line: 1, ordinal: 0 }, 128, true);
      expect(r?.kind === 'event' ? r.event?.actor : null, String(i)).toEqual(JSON.parse(actor));
    }
    expect(agreed(seal(GOOD, false))).not.toBeNull();
  });

  it('an actor proven is no proof of a decision with the same text, nor the reverse', () => {
    // The WebAssembly scanner's intern store once keyed values by their bytes alone: an
    // actor's text written as the decision (interned a moment before, in the same line) or a
    // decision's text written as the next line's actor passed, with no action or no zone.
    const actor = GOOD.find(([k]) => k === 'actor')![1];
    const decision = GOOD.find(([k]) => k === 'decision')![1];
    const swapped = (a: string, d: string): Buffer =>
      seal(GOOD.map(([k, v]): [string, string] => [k, k === 'actor' ? a : k === 'decision' ? d : v]), false);
    for (const line of [swapped(actor, actor), swapped(decision, decision), swapped(decision, actor)]) {
      expect(agreed(seal(GOOD, false))).not.toBeNull(); // both texts interned, each as its own member
      expect(agreed(line), line.toString()).toBeNull();
      const full = checkLineFully(line, { file: 'x', line: 1, ordinal: 0 }, KEEP);
      expect(full.findings.map((f) => f.code)).toContain('EVENT_SCHEMA');
    }
  });

  it('an actor whose bytes hash like an interned one is still checked: the store compares texts, not only hashes (from mutation testing)', () => {
    // The two texts have the same length and the same FNV-1a hash (2726104515), the one the
    // WebAssembly intern store keys by; the second has no "zone".
    const good = '{"id":"qa9ba","zone":"kernel"}';
    const bad = '{"id":"vbfaa","zone":"kernex"}';
    const line = (actor: string): Buffer => seal(GOOD.map(([k, v]): [string, string] => [k, k === 'actor' ? actor : v]), false);
    // Twice: a first call may find the store full, and it is emptied before the next line.
    expect(agreed(line(good))).not.toBeNull();
    expect(agreed(line(good))).not.toBeNull();
    expect(agreed(line(bad))).toBeNull();
    expect(checkLineFully(line(bad), { file: 'x', line: 1, ordinal: 0 }, KEEP).findings.map((f) => f.code)).toEqual(['EVENT_SCHEMA']);
  });

  it('an actor or decision with one of its keys renamed, at the same length, is refused (from mutation testing)', () => {
    // Each renamed key sorts where the real one does, so the member is canonical and only the
    // check of its keys' names refuses it; a fresh text, so no cache stands in for the check.
    const actors = ['{"ie":"agent-7","zone":"kernel"}', '{"id":"agent-7","zonf":"kernel"}', '{"id":"agent-7","zond":"kernel"}'];
    const decisions = ['{"actioo":"allow","rule":"r-7","severity":"info"}', '{"action":"allow","rulf":"r-7","severity":"info"}',
      '{"action":"allow","rule":"r-7","severitz":"info"}', '{"action":"allow","rule":null,"severitz":"info"}'];
    const line = (member: string, value: string): Buffer => seal(GOOD.map(([k, v]): [string, string] => [k, k === member ? value : v]), false);
    for (const actor of actors) {
      expect(agreed(line('actor', actor)), actor).toBeNull();
      expect(checkLineFully(line('actor', actor), { file: 'x', line: 1, ordinal: 0 }, KEEP).findings.map((f) => f.code), actor).toEqual(['EVENT_SCHEMA']);
    }
    for (const decision of decisions) {
      expect(agreed(line('decision', decision)), decision).toBeNull();
      expect(checkLineFully(line('decision', decision), { file: 'x', line: 1, ordinal: 0 }, KEEP).findings.map((f) => f.code), decision).toEqual(['EVENT_SCHEMA']);
    }
    expect(agreed(line('actor', '{"id":"agent-7","zone":"kernel"}'))).not.toBeNull();
    expect(agreed(line('decision', '{"action":"allow","rule":"r-7","severity":"info"}'))).not.toBeNull();
  });

  it('have a ts refused by the WebAssembly scanner too in every way it can be wrong: a day past its month, minute or second 60, a wrong separator, a character that is no digit (from mutation testing)', () => {
    const bad = [
      '"2026-06-31T00:00:00.000Z"', '"2026-09-31T00:00:00.000Z"', '"2026-11-31T00:00:00.000Z"', '"2026-11-01T12:60:00.000Z"',
      '"2026-11-01T12:00:60.000Z"', '"2026-11-01T12:00:00.0a0Z"', '"2026-11-01T12:00:00.00:Z"', '"2026-11-0:T12:00:00.000Z"',
      '"2026/11-01T12:00:00.000Z"', '"2026-11/01T12:00:00.000Z"', '"2026-11-01t12:00:00.000Z"', '"2026-11-01T12-00:00.000Z"',
      '"2026-11-01T12:00-00.000Z"', '"2026-11-01T12:00:00,000Z"', '"2026-11-01T12:00:00.000z"',
      // Centuries are leap years only when divisible by 400.
      '"2200-02-29T00:00:00.000Z"', '"1800-02-29T00:00:00.000Z"', '"2100-02-29T00:00:00.000Z"',
    ];
    for (const ts of bad) {
      const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'ts' ? ts : v]), false);
      expect(scannedBy('wasm', line, 128)?.envelope, ts).toBe(false);
      expect(agreed(line), ts).toBeNull();
    }
    for (const ts of ['"2026-06-30T23:59:59.999Z"', '"2026-09-30T00:00:00.000Z"', '"2026-11-30T00:00:00.000Z"', '"2026-01-31T00:00:00.000Z"',
      '"2400-02-29T00:00:00.000Z"', '"1600-02-29T00:00:00.000Z"', '"2004-02-29T00:00:00.000Z"']) {
      const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'ts' ? ts : v]), false);
      expect(scannedBy('wasm', line, 128)?.envelope, ts).toBe(true);
      expect(agreed(line), ts).not.toBeNull();
    }
  });

  it('with review and exception references are accepted', () => {
    const [line] = chainLines(1);
    const e = JSON.parse(line!) as Record<string, unknown>;
    e['review_ref'] = 'ledger/reviews/r-1.json';
    e['exception_ref'] = 'ledger/exceptions/é x.json';
    delete e['hash'];
    e['hash'] = sha256(canonicalize(e));
    expect(agreed(Buffer.from(canonicalize(e)))).not.toBeNull();
  });
});

describe('events sealed over their own bytes', () => {
  it('the fast path answers only as the full check does', () => {
    fastPathStats.runs = 0;
    fastPathStats.accepted = 0;
    scannerStats.lines = scannerStats.wasm = scannerStats.text = 0;
    fc.assert(fastPathAgrees, { numRuns: 3000 });
    // Not a vacuous pass: clean and validly edited events do take the fast path, and most
    // lines the text scanner proves, the WebAssembly scanner proves too.
    expect(fastPathStats.accepted).toBeGreaterThan(fastPathStats.runs / 20);
    expect(scannerStats.wasm).toBeGreaterThan(scannerStats.text / 2);
  });

  it('every variant of every member, alone', () => {
    for (const [member, options] of Object.entries(VARIANTS)) {
      for (let pick = 0; pick < options.length; pick++) {
        for (const wrongHash of [false, true]) agreed(seal(apply(GOOD, { op: 'value', member, pick }), wrongHash));
      }
    }
    expect(agreed(seal(GOOD, false))).not.toBeNull();
  });

  it('raw control characters, invalid UTF-8, a BOM, CR, and bytes after the object', () => {
    const good = seal(GOOD, false);
    const variants = [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]),
      Buffer.concat([good, Buffer.from('\r')]),
      Buffer.concat([good, Buffer.from(' ')]),
      Buffer.concat([good, Buffer.from('{}')]),
      Buffer.from(good.toString('latin1').replace('"n":1', '"n":1\u0000'), 'latin1'),
      Buffer.from(good.toString('utf8').replace('é', '\u0001'), 'utf8'),
      Buffer.from(good.toString('utf8').replace('tool.invoke', 'tool\u001finvoke'), 'utf8'),
    ];
    const invalidUtf8 = Buffer.from(good);
    invalidUtf8[invalidUtf8.indexOf(Buffer.from('é'))] = 0xff;
    variants.push(invalidUtf8);
    for (const v of variants) expect(agreed(v)).toBeNull();
  });

  it('a \\u escape JSON.stringify would not write (\\u000d, \\u0020), or no escape at all (\\u000g), is refused', () => {
    // (From mutation testing.) \u000d has a short form (\r), and a space is written as itself.
    for (const request of ['{"x":"\\u000d"}', '{"x":"\\u0020"}', '{"x":"\\u000g"}']) {
      const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
      expect(agreed(line), request).toBeNull();
    }
  });

  it('bytes after the object are refused even when the hash covers them', () => {
    // (From mutation testing.) A second closing brace, sealed with the line: the digests are
    // right, so only the scanner's end-of-line check refuses it.
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'v' ? `${v}}` : v]), false);
    expect(line.toString().endsWith('"v":"sel.audit/1"}}')).toBe(true);
    expect(agreed(line)).toBeNull();
  });
});

describe('requests parsed as they are read (replay)', () => {
  const REF = { file: 'log.jsonl', line: 1, ordinal: 0 };
  const lazyEvent = (line: Buffer) => {
    const rec = fastCheckLine(line, REF, 128, true, true);
    expect(rec, line.toString()).not.toBeNull();
    return rec!.event!;
  };

  it('read member by member, or whole, they are what JSON.parse gives', () => {
    const requests = [
      '{"a":[1,{"b":null}],"c":"d","e":true,"f":1.5,"g":"x\\ny","h":{}}',
      '{"1":"one","10":"ten","2":"two","__proto__":{"p":1},"a":"A","constructor":"c"}',
      '{}',
      '{"z":"é\\u0001","é":1,"😂":[2]}',
    ];
    for (const request of requests) {
      const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
      const plain = JSON.parse(request) as Record<string, unknown>;
      // Member by member, then whole: values read first keep their identity.
      const e1 = lazyEvent(line);
      const r1 = e1.request as Record<string, unknown>;
      const read = Object.keys(plain).map((k) => r1[k]);
      expect(read).toEqual(Object.keys(plain).map((k) => plain[k]));
      expect(r1['missing']).toBeUndefined();
      expect(typeof r1['toString']).toBe('function');
      expect(JSON.stringify(r1)).toBe(JSON.stringify(plain));
      expect(Object.keys(r1)).toEqual(Object.keys(plain));
      Object.keys(plain).forEach((k, i) => {
        if (typeof read[i] === 'object' && read[i] !== null) expect(r1[k]).toBe(read[i]);
      });
      // Whole first: keys, `in`, descriptors, deep equality, a write.
      const r2 = lazyEvent(line).request as Record<string, unknown>;
      expect('c' in r2).toBe('c' in plain);
      expect(r2).toEqual(plain);
      expect(Object.getOwnPropertyDescriptor(r2, Object.keys(plain)[0] ?? 'none')).toEqual(Object.getOwnPropertyDescriptor(plain, Object.keys(plain)[0] ?? 'none'));
      r2['new'] = 1;
      expect(r2['new']).toBe(1);
      // The rest of the event is the full check's.
      const full = fastCheckLine(line, REF, 128, true)!.event!;
      expect({ ...e1, request: null }).toEqual({ ...full, request: null });
      expect(Object.keys(e1)).toEqual(Object.keys(JSON.parse(line.toString()) as object));
    }
  });

  it('are read by the whole name of a member, never a longer one that starts with it, and keep a write however they are read after it (from mutation testing)', () => {
    const request = '{"tool":"git","toolbox":"rm","url_list":["https://a.example/"]}';
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    const r = lazyEvent(line).request as Record<string, unknown>;
    expect(r['url']).toBeUndefined();
    expect(r['too']).toBeUndefined();
    expect(lazyFields(r)!.rawField('url')).toBeUndefined();
    expect(r['toolbox']).toBe('rm');
    expect(r['tool']).toBe('git');
    // A write parses the whole request once; a later look at it whole does not parse it again.
    r['tool'] = 'make';
    expect(Object.keys(r)).toEqual(['tool', 'toolbox', 'url_list']);
    expect('tool' in r).toBe(true);
    expect(r['tool']).toBe('make');
  });
  it('read through their handler (the evaluator does), give what reading the object gives', () => {
    const request = '{"1":"one","__proto__":{"p":1},"a":[1,{"b":null}],"c":"d","e":"x\\ny"}';
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    const plain = JSON.parse(request) as Record<string, unknown>;
    const names = [...Object.keys(plain), 'missing', 'toString', 'constructor'];
    const r = lazyEvent(line).request as Record<string, unknown>;
    const fields = lazyFields(r)!;
    expect(fields).toBeDefined();
    for (const k of names) expect(fields.field(k), k).toEqual(plain[k]);
    // The same values as the proxy hands out, identical objects included.
    expect(fields.field('a')).toBe(r['a']);
    // Once the whole request is parsed (a write here), reads see the object as it is now.
    r['c'] = 'changed';
    expect(fields.field('c')).toBe('changed');
    expect(fields.field('a')).toBe(r['a']);
    // A plain object has no handler: the evaluator reads its members directly.
    expect(lazyFields(plain)).toBeUndefined();
    expect(lazyFields(fastCheckLine(line, REF, 128, true)!.event!.request)).toBeUndefined();
  });

  it('are parsed whole before a member is deleted, defined or described, and give each member\'s text as the line holds it (from mutation testing)', () => {
    const request = '{"a":"x\\"y","b":[1,2],"c":{"d":null}}';
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    const plain = JSON.parse(request) as Record<string, unknown>;
    const r1 = lazyEvent(line).request as Record<string, unknown>;
    expect(['a', 'b', 'c', 'd'].map((k) => lazyFields(r1)!.rawField(k))).toEqual(['"x\\"y"', '[1,2]', '{"d":null}', undefined]);
    expect(delete r1['b']).toBe(true);
    expect(r1['b']).toBeUndefined();
    expect(Object.keys(r1)).toEqual(['a', 'c']);
    const r2 = lazyEvent(line).request as Record<string, unknown>;
    Object.defineProperty(r2, 'e', { value: 5, enumerable: true, configurable: true, writable: true });
    Object.defineProperty(r2, 'a', { value: 9, enumerable: true, configurable: true, writable: true });
    expect(r2['a']).toBe(9);
    expect(Object.keys(r2)).toEqual(['a', 'b', 'c', 'e']);
    expect(r2).toEqual({ ...plain, a: 9, e: 5 });
    const r3 = lazyEvent(line).request as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(r3, 'b')).toEqual({ value: [1, 2], writable: true, enumerable: true, configurable: true });
    expect(Object.getOwnPropertyDescriptor(r3, 'e')).toBeUndefined();
  });
  it('are made plain objects to cross to another thread, and other events are handed on as they are (from mutation testing)', () => {
    const request = '{"a":[1,{"b":null}],"c":"d"}';
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    const lazy = lazyEvent(line);
    const first = (lazy.request as Record<string, unknown>)['a'];
    const plain = plainEvent(lazy)!;
    expect(lazyFields(plain.request)).toBeUndefined();
    expect(plain.request).toEqual(JSON.parse(request));
    expect(plain.request['a']).toBe(first);
    expect(structuredClone(plain)).toEqual({ ...lazy, request: JSON.parse(request) });
    const whole = fastCheckLine(line, REF, 128, true)!.event!;
    expect(plainEvent(whole)).toBe(whole);
    expect(plainEvent(null)).toBe(null);
  });
  it('are given only when the WebAssembly scanner recorded the members', () => {
    // More than 32 members: not recorded, so the request is parsed whole (a plain object).
    const many = `{${Array.from({ length: 40 }, (_, i) => `"k${String(i).padStart(2, '0')}":${i}`).join(',')}}`;
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? many : v]), false);
    const r = lazyEvent(line).request;
    expect(r).toEqual(JSON.parse(many));
    expect(structuredClone(r)).toEqual(JSON.parse(many));
  });

  it('with 32 members (the most recorded) are read lazily, every member its own line\'s; with 33, parsed whole (from mutation testing)', () => {
    const request = (n: number, v: (i: number) => string) => `{${Array.from({ length: n }, (_, i) => `"k${String(i).padStart(2, '0')}":${v(i)}`).join(',')}}`;
    const lineOf = (req: string) => seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? req : v]), false);
    // The line before records members at other places, with other values.
    const before = request(32, (i) => `"${'x'.repeat(i + 3)}"`);
    expect(lazyFields(lazyEvent(lineOf(before)).request)!.field('k31')).toBe('x'.repeat(34));
    for (const n of [32, 33]) {
      const req = request(n, (i) => String(i));
      const r = lazyEvent(lineOf(req)).request as Record<string, unknown>;
      expect(lazyFields(r) !== undefined, `${n} members`).toBe(n === 32);
      const read = Array.from({ length: n }, (_, i) => r[`k${String(i).padStart(2, '0')}`]);
      expect(read).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('in a line longer than the WebAssembly scanner takes, are the line\'s own, parsed whole (from mutation testing)', () => {
    // The line before is proven there, its request members recorded; the long line is proven
    // by the text scanner alone, which records none.
    const short = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? '{"a":"b","c":"d"}' : v]), false);
    expect(lazyEvent(short).request).toEqual({ a: 'b', c: 'd' });
    const request = `{"a":"${'x'.repeat(WASM_LINE_CAPACITY + 400_000)}","z":1}`;
    const long = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    expect(long.length).toBeGreaterThan(WASM_LINE_CAPACITY);
    const r = lazyEvent(long).request as Record<string, unknown>;
    expect(lazyFields(r)).toBeUndefined();
    expect(r['z']).toBe(1);
    expect(r).toEqual(JSON.parse(request));
    expect(agreed(long, DROP)).not.toBeNull();
  });

  it('answer as JSON.parse\'s object does, for any request: escapes, astral characters, nesting, odd keys (from mutation testing)', () => {
    // What is compared is taken from the request before any `expect` sees it: a matcher's
    // look at an object reads it whole, which hid a `has` trap that did not parse first.
    // Keys with escapes (rarer: a line holding one anywhere is checked in full, not lazily).
    const keys = fc.oneof(
      { arbitrary: fc.constantFrom('a', 'b', 'ab', '1', '10', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'é', '😂', '\u{10ffff}k', ''), weight: 20 },
      { arbitrary: fc.constantFrom('a"b', 'a\\b', 'x\u0001'), weight: 1 },
    );
    const text = fc.string({ unit: fc.constantFrom('a', '\\', '"', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '\ud83d\ude02', '\uffff'), maxLength: 6 });
    const leaf = fc.oneof(text, fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(keys, tie('value'), { maxKeys: 3 })),
    }));
    const requestText = fc.uniqueArray(fc.tuple(keys, value), { selector: ([k]) => k, maxLength: 8 }).map((members) => {
      const sorted = members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${canonicalize(v)}`).join(',')}}`;
    });
    const probes = ['missing', 'toString', 'constructor', '__proto__', 'a', '1', 'valueOf', 'ab'];
    // Equal as JSON (an own `constructor` or `__proto__` member confuses deep equality), and
    // the same value when not an object (-0, a function from the prototype).
    const same = (a: unknown, b: unknown): boolean =>
      typeof a === 'object' && a !== null && typeof b === 'object' && b !== null
        ? Object.getPrototypeOf(a) === Object.getPrototypeOf(b) && JSON.stringify(a) === JSON.stringify(b)
        : Object.is(a, b);
    let lazyCount = 0;
    fc.assert(
      fc.property(requestText, fc.boolean(), (request, wholeFirst) => {
        const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
        const plain = JSON.parse(request) as Record<string, unknown>;
        const names = [...Object.keys(plain), ...probes];
        // Keys with escapes are left to the full check, which parses the request whole.
        const event = (checkLine(line, REF, { maxDepth: 128, keepEvent: true, lazyRequest: true }) as { event?: { request: unknown } | null }).event;
        if (event === undefined || event === null) throw new Error(`not accepted: ${request}`);
        const r = event.request as Record<string, unknown>;
        const fields = lazyFields(r);
        if (fields !== undefined) lazyCount++;
        // Whole first (in, hasOwn, keys), or member by member first (the handler, the proxy).
        const has = wholeFirst ? names.map((k) => [k in r, Object.hasOwn(r, k)]) : null;
        const byHandler = fields === undefined ? null : names.map((k) => fields.field(k));
        const raw = fields === undefined ? null : names.map((k) => fields.rawField(k));
        const byProxy = names.map((k) => r[k]);
        const hasAfter = names.map((k) => [k in r, Object.hasOwn(r, k)]);
        const keysOf = Object.keys(r);
        const stringified = JSON.stringify(r);
        const expected = names.map((k) => plain[k]);
        const expectedHas = names.map((k) => [k in plain, Object.hasOwn(plain, k)]);
        if (has !== null) expect(has, request).toEqual(expectedHas);
        expect(hasAfter, request).toEqual(expectedHas);
        if (byHandler !== null) byHandler.forEach((v, i) => expect(same(v, expected[i]), `${request} ${names[i]}`).toBe(true));
        byProxy.forEach((v, i) => expect(same(v, expected[i]), `${request} ${names[i]}`).toBe(true));
        if (raw !== null) {
          raw.forEach((t, i) => {
            const own = Object.hasOwn(plain, names[i]!);
            expect(same(t === undefined ? undefined : JSON.parse(t), own ? expected[i] : undefined), `${request} ${names[i]}`).toBe(true);
          });
        }
        expect(keysOf, request).toEqual(Object.keys(plain));
        expect(stringified).toBe(JSON.stringify(plain));
      }),
      { numRuns: 400 },
    );
    // Most requests are read lazily (keys with escapes are left to the full parse).
    expect(lazyCount).toBeGreaterThan(100);
  });

  it('read by name, give a string that begins with an escape as JSON.parse does (from mutation testing)', () => {
    const request = '{"a":"\\n","b":"\\"x","c":"\\\\","d":"\\u0001z","e":"\\t😂"}';
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    const r = lazyEvent(line).request as Record<string, unknown>;
    const fields = lazyFields(r)!;
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => fields.field(k))).toEqual(['\n', '"x', '\\', '\u0001z', '\t😂']);
  });

  it('answer `in` by the whole request, and keep a member written under a symbol or named __proto__ (from mutation testing)', () => {
    const request = '{"a":1,"c":"d"}';
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? request : v]), false);
    const rec = fastCheckLine(line, REF, 128, true, true);
    const r = rec!.event!.request as Record<string | symbol, unknown>;
    // Read before any matcher sees the request (a matcher reads it whole).
    const found = ['c' in r, 'missing' in r, 'toString' in r, Object.hasOwn(r, 'a')];
    expect(found).toEqual([true, false, true, true]);
    const sym = Symbol('s');
    r[sym] = 2;
    expect(r[sym]).toBe(2);
    expect(r[Symbol.iterator]).toBeUndefined();
    // A write to a member named __proto__ writes that member, as on JSON.parse's object (not
    // the prototype), also when it is the first use of the request.
    const withProto = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? '{"__proto__":{"p":1},"a":1}' : v]), false);
    const rp = fastCheckLine(withProto, REF, 128, true, true)!.event!.request as Record<string, unknown>;
    const plain = JSON.parse('{"__proto__":{"p":1},"a":1}') as Record<string, unknown>;
    rp['__proto__'] = 5;
    plain['__proto__'] = 5;
    const after = [rp['__proto__'], Object.getPrototypeOf(rp), Object.keys(rp)];
    expect(after).toEqual([plain['__proto__'], Object.prototype, Object.keys(plain)]);
  });
});

describe('the two scanners', () => {
  const bodies = (s: string): string => `{"a":"${s}","b":{"${s}":[1,-2,true,false,null,{}]},"c":0}`;

  it('agree on UTF-8 at every boundary, valid and not, in keys and values', () => {
    const valid = ['\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}', 'é😂x'];
    for (const v of valid) {
      const bytes = Buffer.from(bodies(v));
      expect(scannedBy('wasm', bytes, 128), v).not.toBeNull();
      scannersAgree(bytes, 128);
    }
    // Overlong, surrogate, beyond U+10FFFF, truncated, stray continuation, invalid lead bytes.
    const invalid = [[0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
      [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0x80],
      [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0xbc]];
    const valid4 = Buffer.from('😂');
    // The same line with a valid character instead is proven: the bytes are its only fault.
    expect(scannedBy('wasm', Buffer.from(bodies('é😂é')), 128)).not.toBeNull();
    for (const seq of invalid) {
      // In the value, in the key, in both; around valid characters.
      const parts = bodies('é\u0000é').split('\u0000').map((part) => Buffer.from(part));
      for (const [inValue, inKey] of [[seq, [...valid4]], [[...valid4], seq], [seq, seq]]) {
        const bytes = Buffer.concat([parts[0]!, Buffer.from(inValue!), parts[1]!, Buffer.from(inKey!), parts[2]!]);
        expect(scannedBy('wasm', bytes, 128), seq.join(' ')).toBeNull();
        scannersAgree(bytes, 128);
      }
    }
  });

  it('agree wherever in a long string a byte needs a look (the scanner crosses 16 at a time)', () => {
    const specials = ['"', '\\n', '\\u0001', 'é', '😂', '\u0001', '\u007f', '\\', '\\x'];
    let proven = 0;
    for (const special of specials) {
      for (let at = 0; at < 40; at++) {
        const body = `${'a'.repeat(at)}${special}${'b'.repeat(40 - at)}`;
        for (const line of [`{"k":"${body}"}`, `{"${body}":1,"z":"${body}"}`, `{"k":"${body}","m":[]}`]) {
          const bytes = Buffer.from(line);
          if (scannedBy('wasm', bytes, 128) !== null) proven++;
          scannersAgree(bytes, 128);
        }
      }
    }
    // Everything but the raw controls, the lone backslash and the bad escape is proven.
    expect(proven).toBeGreaterThan(40 * 3 * 4);
  });

  it('agree on a line that is the start of the line scanned before it', () => {
    const [, line] = chainLines(2);
    for (let k = 1; k < line!.length; k++) {
      scannersAgree(Buffer.from(line!), 128);
      scannersAgree(Buffer.from(`${line!.slice(0, k)}}`), 128);
      scannersAgree(Buffer.from(`${line!.slice(0, k)}]}`), 128);
    }
  });

  it('agree under every depth limit, down to the recursion cap', () => {
    for (const depth of [1, 2, 3, 511, 512, 513, 600]) {
      const nested = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      for (const maxDepth of [1, 2, 3, 128, 512, 513, 1000]) scannersAgree(Buffer.from(nested), maxDepth);
    }
  });

  it('agree that a three- or four-byte UTF-8 sequence with a bad last byte is not UTF-8 (from mutation testing)', () => {
    for (const seq of [[0xe2, 0x82, 0x28], [0xe2, 0x82, 0xc3], [0xf0, 0x9f, 0x28, 0x82], [0xf0, 0x9f, 0x98, 0x28], [0xf0, 0x9f, 0x98, 0xc3]]) {
      for (const line of [`{"a":"x\u0000y"}`, `{"x\u0000y":1}`]) {
        const [before, after] = line.split('\u0000');
        const bytes = Buffer.concat([Buffer.from(before!), Buffer.from(seq), Buffer.from(after!)]);
        expect(scannedBy('wasm', bytes, 128), seq.join(' ')).toBeNull();
        scannersAgree(bytes, 128);
      }
    }
  });

  it('agree that a literal with any letter changed is not one (from mutation testing)', () => {
    for (const word of ['true', 'false', 'null']) {
      for (let k = 1; k < word.length; k++) {
        const changed = `${word.slice(0, k)}x${word.slice(k + 1)}`;
        for (const line of [`{"a":${changed}}`, `{"a":${changed},"b":1}`, `{"a":[${changed}]}`]) {
          const bytes = Buffer.from(line);
          expect(scannedBy('wasm', bytes, 128), line).toBeNull();
          expect(scannedBy('text', bytes, 128), line).toBeNull();
        }
      }
      expect(scannedBy('wasm', Buffer.from(`{"a":[${word}],"b":${word},"c":1}`), 128)).not.toBeNull();
    }
  });

  it('agree on the order of non-ASCII keys at the top level as inside: UTF-16 order, where UTF-8 order differs (from mutation testing)', () => {
    // U+FFFF sorts after U+1F602 in UTF-16 (a surrogate pair, D83D DE02) and before it in
    // UTF-8 (EF BF BF < F0 9F 98 82): only the second order below is canonical.
    const wrong = seal([...GOOD, ['\uffff', '1'], ['😂', '2']], false);
    expect(scannedBy('wasm', wrong, 128)).toBeNull();
    expect(scannedBy('text', wrong, 128)).toBeNull();
    expect(agreed(wrong)).toBeNull();
    const right = seal([...GOOD, ['😂', '2'], ['\uffff', '1']], false);
    expect(scannedBy('text', right, 128)).not.toBeNull();
    expect(agreed(right)).not.toBeNull();
  });

  it('the WebAssembly scanner proves non-ASCII keys whose UTF-8 and UTF-16 orders agree (from mutation testing)', () => {
    // Only a pair of keys that differ first at U+E000-U+FFFF against beyond U+FFFF is left to
    // the text scanner; every other order is proven at once.
    for (const line of ['{"a":1,"é":2,"ü":3}', '{"é":1,"😀":2,"😂":3}', '{"\ue000":1,"\uffff":2}', '{"a":{"é":1,"😂":2},"é":3,"😂":4}']) {
      const bytes = Buffer.from(line);
      expect(scannedBy('wasm', bytes, 128), line).not.toBeNull();
      scannersAgree(bytes, 128);
    }
  });

  it('agree that a second byte just outside the range its lead byte allows (E0, ED, F0, F4) is not UTF-8, and one just inside is (from mutation testing)', () => {
    // RFC 3629: E0 A0-BF, ED 80-9F, F0 90-BF, F4 80-8F; the other lead bytes take 80-BF.
    const invalid = [[0xe0, 0xc0, 0x80], [0xed, 0x7f, 0x80], [0xf0, 0xc0, 0x80, 0x80], [0xf4, 0x7f, 0x80, 0x80],
      [0xe1, 0xc0, 0x80], [0xe1, 0x7f, 0x80], [0xf1, 0xc0, 0x80, 0x80], [0xf1, 0x7f, 0x80, 0x80], [0xc2, 0xc0], [0xc2, 0x7f]];
    const valid = [[0xe0, 0xbf, 0xbf], [0xed, 0x80, 0x80], [0xf0, 0xbf, 0xbf, 0xbf], [0xf4, 0x80, 0x80, 0x80], [0xe1, 0x80, 0xbf], [0xf1, 0xbf, 0x80, 0xbf]];
    for (const [seqs, ok] of [[invalid, false], [valid, true]] as const) {
      for (const seq of seqs) {
        for (const line of [`{"a":"x\u0000y"}`, `{"x\u0000y":1}`, `{"a":{"b":["x\u0000y"]}}`]) {
          const [before, after] = line.split('\u0000');
          const bytes = Buffer.concat([Buffer.from(before!), Buffer.from(seq), Buffer.from(after!)]);
          expect(scannedBy('wasm', bytes, 128) !== null, `${seq.join(' ')} in ${line}`).toBe(ok);
          scannersAgree(bytes, 128);
        }
      }
    }
  });

  it('agree on the order of keys that differ first at U+E000-U+FFFF against beyond U+FFFF, whichever lead bytes they have (from mutation testing)', () => {
    // UTF-16 puts a surrogate pair (D800-DBFF first) before U+E000-U+FFFF, UTF-8 after it (F0-F4
    // over EE-EF): U+E000 (EE) against U+10000 and U+10FFFF, as U+FFFF (EF) against them.
    for (const low of ['\ue000', '\uefff', '\uffff']) {
      for (const high of ['\u{10000}', '\u{10ffff}']) {
        for (const [k1, k2] of [[low, high], [`a${low}`, `a${high}`]]) {
          const wrong = Buffer.from(`{${JSON.stringify(k1)}:1,${JSON.stringify(k2)}:2}`);
          const right = Buffer.from(`{${JSON.stringify(k2)}:1,${JSON.stringify(k1)}:2}`);
          const nested = Buffer.from(`{"a":{${JSON.stringify(k1)}:1,${JSON.stringify(k2)}:2}}`);
          for (const bytes of [wrong, nested]) {
            expect(scannedBy('wasm', bytes, 128), bytes.toString()).toBeNull();
            expect(scannedBy('text', bytes, 128), bytes.toString()).toBeNull();
          }
          expect(scannedBy('text', right, 128), right.toString()).not.toBeNull();
          scannersAgree(right, 128);
        }
      }
    }
    const line = seal([...GOOD, ['\ue000', '1'], ['😂', '2']], false);
    expect(agreed(line)).toBeNull();
  });

  it('agree that a \\u escape whose last character is just outside 0-9 or a-f (":", "`", "/", "g", "G") is no escape (from mutation testing)', () => {
    // `\u001:` and `\u001\`` would be read as 0x1a and 0x19 by a bound off by one.
    for (const esc of ['\\u001:', '\\u001`', '\\u001/', '\\u001g', '\\u001G', '\\u001A', '\\u000:', '\\u000`']) {
      for (const line of [`{"a":"x${esc}y"}`, `{"a":["${esc}"],"b":1}`]) {
        const bytes = Buffer.from(line);
        expect(scannedBy('wasm', bytes, 128), line).toBeNull();
        expect(scannedBy('text', bytes, 128), line).toBeNull();
      }
      const sealed = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? `{"x":"a${esc}b"}` : v]), false);
      expect(agreed(sealed), esc).toBeNull();
    }
    for (const esc of ['\\u0019', '\\u001a', '\\u001f', '\\u0010', '\\u0000']) expect(scannedBy('wasm', Buffer.from(`{"a":"x${esc}y"}`), 128), esc).not.toBeNull();
  });
});

describe('any change to a clean line', () => {
  it('is never accepted: every byte, every value', () => {
    const [, line] = chainLines(2);
    const clean = Buffer.from(line!);
    for (let at = 0; at < clean.length; at++) {
      const b = Buffer.from(clean);
      for (let v = 0; v < 256; v++) {
        if (v === clean[at]) continue;
        b[at] = v;
        expect(agreed(b)).toBeNull();
      }
    }
  });

  it('random lines are never accepted', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
        expect(agreed(Buffer.from(a))).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lines only the text scanner can prove (from mutation testing)', () => {
  const REF = { file: 'log.jsonl', line: 1, ordinal: 0 };
  const ASCII_REQUEST = '{"n":1,"url":"https://x.test/e"}';
  const withValues = (values: Record<string, string>): [string, string][] =>
    GOOD.map(([k, v]): [string, string] => [k, values[k] ?? v]);

  it('a byte that is not UTF-8 is refused even when the digests are over the line\'s own bytes (from mutation testing)', () => {
    // An ASCII line with one byte 0xFF (in kind, after the hash member): decoded, the byte is
    // one U+FFFD, so the text has as many code units as the line has bytes and every digest
    // span lands where it should. Only the UTF-8 check keeps it off the fast path.
    const members = withValues({ request: ASCII_REQUEST, kind: '"tool\u00ffinvoke"' });
    const fp = sha256(ASCII_REQUEST);
    const text = (ms: [string, string][]): string => `{${ms.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
    const unsealed = members.filter(([k]) => k !== 'hash').map(([k, v]): [string, string] => [k, k === 'request_fingerprint' ? `"${fp}"` : v]);
    const h = sha256(Buffer.from(text(unsealed), 'latin1'));
    const line = Buffer.from(text(members.map(([k, v]): [string, string] => [k, k === 'hash' ? `"${h}"` : k === 'request_fingerprint' ? `"${fp}"` : v])), 'latin1');
    expect(line.includes(0xff)).toBe(true);
    expect(fastCheckLine(line, REF, 128, true)).toBeNull();
    expect(fastCheckLine(line, REF, 128, true, false, false)).toBeNull();
    expect(agreed(line)).toBeNull();
    expect(checkLineFully(line, REF, KEEP).findings.map((f) => f.code)).toEqual(['LINE_INVALID_UTF8']);
  });

  it('a prev_hash of 65 digits, or under another algorithm with 64, is refused (from mutation testing)', () => {
    // The WebAssembly scanner refuses their shape, so the text checks decide: the digits are
    // checked 64 at a time, so the length and the "sha256:" prefix must be too.
    for (const prev of [`"sha256:${'1'.repeat(65)}"`, `"sha512:${'1'.repeat(64)}"`, `"SHA256:${'1'.repeat(64)}"`, `"sha256-${'1'.repeat(64)}"`]) {
      const line = seal(withValues({ prev_hash: prev }), false);
      expect(agreed(line), prev).toBeNull();
      expect(checkLineFully(line, REF, KEEP).findings.length, prev).toBeGreaterThan(0);
    }
    expect(agreed(seal(withValues({ prev_hash: `"sha256:${'1'.repeat(64)}"` }), false))).not.toBeNull();
  });

  it('a raw control character in a string is refused, any of the 32 (from mutation testing)', () => {
    for (let c = 0; c < 0x20; c++) {
      const line = seal(withValues({ request: `{"x":"a${String.fromCharCode(c)}b"}` }), false);
      expect(scannedBy('wasm', line, 128), `0x${c.toString(16)}`).toBeNull();
      expect(scannedBy('text', line, 128), `0x${c.toString(16)}`).toBeNull();
      expect(agreed(line), `0x${c.toString(16)}`).toBeNull();
    }
  });

  it('a \\u escape of a control that has a short escape (\\b \\t \\n \\f \\r) is refused by both scanners (from mutation testing)', () => {
    for (const hex of ['08', '09', '0a', '0c', '0d']) {
      const line = seal(withValues({ request: `{"x":"a\\u00${hex}b"}` }), false);
      expect(scannedBy('wasm', line, 128), hex).toBeNull();
      expect(scannedBy('text', line, 128), hex).toBeNull();
      expect(agreed(line), hex).toBeNull();
      // Not its canonical form: the full check hashes that, and finds the hash wrong.
      expect(checkLineFully(line, REF, KEEP).findings.map((f) => f.code), hex).toEqual(['HASH_MISMATCH']);
    }
    // The controls without one are written \u00xx, and accepted.
    for (const hex of ['00', '0b', '1f']) expect(agreed(seal(withValues({ request: `{"x":"a\\u00${hex}b"}` }), false)), hex).not.toBeNull();
  });

  it('a \\u escape of a character that is no control (\\u0a1f, \\ua01f, \\u011f) is refused by both scanners (from mutation testing)', () => {
    // Each ends in the hex digits of a control: only the digits before them say it is none.
    for (const hex of ['0a1f', 'a01f', '011f', '1001', '0101']) {
      const line = seal(withValues({ request: `{"x":"a\\u${hex}b"}` }), false);
      expect(scannedBy('wasm', line, 128), hex).toBeNull();
      expect(scannedBy('text', line, 128), hex).toBeNull();
      expect(agreed(line), hex).toBeNull();
      expect(checkLineFully(line, REF, KEEP).findings.map((f) => f.code), hex).toEqual(['HASH_MISMATCH']);
    }
  });

  it('a decision whose rule is neither a string nor null is refused, whatever the length of its text (from mutation testing)', () => {
    for (const rule of ['true', 'false', '1234', '12', '[""]', '{}', '{"a":null}']) {
      const line = seal(withValues({ decision: `{"action":"allow","rule":${rule},"severity":"info"}` }), false);
      expect(agreed(line), rule).toBeNull();
      expect(checkLineFully(line, REF, KEEP).findings.map((f) => f.code), rule).toEqual(['EVENT_SCHEMA']);
    }
    // A fraction puts the line on the text scanner: the same there.
    for (const rule of ['true', '1234']) {
      const line = seal(withValues({ request: '{"n":1.5}', decision: `{"action":"allow","rule":${rule},"severity":"info"}` }), false);
      expect(scannedBy('wasm', line, 128), rule).toBeNull();
      expect(agreed(line), rule).toBeNull();
    }
  });

  it('an array closed by a brace, or an object by a bracket, is refused by both scanners (from mutation testing)', () => {
    // Sealed over the line's own bytes, so only the scanners stand between it and the record.
    for (const request of ['{"x":[1}}', '{"x":[1.5}}', '{"x":{"a":1]}', '{"x":{"a":1.5]}', '{"x":[}}', '{"x":[[1]}]}']) {
      const line = seal(withValues({ request }), false);
      expect(scannedBy('wasm', line, 128), request).toBeNull();
      expect(scannedBy('text', line, 128), request).toBeNull();
      expect(agreed(line), request).toBeNull();
      expect(checkLineFully(line, REF, KEEP).findings.map((f) => f.code), request).toEqual(['LINE_INVALID_JSON']);
    }
  });

  it('a request_fingerprint with the right form but not the request\'s digits is refused, on either scanner (from mutation testing)', () => {
    // The hash is right (sealed over the line as it is), so only the fingerprint comparison
    // keeps the line off the fast path; the full check names it.
    for (const request of ['{"n":1}', '{"n":1.5}']) {
      const members = withValues({ request });
      const line = seal(members.map(([k, v]): [string, string] => [k, k === 'request_fingerprint' ? `"${sha256('{"n":2}')}"` : v]), false);
      expect(agreed(line), request).toBeNull();
      expect(checkLineFully(line, REF, KEEP).findings.map((f) => f.code), request).toEqual(['FINGERPRINT_MISMATCH']);
    }
  });

  it('arrays are held to --max-depth as objects are (from mutation testing)', () => {
    // The event object, request, and three arrays: five levels. A fraction puts the line on
    // the text scanner; without it the WebAssembly scanner proves it.
    for (const request of ['{"x":[[[]]]}', '{"x":[[[1.5]]]}']) {
      const line = seal(withValues({ request }), false);
      const accepted: number[] = [];
      for (let maxDepth = 1; maxDepth <= 6; maxDepth++) {
        if (agreed(line, { maxDepth, keepEvent: true }) !== null) accepted.push(maxDepth);
        expect(fastCheckLine(line, REF, maxDepth, true, false, false) !== null, `${request} ${maxDepth}`).toBe(maxDepth >= 5);
      }
      expect(accepted, request).toEqual([5, 6]);
    }
  });

  it('have every envelope member checked, whatever the WebAssembly scanner proved of the line before (from mutation testing)', () => {
    // A fraction in the request: the WebAssembly scanner declines the line, the text scanner
    // proves it, and nothing the WebAssembly scanner recorded for the clean line before it
    // may stand for this one's seq, ts, kind or request.
    const fraction = '{"n":1.5}';
    const cases: Record<string, string>[] = [
      { ts: '"2026-13-01T00:00:00.000Z"' }, { ts: '"2026-11-01T12:00:00.000+0"' }, { seq: '-1' }, { seq: '7' },
      { kind: '""' }, { kind: '[1.5]' },
    ];
    for (const values of cases) {
      const line = seal(withValues({ request: fraction, ...values }), false);
      expect(scannedBy('wasm', line, 128)).toBeNull();
      const clean = seal(withValues({ request: '{"n":1}' }), false);
      expect(scannedBy('wasm', clean, 128)?.envelope).toBe(true);
      expect(agreed(clean)).not.toBeNull();
      const r = agreed(line);
      if (values['seq'] === '7') {
        // Valid, and its own seq (not the line before's 0).
        expect(r?.kind === 'event' ? r.seq : null).toBe(7);
      } else expect(r, JSON.stringify(values)).toBeNull();
    }
  });
});
