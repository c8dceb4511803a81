/** Hostile governance repositories: reported, never trusted, never able to crash or hang sel. */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { findRewrites } from '../../src/git/append-only.js';
import { GitRepo } from '../../src/git/git.js';
import { indexPolicies } from '../../src/git/history.js';
import { MAX_POLICY_FILE_BYTES } from '../../src/policy/bundle.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { CLI, expectOneSentence, sel } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-hostile-git-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];

/** A repo with the sample policy and a one-event log decided under it. */
function repoWithLog(name: string, objectFormat: 'sha1' | 'sha256' = 'sha1'): { repo: string; log: string; hash: string } {
  const repo = initRepo(join(tmp, name), objectFormat);
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

interface Out<F extends { code: string } = { code: string }> {
  summary: { replay: { bundles: number; commitsScanned: number; anchors?: { chain: string; anchors: number; lastAnchoredSeq: number | null }[] } };
  findings: F[];
}
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
  it('a policy file is read whatever its executable bit, and at exactly the size limit (from mutation testing)', async () => {
    const repo = initRepo(join(tmp, 'modes'));
    write(repo, { 'policy/a.json': '{}', 'policy/b.json': `{}${' '.repeat(MAX_POLICY_FILE_BYTES - 2)}` });
    chmodSync(join(repo, 'policy', 'a.json'), 0o755);
    const head = commit(repo, 'an executable policy file, and one of the largest size allowed');
    expect(git(repo, 'ls-tree', 'HEAD:policy')).toMatch(/^100755 blob [0-9a-f]+\ta\.json$/m);
    const r = await GitRepo.open(repo);
    try {
      const index = await indexPolicies(r, head);
      expect(index.unhashable).toEqual([]);
      expect([...index.byHash.values()].map((v) => [[...v.loaded.texts.keys()].sort(), v.commits])).toEqual([[['a.json', 'b.json'], [head]]]);
    } finally {
      r.close();
    }
  });
  it('a policy version with a file that is not a regular file has no hash, not the hash of its other files (from mutation testing)', async () => {
    const repo = initRepo(join(tmp, 'refused-files'));
    write(repo, { 'policy/a.json': '{}' });
    symlinkSync('/etc/passwd', join(repo, 'policy', 'evil.json'));
    const head = commit(repo, 'a symlink beside a policy file');
    const r = await GitRepo.open(repo);
    try {
      const index = await indexPolicies(r, head);
      expect(index.byHash.size).toBe(0);
      expect(index.unhashable.map((u) => [u.commit, u.problems[0]?.file])).toEqual([[head, 'evil.json']]);
    } finally {
      r.close();
    }
  });
  it('a commit whose policy is a file, not a directory, holds no version (from mutation testing)', async () => {
    const repo = initRepo(join(tmp, 'policy-file'));
    write(repo, { policy: '{}' });
    const head = commit(repo, 'policy as a file');
    const r = await GitRepo.open(repo);
    try {
      const index = await indexPolicies(r, head);
      expect([index.byHash.size, index.unhashable, index.policyTrees, index.commitsScanned]).toEqual([0, [], 0, 1]);
    } finally {
      r.close();
    }
  });
  it('a policy file that is not JSON makes its version unhashable, and events naming nothing known are POLICY_UNKNOWN', () => {
    const { repo, log } = repoWithLog('notjson');
    write(repo, { 'policy/capabilities.json': '{ "schema": "sel.policy.capabilities/1", ' });
    commit(repo, 'broken');
    git(repo, 'checkout', '-q', '--orphan', 'other');
    git(repo, 'commit', '-q', '-m', 'only the broken policy');
    expect(verify(log, repo).findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
  });
  // No producer could name a bundle with a file JSON.parse cannot read either: no hash stands in
  // for it, not even that of the bundle without that file (from mutation testing).
  for (const [what, bytes] of [['not JSON', Buffer.from('{ "notes": ')], ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])]] as const) {
    it(`a policy file ${what} beside one with a duplicate key: the version has no hash, and an event naming the rest of the bundle is POLICY_UNKNOWN`, () => {
      const repo = initRepo(join(tmp, `dupkey-${what.replace(/ /g, '-')}`));
      for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
      const gating = readFileSync(join(SAMPLE_POLICY_DIR, 'severity-gating.json'), 'utf8');
      write(repo, { 'policy/severity-gating.json': gating.replace('"default_deny": "high"', '"default_deny": "low", "default_deny": "high"'), 'policy/notes.json': bytes });
      commit(repo, `a duplicate key, and a file ${what}`);
      const named = sel(['policy', 'hash', SAMPLE_POLICY_DIR]).stdout.trim();
      const line = new ChainWriter('d').append({
        ts: '2026-11-01T00:00:00.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
        request: { tool: 'git' }, policy_hash: named, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
      }).line;
      const log = join(tmp, `dupkey-${what.replace(/ /g, '-')}.jsonl`);
      writeFileSync(log, `${line}\n`);
      expect(verify(log, repo).findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
      // Without the file, the bundle JSON.parse reads is the one the event names.
      git(repo, 'rm', '-q', 'policy/notes.json');
      commit(repo, 'the file removed');
      expect(verify(log, repo).findings.map((f) => f.code)).toEqual(['POLICY_INVALID']);
    });
  }
  it('a policy file with a duplicate key has no hash, but an event that names the bundle JSON.parse reads is POLICY_INVALID at its commit, as docs/findings.md says, not POLICY_UNKNOWN (found by review)', () => {
    const repo = initRepo(join(tmp, 'dupkey'));
    for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`)) });
    const gating = readFileSync(join(SAMPLE_POLICY_DIR, 'severity-gating.json'), 'utf8');
    write(repo, { 'policy/severity-gating.json': gating.replace('"default_deny": "high"', '"default_deny": "low", "default_deny": "high"') });
    const head = commit(repo, 'a duplicate key');
    // What a producer reading the files with JSON.parse (the last key wins) names the bundle: the sample's hash.
    const named = sel(['policy', 'hash', SAMPLE_POLICY_DIR]).stdout.trim();
    expectOneSentence(sel(['policy', 'hash', repo]));
    const line = new ChainWriter('d').append({
      ts: '2026-11-01T00:00:00.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' },
      request: { tool: 'git' }, policy_hash: named, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
    }).line;
    const log = join(tmp, 'dupkey.jsonl');
    writeFileSync(log, `${line}\n`);
    const one = sel(['verify', log, '--repo', repo, '--format', 'json']);
    const out = JSON.parse(one.stdout) as Out<{ code: string; message: string; detail?: Record<string, unknown> }>;
    expect(out.findings.map((f) => f.code)).toEqual(['POLICY_INVALID']);
    expect(out.findings[0]!.message).toContain('policy/severity-gating.json: the file is not strict JSON: duplicate key');
    expect(out.findings[0]!.detail?.['commit']).toBe(head);
    expect(sel(['verify', log, '--repo', repo, '--format', 'json', '--jobs', '2']).stdout).toBe(one.stdout);
    // Where a commit holds a valid bundle of that hash too, the hash is that bundle's: it replays.
    write(repo, { 'policy/severity-gating.json': gating });
    commit(repo, 'fixed');
    expect(verify(log, repo).findings).toEqual([]);
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
  /** A committed log cut, then restored: three commits, the second a rewrite. */
  const cutAndRestored = (name: string) => {
    const repo = initRepo(join(tmp, name));
    write(repo, { 'audit.jsonl': 'a\nb\nc\n' });
    const first = commit(repo, 'log');
    write(repo, { 'audit.jsonl': 'a\n' });
    const cut = commit(repo, 'cut the log');
    write(repo, { 'audit.jsonl': 'a\nb\nc\n' });
    return { repo, first, cut, restored: commit(repo, 'restore it') };
  };
  /** sel sees all three commits, and the cut as a rewrite of the log. */
  const expectWholeHistory = async (repo: string, first: string, cut: string, restored: string) => {
    const r = await GitRepo.open(repo);
    try {
      expect((await r.revList(restored)).map((c) => c.commit)).toEqual([first, cut, restored]);
      expect((await findRewrites(r, restored, 'audit.jsonl')).rewrites.map((x) => x.commit)).toEqual([cut]);
    } finally {
      r.close();
    }
  };
  it('ignores replace refs: one that makes a commit a root hides neither the commits before it nor a rewrite of a committed log (from mutation testing)', async () => {
    const { repo, first, cut, restored } = cutAndRestored('replaced');
    // The same tree and message, no parent: put in place of `cut` by a replace ref.
    git(repo, 'replace', cut, git(repo, 'commit-tree', `${cut}^{tree}`, '-m', 'cut the log'));
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('2'); // git itself honours the replace ref
    await expectWholeHistory(repo, first, cut, restored);
  });
  it('ignores the commit-graph file: one edited to make a commit a root hides neither the commits before it nor a rewrite of a committed log (from mutation testing)', async () => {
    const { repo, first, cut, restored } = cutAndRestored('commit-graph');
    git(repo, 'commit-graph', 'write', '--reachable');
    // The file's CDAT chunk holds each commit's parents (by position in OIDL): `cut` is given
    // none (0x70000000). git does not check the file's checksum when it reads it.
    const file = join(repo, '.git', 'objects', 'info', 'commit-graph');
    const graph = readFileSync(file);
    const chunk = (id: string): number => {
      for (let i = 0; i < graph[6]!; i++) if (graph.toString('latin1', 8 + 12 * i, 12 + 12 * i) === id) return Number(graph.readBigUInt64BE(12 + 12 * i));
      throw new Error(`no ${id} chunk`);
    };
    const oids = chunk('OIDL');
    const at = [0, 1, 2].find((k) => graph.toString('hex', oids + 20 * k, oids + 20 * k + 20) === cut)!;
    graph.writeUInt32BE(0x70000000, chunk('CDAT') + 36 * at + 20);
    writeFileSync(file, graph);
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('2'); // git itself takes the file's word
    await expectWholeHistory(repo, first, cut, restored);
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
  /** A `git` on PATH that runs the real one, but for `cat-file --batch[-check]`, which runs `script` instead. */
  const catFileAs = (name: string, script: string): string => {
    const bin = join(tmp, name);
    mkdirSync(bin, { recursive: true });
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\ncase "$*" in *"cat-file --batch"*) ${script};; esac\nexec ${realGit} "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    return `${bin}:${process.env['PATH'] ?? ''}`;
  };
  it('exits 2 with one sentence, git\'s error in it, when cat-file stops reading its requests before it exits (found by review: the EPIPE of the next request was an internal error)', () => {
    const { repo, log } = repoWithLog('closed-stdin');
    // As a partial clone's cat-file does, at random, when the fetch of a missing blob fails: its
    // standard input goes away, and the requests written after it fail with EPIPE before git's exit is seen.
    const PATH = catFileAs('bin-closed-stdin', 'exec 0<&-; sleep 1; echo "fatal: simulated failure" >&2; exit 128');
    for (const args of [['verify', log, '--repo', repo], ['gate', log, '--repo', repo, '--no-divergence']]) {
      expect(expectOneSentence(sel(args, { env: { PATH } }))).toMatch(/git failed while reading the repository \(git cat-file exited early: fatal: simulated failure/);
    }
  });
  it('exits 2 with one sentence when cat-file ends before it was asked anything (found by review: the run ended silently, exit status 13)', () => {
    const { repo, log } = repoWithLog('cat-file-gone');
    const PATH = catFileAs('bin-cat-file-gone', 'exit 0');
    expect(expectOneSentence(sel(['verify', log, '--repo', repo], { env: { PATH } }))).toMatch(/git failed while reading the repository \(git cat-file/);
  });
  it('exits 2 with one sentence when cat-file ends, with status 0, while a request waits for its answer (from mutation testing, fifth pass: the run ended silently, exit status 13)', () => {
    const { repo, log } = repoWithLog('cat-file-quits');
    // Reads the first request, answers nothing, and exits as if all went well.
    const PATH = catFileAs('bin-cat-file-quits', 'read -r request; exit 0');
    expect(expectOneSentence(sel(['verify', log, '--repo', repo], { env: { PATH } }))).toMatch(/git failed while reading the repository \(git cat-file exited early/);
  });
  it('exits 2 when the repository lacks a policy file it names, not calling the file too large', () => {
    const { repo, log } = repoWithLog('missing-blob');
    const oid = git(repo, 'rev-parse', 'HEAD:policy/capabilities.json');
    rmSync(join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
    const said = expectOneSentence(sel(['verify', log, '--repo', repo]));
    expect(said).toMatch(/git failed while reading the repository \(object [0-9a-f]{40} is missing/);
    expect(said).not.toContain('bytes');
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
  const STOPPING = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

  it('are taken by the run, still running, each command run once, with the report of a run without them', () => {
    const { repo, log } = repoWithLog('prefetch');
    const plain = sel(['verify', log, '--repo', repo, '--format', 'json']);
    expect(plain.status).toBe(0);
    const { bin, calls } = slowGit('slow-bin', 0.3);
    const slow = sel(['verify', log, '--repo', repo, '--format', 'json'], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(slow.status).toBe(0);
    expect(slow.stdout).toBe(plain.stdout);
    const started = lines(calls).filter((l) => l.startsWith('start '));
    // One rev-parse (open, then the ref), two cat-file, rev-list, for-each-ref, log; a command
    // the run asked for again instead of taking it would be here twice, and open's or the ref's
    // own rev-parse would be here too.
    expect(started.length).toBeGreaterThanOrEqual(6);
    expect(new Set(started).size).toBe(started.length);
    const revParses = started.filter((l) => / rev-parse /.test(l));
    expect(revParses).toHaveLength(1);
    expect(revParses[0]).toMatch(/ --show-cdup --verify --quiet --end-of-options HEAD\^\{commit\}$/);
  });

  it('do not keep a refused run waiting, and are stopped when it exits', async () => {
    const { repo, log } = repoWithLog('refused');
    const { bin, calls } = slowGit('slower-bin', 2);
    const r = sel(['verify', log, '--repo', repo, '--format', 'bogus'], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(expectOneSentence(r)).toMatch(/--format must be one of/);
    expect(lines(calls).filter((l) => l.startsWith('start ')).length).toBeGreaterThan(0);
    // A command logs "run" once its 2 s are over: had sel waited for one, that line would be
    // there when sel has exited (no wall-time bound, which a slow machine would break).
    expect(lines(calls).filter((l) => l.startsWith('run '))).toEqual([]);
    // Had the commands been left running, they would log "run" within 2 s of sel's exit.
    await new Promise((done) => setTimeout(done, 2500));
    expect(lines(calls).filter((l) => l.startsWith('run '))).toEqual([]);
  });

  it('are stopped with sel when it is stopped by SIGTERM, SIGINT or SIGHUP, and sel ends by that signal', async () => {
    const { repo, log } = repoWithLog('signalled');
    const runs = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map(async (sig) => {
      const { bin, calls } = slowGit(`signal-${sig}-bin`, 3);
      const t = Date.now();
      const child = spawn(process.execPath, [CLI, 'verify', log, '--repo', repo], {
        env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '' },
        stdio: 'ignore',
      });
      const ended = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
      // Stopped once git has been started (a CI job cancelled, a pod stopped).
      while (lines(calls).length === 0 && Date.now() - t < 20_000) await new Promise((r) => setTimeout(r, 20));
      expect(lines(calls).length, 'git was started').toBeGreaterThan(0);
      child.kill(sig);
      expect(await ended).toBe(sig);
      // Had they been left running, they would log "run" once their 3 s are over.
      await new Promise((done) => setTimeout(done, Math.max(0, 3500 - (Date.now() - t))));
      expect(lines(calls).filter((l) => l.startsWith('run ')), sig).toEqual([]);
    });
    await Promise.all(runs);
  });

  it('are listened for signals only while a one-shot command runs, not cat-file', async () => {
    // (found by review)
    // A listener makes a busy thread answer a signal late: once only cat-file is left, none.
    const { repo } = repoWithLog('listeners');
    const count = () => STOPPING.map((s) => process.listenerCount(s));
    const before = count();
    const opened = await GitRepo.open(repo);
    const commit = opened.resolveCommit('HEAD');
    // While rev-parse runs, one listener for each signal.
    expect(count()).toEqual(before.map((n) => n + 1));
    const history = await opened.revList(await commit);
    await new Promise((done) => setImmediate(done));
    await new Promise((done) => setImmediate(done));
    expect(count()).toEqual(before);
    // cat-file still lives, and answers.
    expect((await opened.info(`${history[0]!.commit}:policy`))?.type).toBe('tree');
    expect(count()).toEqual(before);
    opened.close();
  });

  // /proc: the processes' state, and which signals sel catches.
  const withProc = existsSync('/proc/self/status');
  it.skipIf(!withProc)('cat-file ends with sel, stopped by a signal while only cat-file runs', async () => {
    // A git that logs its process id; cat-file (the same process, by exec) answers after 4 s,
    // so that sel waits for it with no other git running.
    const { repo, log } = repoWithLog('catfile-only');
    const bin = join(tmp, 'catfile-only-bin');
    mkdirSync(bin, { recursive: true });
    const calls = join(tmp, 'catfile-only.calls');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), [
      '#!/bin/sh',
      `echo "start $$ $*" >> ${calls}`,
      'case "$*" in *cat-file*) sleep 4; exec ' + realGit + ' "$@";; esac',
      `${realGit} "$@"; s=$?; echo "end $$" >> ${calls}; exit $s`,
      '',
    ].join('\n'));
    chmodSync(join(bin, 'git'), 0o755);
    const t = Date.now();
    const child = spawn(process.execPath, [CLI, 'verify', log, '--repo', repo], {
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '' },
      stdio: 'ignore',
    });
    const ended = new Promise<NodeJS.Signals | number | null>((done) => {
      child.once('exit', (code, signal) => done(signal ?? code));
    });
    const pidsOf = (kind: string, what: RegExp = /./) => lines(calls)
      .filter((l) => l.startsWith(`${kind} `) && what.test(l))
      .map((l) => Number(l.split(' ')[1]));
    const pids = (what: RegExp) => pidsOf('start', what);
    const oneShotsRunning = () => {
      const done = new Set(pidsOf('end'));
      return pids(/^(?!.*cat-file)/).filter((p) => !done.has(p)).length;
    };
    // Every one-shot command has ended, and none started for a while: only cat-file is left.
    let quietSince = Date.now();
    while (Date.now() - t < 3_500 && Date.now() - quietSince < 400) {
      if (pids(/cat-file/).length < 2 || oneShotsRunning() > 0) quietSince = Date.now();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.now() - quietSince, 'only cat-file running').toBeGreaterThanOrEqual(400);
    // SIGHUP (which Node.js itself never catches) is caught only by a listener.
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const caught = BigInt(`0x${/SigCgt:\s*([0-9a-f]+)/.exec(status)![1]}`);
    expect(caught & 1n, 'a SIGHUP listener installed').toBe(0n);
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    // Its standard input closed with sel: each cat-file ends once it reads (after its 4 s).
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    const catFiles = pids(/cat-file/);
    expect(catFiles).toHaveLength(2);
    while (catFiles.some(alive) && Date.now() - t < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(catFiles.filter(alive)).toEqual([]);
  });

  it('an empty --repo is refused, not read as the current directory', () => {
    const { repo, log } = repoWithLog('empty-repo-arg');
    const r = sel(['verify', log, '--repo='], { cwd: repo });
    expect(expectOneSentence(r)).toMatch(/--repo is empty/);
  });
});

describe('a ledger shaped to hide what it holds (found by review)', () => {
  /**
   * Writes a tree object from raw entries (git mktree refuses some of these names), in git's
   * order unless `asGiven` (git writes trees sorted; one made by hand need not be).
   */
  function rawTree(repo: string, entries: { mode: string; name: string; oid: string }[], asGiven = false): string {
    const sorted = asGiven ? entries : [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.mode === '40000' ? `${a.name}/` : a.name), Buffer.from(b.mode === '40000' ? `${b.name}/` : b.name)));
    const body = Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex')])));
    return execFileSync('git', ['-C', repo, 'hash-object', '-t', 'tree', '--literally', '-w', '--stdin'], { input: body, encoding: 'utf8' }).trim();
  }
  const blob = (repo: string, content: string): string =>
    execFileSync('git', ['-C', repo, 'hash-object', '-w', '--stdin'], { input: content, encoding: 'utf8' }).trim();
  /** Commits `ledgerTree` as ledger/ (an entry of mode `mode`) on top of HEAD's tree. */
  function commitLedger(repo: string, ledgerTree: string, message: string, mode = '40000'): string {
    const root = git(repo, 'rev-parse', 'HEAD^{tree}');
    const entries = git(repo, 'ls-tree', root).split('\n').map((l) => {
      const [meta, name] = l.split('\t');
      const [mode, , oid] = meta!.split(' ');
      return { mode: mode === '040000' ? '40000' : mode!, name: name!, oid: oid! };
    }).filter((e) => e.name !== 'ledger');
    const tree = rawTree(repo, [...entries, { mode, name: 'ledger', oid: ledgerTree }]);
    const c = git(repo, 'commit-tree', tree, '-p', 'HEAD', '-m', message);
    git(repo, 'update-ref', 'HEAD', c);
    return c;
  }
  const anchor = (hash: string, seq = 0) => JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq, hash, ts: '2026-11-01T00:00:00.000Z' });

  it('a ledger that is a symbolic link, a submodule or a file is said, not taken for no ledger: its anchors may say the log was cut', () => {
    // Its anchors, reviews and exceptions were dropped without a word, and a log cut back
    // before an anchor passed verify and every gate (found by review).
    const kinds: [string, string, (repo: string, hash: string) => void][] = [
      ['symlink', 'a symbolic link', (repo, hash) => {
        write(repo, { 'real-ledger/anchors/h/5.json': anchor(hash, 5) });
        symlinkSync('real-ledger', join(repo, 'ledger'));
        git(repo, 'add', '-A');
      }],
      ['submodule', 'a submodule', (repo) => {
        // A gitlink entry, as `git submodule add` makes: its commit is in another repository.
        git(repo, 'update-index', '--add', '--cacheinfo', `160000,${'d'.repeat(40)},ledger`);
      }],
      ['file', 'a file', (repo) => {
        write(repo, { ledger: 'anchors live elsewhere\n' });
        git(repo, 'add', '-A');
      }],
      // An executable file is a file too (from mutation testing).
      ['executable', 'a file', (repo) => {
        write(repo, { ledger: 'anchors live elsewhere\n' });
        git(repo, 'add', '-A');
        git(repo, 'update-index', '--chmod=+x', 'ledger');
      }],
    ];
    for (const [name, what, make] of kinds) {
      const { repo, log, hash } = repoWithLog(`ledger-${name}`);
      make(repo, hash);
      git(repo, 'commit', '-q', '-m', `ledger as ${what}`);
      const out = verify(log, repo) as Out<{ code: string; message: string; location: { file: string } }>;
      const f = out.findings.filter((x) => x.code === 'LEDGER_ARTIFACT_INVALID');
      expect(f.map((x) => [x.location.file, x.message]), name).toEqual([[`${repo}/ledger`, `ledger is ${what}, not a directory of the repository: none of the anchors, reviews and exceptions it may hold is read`]]);
      // The release gate cannot tell that the log was not cut.
      const g = sel(['gate', log, '--repo', repo, '--no-divergence', '--format', 'json']);
      expect(g.status, name).toBe(1);
      expect((JSON.parse(g.stdout) as { assertions: { name: string; pass: boolean; reason: string }[] }).assertions[0], name).toMatchObject({ name: 'integrity', pass: false, reason: expect.stringMatching(/^cannot tell: 1 anchor artifact\(s\) could not be read/) });
    }
  });

  it('a directory entry of a mode git does not write (040000, zero-padded, which git reads as a directory) is said to be that: not "a file", nor "a other" (found by review)', () => {
    const { repo, log, hash } = repoWithLog('zero-padded');
    write(repo, { 'ledger/anchors/h/0.json': anchor(hash) });
    commit(repo, 'anchor');
    const ledger = git(repo, 'rev-parse', 'HEAD:ledger');
    const anchors = git(repo, 'rev-parse', 'HEAD:ledger/anchors');
    const odd = 'a tree entry of mode 040000 (a mode git does not write: git fsck zeroPaddedFilemode, badFilemode)';
    const said = () => (verify(log, repo) as Out<{ code: string; message: string; location: { file: string } }>).findings
      .filter((f) => f.code === 'LEDGER_ARTIFACT_INVALID').map((f) => [f.location.file.slice(repo.length + 1), f.message]);
    // git diff reads 040000 as 40000: the same tree, no change under ledger/ (no LEDGER_REWRITTEN).
    commitLedger(repo, rawTree(repo, [{ mode: '040000', name: 'anchors', oid: anchors }]), 'ledger/anchors of mode 040000');
    expect(git(repo, 'diff', '--raw', 'HEAD~1', 'HEAD', '--', 'ledger/')).toBe('');
    expect(said()).toEqual([['ledger/anchors', `${odd} is not a ledger artifact; it is not used`]]);
    commitLedger(repo, ledger, 'ledger of mode 040000', '040000');
    expect(said()).toEqual([['ledger', `ledger is ${odd}, not a directory of the repository: none of the anchors, reviews and exceptions it may hold is read`]]);
  });

  it('a policy/ of a mode git does not write (040000) is said in the report\'s notes: its events are POLICY_UNKNOWN with the reason at hand (found by review)', () => {
    const { repo, log } = repoWithLog('zero-padded-policy');
    // One commit, without parents, whose policy/ is the same tree under mode 040000: git reads
    // it as a directory, sel reads no bundle there.
    const policy = git(repo, 'rev-parse', 'HEAD:policy');
    const root = rawTree(repo, [{ mode: '040000', name: 'policy', oid: policy }]);
    const c = git(repo, 'commit-tree', root, '-m', 'policy/ of mode 040000');
    git(repo, 'update-ref', 'HEAD', c);
    const r = sel(['verify', log, '--repo', repo, '--format', 'json']);
    const out = JSON.parse(r.stdout) as { findings: { code: string }[]; summary: { replay: { notes: string[] } } };
    expect(out.findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
    expect(out.summary.replay.notes).toEqual([`1 commit(s) hold policy/ as a tree entry of mode 040000, which git does not write (git fsck zeroPaddedFilemode), and no bundle is read there: an event naming only such a version is POLICY_UNKNOWN (the first: commit ${c})`]);
    // A history with a readable policy/ too: the version is read there, and the note still says it.
    const normal = rawTree(repo, [{ mode: '40000', name: 'policy', oid: policy }]);
    git(repo, 'update-ref', 'HEAD', git(repo, 'commit-tree', normal, '-p', c, '-m', 'policy/ as git writes it'));
    const again = JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as typeof out;
    expect(again.findings).toEqual([]);
    expect(again.summary.replay.notes).toHaveLength(1);
  });

  it('a file in a directory of artifacts whose name is not an artifact\'s is said (an anchor as 60.JSON was not read); a dot file is not', () => {
    const { repo, log, hash } = repoWithLog('ledger-names');
    write(repo, { 'ledger/anchors/h/5.JSON': anchor(hash, 5), 'ledger/anchors/h/6': anchor(hash, 6), 'ledger/anchors/.gitkeep': '', 'ledger/README.md': 'the ledger\n' });
    commit(repo, 'anchors under names sel does not read');
    const out = verify(log, repo) as Out<{ code: string; location: { file: string } }>;
    expect(out.findings.filter((x) => x.code === 'LEDGER_ARTIFACT_INVALID').map((x) => x.location.file)).toEqual([`${repo}/ledger/anchors/h/5.JSON`, `${repo}/ledger/anchors/h/6`]);
  });

  it('a file made a symlink and then a file again, with new content, is LEDGER_REWRITTEN', () => {
    const { repo, log, hash } = repoWithLog('type-change');
    write(repo, { 'ledger/anchors/h/0.json': anchor(hash) });
    commit(repo, 'anchor');
    rmSync(join(repo, 'ledger/anchors/h/0.json'));
    symlinkSync('../../../README', join(repo, 'ledger/anchors/h/0.json'));
    const toLink = commit(repo, 'a link');
    rmSync(join(repo, 'ledger/anchors/h/0.json'));
    write(repo, { 'ledger/anchors/h/0.json': anchor(`sha256:${'e'.repeat(64)}`) });
    const back = commit(repo, 'a file again');
    expect(git(repo, 'show', '--format=', '--name-status', back)).toMatch(/^T\t/);
    const out = verify(log, repo) as Out<{ code: string; message: string; detail?: { commit?: string } }>;
    const rewrites = out.findings.filter((f) => f.code === 'LEDGER_REWRITTEN');
    expect(rewrites.map((f) => f.detail?.commit)).toEqual([toLink, back]);
    expect(rewrites[0]!.message).toContain('changed the type of ledger/anchors/h/0.json');
  });

  it('a tree entry whose name holds a slash does not stand in for the artifact at that path', () => {
    const { repo, log, hash } = repoWithLog('slash-name');
    write(repo, { 'ledger/anchors/h/0.json': anchor(hash) });
    commit(repo, 'anchor');
    // ledger/ gains an entry named "anchors/h/0.json": the same path, another anchor.
    const ledger = git(repo, 'rev-parse', 'HEAD:ledger');
    const anchors = git(repo, 'rev-parse', 'HEAD:ledger/anchors');
    const forged = rawTree(repo, [{ mode: '40000', name: 'anchors', oid: anchors }, { mode: '100644', name: 'anchors/h/0.json', oid: blob(repo, anchor(`sha256:${'e'.repeat(64)}`)) }]);
    expect(forged).not.toBe(ledger);
    commitLedger(repo, forged, 'a second entry for the same path');
    const out = verify(log, repo) as Out<{ code: string; message: string; location: { file: string } }>;
    const invalid = out.findings.filter((f) => f.code === 'LEDGER_ARTIFACT_INVALID');
    expect(invalid.map((f) => f.location.file.split('/').slice(-4).join('/'))).toEqual(['ledger/anchors/h/0.json', 'ledger/anchors/h/0.json']);
    expect(invalid.map((f) => f.message).join(' ')).toMatch(/holds a slash.*names the same path|names the same path.*holds a slash/);
    expect(out.findings.some((f) => f.code === 'ANCHOR_MISMATCH')).toBe(false); // neither anchor was used
  });

  it('an exception whose path a tree entry holding a slash names too is one artifact sel impact counts as not used, though two findings say why (from mutation testing)', () => {
    const { repo, log } = repoWithLog('slash-name-exception');
    write(repo, { 'ledger/exceptions/EX.json': '{"v":"sel.exception/1","id":"EX"}\n' });
    commit(repo, 'exception');
    const exceptions = git(repo, 'rev-parse', 'HEAD:ledger/exceptions');
    commitLedger(repo, rawTree(repo, [{ mode: '40000', name: 'exceptions', oid: exceptions }, { mode: '100644', name: 'exceptions/EX.json', oid: blob(repo, '{}\n') }]), 'a second entry for the same path');
    const invalid = verify(log, repo).findings.filter((f) => f.code === 'LEDGER_ARTIFACT_INVALID') as unknown as { location: { file: string } }[];
    expect(invalid.map((f) => f.location.file.split('/').slice(-3).join('/'))).toEqual(['ledger/exceptions/EX.json', 'ledger/exceptions/EX.json']);
    const impact = JSON.parse(sel(['impact', log, '--repo', repo, '--policy', 'HEAD', '--format', 'json']).stdout) as { ledger: { invalidArtifacts: number } };
    expect(impact.ledger.invalidArtifacts).toBe(1);
  });

  it('a tree entry whose name holds a slash, listed before the directory that holds the artifact at that path, leaves neither used (from mutation testing)', () => {
    const { repo, log, hash } = repoWithLog('slash-name-first');
    write(repo, { 'ledger/anchors/h/0.json': anchor(hash) });
    commit(repo, 'anchor');
    // Not in git's order (which puts "anchors" before "anchors/h/0.json"): sel reads a tree's
    // entries in the order it lists them, so the real artifact comes after the path is taken.
    const anchors = git(repo, 'rev-parse', 'HEAD:ledger/anchors');
    const forged = rawTree(repo, [{ mode: '100644', name: 'anchors/h/0.json', oid: blob(repo, anchor(`sha256:${'e'.repeat(64)}`)) }, { mode: '40000', name: 'anchors', oid: anchors }], true);
    expect(git(repo, 'ls-tree', '--name-only', forged).split('\n')).toEqual(['anchors/h/0.json', 'anchors']);
    commitLedger(repo, forged, 'a slash entry first');
    const out = verify(log, repo) as Out<{ code: string; message: string; location: { file: string } }>;
    const invalid = out.findings.filter((f) => f.code === 'LEDGER_ARTIFACT_INVALID');
    expect(invalid.map((f) => f.location.file.split('/').slice(-4).join('/'))).toEqual(['ledger/anchors/h/0.json', 'ledger/anchors/h/0.json']);
    expect(invalid.map((f) => f.message).join(' ')).toMatch(/holds a slash.*names the same path/);
    expect(out.findings.some((f) => f.code === 'ANCHOR_MISMATCH')).toBe(false);
  });

  it('a tree entry named "." or ".." in the ledger is said and not walked: what it holds stands for no artifact (from mutation testing)', () => {
    const { repo, log } = repoWithLog('dot-names');
    // Anchored right: the event's own hash (repoWithLog's hash is the policy's).
    const eventHash = (JSON.parse(readFileSync(log, 'utf8')) as { hash: string }).hash;
    write(repo, { 'ledger/anchors/h/0.json': anchor(eventHash) });
    commit(repo, 'anchor');
    // ledger/ gains entries "." and ".." (listed in git's order: "../" sorts before "./"), each a
    // directory holding another anchor for chain h.
    const ledger = git(repo, 'rev-parse', 'HEAD:ledger');
    const anchors = git(repo, 'rev-parse', 'HEAD:ledger/anchors');
    const other = rawTree(repo, [{ mode: '40000', name: 'h', oid: rawTree(repo, [{ mode: '100644', name: '0.json', oid: blob(repo, anchor(`sha256:${'e'.repeat(64)}`)) }]) }]);
    const inner = rawTree(repo, [{ mode: '40000', name: 'anchors', oid: other }]);
    const forged = rawTree(repo, [{ mode: '40000', name: '.', oid: inner }, { mode: '40000', name: '..', oid: inner }, { mode: '40000', name: 'anchors', oid: anchors }]);
    expect(forged).not.toBe(ledger);
    commitLedger(repo, forged, 'dot entries');
    const out = verify(log, repo) as Out<{ code: string; message: string; location: { file: string } }>;
    const invalid = out.findings.filter((f) => f.code === 'LEDGER_ARTIFACT_INVALID');
    expect(invalid.map((f) => [f.location.file.slice(repo.length + 1), f.message])).toEqual(['ledger/..', 'ledger/.'].map((p) => [p, expect.stringContaining('`..` or holds a slash (git fsck: fullPathname)')]));
    // The anchor in anchors/ was used, and matched; the ones under "." and ".." were not.
    expect(out.findings.map((f) => f.code)).toEqual(['LEDGER_ARTIFACT_INVALID', 'LEDGER_ARTIFACT_INVALID']);
    expect(out.summary.replay.anchors).toEqual([expect.objectContaining({ chain: 'h', anchors: 1, lastAnchoredSeq: 0 })]);
  });

  it('a ledger file renamed is reported as deleted at its old path, as git would not detect the rename (from mutation testing)', async () => {
    const repo = initRepo(join(tmp, 'renamed'));
    write(repo, { 'ledger/anchors/h/0.json': '{"an":"anchor, long enough for git to call its move a rename"}' });
    commit(repo, 'anchor');
    git(repo, 'mv', 'ledger/anchors/h/0.json', 'ledger/anchors/h/1.json');
    const moved = commit(repo, 'move it');
    const r = await GitRepo.open(repo);
    try {
      expect(await r.changedOrDeleted(moved, 'ledger')).toEqual([{ commit: moved, path: 'ledger/anchors/h/0.json', status: 'D' }]);
    } finally {
      r.close();
    }
  });
  it('a ledger too large to read whole stops the run (exit 2), never read in part', () => {
    const { repo, log } = repoWithLog('too-large');
    const empty = blob(repo, '');
    // The same subtree named 101 times at two levels: 10 302 directories (the cap is 10 000);
    // read without a cap, 60 at each of four levels took hours.
    const leaf = rawTree(repo, [{ mode: '100644', name: 'x', oid: empty }]);
    const mid = rawTree(repo, Array.from({ length: 101 }, (_, i) => ({ mode: '40000', name: `d${i}`, oid: leaf })));
    const top = rawTree(repo, Array.from({ length: 101 }, (_, i) => ({ mode: '40000', name: `d${i}`, oid: mid })));
    commitLedger(repo, top, 'many directories');
    expect(expectOneSentence(sel(['verify', log, '--repo', repo]))).toMatch(/holds more than 10 000 directories; sel does not verify against part of a ledger/);
    // 200 001 files in one directory, sorted before anchors/.
    const many = rawTree(repo, Array.from({ length: 200_001 }, (_, i) => ({ mode: '100644', name: `f${i}`, oid: empty })));
    commitLedger(repo, rawTree(repo, [{ mode: '40000', name: 'aaa', oid: many }]), 'many files');
    expect(expectOneSentence(sel(['verify', log, '--repo', repo]))).toMatch(/holds more than 200 000 entries/);
  });

  it("a repository's log.diffMerges does not hide an anchor deleted in a merge", () => {
    const { repo, log, hash } = repoWithLog('diff-merges');
    git(repo, 'branch', 'side');
    write(repo, { 'ledger/anchors/h/0.json': anchor(hash) });
    commit(repo, 'anchor');
    git(repo, 'checkout', '-q', 'side');
    write(repo, { 'side.txt': 'x' });
    commit(repo, 'side work');
    git(repo, 'merge', '-q', '--no-ff', '--no-commit', 'main');
    git(repo, 'rm', '-q', '-f', 'ledger/anchors/h/0.json');
    git(repo, 'commit', '-q', '-m', 'merge main, without its anchor');
    const merge = git(repo, 'rev-parse', 'HEAD');
    for (const setting of [null, 'first-parent', 'combined', 'dense-combined']) {
      if (setting !== null) git(repo, 'config', 'log.diffMerges', setting);
      const out = verify(log, repo) as Out<{ code: string; detail?: { commit?: string } }>;
      expect(out.findings.filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => f.detail?.commit), String(setting)).toEqual([merge]);
    }
  });

  it("git's hints are not taken for its error", () => {
    const { repo, log } = repoWithLog('hint');
    const bin = join(tmp, 'hint-bin');
    mkdirSync(bin, { recursive: true });
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\ncase "$*" in *cat-file*) printf 'hint: Support for <GIT_DIR>/info/grafts is deprecated\\nhint: and will be removed\\nfatal: bad object\\n' >&2; exit 128;; esac\nexec ${realGit} "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const r = sel(['verify', log, '--repo', repo], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    const said = expectOneSentence(r);
    expect(said).toMatch(/git failed while reading the repository \(.*fatal: bad object\)/);
    expect(said).not.toContain('hint');
  });
});

describe('a submodule entry whose id is a tree the repository holds (found by review)', () => {
  /** A root commit on `branch` of a tree written by hand from `entries` ([mode, name, id], in git's order): git mktree checks the type. */
  function rootCommit(repo: string, branch: string, entries: [string, string, string][]): string {
    const body = Buffer.concat(entries.map(([mode, n, oid]) => Buffer.concat([Buffer.from(`${mode} ${n}\0`), Buffer.from(oid, 'hex')])));
    const root = execFileSync('git', ['-C', repo, 'hash-object', '-t', 'tree', '--literally', '-w', '--stdin'], { input: body, encoding: 'utf8' }).trim();
    const c = git(repo, 'commit-tree', root, '-m', 'a gitlink to a tree');
    git(repo, 'update-ref', `refs/heads/${branch}`, c);
    return c;
  }

  it('at policy/ holds no policy version: a bundle reachable only that way is POLICY_UNKNOWN, and no bundle for --policy-at or --policy', () => {
    // `<commit>:policy` resolves a gitlink to its id, and a tree of that id (a policy/ from a
    // branch --ref does not reach) was indexed as a version of --ref's history.
    const { repo, log } = repoWithLog('gitlink-policy');
    rootCommit(repo, 'linked', [['160000', 'policy', git(repo, 'rev-parse', 'HEAD:policy')]]);
    const out = JSON.parse(sel(['verify', log, '--repo', repo, '--ref', 'linked', '--format', 'json']).stdout) as Out;
    expect(out.summary.replay.bundles).toBe(0);
    expect(out.findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
    expect(expectOneSentence(sel(['gate', log, '--repo', repo, '--ref', 'linked', '--policy-at', 'linked']))).toContain('has no policy/ directory');
    expect(expectOneSentence(sel(['explain', log, '--repo', repo, '--ref', 'linked', '--seq', '0', '--policy', 'linked']))).toContain('has no policy/ directory');
    // The same tree committed as a directory is the version.
    expect(verify(log, repo).findings).toEqual([]);
  });

  it('at policy/ in an earlier commit, of the tree a later commit holds as a directory: the version\'s commit is the later one (from mutation testing, third pass)', () => {
    const { repo, log } = repoWithLog('gitlink-earlier');
    const tree = (entries: string) => execFileSync('git', ['-C', repo, 'hash-object', '-t', 'tree', '--literally', '-w', '--stdin'], { input: Buffer.concat([Buffer.from(entries), Buffer.from(git(repo, 'rev-parse', 'HEAD:policy'), 'hex')]), encoding: 'utf8' }).trim();
    const linked = git(repo, 'commit-tree', tree('160000 policy\0'), '-m', 'policy/ a gitlink to a tree');
    const reviewed = git(repo, 'commit-tree', tree('40000 policy\0'), '-p', linked, '-m', 'policy/ the same tree as a directory');
    git(repo, 'update-ref', 'refs/heads/reviewed', reviewed);
    const out = JSON.parse(sel(['explain', log, '--repo', repo, '--ref', 'reviewed', '--seq', '0', '--format', 'json']).stdout) as { policy: { commit: string } };
    expect(out.policy.commit).toBe(reviewed);
  });
  it('at ledger/ is said to be a submodule and not read, as one whose commit is elsewhere is', () => {
    const { repo, log, hash } = repoWithLog('gitlink-ledger');
    write(repo, { 'ledger/anchors/h/5.json': JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq: 5, hash, ts: '2026-11-01T00:00:00.000Z' }) });
    commit(repo, 'an anchor');
    const policy = git(repo, 'rev-parse', 'HEAD:policy');
    rootCommit(repo, 'linked', [['160000', 'ledger', git(repo, 'rev-parse', 'HEAD:ledger')], ['40000', 'policy', policy]]);
    const out = verify(log, repo).findings as { code: string }[];
    expect(out.map((f) => f.code)).toContain('LOG_TRUNCATED');
    const linked = JSON.parse(sel(['verify', log, '--repo', repo, '--ref', 'linked', '--format', 'json']).stdout) as Out<{ code: string; message: string }>;
    expect(linked.findings.map((f) => [f.code, f.message])).toEqual([['LEDGER_ARTIFACT_INVALID', 'ledger is a submodule, not a directory of the repository: none of the anchors, reviews and exceptions it may hold is read']]);
  });
  it('a policy/ or ledger/ named twice in the root tree is neither read: which one is meant is not defined (git fsck: duplicateEntries)', () => {
    // `<commit>:ledger` took the first: an empty ledger listed before the one holding the anchor
    // hid the cut log.
    const { repo, log, hash } = repoWithLog('root-twice');
    write(repo, { 'ledger/anchors/h/5.json': JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq: 5, hash, ts: '2026-11-01T00:00:00.000Z' }) });
    commit(repo, 'an anchor');
    const [ledger, policy] = [git(repo, 'rev-parse', 'HEAD:ledger'), git(repo, 'rev-parse', 'HEAD:policy')];
    const empty = execFileSync('git', ['-C', repo, 'mktree'], { input: '', encoding: 'utf8' }).trim();
    rootCommit(repo, 'twice', [['40000', 'ledger', empty], ['40000', 'ledger', ledger], ['40000', 'policy', policy]]);
    const out = JSON.parse(sel(['verify', log, '--repo', repo, '--ref', 'twice', '--format', 'json']).stdout) as Out<{ code: string; message: string }>;
    expect(out.findings.map((f) => [f.code, f.message])).toEqual([['LEDGER_ARTIFACT_INVALID', 'ledger appears more than once in the commit\'s tree (git fsck: duplicateEntries): which one is the ledger is not defined, so none of the anchors, reviews and exceptions they may hold is read']]);
    rootCommit(repo, 'policy-twice', [['40000', 'ledger', ledger], ['40000', 'policy', policy], ['40000', 'policy', policy]]);
    const p = JSON.parse(sel(['verify', log, '--repo', repo, '--ref', 'policy-twice', '--format', 'json']).stdout) as Out;
    expect(p.summary.replay.bundles).toBe(0);
  });
});

describe('an object whose content does not hash to its id (found by review)', () => {
  it('stops the run (exit 2), as git fsck calls it a hash-path mismatch: a ledger artifact rewritten in place is not read as the history\'s', () => {
    // git cat-file does not check: an exception's expiry moved in its loose object's file, under
    // the id it had, was read, and no commit showed the change (an EXCEPTION_EXPIRED went away).
    const { repo, log, hash } = repoWithLog('swapped-object');
    const anchorOf = (seq: number) => JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq, hash, ts: '2026-11-01T00:00:00.000Z' });
    write(repo, { 'ledger/anchors/h/5.json': anchorOf(5) });
    commit(repo, 'an anchor past the log\'s end');
    expect((verify(log, repo).findings as { code: string }[]).map((f) => f.code)).toEqual(['LOG_TRUNCATED']);
    // Anchor 5's loose object now holds other bytes under 5's id.
    const oid = git(repo, 'rev-parse', 'HEAD:ledger/anchors/h/5.json');
    const other = Buffer.from(anchorOf(4));
    const file = join(repo, '.git/objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`blob ${other.length}\0`), other])));
    const said = expectOneSentence(sel(['verify', log, '--repo', repo]));
    expect(said).toContain(`object ${oid} does not hash to its id`);
  });
  it('in a SHA-256 repository too: its objects are checked against their 64-digit ids (from mutation testing, third pass)', () => {
    const { repo, log } = repoWithLog('swapped-object-sha256', 'sha256');
    const line = readFileSync(log, 'utf8').trimEnd();
    const anchorOf = (seq: number) => JSON.stringify({ v: 'sel.anchor/1', chain: 'h', seq, hash: (JSON.parse(line) as { hash: string }).hash, ts: '2026-11-01T00:00:00.000Z' });
    write(repo, { 'ledger/anchors/h/5.json': anchorOf(5) });
    commit(repo, 'an anchor past the log\'s end');
    expect((verify(log, repo).findings as { code: string }[]).map((f) => f.code)).toEqual(['LOG_TRUNCATED']);
    const oid = git(repo, 'rev-parse', 'HEAD:ledger/anchors/h/5.json');
    expect(oid).toMatch(/^[0-9a-f]{64}$/);
    const other = Buffer.from(anchorOf(4));
    const file = join(repo, '.git/objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`blob ${other.length}\0`), other])));
    expect(expectOneSentence(sel(['verify', log, '--repo', repo]))).toContain(`object ${oid} does not hash to its id`);
  });
});

// With --ref a commit id pinned from elsewhere: only an object rewritten in place can change what
// it holds (a branch, whoever can write the repository can move to another history).
describe('an older commit or tree rewritten in place to hide a ledger rewrite, under a pinned --ref (found by review)', () => {
  /** Writes `content` as the loose object `oid` of `type`: the id it had, other bytes. */
  function overwrite(repo: string, oid: string, type: string, content: Buffer): void {
    const file = join(repo, '.git/objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content])));
  }
  /** A review-free exception added, then its expiry moved in a later commit (LEDGER_REWRITTEN). */
  function moved(name: string): { repo: string; log: string } {
    const { repo, log } = repoWithLog(name);
    const ex = (expires: string) => JSON.stringify({ v: 'sel.exception/1', id: 'EX-1', justification: 'a justification long enough', review_ref: `ledger/reviews/${'a'.repeat(64)}.json`, granted_at: '2026-10-01T00:00:00.000Z', expires_at: expires, scope: { kind: 'zone.elevate', principal: 'coder', from: 'executor', to: 'supervisor' } });
    write(repo, { 'ledger/exceptions/EX-1.json': ex('2026-10-02T00:00:00.000Z') });
    commit(repo, 'an exception');
    write(repo, { 'ledger/exceptions/EX-1.json': ex('2030-01-01T00:00:00.000Z') });
    commit(repo, 'its expiry moved');
    expect(verify(log, repo).findings.map((f) => f.code)).toEqual(['LEDGER_REWRITTEN']);
    return { repo, log };
  }

  it('the commit that added the exception, its loose object made to hold the later tree: the run stops (exit 2), it does not pass', () => {
    // git log reads commits unchecked: the history then showed the exception added as it is now.
    const { repo, log } = moved('rewritten-commit');
    const added = git(repo, 'rev-parse', 'HEAD~1');
    const body = execFileSync('git', ['-C', repo, 'cat-file', 'commit', added]).toString('latin1').replace(/^tree [0-9a-f]+/, `tree ${git(repo, 'rev-parse', 'HEAD^{tree}')}`);
    const head = git(repo, 'rev-parse', 'HEAD');
    overwrite(repo, added, 'commit', Buffer.from(body, 'latin1'));
    expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', head]))).toContain(`object ${added} does not hash to its id`);
  });
  it('its root tree made to hold the later ledger: the run stops (exit 2), it does not pass', () => {
    const { repo, log } = moved('rewritten-tree');
    const tree = git(repo, 'rev-parse', 'HEAD~1^{tree}');
    overwrite(repo, tree, 'tree', execFileSync('git', ['-C', repo, 'cat-file', 'tree', 'HEAD^{tree}']));
    expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', git(repo, 'rev-parse', 'HEAD')]))).toContain(`object ${tree} does not hash to its id`);
  });
  it('a committed log cut back and restored, the cut commit\'s logs/ tree made to hold the whole log: the run stops (exit 2), it does not pass', () => {
    const { repo, log: outside } = repoWithLog('rewritten-log-tree');
    const w = new ChainWriter('c');
    const lines = [0, 1, 2].map((i) => w.append({ ts: `2026-11-01T00:00:0${i}.000Z`, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git' }, policy_hash: (JSON.parse(readFileSync(outside, 'utf8')) as { policy_hash: string }).policy_hash, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } }).line);
    const whole = `${lines.join('\n')}\n`;
    write(repo, { 'logs/audit.jsonl': whole });
    commit(repo, 'the log');
    write(repo, { 'logs/audit.jsonl': `${lines[0]}\n` });
    commit(repo, 'cut back');
    write(repo, { 'logs/audit.jsonl': whole });
    commit(repo, 'restored');
    const log = join(repo, 'logs/audit.jsonl');
    expect(verify(log, repo).findings.map((f) => f.code)).toEqual(['LEDGER_REWRITTEN']);
    const cut = git(repo, 'rev-parse', 'HEAD~1:logs');
    overwrite(repo, cut, 'tree', execFileSync('git', ['-C', repo, 'cat-file', 'tree', 'HEAD:logs']));
    expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', git(repo, 'rev-parse', 'HEAD')]))).toContain(`object ${cut} does not hash to its id`);
  });
});

describe('a ref name that means two refs (found by review)', () => {
  it('is refused, not resolved to the tag: a tag `main` must not stand in for the branch', () => {
    const { repo, log } = repoWithLog('ambiguous-ref');
    const policyCommit = git(repo, 'rev-parse', 'HEAD');
    write(repo, { 'x.txt': '1' });
    commit(repo, 'later');
    git(repo, 'tag', 'main', policyCommit);
    const said = expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', 'main']));
    expect(said).toContain('--ref main is ambiguous');
    expect(said).toContain('refs/tags/main and refs/heads/main');
    expect(said).toContain('(--ref refs/heads/main)');
    // An expression starting from the name is refused too.
    expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', 'main~1']))).toContain('(--ref refs/heads/main~1)');
    // Named in full, either one is verified; so is a name that means one ref only.
    for (const ref of ['refs/heads/main', 'refs/tags/main', 'HEAD', policyCommit]) expect(sel(['verify', log, '--repo', repo, '--ref', ref]).status, ref).toBe(0);
    // Names with characters other than letters, digits and ./-_ are refs too (found by review).
    git(repo, 'branch', 'rel+1', 'refs/heads/main');
    git(repo, 'tag', 'rel+1', policyCommit);
    expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', 'rel+1']))).toContain('--ref rel+1 is ambiguous');
    // A tag under release/ is listed for the pattern refs/tags/release, yet it is not a ref named release.
    git(repo, 'branch', 'release', 'refs/heads/main');
    git(repo, 'tag', 'release/1');
    expect(sel(['verify', log, '--repo', repo, '--ref', 'release']).status).toBe(0);
  });

  it('a ref named like an abbreviated commit id is refused: git would take the ref over the id (found by review)', () => {
    const { repo, log } = repoWithLog('hex-ref');
    const policyCommit = git(repo, 'rev-parse', 'HEAD');
    write(repo, { 'x.txt': '1' });
    commit(repo, 'later');
    const head = git(repo, 'rev-parse', 'HEAD');
    // Without a ref of that name, the abbreviated id is the commit's.
    expect(sel(['verify', log, '--repo', repo, '--ref', head.slice(0, 7)]).status).toBe(0);
    git(repo, 'tag', head.slice(0, 7), policyCommit);
    const said = expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', head.slice(0, 7)]));
    expect(said).toContain(`refs/tags/${head.slice(0, 7)} exists and ${head.slice(0, 7)} also reads as an abbreviated commit id`);
    // The full id is the commit's, whatever refs exist.
    expect(sel(['verify', log, '--repo', repo, '--ref', head]).status).toBe(0);
    // 64 hex digits in a SHA-1 repository are a name: a branch and a tag of it are two refs.
    const long = 'c'.repeat(64);
    git(repo, 'branch', long, head);
    git(repo, 'tag', long, policyCommit);
    expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', long]))).toContain(`--ref ${long} is ambiguous`);
  });

  it('@{-N} (the branch checked out before) is refused: git resolves it as a short name, to a tag of that name first', () => {
    const { repo, log } = repoWithLog('reflog-ref');
    const policyCommit = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    write(repo, { 'x.txt': '1' });
    commit(repo, 'later');
    git(repo, 'tag', 'feature', policyCommit);
    git(repo, 'checkout', '-q', 'main');
    for (const ref of ['@{-1}', '@{-1}~1']) {
      expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', ref]))).toContain(`--ref ${ref} names a branch through this checkout's reflog (@{-N})`);
    }
    expect(sel(['verify', log, '--repo', repo, '--ref', 'refs/heads/feature']).status).toBe(0);
  });

  it('any other @{...} is refused too: a reflog entry, an upstream or a push target is this checkout\'s, not the history\'s', () => {
    // In a fresh clone main@{2026-10-02} is HEAD (git only warns), and a gate --since it judged
    // no event; main@{2} is whatever this machine's reflog says (found by review).
    const { repo, log } = repoWithLog('reflog-other');
    write(repo, { 'x.txt': '1' });
    commit(repo, 'later');
    for (const ref of ['main@{1}', 'HEAD@{2026-10-02}', 'main@{upstream}', '@{u}', 'main@{push}~1']) {
      expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', ref]))).toContain(`--ref ${ref} names a commit through this checkout's reflog or configuration (@{...})`);
    }
    expect(expectOneSentence(sel(['gate', log, '--repo', repo, '--since', 'main@{1}', '--no-divergence']))).toContain('--since main@{1} names a commit through');
    // "@" alone is HEAD, the history's.
    expect(sel(['verify', log, '--repo', repo, '--ref', '@']).status).toBe(0);
  });

  it('a ref git reads as the excluded end of a range (^main) is refused: it names no commit, and taken for one no policy version, ledger or anchor was read (found by review)', () => {
    const { repo, log } = repoWithLog('negated-ref');
    // git rev-parse --verify '^main^{commit}' answers "^<id>", not an id.
    for (const ref of ['^main', '^HEAD~0']) {
      expect(expectOneSentence(sel(['verify', log, '--repo', repo, '--ref', ref]))).toContain(`--ref ${ref} does not name one commit`);
    }
    expect(expectOneSentence(sel(['gate', log, '--repo', repo, '--policy-at', '^main']))).toContain('--policy-at ^main does not name one commit');
    expect(expectOneSentence(sel(['explain', log, '--repo', repo, '--seq', '0', '--policy', '^main']))).toContain('--policy ^main does not name one commit');
    expect(sel(['verify', log, '--repo', repo, '--ref', 'main']).status).toBe(0);
  });
});
