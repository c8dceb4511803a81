/**
 * The line check against an independent oracle (a strict JSON parser written for this test,
 * and a plain RFC 8785 serialiser): fast.test.ts holds the fast path to the full check, and
 * this holds the full check (and so every tier) to what SPEC.md §1-2 say a line is. Events are
 * changed at the byte level (any byte, white space, escapes of any character, number forms,
 * duplicate keys by escape, invalid UTF-8) and then sealed again by the oracle, so that the
 * only thing wrong with a changed line is its form: a line the oracle does not find byte-identical
 * to the JCS of its value must get a finding, a line it does must get none of form.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLine, checkLineFully } from '../../src/envelope/check.js';
import { fastCheckLine } from '../../src/envelope/fast.js';
import { ChainWriter } from '../../src/producer/producer.js';

type V = { t: 'o'; keys: string[]; o: Map<string, V> } | { t: 'a'; a: V[] } | { t: 's'; s: string } | { t: 'n'; n: number } | { t: 'l'; l: string };
interface Parsed { v: V; spans: Map<string, [number, number]>; unrepresentable: boolean }

/** Strict JSON (RFC 8259): also notes duplicate keys, lone surrogates, integers that lose their value. */
function parse(text: string, maxDepth: number): Parsed | null {
  let i = 0;
  let unrepresentable = false;
  const spans = new Map<string, [number, number]>();
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): string | null => {
    if (text[i] !== '"') return null;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) return null;
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) return null;
      if (c === 0x5c) {
        const e = text[i + 1]!;
        const short: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (short[e] !== undefined) out += short[e];
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 4;
        } else return null;
        i += 2;
      } else out += text[i++];
    }
    i++;
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out)) unrepresentable = true;
    return out;
  };
  const val = (depth: number): V | null => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) unrepresentable = true;
      i++;
      ws();
      if (c === '[') {
        const a: V[] = [];
        if (text[i] === ']') return i++, { t: 'a', a };
        for (;;) {
          const v = val(depth + 1);
          if (v === null) return null;
          a.push(v);
          ws();
          if (text[i] === ']') return i++, { t: 'a', a };
          if (text[i++] !== ',') return null;
        }
      }
      const o = new Map<string, V>();
      const keys: string[] = [];
      if (text[i] === '}') return i++, { t: 'o', keys, o };
      for (;;) {
        ws();
        const k = str();
        ws();
        if (k === null || text[i++] !== ':') return null;
        const from = i;
        const v = val(depth + 1);
        if (v === null) return null;
        if (depth === 0) spans.set(k, [from, i]);
        if (o.has(k)) unrepresentable = true;
        else keys.push(k);
        o.set(k, v);
        ws();
        if (text[i] === '}') return i++, { t: 'o', keys, o };
        if (text[i++] !== ',') return null;
      }
    }
    if (c === '"') {
      const s = str();
      return s === null ? null : { t: 's', s };
    }
    for (const l of ['true', 'false', 'null']) if (text.startsWith(l, i)) return (i += l.length), { t: 'l', l };
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null) return null;
    i += m[0].length;
    const n = Number(m[0]);
    const integer = m[1] === undefined && m[2] === undefined;
    if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(m[0].replace(/[eE].*$/, '')))) unrepresentable = true;
    // An integer literal must be the value of the shortest decimal of its double (docs/contract.md).
    else if (integer && !Number.isSafeInteger(n) && BigInt(m[0]) !== decimal(String(n))) unrepresentable = true;
    return { t: 'n', n };
  };
  const v = val(0);
  ws();
  return v === null || i !== text.length ? null : { v, spans, unrepresentable };
}

/** The integer a Number#toString of an integral double writes ("1e+21" included). */
function decimal(s: string): bigint {
  const [mantissa, exponent = '0'] = s.split('e');
  const [whole, fraction = ''] = mantissa!.split('.');
  return BigInt(whole! + fraction) * 10n ** BigInt(Number(exponent) - fraction.length);
}

/** RFC 8785: keys sorted by UTF-16 code units, JSON.stringify's strings, Number#toString's numbers. */
function jcs(v: V): string {
  switch (v.t) {
    case 'o': return `{${[...v.keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => `${JSON.stringify(k)}:${jcs(v.o.get(k)!)}`).join(',')}}`;
    case 'a': return `[${v.a.map(jcs).join(',')}]`;
    case 's': return JSON.stringify(v.s);
    case 'n': return String(v.n);
    case 'l': return v.l;
  }
}

/** 'canonical', 'not' (any other JSON, or not UTF-8, or not JSON), with the parse. */
function oracle(bytes: Buffer, maxDepth: number): { canonical: boolean; parsed: Parsed | null; text: string | null } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { canonical: false, parsed: null, text: null };
  }
  const parsed = parse(text, maxDepth);
  return { canonical: parsed !== null && !parsed.unrepresentable && jcs(parsed.v) === text, parsed, text };
}

