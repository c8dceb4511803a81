/**
 * Reads ledger/ from a directory on the file system (`sel policy eval --ledger DIR`): every
 * file under ledger/, keyed by its repository-relative path. Replay reads the ledger from
 * Git instead; both feed the same pure builder, and both say in the same words (ledger.ts,
 * notUsed) why a file is not used: nested too deep, too large, not a regular file, unreadable.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeIoError, OperatorError } from '../errors.js';
import { buildLedger, MAX_ARTIFACT_BYTES, MAX_LEDGER_DEPTH, notUsed, type Ledger, type LedgerProblem } from '../policy/ledger.js';

export async function readLedgerDir(root: string): Promise<{ ledger: Ledger }> {
  const files = new Map<string, Uint8Array>();
  const problems: LedgerProblem[] = [];
  // A ledger/ that is a symbolic link holds nothing replay reads (history.ts: Git's tree holds the
  // link, not what it leads to): followed here, its reviews and exceptions decided requests that
  // replay found no artifact for (found by review).
  if ((await lstat(join(root, 'ledger')).catch(() => null))?.isSymbolicLink() === true) {
    const none = buildLedger(new Map());
    return { ledger: { ...none, problems: [{ path: 'ledger', message: 'ledger is a symbolic link, not a directory of the repository: none of the anchors, reviews and exceptions it may hold is read' }] } };
  }
  const walk = async (rel: string, depth: number): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(join(root, rel));
    } catch (e) {
      if (rel === 'ledger') throw new OperatorError(`cannot read ${join(root, 'ledger')}: ${describeIoError(e)}`);
      problems.push({ path: rel, message: `the directory cannot be read (${describeIoError(e)}): nothing in it is used` });
      return;
    }
    for (const name of names.sort()) {
      const r = `${rel}/${name}`;
      try {
        const st = await lstat(join(root, r));
        if (st.isDirectory()) {
          if (depth < MAX_LEDGER_DEPTH) await walk(r, depth + 1);
          else problems.push({ path: r, message: notUsed.tooDeep });
        } else if (!st.isFile()) {
          problems.push({ path: r, message: notUsed.notAFile(st.isSymbolicLink() ? 'symbolic link' : 'special file') });
        } else if (st.size > MAX_ARTIFACT_BYTES) {
          problems.push({ path: r, message: notUsed.tooLarge(st.size) });
        } else {
          files.set(r, await readFile(join(root, r)));
        }
      } catch (e) {
        problems.push({ path: r, message: `the file cannot be read (${describeIoError(e)}): it is not used` });
      }
    }
  };
  await walk('ledger', 0);
  const ledger = buildLedger(files);
  if (problems.length === 0) return { ledger };
  // By path, as the walk found them (the builder's problems are of files read, in path order).
  const all = [...problems, ...ledger.problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ledger: { ...ledger, problems: all } };
}
