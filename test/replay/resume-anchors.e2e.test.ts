/**
 * Review: a run resumed from a checkpoint says of the anchors what a full run of the same log
 * says (summary.replay.anchors, and the text report's chain line). The anchors before the
 * checkpoint's position were checked by the earlier run; they still anchor the chain.
 */
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainWriter } from '../../src/producer/producer.js';
import { sel } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';
import { buildGovernanceRepo } from '../../ledger-samples/governance.js';
import { digestOf } from '../../src/canonical/digest.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-resume-anchors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];

interface Out { summary: { replay: { anchors: unknown[] } } }

/** A governance repo `name` with the sample policy, and `n` lines of chain `chain` decided under it. */
function governed(name: string, chain: string, n: number): { repo: string; lines: string[] } {
  const repo = initRepo(join(tmp, name));
  for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  commit(repo, 'policy');
  const hash = sel(['policy', 'hash', repo]).stdout.trim();
  const w = new ChainWriter(chain);
  const lines = Array.from({ length: n }, (_, i) => w.append({
    ts: `2026-11-01T00:00:0${i}.000Z`, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
    request: { tool: 'git' }, policy_hash: hash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  }).line);
  return { repo, lines };
}

describe('a resumed run and the anchors before its checkpoint', () => {
  it('reports the chain anchored as a full run does, not "no anchor" with only the new events unanchored', () => {
    const { repo, lines } = governed('gov', 'h', 8);
    // Anchored at seq 2; the log is verified to seq 4, then seqs 5-7 arrive.
    write(repo, { 'ledger/anchors/h/2.json': `${JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq: 2, hash: (JSON.parse(lines[2]!) as { hash: string }).hash, ts: '2026-11-01T00:00:02.000Z' })}\n` });
    commit(repo, 'anchor seq 2');
    const log = join(tmp, 'audit.jsonl');
    const cp = join(tmp, 'cp.json');
    writeFileSync(log, `${lines.slice(0, 5).join('\n')}\n`);
    const first = sel(['verify', log, '--repo', repo, '--checkpoint', cp]);
    expect(first.status, first.stdout).toBe(0);
    appendFileSync(log, `${lines.slice(5).join('\n')}\n`);
    const full = JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as Out;
    expect(full.summary.replay.anchors).toEqual([{ chain: 'h', anchors: 1, lastAnchoredSeq: 2, unanchored: [3, 7] }]);
    const resumed = sel(['verify', log, '--repo', repo, '--checkpoint', join(tmp, 'cp.json'), '--format', 'json']);
    expect(resumed.status).toBe(0);
    expect((JSON.parse(resumed.stdout) as Out).summary.replay.anchors).toEqual(full.summary.replay.anchors);
  });
  it('one event after the last anchor is unanchored; none after it, every event is covered (from mutation testing, third pass)', () => {
    const { repo, lines } = governed('gov-one', 'o', 3);
    const log = join(tmp, 'one.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const anchor = (seq: number) => {
      write(repo, { [`ledger/anchors/o/${seq}.json`]: `${JSON.stringify({ v: 'sel.anchor/1', chain: 'o', seq, hash: (JSON.parse(lines[seq]!) as { hash: string }).hash, ts: `2026-11-01T00:00:0${seq}.000Z` })}\n` });
      commit(repo, `anchor seq ${seq}`);
      return (JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as Out).summary.replay.anchors;
    };
    expect(anchor(1)).toEqual([{ chain: 'o', anchors: 1, lastAnchoredSeq: 1, unanchored: [2, 2] }]);
    expect(anchor(2)).toEqual([{ chain: 'o', anchors: 2, lastAnchoredSeq: 2, unanchored: null }]);
  });
  it('a chain with no anchor: unanchored from its first seq, as a full run says, with new events and without', () => {
    const { repo, lines } = governed('gov-none', 'n', 8);
    const log = join(tmp, 'none.jsonl');
    const cp = join(tmp, 'cp-none.json');
    writeFileSync(log, `${lines.slice(0, 5).join('\n')}\n`);
    expect(sel(['verify', log, '--repo', repo, '--checkpoint', cp]).status).toBe(0);
    const anchorsOf = (args: string[]) => (JSON.parse(sel(['verify', log, '--repo', repo, ...args, '--format', 'json']).stdout) as Out).summary.replay.anchors;
    // Nothing new: the resumed run read no event, and the chain is still unanchored from seq 0.
    expect(anchorsOf([])).toEqual([{ chain: 'n', anchors: 0, lastAnchoredSeq: null, unanchored: [0, 4] }]);
    expect(anchorsOf(['--checkpoint', join(tmp, 'cp-none.json')])).toEqual(anchorsOf([]));
    appendFileSync(log, `${lines.slice(5).join('\n')}\n`);
    expect(anchorsOf([])).toEqual([{ chain: 'n', anchors: 0, lastAnchoredSeq: null, unanchored: [0, 7] }]);
    // (the checkpoint, advanced by the run before, covers seqs 0-4)
    expect(anchorsOf(['--checkpoint', cp])).toEqual(anchorsOf([]));
  });
  it('says where the log ends for an anchor past it, when the run read no new event of its chain: not that the log holds none', () => {
    const repo = join(tmp, 'gov');
    const log = join(tmp, 'audit.jsonl');
    const cp = join(tmp, 'cp.json');
    // The checkpoint covers seqs 0-7; the anchoring job names seq 20, which the log never reached.
    write(repo, { 'ledger/anchors/h/20.json': `${JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq: 20, hash: `sha256:${'a'.repeat(64)}`, ts: '2026-11-01T00:00:20.000Z' })}\n` });
    commit(repo, 'anchor seq 20');
    type F = { code: string; message: string; actual: unknown };
    const full = JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as { findings: F[] };
    const resumed = JSON.parse(sel(['verify', log, '--repo', repo, '--checkpoint', cp, '--format', 'json']).stdout) as { findings: F[] };
    const truncated = (fs: F[]) => fs.filter((f) => f.code === 'LOG_TRUNCATED').map((f) => [f.message, f.actual]);
    expect(truncated(full.findings)).toEqual([['the log of chain h ends at seq 7, but seq 20 was anchored: events were removed from the end', 7]]);
    expect(truncated(resumed.findings)).toEqual(truncated(full.findings));
  });
  // A full run reports a second event at seq 3 as CHAIN_FORK (and replays it); the resumed run
  // said "usually the same events are read twice", steering away from a forged event.
  it('an event at a seq before the checkpoint: the resumed run fails, and says it may be a fork and how to tell', () => {
    const repo = join(tmp, 'gov');
    const log = join(tmp, 'audit.jsonl');
    const cp = join(tmp, 'cp.json');
    const events = readFileSync(log, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
    const w = new ChainWriter('h', { lastSeq: 2, lastHash: events[2]!['hash'] as string });
    appendFileSync(log, `${w.append({
      ts: '2026-11-01T00:00:09.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
      request: { tool: 'curl' }, policy_hash: events[0]!['policy_hash'] as string, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
    }).line}\n`);
    type F = { code: string; message: string };
    const full = JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as { findings: F[] };
    expect(full.findings.map((f) => f.code)).toContain('CHAIN_FORK');
    const r = sel(['verify', log, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect(r.status).toBe(1);
    const dup = (JSON.parse(r.stdout) as { findings: F[] }).findings.filter((f) => f.code === 'SEQ_DUPLICATE');
    expect(dup.map((f) => f.message)).toEqual([expect.stringMatching(/or another event written at that seq \(a fork, whose events this run does not replay\); verify without --checkpoint to tell which$/)]);
  });
});

describe('a resumed run and the ledger artifacts changed or deleted since its checkpoint', () => {
  // The sample's audit log (committed in its repository, so it is the one file named), a
  // checkpoint at the end of it, and then one commit that deletes a review, cuts an exception
  // short, moves an anchor onto another hash, or edits the committed log. Each is
  // LEDGER_REWRITTEN in every run; a full run also reports what it does to the events the
  // checkpoint covers (seq 22 resumed under the review, the elevation of seq 8, the anchored
  // seq 15, the edited seq 3), which the resumed run never read: its report said less than a
  // full run's (found by review).
  const cases: [string, (repo: string) => void, [string, number | null][]][] = [
    ['a review deleted', (repo) => {
      const fp = (JSON.parse(readFileSync(join(repo, 'logs', 'audit.jsonl'), 'utf8').split('\n')[22]!) as { request_fingerprint: string }).request_fingerprint;
      git(repo, 'rm', '-q', `ledger/reviews/${fp.slice('sha256:'.length)}.json`);
    }, [['LEDGER_REWRITTEN', null], ['REVIEW_MISSING', 22]]],
    ['an exception cut short', (repo) => {
      const path = 'ledger/exceptions/EX-ops-restart.json';
      write(repo, { [path]: `${JSON.stringify({ ...(JSON.parse(readFileSync(join(repo, path), 'utf8')) as object), expires_at: '2026-10-04T08:25:00.000Z' }, null, 2)}\n` });
    }, [['EXCEPTION_EXPIRED', 8], ['LEDGER_REWRITTEN', null]]],
    ['an anchor moved onto another hash', (repo) => {
      const path = 'ledger/anchors/prod-agents/15.json';
      write(repo, { [path]: `${JSON.stringify({ ...(JSON.parse(readFileSync(join(repo, path), 'utf8')) as object), hash: `sha256:${'1'.repeat(64)}` }, null, 2)}\n` });
    }, [['ANCHOR_MISMATCH', 15], ['LEDGER_REWRITTEN', null]]],
    ['the committed log edited in the middle', (repo) => {
      // seq 3's actor, its length kept: the file's last line, which the checkpoint compares, is the same.
      const log = join(repo, 'logs', 'audit.jsonl');
      const lines = readFileSync(log, 'utf8').split('\n');
      lines[3] = lines[3]!.replace('"id":"coder"', '"id":"codex"');
      writeFileSync(log, lines.join('\n'));
    }, [['HASH_MISMATCH', 3], ['LEDGER_REWRITTEN', null]]],
  ];
  for (const [what, change, expected] of cases) {
    it(`${what}: the run verifies everything, and reports what a full run does`, () => {
      const name = what.replaceAll(' ', '-');
      const { repo } = buildGovernanceRepo(join(tmp, name));
      const log = join(repo, 'logs', 'audit.jsonl');
      const cp = join(tmp, `${name}-cp.json`);
      const first = sel(['verify', log, '--repo', repo, '--checkpoint', cp]);
      expect([first.status, first.stderr]).toEqual([0, '']);
      change(repo);
      commit(repo, what);
      type Out = { findings: { code: string; seq: number | null }[] };
      const codes = (r: { stdout: string }) => (JSON.parse(r.stdout) as Out).findings.map((f) => [f.code, f.seq] as [string, number | null]).sort();
      const full = sel(['verify', log, '--repo', repo, '--format', 'json']);
      expect(codes(full)).toEqual(expected);
      const r = sel(['verify', log, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
      expect(r.status).toBe(1);
      expect(codes(r)).toEqual(codes(full));
      expect(r.stderr).toMatch(/verifying everything from the start\n/);
    });
  }
  it('the committed log edited in the working copy only, no commit since: the run verifies everything, and says why (from mutation testing)', () => {
    // The history and the ledger are as the checkpoint's run found them: only the working copy
    // read, unlike the committed version, says the events the checkpoint covers may have changed.
    const { repo } = buildGovernanceRepo(join(tmp, 'working-copy-edited'));
    const log = join(repo, 'logs', 'audit.jsonl');
    const cp = join(tmp, 'working-copy-edited-cp.json');
    const first = sel(['verify', log, '--repo', repo, '--checkpoint', cp]);
    expect([first.status, first.stderr]).toEqual([0, '']);
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('"id":"coder"', '"id":"codex"');
    writeFileSync(log, lines.join('\n'));
    type Out = { findings: { code: string; seq: number | null }[] };
    const codes = (r: { stdout: string }) => (JSON.parse(r.stdout) as Out).findings.map((f) => [f.code, f.seq] as [string, number | null]).sort();
    const full = sel(['verify', log, '--repo', repo, '--format', 'json']);
    expect(codes(full)).toEqual([['HASH_MISMATCH', 3], ['LEDGER_REWRITTEN', null]]);
    const r = sel(['verify', log, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(codes(r)).toEqual(codes(full));
    expect(r.stderr).toContain(`sel: checkpoint ${cp} covers events of a committed log that was rewritten since (LEDGER_REWRITTEN: ${log}): verifying everything from the start\n`);
  });
});

// Review (h-ckpt): an artifact is judged by its own dates, not by when it was committed
// (docs/policy.md). A review committed after the checkpoint, dated back before an event the
// checkpoint covers, decides that event otherwise: a full run replays it (DECISION_DIVERGENCE:
// `review` recorded, `allow` replayed); the resumed run never replayed it, and passed.
describe('a resumed run and the reviews and exceptions added since its checkpoint', () => {
  /** The sample repository, and a log dir: the sample's audit log, and chain t whose one event was put to review (seq 21's request, another URL). */
  function setUp(name: string, ts = '2026-10-16T10:00:00.000Z', before: (repo: string) => void = () => {}): { repo: string; logs: string; cp: string; fingerprint: string; policy: string; next: string } {
    const { repo, clean } = buildGovernanceRepo(join(tmp, name));
    const logs = join(tmp, `${name}-logs`);
    mkdirSync(logs);
    const audit = readFileSync(clean, 'utf8');
    writeFileSync(join(logs, 'audit.jsonl'), audit);
    const e = JSON.parse(audit.split('\n')[21]!) as { kind: 'secret.inject'; actor: { id: string; zone: 'executor' }; request: { url: string }; policy_hash: string; decision: { action: 'review'; rule: string; severity: 'medium' } };
    expect(e.decision.action).toBe('review');
    const w = new ChainWriter('t');
    const at = (i: number, ts: string) => w.append({ ts, kind: e.kind, actor: e.actor, request: { ...e.request, url: `${e.request.url}?n=${i}` }, policy_hash: e.policy_hash, decision: e.decision }).line;
    const first = at(0, ts);
    writeFileSync(join(logs, 't.jsonl'), `${first}\n`);
    before(repo);
    const cp = join(tmp, `${name}-cp.json`);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    return { repo, logs, cp, fingerprint: (JSON.parse(first) as { request_fingerprint: string }).request_fingerprint, policy: e.policy_hash, next: at(1, new Date(Date.parse(ts) + 300_000).toISOString()) };
  }
  const review = (fingerprint: string, policy: string, reviewedAt: string) => `${JSON.stringify({ v: 'sel.review/1', request_fingerprint: fingerprint, policy_hash: policy, decision: 'approved', reviewer: 'mallory@example.com', reviewed_at: reviewedAt, expires_at: '2026-10-17T00:00:00.000Z' }, null, 2)}\n`;

  it('one dated back before a covered event: the run verifies everything, and reports what a full run does', () => {
    const { repo, logs, cp, fingerprint, policy, next } = setUp('late-review');
    write(repo, { [`ledger/reviews/${fingerprint.slice('sha256:'.length)}.json`]: review(fingerprint, policy, '2026-10-16T09:00:00.000Z') });
    commit(repo, 'review, dated back');
    appendFileSync(join(logs, 't.jsonl'), `${next}\n`);
    const codes = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    const full = sel(['verify', logs, '--repo', repo, '--format', 'json']);
    expect(codes(full)).toEqual(['DECISION_DIVERGENCE']);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(codes(r)).toEqual(codes(full));
    expect(r.stderr).toMatch(/has reviews or exceptions added since, in force before the latest of those events \(ledger\/reviews\/[0-9a-f]{64}\.json\): verifying everything from the start\n/);
  });

  it('one whose window opens after every covered event: resumed (it decided none of them)', () => {
    const { repo, logs, cp, fingerprint, policy, next } = setUp('later-review');
    write(repo, { [`ledger/reviews/${fingerprint.slice('sha256:'.length)}.json`]: review(fingerprint, policy, '2026-12-01T00:00:00.000Z') });
    commit(repo, 'review, later');
    appendFileSync(join(logs, 't.jsonl'), `${next}\n`);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect((JSON.parse(r.stdout) as { summary: { lines: number } }).summary.lines).toBe(1);
  });

  // From mutation testing: the window is closed at its start (reviewed_at <= ts,
  // SPEC.md §5), so one that opens at the very ts of the latest covered event is in force there.
  // As `<`, the resumed run passed where a full run reports DECISION_DIVERGENCE.
  const codes = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
  it('one that opens at the very ts of the latest covered event: the run verifies everything', () => {
    const latest = '2026-11-05T10:00:00.000Z';
    const { repo, logs, cp, fingerprint, policy, next } = setUp('equal-review', latest);
    write(repo, { [`ledger/reviews/${fingerprint.slice('sha256:'.length)}.json`]: review(fingerprint, policy, latest).replace('2026-10-17T00:00:00.000Z', '2026-12-01T00:00:00.000Z') });
    commit(repo, 'review, opening at the event');
    appendFileSync(join(logs, 't.jsonl'), `${next}\n`);
    const full = sel(['verify', logs, '--repo', repo, '--format', 'json']);
    expect(codes(full)).toEqual(['DECISION_DIVERGENCE']);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(codes(r)).toEqual(codes(full));
  });

  // From mutation testing: no test added an exception since the checkpoint;
  // its check (granted_at, the paths the ledger held) could be dropped and every test passed.
  // An event recorded `block` for want of the exception it names, the exception granted since
  // from the latest covered ts on (its review was there already): a full run replays `warn`
  // (the new event, after it, is recorded `warn`).
  it('an exception added since, granted at the latest covered ts, for an event it covers: the run verifies everything', () => {
    const latest = '2026-11-05T10:00:00.000Z';
    const root = join(tmp, 'late-exception');
    const { repo, clean } = buildGovernanceRepo(join(root, 'repo'));
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const audit = readFileSync(clean, 'utf8');
    writeFileSync(join(logs, 'audit.jsonl'), audit);
    // Seq 23: query_param for the status page, under EX-status-2026; here under EX-new.
    const e = JSON.parse(audit.split('\n')[23]!) as { kind: 'secret.inject'; actor: { id: string; zone: 'executor' }; request: { url: string }; policy_hash: string; decision: { rule: string } };
    const w = new ChainWriter('u');
    const event = (i: number, ts: string, action: 'block' | 'warn') => w.append({ ts, kind: e.kind, actor: e.actor, request: { ...e.request, n: i }, policy_hash: e.policy_hash, decision: { action, rule: e.decision.rule, severity: action === 'block' ? 'high' : 'low' }, exception_ref: 'ledger/exceptions/EX-new.json' }).line;
    writeFileSync(join(logs, 'u.jsonl'), `${event(0, latest, 'block')}\n`);
    const fingerprint = digestOf({ exception: 'EX-new' });
    write(repo, { [`ledger/reviews/${fingerprint.slice('sha256:'.length)}.json`]: review(fingerprint, e.policy_hash, '2026-11-01T00:00:00.000Z').replace('2026-10-17T00:00:00.000Z', '2026-12-01T00:00:00.000Z') });
    commit(repo, 'the review of EX-new');
    const cp = join(root, 'cp.json');
    expect(sel(['verify', logs, '--repo', repo, '--checkpoint', cp]).status).toBe(0);
    write(repo, { 'ledger/exceptions/EX-new.json': `${JSON.stringify({
      v: 'sel.exception/1', id: 'EX-new', justification: 'The status page API accepts its key only as a query parameter.',
      review_ref: `ledger/reviews/${fingerprint.slice('sha256:'.length)}.json`, granted_at: latest, expires_at: '2026-12-01T00:00:00.000Z',
      scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
    }, null, 2)}\n` });
    commit(repo, 'EX-new, granted since');
    appendFileSync(join(logs, 'u.jsonl'), `${event(1, '2026-11-05T10:05:00.000Z', 'warn')}\n`);
    const full = sel(['verify', logs, '--repo', repo, '--format', 'json']);
    expect(codes(full)).toEqual(['DECISION_DIVERGENCE']);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(codes(r)).toEqual(codes(full));
    expect(r.stderr).toMatch(/has reviews or exceptions added since, in force before the latest of those events \(ledger\/exceptions\/EX-new\.json\): verifying everything from the start\n/);
  });

  // From mutation testing: a checkpoint whose chains have no latest ts (edited, or
  // from a run that never saw one) cannot tell when any of its events was: every review added
  // since may have decided one. Each chain's latest taken as none, or as the empty string,
  // resumed past the review below as though it opened after them all.
  it('a checkpoint without the chains\' latest ts: any review added since has the run verify everything', () => {
    const { repo, logs, cp, fingerprint, policy, next } = setUp('no-latest');
    const state = JSON.parse(readFileSync(cp, 'utf8')) as { chains: { latest?: unknown }[] };
    for (const c of state.chains) delete c.latest;
    writeFileSync(cp, `${JSON.stringify(state, null, 2)}\n`);
    write(repo, { [`ledger/reviews/${fingerprint.slice('sha256:'.length)}.json`]: review(fingerprint, policy, '2026-12-01T00:00:00.000Z') });
    commit(repo, 'review, later');
    appendFileSync(join(logs, 't.jsonl'), `${next}\n`);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/has reviews or exceptions added since, in force before the latest of those events \(ledger\/reviews\/[0-9a-f]{64}\.json\): verifying everything from the start\n/);
    expect((JSON.parse(r.stdout) as { summary: { lines: number } }).summary.lines).toBeGreaterThan(2);
  });

  // From mutation testing: what the ledger held at the checkpoint's commit is every
  // file of it, executable or not (a review committed from a system that marks files so): taken
  // for added since, every night's run verified everything again.
  it('a review the ledger held at the checkpoint\'s commit as an executable file is not added since: resumed', () => {
    const other = digestOf({ other: 'request' });
    const { repo, logs, cp, next } = setUp('executable-review', undefined, (repo) => {
      const path = `ledger/reviews/${other.slice('sha256:'.length)}.json`;
      write(repo, { [path]: review(other, digestOf({ policy: 'another' }), '2026-10-01T00:00:00.000Z') });
      chmodSync(join(repo, path), 0o755);
      commit(repo, 'a review, executable');
    });
    write(repo, { 'README.md': 'another commit\n' });
    commit(repo, 'since');
    appendFileSync(join(logs, 't.jsonl'), `${next}\n`);
    const r = sel(['verify', logs, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect((JSON.parse(r.stdout) as { summary: { lines: number } }).summary.lines).toBe(1);
  });
});
