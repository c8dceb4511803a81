/**
 * `sel impact --policy REF` and `sel explain --policy REF` against a real replay: for every
 * event, what they say the policy at REF would decide must be what `sel verify --repo` reports
 * when the event names REF's bundle (here REF is the bundle the events name, so the log needs no
 * resealing). The built CLI on real Git repositories, on one thread and with --jobs N.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { buildBackdated, type Backdated } from '../helpers/backdated.js';
import { bundleOf, SAMPLE_POLICY_DIR, sampleFiles } from '../helpers/policy.js';
import { ChainWriter } from '../../src/producer/producer.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-impact-agrees-'));
let b: Backdated;
let repo: string;
let fork: string;
let late: string;
beforeAll(() => {
  b = buildBackdated(join(tmp, 'backdated'));
  // The shipped bundle alone, and chain f: seq 6 records allow for a tool cap.coder does not grant.
  repo = initRepo(join(tmp, 'gov'));
  for (const f of ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones']) {
    write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  }
  commit(repo, 'policy');
  const policy = sel(['policy', 'hash', repo]).stdout.trim();
  const coder = { id: 'coder', zone: 'executor' as const };
  const ok = { action: 'allow', rule: 'cap.coder', severity: 'info' } as const;
  const ev = (i: number, tool: string, n = i) => ({ ts: `2026-11-01T00:00:0${i}.000Z`, kind: 'tool.invoke', actor: coder, request: { tool, n }, policy_hash: policy, decision: ok });
  const w = new ChainWriter('f');
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) lines.push(w.append(ev(i, i === 6 ? 'curl' : 'git')).line);
  const at4 = JSON.parse(lines[4]!) as { hash: string };
  // A line forged ahead of the real seq 5: the chain goes on with it, and the real 5..9 are a branch.
  const forged = new ChainWriter('f', { lastSeq: 4, lastHash: at4.hash }).append(ev(5, 'git', 105)).line;
  fork = join(tmp, 'fork.jsonl');
  writeFileSync(fork, `${[...lines.slice(0, 5), forged, ...lines.slice(5)].join('\n')}\n`);
  // Seq 6 read after seq 9: past the reorder window (2), a late arrival.
  late = join(tmp, 'late.jsonl');
  writeFileSync(late, `${[...lines.slice(0, 6), ...lines.slice(7), lines[6]!].join('\n')}\n`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Decision { action: string; rule: string | null; severity: string }
interface Impact { events: number; changed: number; examples: { chain: string; seq: number; location: { line: number }; recorded: Decision; would: Decision }[] }
const DIVERGES = new Set(['DECISION_DIVERGENCE', 'REVIEW_MISSING', 'REVIEW_MISMATCH', 'REVIEW_EXPIRED', 'EXCEPTION_MISSING', 'EXCEPTION_EXPIRED']);

/** Per event (chain/seq@line), the decision replay expects where it diverges: what impact must say would be. */
function replayed(log: string, gov: string, extra: string[] = []): Record<string, Decision> {
  const out = JSON.parse(sel(['verify', log, '--repo', gov, '--format', 'json', ...extra]).stdout) as { findings: { code: string; chain: string; seq: number; location: { line: number }; expected: Decision }[] };
  return Object.fromEntries(out.findings.filter((f) => DIVERGES.has(f.code)).map((f) => [`${f.chain}/${f.seq}@${f.location.line}`, f.expected]));
}

