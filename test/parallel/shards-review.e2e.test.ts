/**
 * `sel merge` reports what the single run reports, past its standard output too: found by
 * review (a merge that passed while the single run failed, or that did less than it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { expectOneSentence, sel } from '../helpers/cli.js';
import { joinShard, splitShard } from '../helpers/shard-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-shards-review-'));
let gov: GovernanceSample;
beforeAll(() => {
  gov = buildGovernanceRepo(join(tmp, 'governance'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A clone of the sample governance repository at tmp/NAME/gov, to change. */
function cloneSample(name: string): string {
  const repo = join(tmp, name, 'gov');
  mkdirSync(join(tmp, name));
  execFileSync('git', ['clone', '-q', gov.repo, repo]);
  return repo;
}

function shards(logs: string[], n: number, extra: string[], cwd: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = join(dir, `shard-${i}.jsonl`);
    const r = sel(['verify', ...logs, '--shard', `${i}/${n}`, '--shard-out', out, ...extra], { cwd });
    expect(r.status, r.stderr).toBe(0);
    files.push(out);
  }
  return files;
}

describe('sel merge does what one run does', () => {
  it('--format github appends the step summary, as sel verify does', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'incident', 'audit.jsonl');
    const files = shards([log], 2, [], tmp, join(tmp, 'github'));
    const one = join(tmp, 'summary-one.md');
    const merged = join(tmp, 'summary-merged.md');
    const a = sel(['verify', log, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: one } });
    const b = sel(['merge', ...files, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: merged } });
    expect(b.stdout).toBe(a.stdout);
    expect(existsSync(one)).toBe(true);
    expect(existsSync(merged) ? readFileSync(merged, 'utf8') : null).toBe(readFileSync(one, 'utf8'));
  });

  it('--format github does not append its step summary to a shard result it merges: exit 2, one sentence (from mutation testing)', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'incident', 'audit.jsonl');
    const files = shards([log], 2, [], tmp, join(tmp, 'github-into-shard'));
    const before = readFileSync(files[1]!);
    const r = sel(['merge', ...files, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: files[1]! } });
    expect(expectOneSentence(r)).toBe(`sel: GITHUB_STEP_SUMMARY ${files[1]} is the shard result ${files[1]}: sel does not write to the shard results it merges`);
    expect(r.stdout).toBe('');
    expect(readFileSync(files[1]!)).toEqual(before);
  });

  it('a version nested deep is a finding in every mode, and a shard carries it (found by review)', () => {
    const dir = join(tmp, 'deep-v');
    mkdirSync(dir);
    const clean = readFileSync(join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'clean', 'audit.jsonl'), 'utf8');
    const log = join(dir, 'audit.jsonl');
    // 33 deep no longer fitted a shard result; 5 000 deep overflowed the stack making the message.
    writeFileSync(log, `{"v":${'['.repeat(33)}${']'.repeat(33)}}\n${clean}{"v":${'['.repeat(5000)}${']'.repeat(5000)}}\n`);
    const one = sel(['verify', log, '--format', 'json']);
    expect(one.status, one.stderr).toBe(1);
    const report = JSON.parse(one.stdout) as { findings: { code: string; actual: unknown }[] };
    const unknown = report.findings.filter((f) => f.code === 'EVENT_VERSION_UNKNOWN');
    expect(unknown.map((f) => f.actual)).toEqual(['an array', 'an array']);
    expect(sel(['verify', log, '--format', 'json', '--jobs', '2']).stdout).toBe(one.stdout);
    const merged = sel(['merge', ...shards([log], 2, [], tmp, join(dir, 'shards')), '--format', 'json']);
    expect(merged.status, merged.stderr).toBe(1);
    expect(merged.stdout).toBe(one.stdout);
  });

  it('a shard refuses --ref without --repo, as a run does', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'clean', 'audit.jsonl');
    expect(expectOneSentence(sel(['verify', log, '--ref', 'HEAD~1']))).toContain('--ref needs --repo');
    expect(expectOneSentence(sel(['verify', log, '--ref', 'HEAD~1', '--shard', '1/2', '--shard-out', join(tmp, 'ref.jsonl')]))).toContain('--ref needs --repo');
    expect(existsSync(join(tmp, 'ref.jsonl'))).toBe(false);
  });

  it('a committed log rewritten in history is LEDGER_REWRITTEN wherever the merge runs', () => {
    const repo = cloneSample('w');
    const log = join(repo, 'logs', 'audit.jsonl');
    const original = readFileSync(log, 'utf8');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    writeFileSync(log, original.split('\n').slice(0, 2).join('\n') + '\n');
    git('commit', '-qam', 'truncate the log');
    writeFileSync(log, original);
    git('commit', '-qam', 'restore it');
    // The shards and the single run name the log and the repository relative to one directory.
    const cwd = join(tmp, 'w');
    const single = sel(['verify', 'gov/logs/audit.jsonl', '--repo', 'gov', '--format', 'json'], { cwd });
    expect(single.stdout).toContain('LEDGER_REWRITTEN');
    expect(single.status).toBe(1);
    const files = shards(['gov/logs/audit.jsonl'], 2, ['--repo', 'gov'], cwd, join(tmp, 'rewritten'));
    // Merged where the shards ran: the same report.
    expect(sel(['merge', ...files, '--repo', 'gov', '--format', 'json'], { cwd }).stdout).toBe(single.stdout);
    // Merged from inside the repository (its own path, ".", named relative to it): the log is
    // still the committed one, and its rewrite is still found.
    const inside = sel(['merge', ...files, '--repo', '.', '--format', 'json'], { cwd: repo });
    expect(inside.stdout).toContain('LEDGER_REWRITTEN');
    expect(inside.status).toBe(1);
    const elsewhere = sel(['merge', ...files, '--repo', repo, '--format', 'json'], { cwd: tmpdir() });
    expect(elsewhere.stdout).toContain('LEDGER_REWRITTEN');
    expect(elsewhere.status).toBe(1);
    // The paths are input like any other: one that is not a path in a tree is refused.
    for (const bad of [['..', 'x'], ['.', 'x'], ['a\nb'], [''], [1], []]) {
      const parts = splitShard(readFileSync(files[0]!));
      const h = JSON.parse(parts.header) as { replay: { paths: unknown[] } };
      h.replay.paths = bad.length === 0 ? [] : [bad.join('/')].map((p) => (bad[0] === 1 ? 1 : p));
      parts.header = JSON.stringify(h);
      const edited = join(tmp, 'rewritten', 'edited.jsonl');
      writeFileSync(edited, joinShard(parts));
      expect(expectOneSentence(sel(['merge', edited, files[1]!, '--repo', repo]))).toMatch(/header or trailer is malformed/);
    }
  });
  it('a committed log read as other than its committed version with events appended: every split into shards gives the single run\'s LEDGER_REWRITTEN, at the line one run names', () => {
    const repo = cloneSample('wc');
    const log = join(repo, 'logs', 'audit.jsonl');
    const original = readFileSync(log, 'utf8');
    const lines = original.split('\n').slice(0, -1);
    const edit = (i: number) => lines.map((l, j) => (j === i ? l.replace('"seq":', '"seq": ') : l)).join('\n') + '\n';
    const cwd = join(tmp, 'wc');
    const cases: [string, string, number | null][] = [
      ['a line near the start changed', edit(2), 3],
      ['a line in the middle changed', edit(Math.floor(lines.length / 2)), Math.floor(lines.length / 2) + 1],
      ['the last line changed', edit(lines.length - 1), lines.length],
      ['cut back', lines.slice(0, 5).join('\n') + '\n', 6],
      ['cut inside a line', original.slice(0, original.length - 7), lines.length],
      ['emptied', '', 1],
      ['appended to', original + lines[0] + '\n', null],
    ];
    for (const [name, text, line] of cases) {
      writeFileSync(log, text);
      const single = sel(['verify', 'gov/logs/audit.jsonl', '--repo', 'gov', '--format', 'json'], { cwd });
      const found = (JSON.parse(single.stdout) as { findings: { code: string; location: { line: number }; detail?: { workingCopy?: boolean } }[] }).findings
        .filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => [f.location.line, f.detail?.workingCopy]);
      expect(found, name).toEqual(line === null ? [] : [[line, true]]);
      for (const n of [2, 4]) {
        const files = shards(['gov/logs/audit.jsonl'], n, ['--repo', 'gov'], cwd, join(tmp, 'wc', `${n}`));
        expect(sel(['merge', ...files, '--repo', 'gov', '--format', 'json'], { cwd }).stdout, `${name}, ${n} shards`).toBe(single.stdout);
      }
    }
  });

  it('with --repo, the ledger\'s own findings, the history\'s notes and paths from the repository are the single run\'s, in text and SARIF (from mutation testing)', () => {
    // A ledger with a file that is no artifact, an exception deleted (ledger findings, which the
    // merge makes itself, not the shards), and a replace ref (a note on the replay line).
    const repo = cloneSample('ledger-w');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    git('rm', '-q', 'ledger/exceptions/EX-ops-restart.json');
    writeFileSync(join(repo, 'ledger', 'reviews', 'bad.json'), 'not json\n');
    git('add', '-A');
    git('commit', '-qm', 'ledger edits');
    git('replace', 'HEAD~1', 'HEAD~2');
    const cwd = join(tmp, 'ledger-w');
    const files = shards(['gov/logs/audit.jsonl'], 2, ['--repo', 'gov'], cwd, join(tmp, 'ledger-shards'));
    const text = sel(['verify', 'gov/logs/audit.jsonl', '--repo', 'gov'], { cwd });
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('LEDGER_ARTIFACT_INVALID');
    expect(text.stdout).toContain('LEDGER_REWRITTEN');
    expect(text.stdout).toContain('note: 1 replace ref(s) under refs/replace/ were ignored');
    const merged = sel(['merge', ...files, '--repo', 'gov'], { cwd });
    expect(merged.stdout).toBe(text.stdout);
    expect(merged.status).toBe(1);
    // SARIF names files from the repository's top (logs/audit.jsonl), not from where sel runs.
    const sarif = sel(['verify', 'gov/logs/audit.jsonl', '--repo', 'gov', '--format', 'sarif'], { cwd });
    expect(sarif.stdout).toContain('"uri": "logs/audit.jsonl"');
    expect(sarif.stdout).toContain('"uri": "ledger/reviews/bad.json"');
    expect(sel(['merge', ...files, '--repo', 'gov', '--format', 'sarif'], { cwd }).stdout).toBe(sarif.stdout);
  });
});
