import { type Finding } from '../findings/finding.js';
import type { Hole, PlacedEvent } from '../envelope/types.js';
export interface ChainOptions {
    /** How many early events of one chain wait for a missing one before it is a gap. */
    readonly reorderWindow: number;
    /** How many accepted events per chain are remembered to tell duplicates from forks. */
    readonly recentWindow: number;
    /** How many unclaimed holes are remembered to explain gaps. */
    readonly holeWindow: number;
}
export declare const DEFAULT_CHAIN_OPTIONS: ChainOptions;
/** Where a chain stands: the position a checkpoint records and a later run starts from. */
export interface ChainPosition {
    readonly chain: string;
    /** The next seq expected. */
    readonly next: number;
    /** The hash the event with seq `next` must name as prev_hash. */
    readonly parent: string;
}
export interface ChainSummary {
    readonly chain: string;
    /** Events placed in this chain (including duplicates and fork branches). */
    readonly events: number;
    readonly firstSeq: number | null;
    readonly lastSeq: number | null;
    readonly firstTs: string | null;
    readonly lastTs: string | null;
    /** The hash of the last event accepted in order, when its parent chain is intact. */
    readonly head: string | null;
}
/** Called for each event accepted into its chain, in seq order. */
export type AcceptHook = (rec: PlacedEvent) => void;
export declare class ChainVerifier {
    private readonly emit;
    private readonly opts;
    private readonly onAccept;
    private readonly chains;
    private readonly holes;
    private readonly starts;
    constructor(emit: (f: Finding) => void, opts?: ChainOptions, starts?: readonly ChainPosition[], onAccept?: AcceptHook | null);
    /** Feeds the next record in reading order. */
    push(rec: PlacedEvent | Hole): void;
    /** Ends the input: what still waits in a reorder window is resolved as gaps. */
    finish(): void;
    /** Per-chain summaries, ordered by chain id (UTF-16 code units). */
    summaries(): ChainSummary[];
    /** Where each chain stands now (for checkpoints): only chains whose head is known. */
    positions(): ChainPosition[];
    private count;
    /** An event on a branch that already forked off: reported once, at the fork. */
    private isForkBranch;
    /** Same seq as an earlier event: the same event again, or a second history. */
    private repeated;
    /** Accepts `rec` as the event with seq `st.next`. False when it was absorbed as a fork branch. */
    private accept;
    /**
     * After `first` was accepted, accepts the waiting events that now follow in seq order.
     * Whenever an event arrived before the one accepted ahead of it (a lower ordinal), the log
     * is out of order there: each such run gives one SEQ_REORDER (see `reorder`).
     */
    private drain;
    /**
     * `run` (consecutive seqs after `lead`) arrived before `lead` did. Two explanations: `lead`
     * and the events just before it came late, or `run` came early. The finding goes on the one
     * that displaces fewer events (on ties, the early run, which comes first in the file).
     */
    private reorder;
    private minPending;
    /**
     * The events between `st.next` and the earliest waiting event are missing. Explain them with
     * holes (unplaceable lines between the last accepted event and the waiting one); when
     * `force`d (window full, input ended), report what holes cannot explain as a SEQ_GAP and
     * move on. Without `force`, only a complete explanation is taken.
     */
    private fill;
    /** Unclaimed holes between the chain's last accepted event and `succ`, best first. */
    private holeCandidates;
}
