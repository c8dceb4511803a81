/**
 * A committed audit log may only grow: each commit that changes it must keep the previous
 * version as a prefix (issue 4), and the file read must be the version committed at the ref
 * with events appended. Walks the file's history (merges included) for the commits that
 * rewrote it, compares the working copy with the committed version, and finds the committed
 * logs of a named directory that are gone from it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GitFailure, type GitObject, type GitRepo } from './git.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import { repoPathCandidates, repoPathOf } from './repo-path.js';

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
      // A Git LFS pointer names the log's size, not its bytes: only a log that got shorter is
      // known to be rewritten (every append changes the pointer's oid line, and each was taken
      // for a rewrite at its line 2).
      const [was, is] = [await lfsPointer(repo, before), await lfsPointer(repo, now)];
      if (was !== null || is !== null) {
        const [from, to] = [was?.size ?? before.size, is?.size ?? now.size];
        if (to < from) rewrites.push({ commit, parent, message: `commit ${commit.slice(0, 12)} shrank the committed log from ${from} to ${to} bytes (as its Git LFS pointer names it)` });
        // Taken out of Git LFS: the log committed must begin with the bytes the pointer named
        // (a log sealed again and committed in its place passed; found by review).
        else if (was !== null && is === null && (await repo.prefixSha256(now, was.size, inMemoryBytes)) !== was.oid) {
          rewrites.push({ commit, parent, message: `commit ${commit.slice(0, 12)} changed the committed log instead of only appending to it: its first ${was.size} bytes are not those its Git LFS pointer named` });
        }
        continue;
      }
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

/**
 * What a Git LFS pointer names, when the blob is one (git-lfs's spec: under 1024 bytes, its
 * first line `version https://git-lfs.github.com/spec/v1`, lines `oid sha256:HEX` and
 * `size N`); else null.
 */
async function lfsPointer(repo: GitRepo, blob: GitObject): Promise<{ size: number; oid: string } | null> {
  if (blob.size >= 1024) return null;
  const text = (await repo.read(blob.oid)).toString('latin1');
  if (!text.startsWith('version https://git-lfs.github.com/spec/')) return null;
  const size = /^size (\d{1,15})$/m.exec(text);
  const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(text);
  return size === null || oid === null ? null : { size: Number(size[1]), oid: oid[1]! };
}

/**
 * The working copy of a log kept in Git LFS against the versions before the pointer at
 * `commit`: the history compares two pointers only by the sizes they name, and a log put into
 * LFS by the size of the log committed before it (the bytes a pointer names are not in Git),
 * so a log sealed again and committed as a pointer passed (found by mutation testing). The
 * working copy, which begins with the bytes the pointer at `commit` names (checked before),
 * must then begin with the bytes every earlier pointer named (the SHA-256 of its first `size`
 * bytes), and with each log committed as a file just before a pointer replaced it; a version
 * longer than the pointer at `commit` is not compared (the history reports that it shrank).
 * Null when it does; else the line where it differs (1 for a pointer's bytes, which name no
 * line) and the commit of the version it differs from (a pointer's, or the one before a
 * pointer replaced a log committed as a file).
 */
