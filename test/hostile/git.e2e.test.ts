/** Hostile governance repositories: reported, never trusted, never able to crash or hang sel. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainWriter } from '../../src/producer/producer.js';
import { expectOneSentence, sel } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-hostile-git-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];

/** A repo with the sample policy and a one-event log decided under it. */
function repoWithLog(name: string): { repo: string; log: string; hash: string } {
  const repo = initRepo(join(tmp, name));
  for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
  commit(repo, 'policy');
  const hash = sel(['policy', 'hash', repo]).stdout.trim();
  const line = new ChainWriter('h').append({
    ts: '2026-11-01T00:00:00.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
    request: { tool: 'git' }, policy_hash: hash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
  }).line;
  const log = join(tmp, `${name}.jsonl`);
  writeFileSync(log, `${line}\n`);
  return { repo, log, hash };
}

interface Out { summary: { replay: { bundles: number; commitsScanned: number } }; findings: { code: string }[] }
const verify = (log: string, repo: string) => JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as Out;

describe('hostile policy trees', () => {
  it('a symlink, a submodule or a huge file under policy/ leaves that version without a hash; the others still replay', () => {
    const { repo, log } = repoWithLog('trees');
    symlinkSync('/etc/passwd', join(repo, 'policy', 'evil.json'));
    commit(repo, 'a symlink in policy/');
    rmSync(join(repo, 'policy', 'evil.json'));
    write(repo, { 'policy/huge.json': Buffer.alloc(5 * 1024 * 1024, 0x20) });
    commit(repo, 'a 5 MiB policy file');
    rmSync(join(repo, 'policy', 'huge.json'));
    commit(repo, 'back to normal');
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${git(repo, 'rev-parse', 'HEAD')},policy/sub.json`);
    git(repo, 'commit', '-q', '-m', 'a submodule in policy/');
    const out = verify(log, repo);
    expect(out.findings).toEqual([]);
    expect(out.summary.replay.bundles).toBe(1);
  });
  it('a policy file that is not JSON makes its version unhashable, and events naming nothing known are POLICY_UNKNOWN', () => {
    const { repo, log } = repoWithLog('notjson');
    write(repo, { 'policy/capabilities.json': '{ "schema": "sel.policy.capabilities/1", ' });
    commit(repo, 'broken');
    git(repo, 'checkout', '-q', '--orphan', 'other');
    git(repo, 'commit', '-q', '-m', 'only the broken policy');
    expect(verify(log, repo).findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
  });
});

describe('rewritten history is not trusted', () => {
  it('ignores grafts: the history is the one the objects record', () => {
    const { repo, log } = repoWithLog('grafts');
    const first = git(repo, 'rev-parse', 'HEAD');
    write(repo, { 'x.txt': '1' });
    const second = commit(repo, 'second');
    write(repo, { 'x.txt': '2' });
    commit(repo, 'third');
    // A graft that would cut the history at the second commit, dropping the policy commit.
    mkdirSync(join(repo, '.git', 'info'), { recursive: true });
    writeFileSync(join(repo, '.git', 'info', 'grafts'), `${second}\n`);
    const out = verify(log, repo);
    expect(out.summary.replay.commitsScanned).toBe(3);
    expect(out.findings).toEqual([]);
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('2'); // git itself honours the graft
    expect(first).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('a git that fails', () => {
  it('exits 2 with one sentence when git dies mid-run', () => {
    const { repo, log } = repoWithLog('dying');
    const bin = join(tmp, 'bin');
    mkdirSync(bin, { recursive: true });
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const fake = join(bin, 'git');
    writeFileSync(fake, `#!/bin/sh\ncase "$*" in *cat-file*) echo "fatal: simulated failure" >&2; exit 128;; esac\nexec ${realGit} "$@"\n`);
    chmodSync(fake, 0o755);
    const r = sel(['verify', log, '--repo', repo], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(expectOneSentence(r)).toMatch(/git failed while reading the repository/);
  });
  it('exits 2 when git is not installed', () => {
    const { repo, log } = repoWithLog('nogit');
    const r = sel(['verify', log, '--repo', repo], { env: { PATH: join(tmp, 'empty-path') } });
    expect(expectOneSentence(r)).toMatch(/git is not installed or not on PATH/);
  });
});

describe("a repository's own config runs nothing", () => {
  it('a signed commit with log.showSignature and gpg.program set does not run that program', () => {
    const { repo, log } = repoWithLog('signed');
    const marker = join(tmp, 'signed-ran');
    const program = join(tmp, 'fake-gpg');
    writeFileSync(program, `#!/bin/sh\ntouch ${marker}\nexit 1\n`);
    chmodSync(program, 0o755);
    // A commit touching ledger/ with a gpgsig header (its signature need not be valid: git
    // asks gpg.program to check any).
    write(repo, { 'ledger/README': 'one\n' });
    commit(repo, 'ledger');
    write(repo, { 'ledger/README': 'two\n' });
    git(repo, 'add', '-A');
    const tree = git(repo, 'write-tree');
    const parent = git(repo, 'rev-parse', 'HEAD');
    const body = `tree ${tree}\nparent ${parent}\nauthor Test <test@example.com> 1790000000 +0000\ncommitter Test <test@example.com> 1790000000 +0000\n` +
      'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEAAAAAAAAAAAAAAAAAAAAAAAAAAAFAmAAAAAACgkQAAAAAAAAAAA=\n -----END PGP SIGNATURE-----\n\nsigned\n';
    const signed = execFileSync('git', ['-C', repo, 'hash-object', '-t', 'commit', '-w', '--stdin'], { input: body, encoding: 'utf8' }).trim();
    git(repo, 'update-ref', 'HEAD', signed);
    git(repo, 'config', 'log.showSignature', 'true');
    git(repo, 'config', 'gpg.program', program);
    // git itself runs it, so the test would see it if sel did.
    git(repo, 'log', '-1', '--format=%H');
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    const r = sel(['verify', log, '--repo', repo, '--format', 'json']);
    expect(r.status).toBe(1); // LEDGER_REWRITTEN: ledger/README was modified
    expect(r.stdout).toContain('LEDGER_REWRITTEN');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('the git commands started before sel has loaded (early.ts, git.ts prefetchGovernance)', () => {
  /** A git that logs each call and answers only after `seconds`, so that sel asks before it answers. */
  function slowGit(name: string, seconds: number): { bin: string; calls: string } {
    const bin = join(tmp, name);
    mkdirSync(bin, { recursive: true });
    const calls = join(tmp, `${name}.calls`);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "start $*" >> ${calls}\nsleep ${seconds}\necho "run $*" >> ${calls}\nexec ${realGit} "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    return { bin, calls };
  }
  const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n') : []);

  it('are taken by the run, still running, each command run once, with the report of a run without them', () => {
    const { repo, log } = repoWithLog('prefetch');
    const plain = sel(['verify', log, '--repo', repo, '--format', 'json']);
    expect(plain.status).toBe(0);
    const { bin, calls } = slowGit('slow-bin', 0.3);
    const slow = sel(['verify', log, '--repo', repo, '--format', 'json'], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(slow.status).toBe(0);
    expect(slow.stdout).toBe(plain.stdout);
    const started = lines(calls).filter((l) => l.startsWith('start '));
    // rev-parse (open), two cat-file, rev-parse (the ref), rev-list, for-each-ref, log; a
    // command the run asked for again instead of taking it would be here twice.
    expect(started.length).toBeGreaterThanOrEqual(7);
    expect(new Set(started).size).toBe(started.length);
  });

  it('do not keep a refused run waiting, and are stopped when it exits', async () => {
    const { repo, log } = repoWithLog('refused');
    const { bin, calls } = slowGit('slower-bin', 2);
    const t = Date.now();
    const r = sel(['verify', log, '--repo', repo, '--format', 'bogus'], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    const seconds = (Date.now() - t) / 1000;
    expect(expectOneSentence(r)).toMatch(/--format must be one of/);
    expect(lines(calls).filter((l) => l.startsWith('start ')).length).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(1.8);
    // Had the commands been left running, they would log "run" once their 2 s are over.
    await new Promise((done) => setTimeout(done, (2.5 - seconds) * 1000));
    expect(lines(calls).filter((l) => l.startsWith('run '))).toEqual([]);
  });

  it('an empty --repo is refused, not read as the current directory', () => {
    const { repo, log } = repoWithLog('empty-repo-arg');
    const r = sel(['verify', log, '--repo='], { cwd: repo });
    expect(expectOneSentence(r)).toMatch(/--repo is empty/);
  });
});
