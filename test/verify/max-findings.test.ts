/**
 * --max-findings keeps the most severe findings, first found first: the first N by (severity,
 * order found), listed by position. A run whose first N findings were warnings listed no error
 * of the thousands after them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { severityRank, type FindingCode } from '../../src/findings/codes.js';
import { makeFinding, type Finding } from '../../src/findings/finding.js';
import { verifyLogs } from '../../src/verify/run.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier } from '../../src/verify/verifier.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { sampleInput } from '../helpers/chains.js';

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

describe('the report\'s order and summary (from mutation testing)', () => {
  const at = (f: Finding) => (f.location === null ? `${f.code}@-` : `${f.location.file}:${f.code}@${f.location.line}`);
  const feed = (v: IntegrityVerifier, file: string, text: string) => {
    const s = v.beginFile(file);
    s.push(Buffer.from(text));
    v.endFile(file, s);
  };

  it('lists a finding with no location after every finding with one, though it was found first', () => {
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
    v.report(makeFinding('TS_REGRESSION', { location: null, message: 'nowhere' }));
    feed(v, 'a.jsonl', 'not json\n');
    expect(v.finish().findings.map(at)).toEqual(['a.jsonl:LINE_INVALID_JSON@1', 'TS_REGRESSION@-']);
  });

  it('lists a finding about a file that is not a log (a ledger artifact) where it was found: before the logs when found before them, after them when found after', () => {
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
    v.report(makeFinding('LEDGER_ARTIFACT_INVALID', { location: { file: 'repo/ledger/early.json', line: 1 }, message: 'early' }));
    feed(v, 'a.jsonl', '{"x":\nnot json\n');
    // Two lines: the late finding (at its line 1) is after the last log's line 2 (from mutation testing).
    feed(v, 'b.jsonl', 'not json\nnot json\n');
    const r = v.finish(() => v.report(makeFinding('LOG_TRUNCATED', { location: { file: 'repo/ledger/late.json', line: 1 }, message: 'late' })));
    expect(r.findings.map(at)).toEqual([
      'repo/ledger/early.json:LEDGER_ARTIFACT_INVALID@1',
      'a.jsonl:LINE_INVALID_JSON@1',
      'a.jsonl:LINE_INVALID_JSON@2',
      'b.jsonl:LINE_INVALID_JSON@1',
      'b.jsonl:LINE_INVALID_JSON@2',
      'repo/ledger/late.json:LOG_TRUNCATED@1',
    ]);
  });

  it('lists a finding about a log found before that log is read at the log\'s position, after the logs before it', () => {
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
    v.report(makeFinding('LEDGER_REWRITTEN', { location: { file: 'b.jsonl', line: 1 }, message: 'b was rewritten' }));
    feed(v, 'a.jsonl', '{"x":\nnot json\n');
    feed(v, 'b.jsonl', 'not json\n');
    expect(v.finish().findings.map(at)).toEqual([
      'a.jsonl:LINE_INVALID_JSON@1',
      'a.jsonl:LINE_INVALID_JSON@2',
      'b.jsonl:LEDGER_REWRITTEN@1',
      'b.jsonl:LINE_INVALID_JSON@1',
    ]);
  });

  it('gives the time range from the earliest ts to the latest, whatever order the events come in', () => {
    const w = new ChainWriter('prod');
    const t = (s: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, s)).toISOString();
    const lines = [5, 0, 9, 3].map((s, i) => w.append(sampleInput(i, { ts: t(s) })).line);
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
    feed(v, 'a.jsonl', `${lines.join('\n')}\n`);
    const r = v.finish();
    expect(r.summary.timeRange).toEqual({ from: t(0), to: t(9) });
    expect(r.summary.events).toBe(4);
    expect(r.summary.files.map((f) => f.events)).toEqual([4]);
  });

  it('counts the first event of every file in the time range: the earliest first, the latest in a file of one (from mutation testing)', () => {
    const w = new ChainWriter('prod');
    const t = (s: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, s)).toISOString();
    const lines = [0, 3, 7].map((s, i) => w.append(sampleInput(i, { ts: t(s) })).line);
    const v = new IntegrityVerifier(DEFAULT_VERIFY_OPTIONS);
    feed(v, 'a.jsonl', `${lines.slice(0, 2).join('\n')}\n`);
    feed(v, 'b.jsonl', `${lines[2]!}\n`);
    expect(v.finish().summary.timeRange).toEqual({ from: t(0), to: t(7) });
  });

  it('lists a log that was skipped (a directory named *.jsonl) in the summary\'s files, read to nowhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sel-skipped-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'a.jsonl'));
    writeFileSync(join(dir, 'b.jsonl'), 'not json\n');
    const r = await verifyLogs([dir], DEFAULT_VERIFY_OPTIONS);
    expect(r.summary.files.map((f) => [f.file.split('/').pop(), f.bytes, f.lines])).toEqual([['b.jsonl', 9, 1], ['a.jsonl', 0, 0]]);
    expect(r.ends.get(join(dir, 'a.jsonl'))).toEqual({ bytes: 0, lines: 0, tail: null });
    expect(r.findings.map((f) => f.code)).toEqual(['LINE_INVALID_JSON', 'LOG_UNREADABLE']);
  });
});
