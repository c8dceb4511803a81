/**
 * Where a log file is in the governance repository's tree, for LEDGER_REWRITTEN (a committed
 * log may only grow). Resolved against the working directory of the command that named the
 * file: a shard records it, so a merge run elsewhere checks the same committed file.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The file's path in the repository at `repoDir` ("/"-separated), or null when it is outside it.
 * Both are compared as real paths: a repository or a log named through a symbolic link is the
 * same one (through a link, a rewritten committed log was not checked: found by review).
 */
export function repoPathOf(repoDir: string, path: string): string | null {
  const rel = relative(realPath(repoDir), realPath(path));
  // "..logs/x" is inside; "..", "../x" and another drive's path are not.
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/**
 * The paths in the repository at `repoDir` that the log file at `path` may stand for, in the
 * order they are tried (committedPathOf): where it is named, its directories as written (the
 * repository's own named as given or as its real path), then where it really is (repoPathOf).
 * The first two are where a committed log is when the working copy put a symbolic link in its
 * place, or in the place of a directory above it: taken by where the link led, a committed
 * log cut back or sealed again in a file outside the repository (or in one not committed)
 * was never compared with its committed version (found by review).
 */
export function repoPathCandidates(repoDir: string, path: string): string[] {
  const out: string[] = [];
  for (const base of [resolve(repoDir), realPath(repoDir)]) {
    const rel = inside(relative(base, resolve(path)));
    if (rel !== null && !out.includes(rel)) out.push(rel);
  }
  const real = repoPathOf(repoDir, path);
  if (real !== null && !out.includes(real)) out.push(real);
  return out;
}

/**
 * The paths in the repository at `repoDir` ("/"-separated, '' for its root) that the directory
 * at `dir` may stand for: as named (as given or through the repository's real path), then where
 * it really is.
 */
export function repoDirCandidates(repoDir: string, dir: string): string[] {
  const out: string[] = [];
  const rels = [relative(resolve(repoDir), resolve(dir)), relative(realPath(repoDir), resolve(dir)), relative(realPath(repoDir), realPath(dir))];
  for (const rel of rels) {
    const inRepo = rel === '' ? '' : inside(rel);
    if (inRepo !== null && !out.includes(inRepo)) out.push(inRepo);
  }
  return out;
}

/** `rel` ("/"-separated) when it names a path inside the directory it is relative to, else null. */
function inside(rel: string): string | null {
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/**
 * `path` with every symbolic link resolved, as far as it exists: the rest is appended as named
 * (a merge names the shards' files, which need not exist where it runs).
 */
function realPath(path: string): string {
  const full = resolve(path);
  const rest: string[] = [];
  for (let p = full; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return full;
      rest.push(basename(p));
    }
  }
}
