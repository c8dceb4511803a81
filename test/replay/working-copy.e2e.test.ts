/**
 * A committed audit log may only grow (LEDGER_REWRITTEN), in the history and as it is read: a
 * working copy that is not the version committed at --ref with events appended contradicts the
 * evidence in the governance repository. The built CLI on a real Git repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, cpSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel, verifyEverywhere } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';
import { ChainWriter } from '../../src/producer/producer.js';

/** A Git LFS pointer to `content` (git-lfs's spec: its version, the SHA-256 and size of the content). */
const pointer = (content: string) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${createHash('sha256').update(content).digest('hex')}\nsize ${Buffer.byteLength(content)}\n`;

const tmp = mkdtempSync(join(tmpdir(), 'sel-working-copy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ELEVATE = { from: 'executor', to: 'supervisor' };
const OPS = { id: 'ops-bot', zone: 'executor' as const };
let repo = '';
let policy = '';
let log = '';
/** seq 0-2; seq 2 an elevation allowed (warn) without an exception, or blocked, as `allowed` says; `extra` events after. */
const chain = (allowed: boolean, extra = 0): string => {
  const w = new ChainWriter('c');
  const lines: string[] = [];
  for (let i = 0; i < 3 + extra; i++) {
    const warn = i === 2 && allowed;
    lines.push(w.append({
      ts: `2026-10-02T0${i}:00:00.000Z`, kind: 'zone.elevate', actor: OPS, request: { ...ELEVATE, n: i }, policy_hash: policy,
      decision: warn ? { action: 'warn', rule: 'trust.ops-restart', severity: 'low' } : { action: 'block', rule: 'trust.ops-restart', severity: 'high' },
    }).line);
  }
  return `${lines.join('\n')}\n`;
};

beforeAll(() => {
  repo = initRepo(join(tmp, 'gov'));
  for (const f of ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones']) {
    write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  }
  commit(repo, 'policy');
  policy = sel(['policy', 'hash', repo]).stdout.trim();
  mkdirSync(join(repo, 'logs'));
  log = join(repo, 'logs', 'audit.jsonl');
  // What happened, committed: seq 2 elevated without an exception.
  writeFileSync(log, chain(true));
  commit(repo, 'audit log through seq 2');
});

const gate = () => {
  const r = sel(['gate', log, '--repo', repo, '--no-divergence', '--no-unverifiable', '--no-unreviewed-elevation', '--format', 'json']);
  return { status: r.status, out: JSON.parse(r.stdout) as { result: string; assertions: { name: string; pass: boolean; reason: string }[] } };
};

describe('a committed log read as other than its committed version with events appended', () => {
  it('the committed version itself: the elevation fails the gate', () => {
    expect(gate()).toMatchObject({ status: 1, out: { result: 'fail' } });
  });

  it('sealed again in the working copy (the elevation made a block), history clean and no anchor: LEDGER_REWRITTEN, the gate fails integrity', () => {
    writeFileSync(log, chain(false));
    const { status, out } = gate();
    expect(status).toBe(1);
    expect(out.assertions[0]).toMatchObject({ name: 'integrity', pass: false });
    expect(out.assertions[0]!.reason).toContain('LEDGER_REWRITTEN at ');
    const v = sel(['verify', log, '--repo', repo, '--format', 'json']);
    const findings = (JSON.parse(v.stdout) as { findings: { code: string; location: { line: number }; message: string }[] }).findings;
    expect(findings.map((f) => `${f.code}@${f.location.line}`)).toEqual(['LEDGER_REWRITTEN@3']);
    expect(findings[0]!.message).toMatch(/^the file read is not the log committed at [0-9a-f]{12} with events appended: it differs from it at line 3/);
    expect(v.status).toBe(1);
  });

  it('cut back in the working copy: LEDGER_REWRITTEN where it ends', () => {
    writeFileSync(log, chain(true).split('\n').slice(0, 2).join('\n') + '\n');
    const v = sel(['verify', log, '--repo', repo, '--format', 'json']);
    expect((JSON.parse(v.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['LEDGER_REWRITTEN']);
    expect(v.status).toBe(1);
  });

  it('grown by appending: nothing to say about it', () => {
    writeFileSync(log, chain(true));
    appendFileSync(log, chain(true, 2).split('\n').slice(3).join('\n'));
    const v = sel(['verify', log, '--repo', repo, '--format', 'json']);
    expect((JSON.parse(v.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['EXCEPTION_MISSING']);
  });

  it('a symbolic link put where the committed log is (to a copy cut back outside the repository, or in it but not committed), or where a directory above it is: LEDGER_REWRITTEN, the same through shards; a link to the committed log is not', () => {
    // The log was taken to be where the link led: a file outside the repository, or one not
    // committed, was never compared with the committed version, and a cut back log passed
    // (found by review).
    const cut = chain(true).split('\n').slice(0, 2).join('\n') + '\n';
    const outside = join(tmp, 'outside.jsonl');
    writeFileSync(outside, cut);
    const codes = (args: string[] = []) => {
      const v = sel(['verify', log, '--repo', repo, '--format', 'json', ...args]);
      return { codes: (JSON.parse(v.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code), stdout: v.stdout };
    };
    try {
      rmSync(log);
      symlinkSync(outside, log);
      const one = codes();
      expect(one.codes).toEqual(['LEDGER_REWRITTEN']);
      expect(codes(['--jobs', '2', '--unit-bytes', '300']).stdout).toBe(one.stdout);
      const shards = [1, 2].map((i) => {
        const file = join(tmp, `link-shard-${i}`);
        expect(sel(['verify', log, '--repo', repo, '--shard', `${i}/2`, '--shard-out', file]).status).toBe(0);
        return file;
      });
      expect(sel(['merge', ...shards, '--repo', repo, '--format', 'json']).stdout).toBe(one.stdout);

      mkdirSync(join(repo, 'elsewhere'));
      writeFileSync(join(repo, 'elsewhere', 'x.jsonl'), cut);
      rmSync(log);
      symlinkSync(join(repo, 'elsewhere', 'x.jsonl'), log);
      expect(codes().codes).toEqual(['LEDGER_REWRITTEN']);

      rmSync(log);
      writeFileSync(log, chain(true));
      renameSync(join(repo, 'logs'), join(repo, 'logs.real'));
      mkdirSync(join(tmp, 'fake-logs'));
      writeFileSync(join(tmp, 'fake-logs', 'audit.jsonl'), cut);
      symlinkSync(join(tmp, 'fake-logs'), join(repo, 'logs'));
      expect(codes().codes).toEqual(['LEDGER_REWRITTEN']);
      rmSync(join(repo, 'logs'));
      renameSync(join(repo, 'logs.real'), join(repo, 'logs'));

      // A link (not committed) to the committed log is that log.
      symlinkSync('audit.jsonl', join(repo, 'logs', 'current.jsonl'));
      const current = sel(['verify', join(repo, 'logs', 'current.jsonl'), '--repo', repo, '--format', 'json']);
      expect((JSON.parse(current.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['EXCEPTION_MISSING']);
    } finally {
      rmSync(join(repo, 'logs', 'current.jsonl'), { force: true });
      rmSync(join(repo, 'elsewhere'), { recursive: true, force: true });
      rmSync(log, { force: true });
      writeFileSync(log, chain(true));
    }
  });

  it('named through a symbolic link and "..", as the system finds it (a link into the repository, then its parent): a log cut back is LEDGER_REWRITTEN, the same through shards (from mutation testing)', () => {
    // `out/link/../logs/audit.jsonl` is the committed log to the system; taken as
    // out/logs/audit.jsonl, outside the repository, it was never compared with its committed
    // version, and a log cut back passed.
    const out = join(tmp, 'dotdot-out');
    mkdirSync(out);
    mkdirSync(join(repo, 'dotdot-sub'));
    symlinkSync(join(repo, 'dotdot-sub'), join(out, 'link'));
    const named = `${join(out, 'link')}/../logs/audit.jsonl`;
    try {
      writeFileSync(log, chain(true).split('\n').slice(0, 2).join('\n') + '\n');
      const v = sel(['verify', named, '--repo', repo, '--format', 'json']);
      expect((JSON.parse(v.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['LEDGER_REWRITTEN']);
      const shards = [1, 2].map((i) => {
        const file = join(tmp, `dotdot-shard-${i}`);
        expect(sel(['verify', named, '--repo', repo, '--shard', `${i}/2`, '--shard-out', file]).status).toBe(0);
        return file;
      });
      expect(sel(['merge', ...shards, '--repo', repo, '--format', 'json']).stdout).toBe(v.stdout);
    } finally {
      writeFileSync(log, chain(true));
      rmSync(join(repo, 'dotdot-sub'), { recursive: true, force: true });
    }
  });

  it('a FIFO put where the committed log is: LEDGER_REWRITTEN (it is not the committed file), not a stream read unchecked', () => {
    const cut = join(tmp, 'fifo-cut.jsonl');
    writeFileSync(cut, chain(true).split('\n').slice(0, 2).join('\n') + '\n');
    try {
      rmSync(log);
      execFileSync('mkfifo', [log]);
      const writer = spawn('sh', ['-c', 'cat "$2" > "$1"', 'sh', log, cut], { stdio: 'ignore' });
      const v = sel(['verify', log, '--repo', repo, '--format', 'json']);
      writer.kill();
      const findings = (JSON.parse(v.stdout) as { findings: { code: string; message: string }[] }).findings;
      expect(findings.map((f) => f.code)).toEqual(['LEDGER_REWRITTEN']);
      expect(findings[0]!.message).toContain('it is not a regular file');
    } finally {
      rmSync(log, { force: true });
      writeFileSync(log, chain(true));
    }
  });
});

describe('a committed log kept in Git LFS (the repository holds a pointer naming its sha256 and size)', () => {
  const findingsOf = (dir: string, file: string) =>
    (JSON.parse(sel(['verify', file, '--repo', dir, '--format', 'json']).stdout) as { findings: { code: string; message: string }[] }).findings;

  it('appended to, commit after commit: not a rewrite (each pointer differs at its oid line); made shorter: a rewrite, by the sizes the pointers name; the working copy must begin with what the pointer names', () => {
    const dir = copyOfRepo('lfs');
    const lfsLog = join(dir, 'logs', 'lfs.jsonl');
    const [short, long] = [chain(false), chain(false, 2)];
    for (const content of [short, long]) {
      writeFileSync(lfsLog, pointer(content));
      commit(dir, 'audit log (LFS pointer)');
    }
    // The working copy holds what the pointer names: neither it nor the history is a rewrite.
    writeFileSync(lfsLog, long);
    expect(findingsOf(dir, lfsLog)).toEqual([]);
    appendFileSync(lfsLog, chain(false, 3).split('\n').slice(5).join('\n'));
    expect(findingsOf(dir, lfsLog)).toEqual([]);
    // Not what it names: cut back, or the same length sealed again (the pointer's SHA-256), on
    // one thread and through shards, where the shard that reads the file's end checks it.
    for (const changed of [short, long.replace('"n":4', '"n":5')]) {
      writeFileSync(lfsLog, changed);
      const one = sel(['verify', lfsLog, '--repo', dir, '--format', 'json']).stdout;
      expect((JSON.parse(one) as { findings: { code: string; location: { line: number }; detail: unknown }[] }).findings.filter((f) => f.code === 'LEDGER_REWRITTEN'))
        .toMatchObject([{ location: { line: 1 }, detail: { workingCopy: true } }]);
      const shards = [1, 2].map((i) => {
        const file = join(tmp, `lfs-shard-${i}`);
        expect(sel(['verify', lfsLog, '--repo', dir, '--shard', `${i}/2`, '--shard-out', file]).status).toBe(0);
        return file;
      });
      expect(sel(['merge', ...shards, '--repo', dir, '--format', 'json']).stdout).toBe(one);
    }
    writeFileSync(lfsLog, pointer(short));
    commit(dir, 'audit log cut back (LFS pointer)');
    writeFileSync(lfsLog, short);
    const rewritten = findingsOf(dir, lfsLog);
    expect(rewritten.map((f) => f.code)).toEqual(['LEDGER_REWRITTEN']);
    expect(rewritten[0]!.message).toMatch(new RegExp(`shrank the committed log from ${Buffer.byteLength(long)} to ${Buffer.byteLength(short)} bytes \\(as its Git LFS pointer names it\\)`));
  });
});

/** A copy of the repository, under tmp/`name`, for one test to change. */
function copyOfRepo(name: string): string {
  const dir = join(tmp, name);
  cpSync(repo, dir, { recursive: true });
  return dir;
}

/** A copy of the repository with the chain committed as two segments in segments/. */
function twoSegments(name: string): { dir: string; segments: string } {
  const dir = copyOfRepo(name);
  const segments = join(dir, 'segments');
  mkdirSync(segments);
  const lines = chain(false, 3).trimEnd().split('\n');
  writeFileSync(join(segments, 'audit-1.jsonl'), `${lines.slice(0, 3).join('\n')}\n`);
  writeFileSync(join(segments, 'audit-2.jsonl'), `${lines.slice(3).join('\n')}\n`);
  commit(dir, 'audit log in two segments');
  return { dir, segments };
}

describe('a committed segment deleted from a directory of logs', () => {
  it('is LEDGER_REWRITTEN, named as a run names the directory\'s files, the same on any --jobs and through shards; one replaced by a directory is LOG_UNREADABLE alone', () => {
    // The last segment deleted: the rest reads as a whole chain, and the gate passed on what
    // was left (found by review).
    const { dir, segments } = twoSegments('segments-repo');
    const verify = (args: string[] = []) => sel(['verify', segments, '--repo', dir, '--format', 'json', ...args]);
    expect(JSON.parse(verify().stdout)).toMatchObject({ findings: [] });
    rmSync(join(segments, 'audit-2.jsonl'));
    const one = verify();
    expect(one.status).toBe(1);
    const findings = (JSON.parse(one.stdout) as { findings: { code: string; location: { file: string }; message: string; detail: unknown }[] }).findings;
    expect(findings.map((f) => [f.code, f.location.file, f.detail])).toEqual([['LEDGER_REWRITTEN', join(segments, 'audit-2.jsonl'), { commit: expect.stringMatching(/^[0-9a-f]{40}$/), workingCopy: true }]]);
    expect(findings[0]!.message).toMatch(/^the log committed at [0-9a-f]{12} is not in the working copy: /);
    expect(verify(['--jobs', '2', '--unit-bytes', '300']).stdout).toBe(one.stdout);
    const shards = [1, 2, 3].map((i) => {
      const file = join(tmp, `segments-shard-${i}`);
      expect(sel(['verify', segments, '--repo', dir, '--shard', `${i}/3`, '--shard-out', file]).status).toBe(0);
      return file;
    });
    expect(sel(['merge', ...shards, '--repo', dir, '--format', 'json']).stdout).toBe(one.stdout);
    // Not a log it could read: said so, once.
    mkdirSync(join(segments, 'audit-2.jsonl'));
    expect((JSON.parse(verify().stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['LOG_UNREADABLE']);
  });

  it('shards that named the directory and shards that named its file are not one run: refused in either order, never merged without the deleted segment (from mutation testing)', () => {
    const { dir, segments } = twoSegments('segments-mixed-repo');
    rmSync(join(segments, 'audit-2.jsonl'));
    // The same file, by the same name, the same size and the same cuts: only the directory
    // named says that a committed segment is missing from it.
    const shard = (i: number, logs: string) => {
      const file = join(tmp, `segments-mixed-${i}`);
      expect(sel(['verify', logs, '--repo', dir, '--shard', `${i}/2`, '--shard-out', file]).status).toBe(0);
      return file;
    };
    const [a, b] = [shard(1, segments), shard(2, join(segments, 'audit-1.jsonl'))];
    expect(sel(['verify', segments, '--repo', dir]).status).toBe(1);
    expect(sel(['verify', join(segments, 'audit-1.jsonl'), '--repo', dir]).status).toBe(0);
    // Merged, shard 2 first: the deleted segment went unreported, and the merge passed.
    for (const order of [[b, a], [a, b]]) {
      const m = sel(['merge', ...order, '--repo', dir]);
      expect([m.status, m.stdout], order.join(' ')).toEqual([2, '']);
      expect(m.stderr).toBe('sel: the shards come from different runs (other logs, options or ref): merge the shards of one run\n');
    }
  });
});

describe('a committed segment deleted from a directory of logs named otherwise (review of the deleted-segment check)', () => {
  const segmented = (name: string, sub: string) => {
    const dir = copyOfRepo(name);
    const segments = join(dir, sub);
    mkdirSync(segments, { recursive: true });
    const lines = chain(false, 3).trimEnd().split('\n');
    writeFileSync(join(segments, 'audit-1.jsonl'), `${lines.slice(0, 3).join('\n')}\n`);
    writeFileSync(join(segments, 'audit-2.jsonl'), `${lines.slice(3).join('\n')}\n`);
    commit(dir, 'audit log in two segments');
    return { dir, segments };
  };
  const rewritten = (args: string[], cwd?: string) => {
    const r = sel(['verify', ...args, '--format', 'json'], cwd === undefined ? {} : { cwd });
    return (JSON.parse(r.stdout) as { findings: { code: string; location: { file: string } }[] }).findings.map((f) => [f.code, f.location.file]);
  };

  it('the repository\'s root named as the directory of logs (`sel verify . --repo .`): the deleted segment is LEDGER_REWRITTEN', () => {
    const { dir } = segmented('segments-root', '.');
    expect(rewritten(['.', '--repo', '.'], dir)).toEqual([]);
    rmSync(join(dir, 'audit-2.jsonl'));
    expect(rewritten(['.', '--repo', '.'], dir)).toEqual([['LEDGER_REWRITTEN', 'audit-2.jsonl']]);
    expect(rewritten([dir, '--repo', dir])).toEqual([['LEDGER_REWRITTEN', join(dir, 'audit-2.jsonl')]]);
  });

  it('the committed directory replaced by a symbolic link to a copy without the last segment, outside the repository or in it: LEDGER_REWRITTEN, on any --jobs and through shards', () => {
    for (const inRepo of [false, true]) {
      const { dir, segments } = segmented(`segments-link-${inRepo}`, 'segments');
      const copy = inRepo ? join(dir, 'other') : join(tmp, `segments-link-copy-${inRepo}`);
      mkdirSync(copy);
      cpSync(join(segments, 'audit-1.jsonl'), join(copy, 'audit-1.jsonl'));
      rmSync(segments, { recursive: true });
      symlinkSync(copy, segments);
      const one = sel(['verify', segments, '--repo', dir, '--format', 'json']);
      expect((JSON.parse(one.stdout) as { findings: { code: string; location: { file: string } }[] }).findings.map((f) => [f.code, f.location.file]))
        .toEqual([['LEDGER_REWRITTEN', join(segments, 'audit-2.jsonl')]]);
      expect(sel(['verify', segments, '--repo', dir, '--format', 'json', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
      const shards = [1, 2, 3].map((i) => {
        const file = join(tmp, `segments-link-${inRepo}-shard-${i}`);
        expect(sel(['verify', segments, '--repo', dir, '--shard', `${i}/3`, '--shard-out', file]).status).toBe(0);
        return file;
      });
      expect(sel(['merge', ...shards, '--repo', dir, '--format', 'json']).stdout).toBe(one.stdout);
      // The segment there, but not a log it could read: said so, once.
      mkdirSync(join(copy, 'audit-2.jsonl'));
      expect(rewritten([segments, '--repo', dir])).toEqual([['LOG_UNREADABLE', join(segments, 'audit-2.jsonl')]]);
    }
  });

  it('the committed directory named through a symbolic link to it (not committed): the segment deleted from it is LEDGER_REWRITTEN (from mutation testing)', () => {
    const { dir } = segmented('segments-via-link', 'segs');
    symlinkSync('segs', join(dir, 'segs-link'));
    rmSync(join(dir, 'segs', 'audit-2.jsonl'));
    expect(rewritten([join(dir, 'segs-link'), '--repo', dir])).toEqual([['LEDGER_REWRITTEN', join(dir, 'segs-link', 'audit-2.jsonl')]]);
  });
  it('an executable committed segment deleted is LEDGER_REWRITTEN too, at line 1 (from mutation testing)', () => {
    const { dir, segments } = segmented('segments-exec', 'segs');
    chmodSync(join(segments, 'audit-2.jsonl'), 0o755);
    commit(dir, 'made executable');
    rmSync(join(segments, 'audit-2.jsonl'));
    expect(rewritten([segments, '--repo', dir])).toEqual([['LEDGER_REWRITTEN', join(segments, 'audit-2.jsonl')]]);
    // At its first line, as a file's findings are.
    const r = sel(['verify', segments, '--repo', dir, '--format', 'json']);
    expect((JSON.parse(r.stdout) as { findings: { location: { line: number } }[] }).findings.map((f) => f.location.line)).toEqual([1]);
  });
  it('a directory named twice: the deleted segment is said once', () => {
    const { dir, segments } = segmented('segments-twice', 'segments');
    rmSync(join(segments, 'audit-2.jsonl'));
    expect(rewritten([segments, segments, '--repo', dir])).toEqual([['LEDGER_REWRITTEN', join(segments, 'audit-2.jsonl')]]);
  });

  it('an empty committed segment deleted is not reported (it held no events); a deleted one that held some is', () => {
    const { dir, segments } = segmented('segments-empty', 'segments');
    writeFileSync(join(segments, 'audit-0.jsonl'), '');
    commit(dir, 'an empty segment');
    rmSync(join(segments, 'audit-0.jsonl'));
    expect(rewritten([segments, '--repo', dir])).toEqual([]);
    rmSync(join(segments, 'audit-2.jsonl'));
    expect(rewritten([segments, '--repo', dir])).toEqual([['LEDGER_REWRITTEN', join(segments, 'audit-2.jsonl')]]);
  });

  // A SHA-256 repository names the empty file by another object id (from mutation testing).
  it('in a SHA-256 repository too: an empty segment deleted is not reported, one that held events is', () => {
    const dir = join(tmp, 'segments-empty-sha256');
    mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main', '--object-format=sha256');
    for (const f of ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones']) {
      write(dir, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
    }
    const segments = join(dir, 'segments');
    const lines = chain(false, 3).trimEnd().split('\n');
    write(dir, { 'segments/audit-0.jsonl': '', 'segments/audit-1.jsonl': `${lines.slice(0, 3).join('\n')}\n`, 'segments/audit-2.jsonl': `${lines.slice(3).join('\n')}\n` });
    commit(dir, 'policy, and an audit log in three segments, the first empty');
    expect(git(dir, 'rev-parse', 'HEAD')).toMatch(/^[0-9a-f]{64}$/);
    expect(rewritten([segments, '--repo', dir])).toEqual([['LOG_EMPTY', join(segments, 'audit-0.jsonl')]]);
    rmSync(join(segments, 'audit-0.jsonl'));
    expect(rewritten([segments, '--repo', dir])).toEqual([]);
    rmSync(join(segments, 'audit-2.jsonl'));
    expect(rewritten([segments, '--repo', dir])).toEqual([['LEDGER_REWRITTEN', join(segments, 'audit-2.jsonl')]]);
  });
});

describe('a committed log taken out of Git LFS (review)', () => {
  it('the log committed in the pointer\'s place must begin with the bytes the pointer named: one sealed again is LEDGER_REWRITTEN', () => {
    const dir = copyOfRepo('lfs-out');
    const lfsLog = join(dir, 'logs', 'lfs.jsonl');
    const real = chain(true);
    writeFileSync(lfsLog, `version https://git-lfs.github.com/spec/v1\noid sha256:${createHash('sha256').update(real).digest('hex')}\nsize ${Buffer.byteLength(real)}\n`);
    commit(dir, 'audit log (LFS pointer)');
    // Honest: the same bytes with an event appended.
    writeFileSync(lfsLog, `${real}${chain(true, 1).split('\n')[3]}\n`);
    const honestCommit = commit(dir, 'audit log out of LFS');
    const codes = () => (JSON.parse(sel(['verify', lfsLog, '--repo', dir, '--format', 'json']).stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(codes()).not.toContain('LEDGER_REWRITTEN');
    // Forged: seq 2's allowed elevation sealed again as a block, longer than the pointer's size.
    git(dir, 'reset', '-q', '--hard', `${honestCommit}~1`);
    writeFileSync(lfsLog, chain(false, 2));
    commit(dir, 'audit log out of LFS');
    expect(codes()).toEqual(['LEDGER_REWRITTEN']);
  });
});

