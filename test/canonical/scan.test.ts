/**
 * The single-pass scanners and the guided walk against an oracle: a text is canonical when
 * JSON.parse accepts it and canonicalize() gives it back byte for byte. The fast paths must
 * agree with the oracle on canonical texts and on every mutation of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/canonical/jcs.js';
import { matchCanonical } from '../../src/canonical/guided.js';
import { INVALID_JSON_REASONS, scanCanonical, scanStrict, UNREPRESENTABLE_REASONS } from '../../src/canonical/scan.js';

function oracle(t: string): boolean {
  try {
    return canonicalize(JSON.parse(t)) === t;
  } catch {
    return false;
  }
}

function parses(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

const value = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });
const objectValue = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), value, { maxKeys: 6 });
const INSERTS = [' ', '\n', '\t', ',', '"', '\\', '0', '1', '.', 'e', 'E', '-', '+', '{', '}', '[', ']', ':', 'a', 'é', '\u2028', 'u', '/', 'n', 't'];

/** A canonical text with one character inserted, deleted or replaced. */
const mutated = fc
  .tuple(value, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...INSERTS))
  .map(([v, at, op, ch]) => {
    const t = canonicalize(v);
    const i = t.length === 0 ? 0 : at % (t.length + (op === 'insert' ? 1 : 0));
    if (op === 'insert') return t.slice(0, i) + ch + t.slice(i);
    if (op === 'delete') return t.slice(0, i) + t.slice(i + 1);
    return t.slice(0, i) + ch + t.slice(i + 1);
  })
  // The scanners read text decoded from well-formed UTF-8, which holds no lone surrogate;
  // a mutation that splits a surrogate pair is outside that contract.
  .filter((t) => !/\p{Surrogate}/u.test(t));

