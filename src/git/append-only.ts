/**
 * A committed audit log may only grow: each commit that changes it must keep the previous
 * version as a prefix (issue 4). Walks the file's history (merges included) and returns the
 * commits that rewrote it.
 */
import type { GitRepo } from './git.js';

export interface Rewrite {
  readonly commit: string;
  readonly parent: string;
  readonly message: string;
}

/**
 * Versions up to this size are compared whole, read through the cat-file process every lookup
 * shares; larger ones a chunk at a time from their own processes (GitRepo.firstDifference), so
 * that peak memory stays flat: two versions of a large log read whole took twice its size.
 */
export const MAX_IN_MEMORY_BYTES = 16 * 1024 * 1024;

export async function findRewrites(repo: GitRepo, head: string, path: string, inMemoryBytes = MAX_IN_MEMORY_BYTES): Promise<{ rewrites: Rewrite[] }> {
  const history = await repo.pathHistory(head, path);
  const rewrites: Rewrite[] = [];
  for (const { commit, parents } of history) {
    const now = await repo.info(`${commit}:${path}`);
    for (const parent of parents) {
      const before = await repo.info(`${parent}:${path}`);
      if (before === null || before.type !== 'blob') continue; // created here
      if (now === null || now.type !== 'blob') {
        rewrites.push({ commit, parent, message: `commit ${commit.slice(0, 12)} deleted the committed log` });
        continue;
      }
      if (before.oid === now.oid) continue;
      if (now.size < before.size) {
        rewrites.push({ commit, parent, message: `commit ${commit.slice(0, 12)} shrank the committed log from ${before.size} to ${now.size} bytes` });
        continue;
      }
      const diff = await repo.firstDifference(before, now, inMemoryBytes);
      if (diff !== null) {
        rewrites.push({ commit, parent, message: `commit ${commit.slice(0, 12)} changed the committed log at line ${diff.line} instead of only appending to it` });
      }
    }
  }
  return { rewrites };
}