/** impact --policy HEAD, the same bytes on one thread, two, and three in small units; its changes by chain/seq@line. */
function impact(log: string, gov: string, extra: string[] = []): { out: Impact; would: Record<string, Decision> } {
  const args = ['impact', log, '--repo', gov, ...(extra.includes('--policy') ? [] : ['--policy', 'HEAD']), ...extra];
  for (const format of ['text', 'json']) {
    const one = sel([...args, '--format', format, '--jobs', '1']);
    expect(one.status).toBe(0);
    expect(sel([...args, '--format', format, '--jobs', '2']).stdout).toBe(one.stdout);
    expect(sel([...args, '--format', format, '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
  }
  const out = JSON.parse(sel([...args, '--format', 'json']).stdout) as Impact;
  return { out, would: Object.fromEntries(out.examples.map((x) => [`${x.chain}/${x.seq}@${x.location.line}`, x.would])) };
}

describe('impact and explain --policy judge as replay does', () => {
  it('at the chain\'s time: a review or exception a backdated event relied on, expired by an earlier event\'s ts, does not hold under impact either', () => {
    const r = replayed(b.all, b.repo);
    expect(Object.keys(r).sort()).toEqual(['r/4@10', 'x/4@5', 'y/4@15']);
    const { out, would } = impact(b.all, b.repo);
    // Impact said "0 would change" under the very bundle the events name, where verify --repo
    // reports 3 errors: REVIEW_EXPIRED (allow -> review) and two EXCEPTION_EXPIRED (warn -> block).
    expect(would).toEqual(r);
    expect(out.changed).toBe(3);
    expect(out.events).toBe(21);
  });

  it('explain --policy: the what-if decision of a backdated event is the one at the chain\'s time, as impact and replay say', () => {
    const args = ['explain', b.all, '--repo', b.repo, '--seq', '4', '--chain', 'r', '--policy', 'HEAD', '--format', 'json'];
    const one = sel(args);
    const json = JSON.parse(one.stdout) as { whatIf: { decision: Decision } };
    expect(json.whatIf.decision).toEqual({ action: 'review', rule: 'secrets.npm-publish', severity: 'medium' });
    // The chain's time before the event is the same on any number of threads.
    expect(sel([...args, '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
    const text = sel(['explain', b.all, '--repo', b.repo, '--seq', '4', '--chain', 'x', '--policy', 'HEAD']).stdout;
    expect(text).toMatch(/what if --policy HEAD[^\n]*\n {2}decision {2}block {2}rule secrets\.status-query {2}severity high {2}\(differs from the record/);
    // A ts back by 1 ms, every artifact in force at both times: as recorded.
    const small = JSON.parse(sel(['explain', b.all, '--repo', b.repo, '--seq', '4', '--chain', 's', '--policy', 'HEAD', '--format', 'json']).stdout) as { recorded: Decision; whatIf: { decision: Decision } };
    expect(small.whatIf.decision).toEqual(small.recorded);
  });

  it('explain --policy: a what-if that differs from the record is that decision, as impact and replay say, though the exception it relied on had expired by the chain\'s time (from mutation testing)', () => {
    // pr lets low through: chain x's seq 4, a warn under EXEXP at a ts back in its window, is
    // an allow under it at its ts. Replay and impact call that a divergence (expected: the
    // allow); explain must not judge it at the chain's time as if it were the recorded decision.
    const dir = join(tmp, 'low-allowed');
    cpSync(b.repo, dir, { recursive: true });
    git(dir, 'checkout', '-q', '-b', 'pr');
    const gating = JSON.parse(readFileSync(join(dir, 'policy', 'severity-gating.json'), 'utf8')) as { gates: Record<string, string> };
    gating.gates['low'] = 'allow';
    write(dir, { 'policy/severity-gating.json': `${JSON.stringify(gating, null, 2)}\n` });
    commit(dir, 'pr: low is allowed');
    git(dir, 'checkout', '-q', 'main');
    const allow = { action: 'allow', rule: 'secrets.status-query', severity: 'low' };
    expect(impact(b.exception, dir, ['--policy', 'pr']).would).toEqual({ 'x/4@5': allow });
    const json = JSON.parse(sel(['explain', b.exception, '--repo', dir, '--seq', '4', '--policy', 'pr', '--format', 'json']).stdout) as { whatIf: { decision: Decision; expired: unknown } };
    expect(json.whatIf).toMatchObject({ decision: allow, expired: null });
  });

  it('a fork\'s branch: a line forged ahead of a seq does not hide the divergences of the real events from impact', () => {
    const r = replayed(fork, repo);
    expect(r).toEqual({ 'f/6@8': { action: 'block', rule: null, severity: 'high' } });
    const { out, would } = impact(fork, repo);
    expect(would).toEqual(r);
    // The chain's 0..5 (the forged 5) and the branch's 5..9, as replay counts them.
    expect(out.events).toBe(11);
  });

  it('a fork\'s branch is judged at its branch\'s time, not the chain\'s: an exception in force at the branch\'s time holds under impact too (from mutation testing, second pass)', () => {
    // Chain x's seq 0..2, then a seq 3 at 2026-11-10 read first (the chain goes on with it), and
    // a branch from seq 2: seq 3 at 2026-11-04, seq 4 a warn under EXEXP (until 2026-11-05)
    // at 2026-11-04T23:59:59.999Z. At the branch's time EXEXP is in force; at the chain's, not.
    const x = readFileSync(b.exception, 'utf8').split('\n').filter((l) => l !== '');
    const two = JSON.parse(x[2]!) as { hash: string };
    const four = JSON.parse(x[4]!) as Record<string, unknown>;
    const base = { kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' as const }, policy_hash: four['policy_hash'] as string, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } as const };
    const forged = new ChainWriter('x', { lastSeq: 2, lastHash: two.hash }).append({ ...base, ts: '2026-11-10T00:00:00.000Z', request: { tool: 'git', n: 103 } }).line;
    const w = new ChainWriter('x', { lastSeq: 2, lastHash: two.hash });
    const branch = [w.append({ ...base, ts: '2026-11-04T00:00:00.000Z', request: { tool: 'git', n: 3 } }).line,
      w.append({ ts: four['ts'] as string, kind: four['kind'] as string, actor: four['actor'] as { id: string; zone: 'executor' }, request: four['request'] as Record<string, unknown>, exception_ref: four['exception_ref'] as string, policy_hash: base.policy_hash, decision: four['decision'] as { action: 'warn'; rule: string; severity: 'low' } }).line];
    const log = join(tmp, 'fork-in-force.jsonl');
    writeFileSync(log, `${[...x.slice(0, 3), forged, ...branch].join('\n')}\n`);
    expect(replayed(log, b.repo)).toEqual({});
    const { out, would } = impact(log, b.repo);
    expect(would).toEqual({});
    expect(out).toMatchObject({ events: 6, changed: 0 });
  });
  it('a late arrival: an event read past the reorder window is replayed by impact too', () => {
    const r = replayed(late, repo, ['--reorder-window', '2']);
    expect(r).toEqual({ 'f/6@10': { action: 'block', rule: null, severity: 'high' } });
    const { out, would } = impact(late, repo, ['--reorder-window', '2']);
    expect(would).toEqual(r);
    expect(out.events).toBe(10);
  });

  it('reserved names: a version outside the --ref history is evaluated on its own history, even when the --ref history holds a twin that is not strict JSON', () => {
    // main: A reserves deploy-restart; then B, which drops it, written with a duplicate key (not
    // strict JSON, so invalid: the index maps the hash JSON.parse gives it to that invalid bundle).
    // pr (from A): B, valid, which inherits deploy-restart from A on its own history.
    const dir = initRepo(join(tmp, 'lenient'));
    const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
    const a = sampleFiles() as Record<string, { reserved?: string[] }>;
    const b = structuredClone(a);
    b['tool-registry']!.reserved = b['tool-registry']!.reserved!.filter((n) => n !== 'deploy-restart');
    for (const [k, v] of Object.entries(a)) write(dir, { [`policy/${k}.json`]: pretty(v) });
    commit(dir, 'A');
    git(dir, 'checkout', '-q', '-b', 'pr');
    for (const [k, v] of Object.entries(b)) write(dir, { [`policy/${k}.json`]: pretty(v) });
    commit(dir, 'B');
    git(dir, 'checkout', '-q', 'main');
    for (const [k, v] of Object.entries(b)) write(dir, { [`policy/${k}.json`]: pretty(v) });
    write(dir, { 'policy/capabilities.json': pretty(b['capabilities']).replace('"schema": "sel.policy.capabilities/1",', '"schema": "sel.policy.capabilities/1", "schema": "sel.policy.capabilities/1",') });
    commit(dir, 'B with a duplicate key');
    const hash = bundleOf(b).hash!;
    const log = join(tmp, 'lenient.jsonl');
    writeFileSync(log, `${new ChainWriter('t').append({ ts: '2026-11-01T00:00:00.000Z', kind: 'tool.register', actor: { id: 'coder', zone: 'executor' }, request: { name: 'deploy_restart' }, policy_hash: hash, decision: { action: 'warn', rule: 'tool-registry.open', severity: 'low' } }).line}\n`);
    const reserved = { action: 'block', rule: 'tool-registry.reserved', severity: 'high' };
    expect(replayed(log, dir, ['--ref', 'pr'])).toEqual({ 't/0@1': reserved });
    // --ref is main (HEAD): impact said "0 would change", explain "(as recorded)".
    expect(impact(log, dir, ['--policy', 'pr']).would).toEqual({ 't/0@1': reserved });
    const json = JSON.parse(sel(['explain', log, '--repo', dir, '--seq', '0', '--policy', 'pr', '--format', 'json']).stdout) as { whatIf: { decision: Decision } };
    expect(json.whatIf.decision).toEqual(reserved);
  });
});
