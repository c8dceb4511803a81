/** The line check: one line → one record, each SPEC.md §2 problem as its code. */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLine, checkLineFully, firstInvalidUtf8 } from '../../src/envelope/check.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { digestOf } from '../../src/canonical/digest.js';
import { describeSchemaError } from '../../src/envelope/schema.js';
import type { EventRecord } from '../../src/envelope/types.js';
import { chainLines, codes } from '../helpers/chains.js';

const REF = { file: 'log.jsonl', line: 7, ordinal: 6 };
const OPTS = { maxDepth: 128, keepEvent: true };

function check(line: string | Buffer): EventRecord {
  return checkLine(Buffer.isBuffer(line) ? line : Buffer.from(line, 'utf8'), REF, OPTS);
}

const [first, second] = chainLines(2);
const base = JSON.parse(second!) as Record<string, unknown>;

/** Re-seals an edited event: a consistent hash over the new content. */
function reseal(edit: (e: Record<string, unknown>) => void, fingerprint = true): string {
  const e = structuredClone(base);
  edit(e);
  delete e['hash'];
  if (fingerprint) e['request_fingerprint'] = digestOf(e['request']);
  e['hash'] = digestOf(e);
  return canonicalize(e);
}

describe('a clean line', () => {
  it('is placed in its chain with no findings and the parsed event', () => {
    const r = check(second!);
    expect(r.kind).toBe('event');
    if (r.kind === 'event') {
      expect(r.findings).toEqual([]);
      expect(r.chain).toBe('prod');
      expect(r.seq).toBe(1);
      expect(r.hash).toBe(base['hash']);
      expect(r.prevHash).toBe(JSON.parse(first!).hash);
      expect(r.event?.decision).toEqual(base['decision']);
    }
  });
  it('does not keep the parsed event when not asked to', () => {
    const r = checkLine(Buffer.from(second!), REF, { maxDepth: 128, keepEvent: false });
    expect(r.kind === 'event' && r.event).toBe(null);
  });
});

describe('bytes that are not UTF-8', () => {
  const cases: [string, number[]][] = [
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a stray continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    // (From mutation testing.) Well-formed bytes, but a code point that has a shorter form.
    ['an overlong three-byte "/" (E0 80 AF)', [0xe0, 0x80, 0xaf]],
  ];
  for (const [what, bad] of cases) {
    it(`reports ${what} as LINE_INVALID_UTF8 at its byte`, () => {
      const line = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bad), Buffer.from('"}')]);
      const r = check(line);
      expect(r.kind).toBe('hole');
      expect(codes(r.findings)).toEqual(['LINE_INVALID_UTF8']);
      expect(r.findings[0]!.location).toEqual({ file: 'log.jsonl', line: 7, column: 7 });
      expect(firstInvalidUtf8(line)).toBe(6);
    });
  }
  it('reports EF BB followed by another byte than BF as LINE_INVALID_UTF8: it is no byte order mark to strip (from mutation testing)', () => {
    const r = check(Buffer.concat([Buffer.from([0xef, 0xbb, 0x20]), Buffer.from(second!)]));
    expect(r.kind).toBe('hole');
    expect(r.findings.map((f) => [f.code, f.location])).toEqual([['LINE_INVALID_UTF8', { file: 'log.jsonl', line: 7, column: 1 }]]);
  });
  it('counts a byte order mark in the column of what is wrong after it: an invalid byte, or JSON that is not (from mutation testing)', () => {
    const r = check(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":"'), 0xff, ...Buffer.from('"}')]));
    expect(r.findings.map((f) => [f.code, f.location, f.detail])).toEqual([['LINE_INVALID_UTF8', { file: 'log.jsonl', line: 7, column: 10 }, { byteOffset: 9 }]]);
    // The BOM is one column (one character), "}" the sixth after it.
    const json = check(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":}')]));
    expect(json.findings.map((f) => [f.code, f.location])).toEqual([['LINE_INVALID_JSON', { file: 'log.jsonl', line: 7, column: 7 }]]);
  });
  it('reports the first byte that starts no well-formed sequence: the end of the longest prefix that is UTF-8, at every boundary of the encoding (from mutation testing)', () => {
    // Lead bytes, continuation bytes and whole sequences at the edges of each length, of the
    // surrogates and of U+10FFFF: what isUtf8 accepts decides where the first fault is.
    const pieces = [
      [0x61], [0x7f], [0x80], [0xbf], [0xc0], [0xc1], [0xc2], [0xdf], [0xe0], [0xed], [0xee], [0xef], [0xf0], [0xf4], [0xf5], [0xff],
      [0x8f], [0x90], [0x9f], [0xa0],
      ...['\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}'].map((c) => [...Buffer.from(c)]),
      [0xed, 0xbf, 0xbf], [0xe0, 0x9f, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xc1, 0xbf],
    ];
    const longestValid = (b: Buffer): number => {
      for (let k = b.length; k > 0; k--) if (isUtf8(b.subarray(0, k))) return k;
      return 0;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 6 }), (parts) => {
        const b = Buffer.from(parts.flat());
        expect(firstInvalidUtf8(b)).toBe(longestValid(b));
      }),
      { numRuns: 3000 },
    );
    // And the finding is at that byte.
    const line = Buffer.from([...Buffer.from('{"a":"\u07ff\uffff\u{10ffff}'), 0xed, 0xbf, 0xbf, ...Buffer.from('"}')]);
    expect(check(line).findings.map((f) => [f.code, f.location?.column])).toEqual([['LINE_INVALID_UTF8', 16]]);
  });
});

