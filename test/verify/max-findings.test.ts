/**
 * --max-findings keeps the most severe findings, first found first: the first N by (severity,
 * order found), listed by position. A run whose first N findings were warnings listed no error
 * of the thousands after them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { severityRank, type FindingCode } from '../../src/findings/codes.js';
import { makeFinding, type Finding } from '../../src/findings/finding.js';
import { verifyLogs } from '../../src/verify/run.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier } from '../../src/verify/verifier.js';

const TAMPERED = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered');

/** What --max-findings n keeps of findings in the order found, listed in `listed`'s order. */
function expected(found: readonly Finding[], listed: readonly Finding[], n: number): string[] {
  const best = found
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .slice(0, n === 0 ? found.length : n);
  const left = new Map<string, number>();
  for (const { f } of best) left.set(JSON.stringify(f), (left.get(JSON.stringify(f)) ?? 0) + 1);
  const out: string[] = [];
  for (const f of listed) {
    const k = JSON.stringify(f);
    const c = left.get(k) ?? 0;
    if (c > 0) {
      out.push(k);
      left.set(k, c - 1);
    }
  }
  return out;
}

describe('--max-findings', () => {
  const CODES: readonly FindingCode[] = ['LINE_INVALID_JSON', 'TS_REGRESSION', 'POLICY_USERLAND_GRANT'];

  it('keeps the first N by severity, then order found, and lists them by position (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ code: fc.constantFrom(...CODES), line: fc.integer({ min: 1, max: 30 }) }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 70 }),
        (specs, n) => {
          const found = specs.map((s, i) => makeFinding(s.code, { location: { file: 'a.jsonl', line: s.line }, message: `#${i}` }));
          const v = new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS, maxFindings: n });
          for (const f of found) v.report(f);
          const r = v.finish();
          const all = [...found].map((f, i) => ({ f, i })).sort((a, b) => a.f.location!.line - b.f.location!.line || a.i - b.i).map((x) => x.f);
          expect(r.findings.map((f) => JSON.stringify(f))).toEqual(expected(found, all, n));
          expect(r.summary.findings.total).toBe(found.length);
          expect(r.summary.findings.omitted).toBe(found.length - r.findings.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lists an error found after the limit was reached by warnings, and the first of equal ones', () => {
    const warn = (line: number) => makeFinding('TS_REGRESSION', { location: { file: 'a.jsonl', line }, message: 'w' });
    const err = (line: number) => makeFinding('LINE_INVALID_JSON', { location: { file: 'a.jsonl', line }, message: 'e' });
    const v = new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS, maxFindings: 2 });
    for (const f of [warn(1), warn(2), warn(3), err(9), err(4), err(5), warn(6)]) v.report(f);
    const r = v.finish();
    expect(r.findings.map((f) => `${f.code}@${f.location!.line}`)).toEqual(['LINE_INVALID_JSON@4', 'LINE_INVALID_JSON@9']);
    expect(r.summary.findings.omitted).toBe(5);
  });

  const tmp = mkdtempSync(join(tmpdir(), 'sel-max-findings-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('keeps the same findings on one thread and on two, cut in small units, as the order found says', async () => {
    // The tampered samples (errors, one warning), with warnings and errors mixed in a log of its own.
    const mixed = join(tmp, 'mixed.jsonl');
    const regress = readFileSync(join(TAMPERED, 'ts-regression.jsonl'), 'utf8');
    writeFileSync(mixed, `${regress}not json\n${regress.split('\n').slice(1).join('\n')}{"cut": \n`);
    const logs = [TAMPERED, mixed];
    const found: Finding[] = [];
    const all = await verifyLogs(logs, { ...DEFAULT_VERIFY_OPTIONS, maxFindings: 0, keepFinding: (f) => (found.push(f), true) });
    expect(new Set(all.findings.map((f) => f.severity))).toEqual(new Set(['error', 'warning']));
    expect(found).toHaveLength(all.findings.length);
    for (const n of [1, 2, 5, 30, all.findings.length - 1]) {
      const want = expected(found, all.findings, n);
      for (const jobs of [1, 2]) {
        const r = await verifyLogs(logs, { ...DEFAULT_VERIFY_OPTIONS, maxFindings: n, jobs, unitBytes: 2048 });
        expect(r.findings.map((f) => JSON.stringify(f)), `--max-findings ${n} --jobs ${jobs}`).toEqual(want);
        expect(r.summary.findings).toEqual({ ...all.summary.findings, omitted: all.findings.length - n });
      }
    }
  });
});
