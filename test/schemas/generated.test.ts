/** The generated validators are ajv's standalone code for the schemas as they are now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateValidator, moduleName, schemaFiles } from '../../src/schemas/generate.js';
import { formats, isChainIdForm, isLedgerPath, isName, isSelTimestamp, isSelTimestampAt, isSelTimestampBytes } from '../../src/schemas/formats.js';
import { validateAnchor, validateReview } from '../../src/schemas/validators.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * isSelTimestamp, with what its byte form (a shard result's ts column, shard/format.ts) says of
 * the same 24 characters required to agree.
 */
function selTimestamp(s: string): boolean {
  const r = isSelTimestamp(s);
  if (s.length === 24) {
    const b = Buffer.concat([Buffer.from('x'), Buffer.from(s, 'latin1')]);
    expect(isSelTimestampBytes(b, 1), `bytes of ${s}`).toBe(r);
  }
  return r;
}

describe('generated validators', () => {
  for (const file of schemaFiles(ROOT)) {
    it(`src/schemas/generated/${moduleName(file)}.ts is current (run \`npm run schemas\`)`, () => {
      const want = generateValidator(readFileSync(join(ROOT, 'schemas', file), 'utf8'));
      expect(readFileSync(join(ROOT, 'src', 'schemas', 'generated', `${moduleName(file)}.ts`), 'utf8')).toBe(want);
    });
  }
});

