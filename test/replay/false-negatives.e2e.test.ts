/**
 * Recorded decisions the policy they name does not give, each in a real governance repository
 * and a real log whose hashes are right: `sel verify --repo` must report every one (a
 * DECISION_DIVERGENCE at the event), with one thread, three and three shards merged alike, and
 * `sel policy eval` must decide each event as replay does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { sel, verifyEverywhere } from '../helpers/cli.js';
import { commit, initRepo, write } from '../helpers/git.js';
import { compiled, edited } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-false-negatives-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Out { findings: { code: string; seq: number | null; expected?: unknown }[]; summary: { replay: { events: Record<string, number> } } }

/** A governance repository holding `files` as its one policy version, and its hash. */
function repoWith(name: string, files: Record<string, unknown>): { repo: string; hash: string } {
  const repo = initRepo(join(tmp, name));
  write(repo, Object.fromEntries(Object.entries(files).map(([k, v]) => [`policy/${k}.json`, `${JSON.stringify(v, null, 2)}\n`])));
  commit(repo, 'policy');
  return { repo, hash: compiled(files).hash };
}

/** The events as one chain's log. */
function logOf(name: string, events: readonly EventInput[]): string {
  const w = new ChainWriter('agents');
  const file = join(tmp, `${name}.jsonl`);
  writeFileSync(file, events.map((e) => `${w.append(e).line}\n`).join(''));
  return file;
}

/** Each seq's replay findings, by verify (all three ways alike). */
function replayFindings(log: string, repo: string): Out {
  const r = verifyEverywhere(log, repo, tmp);
  expect(r.status, r.stderr).toBe(1);
  return JSON.parse(r.stdout) as Out;
}

