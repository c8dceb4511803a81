/**
 * What the main thread and the line-check workers say to each other. A batch is many lines
 * copied into one transferable buffer (so nothing is cloned on the way in); the results are
 * the records, in the batch's order.
 */
import type { EventRecord } from '../envelope/types.js';

/** How a worker is set up: the check options, and for replay the governance state as data. */
export interface WorkerInit {
  readonly maxDepth: number;
  /** Keep parsed events on the records (consumers on the main thread need them). */
  readonly keepEvents: boolean;
  /** Set when replay runs in the workers. */
  readonly replay: {
    /** Valid bundles as their files (each worker loads and compiles them itself). */
    readonly bundles: readonly { readonly hash: string; readonly files: readonly [string, string][]; readonly commits: readonly string[] }[];
    /** Invalid bundles: what replay reports about events under them. */
    readonly invalid: readonly { readonly hash: string; readonly commits: readonly string[]; readonly problems: readonly { kind: string; file: string; pointer: string; message: string }[] }[];
    /** The ledger's files, by path. */
    readonly ledger: readonly [string, Uint8Array][];
  } | null;
}

export interface BatchRequest {
  readonly id: number;
  /** The lines (the batch's whole buffer, transferred; only the ranges in `offsets` count). */
  readonly buf: ArrayBuffer;
  /** [start, end) of each line in `buf`. */
  readonly offsets: Int32Array;
  readonly files: readonly string[];
  /** Per line: index into `files`, line number, ordinal. */
  readonly fileIdx: Int32Array;
  readonly lines: Float64Array;
  readonly ordinals: Float64Array;
}

/**
 * Results in columns rather than one object per line: structured cloning many small objects
 * was measured as the main thread's largest cost. The common line (an event with no finding)
 * is a few strings and numbers; anything else travels in `extra`.
 */
export interface BatchResult {
  readonly id: number;
  /** 0: an event with nothing else to say; 1: an event with `extra`; 2: a hole (in `extra`). */
  readonly kinds: Uint8Array;
  readonly seqs: Float64Array;
  readonly chains: readonly string[];
  readonly prevHashes: readonly string[];
  readonly hashes: readonly string[];
  readonly ts: readonly (string | null)[];
  /** Replay outcome: 0 none computed, 1 matched, 2 skipped (else in `extra`). */
  readonly replay: Uint8Array;
  readonly extra: readonly (ExtraEvent | ExtraHole | null)[];
  /** The request's buffer, handed back for the next batch. */
  readonly buf?: ArrayBuffer;
}

export interface ExtraEvent {
  readonly findings: EventRecord['findings'];
  readonly event: import('../envelope/types.js').SelEvent | null;
  readonly replay?: import('../replay/replay.js').ReplayOutcome;
}

export interface ExtraHole {
  readonly chain: string | null;
  readonly hashes: readonly string[];
  readonly capacity: number;
  readonly findings: EventRecord['findings'];
}