async function lfsHistoryDifference(repo: GitRepo, commit: string, gitPath: string, path: string, size: number): Promise<CommittedDifference | null> {
  /** Each size a pointer names: each SHA-256 named with it and a commit of that pointer, in history order. */
  const pointers = new Map<number, { readonly oid: string; readonly commit: string }[]>();
  /** Each log committed as a file just before a pointer replaced it, by its object id, with its commit. */
  const files = new Map<string, { readonly blob: GitObject; readonly commit: string }>();
  for (const { commit: c, parents } of await repo.pathHistory(commit, gitPath)) {
    const now = await repo.info(`${c}:${gitPath}`);
    const is = now === null || now.type !== 'blob' ? null : await lfsPointer(repo, now);
    // A version longer than the pointer at `commit` is the history's to report (it shrank).
    if (is === null || is.size > size) continue;
    // Two pointers of one size that name different bytes: the working copy cannot begin with both,
    // and the one it does not begin with is named (the later one was, though the file began with
    // its bytes: a log sealed again at the same size named the pointer of its new bytes; mutation
    // review, git2 second pass).
    if (is.size > 0) {
      const held = pointers.get(is.size);
      if (held === undefined) pointers.set(is.size, [{ oid: is.oid, commit: c }]);
      else if (!held.some((x) => x.oid === is.oid)) held.push({ oid: is.oid, commit: c });
    }
    for (const parent of parents) {
      const before = await repo.info(`${parent}:${gitPath}`);
      if (before !== null && before.type === 'blob' && before.size > 0 && before.size <= size && !files.has(before.oid) && (await lfsPointer(repo, before)) === null) {
        files.set(before.oid, { blob: before, commit: parent });
      }
    }
  }
  const sizes = [...pointers.keys()].sort((a, b) => a - b);
  const hashes = sizes.length === 0 ? [] : await prefixSha256s(path, sizes).catch(() => null);
  if (hashes === null) return null;
  for (const [i, n] of sizes.entries()) {
    const differs = pointers.get(n)!.find((x) => x.oid !== hashes[i]);
    if (differs !== undefined) return { line: 1, commit: differs.commit };
  }
  for (const before of files.values()) {
    const diff = await repo.firstDifferenceFromFile(before.blob, path).catch((e: unknown) => {
      if (e instanceof GitFailure) throw e;
      return null;
    });
    if (diff !== null) return { line: diff.line, commit: before.commit };
  }
  return null;
}