describe('lines that are not JSON', () => {
  for (const [what, text] of [
    ['a truncated object', '{"v":"sel.audit/1","chain":"prod"'],
    ['NUL bytes', '\u0000\u0000\u0000'],
    ['a raw control character in a string', '{"a":"\u0001"}'],
    ['trailing content', '{"a":1} {"b":2}'],
  ] as const) {
    it(`reports ${what} as LINE_INVALID_JSON`, () => {
      const r = check(text);
      expect(r.kind).toBe('hole');
      expect(codes(r.findings)).toEqual(['LINE_INVALID_JSON']);
      expect(r.findings[0]!.location?.column).toBeGreaterThan(0);
    });
  }
  it('reports JSON that is not an object as EVENT_SCHEMA', () => {
    for (const t of ['[1,2]', '"x"', '42', 'null']) expect(codes(check(t).findings)).toEqual(['EVENT_SCHEMA']);
  });
  it('survives 100 000 levels of nesting', () => {
    const r = check(`{"v":"sel.audit/1","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(r.kind).toBe('hole');
    expect(r.findings[0]?.detail).toEqual({ reason: 'too-deep' });
  });
  it('survives 20 000 levels of nesting within a maxDepth the library allows (only the CLI caps --max-depth at 2 000)', () => {
    // A canonical, correctly sealed event: the guided walk recursed once per level and threw
    // a RangeError (stack overflow) out of checkLine, where the iterative scanner proves it.
    const e = structuredClone(base);
    e['request'] = { x: 0 };
    const request = `{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    delete e['hash'];
    e['request_fingerprint'] = `sha256:${createHash('sha256').update(request).digest('hex')}`;
    const withoutHash = canonicalize(e).replace('{"x":0}', request);
    const hash = `sha256:${createHash('sha256').update(withoutHash).digest('hex')}`;
    const line = withoutHash.replace(',"kind":', `,"hash":"${hash}","kind":`);
    for (const maxDepth of [30_000, 1_000_000]) {
      const r = checkLine(Buffer.from(line), REF, { maxDepth, keepEvent: false });
      expect(r.kind).toBe('event');
      expect(r.findings).toEqual([]);
    }
    // Under a smaller limit it is the usual finding, not a crash either.
    expect(checkLine(Buffer.from(line), REF, { maxDepth: 2000, keepEvent: false }).findings.map((f) => f.detail)).toEqual([{ reason: 'too-deep' }]);
  });
});

describe('lines that are JSON but not canonical', () => {
  it('still verifies an event written with extra white space, and says so', () => {
    const r = check(second!.replace('","kind"', '", "kind"'));
    expect(r.kind).toBe('event');
    expect(codes(r.findings)).toEqual(['EVENT_NONCANONICAL']);
    expect(r.findings[0]!.detail).toEqual({ reason: 'whitespace' });
  });
  it('reports unsorted keys', () => {
    const e = JSON.parse(second!) as Record<string, unknown>;
    const { v, ...rest } = e;
    const r = check(JSON.stringify({ v, ...rest }));
    expect(r.kind).toBe('event');
    expect(r.findings.map((f) => f.detail)).toEqual([{ reason: 'key-order' }]);
  });
  it('reports a CRLF line ending and a byte order mark, and verifies the event', () => {
    const crlf = check(`${second!}\r`);
    expect(crlf.kind).toBe('event');
    expect(crlf.findings.map((f) => f.detail)).toEqual([{ reason: 'crlf' }]);
    expect(crlf.findings[0]!.message).toContain('a CR before the LF (CRLF line ending)');
    // Two CRs are not a CRLF ending, and the second is not content after the value.
    const crcr = check(`${second!}\r\r`);
    expect(crcr.kind).toBe('event');
    expect(crcr.findings.map((f) => f.detail)).toEqual([{ reason: 'crlf' }]);
    expect(crcr.findings[0]!.message).toContain('2 CRs before the LF');
    const bom = check(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(second!)]));
    expect(bom.kind).toBe('event');
    expect(bom.findings.map((f) => f.detail)).toEqual([{ reason: 'byte-order-mark' }]);
  });
  it('reports a byte order mark before a line that also ends in CRLF as the byte order mark, the first of the two (from mutation testing)', () => {
    const r = check(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${second!}\r`)]));
    expect(r.kind).toBe('event');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'byte-order-mark' }]]);
  });
  it('does not use an event with duplicate keys: parsers disagree on it', () => {
    const r = check(second!.replace('"kind":', '"kind":"x","kind":'));
    expect(r.kind).toBe('hole');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'duplicate-key' }]]);
  });
  it('does not use an event holding a lone surrogate or an unrepresentable number', () => {
    expect(check(second!.replace('"tool":"http.fetch"', '"tool":"\\ud800"')).findings[0]!.detail).toEqual({ reason: 'lone-surrogate' });
    // A lone low surrogate (U+DC00-U+DFFF) too, as JSON.stringify writes it, in a value and in a key.
    for (const [from, to] of [['"tool":"http.fetch"', '"tool":"a\\udc00"'], ['"tool":"http.fetch"', '"tool":"\\udfff"'], ['"tool":', '"\\udc00":"x","tool":']]) {
      const r = check(second!.replace(from!, to!));
      expect(r.findings.map((f) => [f.code, f.detail]), to).toEqual([['EVENT_NONCANONICAL', { reason: 'lone-surrogate' }]]);
    }
    expect(check(second!.replace('"n":1', '"n":1e400')).findings[0]!.detail).toEqual({ reason: 'number-out-of-range' });
    expect(check(second!.replace('"n":1', '"n":9007199254740993')).findings[0]!.detail).toEqual({ reason: 'integer-precision-loss' });
  });
  it('does not use an event holding a lone surrogate written in upper-case hex, at the end of the high range, or before an escape past the low one (from mutation testing)', () => {
    // Not canonical either way; what matters is that the event cannot be canonicalized, so it
    // is not placed, where an escape merely written differently would be. The scan that says so
    // names the column of the escape.
    for (const to of ['"tool":"\\uD800"', '"tool":"\\udbff"', '"tool":"\\ud800\\ue000"', '"tool":"\\uDBFF\\uFFFF"']) {
      const line = second!.replace('"tool":"http.fetch"', to);
      const r = check(line);
      expect(r.kind, to).toBe('hole');
      expect(r.findings.map((f) => [f.code, f.detail, f.location?.column]), to).toEqual([['EVENT_NONCANONICAL', { reason: 'lone-surrogate' }, line.indexOf('\\') + 1]]);
    }
    // A pair in upper-case hex is only written differently.
    const line = reseal((e) => ((e['request'] as Record<string, unknown>)['tool'] = '\u{1F602}'));
    const pair = check(line.replace('"tool":"\u{1F602}"', '"tool":"\\uD83D\\uDE02"'));
    expect(pair.kind).toBe('event');
    expect(pair.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'escape-form' }]]);
  });
  it('reports an escape of a character that is written as itself (\\u0020)', () => {
    // (From mutation testing.)
    const line = reseal((e) => ((e['request'] as Record<string, unknown>)['tool'] = 'http fetch')).replace('http fetch', 'http\\u0020fetch');
    expect(check(line).findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'escape-form' }]]);
  });
  it('reports a \\u escape written with upper-case hex digits (\\u001F), the same length as the canonical \\u001f (from mutation testing)', () => {
    const line = reseal((e) => ((e['request'] as Record<string, unknown>)['tool'] = 'http\u001ffetch'));
    expect(line).toContain('http\\u001ffetch');
    const upper = line.replace('http\\u001ffetch', 'http\\u001Ffetch');
    expect(check(upper).findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'escape-form' }]]);
  });
  it('reports keys that look like array indices out of order ("b" before "1")', () => {
    // (From mutation testing.) JSON.parse puts such keys first, whatever the text's order.
    const line = reseal((e) => (e['request'] = { b: 1, '1': 1 })).replace('{"1":1,"b":1}', '{"b":1,"1":1}');
    expect(check(line).findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'key-order' }]]);
    // Any index, its first digit 0 or 9 and of any length, the guided walk leaves to the scanner:
    // it does not compare a key's characters, only its length, so "b" read as "0" and the
    // line was canonical to it (from mutation testing).
    for (const index of ['0', '9', '123', '4294967294']) {
      const swapped = reseal((e) => (e['request'] = { [index]: 1, ['b'.repeat(index.length)]: 1 }))
        .replace(`{"${index}":1,"${'b'.repeat(index.length)}":1}`, `{"${'b'.repeat(index.length)}":1,"${index}":1}`);
      expect(checkLineFully(Buffer.from(swapped), REF, OPTS).findings.map((f) => [f.code, f.detail]), index).toEqual([['EVENT_NONCANONICAL', { reason: 'key-order' }]]);
    }
  });
  it('reports white space after the object, and verifies the event', () => {
    // (From mutation testing.)
    const r = check(`${second!} `);
    expect(r.kind).toBe('event');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_NONCANONICAL', { reason: 'whitespace' }]]);
  });
});

describe('envelope', () => {
  it('reports an unknown contract version without judging anything else', () => {
    const r = check(reseal((e) => (e['v'] = 'sel.audit/2')));
    expect(r.kind).toBe('hole');
    expect(codes(r.findings)).toEqual(['EVENT_VERSION_UNKNOWN']);
    expect(r.findings[0]!.actual).toBe('sel.audit/2');
  });
  it('reports a schema violation and still places the event when its chain members are sound', () => {
    const r = check(reseal((e) => ((e['actor'] as Record<string, unknown>)['zone'] = 'root')));
    expect(r.kind).toBe('event');
    expect(codes(r.findings)).toEqual(['EVENT_SCHEMA']);
    expect(r.findings[0]!.detail).toEqual({ pointer: '/actor/zone' });
    expect(r.kind === 'event' && r.event).toBe(null);
  });
  it('keeps the ts of an event that fails the schema elsewhere, and drops only one that is not valid (from mutation testing)', () => {
    const r = check(reseal((e) => ((e['actor'] as Record<string, unknown>)['zone'] = 'root')));
    expect(codes(r.findings)).toEqual(['EVENT_SCHEMA']);
    expect(r.kind === 'event' && r.ts).toBe(base['ts']);
  });
  it('rejects timestamps that name no real instant or are not UTC with milliseconds', () => {
    for (const ts of ['2026-02-30T00:00:00.000Z', '2026-11-01T24:00:00.000Z', '2026-11-01T12:00:00Z', '2026-11-01T12:00:00.000+00:00']) {
      const r = check(reseal((e) => (e['ts'] = ts)));
      expect(codes(r.findings)).toEqual(['EVENT_SCHEMA']);
      expect(r.kind === 'event' && r.ts).toBe(null);
    }
    expect(check(reseal((e) => (e['ts'] = '2028-02-29T23:59:59.999Z'))).findings).toEqual([]);
  });
  it('reports a missing member', () => {
    const r = check(reseal((e) => delete e['kind']));
    expect(r.findings.map((f) => f.message)).toEqual(['/kind missing required member "kind"']);
  });
});

describe('hashes and fingerprints', () => {
  it('reports content changed after hashing as HASH_MISMATCH and does not trust the event', () => {
    const tampered = second!.replace('"action":"warn"', '"action":"allow"');
    expect(tampered).not.toBe(second);
    const r = check(tampered);
    expect(r.kind).toBe('hole');
    expect(codes(r.findings)).toEqual(['HASH_MISMATCH']);
    expect(r.findings[0]!.actual).toBe(base['hash']);
    if (r.kind === 'hole') expect(r.hashes).toContain(base['hash']);
  });
  it('reports a fingerprint that does not match the request (the event re-hashed)', () => {
    const r = check(reseal((e) => ((e['request'] as Record<string, unknown>)['n'] = 99), false));
    expect(r.kind).toBe('event');
    expect(codes(r.findings)).toEqual(['FINGERPRINT_MISMATCH']);
  });
  it('reports a digest algorithm it does not implement, never skipping it', () => {
    const e = structuredClone(base);
    e['hash'] = 'sha512:' + 'ab'.repeat(64);
    const r = check(canonicalize(e));
    expect(r.kind).toBe('event');
    expect(codes(r.findings)).toEqual(['DIGEST_UNSUPPORTED']);
  });
  it('reports a malformed sha256 digest', () => {
    const r = check(reseal((e) => (e['policy_hash'] = 'sha256:ABC')));
    expect(codes(r.findings)).toEqual(['EVENT_SCHEMA']);
  });
  it('reports a sha256 digest with a digit that is not hex as malformed', () => {
    // (From mutation testing.) "g", the letter after the last hex digit.
    const r = check(reseal((e) => (e['policy_hash'] = `sha256:${'g'.repeat(64)}`)));
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }]]);
  });
  it('reports as malformed a sha256 digest of one digit more or fewer, with a last digit that is not hex, or without its colon, and an algorithm name that starts with "-" (from mutation testing)', () => {
    const hex = digestOf('x').slice(7);
    for (const bad of [`sha256:${hex}0`, `sha256:${hex.slice(1)}`, `sha256:${hex.slice(0, 63)}g`, `sha256;${hex}`, `sha256${hex}`, '-md5:abc']) {
      const r = check(reseal((e) => (e['policy_hash'] = bad)));
      expect(r.findings.map((f) => [f.code, f.detail]), bad).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }]]);
    }
  });
  it('reports as malformed a sha256 digest whose first digit is not a lower-case hex digit (from mutation testing)', () => {
    const hex = digestOf('x').slice(8);
    for (const ch of ['g', 'G', 'A', '/', ':', '`']) {
      const r = check(reseal((e) => (e['policy_hash'] = `sha256:${ch}${hex}`)));
      expect(r.findings.map((f) => [f.code, f.detail]), ch).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }]]);
    }
  });
  it('reports as malformed a sha256 digest whose last digit is any ASCII character but 0-9 and a-f (from mutation testing)', () => {
    const hex = digestOf('x').slice(7, 70);
    for (let c = 0x20; c < 0x7f; c++) {
      const ch = String.fromCharCode(c);
      if (/[0-9a-f]/.test(ch)) continue;
      const r = check(reseal((e) => (e['policy_hash'] = `sha256:${hex}${ch}`)));
      expect(r.findings.map((f) => [f.code, f.detail]), ch).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }]]);
    }
  });
  it('reports a digest under an algorithm one letter away from "sha256" as unsupported, never as sha256 (from mutation testing)', () => {
    const hex = digestOf('x').slice(7);
    for (const algorithm of ['tha256', 'sia256', 'shb256', 'sha356', 'sha266', 'sha257']) {
      const r = check(reseal((e) => (e['policy_hash'] = `${algorithm}:${hex}`)));
      expect(r.findings.map((f) => [f.code, f.detail]), algorithm).toEqual([['DIGEST_UNSUPPORTED', { member: 'policy_hash', algorithm }]]);
    }
  });
  it('reports a digest form followed by anything that is not a digest character as a schema fault, not an unsupported algorithm (from mutation testing)', () => {
    for (const bad of ['md5:abc def', 'md5:abc\n', 'md5:abc!']) {
      const r = check(reseal((e) => (e['policy_hash'] = bad)));
      expect(r.findings.map((f) => [f.code, f.detail]), bad).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }]]);
    }
  });
  it('reports "sha256:" with no digits as a malformed digest besides another schema fault (from mutation testing)', () => {
    const r = check(reseal((x) => {
      (x['actor'] as Record<string, unknown>)['zone'] = 'root';
      x['policy_hash'] = 'sha256:';
    }));
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }], ['EVENT_SCHEMA', { pointer: '/actor/zone' }]]);
    // Named as a sha256 digest, "sha256:" being its whole prefix (from mutation testing).
    expect(r.findings[0]!.message).toBe('/policy_hash must be "sha256:" followed by 64 lowercase hex digits');
  });
  it('reports a digest of no digest form at all besides another schema fault, and does not place an event whose hash or prev_hash is one (from mutation testing)', () => {
    // Only a malformed "sha256:" digest was named besides the schema's first fault: an event
    // whose prev_hash (or hash) was "md5:abc def" and whose zone was wrong was dropped from its
    // chain with one finding about the zone, the reason it was dropped not named at all.
    const zone = (e: Record<string, unknown>) => ((e['actor'] as Record<string, unknown>)['zone'] = 'root');
    for (const [member, value, placed] of [['prev_hash', 'md5:abc def', false], ['policy_hash', '', true], ['request_fingerprint', 'not a digest', true]] as const) {
      const r = check(reseal((e) => { zone(e); e[member] = value; }, false));
      expect(r.kind, member).toBe(placed ? 'event' : 'hole');
      expect(r.findings.map((f) => [f.code, f.detail]), member).toEqual([['EVENT_SCHEMA', { pointer: `/${member}` }], ['EVENT_SCHEMA', { pointer: '/actor/zone' }]]);
    }
    const e = structuredClone(base);
    zone(e);
    e['hash'] = 'not a digest';
    const r = check(canonicalize(e));
    expect(r.kind).toBe('hole');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/hash' }], ['EVENT_SCHEMA', { pointer: '/actor/zone' }]]);
    expect(r.findings[0]!.message).toBe('/hash must be a digest: an algorithm name, ":" and its digits, as "sha256:" followed by 64 lowercase hex digits');
  });
  it('reports a hash of the right digits without its "sha256:" prefix as a schema fault, not tampering', () => {
    // (From mutation testing.) Exactly 64 characters: not our digits under another prefix.
    const e = structuredClone(base);
    e['hash'] = (base['hash'] as string).slice(7);
    expect(check(canonicalize(e)).findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/hash' }]]);
  });
  it('does not place an event whose hash is malformed, and reports a malformed digest besides another schema fault (from mutation testing)', () => {
    const e = structuredClone(base);
    e['hash'] = 'not a digest';
    const r = check(canonicalize(e));
    expect(r.kind).toBe('hole');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/hash' }]]);
    // The schema names one fault; a sha256 digest that is not one is said as well.
    const both = check(reseal((x) => {
      (x['actor'] as Record<string, unknown>)['zone'] = 'root';
      x['policy_hash'] = 'sha256:ABC';
    }));
    expect(both.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/policy_hash' }], ['EVENT_SCHEMA', { pointer: '/actor/zone' }]]);
  });
  it('reports a fingerprint of the right digits in upper case as a schema fault, not a mismatch', () => {
    // (From mutation testing.)
    const r = check(reseal((e) => (e['request_fingerprint'] = `sha256:${digestOf(e['request']).slice(7).toUpperCase()}`), false));
    expect(codes(r.findings)).toEqual(['EVENT_SCHEMA']);
  });
  it('reports an empty digest as malformed: "" is no digest, however few digests came before it', () => {
    // The memo of known-good digests (canonical/digest.ts, DigestMemo) started filled with "",
    // so the schema's digest format took "" for a known digest (found by mutation testing): an
    // event whose hash was emptied, whatever else was changed in it, became a hole with no
    // finding at all, and `sel verify` passed the log (exit 0) one event short.
    const noHash = structuredClone(base);
    noHash['hash'] = '';
    const r = check(canonicalize(noHash));
    expect(r.kind).toBe('hole');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['EVENT_SCHEMA', { pointer: '/hash' }]]);
    // Re-sealed with an empty digest in another member: the schema's fault too, never silence.
    for (const member of ['policy_hash', 'request_fingerprint', 'prev_hash']) {
      const line = reseal((e) => (e[member] = ''), false);
      expect(check(line).findings.map((f) => [f.code, f.detail]), member).toEqual([['EVENT_SCHEMA', { pointer: `/${member}` }]]);
    }
  });
  it('hashes an event whose "hash" is its first member over the rest, without the comma after it (from mutation testing)', () => {
    // Not an event the schema accepts (no actor, chain, decision: keys sorted before "hash"),
    // but sealed as SPEC.md §2 says: a schema fault, not content changed after hashing.
    const e: Record<string, unknown> = { kind: 'tool.invoke', seq: 0, v: 'sel.audit/1' };
    e['hash'] = digestOf(e);
    const line = canonicalize(e);
    expect(line.startsWith('{"hash":')).toBe(true);
    expect(codes(check(line).findings)).toEqual(['EVENT_SCHEMA']);
  });
  it('hashes lines of any length up to the limit over their own bytes, far past the 64 KiB buffer first reused (from mutation testing)', () => {
    for (const size of [150_000, 700_000]) {
      const line = reseal((e) => ((e['request'] as Record<string, unknown>)['pad'] = 'x'.repeat(size)));
      const r = check(line);
      expect(r.kind, String(size)).toBe('event');
      expect(r.findings, String(size)).toEqual([]);
    }
  });
  it('hashes non-ASCII lines over their UTF-8 bytes', () => {
    const lines = chainLines(8);
    for (const l of lines) expect(check(l).findings).toEqual([]);
    expect(lines.some((l) => /[^\x00-\x7f]/.test(l))).toBe(true);
  });
});

