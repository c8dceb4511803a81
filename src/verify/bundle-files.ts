/**
 * Policy versions and the ledger from their data (replay-data.ts, worker-protocol.ts): how a
 * thread that compiles the governance state itself (a worker, a shard, impact's notes) gets
 * it back, compiled as the main thread compiled it from Git. Loaded only where it is used:
 * integrity-only threads start ~15 ms sooner without the policy modules.
 */
import { loadBundle, type LoadedBundle } from '../policy/bundle.js';
import { withReserved } from '../policy/compile.js';
import { buildLedger, type Ledger } from '../policy/ledger.js';
import type { BundleFiles } from './worker-protocol.js';

/** A version from its files, compiled with the reserved names its history adds (history.ts). */
export function loadBundleFiles(b: BundleFiles): LoadedBundle {
  const read = loadBundle(new Map(b.files));
  if (read.hash !== b.hash) throw new Error(`bundle ${b.hash} reloads as ${read.hash}`);
  return read.ok ? { ...read, policy: withReserved(read.policy, b.inherited) } : read;
}

/** The ledger from its files, by path. */
export function ledgerFromFiles(files: readonly [string, Uint8Array][]): Ledger {
  return buildLedger(new Map(files));
}
