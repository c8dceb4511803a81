/**
 * What the main thread and the verification workers say to each other (`--jobs N`). The work
 * is a unit: a byte range of one log file that starts and ends on line boundaries. The thread
 * that checks it reads it itself (the file descriptor is the process's, shared by all its
 * threads), splits it into lines, checks each, and with replay evaluates each event; the
 * result is the unit's records in columns. The main thread only stitches units in order
 * (line numbers, ordinals) and runs the chain check.
 */
import type { EventRecord, SelEvent } from '../envelope/types.js';
import type { ReadProblem } from '../ingest/read.js';
import type { ReplayOutcome } from '../replay/replay.js';
import type { EventNote, NoteSpec } from './notes.js';
import type { EventFilter } from '../envelope/filter.js';

/**
 * The code of a worker's error when the worker could not load its own code (a broken install:
 * src/cli/worker-main.ts): the pool reports it as one sentence, not as an internal error.
 */
export const INSTALL_ERROR = 'SEL_WORKER_INSTALL';

/** How a worker is set up: the check options, and for replay the governance state as data. */
export interface WorkerInit {
  readonly maxDepth: number;
  readonly maxLineBytes: number;
  /** Keep parsed events on the records (consumers on the main thread need them). */
  readonly keepEvents: boolean;
  /** Set when replay runs in the workers. */
  readonly replay: {
    /**
     * Valid bundles (each worker loads and compiles one when an event first names it): where
     * its files are in `texts`, as the UTF-8 of JSON `[name, text][]`.
     */
    readonly bundles: readonly { readonly hash: string; readonly at: number; readonly length: number; readonly commits: readonly string[]; readonly inherited: BundleFiles['inherited'] }[];
    /**
     * Every valid bundle's files, in memory shared by the threads: sent as strings, each
     * worker held a copy of every version's files (16 000 versions, ~150 MB a thread).
     */
    readonly texts: SharedArrayBuffer;
    /** Invalid bundles: what replay reports about events under them. */
    readonly invalid: readonly { readonly hash: string; readonly commits: readonly string[]; readonly problems: readonly { kind: string; file: string; pointer: string; message: string }[] }[];
    /** The ledger's files, by path. */
    readonly ledger: readonly [string, Uint8Array][];
    /**
     * Why each ledger file not used was not used, as the main thread read them from Git: the
     * files alone do not say which entries the tree walk refused (a symbolic link, a file too
     * large), and a divergence's message names such an artifact as invalid, not as missing.
     */
    readonly ledgerProblems: readonly { readonly path: string; readonly message: string }[];
  } | null;
  /**
   * Set for `sel gate` and `sel impact`: what to note of each event (src/verify/notes.ts). The
   * note is made here, and crosses with the event's record when there is something to note.
   */
  readonly note: NoteSpec | null;
  /**
   * Set for `sel explain` and `sel timeline` with --jobs N: the events that match are sent
   * whole with their records (src/envelope/filter.ts); the others stay in the worker.
   */
  readonly sendWhole: EventFilter | null;
}

/** A valid policy version as data: its files, and the reserved names its history adds (history.ts). */
export interface BundleFiles {
  readonly hash: string;
  readonly files: readonly [string, string][];
  readonly inherited: readonly (readonly [string, string])[];
}

/** Messages to a worker: its set-up data first, then units. */
export type ToWorker =
  | { readonly kind: 'init'; readonly init: WorkerInit }
  /** `spare`: a result's memory coming back, for the worker to write a later result into. */
  | { readonly kind: 'unit'; readonly unit: UnitRequest; readonly spare: ArrayBuffer | null };

/** One unit: bytes [start, end) of an open file; both ends are line starts (or the file's end). */
export interface UnitRequest {
  readonly id: number;
  readonly fd: number;
  /** The file as the report names it (findings made in the unit carry it). */
  readonly file: string;
  readonly start: number;
  readonly end: number;
  /** The file's size when it was opened: the unit that ends there ends the file. */
  readonly size: number;
}

export const KIND_EVENT = 0;
export const KIND_EVENT_EXTRA = 1;
export const KIND_HOLE = 2;
export const KIND_MASK = 3;
export const LINKED = 4;
export const NO_TS = 8;

