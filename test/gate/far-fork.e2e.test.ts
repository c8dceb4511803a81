/**
 * Review: an event appended after the release that claims a seq further back than the chain
 * check's recent window is a SEQ_DUPLICATE it cannot compare (a copy or a branch: it cannot
 * tell), and such an event is neither placed nor replayed. Its seq is the writer's to choose, as
 * a CHAIN_FORK's is: `sel gate --since` passed while `sel verify` failed on the same log.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import type { SelEvent } from '../../src/envelope/types.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { sha256Digest } from '../../src/canonical/digest.js';
import { sel } from '../helpers/cli.js';
import { commit, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-far-fork-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];
let repo: string;
let clean: string;
let forged: string;
let late: string;
let lateFp: string;
let lateFpAfterWarnings: string;

beforeAll(() => {
  repo = initRepo(join(tmp, 'gov'));
  for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  commit(repo, 'policy');
  const hash = sel(['policy', 'hash', repo]).stdout.trim();
  const input = (i: number, tool = 'git'): EventInput => ({
    ts: new Date(Date.parse('2026-11-01T00:00:00.000Z') + i * 1000).toISOString(), kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
    request: { tool }, policy_hash: hash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  });
  const w = new ChainWriter('h');
  const lines: string[] = [];
  const events: SelEvent[] = [];
  for (let i = 0; i < 400; i++) {
    const a = w.append(input(i));
    lines.push(a.line);
    events.push(a.event);
  }
  // After the release: an event at seq 10 (linked to seq 9), a tool the coder has no grant for,
  // recorded as allowed; its ts is the release's too.
  const branch = new ChainWriter('h', { lastSeq: 9, lastHash: events[9]!.hash });
  const evil = branch.append({ ...input(350, 'curl-to-evil') }).line;
  clean = join(tmp, 'clean.jsonl');
  forged = join(tmp, 'forged.jsonl');
  writeFileSync(clean, `${lines.join('\n')}\n`);
  writeFileSync(forged, `${[...lines, evil].join('\n')}\n`);
  // The original seq 10 deleted, and another seq 10 (linked to seq 9) appended after the release.
  const moved = [...lines];
  moved.splice(10, 1);
  late = join(tmp, 'late.jsonl');
  writeFileSync(late, `${[...moved, evil].join('\n')}\n`);
  // The same late event with a request_fingerprint that is not its request's (sealed again).
  const { hash: _, ...body } = JSON.parse(evil) as Record<string, unknown>;
  body['request_fingerprint'] = `sha256:${'0'.repeat(64)}`;
  lateFp = join(tmp, 'late-fp.jsonl');
  writeFileSync(lateFp, `${[...moved, canonicalize({ ...body, hash: sha256Digest(canonicalize(body)) })].join('\n')}\n`);
  // The same, after 79 events before the range whose times go back (a TS_REGRESSION each).
  const back = new ChainWriter('h');
  const regressed: string[] = [];
  for (let i = 0; i < 400; i++) regressed.push(back.append(i >= 20 && i < 100 ? input(120 - i) : input(i)).line);
  const lateBranch = new ChainWriter('h', { lastSeq: 9, lastHash: (JSON.parse(regressed[9]!) as SelEvent).hash });
  const { hash: __, ...lateBody } = JSON.parse(lateBranch.append({ ...input(350, 'curl-to-evil') }).line) as Record<string, unknown>;
  lateBody['request_fingerprint'] = `sha256:${'0'.repeat(64)}`;
  regressed.splice(10, 1);
  lateFpAfterWarnings = join(tmp, 'late-fp-after-warnings.jsonl');
  writeFileSync(lateFpAfterWarnings, `${[...regressed, canonicalize({ ...lateBody, hash: sha256Digest(canonicalize(lateBody)) })].join('\n')}\n`);
});

describe('a SEQ_DUPLICATE too far back to compare', () => {
  it('fails `sel verify` and counts in every gate, whatever --since says', () => {
    expect(sel(['verify', clean, '--repo', repo]).status).toBe(0);
    const v = JSON.parse(sel(['verify', forged, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number; detail: { compared: boolean } }[] };
    expect(v.findings.map((f) => [f.code, f.seq, f.detail.compared])).toEqual([['SEQ_DUPLICATE', 10, false]]);
    for (const since of ['300', '2026-11-01T00:05:00Z']) {
      expect(sel(['gate', clean, '--repo', repo, '--since', since, '--no-divergence', '--min-events', '1']).status, since).toBe(0);
      const r = sel(['gate', forged, '--repo', repo, '--since', since, '--no-divergence', '--no-unverifiable', '--min-events', '1', '--format', 'json']);
      expect(r.status, `${since}: ${r.stdout}`).toBe(1);
      const out = JSON.parse(r.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] };
      expect(out.assertions[0]).toMatchObject({ name: 'integrity', pass: false, reason: expect.stringMatching(/^1 integrity error\(s\), first SEQ_DUPLICATE at .*forged\.jsonl:401 \(h seq 10\)/) });
    }
  });
});

describe('an event that arrives after its chain went on past its seq (a late SEQ_REORDER)', () => {
  it('counts in every gate, whatever --since says: compared with nothing, its seq is the writer\'s', () => {
    const v = JSON.parse(sel(['verify', late, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number; location: { line: number } }[] };
    expect(v.findings.map((f) => [f.code, f.seq, f.location.line])).toEqual([['SEQ_GAP', 11, 11], ['SEQ_REORDER', 10, 400], ['DECISION_DIVERGENCE', 10, 400]]);
    for (const [since, jobs] of [['300', '1'], ['2026-11-01T00:05:00Z', '1'], ['300', '3'], ['2026-11-01T00:05:00Z', '3']] as const) {
      const r = sel(['gate', late, '--repo', repo, '--since', since, '--no-divergence', '--min-events', '1', '--format', 'json', '--jobs', jobs, '--unit-bytes', '2000']);
      expect(r.status, `${since}: ${r.stdout}`).toBe(1);
      const out = JSON.parse(r.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] };
      expect(out.assertions[0]).toMatchObject({ name: 'integrity', pass: false, reason: expect.stringMatching(/^1 integrity error\(s\), first SEQ_REORDER at .*late\.jsonl:400 \(h seq 10\)/) });
      // Its decision too: each assertion says what it judged, and the late event's divergence
      // is in range as its SEQ_REORDER is (--no-divergence said "every replayed decision
      // matches", found by review).
      expect(out.assertions[1]).toMatchObject({ name: '--no-divergence', pass: false, reason: expect.stringMatching(/^1 diverged decision\(s\), first DECISION_DIVERGENCE at .*late\.jsonl:400 \(h seq 10\)/) });
    }
  });
  it('its line\'s own findings count too, though the line check reports them before the chain check finds it late (found by review)', () => {
    const v = JSON.parse(sel(['verify', lateFp, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number; location: { line: number } }[] };
    expect(v.findings.filter((f) => f.location.line === 400).map((f) => f.code).sort()).toEqual(['DECISION_DIVERGENCE', 'FINGERPRINT_MISMATCH', 'SEQ_REORDER']);
    for (const [since, jobs] of [['300', '1'], ['2026-11-01T00:05:00Z', '1'], ['300', '3']] as const) {
      const r = sel(['gate', lateFp, '--repo', repo, '--since', since, '--max-severity', 'warning', '--format', 'json', '--jobs', jobs, '--unit-bytes', '2000']);
      expect(r.status, `${since}: ${r.stdout}`).toBe(1);
      const out = JSON.parse(r.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] };
      expect(out.assertions[0]!.reason, `${since} --jobs ${jobs}`).toMatch(/^2 integrity error\(s\), first /);
    }
  });
  it('its line\'s own findings count after many findings before the range, each line\'s held apart (from mutation testing)', () => {
    const v = JSON.parse(sel(['verify', lateFpAfterWarnings, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number; location: { line: number } }[] };
    expect(v.findings.filter((f) => f.code === 'TS_REGRESSION')).toHaveLength(79);
    expect(v.findings.filter((f) => f.location.line === 400).map((f) => f.code).sort()).toEqual(['DECISION_DIVERGENCE', 'FINGERPRINT_MISMATCH', 'SEQ_REORDER']);
    // --max-findings 0 keeps every finding, the late line's held ones too.
    for (const limit of [[], ['--max-findings', '0']]) {
      const r = sel(['gate', lateFpAfterWarnings, '--repo', repo, '--since', '300', '--max-severity', 'warning', '--format', 'json', ...limit]);
      expect(r.status, r.stdout).toBe(1);
      const out = JSON.parse(r.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] };
      expect(out.assertions[0]!.reason, limit.join(' ')).toMatch(/^2 integrity error\(s\), first /);
    }
  });
});
