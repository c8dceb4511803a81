/**
 * RFC 8785 conformance: the published vectors (test/fixtures/rfc8785, from the RFC author's
 * repository) and properties over generated values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalize, JcsError } from '../../src/canonical/jcs.js';
import { checkDigest, digestOf, isDigestForm, isDigestFormBytes, sha256Digest, sha256Hex } from '../../src/canonical/digest.js';
import { OperatorError } from '../../src/errors.js';
import { scanCanonical } from '../../src/canonical/scan.js';

const VECTORS = join(import.meta.dirname, '../fixtures/rfc8785');

describe('RFC 8785 published vectors', () => {
  const names = readdirSync(join(VECTORS, 'input')).filter((n) => n.endsWith('.json')).sort();
  it('has the six vector files', () => {
    expect(names).toEqual(['arrays.json', 'french.json', 'structures.json', 'unicode.json', 'values.json', 'weird.json']);
  });
  for (const name of names) {
    it(`${name}: input canonicalizes to exactly the output bytes`, () => {
      const input = JSON.parse(readFileSync(join(VECTORS, 'input', name), 'utf8')) as unknown;
      const expected = readFileSync(join(VECTORS, 'output', name));
      const hex = readFileSync(join(VECTORS, 'outhex', name.replace('.json', '.txt')), 'utf8').replace(/\s+/g, '');
      const got = Buffer.from(canonicalize(input), 'utf8');
      expect(got.equals(expected)).toBe(true);
      expect(got.toString('hex')).toBe(hex.toLowerCase());
    });
    it(`${name}: the output is recognised as canonical, the input is not`, () => {
      const output = readFileSync(join(VECTORS, 'output', name), 'utf8');
      expect(scanCanonical(output).ok).toBe(true);
      expect(scanCanonical(readFileSync(join(VECTORS, 'input', name), 'utf8')).ok).toBe(false);
    });
  }
});

describe('values JCS cannot represent', () => {
  const cases: [string, unknown, string][] = [
    ['a lone high surrogate', { a: '\ud800' }, 'lone-surrogate'],
    ['a lone low surrogate in a key', { ['x\udc00']: 1 }, 'lone-surrogate'],
    ['NaN', [Number.NaN], 'non-finite-number'],
    ['Infinity', { n: Infinity }, 'non-finite-number'],
    ['undefined', { u: undefined }, 'unsupported-type'],
    ['a function', { f: () => 1 }, 'unsupported-type'],
    ['a bigint', { b: 1n }, 'unsupported-type'],
    ['a Date', { d: new Date(0) }, 'unsupported-type'],
    // Before: written as what the method returned, `[null]` (found by review).
    ['an array with a toJSON method', [Object.assign([1], { toJSON: () => Number.NaN })], 'unsupported-type'],
  ];
  for (const [what, value, reason] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => canonicalize(value)).toThrow(JcsError);
      try {
        canonicalize(value);
      } catch (e) {
        expect((e as JcsError).reason).toBe(reason);
      }
    });
  }
  it('rejects nesting deeper than the limit without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/deeper than/);
  });
  it('nests down to the depth limit, and no deeper', () => {
    // (From mutation testing.)
    expect(canonicalize([], 1)).toBe('[]');
    expect(() => canonicalize([[]], 1)).toThrow(JcsError);
  });
  it('takes a maxDepth of 0, which holds scalars only, and no less (from mutation testing)', () => {
    expect(canonicalize('x', 0)).toBe('"x"');
    expect(() => canonicalize([], 0)).toThrow(JcsError);
    expect(() => canonicalize('x', -1)).toThrow(OperatorError);
  });
  it('nests objects down to the depth limit, and no deeper, as it does arrays (from mutation testing)', () => {
    expect(canonicalize({}, 1)).toBe('{}');
    expect(canonicalize({ a: {} }, 2)).toBe('{"a":{}}');
    expect(() => canonicalize({ a: {} }, 1)).toThrow(JcsError);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => canonicalize(deep)).toThrow(/deeper than/);
  });
  it('names the value it rejects by its JSON Pointer (RFC 6901)', () => {
    const pointer = (v: unknown): string => {
      try {
        canonicalize(v);
      } catch (e) {
        return `${(e as JcsError).pointer} ${(e as JcsError).message}`;
      }
      return 'accepted';
    };
    expect(pointer({ a: [1, { 'b/c~d': [Number.NaN] }] })).toBe('/a/1/b~1c~0d/0 number at "/a/1/b~1c~0d/0" is not finite');
    expect(pointer(Infinity)).toBe(' number at "" is not finite');
    expect(pointer({ x: { ['k\ud800']: 1 } })).toBe('/x a key in "/x" holds a lone surrogate');
    expect(pointer([[{ toJSON: () => 1 }]])).toBe('/0/0 value at "/0/0" has a toJSON method');
    expect(pointer({ a: [Object.assign([], { toJSON: () => '\ud800' })] })).toBe('/a/0 value at "/a/0" has a toJSON method');
    // A hole in a sparse array, at once: the array's 2^32 - 1 places were all held before the
    // first was checked, and the heap ran out (found by review).
    // eslint-disable-next-line no-sparse-arrays
    expect(pointer({ a: [1, , 2] })).toBe('/a/1 value at "/a/1" is undefined, which JSON cannot hold');
    expect(pointer({ big: new Array(2 ** 32 - 1) })).toBe('/big/0 value at "/big/0" is undefined, which JSON cannot hold');
    // Before: "is a undefined".
    expect(pointer({ a: [1, undefined] })).toBe('/a/1 value at "/a/1" is undefined, which JSON cannot hold');
    expect(pointer({ s: Symbol('s') })).toBe('/s value at "/s" is a symbol, which JSON cannot hold');
  });
  it('rejects what a polluted Object.prototype would have the writer call, not writing what toJSON returns (found by review)', () => {
    // Before: canonicalize({ a: 1 }) was "polluted".
    Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'polluted', configurable: true, writable: true });
    try {
      expect(() => canonicalize({ a: 1 })).toThrow('value at "" has a toJSON method');
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
    expect(canonicalize({ a: 1 })).toBe('{"a":1}');
    // A toJSON member that is data, not a method, is data.
    expect(canonicalize({ toJSON: 'x' })).toBe('{"toJSON":"x"}');
  });
  it('accepts a well-formed surrogate pair and writes it as itself', () => {
    expect(canonicalize({ e: '😂' })).toBe('{"e":"😂"}');
  });
  it('writes -0 as 0 and 1e30 as 1e+30 (Number#toString)', () => {
    expect(canonicalize([-0, 1e30, 4.5, 0.002, 1e-7])).toBe('[0,1e+30,4.5,0.002,1e-7]');
  });
  it('keeps a __proto__ key as data', () => {
    const v = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(canonicalize(v)).toBe('{"__proto__":{"x":1},"a":2}');
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe('canonical form properties', () => {
  it('is idempotent: canonicalizing the parsed canonical form gives the same text', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const c = canonicalize(v);
        expect(canonicalize(JSON.parse(c))).toBe(c);
      }),
      { numRuns: 500 },
    );
  });
  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), jsonValue, { maxKeys: 8 }), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(obj));
      }),
      { numRuns: 300 },
    );
  });
  it('is what the single-pass scanner accepts, for every generated value', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        expect(scanCanonical(canonicalize(v)).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('digests (SPEC.md §1)', () => {
  it('take no string for a digest that is not one, before any digest was seen: the memo of known digests starts empty (from mutation testing)', () => {
    // First in this file: check.test.ts's test of "" runs after its memos are full. With the
    // memo filled with "" at the start, "" was a well-formed digest to the envelope schema.
    expect(isDigestForm('')).toBe(false);
    expect(isDigestForm('sha256:')).toBe(false);
    expect(isDigestForm(`sha256:${'a'.repeat(64)}`)).toBe(true);
  });
  it('are classified: sha256, another algorithm of any lower-case name however short, or malformed (from mutation testing)', () => {
    expect(checkDigest(`sha256:${'a'.repeat(64)}`)).toEqual({ kind: 'sha256' });
    expect(checkDigest('m:abc')).toEqual({ kind: 'unsupported', algorithm: 'm' });
    expect(checkDigest('md5:abc')).toEqual({ kind: 'unsupported', algorithm: 'md5' });
    expect(isDigestForm('m:abc')).toBe(true);
    for (const bad of ['Md5:abc', 'MD5:abc', 'Sha256:abc', 'sha256:abc', ':abc', 'md5:']) {
      expect(checkDigest(bad), bad).toEqual({ kind: 'malformed' });
      expect(isDigestForm(bad), bad).toBe(false);
    }
  });
  /** isDigestFormBytes over the string's bytes between two others, required to agree with isDigestForm. */
  const bothForms = (s: string): boolean => {
    const r = isDigestForm(s);
    const b = Buffer.from(`x${s}:`, 'latin1');
    expect(isDigestFormBytes(b, 1, b.length - 2), `bytes of ${JSON.stringify(s)}`).toBe(r);
    return r;
  };
  it('read in place (a shard result\'s hash and prev_hash columns) are what isDigestForm says of the same text', () => {
    for (const good of [`sha256:${'0'.repeat(64)}`, `sha256:${'af'.repeat(32)}`, 'm:abc', 'md5:Zz09+/=_-', 'sha512:abc', 'sha256-x:A', 'sha2566:A', 'a-b:c', '0:1']) expect(bothForms(good), good).toBe(true);
    for (const bad of ['', ':', 'sha256:', 'sha256:abc', `sha256:${'A'.repeat(64)}`, `sha256:${'0'.repeat(63)}g`, `sha256:${'0'.repeat(65)}`, 'Md5:abc', '-md5:abc', ':abc', 'md5:',
      'md5:a:b', 'md5:a b', 'md5:a\n', 'md5_x:a', 'md5', '\u001b[2J:abc', 'md5:\u001b[2J', 'md5:é']) expect(bothForms(bad), JSON.stringify(bad)).toBe(false);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9:-]{0,8}:?[0-9a-zA-Z+/=_ :.-]{0,70}$/), fc.string({ maxLength: 80, unit: 'binary-ascii' }), (s, t) => {
        bothForms(s);
        bothForms(t);
        bothForms(`sha256:${s.slice(0, 64).padEnd(64, 'a')}`);
      }),
      { numRuns: 500 },
    );
  });
  const noble = (data: string | Uint8Array): string => bytesToHex(sha256(typeof data === 'string' ? new TextEncoder().encode(data) : data));
  it('are SHA-256 (FIPS 180-4 "abc" vector) over UTF-8, written "sha256:" + 64 lowercase hex digits (from mutation testing)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Digest('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(digestOf({ b: 1, a: 'é' })).toBe(`sha256:${noble('{"a":"é","b":1}')}`);
  });
  it('agree with an independent implementation (@noble/hashes) on strings, bytes and canonical forms (from mutation testing)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 300 }), jsonValue, (s, b, v) => {
        expect(sha256Hex(s)).toBe(noble(s));
        expect(sha256Digest(b)).toBe(`sha256:${noble(b)}`);
        expect(digestOf(v)).toBe(`sha256:${noble(canonicalize(v))}`);
      }),
      { numRuns: 300 },
    );
  });
});
