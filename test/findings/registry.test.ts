/** The finding-code registry and its generated documentation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, CODES } from '../../src/findings/codes.js';
import { hasLoneSurrogate } from '../../src/canonical/jcs.js';
import { INVALID_JSON_REASONS, UNREPRESENTABLE_REASONS } from '../../src/canonical/scan.js';
import { makeFinding, shiftLines, shown, SHOWN_CHARS } from '../../src/findings/finding.js';
import { renderFindingsDoc } from '../../src/findings/doc.js';
import { VERSION } from '../../src/version.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('finding codes', () => {
  it('include every code SPEC.md §6 names', () => {
    const spec = [
      'LINE_INVALID_JSON', 'LINE_INVALID_UTF8', 'LINE_TORN', 'LINE_TOO_LONG', 'EVENT_SCHEMA', 'EVENT_NONCANONICAL',
      'HASH_MISMATCH', 'PREV_HASH_MISMATCH', 'SEQ_GAP', 'SEQ_DUPLICATE', 'SEQ_REORDER', 'CHAIN_FORK', 'GENESIS_INVALID',
      'TS_REGRESSION', 'FINGERPRINT_MISMATCH', 'ANCHOR_MISMATCH', 'LOG_TRUNCATED',
    ];
    // And its replay codes.
    spec.push('POLICY_UNKNOWN', 'POLICY_INVALID', 'DECISION_DIVERGENCE', 'REVIEW_MISSING', 'REVIEW_MISMATCH', 'REVIEW_EXPIRED', 'EXCEPTION_MISSING', 'EXCEPTION_EXPIRED');
    for (const c of spec) {
      expect(ALL_CODES).toContain(c);
      expect((CODES as Record<string, { extension?: boolean }>)[c]!.extension).toBeUndefined();
    }
  });
  it('each have a title, help, an example, and a code in SCREAMING_SNAKE_CASE', () => {
    for (const c of ALL_CODES) {
      expect(c).toMatch(/^[A-Z]+(?:_[A-Z0-9]+)+$/);
      const info = CODES[c];
      expect(info.title.length).toBeGreaterThan(5);
      expect(info.help.length).toBeGreaterThan(40);
      expect(info.example.length).toBeGreaterThan(3);
    }
  });
  it('are documented in docs/findings.md exactly as the registry says (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'findings.md'), 'utf8')).toBe(renderFindingsDoc());
  });
  // Review (docs against the tool): LINE_INVALID_JSON's help said the finding gives "what was
  // expected"; it gives the column and a reason (detail.reason), never what the grammar expected.
  it('name every detail.reason the line checks give', () => {
    const names = (help: string, reason: string) => new RegExp(`(^|[^a-z-])${reason}([^a-z-]|$)`).test(help);
    for (const r of INVALID_JSON_REASONS) expect(names(CODES.LINE_INVALID_JSON.help, r), r).toBe(true);
    expect(CODES.LINE_INVALID_JSON.help).not.toMatch(/what was expected/);
    for (const r of [...UNREPRESENTABLE_REASONS, 'whitespace', 'key-order', 'escape-form', 'number-form', 'crlf', 'byte-order-mark']) {
      expect(names(CODES.EVENT_NONCANONICAL.help, r), r).toBe(true);
    }
  });
  it('the version constant is the package version', () => {
    expect(VERSION).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});

describe('what a finding echoes', () => {
  it('is shown by its start and end past 512 characters in detail too: a divergence\'s trace quotes the request (a 1 MB tool name)', () => {
    const tool = 't'.repeat(1_000_000);
    const f = makeFinding('DECISION_DIVERGENCE', {
      message: 'recorded allow, replay gives block',
      detail: { trace: ['capabilities cap.coder: match', `capabilities: deny: grant cap.coder does not include tool "${tool}"`], review: 'ledger/reviews/x.json', n: 3 },
    });
    const trace = f.detail!['trace'] as string[];
    expect(trace[0]).toBe('capabilities cap.coder: match');
    expect(trace[1]).toMatch(/^capabilities: deny: grant cap\.coder does not include tool "t+…\[\d+ characters left out\]…t+"$/);
    expect(trace[1]!.length).toBeLessThan(512);
    expect(f.detail!['review']).toBe('ledger/reviews/x.json');
    expect(f.detail!['n']).toBe(3);
    // Shown twice (a shard's finding, merged) is shown once.
    expect(makeFinding('DECISION_DIVERGENCE', { message: f.message, detail: f.detail! }).detail).toEqual(f.detail);
  });

  it('is shown whole up to 512 characters, and past that by its start and end around how many were left out (from mutation testing)', () => {
    const at = 'a'.repeat(SHOWN_CHARS);
    expect(shown(at)).toBe(at);
    const past = `${'h'.repeat(352)}${'m'.repeat(65)}${'t'.repeat(96)}`;
    expect(shown(past)).toBe(`${'h'.repeat(352)}…[65 characters left out]…${'t'.repeat(96)}`);
  });

  it('is never cut inside a surrogate pair, at its start or at its end, U+10FFFF included (from mutation testing)', () => {
    // A lone surrogate in a report is text JCS cannot write and a JSON reader may refuse.
    // A pair that ends right where the start is cut is kept whole (pad -1; found by mutation review).
    for (const pair of ['😂', '\u{10ffff}', '\u{10000}']) {
      for (let pad = -1; pad < 2; pad++) {
        const s = 'a'.repeat(351 + pad) + pair + 'b'.repeat(300) + pair + 'c'.repeat(94 + pad);
        const out = shown(s);
        expect(hasLoneSurrogate(out), `${pair} ${pad}`).toBe(false);
        const [head, tail] = out.split(/…\[\d+ characters left out\]…/) as [string, string];
        expect(s.startsWith(head)).toBe(true);
        expect(s.endsWith(tail)).toBe(true);
        expect(head.length + tail.length + Number(/\[(\d+) characters/.exec(out)![1])).toBe(s.length);
      }
    }
  });

  it('bounds expected, actual and detail alike, and a message past 4096 characters (from mutation testing)', () => {
    const long = 'x'.repeat(100_000);
    const f = makeFinding('HASH_MISMATCH', { message: long, expected: long, actual: { rule: long, list: [long] } });
    expect(f.expected).toBe(shown(long));
    expect(f.actual).toEqual({ rule: shown(long), list: [shown(long)] });
    expect(f.message.length).toBeLessThan(4096 + 64);
    expect(f.message).toMatch(/^x{3072}…\[\d+ characters left out\]…x{512}$/);
    const exactly = 'm'.repeat(4096);
    expect(makeFinding('HASH_MISMATCH', { message: exactly }).message).toBe(exactly);
  });

  it('keeps a member named __proto__ of what it echoes as a member, also when it shortens it (from mutation testing)', () => {
    const actual = JSON.parse(`{"__proto__":{"polluted":"${'p'.repeat(1000)}"},"a":1}`) as Record<string, unknown>;
    const f = makeFinding('DECISION_DIVERGENCE', { message: 'm', actual, detail: actual });
    for (const v of [f.actual, f.detail] as Record<string, unknown>[]) {
      expect(Object.keys(v)).toEqual(['__proto__', 'a']);
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(JSON.stringify(v)).toBe(`{"__proto__":{"polluted":${JSON.stringify(shown('p'.repeat(1000)))}},"a":1}`);
    }
  });

  it('echoes a value nested deeper than 8 levels, arrays included, as it is, without walking all of it (from mutation testing)', () => {
    // A request may nest arrays 100 000 deep (JSON.parse reads it): walked whole, the stack overflows.
    let deep: unknown = 'x'.repeat(1000);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const f = makeFinding('DECISION_DIVERGENCE', { message: 'm', actual: deep, detail: { request: { a: deep } } });
    expect(f.actual).toBe(deep);
    expect((f.detail!['request'] as { a: unknown }).a).toBe(deep);
    const shallow = [[[['x'.repeat(1000)]]]];
    expect(makeFinding('DECISION_DIVERGENCE', { message: 'm', actual: shallow }).actual).toEqual([[[[shown('x'.repeat(1000))]]]]);
  });

  it('keeps a seq of 0 and a chain as given (from mutation testing)', () => {
    const f = makeFinding('GENESIS_INVALID', { chain: 'c', seq: 0, message: 'm' });
    expect(f.seq).toBe(0);
    expect(f.chain).toBe('c');
    expect(f.severity).toBe(CODES.GENESIS_INVALID.severity);
    expect(makeFinding('TS_REGRESSION', { message: 'm' }).severity).toBe('warning');
  });
});

describe('findings made on part of a file', () => {
  it('move down by the lines before the part, only when located in that file (from mutation testing)', () => {
    const at = (file: string, line: number) => makeFinding('HASH_MISMATCH', { chain: 'c', seq: 1, location: { file, line, column: 3 }, message: 'm' });
    expect(shiftLines(at('a.jsonl', 2), 'a.jsonl', 10).location).toEqual({ file: 'a.jsonl', line: 12, column: 3 });
    expect(shiftLines(at('b.jsonl', 2), 'a.jsonl', 10).location).toEqual({ file: 'b.jsonl', line: 2, column: 3 });
    const none = makeFinding('POLICY_INVALID', { message: 'm' });
    expect(shiftLines(none, 'a.jsonl', 10)).toBe(none);
  });
});
