/**
 * A policy version restored after a later one reserved a tool name (a rollback: the same files,
 * the same hash) holds the name from then on, for its earlier events too (docs/policy.md,
 * "Reserved names"). A full run reports a registration of it under that version; a run resumed
 * from a checkpoint written before the rollback must too: it replays everything again, and says
 * why (docs/ci.md, "Incremental runs"). The built CLI on a real Git repository.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { sel } from '../helpers/cli.js';
import { commit, initRepo, write } from '../helpers/git.js';
import { compiled, edited } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-rollback-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Out { findings: { code: string; seq: number | null; expected?: unknown }[]; summary: { replay: { notes?: string[] } } }

const v1 = edited((f) => void (f['tool-registry'].severity = 'info'));
const v2 = edited((f) => {
  f['tool-registry'].severity = 'info';
  f['tool-registry'].reserved.push('zzz-tool');
});
const files = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [`policy/${k}.json`, `${JSON.stringify(x, null, 2)}\n`]));
const register = (name: string, i: number): EventInput => ({
  ts: `2026-11-01T12:00:0${i}.000Z`, kind: 'tool.register', actor: { id: 'coder', zone: 'executor' },
  request: { name }, policy_hash: compiled(v1).hash, decision: { action: 'allow', rule: 'tool-registry.open', severity: 'info' },
});
const verify = (log: string, repo: string, extra: string[] = []) => {
  const r = sel(['verify', log, '--repo', repo, '--format', 'json', ...extra]);
  return { status: r.status, stderr: r.stderr, out: JSON.parse(r.stdout) as Out };
};
const codes = (o: Out) => o.findings.map((f) => `${f.code}@${f.seq}`);
/** A run resumed from the checkpoint `cp` that says nothing and finds nothing. */
const resumesQuietly = (log: string, repo: string, cp: string) => {
  const resumed = verify(log, repo, ['--checkpoint', cp]);
  expect(resumed.stderr).toBe('');
  expect(codes(resumed.out)).toEqual([]);
  expect(resumed.status).toBe(0);
};