describe('scanCanonical', () => {
  it('accepts every canonical text', () => {
    fc.assert(fc.property(value, (v) => {
      expect(scanCanonical(canonicalize(v)).ok).toBe(true);
    }), { numRuns: 1000 });
  });
  it('agrees with the oracle on every single-character mutation', () => {
    fc.assert(fc.property(mutated, (t) => {
      expect(scanCanonical(t).ok).toBe(oracle(t));
    }), { numRuns: 5000 });
  });
  it('agrees with the oracle on re-formatted texts (indentation, reversed keys)', () => {
    fc.assert(
      fc.property(objectValue, fc.boolean(), (v, reverse) => {
        const o = reverse ? Object.fromEntries(Object.entries(v).reverse()) : v;
        for (const t of [JSON.stringify(o), JSON.stringify(o, null, 1)]) expect(scanCanonical(t).ok).toBe(oracle(t));
      }),
      { numRuns: 1000 },
    );
  });
  const reasons: [string, string][] = [
    ['{"a":1, "b":2}', 'whitespace'],
    ['{"b":1,"a":2}', 'key-order'],
    ['{"a":1,"a":1}', 'duplicate-key'],
    ['{"a":"\\u0041"}', 'escape-form'],
    ['{"a":"\\/"}', 'escape-form'],
    ['{"a":"\\u001F"}', 'escape-form'],
    ['{"a":"\\u000a"}', 'escape-form'],
    ['{"a":"\\u0020"}', 'escape-form'], // from mutation testing
    ['{"a":"\\u000g"}', 'invalid-escape'], // from mutation testing: g is no hex digit
    ['{"a":"\\u00G1"}', 'invalid-escape'],
    ['{"a":"\\u00', 'unexpected-end'], // from mutation testing
    ['{"a":[1}}', 'unexpected-character'], // from mutation testing: an array closed by a brace
    ['[{"a":1]]', 'unexpected-character'], // from mutation testing: an object closed by a bracket
    ['{"a":1200000000000000000000}', 'number-form'], // from mutation testing: Number#toString writes 1.2e+21
    ['{"a":1.50}', 'number-form'],
    ['{"a":-0}', 'number-form'],
    ['{"a":1E3}', 'number-form'],
    ['{"a":9007199254740993}', 'integer-precision-loss'],
    ['{"a":1e400}', 'number-out-of-range'],
    ['{"a":01}', 'unexpected-character'],
    ['{"a":1}x', 'trailing-content'],
    ['{"a":"\u0001"}', 'control-character-in-string'],
    ['{"a":tru}', 'unexpected-character'],
    ['{"a":', 'unexpected-end'],
  ];
  for (const [text, reason] of reasons) {
    it(`says why ${JSON.stringify(text)} is not canonical: ${reason}`, () => {
      const r = scanCanonical(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe(reason);
    });
  }
  it('sorts keys by UTF-16 code units, not code points or locale', () => {
    // U+FB33 (one unit) sorts after U+1F602 (a surrogate pair starting 0xD83D).
    expect(scanCanonical('{"\ud83d\ude02":1,"\ufb33":2}').ok).toBe(true);
    expect(scanCanonical('{"\ufb33":2,"\ud83d\ude02":1}').ok).toBe(false);
    expect(scanCanonical('{"10":1,"9":2}').ok).toBe(true);
  });
  it('rejects nesting deeper than the limit without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const r = scanCanonical(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('too-deep');
  });
  it('finds the top-level hash and request members', () => {
    const t = canonicalize({ a: 1, hash: 'x', request: { hash: 'inner' }, z: [] });
    const r = scanCanonical(t);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(t.slice(r.hash!.start, r.hash!.end)).toBe('"hash":"x"');
      expect(t.slice(r.request!.valueStart, r.request!.end)).toBe('{"hash":"inner"}');
    }
  });
  it('says whether the value is an object: a top-level array or string is not, an object nested in one does not make it one (from mutation testing)', () => {
    expect(scanCanonical('{}')).toMatchObject({ ok: true, isObject: true });
    expect(scanCanonical('{"a":[]}')).toMatchObject({ ok: true, isObject: true });
    expect(scanCanonical('[]')).toMatchObject({ ok: true, isObject: false });
    expect(scanCanonical('[{}]')).toMatchObject({ ok: true, isObject: false });
    expect(scanCanonical('"x"')).toMatchObject({ ok: true, isObject: false });
  });
  it('finds hash and request by their whole names, not a longer key that starts with one (from mutation testing)', () => {
    const t = canonicalize({ 1: 0, hash: 'x', hashes: 'y', request: { a: 1 }, requests: [2] });
    const r = scanCanonical(t);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(t.slice(r.hash!.start, r.hash!.end)).toBe('"hash":"x"');
      expect(t.slice(r.request!.valueStart, r.request!.end)).toBe('{"a":1}');
    }
  });
  it('orders and tells apart keys with escapes by the characters they stand for (from mutation testing)', () => {
    // Keys from an alphabet where each short escape (\b \f \n \r \t \" \\) and a \u00xx one
    // meets the letter it is written with and characters between the two.
    const key = fc.string({ unit: fc.constantFrom('\b', '\f', '\n', '\r', '\t', '"', '\\', '\u0001', 'b', 'f', 'n', 'r', 't', 'u', 'A', '#', ' '), maxLength: 3 });
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer(), { minKeys: 2, maxKeys: 6 }), (o) => {
        const t = canonicalize(o);
        expect(scanCanonical(t).ok, t).toBe(true);
        expect(scanStrict(t).ok, t).toBe(true);
        const reversed = JSON.stringify(Object.fromEntries(Object.entries(o).reverse()));
        expect(scanCanonical(reversed).ok, reversed).toBe(oracle(reversed));
      }),
      { numRuns: 500 },
    );
  });
  it('refuses a raw control character in a string, any of the 32, with or without an escape in the text (from mutation testing)', () => {
    for (let c = 0; c < 0x20; c++) {
      const raw = String.fromCharCode(c);
      for (const t of [`{"a":"x${raw}y"}`, `{"a":"x${raw}y","b":"\\n"}`, `{"k${raw}":1}`]) {
        const r = scanCanonical(t);
        expect(r.ok, JSON.stringify(t)).toBe(false);
        // Tab, LF and CR are also white space, which scanStrict tells apart (check.ts).
        if (!r.ok) expect(r.reason, JSON.stringify(t)).toBe(c === 0x09 || c === 0x0a || c === 0x0d ? 'whitespace' : 'control-character-in-string');
      }
    }
  });
});