/** `sel policy eval` on one event of the log, in the repository: its decision and exit status. */
function policyEval(repo: string, event: EventInput): { status: number | null; decision: unknown } {
  const file = join(tmp, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  const r = sel(['policy', 'eval', repo, '--event', file, '--format', 'json']);
  return { status: r.status, decision: (JSON.parse(r.stdout) as { decision: unknown }).decision };
}

describe('private_ip_mode deny: the evidence\'s IPv6 forms', () => {
  it('reports an allow whose pinned address is ::ffff:012.0.0.1 (10.0.0.1 to a reader of octal; refused as 012.0.0.1)', () => {
    const files = edited(() => undefined);
    const { repo, hash } = repoWith('ipv6-dotted', files);
    const egress = (ip: string, i: number): EventInput => ({
      ts: `2026-11-01T12:00:0${i}.000Z`, kind: 'http.egress', actor: { id: 'coder', zone: 'executor' },
      request: { tool: 'http.fetch', method: 'GET', url: 'https://api.github.com/repos/acme/app', pinned_ips: [ip] },
      policy_hash: hash, decision: { action: 'allow', rule: 'egress.github-api', severity: 'info' },
    });
    const events = [egress('::ffff:012.0.0.1', 0), egress('::ffff:0177.0.0.1', 1), egress('::ffff:0x8.0x8.0x8.0x8', 2), egress('012.0.0.1', 3), egress('::ffff:8.8.8.8', 4)];
    const out = replayFindings(logOf('ipv6-dotted', events), repo);
    expect(out.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(['DECISION_DIVERGENCE@0', 'DECISION_DIVERGENCE@1', 'DECISION_DIVERGENCE@2', 'DECISION_DIVERGENCE@3']);
    expect(out.findings[0]!.expected).toEqual({ action: 'block', rule: null, severity: 'high' });
    expect(out.summary.replay.events).toMatchObject({ matched: 1, diverged: 4 });
    // sel policy eval decides each as replay does.
    expect(policyEval(repo, events[0]!)).toEqual({ status: 1, decision: { action: 'block', rule: null, severity: 'high' } });
    expect(policyEval(repo, events[4]!)).toEqual({ status: 0, decision: { action: 'allow', rule: 'egress.github-api', severity: 'info' } });
  });
});

describe('reserved tool names: a reserved name\'s own spaces and leet characters, enclosed letters', () => {
  it('reports a registration of git_push allowed under a policy that reserves "git push" (shell.run under "$hell.run", 🆂hell.exec under shell.exec)', () => {
    const files = edited((f) => {
      f['tool-registry'].reserved.push('git push', '$hell.run');
      f['tool-registry'].severity = 'info';
    });
    const { repo, hash } = repoWith('reserved-space', files);
    const register = (name: string, i: number): EventInput => ({
      ts: `2026-11-01T12:00:0${i}.000Z`, kind: 'tool.register', actor: { id: 'coder', zone: 'executor' },
      request: { name }, policy_hash: hash, decision: { action: 'allow', rule: 'tool-registry.open', severity: 'info' },
    });
    // And a negative squared S (U+1F182), which NFKC leaves a symbol: read as a separator, it was hell.exec.
    const events = [register('git_push', 0), register('Git-Push', 1), register('shell.run', 2), register('git.pull', 3), register('\u{1F182}hell.exec', 4)];
    const out = replayFindings(logOf('reserved-space', events), repo);
    expect(out.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(['DECISION_DIVERGENCE@0', 'DECISION_DIVERGENCE@1', 'DECISION_DIVERGENCE@2', 'DECISION_DIVERGENCE@4']);
    expect(out.findings[0]!.expected).toEqual({ action: 'block', rule: 'tool-registry.reserved', severity: 'high' });
    expect(policyEval(repo, events[0]!)).toEqual({ status: 1, decision: { action: 'block', rule: 'tool-registry.reserved', severity: 'high' } });
    expect(policyEval(repo, events[3]!)).toEqual({ status: 0, decision: { action: 'allow', rule: 'tool-registry.open', severity: 'info' } });
  });
  it('holds a reserved "git push" that an earlier version reserved and this one dropped: git_push under the later version diverges', () => {
    // With GitPush beside it, which has its skeleton (gltpush) but not its reading as git.push.
    const v1 = edited((f) => {
      f['tool-registry'].reserved.push('GitPush', 'git push');
      f['tool-registry'].severity = 'info';
    });
    const v2 = edited((f) => void (f['tool-registry'].severity = 'info'));
    const { repo } = repoWith('reserved-earlier', v1);
    write(repo, Object.fromEntries(Object.entries(v2).map(([k, v]) => [`policy/${k}.json`, `${JSON.stringify(v, null, 2)}\n`])));
    commit(repo, 'policy v2: git push no longer reserved');
    const register = (name: string, i: number): EventInput => ({
      ts: `2026-11-01T12:00:0${i}.000Z`, kind: 'tool.register', actor: { id: 'coder', zone: 'executor' },
      request: { name }, policy_hash: compiled(v2).hash, decision: { action: 'allow', rule: 'tool-registry.open', severity: 'info' },
    });
    const out = replayFindings(logOf('reserved-earlier', [register('git_push', 0), register('gitpush', 1), register('git.pull', 2)]), repo);
    expect(out.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(['DECISION_DIVERGENCE@0', 'DECISION_DIVERGENCE@1']);
  });
});

describe('workspace paths, caps, tool names, MCP servers and leak pattern sets (checked by review: replay blocks each)', () => {
  it('reports allows of paths outside a prefix in any form, amounts over or beside a cap, other forms of a tool, server or pattern set', () => {
    const files = edited(() => undefined);
    const { repo, hash } = repoWith('contracts-forms', files);
    const ev = (i: number, kind: string, actor: string, request: Record<string, unknown>, decision: EventInput['decision']): EventInput => ({
      ts: `2026-11-01T12:00:${String(i).padStart(2, '0')}.000Z`, kind, actor: { id: actor, zone: 'executor' }, request, policy_hash: hash, decision,
    });
    const allow = (rule: string) => ({ action: 'allow' as const, rule, severity: 'info' as const });
    const events = [
      ev(0, 'fs.write', 'coder', { path: '/workspace/src/../notes/x' }, allow('cap.coder')),
      ev(1, 'fs.write', 'coder', { path: '/workspace/srcx/a' }, allow('cap.coder')),
      ev(2, 'fs.write', 'coder', { path: '/workspace/src/' }, allow('cap.coder')),
      ev(3, 'fs.write', 'coder', { path: '/workspace//src/a' }, allow('cap.coder')),
      ev(4, 'fs.read', 'coder', { path: '/Workspace/a' }, allow('cap.coder')),
      ev(5, 'fs.write', 'coder', { path: '/workspace/cafe\u0301/src/a' }, allow('cap.coder')),
      ev(6, 'tool.invoke', 'coder', { tool: 'git', resources: { memory_mb: 2049 } }, allow('cap.coder')),
      ev(7, 'tool.invoke', 'coder', { tool: 'git', resources: { memory_mb: 0.5 } }, allow('cap.coder')),
      ev(8, 'tool.invoke', 'coder', { tool: 'git', resources: { memory_mb: '1' } }, allow('cap.coder')),
      ev(9, 'tool.invoke', 'coder', { tool: 'Git' }, allow('cap.coder')),
      ev(10, 'mcp.call', 'browser', { server: 'Browser', tool: 'read' }, { action: 'warn', rule: 'mcp.browser', severity: 'low' }),
      ev(11, 'mcp.call', 'browser', { server: 'https://mcp.example.com/browser', tool: 'read' }, { action: 'warn', rule: 'mcp.browser', severity: 'low' }),
      ev(12, 'mcp.call', 'browser', { server: 'browser', tool: 'Read' }, { action: 'warn', rule: 'mcp.browser', severity: 'low' }),
      ev(13, 'mcp.call', 'coder', { server: 'browser', tool: 'read' }, { action: 'allow', rule: 'mcp.browser', severity: 'info' }),
      ev(14, 'secret.leak_match', 'coder', { pattern: 'leak.generic-high-entropy', pattern_set: '2026-11-02' }, { action: 'warn', rule: 'leak.generic-high-entropy', severity: 'low' }),
      ev(15, 'secret.leak_match', 'coder', { pattern: 'LEAK.generic-high-entropy', pattern_set: '2026-11-01' }, { action: 'warn', rule: 'leak.generic-high-entropy', severity: 'low' }),
      // What the policy allows, allowed: matched.
      ev(16, 'fs.write', 'coder', { path: '/workspace/src/%2e%2e/a' }, allow('cap.coder')),
      ev(17, 'tool.invoke', 'coder', { tool: 'git', resources: { memory_mb: 2048 } }, allow('cap.coder')),
      ev(18, 'mcp.call', 'browser', { server: 'browser', tool: 'read' }, { action: 'warn', rule: 'mcp.browser', severity: 'low' }),
      ev(19, 'secret.leak_match', 'coder', { pattern: 'leak.generic-high-entropy', pattern_set: '2026-11-01' }, { action: 'warn', rule: 'leak.generic-high-entropy', severity: 'low' }),
    ];
    const out = replayFindings(logOf('contracts-forms', events), repo);
    expect(out.findings.map((f) => `${f.code}@${f.seq}`)).toEqual(Array.from({ length: 16 }, (_, i) => `DECISION_DIVERGENCE@${i}`));
    const blockNull = { action: 'block', rule: null, severity: 'high' };
    const capBlock = { action: 'block', rule: 'cap.coder', severity: 'high' };
    expect(out.findings.map((f) => f.expected)).toEqual([...Array(6).fill(blockNull), capBlock, capBlock, capBlock, ...Array(7).fill(blockNull)]);
    expect(out.summary.replay.events).toMatchObject({ matched: 4, diverged: 16 });
    expect(policyEval(repo, events[6]!)).toEqual({ status: 1, decision: capBlock });
    expect(policyEval(repo, events[18]!)).toEqual({ status: 0, decision: { action: 'warn', rule: 'mcp.browser', severity: 'low' } });
  });
});
