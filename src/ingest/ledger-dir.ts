/**
 * Reads ledger/ from a directory on the file system (`sel policy eval --ledger DIR`): every
 * file under ledger/, keyed by its repository-relative path. Replay reads the ledger from
 * Git instead; both feed the same pure builder.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeIoError, OperatorError } from '../errors.js';
import { buildLedger, MAX_ARTIFACT_BYTES, type Ledger } from '../policy/ledger.js';

export async function readLedgerDir(root: string): Promise<{ ledger: Ledger }> {
  const files = new Map<string, Uint8Array>();
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 4) return;
    let names: string[];
    try {
      names = await readdir(join(root, rel));
    } catch (e) {
      if (rel === 'ledger') throw new OperatorError(`cannot read ${join(root, 'ledger')}: ${describeIoError(e)}`);
      return;
    }
    for (const name of names.sort()) {
      const r = `${rel}/${name}`;
      const st = await lstat(join(root, r));
      if (st.isDirectory()) await walk(r, depth + 1);
      else if (st.isFile() && st.size <= MAX_ARTIFACT_BYTES) files.set(r, await readFile(join(root, r)));
    }
  };
  await walk('ledger', 0);
  return { ledger: buildLedger(files) };
}