describe('matchCanonical (the guided walk)', () => {
  it('never says canonical when the oracle says not', () => {
    fc.assert(
      fc.property(mutated, (t) => {
        let v: unknown;
        try {
          v = JSON.parse(t);
        } catch {
          return;
        }
        if (matchCanonical(t, v, 128) !== null) expect(oracle(t)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
  it('recognises canonical objects and gives the same spans as the scanner', () => {
    fc.assert(
      fc.property(objectValue, fc.string({ maxLength: 4 }), value, (o, h, r) => {
        const t = canonicalize({ ...o, hash: h, request: r });
        const m = matchCanonical(t, JSON.parse(t), 128);
        const s = scanCanonical(t);
        expect(s.ok).toBe(true);
        if (Object.keys(o).some((k) => /^(?:0|[1-9]\d*)$/.test(k))) return; // left to the scanner by design
        expect(m).not.toBeNull();
        if (s.ok && m !== null) {
          expect(m.hash).toEqual(s.hash);
          expect(m.request).toEqual(s.request);
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('is not fooled by duplicate keys whose values have the same length', () => {
    const t = '{"a":"x","b":"y","a":"z"}';
    expect(matchCanonical(t, JSON.parse(t), 128)).toBeNull();
    const u = '{"a":{"k":"xx"},"a":{"k":"yy"}}';
    expect(matchCanonical(u, JSON.parse(u), 128)).toBeNull();
  });
  it('leaves lone-surrogate escapes to the exact scanner', () => {
    const t = '{"a":"\\ud800"}';
    expect(matchCanonical(t, JSON.parse(t), 128)).toBeNull();
  });
  it('leaves keys that are array indices to the exact scanner, in whatever order they are written', () => {
    // (From mutation testing.) JSON.parse puts "1" before "b", as canonical form does.
    const t = '{"b":1,"1":1}';
    expect(matchCanonical(t, JSON.parse(t), 128)).toBeNull();
  });
  it('nests arrays and objects down to the depth limit, and no deeper, as the scanner does (from mutation testing)', () => {
    const texts = ['{"a":1}', '{"a":[]}', '{"a":{}}', '{"a":[[]]}', '{"a":{"b":{}}}', '{"a":[{"b":[1]}]}', '{"a":{"b":[{}]},"c":[[[]]]}'];
    for (const t of texts) {
      for (let limit = 1; limit <= 5; limit++) {
        const scanned = scanCanonical(t, limit).ok;
        expect(matchCanonical(t, JSON.parse(t), limit) !== null, `${t} under ${limit}`).toBe(scanned);
      }
    }
    // The scanner's limit, for the record: the event object is level 1.
    expect(scanCanonical('{"a":{"b":{}}}', 3).ok).toBe(true);
    expect(scanCanonical('{"a":{"b":{}}}', 2).ok).toBe(false);
  });
  it('compares an escaped string with the escape JSON.stringify writes, not just its length (\\u001F is not \\u001f) (from mutation testing)', () => {
    const t = '{"a":"\\u001F"}';
    expect(matchCanonical(t, JSON.parse(t), 128)).toBeNull();
    const u = '{"a":"\\u001f"}';
    expect(matchCanonical(u, JSON.parse(u), 128)).not.toBeNull();
  });
  it('does not take white space after the object for canonical', () => {
    // (From mutation testing.)
    expect(matchCanonical('{"a":1} ', { a: 1 }, 128)).toBeNull();
  });
});

describe('scanStrict', () => {
  it('calls a text invalid JSON exactly when JSON.parse rejects it', () => {
    fc.assert(
      fc.property(mutated, (t) => {
        const r = scanStrict(t, 1000);
        const invalid = !r.ok && INVALID_JSON_REASONS.has(r.reason);
        expect(invalid).toBe(!parses(t));
      }),
      { numRuns: 5000 },
    );
  });
  it('accepts any formatting of a representable value', () => {
    fc.assert(
      fc.property(objectValue, (v) => {
        expect(scanStrict(JSON.stringify(v, null, 2)).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
  const unrepresentable: [string, string][] = [
    ['{"a":1,"a":2}', 'duplicate-key'],
    ['{"a\\u0062":1,"ab":2}', 'duplicate-key'],
    ['["\\ud800"]', 'lone-surrogate'],
    ['["\\udc00\\ud800"]', 'lone-surrogate'],
    ['["\\ud800\\u0041"]', 'lone-surrogate'], // from mutation testing: a high surrogate, then no low one
    ['["\\udc00"]', 'lone-surrogate'], // from mutation testing: a low surrogate alone
    ['{"a":"x\\udfff"}', 'lone-surrogate'], // from mutation testing
    ['[9007199254740993]', 'integer-precision-loss'],
    ['[1e400]', 'number-out-of-range'],
    ['[-1e400]', 'number-out-of-range'],
    ['[1e-400]', 'number-out-of-range'],
  ];
  for (const [text, reason] of unrepresentable) {
    it(`rejects ${text}: ${reason}`, () => {
      const r = scanStrict(text);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(reason);
        expect(UNREPRESENTABLE_REASONS.has(r.reason)).toBe(true);
      }
    });
  }
  it('says where a text stops being JSON: the raw control, the backslash, the number, what follows the value (from mutation testing)', () => {
    // The column of LINE_INVALID_JSON (src/envelope/check.ts) is this offset, plus one.
    expect(scanStrict('["a\u0001"]')).toEqual({ ok: false, reason: 'control-character-in-string', offset: 3 });
    expect(scanStrict('["a\\x"]')).toEqual({ ok: false, reason: 'invalid-escape', offset: 3 });
    expect(scanStrict('[1,-]')).toEqual({ ok: false, reason: 'invalid-number', offset: 3 });
    expect(scanStrict('[1,1.]')).toEqual({ ok: false, reason: 'invalid-number', offset: 3 });
    expect(scanStrict('{} x')).toEqual({ ok: false, reason: 'trailing-content', offset: 3 });
    expect(scanStrict('{}}')).toEqual({ ok: false, reason: 'trailing-content', offset: 2 });
  });

  it('calls a \\u escape with a letter past f invalid JSON, as JSON.parse does (from mutation testing)', () => {
    for (const t of ['["\\u000g"]', '["\\u00g0"]', '["\\uG000"]', '{"\\u000G":1}']) {
      expect(parses(t)).toBe(false);
      expect(scanStrict(t)).toMatchObject({ ok: false, reason: 'invalid-escape' });
    }
  });
  it('accepts nesting down to the depth limit, and no deeper', () => {
    // (From mutation testing.)
    expect(scanStrict('[]', 1)).toEqual({ ok: true });
    expect(scanStrict('[[]]', 1)).toMatchObject({ ok: false, reason: 'too-deep' });
  });
  it('accepts an integer literal whose value Number#toString names, in exponent form too, and zero with any exponent (from mutation testing)', () => {
    // 1.2e+21, 1.5e+300 and 1e+21 written out: they survive the round trip (SPEC.md §1), and
    // are only not canonical.
    for (const t of ['[1200000000000000000000]', `[15${'0'.repeat(299)}]`, '[1000000000000000000000]', '[0e5]', '[0E-400]', '[-0.0e+1]']) {
      expect(scanStrict(t), t).toEqual({ ok: true });
    }
    expect(scanStrict('[1200000000000000000001]')).toMatchObject({ ok: false, reason: 'integer-precision-loss' });
  });
  it('accepts a well-formed escaped surrogate pair, 1e+30 and -32311379455057110', () => {
    expect(scanStrict('["\\ud83d\\ude02", 1e+30, -32311379455057110, 0.000000000000000000000000001]').ok).toBe(true);
  });
  it('tells a lone surrogate escape from a pair at the edges of both ranges, in either case of hex digit (from mutation testing)', () => {
    // A high surrogate followed by an escape just past the low range (U+E000, U+FFFF) or just
    // before it (U+DBFF) is lone; the pairs at the range ends are not. Upper-case hex digits
    // are the same code units (not canonical, but representable or not alike).
    for (const t of ['["\\ud800\\ue000"]', '["\\udbff\\uffff"]', '["\\ud800\\udbff"]', '["\\udbff"]', '["\\uD800"]', '["\\uDBFF\\uE000"]', '["\\uDFFF"]', '["\\udBfF"]']) {
      expect(parses(t), t).toBe(true);
      expect(scanStrict(t), t).toMatchObject({ ok: false, reason: 'lone-surrogate' });
    }
    for (const t of ['["\\ud800\\udc00"]', '["\\udbff\\udfff"]', '["\\uD800\\uDC00"]', '["\\uDBFF\\uDFFF"]', '["\\ud7ff\\ue000"]', '["\\uD7FF"]']) {
      expect(scanStrict(t), t).toEqual({ ok: true });
    }
  });

  it('says where the first problem of representation is: at the escape, the number, and the first of several (from mutation testing)', () => {
    expect(scanStrict('["\\ud800"]')).toEqual({ ok: false, reason: 'lone-surrogate', offset: 2 });
    expect(scanStrict('["x\\udc00"]')).toEqual({ ok: false, reason: 'lone-surrogate', offset: 3 });
    expect(scanStrict('[1, 1e400]')).toEqual({ ok: false, reason: 'number-out-of-range', offset: 4 });
    expect(scanStrict('["\\ud800", 1e400, {"a":1,"a":2}]')).toEqual({ ok: false, reason: 'lone-surrogate', offset: 2 });
    expect(scanStrict('[1e400, "\\ud800"]')).toEqual({ ok: false, reason: 'number-out-of-range', offset: 1 });
  });

  it('says an escape or a number is not in canonical form where it starts (from mutation testing)', () => {
    expect(scanCanonical('{"a":"\\u0041"}')).toEqual({ ok: false, reason: 'escape-form', offset: 6 });
    expect(scanCanonical('{"a":"x\\u001F"}')).toEqual({ ok: false, reason: 'escape-form', offset: 7 });
    expect(scanCanonical('{"a":"\\/"}')).toEqual({ ok: false, reason: 'escape-form', offset: 6 });
    expect(scanCanonical('{"a":[0,1.0]}')).toEqual({ ok: false, reason: 'number-form', offset: 8 });
    expect(scanCanonical('{"a":-0}')).toEqual({ ok: false, reason: 'number-form', offset: 5 });
    // Not JSON (the line check asks scanStrict why), but said where all the same.
    expect(scanCanonical('{"a":"x\u0001"}')).toEqual({ ok: false, reason: 'control-character-in-string', offset: 7 });
  });

  it('says a key is out of order or repeated at that key\'s opening quote, at any depth (from mutation testing)', () => {
    expect(scanCanonical('{"b":1,"a":2}')).toEqual({ ok: false, reason: 'key-order', offset: 7 });
    expect(scanCanonical('{"a":1,"a":2}')).toEqual({ ok: false, reason: 'duplicate-key', offset: 7 });
    expect(scanCanonical('{"x":{"b":1,"a":2}}')).toEqual({ ok: false, reason: 'key-order', offset: 12 });
  });

  it('finds a duplicate key written with an escape in upper-case hex, or in an escape a letter away (from mutation testing)', () => {
    for (const t of ['{"\\u004A":1,"J":2}', '{"J":1,"\\u004a":2}', '{"\\u00E9":1,"\\u00e9":2}', '{"\\u00C9":1,"\u00c9":2}']) {
      expect(parses(t), t).toBe(true);
      expect(scanStrict(t), t).toMatchObject({ ok: false, reason: 'duplicate-key' });
    }
    // One letter apart: two keys, no duplicate.
    for (const t of ['{"\\u004A":1,"K":2}', '{"\\u004B":1,"J":2}', '{"\\u00EA":1,"\\u00e9":2}']) expect(scanStrict(t), t).toEqual({ ok: true });
  });
});
