/**
 * The governance state (policy versions, ledger) as plain data, for replay in the unit
 * threads (`--jobs N`, shards): each thread loads and compiles the versions it meets itself.
 */
import type { PolicyIndex } from '../git/history.js';
import type { Ledger } from '../policy/ledger.js';
import type { WorkerInit } from './worker-protocol.js';

export function replayData(gov: { readonly index: PolicyIndex; readonly ledger: Ledger }): NonNullable<WorkerInit['replay']> {
  const bundles: NonNullable<WorkerInit['replay']>['bundles'][number][] = [];
  const invalid: NonNullable<WorkerInit['replay']>['invalid'][number][] = [];
  for (const v of gov.index.byHash.values()) {
    if (v.loaded.ok) bundles.push({ hash: v.hash, files: [...v.loaded.texts.entries()], commits: v.commits, inherited: v.inherited });
    else invalid.push({ hash: v.hash, commits: v.commits, problems: v.loaded.problems.map((p) => ({ ...p })) });
  }
  return { bundles, invalid, ledger: [...gov.ledger.files.entries()], ledgerProblems: gov.ledger.problems.map((p) => ({ path: p.path, message: p.message })) };
}