describe('a policy version restored after a later one reserved a name', () => {
  it('a resumed run replays the checkpoint\'s events again, and reports what a full run reports (found by review)', () => {
    const repo = initRepo(join(tmp, 'gov'));
    write(repo, files(v1));
    commit(repo, 'policy v1');
    const w = new ChainWriter('agents');
    const log = join(tmp, 'audit.jsonl');
    const cp = join(tmp, 'cp.json');
    // Registered under v1 before any version reserved the name: it matched.
    writeFileSync(log, `${w.append(register('zzz-tool', 0)).line}\n${w.append(register('aaa-tool', 1)).line}\n`);
    const first = verify(log, repo, ['--checkpoint', cp]);
    expect(codes(first.out)).toEqual([]);
    expect(first.status).toBe(0);

    // v2 reserves the name; then v1 is restored (the same files, the same hash).
    write(repo, files(v2));
    commit(repo, 'policy v2: zzz-tool reserved');
    write(repo, files(v1));
    const restored = commit(repo, 'policy: back to v1');
    appendFileSync(log, `${w.append(register('bbb-tool', 2)).line}\n`);

    const full = verify(log, repo);
    expect(codes(full.out)).toEqual(['DECISION_DIVERGENCE@0']);
    expect(full.out.findings[0]!.expected).toEqual({ action: 'block', rule: 'tool-registry.reserved', severity: 'high' });

    const resumed = verify(log, repo, ['--checkpoint', cp]);
    expect(codes(resumed.out)).toEqual(codes(full.out));
    expect(resumed.status).toBe(1);
    const why = `checkpoint ${cp} covers events replayed against commit `;
    expect(resumed.stderr).toContain(why);
    expect(resumed.stderr).toContain(`but policy version ${compiled(v1).hash} now inherits reserved tool names that it did not then (restored after a later version reserved them): verifying everything from the start`);
    expect(resumed.out.summary.replay.notes?.some((n) => n.startsWith(why))).toBe(true);
    expect(restored).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a later commit that changes no version\'s inherited names resumes as before', () => {
    const repo = initRepo(join(tmp, 'gov-plain'));
    write(repo, files(v1));
    commit(repo, 'policy v1');
    const w = new ChainWriter('agents');
    const log = join(tmp, 'plain.jsonl');
    const cp = join(tmp, 'plain-cp.json');
    writeFileSync(log, `${w.append(register('zzz-tool', 0)).line}\n`);
    expect(verify(log, repo, ['--checkpoint', cp]).status).toBe(0);
    // v2 reserves the name and stays: v1's commits are all before it, and inherit nothing.
    write(repo, files(v2));
    commit(repo, 'policy v2: zzz-tool reserved');
    appendFileSync(log, `${w.append(register('bbb-tool', 1)).line}\n`);
    resumesQuietly(log, repo, cp);
  });
  it('a version held then only by an earlier commit, and whose own reserved names the history held before it, is replayed again after its rollback too (from mutation testing)', () => {
    // v1 reserves own-tool, which v0 before it reserved too; the checkpoint's commit holds a third
    // version, so v1's commit is reached only through its parents. Then v2 reserves zzz-tool, and
    // v1 is restored: v1 inherits zzz-tool, which it did not as of the checkpoint's commit.
    const v0 = edited((f) => void f['tool-registry'].reserved.push('own-tool'));
    const own1 = edited((f) => {
      f['tool-registry'].severity = 'info';
      f['tool-registry'].reserved.push('own-tool');
    });
    const other = edited((f) => {
      f['tool-registry'].severity = 'low';
      f['tool-registry'].reserved.push('own-tool');
    });
    const own2 = edited((f) => {
      f['tool-registry'].severity = 'info';
      f['tool-registry'].reserved.push('own-tool', 'zzz-tool');
    });
    const repo = initRepo(join(tmp, 'gov-reached'));
    for (const [v, m] of [[v0, 'v0: own-tool reserved'], [own1, 'v1'], [other, 'another version']] as const) {
      write(repo, files(v));
      commit(repo, m);
    }
    const w = new ChainWriter('agents');
    const log = join(tmp, 'reached.jsonl');
    const cp = join(tmp, 'reached-cp.json');
    const under = (name: string, i: number): EventInput => ({ ...register(name, i), policy_hash: compiled(own1).hash });
    writeFileSync(log, `${w.append(under('zzz-tool', 0)).line}\n`);
    expect(verify(log, repo, ['--checkpoint', cp]).status).toBe(0);
    write(repo, files(own2));
    commit(repo, 'v2: zzz-tool reserved');
    write(repo, files(own1));
    commit(repo, 'back to v1');
    appendFileSync(log, `${w.append(under('bbb-tool', 1)).line}\n`);
    const full = verify(log, repo);
    expect(codes(full.out)).toEqual(['DECISION_DIVERGENCE@0']);
    const resumed = verify(log, repo, ['--checkpoint', cp]);
    expect(codes(resumed.out)).toEqual(codes(full.out));
    expect(resumed.stderr).toContain(`but policy version ${compiled(own1).hash} now inherits reserved tool names that it did not then`);
  });

  it('a version that inherited the name already at the checkpoint, or that no commit held then, resumes as before (from mutation testing)', () => {
    const repo = initRepo(join(tmp, 'gov-already'));
    write(repo, files(v1));
    commit(repo, 'policy v1');
    write(repo, files(v2));
    commit(repo, 'policy v2: zzz-tool reserved');
    write(repo, files(v1));
    commit(repo, 'policy: back to v1');
    const w = new ChainWriter('agents');
    const log = join(tmp, 'already.jsonl');
    const cp = join(tmp, 'already-cp.json');
    writeFileSync(log, `${w.append(register('aaa-tool', 0)).line}\n`);
    expect(verify(log, repo, ['--checkpoint', cp]).status).toBe(0);
    // v1 inherits zzz-tool as it did at the checkpoint's commit; v3, new since, inherits it too,
    // but no event the checkpoint covers named it (no commit held it then).
    const v3 = edited((f) => void (f['tool-registry'].severity = 'low'));
    write(repo, files(v3));
    commit(repo, 'policy v3');
    appendFileSync(log, `${w.append(register('bbb-tool', 1)).line}\n`);
    resumesQuietly(log, repo, cp);
  });
  it('names the versions that inherit more than they did, sorted by hash (from mutation testing)', () => {
    // v1 and v1b (two versions), then v2 reserves zzz-tool, then both are restored in turn: both
    // inherit it now, and the note names them in hash order whatever order the history has them in.
    const v1b = edited((f) => void (f['tool-registry'].severity = 'low'));
    const hashes = [compiled(v1).hash, compiled(v1b).hash];
    for (const [name, order] of [['a', [v1, v1b]], ['b', [v1b, v1]]] as const) {
      const repo = initRepo(join(tmp, `gov-two-${name}`));
      for (const v of order) {
        write(repo, files(v));
        commit(repo, 'a version');
      }
      const w = new ChainWriter('agents');
      const log = join(tmp, `two-${name}.jsonl`);
      const cp = join(tmp, `two-${name}-cp.json`);
      writeFileSync(log, `${w.append(register('aaa-tool', 0)).line}\n`);
      expect(verify(log, repo, ['--checkpoint', cp]).status).toBe(0);
      write(repo, files(v2));
      commit(repo, 'policy v2: zzz-tool reserved');
      for (const v of order) {
        write(repo, files(v));
        commit(repo, 'restored');
      }
      appendFileSync(log, `${w.append(register('bbb-tool', 1)).line}\n`);
      const resumed = verify(log, repo, ['--checkpoint', cp]);
      expect(resumed.stderr, name).toContain(`but policy versions ${[...hashes].sort().join(', ')} now inherit reserved tool names that they did not then`);
    }
  });
});
