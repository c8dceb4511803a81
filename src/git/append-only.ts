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

/** Versions larger than this are not compared (reported as not checked). */
export const MAX_COMPARED_BYTES = 256 * 1024 * 1024;

export async function findRewrites(repo: GitRepo, head: string, path: string): Promise<{ rewrites: Rewrite[]; skipped: number }> {
  const history = await repo.pathHistory(head, path);
  const rewrites: Rewrite[] = [];
  let skipped = 0;
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
      if (now.size > MAX_COMPARED_BYTES) {
        skipped++;
        continue;
      }
      const [a, b] = await Promise.all([repo.read(before.oid), repo.read(now.oid)]);
      if (!b.subarray(0, a.length).equals(a)) {
        let at = 0;
        while (at < a.length && a[at] === b[at]) at++;
        const line = a.subarray(0, at).filter((x) => x === 0x0a).length + 1;
        rewrites.push({ commit, parent, message: `commit ${commit.slice(0, 12)} changed the committed log at line ${line} instead of only appending to it` });
      }
    }
  }
  return { rewrites, skipped };
}
