/**
 * From mutation testing: with --since SEQ a gate keeps only the findings in range, so what it
 * judges past --max-findings is the counts of those (docs/ci.md: "one before the range was never
 * a finding left out"). Judged by the run's counts, an integrity error before the range made the
 * integrity assertion "cannot tell" whenever a finding in range was not kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { sel } from '../helpers/cli.js';
import { commit, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-since-counts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];
let repo: string;
let log: string;

beforeAll(() => {
  repo = initRepo(join(tmp, 'gov'));
  for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  commit(repo, 'policy');
  const hash = sel(['policy', 'hash', repo]).stdout.trim();
  // Seqs 12 and 13 allow a tool the coder has no grant for: two DECISION_DIVERGENCEs in range.
  const input = (i: number): EventInput => ({
    ts: new Date(Date.parse('2026-11-01T00:00:00.000Z') + i * 1000).toISOString(), kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
    request: { tool: i === 12 || i === 13 ? 'curl-to-evil' : 'git' }, policy_hash: hash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  });
  // Seq 14 an elevation recorded as allowed, with no exception: replay blocks it (EXCEPTION_MISSING).
  const elevation = (i: number): EventInput => ({
    ts: new Date(Date.parse('2026-11-01T00:00:00.000Z') + i * 1000).toISOString(), kind: 'zone.elevate', actor: { id: 'ops-bot', zone: 'executor' },
    request: { from: 'executor', to: 'supervisor' }, policy_hash: hash, decision: { action: 'allow', rule: 'trust.ops-restart', severity: 'low' },
  });
  const w = new ChainWriter('h');
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) lines.push(w.append(i === 14 ? elevation(i) : input(i)).line);
  // Seq 3 lost, long before the range: an integrity error there.
  lines.splice(3, 1);
  log = join(tmp, 'log.jsonl');
  writeFileSync(log, `${lines.join('\n')}\n`);
});

describe('--since SEQ past --max-findings', () => {
  it('judges integrity by the findings in range: one before it is no finding left out', () => {
    const full = JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number }[] };
    expect(full.findings.map((f) => [f.code, f.seq])).toEqual([['SEQ_GAP', 4], ['DECISION_DIVERGENCE', 12], ['DECISION_DIVERGENCE', 13], ['EXCEPTION_MISSING', 14]]);
    const gate = (maxFindings: string) => {
      const r = sel(['gate', log, '--repo', repo, '--since', '10', '--min-events', '1', '--max-findings', maxFindings, '--format', 'json']);
      return { status: r.status, integrity: (JSON.parse(r.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] }).assertions[0]! };
    };
    for (const maxFindings of ['0', '1']) {
      const g = gate(maxFindings);
      expect(g.integrity, maxFindings).toMatchObject({ name: 'integrity', pass: true, reason: 'every line in range is an intact, canonical, linked event' });
      expect(g.status, maxFindings).toBe(0);
    }
  });
  it('says it cannot tell when a finding in range of a code it looks for was not kept (the counts in range say so)', () => {
    // --max-findings 1 keeps the first error in range (DECISION_DIVERGENCE at seq 12), and not
    // the EXCEPTION_MISSING at seq 14 that --no-unverifiable looks for.
    const gate = (maxFindings: string) => {
      const r = sel(['gate', log, '--repo', repo, '--since', '10', '--no-unverifiable', '--max-findings', maxFindings, '--format', 'json']);
      return { status: r.status, assertion: (JSON.parse(r.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] }).assertions[1]! };
    };
    expect(gate('0')).toMatchObject({ status: 1, assertion: { name: '--no-unverifiable', pass: false, reason: expect.stringMatching(/^1 unverifiable finding\(s\) .*, first EXCEPTION_MISSING at /) } });
    expect(gate('1')).toMatchObject({ status: 1, assertion: { name: '--no-unverifiable', pass: false, reason: 'cannot tell: 2 finding(s) were counted but not kept (--max-findings)' } });
  });
});
