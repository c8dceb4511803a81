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
 * The paths in the repository at `repoDir` ("/"-separated; '' for its root, which only a
 * directory can be) that the file or directory at `path` may stand for, in the order they are
 * tried: where it is named (relative to the repository as given, then to its real path), then
 * where it really is (repoPathOf). The first two are where a committed log (or a directory of
 * them) is when the working copy put a symbolic link in its place, or in the place of a
 * directory above it: taken by where the link led, a committed log cut back or sealed again in
 * a file outside the repository (or in one not committed), or a segment deleted from a linked
 * directory, was never compared with what was committed (found by review).
 */
export function repoPathCandidates(repoDir: string, path: string): string[] {
  const out: string[] = [];
  const rels = [relative(resolve(repoDir), resolve(path)), relative(realPath(repoDir), resolve(path)), relative(realPath(repoDir), realPath(path))];
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
 * (a merge names the shards' files, which need not exist where it runs). As the system resolves
 * it, a ".." after a link going to the parent of where the link leads: resolve() and
 * realpathSync drop the link and the ".." together, and a committed log named
 * `out/link/../logs/a.jsonl` (out/link a link into the repository) was taken to be outside it,
 * never compared with its committed version (from mutation testing).
 */
function realPath(path: string): string {
  const full = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
  const rest: string[] = [];
  for (let p = full; ; p = dirname(p)) {
    try {
      return join(realpathSync.native(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return resolve(path);
      rest.push(basename(p));
    }
  }
}
