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
import { checkLineFully } from '../../src/envelope/check.js';
import { lazyFields } from '../../src/envelope/lazy-request.js';

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

  it('are given only when the WebAssembly scanner recorded the members', () => {
    // More than 32 members: not recorded, so the request is parsed whole (a plain object).
    const many = `{${Array.from({ length: 40 }, (_, i) => `"k${String(i).padStart(2, '0')}":${i}`).join(',')}}`;
    const line = seal(GOOD.map(([k, v]): [string, string] => [k, k === 'request' ? many : v]), false);
    const r = lazyEvent(line).request;
    expect(r).toEqual(JSON.parse(many));
    expect(structuredClone(r)).toEqual(JSON.parse(many));
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
