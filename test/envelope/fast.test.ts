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
import { agreed, apply, DROP, fastPathAgrees, fastPathStats, GOOD, KEEP, seal, sha256, VARIANTS } from '../fuzz/fast-path.js';

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
    fc.assert(fastPathAgrees, { numRuns: 3000 });
    // Not a vacuous pass: clean and validly edited events do take the fast path.
    expect(fastPathStats.accepted).toBeGreaterThan(fastPathStats.runs / 20);
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