const sha = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/**
 * Fingerprint and hash made right for the line as it now is: over JCS (what a verifier that
 * canonicalises must compute), or over the line's own bytes (what one that hashes the bytes
 * computes: a line it wrongly takes for canonical then passes).
 */
function reseal(bytes: Buffer, overBytes: boolean): Buffer {
  if (overBytes) return resealBytes(bytes);
  let { parsed, text } = oracle(bytes, 1000);
  if (parsed === null || text === null || parsed.unrepresentable || parsed.v.t !== 'o') return bytes;
  const put = (member: string, value: string): void => {
    const span = parsed!.spans.get(member)!;
    text = text!.slice(0, span[0]) + JSON.stringify(value) + text!.slice(span[1]);
    parsed = parse(text, 1000);
  };
  const request = parsed.v.o.get('request');
  if (request?.t === 'o' && parsed.spans.has('request_fingerprint')) put('request_fingerprint', sha(jcs(request)));
  if (parsed === null || parsed.v.t !== 'o' || !parsed.spans.has('hash')) return Buffer.from(text, 'utf8');
  put('hash', sha(jcs({ ...parsed.v, keys: parsed.v.keys.filter((k) => k !== 'hash') })));
  return Buffer.from(text, 'utf8');
}

function resealBytes(bytes: Buffer): Buffer {
  let { parsed, text } = oracle(bytes, 1000);
  if (parsed === null || text === null || parsed.v.t !== 'o') return bytes;
  const request = parsed.spans.get('request');
  const fp = parsed.spans.get('request_fingerprint');
  if (request !== undefined && fp !== undefined) {
    text = text.slice(0, fp[0]) + JSON.stringify(sha(text.slice(request[0], request[1]))) + text.slice(fp[1]);
    parsed = parse(text, 1000);
  }
  const hash = parsed?.spans.get('hash');
  if (hash === undefined) return Buffer.from(text, 'utf8');
  // The member from its key's quote: the key's own text, as the line has it.
  const key = text.lastIndexOf('"', text.lastIndexOf(':', hash[0]) - 2);
  let [from, to] = [key, hash[1]];
  if (text[from - 1] === ',') from--;
  else if (text[to] === ',') to++;
  return Buffer.from(text.slice(0, hash[0]) + JSON.stringify(sha(text.slice(0, from) + text.slice(to))) + text.slice(hash[1]), 'utf8');
}

const REF = { file: 'log.jsonl', line: 1, ordinal: 0 };
const FORM_CODES = ['LINE_INVALID_UTF8', 'LINE_INVALID_JSON', 'EVENT_NONCANONICAL'];

const BASES = [
  { tool: 'http.fetch', url: 'https://a.example/é/😂', n: 5, f: 1.5, big: 9007199254740991, e: 1e21, neg: -0.0001, arr: [true, false, null, [], {}], s: 'a\nb\u0001\u001f"\\/', '\ue000': 1, '😂': 2, é: 3 },
  { a: 'x'.repeat(20), b: [1, 2, { c: 'é' }], z: 9007199254740992, q: 0.1, '\u007f': '\u2028', '\uffff': '\u{10ffff}' },
  {},
].map((request, k) => Buffer.from(new ChainWriter('prod').append({
  ts: '2026-11-01T12:00:00.000Z', kind: 'tool.invoke', actor: { id: 'agent-é', zone: 'kernel' }, request,
  policy_hash: `sha256:${'b'.repeat(64)}`, decision: { action: 'allow', rule: k === 1 ? null : 'r-1', severity: 'info' },
}).line));

const SNIPPETS = [' ', '\t', '\r', '\n', '\u0000', '\\u0000', '\\u001f', '\\u001F', '\\u00e9', '\\u00E9', '\\/', '\\u0008', '-0', '1.0', '1e2', '1E2',
  '01', '9007199254740993', '100000000000000000000', '"\\u0061":1,', ',', '"', '\\', '{', '}', '[', ']', '\\ud800', '\\udc00', '\\ud83d\\ude02',
  '1e400', '1e-400', '\ufeff', 'é', '😂', '\uffff', '\ue000'].map((s) => Buffer.from(s))
  .concat([[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xe0, 0x9f, 0xbf]].map((b) => Buffer.from(b)));

type Change = { op: 'byte'; at: number; v: number } | { op: 'insert'; at: number; k: number } | { op: 'delete'; at: number; n: number }
  | { op: 'escape'; at: number; upper: boolean } | { op: 'number'; k: number; form: number } | { op: 'dupKey'; k: number };
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ op: fc.constant('byte' as const), at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), k: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('escape' as const), at: fc.nat(), upper: fc.boolean() }),
  fc.record({ op: fc.constant('number' as const), k: fc.nat(), form: fc.nat() }),
  fc.record({ op: fc.constant('dupKey' as const), k: fc.nat() }),
);

