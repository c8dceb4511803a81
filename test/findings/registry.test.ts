/** The finding-code registry and its generated documentation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, CODES } from '../../src/findings/codes.js';
import { makeFinding } from '../../src/findings/finding.js';
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
});
