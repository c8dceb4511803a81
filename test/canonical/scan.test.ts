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
  it('accepts nesting down to the depth limit, and no deeper', () => {
    // (From mutation testing.)
    expect(scanStrict('[]', 1)).toEqual({ ok: true });
    expect(scanStrict('[[]]', 1)).toMatchObject({ ok: false, reason: 'too-deep' });
  });
  it('accepts a well-formed escaped surrogate pair, 1e+30 and -32311379455057110', () => {
    expect(scanStrict('["\\ud83d\\ude02", 1e+30, -32311379455057110, 0.000000000000000000000000001]').ok).toBe(true);
  });
});