/** The SHA-256 (hex) of the first `sizes[i]` bytes of the file at `path` (sizes ascending), in one read; '' past its end. */
async function prefixSha256s(path: string, sizes: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  const h = createHash('sha256');
  let at = 0;
  let k = 0;
  const last = sizes[sizes.length - 1]!;
  for await (const chunk of createReadStream(path, { end: last - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    while (k < sizes.length && sizes[k]! - at <= chunk.length - from) {
      const take = sizes[k]! - at;
      h.update(chunk.subarray(from, from + take));
      from += take;
      at += take;
      out.push(h.copy().digest('hex'));
      k++;
    }
    h.update(chunk.subarray(from));
    at += chunk.length - from;
  }
  while (out.length < sizes.length) out.push('');
  return out;
}

/** Whether the file at `path` begins with `size` bytes whose SHA-256 is `oid` (hex). */
async function beginsWith(path: string, size: number, oid: string): Promise<boolean> {
  const h = createHash('sha256');
  let read = 0;
  for await (const chunk of createReadStream(path, { end: size - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    read += chunk.length;
  }
  return read === size && h.digest('hex') === oid;
}

/** Where a log file first differs from a committed version it must begin with: the line, and that version's commit. */
export interface CommittedDifference {
  readonly line: number;
  readonly commit: string;
}

/**
 * Where the log file at `path` (`gitPath` in the repository, null: outside it) first differs
 * from its version committed at `commit`, which it must begin with: the line, and the commit of
 * the version it differs from (`commit`, or for a log kept in Git LFS an earlier version it must
 * also begin with); null when it does, or is not committed there. `part` compares only the
 * file's bytes [start, end) (a shard's).
 */
export async function workingCopyDifference(repo: GitRepo, commit: string, gitPath: string | null, path: string, part?: { readonly start: number; readonly end: number }): Promise<CommittedDifference | null> {
  if (gitPath === null) return null;
  const blob = await repo.info(`${commit}:${gitPath}`);
  if (blob === null || blob.type !== 'blob') return null;
  // A Git LFS pointer is not the log: the working copy holds what it points to, whose size and
  // SHA-256 it names. The file must begin with those bytes (it was not compared, and a log cut
  // back passed; found by review); the shard whose part ends where the file ends checks it.
  const lfs = await lfsPointer(repo, blob);
  if (lfs !== null) {
    const size = await stat(path).then((st) => st.size, () => null);
    if (size === null || (part !== undefined && part.end !== size)) return null;
    if (lfs.size > 0 && !(await beginsWith(path, lfs.size, lfs.oid).catch(() => true))) return { line: 1, commit };
    return lfsHistoryDifference(repo, commit, gitPath, path, lfs.size);
  }
  // A file that cannot be read here is reported by the run that reads it (LOG_UNREADABLE).
  const diff = await repo.firstDifferenceFromFile(blob, path, part).catch((e: unknown) => {
    if (e instanceof GitFailure) throw e;
    return null;
  });
  return diff === null ? null : { line: diff.line, commit };
}

/**
 * The path in the repository of the log file at `path` that is checked as a committed log: where
 * it is named (repoPathCandidates), when that is a file committed at `commit` and a symbolic
 * link led elsewhere from there; else where it really is (repoPathOf; null: outside).
 */
export async function committedPathOf(repo: GitRepo, commit: string, repoDir: string, path: string): Promise<string | null> {
  const real = repoPathOf(repoDir, path);
  for (const named of repoPathCandidates(repoDir, path)) {
    if (named === real) break;
    if (await committedFile(repo, commit, named)) return named;
  }
  return real;
}

/** Is `gitPath` a file (not a symbolic link) in the tree of `commit`? */
async function committedFile(repo: GitRepo, commit: string, gitPath: string): Promise<boolean> {
  const slash = gitPath.lastIndexOf('/');
  const dir = await repo.info(slash < 0 ? `${commit}^{tree}` : `${commit}:${gitPath.slice(0, slash)}`);
  if (dir === null || dir.type !== 'tree') return false;
  const name = gitPath.slice(slash + 1);
  const entry = (await repo.tree(dir.oid)).find((e) => e.name === name);
  return entry !== undefined && (entry.kind === 'file' || entry.kind === 'executable');
}

/** The object id of an empty file, in a SHA-1 and in a SHA-256 repository. */
const EMPTY_BLOBS = new Set(['e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813']);

/**
 * The logs committed at `commit` in a directory of logs named in `logs` (its *.jsonl files, as
 * sel reads a directory) that were not read, `read` holding the repository paths of those that
 * were (null: outside it): deleted from the working copy, a committed log's events all gone (a
 * committed segment removed from a directory passed every gate; found by review). An entry the
 * run skipped (`skipped`, by its name) is reported as such (LOG_UNREADABLE), not as deleted.
 * Named as a run names a directory's files (the directory as given, then the file's name), in
 * the tree's order. An empty one is not reported: it held no events, so none are gone.
 */
export async function deletedCommittedLogs(
  repo: GitRepo,
  commit: string,
  repoDir: string,
  logs: readonly string[],
  read: readonly (string | null)[],
  skipped: readonly { readonly display: string }[],
): Promise<string[]> {
  const seen = new Set([...read, ...skipped.flatMap((x) => repoPathCandidates(repoDir, x.display))]);
  const out: string[] = [];
  for (const dir of logs) {
    if (!(await stat(dir).then((st) => st.isDirectory(), () => false))) continue;
    // Where the directory is named and where it really is, the repository's root ('') too: a
    // committed directory replaced by a symbolic link (to a copy missing a segment), or the
    // repository's own root named as the directory of logs, hid a deleted segment (found by review).
    for (const gitDir of repoPathCandidates(repoDir, dir)) {
      const tree = await repo.info(gitDir === '' ? `${commit}^{tree}` : `${commit}:${gitDir}`);
      if (tree === null || tree.type !== 'tree') continue;
      for (const e of await repo.tree(tree.oid)) {
        const path = gitDir === '' ? e.name : `${gitDir}/${e.name}`;
        if ((e.kind === 'file' || e.kind === 'executable') && e.name.endsWith('.jsonl') && !seen.has(path) && !EMPTY_BLOBS.has(e.oid)) {
          seen.add(path); // a directory named twice (or as its link and its real path) says it once
          out.push(join(dir, e.name));
        }
      }
    }
  }
  return out;
}

/** LEDGER_REWRITTEN: the log committed at `commit` as `display` was not read (deletedCommittedLogs). */
export function deletedLogRewrite(display: string, commit: string): Finding {
  return makeFinding('LEDGER_REWRITTEN', {
    location: { file: display, line: 1 },
    message: `the log committed at ${commit.slice(0, 12)} is not in the working copy: its events are not in the logs read, and a committed log may only grow`,
    detail: { commit, workingCopy: true },
  });
}

/** LEDGER_REWRITTEN: the log file read differs from its version committed at `commit` at `line`. */
export function workingCopyRewrite(display: string, commit: string, line: number, why?: string): Finding {
  return makeFinding('LEDGER_REWRITTEN', {
    location: { file: display, line },
    message: `the file read is not the log committed at ${commit.slice(0, 12)} with events appended: ${why ?? `it differs from it at line ${line}`}, and a committed log may only grow`,
    detail: { commit, workingCopy: true },
  });
}
