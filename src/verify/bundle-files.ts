/**
 * Policy versions and the ledger from their data (replay-data.ts, worker-protocol.ts): how a
 * thread that compiles the governance state itself (a worker, a shard, impact's notes) gets
 * it back, compiled as the main thread compiled it from Git. Loaded only where it is used:
 * integrity-only threads start ~15 ms sooner without the policy modules.
 */
import type { LoadedBundle } from '../policy/bundle.js';
import { reloadBundle } from '../policy/on-demand.js';
import { buildLedger, type Ledger } from '../policy/ledger.js';
import type { BundleFiles } from './worker-protocol.js';

/** A version from its files, compiled with the reserved names its history adds (history.ts). */
export function loadBundleFiles(b: BundleFiles): LoadedBundle {
  return reloadBundle(b.hash, new Map(b.files), b.inherited);
}

/** The ledger from its files, by path. */
export function ledgerFromFiles(files: readonly [string, Uint8Array][]): Ledger {
  return buildLedger(new Map(files));
}