function apply(b: Buffer, c: Change): Buffer {
  const at = c.op === 'byte' || c.op === 'insert' || c.op === 'delete' ? c.at % (b.length + 1) : 0;
  switch (c.op) {
    case 'byte': {
      const copy = Buffer.from(b);
      copy[Math.min(at, copy.length - 1)] = c.v;
      return copy;
    }
    case 'insert': return Buffer.concat([b.subarray(0, at), SNIPPETS[c.k % SNIPPETS.length]!, b.subarray(at)]);
    case 'delete': return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + c.n))]);
    case 'escape': {
      // A character of the line written as a \u escape (or "/" as "\/"): the same value, another form.
      const t = b.toString('utf8');
      // Half the time one of the characters whose escapes matter most: "/", non-ASCII.
      const special = [...t].map((_, k) => k).filter((k) => t[k] === '/' || t.charCodeAt(k) >= 0x80);
      const k = c.at % 2 === 0 && special.length > 0 ? special[(c.at >> 1) % special.length]! : c.at % t.length;
      const code = t.charCodeAt(k);
      if (code === 0x22 || code === 0x5c) return b;
      const hex = code.toString(16).padStart(4, '0');
      const esc = code === 0x2f && c.upper ? '\\/' : `\\u${c.upper ? hex.toUpperCase() : hex}`;
      return Buffer.from(t.slice(0, k) + esc + t.slice(k + 1), 'utf8');
    }
    case 'number': {
      const t = b.toString('utf8');
      const all = [...t.matchAll(/:(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/g)];
      if (all.length === 0) return b;
      const m = all[c.k % all.length]!;
      const s = m[1]!;
      const forms = [`${s}.0`, `${s}e0`, `0${s}`, s.replace('e+', 'E+'), s.replace('e+', 'e'), `-${s}`, `${s}0`, String(Number(s) + 1)];
      return Buffer.from(t.slice(0, m.index + 1) + forms[c.form % forms.length]! + t.slice(m.index + 1 + s.length), 'utf8');
    }
    case 'dupKey': {
      // A member before a member of the same name, written with an escape: a duplicate key.
      const t = b.toString('utf8');
      const all = [...t.matchAll(/[{,]"([a-z_]+)":/g)];
      if (all.length === 0) return b;
      const m = all[c.k % all.length]!;
      const key = m[1]!;
      return Buffer.from(`${t.slice(0, m.index + 1)}"\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}":0,${t.slice(m.index + 1)}`, 'utf8');
    }
  }
}

describe('the line check against an independent JCS oracle', () => {
  it('the clean bases are canonical to the oracle and to the line check', () => {
    for (const b of BASES) {
      expect(oracle(b, 128).canonical).toBe(true);
      expect(checkLine(b, REF, { maxDepth: 128, keepEvent: true }).findings).toEqual([]);
    }
  });

  it('a changed line, sealed again, gets a finding exactly when the oracle finds it not canonical, on every tier', () => {
    let canonical = 0;
    let accepted = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(change, { minLength: 1, maxLength: 2 }), fc.constantFrom(3, 4, 128), fc.boolean(), (base, changes, maxDepth, overBytes) => {
        const line = reseal(changes.reduce(apply, BASES[base % BASES.length]!), overBytes);
        const opts = { maxDepth, keepEvent: true };
        const full = checkLineFully(line, REF, opts);
        const any = checkLine(line, REF, opts);
        expect({ ...any, findings: [...any.findings] }).toEqual({ ...full, findings: [...full.findings] });
        const wasm = fastCheckLine(line, REF, maxDepth, true);
        const text = fastCheckLine(line, REF, maxDepth, true, false, false);
        expect(isDeepStrictEqual(wasm, text)).toBe(true);
        const o = oracle(line, maxDepth);
        const codes = full.findings.map((f) => f.code);
        if (o.canonical) {
          canonical++;
          // Canonical: nothing about its form (the schema may still have its say).
          expect(codes.filter((c) => FORM_CODES.includes(c)), line.toString('latin1')).toEqual([]);
        } else {
          expect(codes.length, line.toString('latin1')).toBeGreaterThan(0);
          expect(wasm, line.toString('latin1')).toBeNull();
        }
        if (wasm !== null) accepted++;
        // Not UTF-8 or not JSON to the oracle: the same to the line check.
        if (o.text === null) expect(codes).toEqual(['LINE_INVALID_UTF8']);
        else if (o.parsed === null && !/^\ufeff/.test(o.text)) expect(codes).toEqual(['LINE_INVALID_JSON']);
      }),
      { numRuns: 1500 },
    );
    expect(canonical).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(20);
  });
});