describe('formats', () => {
  /** `format` takes each of `ok` and refuses each of `bad`. */
  const judges = (format: (s: string) => boolean, ok: string[], bad: string[]): void => {
    for (const s of ok) expect(format(s), s).toBe(true);
    for (const s of bad) expect(format(s), s).toBe(false);
  };
  it('sel-timestamp accepts real UTC instants with milliseconds only', () => {
    judges(selTimestamp, ['2026-11-01T12:00:00.000Z', '2024-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z'],
      ['2026-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-31T00:00:00.000Z',
        '2026-11-01T12:60:00.000Z', '2026-11-01 12:00:00.000Z', '2026-11-01T12:00:00.000z', '2026-11-01T12:00:00.00Z', '+02026-11-01T12:00:00.000Z']);
  });
  it('sel-ledger-path names only files under the repository root', () => {
    judges(isLedgerPath, ['ledger/reviews/ab.json', 'ledger/exceptions/EX-1.json'], ['', '/etc/passwd', '../x', 'ledger/../../x', 'ledger//x', 'ledger/./x', 'ledger\\x', 'a\u0000b']);
  });
  it('sel-timestamp accepts the last day of every month and refuses the day after, in leap and common years (from mutation testing)', () => {
    const last = (y: number): number[] => [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (const year of [2026, 2024, 2000, 1900]) {
      last(year).forEach((days, m) => {
        const at = (d: number): string => `${year}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00.000Z`;
        expect(selTimestamp(at(days)), at(days)).toBe(true);
        expect(selTimestamp(at(days + 1)), at(days + 1)).toBe(false);
      });
    }
  });
  it('sel-timestamp takes 29 February of a century year only when it is divisible by 400 (from mutation testing)', () => {
    judges(selTimestamp, ['1600-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '2400-02-29T00:00:00.000Z', '0000-02-29T00:00:00.000Z', '2004-02-29T00:00:00.000Z'],
      ['1800-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2200-02-29T00:00:00.000Z', '2300-02-29T00:00:00.000Z']);
  });
  it('sel-timestamp refuses a day or month 00, hour 24, minute or second 60, and exactly 24 characters only (from mutation testing)', () => {
    judges(selTimestamp, ['0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-11-01T23:00:00.000Z'],
      ['2026-11-00T12:00:00.000Z', '2026-00-01T12:00:00.000Z', '2026-11-01T24:00:00.000Z', '2026-11-01T12:00:60.000Z',
        '2026-11-01T12:60:00.000Z', '2026-11-01T12:00:00.000Z ', '2026-11-01T12:00:00.000Zx', '2026-11-01T12:00:00.0000Z', '2026-11-01T12:00:00.000']);
  });
  it('sel-timestamp refuses a character that is no digit in every digit place, and a wrong separator in every separator place (from mutation testing)', () => {
    const good = '2026-11-01T12:34:56.789Z';
    const separators = new Set([4, 7, 10, 13, 16, 19, 23]);
    for (let i = 0; i < good.length; i++) {
      // '/' and ':' are the characters just before and after the digits; 'a' is no digit at all.
      for (const c of separators.has(i) ? ['/', ':', '-', '.', 'T', 'Z', '0'].filter((x) => x !== good[i]) : ['/', ':', 'a', ' ']) {
        const bad = good.slice(0, i) + c + good.slice(i + 1);
        expect(selTimestamp(bad), bad).toBe(false);
      }
    }
  });
  it('sel-timestamp judged in place reads the timestamp where it starts, not at the start of the text (from mutation testing)', () => {
    const s = '"ts":"2026-11-01T12:34:56.789Z"';
    expect(isSelTimestampAt(s, 6)).toBe(true);
    expect(isSelTimestampAt('9999-13-99T99:99:99.999Z2024-02-29T23:59:59.999Z', 24)).toBe(true);
    expect(isSelTimestampAt('2024-02-29T23:59:59.999Z2026-02-29T23:59:59.999Z', 24)).toBe(false);
  });
  it('sel-chain-id is 1 to 200 characters of a path-safe alphabet that starts with a letter or digit, also once a chain id was seen (from mutation testing)', () => {
    for (const ok of ['prod-agents', 'a', '0', 'a.b_c-d', 'x'.repeat(200)]) {
      expect(isChainIdForm(ok), ok).toBe(true);
      expect(isChainIdForm(ok), `${ok} again`).toBe(true);
    }
    for (const bad of ['', '.', '..', '.hidden', '-x', '_x', 'a/b', 'a b', 'é', 'x'.repeat(201)]) {
      expect(isChainIdForm(bad), bad).toBe(false);
      expect(isChainIdForm(bad), `${bad} again`).toBe(false);
    }
  });
  it('sel-name is 1 to 200 UTF-16 code units; sel-ledger-path at most 1024 (from mutation testing)', () => {
    judges(isName, ['a', 'x'.repeat(200), '😂'.repeat(100)], ['', 'x'.repeat(201), '😂'.repeat(100) + 'x']);
    judges(isLedgerPath, [`ledger/${'x'.repeat(1017)}`], [`ledger/${'x'.repeat(1018)}`, '/x', '.', './x', 'ledger/.', 'ledger/', 'ledger/..']);
  });
  it('each format name the schemas use is checked by its own rule, in the generated validators too (from mutation testing)', () => {
    expect(formats['sel-timestamp']!.validate).toBe(isSelTimestamp);
    expect(formats['sel-chain-id']!.validate).toBe(isChainIdForm);
    expect(formats['sel-name']!.validate).toBe(isName);
    expect(formats['sel-ledger-path']!.validate).toBe(isLedgerPath);
    const digest = `sha256:${'a'.repeat(64)}`;
    const review = { v: 'sel.review/1', request_fingerprint: digest, policy_hash: digest, decision: 'approved', reviewer: 'alice@example.com', reviewed_at: '2026-11-01T12:00:00.000Z', expires_at: '2026-11-02T12:00:00.000Z' };
    expect(validateReview(review)).toBe(true);
    for (const [k, v] of [['reviewer', ''], ['reviewer', 'x'.repeat(201)], ['policy_hash', 'sha256:abc'], ['policy_hash', `sha256:${'A'.repeat(64)}`], ['expires_at', '2026-11-02T12:00:00Z']]) {
      expect(validateReview({ ...review, [k!]: v }), `${k}: ${v}`).toBe(false);
    }
    const anchor = { v: 'sel.anchor/1', chain: 'prod-agents', seq: 3, hash: digest, ts: '2026-11-01T12:00:00.000Z' };
    expect(validateAnchor(anchor)).toBe(true);
    for (const chain of ['..', '-x', 'a/b', '']) expect(validateAnchor({ ...anchor, chain }), chain).toBe(false);
    expect(validateAnchor({ ...anchor, hash: 'sha256:x' })).toBe(false);
  });
});