describe('hostile keys', () => {
  it('keeps __proto__ and constructor as data and never touches Object.prototype', () => {
    const line = reseal((e) => {
      const req = e['request'] as Record<string, unknown>;
      Object.defineProperty(req, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      req['constructor'] = { prototype: { polluted: true } };
    });
    expect(line).toContain('"__proto__":{"polluted":true}');
    const r = check(line);
    expect(r.findings).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('what the full check reports, member by member (from mutation testing)', () => {
  const full = (line: string | Buffer, opts = OPTS): EventRecord =>
    checkLineFully(Buffer.isBuffer(line) ? line : Buffer.from(line, 'utf8'), REF, opts);
  const shape = (r: EventRecord) => r.findings.map((f) => [f.code, f.detail, f.chain, f.seq]);

  it('reports a line that is only a byte order mark as JSON that ends at once, one column after the mark (from mutation testing)', () => {
    const r = full(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(r.kind).toBe('hole');
    expect(r.findings.map((f) => [f.code, f.location, f.detail])).toEqual([['LINE_INVALID_JSON', { file: 'log.jsonl', line: 7, column: 2 }, { reason: 'unexpected-end' }]]);
  });

  it('says that a Git LFS pointer left where the log should be is one, on its first line only', () => {
    const [version, oid] = ['version https://git-lfs.github.com/spec/v1', `oid sha256:${'4d'.repeat(32)}`];
    for (const f of [full(version), check(version)]) expect(f.findings[0]!.message).toBe('not JSON: an unexpected character at column 1: the file is a Git LFS pointer, not the log (fetch the log with git lfs pull)');
    expect(full(oid).findings[0]!.message).toBe('not JSON: an unexpected character at column 1');
    expect(full(`${version}x`).findings[0]!.message).toBe('not JSON: an unexpected character at column 1');
  });

  it('reads a short line with a duplicate key or a lone surrogate as JSON: never LINE_INVALID_JSON (from mutation testing)', () => {
    // Short lines are scanned before JSON.parse; only a fault JSON.parse also rejects makes them not JSON.
    const dup = full('{"v":"sel.audit/1","v":"sel.audit/1"}');
    expect(dup.findings.map((f) => [f.code, f.location?.column, f.detail])).toEqual([['EVENT_NONCANONICAL', 20, { reason: 'duplicate-key' }]]);
    expect(codes(full('{"a":1,"a":2}').findings)).toEqual(['EVENT_VERSION_UNKNOWN']);
    expect(shape(full('{"v":"sel.audit/1","x":"\\ud800"}'))).toEqual([['EVENT_NONCANONICAL', { reason: 'lone-surrogate' }, null, null]]);
  });

  it('names the chain and seq an event it cannot use claims, and the column of what makes it unusable (from mutation testing)', () => {
    const cases: [string, string, string][] = [
      ['duplicate-key', '"kind":', '"kind":"x","kind":'],
      ['lone-surrogate', '"tool":"http.fetch"', '"tool":"\\ud800"'],
      ['integer-precision-loss', '"n":1', '"n":9007199254740993'],
    ];
    for (const [reason, from, to] of cases) {
      const line = second!.replace(from, to);
      const r = full(line);
      expect(r.kind === 'hole' && r.chain, reason).toBe('prod');
      expect(r.findings.map((f) => [f.code, f.chain, f.seq, f.detail]), reason).toEqual([['EVENT_NONCANONICAL', 'prod', 1, { reason }]]);
      expect(r.findings[0]!.location?.column, reason).toBeGreaterThan(line.indexOf(to) + 1);
    }
  });

  it('names what an unknown "v" is, and keeps the chain and seq the line claims (from mutation testing)', () => {
    const cases: [string, unknown][] = [
      ['{"chain":"p","seq":3}', null],
      ['{"chain":"p","seq":3,"v":null}', null],
      ['{"chain":"p","seq":3,"v":["sel.audit/1"]}', 'an array'],
      ['{"chain":"p","seq":3,"v":{"v":"sel.audit/1"}}', 'an object'],
      ['{"chain":"p","seq":3,"v":1}', 1],
      ['{"chain":"p","seq":3,"v":"sel.audit/2"}', 'sel.audit/2'],
    ];
    for (const [line, actual] of cases) {
      const r = full(line);
      expect(r.kind, line).toBe('hole');
      expect(r.chain, line).toBe('p');
      expect(r.findings.map((f) => [f.code, f.chain, f.seq, f.actual]), line).toEqual([['EVENT_VERSION_UNKNOWN', 'p', 3, actual]]);
    }
    expect(full('{"chain":"p","seq":3}').findings[0]!.message).toContain('no "v"');
  });

  it('places an event only under a chain id of 1 to 200 path-safe characters, and names no chain for any other (from mutation testing)', () => {
    const r200 = full(reseal((e) => (e['chain'] = 'c'.repeat(200))));
    expect(r200.kind === 'event' && [r200.chain, r200.findings]).toEqual(['c'.repeat(200), []]);
    for (const chain of ['', 'c'.repeat(201), 'a/b', '.hidden', '-x', 'a b']) {
      const r = full(reseal((e) => (e['chain'] = chain)));
      expect(r.kind, chain).toBe('hole');
      expect(r.chain, chain).toBe(null);
      expect(shape(r), chain).toEqual([['EVENT_SCHEMA', { pointer: '/chain' }, null, 1]]);
    }
  });

  it('takes a kind and an actor id of 1 to 200 UTF-16 code units, and reports any other length at its member (from mutation testing)', () => {
    const setKind = (v: string) => (e: Record<string, unknown>) => (e['kind'] = v);
    const setId = (v: string) => (e: Record<string, unknown>) => ((e['actor'] as Record<string, unknown>)['id'] = v);
    for (const [pointer, set] of [['/kind', setKind], ['/actor/id', setId]] as const) {
      for (const ok of ['k', 'k'.repeat(200), '😂'.repeat(100)]) expect(full(reseal(set(ok))).findings, `${pointer} ${ok.length}`).toEqual([]);
      for (const bad of ['', 'k'.repeat(201), `${'😂'.repeat(100)}k`]) {
        const r = full(reseal(set(bad)));
        expect(r.kind, `${pointer} ${bad.length}`).toBe('event');
        expect(shape(r), `${pointer} ${bad.length}`).toEqual([['EVENT_SCHEMA', { pointer }, 'prod', 1]]);
      }
    }
  });

  it('takes February 29th in a leap year only: every fourth year, but not a century unless it divides by 400 (from mutation testing)', () => {
    for (const ts of ['2000-02-29T00:00:00.000Z', '2024-02-29T12:00:00.000Z', '1600-02-29T00:00:00.000Z']) expect(full(reseal((e) => (e['ts'] = ts))).findings, ts).toEqual([]);
    for (const ts of ['1900-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2026-02-29T00:00:00.000Z']) {
      const r = full(reseal((e) => (e['ts'] = ts)));
      expect(shape(r), ts).toEqual([['EVENT_SCHEMA', { pointer: '/ts' }, 'prod', 1]]);
      expect(r.kind === 'event' && r.ts, ts).toBe(null);
    }
  });

  it('places an event only at a seq from 0 to 2^53-1, and names no seq for any other (from mutation testing)', () => {
    for (const seq of [0, 9_007_199_254_740_991]) {
      const r = full(reseal((e) => (e['seq'] = seq)));
      expect(r.kind === 'event' && [r.seq, r.findings], String(seq)).toEqual([seq, []]);
    }
    for (const seq of [-1, 9_007_199_254_740_992, 1.5]) {
      const r = full(reseal((e) => (e['seq'] = seq)));
      expect(r.kind, String(seq)).toBe('hole');
      expect(shape(r), String(seq)).toEqual([['EVENT_SCHEMA', { pointer: '/seq' }, 'prod', null]]);
    }
  });

  it('reports white space at its column, and a CRLF ending or a byte order mark with no column, the mark before any other fault of form (from mutation testing)', () => {
    const ws = second!.replace('","kind"', '", "kind"');
    const at = full(ws).findings;
    expect(at.map((f) => [f.code, f.location, f.detail])).toEqual([['EVENT_NONCANONICAL', { file: 'log.jsonl', line: 7, column: second!.indexOf('","kind"') + 3 }, { reason: 'whitespace' }]]);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const line of [Buffer.from(`${second!}\r`), Buffer.concat([bom, Buffer.from(second!)]), Buffer.concat([bom, Buffer.from(ws)])]) {
      const r = full(line);
      expect(r.kind).toBe('event');
      expect(r.findings.map((f) => [f.code, f.location]), line.toString()).toEqual([['EVENT_NONCANONICAL', { file: 'log.jsonl', line: 7 }]]);
    }
    expect(full(Buffer.concat([bom, Buffer.from(ws)])).findings[0]!.detail).toEqual({ reason: 'byte-order-mark' });
  });

  it('holds every form of a line to --max-depth exactly, and reports nesting too deep at the level past it (from mutation testing)', () => {
    // The event, its request, three arrays: five levels.
    const canonical = reseal((e) => (e['request'] = { a: [[[1]]] }));
    const forms: [string, string | Buffer][] = [
      ['canonical', canonical],
      ['white space', canonical.replace('","kind"', '", "kind"')],
      ['CRLF', `${canonical}\r`],
    ];
    for (const [what, line] of forms) {
      const text = line.toString();
      const deep = full(line, { maxDepth: 4, keepEvent: true });
      expect(deep.kind, what).toBe('hole');
      expect(deep.findings.map((f) => [f.code, f.location?.column, f.detail]), what).toEqual([['EVENT_NONCANONICAL', text.indexOf('[[[1') + 3, { reason: 'too-deep' }]]);
      // The message names the option that sets the limit: the line is plain JSON, refused by it alone.
      expect(deep.findings[0]!.message, what).toMatch(/: arrays and objects nested deeper than --max-depth at column \d+; it is not evaluated$/);
      const ok = full(line, { maxDepth: 5, keepEvent: true });
      expect(ok.kind === 'event' && ok.findings.map((f) => f.detail), what).toEqual(what === 'canonical' ? [] : [{ reason: what === 'CRLF' ? 'crlf' : 'whitespace' }]);
    }
  });

  it('reports content changed after hashing once, whatever else is wrong with the line, and offers both hashes for the next event\'s link (from mutation testing)', () => {
    const changed = second!.replace('"action":"warn"', '"action":"allow"');
    for (const line of [changed, changed.replace('","kind"', '", "kind"'), `${changed}\r`, changed.replace('"zone":"supervisor"', '"zone":"root"')]) {
      const r = full(line);
      expect(r.kind, line).toBe('hole');
      expect(r.findings.map((f) => [f.code, f.chain, f.seq, f.actual]), line).toEqual([['HASH_MISMATCH', 'prod', 1, base['hash']]]);
    }
    // Only the hash member changed: the next event links to the recomputed hash, the recorded one is a claim.
    const e = structuredClone(base);
    e['hash'] = `sha256:${'f'.repeat(64)}`;
    const r = full(canonicalize(e));
    expect(r.kind === 'hole' && r.hashes).toEqual([`sha256:${'f'.repeat(64)}`, base['hash']]);
    expect(r.findings.map((f) => [f.code, f.expected])).toEqual([['HASH_MISMATCH', base['hash']]]);
  });

  it('reports our own sha256 digits under another prefix as HASH_MISMATCH, not an algorithm it lacks (from mutation testing)', () => {
    for (const prefix of ['sha512:', 'md5:', 'x:']) {
      const e = structuredClone(base);
      e['hash'] = prefix + (base['hash'] as string).slice(7);
      const r = full(canonicalize(e));
      expect(r.kind, prefix).toBe('hole');
      expect(r.findings.map((f) => [f.code, f.actual]), prefix).toEqual([['HASH_MISMATCH', e['hash']]]);
    }
  });

  it('does not place an event with no hash, but keeps the chain it claims (from mutation testing)', () => {
    for (const line of [reseal(() => {}).replace(/"hash":"[^"]*",/, ''), reseal(() => {}).replace(/"hash":"[^"]*",/, '"hash":5,')]) {
      const r = full(line);
      expect(r.kind === 'hole' && [r.chain, r.hashes], line).toEqual(['prod', []]);
      expect(shape(r), line).toEqual([['EVENT_SCHEMA', { pointer: '/hash' }, 'prod', 1]]);
    }
  });

  it('does not fingerprint a request that is not an object: that is the schema\'s fault alone (from mutation testing)', () => {
    for (const request of [[1], 'text', 7]) {
      const r = full(reseal((e) => { e['request'] = request; e['request_fingerprint'] = digestOf({}); }, false));
      expect(shape(r), JSON.stringify(request)).toEqual([['EVENT_SCHEMA', { pointer: '/request' }, 'prod', 1]]);
    }
  });

  it('reports digests under algorithms it lacks in member order: hash, request_fingerprint, prev_hash, policy_hash (from mutation testing)', () => {
    const e = structuredClone(base);
    e['hash'] = 'md5:aa';
    e['request_fingerprint'] = 'sha1:bb';
    e['prev_hash'] = 'sha3:cc';
    e['policy_hash'] = 'blake3:dd';
    const r = full(canonicalize(e));
    expect(r.kind).toBe('event');
    // The hash's carries the SHA-256 of the content, which a successor may name (chain.ts).
    const { hash: _h, ...content } = e;
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([
      ['DIGEST_UNSUPPORTED', { member: 'hash', algorithm: 'md5', sha256: digestOf(content) }],
      ['DIGEST_UNSUPPORTED', { member: 'request_fingerprint', algorithm: 'sha1' }],
      ['DIGEST_UNSUPPORTED', { member: 'prev_hash', algorithm: 'sha3' }],
      ['DIGEST_UNSUPPORTED', { member: 'policy_hash', algorithm: 'blake3' }],
    ]);
  });

  it('reports a digest under an algorithm it lacks besides another schema fault, before it (from mutation testing)', () => {
    const r = full(reseal((e) => {
      (e['actor'] as Record<string, unknown>)['zone'] = 'root';
      e['policy_hash'] = 'md5:abc';
    }));
    expect(r.kind).toBe('event');
    expect(r.findings.map((f) => [f.code, f.detail])).toEqual([['DIGEST_UNSUPPORTED', { member: 'policy_hash', algorithm: 'md5' }], ['EVENT_SCHEMA', { pointer: '/actor/zone' }]]);
  });

  it('does not place an event whose prev_hash is malformed, and offers its hash for the next event\'s link (from mutation testing)', () => {
    for (const prev of ['sha256:ABC', 5, '']) {
      const line = reseal((e) => (e['prev_hash'] = prev));
      const r = full(line);
      expect(r.kind, String(prev)).toBe('hole');
      expect(r.kind === 'hole' && [r.chain, r.hashes], String(prev)).toEqual(['prod', [JSON.parse(line).hash]]);
      expect(shape(r), String(prev)).toEqual([['EVENT_SCHEMA', { pointer: '/prev_hash' }, 'prod', 1]]);
    }
  });

  it('names the member and the rule a schema fault breaks: an unknown member, an enum, a format, a pattern (from mutation testing)', () => {
    const one = (line: string) => full(line).findings.map((f) => [f.code, f.detail, f.message]);
    expect(one(reseal((e) => ((e['actor'] as Record<string, unknown>)['role'] = 'x')))).toEqual([['EVENT_SCHEMA', { pointer: '/actor/role' }, '/actor/role unknown member "role"']]);
    expect(one(reseal((e) => ((e['decision'] as Record<string, unknown>)['action'] = 'permit')))).toEqual([
      ['EVENT_SCHEMA', { pointer: '/decision/action' }, '/decision/action must be one of "allow", "warn", "review", "block"'],
    ]);
    expect(one(reseal((e) => (e['ts'] = '2026-11-01T12:00:00Z')))).toEqual([['EVENT_SCHEMA', { pointer: '/ts' }, '/ts is not a valid sel-timestamp value']]);
    expect(one(reseal((e) => delete (e['decision'] as Record<string, unknown>)['rule']))).toEqual([['EVENT_SCHEMA', { pointer: '/decision/rule' }, '/decision/rule missing required member "rule"']]);
    // No schema of the envelope has a pattern; the policy schemas' errors go through the same words.
    expect(describeSchemaError({ keyword: 'pattern', instancePath: '/id', schemaPath: '#/properties/id/pattern', params: { pattern: '^[a-z]+$' } })).toEqual({
      pointer: '/id',
      message: "is not of the allowed form (the schema's pattern ^[a-z]+$)",
    });
    expect(describeSchemaError(undefined)).toEqual({ pointer: '', message: 'does not match the schema' });
    // Review (docs/findings.md's POLICY_INVALID example, "private_ip_mode": "allow"): ajv's
    // "must be equal to constant" did not say which value the schema allows.
    expect(describeSchemaError({ keyword: 'const', instancePath: '/private_ip_mode', schemaPath: '#/properties/private_ip_mode/const', params: { allowedValue: 'deny' } })).toEqual({
      pointer: '/private_ip_mode',
      message: 'must be "deny"',
    });
    // Any other rule in ajv's own words, which name it (from mutation testing: the words were
    // replaced by the bare keyword, and no test saw it).
    const member = (e: Record<string, unknown>) => (e['kind'] = 5);
    expect(one(reseal(member))).toEqual([['EVENT_SCHEMA', { pointer: '/kind' }, '/kind must be string']]);
    expect(describeSchemaError({ keyword: 'minimum', instancePath: '/seq', schemaPath: '#/properties/seq/minimum', params: { limit: 0 } })).toEqual({ pointer: '/seq', message: 'fails "minimum"' });
  });
  it('takes a damaged line to hold one event per "v" member it has, at most one per 512 bytes, at least one (from mutation testing)', () => {
    const V = '{"v":"sel.audit/1"}';
    // Not JSON (content after the value), padded to the length given.
    const line = (members: number, length: number): Buffer => {
      const head = V.repeat(members - 1);
      return Buffer.from(`${head}{"v":"sel.audit/1","x":"${'x'.repeat(length - head.length - V.length - 7)}"}`);
    };
    const capacity = (b: Buffer): number => { const r = full(b); return r.kind === 'hole' ? r.capacity : -1; };
    expect(line(2, 1023).length).toBe(1023);
    expect([capacity(line(2, 1023)), capacity(line(2, 1024)), capacity(line(3, 1024)), capacity(line(3, 1536))]).toEqual([1, 2, 2, 3]);
    expect(capacity(Buffer.from(`${V} ${'x'.repeat(2000)}`))).toBe(1);
    expect(capacity(Buffer.from(V.repeat(50)))).toBe(1);
    expect(capacity(Buffer.from('x'))).toBe(1);
    // Not UTF-8 either: the same count.
    const bad = Buffer.concat([line(2, 1024), Buffer.from([0xff])]);
    expect(codes(full(bad).findings)).toEqual(['LINE_INVALID_UTF8']);
    expect(capacity(bad)).toBe(2);
  });
});
