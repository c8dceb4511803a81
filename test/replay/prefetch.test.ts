// The git commands a run with --repo begins with, started before sel has loaded
// (src/git/git.ts, prefetchGovernance; started by src/cli/early.ts). Real repositories in a
// temporary directory. That a prefetch never changes a report is shown by every --repo run of
// the CLI in the e2e tests, which all go through it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitRepo, gitCommandsStarted, prefetchesPending, prefetchGovernance } from '../../src/git/git.js';
import { readGovernance } from '../../src/git/history.js';
import { commit, git, initRepo, write } from '../helpers/git.js';

const root = mkdtempSync(join(tmpdir(), 'sel-prefetch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function repoWithCommit(name: string): { dir: string; first: string } {
  const dir = initRepo(join(root, name));
  write(dir, { 'ledger/README': 'reviews and exceptions\n' });
  return { dir, first: commit(dir, 'first') };
}

describe('prefetched git commands', () => {
  it('go to the first call that asks for the same command, and only to it', async () => {
    const { dir, first } = repoWithCommit('once');
    await prefetchGovernance(dir, 'HEAD');
    // open and its two cat-file processes, resolve, and then rev-list, for-each-ref and log
    // for the commit it resolved to
    expect(prefetchesPending()).toBe(7);
    // HEAD moves after the prefetch: the run reads the repository as it was when it started.
    write(dir, { 'ledger/more': 'x\n' });
    const second = commit(dir, 'second');
    const repo = await GitRepo.open(dir);
    try {
      expect(prefetchesPending()).toBe(4);
      // The cat-file processes it took read the repository as it is (they are long-lived).
      expect(await repo.info(`${second}:ledger/more`)).not.toBeNull();
      expect(await repo.resolveCommit('HEAD')).toBe(first);
      // Taken once: the same call again runs git again.
      expect(await repo.resolveCommit('HEAD')).toBe(second);
      // Other arguments take nothing: rev-list was prefetched for the first commit.
      expect((await repo.revList(second)).map((c) => c.commit)).toEqual([first, second]);
      expect(prefetchesPending()).toBe(3);
      expect((await repo.revList(first)).map((c) => c.commit)).toEqual([first]);
      expect(prefetchesPending()).toBe(2);
    } finally {
      repo.close();
    }
  });

  it('are exactly the commands a run begins with: readGovernance takes all of them', async () => {
    const { dir, first } = repoWithCommit('all');
    await prefetchGovernance(dir, 'main');
    const before = prefetchesPending();
    expect(before).toBeGreaterThanOrEqual(7);
    const repo = await GitRepo.open(dir);
    try {
      const gov = await readGovernance(repo, 'main');
      expect(gov.commit).toBe(first);
      // What the first test left behind (2) is for its own repository; everything of this one is
      // taken: the 7 of HEAD, and the listing of the refs a short name such as main could mean.
      expect(before - prefetchesPending()).toBe(8);
    } finally {
      repo.close();
    }
  });

  it('give a failure to the call that takes it, as that call would have failed', async () => {
    const { dir } = repoWithCommit('fail');
    const pending = prefetchesPending();
    await prefetchGovernance(dir, 'no-such-branch');
    // The ref resolves to nothing, so nothing after it was started (but the listing of the refs
    // its name could mean, started next to it).
    expect(prefetchesPending()).toBe(pending + 5);
    const repo = await GitRepo.open(dir);
    try {
      await expect(repo.resolveCommit('no-such-branch')).rejects.toThrow('no-such-branch does not name a commit');
      expect(prefetchesPending()).toBe(pending);
    } finally {
      repo.close();
    }
    const missing = join(root, 'not-a-repo');
    await prefetchGovernance(missing, 'HEAD');
    await expect(GitRepo.open(missing)).rejects.toThrow('is not a Git repository');
    // A ref that starts with "-" is never given to git.
    const before = prefetchesPending();
    await prefetchGovernance(dir, '--output=x');
    expect(prefetchesPending()).toBe(before + 3);
  });

  it('open and resolve, asked of one git process, answer as each does alone, or fail as it would', async () => {
    // What a run gets, with or without the commands it begins with started early.
    const outcome = async (dir: string, ref: string, early: boolean): Promise<string> => {
      if (early) await prefetchGovernance(dir, ref);
      let repo: GitRepo;
      try {
        repo = await GitRepo.open(dir);
      } catch (e) {
        return `open: ${(e as Error).message}`;
      }
      try {
        return `${repo.oidHexLength} ${await repo.resolveCommit(ref)}`;
      } catch (e) {
        return `resolve: ${(e as Error).message}`;
      } finally {
        repo.close();
      }
    };
    const { dir, first } = repoWithCommit('pair');
    write(dir, { 'policy/sub/README': 'x\n' });
    commit(dir, 'sub');
    const bare = join(root, 'pair-bare.git');
    git(root, 'clone', '-q', '--bare', dir, bare);
    const sha256 = join(root, 'pair-sha256');
    mkdirSync(sha256);
    git(sha256, 'init', '-q', '--object-format=sha256');
    write(sha256, { 'ledger/README': 'x\n' });
    const long = commit(sha256, 'first');
    const cases: [string, string, string | RegExp][] = [
      [dir, 'HEAD~1', `40 ${first}`],
      // A bare repository has no --show-cdup line: three lines of open's, then the commit.
      [bare, 'HEAD~1', `40 ${first}`],
      [sha256, 'HEAD', `64 ${long}`],
      [dir, 'no-such-branch', /^resolve: .*no-such-branch does not name a commit/],
      [join(dir, 'policy', 'sub'), 'HEAD', /^open: .* is inside the Git repository .*, not its top level/],
      [join(dir, '.git'), 'HEAD', /^open: /],
      [join(root, 'pair-missing'), 'HEAD', /^open: .* is not a Git repository/],
    ];
    for (const [where, ref, expected] of cases) {
      const late = await outcome(where, ref, false);
      const started = gitCommandsStarted();
      const early = await outcome(where, ref, true);
      // Where the ref names a commit: the pair, then rev-list, the replace refs and the ledger's
      // log, and nothing more (resolveCommit's own check of a short name aside); open and
      // resolve ran once, together.
      if (typeof expected === 'string') expect(gitCommandsStarted() - started, where).toBe(4);
      expect(early, `${where} ${ref}`).toEqual(late);
      if (typeof expected === 'string') expect(late).toBe(expected);
      else expect(late).toMatch(expected);
    }
  });
});
