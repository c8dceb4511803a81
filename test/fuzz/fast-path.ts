/**
 * Events written member by member as raw text, canonical or not, then sealed with a hash and
 * fingerprint over their own bytes (the way the fast path computes them), and the property
 * that the fast path (src/envelope/fast.ts) answers only as the full check does. Shared by
 * test/envelope/fast.test.ts (a fixed number of runs in CI) and `npm run fuzz` (long runs).
 *
 * The lines that matter for the fast path are the ones whose digests are right (anything
 * else fails its hash comparison), in forms canonical and not: white space, key order,
 * duplicate and missing members, escape and number forms, schema violations, non-ASCII keys.
 */
import { createHash } from 'node:crypto';
import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import { checkLineFully, type CheckOptions } from '../../src/envelope/check.js';
import { fastCheckLine, scannedBy } from '../../src/envelope/fast.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import type { EventRecord, LineRef } from '../../src/envelope/types.js';

const REF: LineRef = { file: 'log.jsonl', line: 3, ordinal: 2 };
export const KEEP: CheckOptions = { maxDepth: 128, keepEvent: true };
export const DROP: CheckOptions = { maxDepth: 128, keepEvent: false };

export function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * The fast path's answer for `bytes`, after checking that it is the full check's record
 * (values, and the parsed event's member order), that the fast path gives the same answer
 * with its text scanner alone, and that the two scanners agree (`scannersAgree`); throws when
 * any of that does not hold.
 */
export function agreed(bytes: Buffer, opts: CheckOptions = KEEP): EventRecord | null {
  scannersAgree(bytes, opts.maxDepth);
  const fast = fastCheckLine(bytes, REF, opts.maxDepth, opts.keepEvent);
  const textOnly = fastCheckLine(bytes, REF, opts.maxDepth, opts.keepEvent, false, false);
  deepStrictEqual(fast, textOnly);
  if (fast !== null) {
    const full = checkLineFully(bytes, REF, opts);
    deepStrictEqual({ ...fast, findings: [...fast.findings] }, { ...full, findings: [...full.findings] });
    if (fast.event !== null && full.kind === 'event') deepStrictEqual(Object.keys(fast.event), Object.keys(full.event!));
  }
  return fast;
}

/** Lines the WebAssembly scanner proved, over all lines `scannersAgree` saw. */
export const scannerStats = { lines: 0, wasm: 0, text: 0 };

/**
 * The WebAssembly scanner proves a line only when the text scanner does, with the same
 * members at the same places, and its byte offsets are those places in UTF-8. (The text
 * scanner may prove more: fractions, escaped keys.)
 */
export function scannersAgree(bytes: Buffer, maxDepth: number): void {
  const wasm = scannedBy('wasm', bytes, maxDepth);
  const text = scannedBy('text', bytes, maxDepth);
  scannerStats.lines++;
  if (wasm !== null) scannerStats.wasm++;
  if (text !== null) scannerStats.text++;
  if (wasm === null) return;
  if (text === null) throw new Error(`the WebAssembly scanner proves a line the text scanner does not: ${JSON.stringify(bytes.toString('latin1'))}`);
  deepStrictEqual({ ...wasm, byteSpans: null, envelope: false }, text);
  const decoded = bytes.toString('utf8');
  deepStrictEqual(wasm.byteSpans, wasm.spans.map((k) => Buffer.byteLength(decoded.slice(0, k))));
}

export type Members = [key: string, value: string][];

const HEX = 'a'.repeat(64);
export const GOOD: Members = [
  ['actor', '{"id":"agent-1","zone":"executor"}'],
  ['chain', '"prod"'],
  ['decision', '{"action":"allow","rule":"r-1","severity":"info"}'],
  ['hash', ''],
  ['kind', '"tool.invoke"'],
  ['policy_hash', `"sha256:${'b'.repeat(64)}"`],
  ['prev_hash', `"sha256:${'0'.repeat(64)}"`],
  ['request', '{"n":1,"url":"https://x.test/é"}'],
  ['request_fingerprint', ''],
  ['seq', '0'],
  ['ts', '"2026-11-01T12:00:00.000Z"'],
  ['v', '"sel.audit/1"'],
];

/** Values worth trying in each member: valid ones, and each way of being subtly invalid. */
export const VARIANTS: Record<string, string[]> = {
  actor: [
    '{"id":"agent-1","zone":"kernel"}', '{"id":"é","zone":"userland"}', '{"id":"a\\"b","zone":"supervisor"}',
    '{"id":"","zone":"kernel"}', `{"id":"${'x'.repeat(200)}","zone":"kernel"}`, `{"id":"${'x'.repeat(201)}","zone":"kernel"}`,
    `{"id":"${'é'.repeat(150)}","zone":"kernel"}`, '{"id":"a","zone":"root"}', '{"id":"a","zone":"Kernel"}',
    '{"zone":"kernel","id":"a"}', '{"id":"a","x":1,"zone":"kernel"}', '{"id":"a"}', '{"id":1,"zone":"kernel"}',
    '{"id":"a","zone":"kernel","zone":"kernel"}', '{"id":"a","zone":"kernel" }', '{"id":"\\u0041","zone":"kernel"}',
    '{"id":"a\\u0001","zone":"kernel"}', '{"id":"a","zone":"kernel\\u0000"}', '[]', 'null', '"agent"',
    // A decision's text (GOOD's and another), proven as a decision: no proof of an actor.
    '{"action":"allow","rule":"r-1","severity":"info"}', '{"action":"block","rule":null,"severity":"critical"}',
  ],
  chain: ['"p"', '"a.b_c-d"', '"9z"', '""', '"-a"', '".a"', '"a b"', '"a/b"', '"é"', '"a\\u0062"', `"${'c'.repeat(200)}"`, `"${'c'.repeat(201)}"`, '1', 'null'],
  decision: [
    '{"action":"block","rule":null,"severity":"critical"}', '{"action":"warn","rule":"","severity":"low"}',
    '{"action":"review","rule":"a\\nb","severity":"medium"}', '{"action":"allow","rule":1,"severity":"info"}',
    '{"action":"deny","rule":null,"severity":"info"}', '{"action":"allow","rule":null,"severity":"none"}',
    '{"action":"allow","severity":"info"}', '{"action":"allow","rule":null,"severity":"info","x":0}',
    '{"rule":null,"action":"allow","severity":"info"}', '{"action":"allow","rule":nul,"severity":"info"}',
    '{"action":"allow","rule":"x","rule":"y","severity":"info"}',
    // An actor's text (GOOD's and another), proven as an actor: no proof of a decision.
    '{"id":"agent-1","zone":"executor"}', '{"id":"agent-1","zone":"kernel"}',
  ],
  kind: ['"k"', '"é"', '""', '[1,2,3]', '12345', 'false', '{"a":1}', '"a\\"b"', `"${'k'.repeat(200)}"`, `"${'k'.repeat(201)}"`, `"${'😂'.repeat(100)}"`, `"${'😂'.repeat(101)}"`, '"a\\tb"', '"\\u001f"', '"\\u001F"', '"\\/"', '7', '{}'],
  policy_hash: [
    `"sha256:${'c'.repeat(64)}"`, `"sha256:${'C'.repeat(64)}"`, `"sha256:${'c'.repeat(63)}"`, `"sha256:${'c'.repeat(65)}"`,
    `"sha512:${'c'.repeat(128)}"`, `"SHA256:${'c'.repeat(64)}"`, `"sha256:${'g'.repeat(64)}"`, `"sha256:${'c'.repeat(63)}\\""`,
    `"sha256-${'c'.repeat(64)}"`, 'null',
  ],
  prev_hash: [`"sha256:${'1'.repeat(64)}"`, `"sha256:${'1'.repeat(63)}G"`, `"md5:${'1'.repeat(32)}"`, `"sha256:${'1'.repeat(62)}\\u0031"`, '0'],
  request: [
    '{}', '{"a":[1,2,{"b":null}],"c":true,"d":false}', '{"b":1,"a":2}', '{"a":1, "b":2}', '{"a":1,"a":1}', '{"é":1,"z":2}',
    '{"z":1,"é":2}', '{"\\u00e9":1}', '{"a\\"":1,"a":2}', '{"😂":1,"\uffff":2}', '{"\uffff":1,"😂":2}', '{"x":1.5}', '{"x":1.50}',
    '{"x":1e21}', '{"x":1e+21}', '{"x":-0}', '{"x":0.1}', '{"x":01}', '{"x":-1}', '{"x":9007199254740991}',
    '{"x":9007199254740993}', '{"x":123456789012345}', '{"x":1E5}', '{"x":1e400}', '{"x":5e-324}', '{"x":1e-400}',
    '{"x":"\\u00e9"}', '{"x":"\\ud800"}', '{"x":"\\ud83d\\ude02"}', '{"x":"\\b\\f\\n\\r\\t\\"\\\\"}', '{"x":"\\u0008"}',
    '{"x":"\\u000b"}', '{"x":"\\u000B"}', '{"x":"\\/"}', '{"x":"\u007f\u2028"}', '{"x":[]}', '{"x":[ ]}', '{"x":[1,]}',
    '{"x":{"y":{"z":{}}}}', '{"x":tru}', '{"x":nulll}', '[]', '"r"', '{"x":"a\tb"}',
  ],
  seq: ['1', '0', '42', '123456789012345', '1234567890123456', '9007199254740991', '-1', '-0', '01', '1.0', '1e2', '"1"', 'null'],
  ts: [
    '"2026-02-29T00:00:00.000Z"', '"2024-02-29T23:59:59.999Z"', '"2026-13-01T00:00:00.000Z"', '"2026-11-01T24:00:00.000Z"',
    '"2026-11-01T12:00:00Z"', '"2026-11-01T12:00:00.000+00:00"', '"2100-02-29T00:00:00.000Z"', '"2000-02-29T00:00:00.000Z"',
    '"2026-11-01T12:00:00.000Z0"', '"2026-11-01T12:00:00.000ZZ"', '"2026-11-01T12:00:00.000Z\\n"', '"2026-04-31T00:00:00.000Z"', '"2026-11-01 12:00:00.000Z"', '"2026-11-01T12:00:00.00\\u0030Z"', '0',
  ],
  // `{D}` stands for the right digits (seal fills them in): only the form around them is wrong.
  hash: ['"sha512:{D}"', '"SHA256:{D}"', '"sha256:{D}0"', '"sha256-{D}"', '"sha256:{D}\\n"', '"{D}"', '"sha256:{D}"'],
  request_fingerprint: ['"sha512:{D}"', '"SHA256:{D}"', '"sha256:{D}0"', '"sha256 {D}"', '"sha256:{D}\\n"', '"{D}"', '"sha256:{D}"'],
  v: ['"sel.audit/2"', '"sel.audit/1 "', '"sel.audit\\/1"', '1', 'null'],
  review_ref: ['"ledger/reviews/r.json"', '"/etc/passwd"', '"a/../b"', '"a//b"', '"a\\\\b"', '""', '"a\\u002fb"', '1'],
  exception_ref: ['"ledger/e.json"', '"./e.json"', '"e\\u0000"', 'null'],
};

const MEMBER_NAMES = Object.keys(VARIANTS);
const EXTRA_KEYS = ['a', 'b_', 'hash2', 'kind ', 'requesu', 'request_fingerprinu', 'v0', 'zz', 'é', '\\u0061', 'A', '', 'ts', 'hash'];

/** Seals the members: fingerprint over the request's text, hash over the line without it. */
export function seal(members: Members, wrongHash: boolean): Buffer {
  const req = members.find(([k]) => k === 'request')?.[1];
  const fp = req === undefined ? `sha256:${HEX}` : sha256(req);
  const withFp = members.map(([k, v]): [string, string] => [k, k !== 'request_fingerprint' ? v : v === '' ? `"${fp}"` : v.replace('{D}', fp.slice(7))]);
  const text = (ms: Members): string => `{${ms.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
  // The hash member is left out of what it hashes, so its own text can be anything.
  const unsealed = withFp.filter(([k]) => k !== 'hash');
  const h = wrongHash ? `sha256:${'e'.repeat(64)}` : sha256(text(unsealed));
  return Buffer.from(text(withFp.map(([k, v]): [string, string] => [k, k !== 'hash' ? v : v === '' ? `"${h}"` : v.replace('{D}', h.slice(7))])), 'utf8');
}

export type Edit =
  | { op: 'value'; member: string; pick: number }
  | { op: 'space'; member: number; at: number; ws: string }
  | { op: 'swap'; i: number; j: number }
  | { op: 'drop'; i: number }
  | { op: 'dup'; i: number }
  | { op: 'extra'; key: number; value: unknown; at: number };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('value' as const), member: fc.constantFrom(...MEMBER_NAMES), pick: fc.nat() }), weight: 6 },
  fc.record({ op: fc.constant('space' as const), member: fc.nat(), at: fc.nat(), ws: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0') }),
  fc.record({ op: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ op: fc.constant('drop' as const), i: fc.nat() }),
  fc.record({ op: fc.constant('dup' as const), i: fc.nat() }),
  fc.record({ op: fc.constant('extra' as const), key: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }), at: fc.nat() }),
);

export function apply(members: Members, e: Edit): Members {
  const ms = members.map(([k, v]): [string, string] => [k, v]);
  const n = ms.length;
  switch (e.op) {
    case 'value': {
      const options = VARIANTS[e.member]!;
      const v = options[e.pick % options.length]!;
      const at = ms.findIndex(([k]) => k === e.member);
      if (at >= 0) ms[at] = [e.member, v];
      else {
        // Optional members go where key order puts them.
        ms.push([e.member, v]);
        ms.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      }
      return ms;
    }
    case 'space': {
      const [k, v] = ms[e.member % n]!;
      const at = e.at % (v.length + 1);
      ms[e.member % n] = [k, v.slice(0, at) + e.ws + v.slice(at)];
      return ms;
    }
    case 'swap': {
      const a = ms[e.i % n]!;
      ms[e.i % n] = ms[e.j % n]!;
      ms[e.j % n] = a;
      return ms;
    }
    case 'drop':
      ms.splice(e.i % n, 1);
      return ms;
    case 'dup':
      ms.splice(e.i % n, 0, ms[e.i % n]!);
      return ms;
    case 'extra': {
      let value: string;
      try {
        value = canonicalize(e.value);
      } catch {
        value = JSON.stringify(e.value) ?? 'null';
      }
      ms.splice(e.at % (n + 1), 0, [EXTRA_KEYS[e.key % EXTRA_KEYS.length]!, value]);
      return ms;
    }
  }
}


/** Counts of the last runs of `fastPathAgrees`: a pass where nothing was accepted proves little. */
export const fastPathStats = { runs: 0, accepted: 0 };

/** Up to three edits of a valid event, sealed (or sealed wrong): the fast path agrees or declines. */
export const fastPathAgrees = fc.property(fc.array(edit, { minLength: 0, maxLength: 3 }), fc.boolean(), fc.boolean(), (edits, wrongHash, keep) => {
  const line = seal(edits.reduce(apply, GOOD), wrongHash);
  fastPathStats.runs++;
  if (agreed(line, keep ? KEEP : DROP) !== null) fastPathStats.accepted++;
});
