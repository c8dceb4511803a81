/**
 * Reads ledger/ from a directory on the file system (`sel policy eval --ledger DIR`): every
 * file under ledger/, keyed by its repository-relative path. Replay reads the ledger from
 * Git instead; both feed the same pure builder, and both say in the same words (ledger.ts,
 * notUsed) why a file is not used: nested too deep, too large, not a regular file, unreadable.
 */
import { isUtf8 } from 'node:buffer';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeIoError, OperatorError } from '../errors.js';
import { readRegularFile } from './regular-file.js';
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
    let names: Buffer[];
    try {
      names = await readdir(join(root, rel), { encoding: 'buffer' });
    } catch (e) {
      if (rel === 'ledger') throw new OperatorError(`cannot read ${join(root, 'ledger')}: ${describeIoError(e)}`);
      problems.push({ path: rel, message: `the directory cannot be read (${describeIoError(e)}): nothing in it is used` });
      return;
    }
    // Sorted as the strings they are named by, which is how they were sorted when read as strings.
    const entries = names.map((n) => ({ name: n.toString('utf8'), utf8: isUtf8(n) })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name, utf8 } of entries) {
      const r = `${rel}/${name}`;
      // Decoded, such a name holds U+FFFD and names no file: it was said not to exist.
      if (!utf8) {
        problems.push({ path: r, message: 'its name is not UTF-8, so sel cannot open it by name: it is not used' });
        continue;
      }
      try {
        const st = await lstat(join(root, r));
        if (st.isDirectory()) {
          if (depth < MAX_LEDGER_DEPTH) await walk(r, depth + 1);
          else problems.push({ path: r, message: notUsed.tooDeep });
          continue;
        }
        // Checked on the descriptor read, not by the name lstat looked at (regular-file.ts).
        const got = await readRegularFile(join(root, r), MAX_ARTIFACT_BYTES);
        if (got.kind === 'file') files.set(r, got.bytes);
        else problems.push({ path: r, message: got.kind === 'too large' ? notUsed.tooLarge(got.size) : notUsed.notAFile(got.kind) });
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
