// The git commands a run with --repo begins with, started before sel has loaded
// (src/git/git.ts, prefetchGovernance; started by src/cli/early.ts). Real repositories in a
// temporary directory. That a prefetch never changes a report is shown by every --repo run of
// the CLI in the e2e tests, which all go through it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitRepo, prefetchesPending, prefetchGovernance } from '../../src/git/git.js';
import { readGovernance } from '../../src/git/history.js';
import { commit, initRepo, write } from '../helpers/git.js';

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
});
