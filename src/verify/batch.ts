/**
 * The per-line work of a batch (`--jobs N`): UTF-8, parse, canonical form, hash,
 * fingerprint, schema, and with --repo the replay evaluation, over a batch of lines, into
 * columnar results. Run by the worker threads; the main thread checks its own share with
 * checkLine directly (verifier.ts), and replays those events as one thread would.
 */
import { checkLine } from '../envelope/check.js';
import type { BundleVersion, PolicyIndex } from '../git/history.js';
import { loadBundle } from '../policy/bundle.js';
import { buildLedger, type Ledger } from '../policy/ledger.js';
import { replayEvent, type ReplayOutcome } from '../replay/replay.js';
import type { BatchRequest, BatchResult, WorkerInit } from './worker-protocol.js';

export interface BatchContext {
  readonly init: WorkerInit;
  readonly replay: { index: PolicyIndex; ledger: Ledger } | null;
  readonly options: { maxDepth: number; keepEvent: boolean; lazyRequest: boolean };
}

/** Builds what processing needs from the set-up data (each worker does this once). */
export function batchContext(init: WorkerInit): BatchContext {
  let replay: { index: PolicyIndex; ledger: Ledger } | null = null;
  if (init.replay !== null) {
    const byHash = new Map<string, BundleVersion>();
    for (const b of init.replay.bundles) {
      const loaded = loadBundle(new Map(b.files));
      if (loaded.hash !== b.hash) throw new Error(`bundle ${b.hash} reloads as ${loaded.hash}`);
      byHash.set(b.hash, { hash: b.hash, loaded, commits: b.commits });
    }
    for (const b of init.replay.invalid) {
      byHash.set(b.hash, { hash: b.hash, loaded: { ok: false, hash: b.hash, problems: b.problems as never, texts: new Map() }, commits: b.commits });
    }
    replay = { index: { byHash, unhashable: [], commitsScanned: 0, policyTrees: 0 }, ledger: buildLedger(new Map(init.replay.ledger)) };
  }
  // Requests parsed as they are read when only this worker's replay reads them (an event sent
  // back to the main thread is cloned, which needs a plain object).
  return { init, replay, options: { maxDepth: init.maxDepth, keepEvent: init.keepEvents || replay !== null, lazyRequest: replay !== null && !init.keepEvents } };
}

export function processBatch(req: BatchRequest, ctx: BatchContext): BatchResult {
  const { init, replay, options } = ctx;
  const buf = Buffer.from(req.buf);
  const n = req.ordinals.length;
  const kinds = new Uint8Array(n);
  const seqs = new Float64Array(n);
  const replayCodes = new Uint8Array(n);
  const chains: string[] = new Array<string>(n).fill('');
  const prevHashes: string[] = new Array<string>(n).fill('');
  const hashes: string[] = new Array<string>(n).fill('');
  const ts: (string | null)[] = new Array<string | null>(n).fill(null);
  const extra: BatchResult['extra'][number][] = new Array<BatchResult['extra'][number]>(n).fill(null);
  for (let i = 0; i < n; i++) {
    const ref = { file: req.files[req.fileIdx[i]!]!, line: req.lines[i]!, ordinal: req.ordinals[i]! };
    const rec = checkLine(buf.subarray(req.offsets[2 * i]!, req.offsets[2 * i + 1]!), ref, options);
    if (rec.kind === 'hole') {
      kinds[i] = 2;
      extra[i] = { chain: rec.chain, hashes: rec.hashes, capacity: rec.capacity, findings: rec.findings };
      continue;
    }
    seqs[i] = rec.seq;
    chains[i] = rec.chain;
    prevHashes[i] = rec.prevHash;
    hashes[i] = rec.hash;
    ts[i] = rec.ts;
    let outcome: ReplayOutcome | undefined;
    if (replay !== null) {
      outcome = replayEvent(rec, replay);
      replayCodes[i] = outcome.type === 'matched' ? 1 : outcome.type === 'skipped' ? 2 : 0;
    }
    const keep = init.keepEvents ? rec.event : null;
    if (rec.findings.length > 0 || keep !== null || (outcome !== undefined && outcome.type === 'finding')) {
      kinds[i] = 1;
      extra[i] = { findings: rec.findings, event: keep, ...(outcome?.type === 'finding' ? { replay: outcome } : {}) };
    }
  }
  return { id: req.id, kinds, seqs, chains, prevHashes, hashes, ts, replay: replayCodes, extra };
}
