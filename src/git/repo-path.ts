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
