/**
 * Where a log file is in the governance repository's tree, for LEDGER_REWRITTEN (a committed
 * log may only grow). Resolved against the working directory of the command that named the
 * file: a shard records it, so a merge run elsewhere checks the same committed file.
 */
import { relative, resolve, sep } from 'node:path';

/** The file's path in the repository at `repoDir` ("/"-separated), or null when it is outside it. */
export function repoPathOf(repoDir: string, path: string): string | null {
  const rel = relative(resolve(repoDir), resolve(path));
  if (rel.startsWith('..') || rel === '' || rel.startsWith(sep)) return null;
  return rel.split(sep).join('/');
}
