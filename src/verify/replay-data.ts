/**
 * The governance state (policy versions, ledger) as plain data, for replay in the unit
 * threads (`--jobs N`, shards): each thread loads and compiles the versions it meets itself.
 */
import type { PolicyIndex } from '../git/history.js';
import type { Ledger } from '../policy/ledger.js';
import type { BundleFiles, WorkerInit } from './worker-protocol.js';

export function replayData(gov: { readonly index: PolicyIndex; readonly ledger: Ledger }): NonNullable<WorkerInit['replay']> {
  const bundles: NonNullable<WorkerInit['replay']>['bundles'][number][] = [];
  const invalid: NonNullable<WorkerInit['replay']>['invalid'][number][] = [];
  // Written straight into the shared memory, sized by a first pass: a copy of every version's
  // files made first and then copied in peaked at twice their size on the main thread.
  const valid: { hash: string; texts: ReadonlyMap<string, string>; commits: readonly string[]; inherited: BundleFiles['inherited'] }[] = [];
  let size = 0;
  for (const v of gov.index.byHash.values()) {
    if (v.loaded.ok) {
      valid.push({ hash: v.hash, texts: v.loaded.texts, commits: v.commits, inherited: v.inherited });
      size += Buffer.byteLength(filesJson(v.loaded.texts), 'utf8');
    } else invalid.push({ hash: v.hash, commits: v.commits, problems: v.loaded.problems.map((p) => ({ ...p })) });
  }
  const texts = new SharedArrayBuffer(size);
  const into = Buffer.from(texts);
  let at = 0;
  for (const v of valid) {
    const length = into.write(filesJson(v.texts), at, 'utf8');
    bundles.push({ hash: v.hash, at, length, commits: v.commits, inherited: v.inherited });
    at += length;
  }
  return { bundles, invalid, texts, ledger: [...gov.ledger.files.entries()], ledgerProblems: gov.ledger.problems.map((p) => ({ path: p.path, message: p.message })) };
}

/** A version's files as the workers read them back (unit.ts): JSON `[name, text][]`. */
function filesJson(texts: ReadonlyMap<string, string>): string {
  return JSON.stringify([...texts.entries()]);
}
