/** The line check: one line → one record, each SPEC.md §2 problem as its code. */
import { describe, expect, it } from 'vitest';
import { checkLine, firstInvalidUtf8 } from '../../src/envelope/check.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { digestOf } from '../../src/canonical/digest.js';
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