/**
 * A unit's records in columns rather than one object per line: structured cloning many
 * small objects was measured as the main thread's largest cost. Line numbers count from 1
 * within the unit, in `lineNos` and in the findings' locations; the main thread adds the
 * lines of the file before the unit. The common line (an event with no finding) is a few
 * numbers and strings; anything else travels in `extra`.
 */
export interface UnitResult {
  readonly id: number;
  /** Lines started in the unit (LineSplitter#lines), and how many had content. */
  readonly lines: number;
  readonly content: number;
  /** Bytes read: the unit's length, or less when reading failed. */
  readonly bytes: number;
  /** Reading stopped: the records before it stand, the file's remaining units are not read. */
  readonly problem: ReadProblem | null;
  /**
   * The digest of the unit's last complete line, with its LF (LineSplitter#lastLine); null
   * when it has none. The last applied unit's is the file's (IntegrityResult.tails).
   */
  readonly tail: string | null;
  /** The empty lines after the unit's last non-empty line (all of it, when it has none), and their bytes. */
  readonly emptyLines: number;
  readonly emptyBytes: number;
  /**
   * Per record: KIND_* in the low bits (event, event with `extra`, hole in `extra`), and for
   * an event the flags LINKED (its prev_hash is the hash of the unit's previous event of the
   * same chain: that string does not cross twice) and NO_TS (its ts is not valid).
   */
  readonly kinds: Uint8Array;
  readonly lineNos: Int32Array;
  readonly seqs: Float64Array;
  /** Index into `chainNames`: each chain id crosses once per unit, not once per event. */
  readonly chainIdx: Int32Array;
  readonly chainNames: readonly string[];
  /**
   * Each event's hash, prev_hash (unless LINKED) and ts (unless NO_TS), as UTF-8, one after
   * the other; their byte lengths in `lens`, three per record. Bytes, not strings: strings
   * cloned into the main thread lived until their unit was applied, long enough to be
   * promoted, and the main thread spent 4x the one-thread run's time collecting them.
   */
  readonly text: Uint8Array;
  readonly lens: Int32Array;
  /** Replay outcome: 0 none computed, 1 matched, 2 skipped (else in `extra`: a finding, or a match that relied on a review or exception). */
  readonly replay: Uint8Array;
  /** Per record with kind 1 or 2, in order. */
  readonly extra: readonly (ExtraEvent | ExtraHole)[];
  /**
   * The one buffer every typed array above is a view of (resultLayout): transferred, and sent
   * back once applied, so that units reuse a few buffers instead of allocating new ones.
   */
  readonly mem: ArrayBuffer;
}

/**
 * Where each column of a unit's result sits in its buffer, for `n` records and `textBytes`
 * bytes of text: the 8-byte column first, so every view is aligned.
 */
export function resultLayout(n: number, textBytes: number) {
  return { seqs: 0, lineNos: 8 * n, chainIdx: 12 * n, lens: 16 * n, kinds: 28 * n, replay: 29 * n, text: 30 * n, total: 30 * n + textBytes };
}

export interface ExtraEvent {
  readonly findings: EventRecord['findings'];
  readonly event: SelEvent | null;
  readonly replay?: ReplayOutcome;
  readonly note?: EventNote;
}

export interface ExtraHole {
  readonly chain: string | null;
  readonly hashes: readonly string[];
  readonly capacity: number;
  readonly findings: EventRecord['findings'];
}

/**
 * Detaches a throw-away ArrayBuffer, so that this thread's first real detach (a result's or a
 * spare's memory, transferred) is not the one that happens mid-run. V8 compiles typed-array
 * code on the promise that no ArrayBuffer was ever detached in the isolate, and the first
 * detach breaks it: every hot function of the line check was thrown out of its optimised code
 * and compiled again, in both threads of a --jobs 2 run (22 functions, checkEnvelope's 20-40 ms
 * of compiling among them, on cores that the checking already fills). Broken here, before any
 * of it is compiled, it costs nothing later.
 */
export function detachEarly(): void {
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
}