describe('a symbolic link put where a committed log is, at the repository\'s root or executable (from mutation testing)', () => {
  it('is LEDGER_REWRITTEN when it leads to a copy cut back outside the repository', () => {
    const cut = chain(true).split('\n').slice(0, 2).join('\n') + '\n';
    const outside = join(tmp, 'outside-root-or-exec.jsonl');
    writeFileSync(outside, cut);
    for (const [name, at, executable] of [['link-root', 'audit.jsonl', false], ['link-exec', join('logs', 'exec.jsonl'), true]] as const) {
      const dir = copyOfRepo(name);
      const file = join(dir, at);
      writeFileSync(file, chain(true));
      if (executable) chmodSync(file, 0o755);
      commit(dir, 'the log');
      rmSync(file);
      symlinkSync(outside, file);
      const r = sel(['verify', file, '--repo', dir, '--format', 'json']);
      expect((JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code), name).toEqual(['LEDGER_REWRITTEN']);
    }
  });
});

describe('a committed log read through a symbolic link committed beside it (from mutation testing)', () => {
  it('is compared with the log the link leads to, not with the link: nothing to say', () => {
    const dir = copyOfRepo('committed-link');
    symlinkSync('audit.jsonl', join(dir, 'logs', 'link.jsonl'));
    commit(dir, 'a link to the log');
    const codes = (file: string) => (JSON.parse(sel(['verify', file, '--repo', dir, '--format', 'json']).stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(codes(join(dir, 'logs', 'link.jsonl'))).not.toContain('LEDGER_REWRITTEN');
    // And the log sealed again is LEDGER_REWRITTEN, read through the link.
    writeFileSync(join(dir, 'logs', 'audit.jsonl'), chain(false));
    expect(codes(join(dir, 'logs', 'link.jsonl'))).toContain('LEDGER_REWRITTEN');
  });
});

describe('a committed log whose object is gone from the repository (from mutation testing)', () => {
  // git names the committed log in the tree, but its object is missing: sel took the log as not
  // committed (the object's lookup says "missing") instead of refusing the damaged repository,
  // and a log sealed again in the working copy passed.
  it('is LEDGER_REWRITTEN or a git failure, never a log read as not committed', () => {
    const dir = copyOfRepo('missing-object');
    const inDir = join(dir, 'logs', 'audit.jsonl');
    const oid = git(dir, 'rev-parse', 'HEAD:logs/audit.jsonl');
    rmSync(join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
    // Sealed again: seq 2's allowed elevation made a block.
    writeFileSync(inDir, chain(false));
    const r = sel(['verify', inDir, '--repo', dir, '--format', 'json']);
    const failed = /git failed while reading the repository/.test(r.stderr);
    const codes = failed ? [] : (JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(failed || codes.includes('LEDGER_REWRITTEN'), JSON.stringify(codes)).toBe(true);
  });
});

describe('a committed log put into Git LFS (from mutation testing)', () => {
  const codes = (dir: string, file: string) => (JSON.parse(sel(['verify', file, '--repo', dir, '--format', 'json']).stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
  it('a pointer to the log with events appended is no rewrite, though the pointer is shorter than the log it replaced and differs from its first line', () => {
    const dir = copyOfRepo('lfs-in');
    const inDir = join(dir, 'logs', 'audit.jsonl');
    const grown = chain(true, 2);
    writeFileSync(inDir, pointer(grown));
    commit(dir, 'audit log into LFS');
    writeFileSync(inDir, grown);
    expect(codes(dir, inDir)).not.toContain('LEDGER_REWRITTEN');
  });
  // Found by mutation testing: the bytes a pointer names are not in Git, and only the sizes are
  // compared when a log goes into LFS, so a log sealed again and committed as a pointer passed;
  // the working copy, which must be those bytes, is compared with the log committed before the
  // pointer, as one taken out of LFS is with the pointer.
  it('a pointer to a log sealed again in its place is LEDGER_REWRITTEN', () => {
    const dir = copyOfRepo('lfs-in-forged');
    const inDir = join(dir, 'logs', 'audit.jsonl');
    // Forged: seq 2's allowed elevation sealed again as a block, longer than the log committed.
    const forged = chain(false, 2);
    writeFileSync(inDir, pointer(forged));
    commit(dir, 'audit log into LFS');
    writeFileSync(inDir, forged);
    expect(codes(dir, inDir)).toContain('LEDGER_REWRITTEN');
  });
  // The same from one pointer to the next (the history compares them by size only): the working
  // copy is compared with each pointer's bytes, not only the last's.
  it('a pointer to a log sealed again in place of the one an earlier pointer named is LEDGER_REWRITTEN', () => {
    const dir = copyOfRepo('lfs-in-lfs-forged');
    const inDir = join(dir, 'logs', 'lfs.jsonl');
    writeFileSync(inDir, pointer(chain(true)));
    const first = commit(dir, 'audit log (LFS pointer)');
    const forged = chain(false, 2);
    writeFileSync(inDir, pointer(forged));
    commit(dir, 'audit log (LFS pointer), sealed again');
    writeFileSync(inDir, forged);
    expect(codes(dir, inDir)).toContain('LEDGER_REWRITTEN');
    // It names the first pointer's commit, whose bytes the file does not begin with, not the
    // last's, whose it does (the finding named the ref's commit; found by review).
    const found = (JSON.parse(verifyEverywhere(inDir, dir, mkdtempSync(join(tmp, 'shards-'))).stdout) as { findings: { code: string; location: { file: string; line: number }; detail: { commit: string } }[] }).findings
      .filter((f) => f.code === 'LEDGER_REWRITTEN' && f.location.file.endsWith('lfs.jsonl'));
    expect(found.map((f) => [f.location.line, f.detail.commit])).toEqual([[1, first]]);
  });
});

describe('the finding on a log put into Git LFS sealed again (review of "every earlier pointer and plain log")', () => {
  // The working copy is the log the pointer at --ref names, byte for byte; it is the log
  // committed as a file before the pointer (commit P) that it differs from, at line 3. The
  // finding named the pointer's commit (detail.commit), so the versions it told one to compare
  // were the same. A shard now records the commit with the line (sel.shard/9 `committed`).
  it('names the commit of the version the file does not begin with, not the pointer\'s, which it does begin with, in one run and through shards', () => {
    const dir = copyOfRepo('lfs-in-forged-finding');
    const plain = git(dir, 'rev-parse', 'HEAD');
    const inDir = join(dir, 'logs', 'audit.jsonl');
    const forged = chain(false, 2);
    writeFileSync(inDir, pointer(forged));
    const lfs = commit(dir, 'audit log into LFS');
    writeFileSync(inDir, forged);
    const findings = (JSON.parse(verifyEverywhere(inDir, dir, mkdtempSync(join(tmp, 'shards-'))).stdout) as { findings: { code: string; location: { line: number }; message: string; detail: { commit: string } }[] }).findings
      .filter((f) => f.code === 'LEDGER_REWRITTEN');
    expect(findings.map((f) => f.location.line)).toEqual([3]);
    expect(findings[0]!.message).not.toContain(`log committed at ${lfs.slice(0, 12)}`);
    expect(findings[0]!.message).toContain(`log committed at ${plain.slice(0, 12)} with events appended: it differs from it at line 3`);
    expect(findings[0]!.detail.commit).toBe(plain);
  });
});

describe('a committed log whose working copy is a hard link to another log read (review of "hard links read once")', () => {
  const linked = (name: string) => {
    const dir = copyOfRepo(name);
    const segments = join(dir, 'hard');
    mkdirSync(segments);
    return { dir, segments };
  };
  /** The LEDGER_REWRITTEN findings of `sel verify ARGS --repo DIR`, the same on any --jobs and through shards. */
  const run = (dir: string, args: string[]) =>
    (JSON.parse(verifyEverywhere(args, dir, mkdtempSync(join(tmp, 'shards-'))).stdout) as { findings: { code: string; location: { file: string }; message: string }[] }).findings
      .filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => [f.location.file, f.message.replace(/[0-9a-f]{12}/g, 'C')]);
  /** Two logs committed, a.jsonl and b.jsonl (with an elevation allowed at seq 2). */
  const twoLogs = (name: string) => {
    const { dir, segments } = linked(name);
    writeFileSync(join(segments, 'a.jsonl'), chain(false));
    writeFileSync(join(segments, 'b.jsonl'), chain(true));
    commit(dir, 'two logs');
    return { dir, segments };
  };
  /** b.jsonl replaced in the working copy by a hard link to a.jsonl. */
  const linkBToA = (segments: string) => {
    rmSync(join(segments, 'b.jsonl'));
    linkSync(join(segments, 'a.jsonl'), join(segments, 'b.jsonl'));
  };

  it('both names committed, an honest hard link (rotatelogs -L): nothing to say, not "not in the working copy"', () => {
    const { dir, segments } = linked('hard-honest');
    writeFileSync(join(segments, 'audit.jsonl'), chain(false));
    linkSync(join(segments, 'audit.jsonl'), join(segments, 'current.jsonl'));
    commit(dir, 'the log and its current link');
    expect(run(dir, [segments])).toEqual([]);
    expect(run(dir, [join(segments, 'audit.jsonl'), join(segments, 'current.jsonl')])).toEqual([]);
  });

  it('a committed log rewritten in the history, then made a hard link to another log named with it: LEDGER_REWRITTEN, named one by one or as a directory', () => {
    const { dir, segments } = twoLogs('hard-rewritten');
    writeFileSync(join(segments, 'b.jsonl'), chain(false));
    commit(dir, 'b sealed again');
    linkBToA(segments);
    const rewritten = [[join(segments, 'b.jsonl'), 'commit C changed the committed log at line 3 instead of only appending to it']];
    expect(run(dir, [join(segments, 'a.jsonl'), join(segments, 'b.jsonl')])).toEqual(rewritten);
    expect(run(dir, [segments])).toEqual(rewritten);
  });

  it('a committed log replaced in the working copy by a hard link to another log named with it: LEDGER_REWRITTEN where they differ', () => {
    const { dir, segments } = twoLogs('hard-working-copy');
    linkBToA(segments);
    const rewritten = [[join(segments, 'b.jsonl'), 'the file read is not the log committed at C with events appended: it differs from it at line 3, and a committed log may only grow']];
    expect(run(dir, [join(segments, 'a.jsonl'), join(segments, 'b.jsonl')])).toEqual(rewritten);
    expect(run(dir, [segments])).toEqual(rewritten);
  });
});
