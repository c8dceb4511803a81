/**
 * The chain check (SPEC.md §2): genesis, seq continuity, prev_hash linkage, gaps, duplicates,
 * reorders, forks and timestamp order, per chain, over records in reading order.
 *
 * The only stateful integrity stage, with bounded state per chain: the expected next seq and
 * its parent hash, a reorder window of early events (`reorderWindow`) with at most one rival
 * each, the hashes of the last `recentWindow` accepted events (to tell a duplicate from a
 * fork), a few fork-branch and copy heads, the last events set aside (fork branches, late
 * arrivals), so that a copy of one is a duplicate, and the seq ranges it went on past (at most
 * 4 096, ~86 KB, merged past that: missing.ts). Memory does not grow with the log.
 *
 * One fault is reported once, where it happens (SPEC.md §6):
 * - links are checked against the *recorded* hash of the parent, so a tampered event shows
 *   as one HASH_MISMATCH on itself and not again on its successor (or, when that hash is of an
 *   algorithm sel does not implement, against the SHA-256 of the parent's content too, so an
 *   unsupported hash is one DIGEST_UNSUPPORTED and not a PREV_HASH_MISMATCH as well);
 * - a line that could not be placed (unreadable, damaged) is a hole: already reported by
 *   its own finding, it explains a gap at its position instead of causing a SEQ_GAP too;
 * - a displaced run of events gives one SEQ_REORDER, a forked branch one CHAIN_FORK.
 */
import { GENESIS_PREV_HASH } from '../canonical/digest.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import type { Hole, LineRef, PlacedEvent } from '../envelope/types.js';
import { DEFAULT_CHAIN_OPTIONS, type ChainOptions } from './options.js';
import { checkChainOptions, checkStarts } from './options.js';
import { COARSE, fingerprint, GAP, MissingSeqs, NO_F64 } from './missing.js';
import { MinHeap } from './min-heap.js';
import { RangeMin } from './range-min.js';
export { DEFAULT_CHAIN_OPTIONS, type ChainOptions } from './options.js';


/** Where a chain stands: the position a checkpoint records and a later run starts from. */
export interface ChainPosition {
  readonly chain: string;
  /** The next seq expected. */
  readonly next: number;
  /** The hash the event with seq `next` must name as prev_hash. */
  readonly parent: string;
  /**
   * The ts of the last accepted event that had one, and its seq: the next event's ts is
   * compared with it (TS_REGRESSION). Absent when no accepted event had a ts (and in a
   * sel.checkpoint/1 file, which did not record it).
   */
  readonly last?: TimePoint;
  /** The chain's time: the latest ts of its accepted events, and the seq that had it (replay judges reviews and exceptions at it). */
  readonly latest?: TimePoint;
}

export interface TimePoint {
  readonly seq: number;
  readonly ts: string;
}

export interface ChainSummary {
  readonly chain: string;
  /** Events placed in this chain (including duplicates and fork branches). */
  readonly events: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly firstTs: string | null;
  readonly lastTs: string | null;
  /** The hash of the last event accepted in order, whatever came before it (a gap or a broken link is a finding of its own). */
  readonly head: string | null;
}

/** Called for each event accepted into its chain, in seq order. */
export type AcceptHook = (rec: PlacedEvent) => void;

/**
 * Called for each event set aside without a finding of its own: the next events of a fork
 * branch already reported (replayed), or of a copy already reported (`copy`: not replayed, its
 * decision taken as its original's; one too far back to compare was not compared either).
 */
export type SetAsideHook = (rec: PlacedEvent, copy: boolean) => void;

/**
 * Called for each event the log holds that is not the chain's (a fork branch's, never a copy;
 * or a late arrival, `late`: the chain went on past its seq without it, so it was compared with
 * nothing). Replay evaluates these too.
 */
export type BranchHook = (rec: PlacedEvent, late: boolean) => void;

/**
 * The empty map and set every chain reads until it first writes one of its own: a chain's rare
 * structures (rivals, late arrivals, copies, off-chain events, unsupported digests) are made
 * when first needed. Made for each chain, they were ~1 KB of empty tables a chain, most of the
 * ~5.7 KB a chain held (a log of 200 000 short chains: 1.5 GB of RSS). Writing to them is a
 * defect, and throws.
 */
class NoMap<K, V> extends Map<K, V> {
  override set(): never {
    throw new Error('internal: a chain wrote to the shared empty map');
  }
}
class NoSet<T> extends Set<T> {
  override add(): never {
    throw new Error('internal: a chain wrote to the shared empty set');
  }
}
const NO_MAP: Map<any, any> = new NoMap();
const NO_SET: Set<any> = new NoSet();
/** The heap of a chain that has had no event waiting. */
const NO_HEAP = new MinHeap();

type OwnMaps = 'rivals' | 'lateSeqs' | 'lateAt' | 'offChain' | 'contentAt' | 'copySeen';
/** The chain's own map (or set) `k`, made when first written. */
function own<K extends OwnMaps>(st: ChainState, k: K): ChainState[K] {
  const made = st[k] === NO_MAP ? new Map() : st[k] === NO_SET ? new Set() : null;
  if (made !== null) (st as unknown as Record<K, unknown>)[k] = made;
  return st[k];
}

interface Pending {
  readonly rec: PlacedEvent;
  /** How many events the chain had accepted when this one arrived. */
  readonly at: number;
}

/**
 * A chain's early events, waiting for their seq's turn: by seq, with the lowest at hand (a
 * binary heap of their seqs). Only the lowest is ever taken: the chain's next seq, or the
 * earliest waiting when the missing ones are given up. A scan for the lowest made a reversed
 * log of 20 000 events with --reorder-window 20000 take ~10 s.
 */
class Waiting {
  /** Made when the first event waits (most chains never have one). */
  private bySeq: Map<number, Pending> = NO_MAP;
  private heap: MinHeap = NO_HEAP;

  get size(): number {
    return this.bySeq.size;
  }

  get(seq: number): Pending | undefined {
    return this.bySeq.get(seq);
  }

  add(p: Pending): void {
    if (this.bySeq === NO_MAP) {
      this.bySeq = new Map();
      this.heap = new MinHeap();
    }
    this.bySeq.set(p.rec.seq, p);
    this.heap.push(p.rec.seq);
  }

  /** The waiting event with the lowest seq. */
  min(): Pending | undefined {
    const seq = this.heap.peek();
    return seq === undefined ? undefined : this.bySeq.get(seq);
  }

  /** Takes the waiting event with the lowest seq. */
  takeMin(): Pending {
    const seq = this.heap.pop();
    const p = this.bySeq.get(seq)!;
    this.bySeq.delete(seq);
    return p;
  }

  values(): IterableIterator<Pending> {
    return this.bySeq.values();
  }
}

/** A hole waiting to explain gaps: how many events it may still stand for. */
interface HoleSlot {
  readonly hole: Hole;
  left: number;
}

/**
 * The last `size` accepted events of a chain, in the order they were accepted: what duplicate
 * and fork checks compare with (docs/contract.md: "the last 256 accepted events"). Accepted
 * seqs only go up, so the ring is sorted by seq from its oldest slot, and a seq is found by
 * binary search: after a gap (seq 0..99, then 300..399) every one of those 200 events is still
 * there, where a ring indexed by seq modulo `size` let 300..355 take the slots of 44..99.
 *
 * Nothing per event is kept as an object: a hash is kept as its UTF-16 code units in a buffer,
 * a ref as its numbers (its file name is the file's one string). Each event's hash string and
 * ref, kept, outlived a young-generation collection or two: ~100 KB copied by every scavenge
 * of a 4-chain log, two thirds of the collections' time on one thread (V8's --trace-gc-nvp).
 * UTF-16 because it gives back any string exactly, and Buffer#write of it costs ~70 ns, where
 * decoding the hex digits to bytes cost ~170 ns.
 *
 * A full ring is ~47 KB (about what the strings and refs it kept before took), so its arrays
 * cover the first slots only, and grow (doubling) as events are accepted: a log of many short
 * chains holds little per chain.
 */
export class RecentRing {
  /** Events set so far; the next goes to slot `count % size`. */
  private count = 0;
  /** Slots [0, covered) have storage. */
  private covered = 0;
  /**
   * Per slot, NUMS numbers: its seq, the hash's length in `text` (0 when `others` holds it), the
   * ref's line and ordinal. One array, not one per field: each typed array has a buffer of its
   * own (~250 bytes with its views), which a log of many short chains paid four times a chain.
   */
  private nums = NO_F64;
  /** Per slot, HASH_UNITS code units: the hash, when it has no more than that. */
  private text = NO_BUFFER;
  /** Per slot, a hash longer than HASH_UNITS (no sha256 digest is), as it is; else ''. */
  private others: string[] = NO_STRINGS;
  private files: string[] = NO_STRINGS;

  constructor(private readonly size: number) {}

  /** Remembers the next accepted event; `seq` is above every seq set before. */
  set(seq: number, hash: string, ref: LineRef): void {
    const i = this.count % this.size;
    if (i >= this.covered) this.cover(i);
    this.count++;
    const at = NUMS * i;
    const nums = this.nums;
    nums[at] = seq;
    if (hash.length > 0 && hash.length <= HASH_UNITS) {
      this.text.write(hash, 2 * HASH_UNITS * i, 2 * hash.length, 'utf16le');
      nums[at + 1] = hash.length;
      if (this.others[i] !== '') this.others[i] = '';
    } else {
      nums[at + 1] = 0;
      this.others[i] = hash;
    }
    this.files[i] = ref.file;
    nums[at + 2] = ref.line;
    nums[at + 3] = ref.ordinal;
  }

  /** The accepted event with this seq, if still remembered. */
  get(seq: number): { hash: string; ref: LineRef } | undefined {
    const held = Math.min(this.count, this.size);
    // The oldest held event is the `count - held`th set; slots in order of setting from there.
    const first = (this.count - held) % this.size;
    const nums = this.nums;
    let lo = 0;
    let hi = held;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nums[NUMS * ((first + mid) % this.size)]! < seq) lo = mid + 1;
      else hi = mid;
    }
    if (lo === held) return undefined;
    const i = (first + lo) % this.size;
    const at = NUMS * i;
    if (nums[at] !== seq) return undefined;
    const n = nums[at + 1]!;
    const hash = n === 0 ? this.others[i]! : this.text.toString('utf16le', 2 * HASH_UNITS * i, 2 * HASH_UNITS * i + 2 * n);
    return { hash, ref: { file: this.files[i]!, line: nums[at + 2]!, ordinal: nums[at + 3]! } };
  }

  /** The lowest seq remembered (the oldest set), or undefined when none is. */
  oldest(): number | undefined {
    if (this.count === 0) return undefined;
    return this.nums[NUMS * (this.count <= this.size ? 0 : this.count % this.size)];
  }

  /** Storage for slots up to `i` at least: twice what there was, or more, at most `size`. */
  private cover(i: number): void {
    let n = Math.max(2, 2 * this.covered);
    while (n <= i) n *= 2;
    n = Math.min(n, this.size);
    const nums = new Float64Array(NUMS * n);
    nums.set(this.nums);
    this.nums = nums;
    const text = Buffer.alloc(2 * HASH_UNITS * n);
    this.text.copy(text);
    this.text = text;
    // Arrays of exactly n: one grown by push holds 17 slots from its first.
    const grown = (a: string[]) => {
      const b = new Array<string>(n).fill('');
      for (let k = 0; k < a.length; k++) b[k] = a[k]!;
      return b;
    };
    this.others = grown(this.others);
    this.files = grown(this.files);
    this.covered = n;
  }
}

/** The numbers a ring keeps per slot (RecentRing.nums). */
const NUMS = 4;

/** What a ring holds before its first event, shared by every ring (with NO_F64, missing.ts). */
const NO_BUFFER = Buffer.alloc(0);
const NO_STRINGS: string[] = [];

/** The longest hash a ring keeps in its buffer: `sha256:` and 64 digits is 71. */
const HASH_UNITS = 72;

class ChainState {
  next: number;
  /** Hash the next event must name as prev_hash; null when unknown (after a gap). */
  parent: string | null;
  /**
   * For the accepted events whose recorded hash is of an algorithm this verifier does not
   * implement (DIGEST_UNSUPPORTED), by seq, the SHA-256 of their content: a successor may name
   * that instead (at most MAX_OFF_CHAIN, the oldest dropped). The head's is at `next - 1`
   * (headContent).
   */
  contentAt: Map<number, string> = NO_MAP;
  lastTs: string | null = null;
  /** The seq whose ts lastTs is (after a gap, not seq next - 1). */
  lastTsSeq = -1;
  /** The latest ts of the accepted events (the chain's time), and its seq. */
  latestTs: string | null = null;
  latestTsSeq = -1;
  lastOrdinal = -1;
  /** The seq and place of the event accepted last (the seq predecessor of the chain's next). */
  predSeq = -1;
  predRef: LineRef | null = null;
  accepted = 0;
  readonly pending = new Waiting();
  /** A second, different event for a waiting seq: which of the two is the fork is decided when the seq's turn comes. */
  rivals: Map<number, Pending> = NO_MAP;
  /**
   * Where a walk back from an accepted event over the events that arrived after some
   * ordinal stops (see `reorder`): the events accepted after waiting (index in acceptance
   * order, ordinal), with ordinals rising from the first, and the last event before each jump
   * in seq (ordinal -Infinity). An entry is dropped when a later one has a lower ordinal
   * (the later one is where any walk that reached it stops first). Emptied when an event is
   * accepted with nothing waiting, since no walk can then reach back before it.
   */
  readonly stopAt: number[] = [];
  readonly stopOrdinal: number[] = [];
  /** How many stops the last trimStops kept. */
  stopsKept = 0;
  readonly recent: RecentRing;
  /** The last event of each fork branch: its hash, and its ts (null: none), as a branch's times are expected to rise too. */
  readonly forkHeads: { hash: string; ts: string | null }[] = [];
  /**
   * Heads of copies already reported (a SEQ_DUPLICATE on the copy's first event): a later
   * event continuing one is the copy's next, not reported again while it repeats the chain
   * or is too far back to compare (see isCopy). At most MAX_FORK_HEADS, the oldest dropped.
   */
  readonly copies: CopyHead[] = [];
  /** The hashes of the last events of the copies being read now (at most recentWindow): one read twice in them is a duplicate of its own. */
  copySeen: Set<string> = NO_SET;
  /** The seqs the chain went on past without accepting (gaps, holes): what lies there is never a copy's. */
  readonly missing = new MissingSeqs();
  /** Events seen but not in the chain (fork branches, late arrivals), by hash: a copy is a duplicate. */
  offChain: Map<string, LineRef> = NO_MAP;
  /**
   * Late arrivals that linked to what was known of their neighbours, by seq (the first of each;
   * at most MAX_OFF_CHAIN, the oldest dropped): the neighbours of the next late arrival inside
   * the same missing range (lateLinks).
   */
  lateAt: Map<number, { readonly hash: string; readonly prevHash: string; readonly content: string | null }> = NO_MAP;
  /** Where the first late arrival for each seq was (at most MAX_OFF_CHAIN, the oldest dropped): a second, different one is its rival. */
  lateSeqs: Map<number, LineRef> = NO_MAP;
  // summary
  events = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  firstTs: string | null = null;
  maxTs: string | null = null;

  /** With a checkpoint: the seq this chain resumed at (the events before were verified by an earlier run). */
  readonly resumedAt: number | null;

  constructor(readonly id: string, start: ChainPosition | null, recentWindow: number) {
    this.recent = new RecentRing(recentWindow);
    this.resumedAt = start?.next ?? null;
    this.next = start?.next ?? 0;
    this.parent = start?.parent ?? GENESIS_PREV_HASH;
    // A resumed chain goes on from the times an earlier run verified: its first new event is
    // compared with them as with any event before it.
    if (start?.last !== undefined) {
      this.lastTs = start.last.ts;
      this.lastTsSeq = start.last.seq;
    }
    if (start?.latest !== undefined) {
      this.latestTs = start.latest.ts;
      this.latestTsSeq = start.latest.seq;
    }
  }
}

/** An event that arrived before the event ahead of it in seq order, and how many of those before it did (ChainVerifier.lateCount). */
interface Displaced {
  readonly rec: PlacedEvent;
  readonly late: number;
}

/** The last event of a copy already reported (ChainState.copies). */
interface CopyHead {
  hash: string;
  seq: number;
  /** The chain's event count when it last moved: a head not moved for COPY_REACH events has ended. */
  at: number;
  /**
   * The lowest seq the chain could compare when the head moved (the oldest it remembered, or
   * its next seq): a next event too far back to compare now goes with the copy only if it was
   * then too (isCopy).
   */
  floor: number;
  /** The reading position of the event it last moved to. */
  ordinal: number;
}

const MAX_FORK_HEADS = 64;
/** How many events of its chain a copy's next event may come after its last (a copy read line for line with the chain: 2). */
const COPY_REACH = 4;
/** How far in seq from a copy's head an event held byte for byte may be to join it (folds). */
const FOLD_REACH = 8;
const MAX_OFF_CHAIN = 256;

export class ChainVerifier {
  private readonly chains = new Map<string, ChainState>();
  private readonly holes: HoleSlot[] = [];
  private readonly starts: ReadonlyMap<string, ChainPosition>;

  constructor(
    private readonly emit: (f: Finding) => void,
    private readonly opts: ChainOptions = DEFAULT_CHAIN_OPTIONS,
    starts: readonly ChainPosition[] = [],
    private readonly onAccept: AcceptHook | null = null,
    /** Sees each event absorbed into a branch already reported (isForkBranch): no finding names it. */
    private readonly onForkBranch: SetAsideHook | null = null,
    /**
     * Sees each event set aside as a fork branch, its first (the CHAIN_FORK) and the events
     * after it, never a copy: events the log holds that are not the chain's (replay evaluates
     * their decisions too: a branch's events were not replayed, and one line forged ahead of
     * the real seq N made the real N.. a branch, its divergences unreported; found by review).
     * Also each late arrival (`late`), compared with nothing and set aside the same way.
     */
    private readonly onBranch: BranchHook | null = null,
  ) {
    // A window of NaN, or one left out, failed later with a RangeError (found by review).
    checkChainOptions(opts);
    checkStarts(starts);
    this.starts = new Map(starts.map((s) => [s.chain, s]));
  }

  /** Feeds the next record in reading order. */
  push(rec: PlacedEvent | Hole): void {
    if (rec.kind === 'hole') {
      this.holes.push({ hole: rec, left: rec.capacity });
      if (this.holes.length > this.opts.holeWindow) this.holes.shift();
      return;
    }
    let st = this.chains.get(rec.chain);
    if (st === undefined) {
      st = new ChainState(rec.chain, this.starts.get(rec.chain) ?? null, this.opts.recentWindow);
      this.chains.set(rec.chain, st);
    }
    this.count(st, rec);

    // The next event of a copy already reported goes with it.
    if (rec.seq < st.next && this.isCopy(st, rec)) return;
    // A copy of an event already set aside (a fork branch's, a late one's) repeats it.
    if (st.offChain.size > 0) {
      const first = st.offChain.get(rec.hash);
      if (first !== undefined) {
        this.again(st, rec, rec.hash, first);
        return;
      }
    }
    if (rec.seq === st.next) {
      // A copy that reaches the chain's next seq brings the chain its next event: the copy
      // goes on with it, so its events after that, accepted already, still repeat it.
      if (st.copies.length > 0) {
        const head = this.liveHead(st, rec.seq - 1, rec.prevHash);
        if (head !== undefined) this.headGoesOn(st, head, rec);
      }
      // Nothing waiting for the next seq (a log in order): nothing to drain, on the hot path.
      if (this.accept(st, rec, false)) {
        if (st.pending.size > 0) this.drain(st, rec);
        else this.trimStops(st);
      }
      return;
    }
    if (rec.seq > st.next) {
      if (this.isForkBranch(st, rec)) return;
      const waiting = st.pending.get(rec.seq);
      if (waiting !== undefined) {
        // Two different events for a seq still to come: the one that links to its
        // predecessor is the chain, the other the fork, known only when that seq's turn comes.
        const rival = st.rivals.get(rec.seq)?.rec;
        if (waiting.rec.hash === rec.hash) this.again(st, rec, waiting.rec.hash, waiting.rec.ref);
        else if (rival === undefined) own(st, 'rivals').set(rec.seq, { rec, at: st.accepted });
        // A copy of the rival repeats it; a third, different event is a fork of its own.
        else if (rival.hash === rec.hash) this.again(st, rec, rival.hash, rival.ref);
        else this.third(st, rec, waiting.rec, rival);
        return;
      }
      st.pending.add({ rec, at: st.accepted });
      if (st.pending.min()!.rec === rec) this.fill(st, false);
      while (st.pending.size > this.opts.reorderWindow) this.fill(st, true);
      return;
    }
    // rec.seq < st.next: it repeats or replaces an accepted event, or arrived too late.
    if (this.isForkBranch(st, rec)) return;
    const before = st.recent.get(rec.seq);
    if (before !== undefined) {
      if (before.hash === rec.hash) this.again(st, rec, before.hash, before.ref);
      else this.repeated(st, rec, before.hash, before.ref);
      return;
    }
    // A seq the chain went on past without it: a late arrival (where ranges were merged, it
    // may be an accepted seq as well, and is reported as one too far back to compare).
    const gap = st.missing.find(rec.seq);
    if (gap !== undefined && (gap.flags & COARSE) === 0) {
      this.setAside(st, rec);
      const range = gap.from === gap.to ? `seq ${gap.from}` : `seq ${gap.from}–${gap.to}`;
      // Is it the event the chain missed there? Where a neighbour the chain has is known (the
      // event before the range, still remembered; the prev_hash the event after it named), it
      // must link to it: a real seq 3 deleted and another seq 3 appended later read as the
      // real one arriving late, the substitution unsaid (found by review).
      const links = this.lateLinks(st, rec, gap);
      const unlinked = links.prev === false || links.next === false;
      // Another, different event came late for the same seq (a copy of it was taken as one
      // above): two events claim the seq, and were two plain SEQ_REORDERs (found by review).
      const rival = st.lateSeqs.get(rec.seq);
      if (rival === undefined) {
        own(st, 'lateSeqs').set(rec.seq, rec.ref);
        if (st.lateSeqs.size > MAX_OFF_CHAIN) st.lateSeqs.delete(st.lateSeqs.keys().next().value!);
      }
      const why = (!unlinked
        ? ''
        : `; it does not link into the chain there: ${[
          ...(links.prev === false ? [rec.seq === 0 ? 'its prev_hash is not the genesis prev_hash' : `its prev_hash is not the hash of seq ${rec.seq - 1}`] : []),
          ...(links.next === false ? [`seq ${rec.seq + 1} names another hash as its predecessor`] : []),
        ].join(', and ')} (another event written for its seq, or a neighbour rewritten)`)
        + (rival === undefined ? '' : `; another event for seq ${rec.seq} arrived late before it, at ${rival.file}:${rival.line}: they cannot both be the chain's`);
      this.emit(
        makeFinding('SEQ_REORDER', {
          chain: st.id,
          seq: rec.seq,
          location: loc(rec.ref),
          message:
            ((gap.flags & GAP) !== 0
              ? `seq ${rec.seq} arrives more than ${this.opts.reorderWindow} event${this.opts.reorderWindow === 1 ? '' : 's'} late, after ${range} ${gap.from === gap.to ? 'was' : 'were'} already reported missing`
              : `seq ${rec.seq} arrives after the chain went on past it: ${range} ${gap.from === gap.to ? 'was' : 'were'} taken to be on the unreadable line(s) before seq ${gap.to + 1}`) + why,
          detail: {
            reorderWindow: this.opts.reorderWindow,
            ...((gap.flags & GAP) !== 0 ? {} : { unreadable: true }),
            ...(unlinked ? { links } : {}),
            ...(rival === undefined ? {} : { rival: loc(rival) }),
          },
        }),
      );
      // Its decision is replayed all the same: an event moved past the reorder window (an
      // elevation allowed without an exception) had its SEQ_REORDER and nothing else, and the
      // gate's --no-unreviewed-elevation passed (found by review).
      this.onBranch?.(rec, true);
      return;
    }
    // Before a checkpoint's position: an event an earlier run verified, here again (a file
    // read from its start under a new name, the same input twice), which this run never saw.
    const resumed = st.resumedAt !== null && rec.seq < st.resumedAt;
    // A copy (or a branch: this run cannot tell) starts here: the events after it that link
    // to it go with it while they repeat the chain or are as far back, so a log read twice, or
    // a branch from far back, is one finding (isCopy).
    this.copyFrom(st, rec, true);
    this.emit(
      makeFinding('SEQ_DUPLICATE', {
        chain: st.id,
        seq: rec.seq,
        location: loc(rec.ref),
        message: resumed
          ? `seq ${rec.seq} comes before where the checkpoint resumes this chain (seq ${st.resumedAt}): an earlier run verified an event with that seq, and this run cannot compare the two: the same events read twice (a file under a new name, or the same input twice), or another event written at that seq (a fork, whose events this run does not replay); verify without --checkpoint to tell which`
          : `seq ${rec.seq} appears again after seq ${st.next - 1}; it is too far back (more than ${this.opts.recentWindow} events) to compare with the event it repeats or replaces`,
        detail: resumed ? { compared: false, resumedAt: st.resumedAt } : { compared: false, recentWindow: this.opts.recentWindow },
      }),
    );
  }

  /** Ends the input: what still waits in a reorder window is resolved as gaps. */
  finish(): void {
    for (const st of this.chains.values()) {
      while (st.pending.size > 0) this.fill(st, true);
    }
  }

  /** Per-chain summaries, ordered by chain id (UTF-16 code units). */
  summaries(): ChainSummary[] {
    return [...this.chains.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((st) => ({
        chain: st.id,
        events: st.events,
        firstSeq: st.firstSeq,
        lastSeq: st.lastSeq,
        firstTs: st.firstTs,
        lastTs: st.maxTs,
        head: st.parent,
      }));
  }

  /**
   * Where each chain stands now (for checkpoints): only chains whose head is known. A chain
   * resumed from a checkpoint that this run saw no event of stands where it started: it is
   * kept, or the next event appended to it would look like a chain that does not start at
   * seq 0 (SEQ_GAP) instead of being checked against what was verified before.
   */
  positions(): ChainPosition[] {
    const out: ChainPosition[] = [];
    for (const st of this.chains.values()) {
      if (st.parent === null) continue;
      out.push({
        chain: st.id,
        next: st.next,
        parent: st.parent,
        ...(st.lastTs === null ? {} : { last: { seq: st.lastTsSeq, ts: st.lastTs } }),
        ...(st.latestTs === null ? {} : { latest: { seq: st.latestTsSeq, ts: st.latestTs } }),
      });
    }
    for (const s of this.starts.values()) {
      if (!this.chains.has(s.chain)) out.push(s);
    }
    return out.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
  }

  private count(st: ChainState, rec: PlacedEvent): void {
    st.events++;
    if (st.firstSeq === null || rec.seq < st.firstSeq) st.firstSeq = rec.seq;
    if (st.lastSeq === null || rec.seq > st.lastSeq) st.lastSeq = rec.seq;
    if (rec.ts !== null) {
      if (st.firstTs === null || rec.ts < st.firstTs) st.firstTs = rec.ts;
      if (st.maxTs === null || rec.ts > st.maxTs) st.maxTs = rec.ts;
    }
  }

  /**
   * Whether a late arrival in the range `gap` links to the chain's neighbours of that range:
   * `prev`, to the event before it (when it is the range's first seq and that event is still
   * remembered, or is the genesis); `next`, to the prev_hash the event after it named (when it
   * is the range's last seq; compared by the range's 32-bit fingerprint, which tells an
   * unrelated event, not a forger who ground one). Null: not known.
   */
  private lateLinks(st: ChainState, rec: PlacedEvent, gap: { from: number; to: number; after: number }): { prev: boolean | null; next: boolean | null } {
    // Its successor may name the SHA-256 of its content when its hash is of an algorithm sel
    // does not implement (linksTo).
    const content = rec.findings.length === 0 ? null : contentHash(rec);
    let prev: boolean | null = null;
    if (rec.seq === gap.from) {
      const before = rec.seq === 0 ? GENESIS_PREV_HASH : st.recent.get(rec.seq - 1)?.hash;
      if (before !== undefined) prev = rec.prevHash === before || (st.contentAt.size > 0 && rec.prevHash === st.contentAt.get(rec.seq - 1));
    } else {
      // Inside a range of several seqs, its neighbours there are late arrivals too: seqs 3–5
      // deleted, then the real 3, a forged 4 and the real 5 appended read as the real ones
      // arriving late, the forged 4 unsaid (found by review).
      // The one before may be of an algorithm sel lacks, named by its content (found by
      // mutation testing: the real seq 3 read late after such a seq 2 was said not to link).
      const before = st.lateAt.get(rec.seq - 1);
      if (before !== undefined) prev = rec.prevHash === before.hash || (before.content !== null && rec.prevHash === before.content);
    }
    let next: boolean | null = null;
    if (rec.seq === gap.to) {
      if (gap.after !== 0) next = fingerprint(rec.hash) === gap.after || (content !== null && fingerprint(content) === gap.after);
    } else {
      const after = st.lateAt.get(rec.seq + 1);
      if (after !== undefined) next = after.prevHash === rec.hash || (content !== null && after.prevHash === content);
    }
    if (prev !== false && next !== false && gap.from !== gap.to && !st.lateAt.has(rec.seq)) {
      own(st, 'lateAt').set(rec.seq, { hash: rec.hash, prevHash: rec.prevHash, content });
      if (st.lateAt.size > MAX_OFF_CHAIN) st.lateAt.delete(st.lateAt.keys().next().value!);
    }
    return { prev, next };
  }

  /** An event on a branch that already forked off: reported once, at the fork. */
  private isForkBranch(st: ChainState, rec: PlacedEvent): boolean {
    const head = st.forkHeads.find((h) => h.hash === rec.prevHash);
    if (head === undefined) return false;
    head.hash = rec.hash;
    // Its ts against the one before it on the branch, as the chain's are: a branch's events are
    // replayed at their own times (src/replay/replay.ts), so a time going back there is said too.
    const before = head.ts;
    if (rec.ts !== null) {
      if (before !== null && rec.ts < before) {
        this.emit(
          makeFinding('TS_REGRESSION', {
            chain: st.id,
            seq: rec.seq,
            location: loc(rec.ref),
            message: `ts ${rec.ts} is earlier than ${before} of the event before it on the same fork branch`,
            expected: `>= ${before}`,
            actual: rec.ts,
            detail: { branch: true },
          }),
        );
      }
      head.ts = rec.ts;
    }
    this.setAside(st, rec);
    this.onForkBranch?.(rec, false);
    this.onBranch?.(rec, false);
    return true;
  }

  /** `rec`, not in the chain, heads a branch: the events that link to it go with it. */
  private branchFrom(st: ChainState, rec: PlacedEvent): void {
    st.forkHeads.push({ hash: rec.hash, ts: rec.ts });
    if (st.forkHeads.length > MAX_FORK_HEADS) st.forkHeads.shift();
    this.setAside(st, rec);
  }

  /**
   * `rec`, reported as a SEQ_DUPLICATE, heads a copy (isCopy); set aside when nothing else
   * remembers it (it could not be compared), so that a copy of it is compared with it.
   */
  private copyFrom(st: ChainState, rec: PlacedEvent, setAside: boolean): void {
    if (setAside) this.setAside(st, rec);
    if (!this.copyGoingOn(st)) st.copySeen.clear();
    this.seenInCopy(st, rec);
    const known = st.copies.find((c) => c.hash === rec.hash);
    if (known !== undefined) {
      moveHead(st, known, rec);
      return;
    }
    st.copies.push({ hash: rec.hash, seq: rec.seq, at: st.events, floor: compareFloor(st), ordinal: rec.ref.ordinal });
    if (st.copies.length > MAX_FORK_HEADS) st.copies.shift();
  }

  /**
   * `rec` (seq below the chain's next) is the next event of a copy already reported: it links
   * to the copy's head and has the next seq, or, where the chain went on past seqs it never
   * accepted (a gap, a hole), it has the seq the chain went on with there and the copy's head
   * is the last before them (the copy has the chain's gap). It goes with the copy, without a
   * finding, when it is the very event the chain has at its seq, or when its seq is too far
   * back to compare, and never one the chain went on past (a late arrival, reported as one).
   * A different event for a seq the chain remembers is not a copy: it is a CHAIN_FORK.
   * Events at or past the chain's next seq are never taken for a copy's: a copy that has
   * caught up with the chain ends there (its head is the chain's own head then).
   */
  private isCopy(st: ChainState, rec: PlacedEvent): boolean {
    const head = this.copyBefore(st, rec);
    if (head === undefined) return false;
    const before = st.recent.get(rec.seq);
    // A different event, one where the chain has none (a late arrival), or one too far back to
    // compare now but not when the copy's last came (the chain has gone on since, a drain or a
    // fold's neighbours, and forgotten the event it had there: found by review, a forged 15
    // after a copy's 14, accepted at the chain's next seq, which drained 15..300 out of the
    // ring, had no finding) is not the copy's: the copy ends there, and the event is judged on
    // its own. Going on past it, the copy would take what follows for the chain's (found by
    // review: a late 76 after a copy's 75, then a forged 77, passed as the copy crossing the
    // chain's gap at 76).
    const differs =
      before !== undefined ? before.hash !== rec.hash : rec.seq >= head.floor || st.missing.find(rec.seq) !== undefined;
    if (differs) {
      // Unless it is held as set aside (a fork branch's, read again): again() goes on with it.
      if (!st.offChain.has(rec.hash)) st.copies.splice(st.copies.indexOf(head), 1);
      return false;
    }
    this.goOnWithCopy(st, head, rec, before === undefined);
    return true;
  }

  /** The copy `rec` would be the next event of (see isCopy), if any. */
  private copyBefore(st: ChainState, rec: PlacedEvent): CopyHead | undefined {
    if (st.copies.length === 0) return undefined;
    const head = this.liveHead(st, rec.seq - 1, rec.prevHash);
    if (head !== undefined) return head;
    const gone = st.missing.find(rec.seq - 1);
    if (gone !== undefined && gone.to === rec.seq - 1 && (gone.flags & COARSE) === 0 && gone.after === fingerprint(rec.prevHash)) {
      return this.liveHead(st, gone.from - 1, null);
    }
    if (rec.seq > st.next) {
      const head = this.copyBeforeWaiting(st, rec.seq);
      // The event waiting at that seq, read after the copy's head, went on from it: this one
      // repeats it, and is not the copy's next (seq 0, then 0, 1, 3, 4, then 3 again, had no
      // finding of its own; found by review).
      const waiting = st.pending.get(rec.seq);
      return head !== undefined && waiting !== undefined && waiting.rec.ref.ordinal > head.ordinal ? undefined : head;
    }
    return undefined;
  }

  /**
   * The copy whose head has seq `seq` (and hash `hash`, when given) and moved within the last
   * COPY_REACH events of the chain; heads that did not are ended. A copy goes on event by
   * event: a head left behind (a duplicate of 500 long ago) is not where an event linking to
   * it much later comes from, and that event is judged on its own (found by review: a forged
   * 501 read 600 lines after a duplicate of 500 had no finding). Several copies of one stretch
   * may have had heads with the same hash: the live one is found whatever their order.
   */
  private liveHead(st: ChainState, seq: number, hash: string | null): CopyHead | undefined {
    for (let i = st.copies.length - 1; i >= 0; i--) {
      const head = st.copies[i]!;
      if (head.seq !== seq || (hash !== null && head.hash !== hash)) continue;
      if (isLive(st, head)) return head;
      st.copies.splice(i, 1);
    }
    return undefined;
  }

  /**
   * A copy whose head is the last event the chain has before `seq`, waiting or accepted, where
   * the seqs between are not there (yet): a copy of a log that waits for them has their gap too.
   */
  private copyBeforeWaiting(st: ChainState, seq: number): CopyHead | undefined {
    // The nearest live head below seq, from the last accepted on: only it can be the one. A
    // scan of every waiting event for each made a reversed log read twice with
    // --reorder-window 20000 take 8.8 s, against 1.4 s before (found by review).
    if (st.pending.get(seq - 1) !== undefined) return undefined;
    let nearest: CopyHead | undefined;
    for (const head of st.copies) {
      if (head.seq < st.next - 1 || head.seq >= seq - 1 || !isLive(st, head)) continue;
      if (nearest === undefined || head.seq > nearest.seq) nearest = head;
    }
    if (nearest === undefined) return undefined;
    const from = nearest.seq;
    // Nothing waiting between it and seq: probed seq by seq, or over the waiting, the fewer.
    if (seq - 1 - from <= st.pending.size) {
      for (let k = from + 1; k < seq; k++) if (st.pending.get(k) !== undefined) return undefined;
    } else {
      for (const p of st.pending.values()) if (p.rec.seq > from && p.rec.seq < seq) return undefined;
    }
    return nearest;
  }

  /** `rec` is the copy `i`'s next event: no finding names it. */
  private goOnWithCopy(st: ChainState, head: CopyHead, rec: PlacedEvent, setAside: boolean): void {
    moveHead(st, head, rec);
    this.seenInCopy(st, rec);
    if (setAside) this.setAside(st, rec);
    this.onForkBranch?.(rec, true);
  }

  /**
   * `rec` is the very event `hash` already seen at its seq: the next event of a copy, or one
   * more head of a copy being read now (`folds`), or else a SEQ_DUPLICATE that begins a copy.
   */
  private again(st: ChainState, rec: PlacedEvent, hash: string, ref: LineRef): void {
    const head = this.copyBefore(st, rec);
    if (head !== undefined) this.goOnWithCopy(st, head, rec, false);
    else if (this.folds(st, rec)) {
      this.copyFrom(st, rec, false);
      this.onForkBranch?.(rec, true);
    } else this.repeated(st, rec, hash, ref);
  }

  /**
   * Does `rec`, held byte for byte, join a copy being read though it does not link to the
   * copy's last? The copy of a stretch the chain had out of order, or of a rewritten event's
   * successor, does not: such an event adds nothing to the copy's finding. Only when
   * - the chain can still compare the event's seq (among the last accepted, or waiting): an
   *   event set aside long ago (a late arrival) would otherwise head a copy whose next event,
   *   too far back to compare, could be forged and go unreported (found by review);
   * - its seq is within FOLD_REACH of a head of that copy: a copy of a stretch, not replayed
   *   lines from anywhere (each one a SEQ_DUPLICATE of its own; found by review);
   * - the copy did not have it yet (an event the copy had, again, is a duplicate of its own).
   */
  private folds(st: ChainState, rec: PlacedEvent): boolean {
    if (rec.seq < st.next && st.recent.get(rec.seq)?.hash !== rec.hash) return false;
    if (st.copySeen.has(rec.hash)) return false;
    // The event it repeats, read after the copy's head, is ahead of the copy: this one repeats
    // it, as the copy cannot have gone on from there yet (seq 0, then 0, 1, 3, 4, then 3
    // again, had no finding of its own; found by review).
    const first = rec.seq < st.next ? st.recent.get(rec.seq)?.ref : st.pending.get(rec.seq)?.rec.ref;
    const readAt = first?.ordinal ?? -Infinity;
    return st.copies.some((head) => isLive(st, head) && Math.abs(rec.seq - head.seq) <= FOLD_REACH && head.ordinal >= readAt);
  }

  private seenInCopy(st: ChainState, rec: { readonly hash: string }): void {
    own(st, 'copySeen').add(rec.hash);
    if (st.copySeen.size > this.opts.recentWindow) st.copySeen.delete(st.copySeen.values().next().value!);
  }

  /**
   * The chain goes on with `rec` from the copy's head (the copy caught up with it): the copy
   * goes on with it. The event it leaves the copy had: read again, it is a duplicate of its
   * own, not the copy's (seq 0, then 0..7, then 1..7 again, or 4 again, had one finding, the
   * replayed events none; found by review). `rec` itself is not marked: the copy's own `rec`,
   * read right after the chain's (a copy read line for line with the chain), is its next.
   */
  private headGoesOn(st: ChainState, head: CopyHead, rec: PlacedEvent): void {
    this.seenInCopy(st, head);
    moveHead(st, head, rec);
  }

  /** Is a copy being read now (its last event within COPY_REACH events of the chain)? */
  private copyGoingOn(st: ChainState): boolean {
    return st.copies.some((head) => isLive(st, head));
  }

  /** Remembers an event that is not in the chain, so that a copy of it is a duplicate. */
  private setAside(st: ChainState, rec: PlacedEvent): void {
    own(st, 'offChain').set(rec.hash, rec.ref);
    if (st.offChain.size > MAX_OFF_CHAIN) st.offChain.delete(st.offChain.keys().next().value!);
  }

  /**
   * The waiting event `rec` for seq `st.next`, or its rival: the one that links to the
   * chain's head (the other is the fork); when both or neither do, the first to arrive.
   */
  private resolve(st: ChainState, waiting: Pending): Pending {
    const rec = waiting.rec;
    const other = st.rivals.get(rec.seq);
    if (other === undefined) return waiting;
    st.rivals.delete(rec.seq);
    const rival = other.rec;
    const [chosen, main, fork] = rivalChosen(st.parent, headContent(st), rec, rival) ? [other, rival, rec] : [waiting, rec, rival];
    // The next event of a branch already reported goes with it; a new branch is a fork.
    if (!this.isForkBranch(st, fork)) this.repeated(st, fork, main.hash, main.ref);
    // The event the chain goes on with is not set aside, whatever was said of a copy of it.
    st.offChain.delete(main.hash);
    const head = st.forkHeads.findIndex((h) => h.hash === main.hash);
    if (head >= 0) st.forkHeads.splice(head, 1);
    return chosen;
  }

  /** Same seq as an earlier event: the same event again, or a second history. */
  private repeated(st: ChainState, rec: PlacedEvent, hash: string, ref: LineRef): void {
    if (hash === rec.hash) {
      // The events after it that repeat the chain too are this copy's, not faults of their own.
      this.copyFrom(st, rec, false);
      this.emit(
        makeFinding('SEQ_DUPLICATE', {
          chain: st.id,
          seq: rec.seq,
          location: loc(rec.ref),
          message: `seq ${rec.seq} repeats the event at ${ref.file}:${ref.line}`,
          detail: { compared: true, first: loc(ref) },
        }),
      );
      return;
    }
    this.fork(st, rec, `a second, different event claims seq ${rec.seq} (the one the chain goes on with is at ${ref.file}:${ref.line})`, { first: loc(ref) }, hash);
  }

  /**
   * A third, different event for a seq still to come, after `first` and its rival `second`: a
   * fork whichever of those the chain goes on with, which is known only when the seq's turn
   * comes (resolve). Said as such: naming the first as the one the chain goes on with was wrong
   * when the rival linked and the first did not (found by review).
   */
  private third(st: ChainState, rec: PlacedEvent, first: PlacedEvent, second: PlacedEvent): void {
    this.fork(st, rec, `a third, different event claims seq ${rec.seq} (the chain goes on with one of the two at ${first.ref.file}:${first.ref.line} and ${second.ref.file}:${second.ref.line}, whichever links to seq ${rec.seq - 1})`, { first: loc(first.ref), rival: loc(second.ref) });
  }

  /** `rec` starts a branch off the chain: its CHAIN_FORK (`claim`, what it claims against what), and its decision replayed. */
  private fork(st: ChainState, rec: PlacedEvent, claim: string, detail: Record<string, unknown>, expected?: string): void {
    this.branchFrom(st, rec);
    this.emit(
      makeFinding('CHAIN_FORK', {
        chain: st.id,
        seq: rec.seq,
        location: loc(rec.ref),
        message: `${claim}: the chain forks here`,
        ...(expected === undefined ? {} : { expected }),
        actual: rec.hash,
        detail,
      }),
    );
    this.onBranch?.(rec, false);
  }

  /**
   * Accepts `rec` as the event with seq `st.next`; `waited` when it arrived before its turn.
   * False when it was absorbed as a fork branch.
   */
  private accept(st: ChainState, rec: PlacedEvent, waited: boolean): boolean {
    if (rec.seq === 0) {
      if (rec.prevHash !== GENESIS_PREV_HASH) {
        this.emit(
          makeFinding('GENESIS_INVALID', {
            chain: st.id,
            seq: 0,
            location: loc(rec.ref),
            message: 'the first event of the chain must have a prev_hash of sha256: and 64 zeros',
            expected: GENESIS_PREV_HASH,
            actual: rec.prevHash,
          }),
        );
      }
    } else if (st.parent !== null && !linksTo(st, rec)) {
      if (this.isForkBranch(st, rec)) return false;
      this.emit(
        makeFinding('PREV_HASH_MISMATCH', {
          chain: st.id,
          seq: rec.seq,
          location: loc(rec.ref),
          message: `prev_hash is not the hash of seq ${rec.seq - 1}: the predecessor was rewritten, or this event does not belong here`,
          expected: st.parent,
          actual: rec.prevHash,
        }),
      );
    }
    if (rec.ts !== null) {
      if (st.lastTs !== null && rec.ts < st.lastTs) {
        this.emit(
          makeFinding('TS_REGRESSION', {
            chain: st.id,
            seq: rec.seq,
            location: loc(rec.ref),
            message: `ts ${rec.ts} is earlier than ${st.lastTs} of seq ${st.lastTsSeq}`,
            expected: `>= ${st.lastTs}`,
            actual: rec.ts,
          }),
        );
      }
      st.lastTs = rec.ts;
      st.lastTsSeq = rec.seq;
      if (st.latestTs === null || rec.ts > st.latestTs) {
        st.latestTs = rec.ts;
        st.latestTsSeq = rec.seq;
      }
    }
    st.next = rec.seq + 1;
    st.parent = rec.hash;
    const content = rec.findings.length === 0 ? null : contentHash(rec);
    if (content !== null) {
      own(st, 'contentAt').set(rec.seq, content);
      if (st.contentAt.size > MAX_OFF_CHAIN) st.contentAt.delete(st.contentAt.keys().next().value!);
    }
    if (rec.ref.ordinal > st.lastOrdinal) st.lastOrdinal = rec.ref.ordinal;
    // Its seq and place only: the event itself, kept, held what it was read from (replay's
    // peak RSS +9 MB at 300 MB).
    st.predSeq = rec.seq;
    st.predRef = rec.ref;
    st.recent.set(rec.seq, rec.hash, rec.ref);
    if (waited) this.stop(st, st.accepted, rec.ref.ordinal);
    else if (st.pending.size === 0 && st.stopAt.length > 0) {
      st.stopAt.length = 0;
      st.stopOrdinal.length = 0;
      st.stopsKept = 0;
    }
    st.accepted++;
    this.onAccept?.(rec);
    return true;
  }

  /** Notes that a walk back over events arrived after an ordinal above `ordinal` stops at acceptance index `at`. */
  private stop(st: ChainState, at: number, ordinal: number): void {
    const ks = st.stopAt;
    const os = st.stopOrdinal;
    while (os.length > 0 && os[os.length - 1]! >= ordinal) {
      os.pop();
      ks.pop();
    }
    ks.push(at);
    os.push(ordinal);
  }

  /**
   * Bounds `stopAt` between drains, exactly: a walk is only ever asked for from an event
   * waiting now (or its rival), and each such walk stops at the last stop with an ordinal below
   * its own (stops pushed later have their own entries). Those entries are kept, and the last;
   * the rest can answer no walk. At most twice the waiting events and one are left.
   */
  private trimStops(st: ChainState): void {
    const ks = st.stopAt;
    const os = st.stopOrdinal;
    if (ks.length <= 2 * (this.opts.reorderWindow + this.opts.recentWindow) || ks.length <= 2 * st.stopsKept) return;
    const keep = new Uint8Array(ks.length);
    keep[ks.length - 1] = 1;
    for (const p of st.pending.values()) {
      const i = lastStopBelow(os, p.rec.ref.ordinal);
      if (i >= 0) keep[i] = 1;
    }
    for (const r of st.rivals.values()) {
      const i = lastStopBelow(os, r.rec.ref.ordinal);
      if (i >= 0) keep[i] = 1;
    }
    let n = 0;
    for (let i = 0; i < ks.length; i++) {
      if (keep[i] === 0) continue;
      ks[n] = ks[i]!;
      os[n] = os[i]!;
      n++;
    }
    ks.length = n;
    os.length = n;
    st.stopsKept = n;
  }

  /**
   * After `first` was accepted, accepts the waiting events that now follow in seq order.
   * Whenever an event arrived before the one accepted ahead of it (a lower ordinal), the log
   * is out of order there: each such run is judged by `judge`. Seqs up to `judged` were
   * reported already, in the run waiting beyond a gap (`fill`).
   */
  private drain(st: ChainState, first: PlacedEvent, judged = -1): void {
    // Nothing waits for the next seq: nothing to count or judge (counting first cost a Map
    // per call).
    if (st.pending.get(st.next) === undefined) {
      this.trimStops(st);
      return;
    }
    let lead = first;
    let leadAt = st.accepted - 1;
    let late = this.lateCounts(st, lead, leadAt);
    let run: Displaced[] = [];
    for (let p = st.pending.get(st.next); p !== undefined; p = st.pending.get(st.next)) {
      const chosen = this.resolve(st, st.pending.takeMin());
      const rec = chosen.rec;
      if (!this.accept(st, rec, true)) break;
      if (rec.ref.ordinal < lead.ref.ordinal) {
        if (rec.seq > judged) run.push({ rec, late: late.get(rec) ?? 1 });
      } else {
        this.judge(st, lead, run);
        run = [];
        lead = rec;
        leadAt = st.accepted - 1;
        late = this.lateCounts(st, lead, leadAt);
      }
    }
    this.judge(st, lead, run);
    this.trimStops(st);
  }

  /**
   * For each event of the run that follows `lead` (accepted last, acceptance index `leadAt`)
   * in seq order and arrived before it (the waiting event or rival `resolve` will choose): how
   * many events up to `lead` arrived after it (see `lateCount`). Counted before any of them is
   * accepted, as each one's acceptance moves the stops that the count of the next ones reads.
   */
  private lateCounts(st: ChainState, lead: PlacedEvent, leadAt: number): Map<PlacedEvent, number> {
    const out = new Map<PlacedEvent, number>();
    // Only the run that follows `lead`: the event `resolve` will choose for each seq (the rival
    // when only it links to the one chosen before), up to the first that arrived after `lead`
    // and leads the next run (its own count then). Counting every waiting event or rival that
    // arrived before `lead`, past the run, counted them all again for each lead: forged seq
    // K+2…K+W read first and the real ones after them, each real one a lead, was quadratic
    // (W = 10 000: 25.7 s, now 0.77 s).
    let parent = st.parent;
    let parentContent = headContent(st);
    for (let seq = lead.seq + 1; ; seq++) {
      const p = st.pending.get(seq);
      if (p === undefined) return out;
      const r = st.rivals.get(seq);
      const chosen = r !== undefined && rivalChosen(parent, parentContent, p.rec, r.rec) ? r : p;
      if (chosen.rec.ref.ordinal > lead.ref.ordinal) return out;
      out.set(chosen.rec, this.lateCount(st, leadAt, chosen.rec.ref.ordinal, chosen.at));
      parent = chosen.rec.hash;
      parentContent = chosen.rec.findings.length === 0 ? null : contentHash(chosen.rec);
    }
  }

  /**
   * How many of the events accepted up to acceptance index `leadAt` arrived after the event
   * with ordinal `ordinal`, which arrived when the chain had accepted `at`: back to the first
   * that did not, or to a jump in seq. Every one of them counts, however many: the events
   * accepted before it arrived (index below `at`) arrived before it, and of those accepted
   * after, the ones that arrived before it had waited, so `stopAt` holds the last of them. A
   * walk back over the last 256 accepted events stopped at 256, and named the wrong run once
   * the run itself, accepted since, had taken their places.
   */
  private lateCount(st: ChainState, leadAt: number, ordinal: number, at: number): number {
    let stop = at - 1;
    const i = lastStopBelow(st.stopOrdinal, ordinal);
    if (i >= 0 && st.stopAt[i]! > stop) stop = st.stopAt[i]!;
    return leadAt - stop;
  }

  /**
   * `run` (consecutive seqs after `lead`) arrived before `lead` did, each before the last
   * `late` events up to `lead`. One SEQ_REORDER for the run against the events every one of
   * its events arrived before (the fewest of their counts: a message naming more would be
   * false of some), and one for each stretch of the run that arrived before more of them
   * still, against those (seq 20 read before 14–17 and 19, 19 before 18: seq 18 after
   * 19–20, and seq 20 before 14–17; one SEQ_REORDER for both said 19 came before 14–17),
   * and so on within each stretch. A run read in any order before the same events, as a
   * reversed log, is one finding.
   */
  private judge(st: ChainState, lead: { readonly seq: number; readonly ref: LineRef }, run: readonly Displaced[]): void {
    if (run.length === 0) return;
    // Each stretch is a range of `run`, its fewest and earliest found in the tables, not by
    // scanning it: a stretch within each stretch (seq 2W-1, 0, 2W-2, 1, …) sliced and scanned
    // each again, quadratic in the run (W = 30 000: 9.3 s, now 1.0 s).
    const fewestAt = new RangeMin(run.length, (a, b) => run[a]!.late < run[b]!.late || (run[a]!.late === run[b]!.late && a < b));
    const earliestAt = new RangeMin(run.length, (a, b) => run[a]!.rec.ref.ordinal < run[b]!.rec.ref.ordinal || (run[a]!.rec.ref.ordinal === run[b]!.rec.ref.ordinal && a < b));
    // The next index whose count is at most each one's: within a stretch, from one holding its
    // fewest, the next that does.
    const nextAtMost = new Int32Array(run.length);
    const stack: number[] = [];
    for (let i = run.length - 1; i >= 0; i--) {
      while (stack.length > 0 && run[stack[stack.length - 1]!]!.late > run[i]!.late) stack.pop();
      nextAtMost[i] = stack.length > 0 ? stack[stack.length - 1]! : run.length;
      stack.push(i);
    }
    // Each stretch [lo, hi), against the events before those its enclosing one was said against.
    const todo: { base: number; lo: number; hi: number }[] = [{ base: 0, lo: 0, hi: run.length }];
    for (let job = todo.pop(); job !== undefined; job = todo.pop()) {
      const { base, lo, hi } = job;
      let at = fewestAt.at(lo, hi);
      const floor = run[at]!.late;
      const leadRef = base === 0 ? lead.ref : st.recent.get(lead.seq - base)?.ref;
      this.reorder(st, lead.seq - base, leadRef, floor - base, run[lo]!.rec.seq, run[hi - 1]!.rec.seq, hi - lo, run[earliestAt.at(lo, hi)]!.rec);
      let from = lo;
      for (; at < hi; at = nextAtMost[at]!) {
        if (at > from) todo.push({ base: floor, lo: from, hi: at });
        from = at + 1;
      }
      if (hi > from) todo.push({ base: floor, lo: from, hi });
    }
  }

  /**
   * `run` arrived before the `late` events up to seq `leadSeq` (at `leadRef`). Two
   * explanations: those came late, or the run came early. The finding goes on the one that
   * displaces fewer events (on ties, the early run, which comes first in the file; and the
   * early run when the last late event is no longer remembered to be named).
   */
  private reorder(st: ChainState, leadSeq: number, leadRef: LineRef | undefined, late: number, from: number, to: number, size: number, earliest: PlacedEvent): void {
    const runText = from === to ? `seq ${from}` : `seq ${from}–${to}`;
    const lateFrom = leadSeq - late + 1;
    const lateText = lateFrom === leadSeq ? `seq ${leadSeq}` : `seq ${lateFrom}–${leadSeq}`;
    if (late < size && leadRef !== undefined) {
      this.emit(
        makeFinding('SEQ_REORDER', {
          chain: st.id,
          seq: leadSeq,
          location: loc(leadRef),
          message: `${lateText} ${late === 1 ? 'appears' : 'appear'} after ${runText}, out of order`,
          detail: { displaced: [lateFrom, leadSeq], after: [from, to] },
        }),
      );
    } else {
      const head = earliest;
      this.emit(
        makeFinding('SEQ_REORDER', {
          chain: st.id,
          seq: head.seq,
          location: loc(head.ref),
          message: `${runText} ${from === to ? 'appears' : 'appear'} before ${lateText}, out of order`,
          detail: { displaced: [from, to], before: [lateFrom, leadSeq] },
        }),
      );
    }
  }

  /**
   * The events between `st.next` and the earliest waiting event are missing. Explain them with
   * holes (unplaceable lines between the last accepted event and the waiting one); when
   * `force`d (window full, input ended), report what holes cannot explain as a SEQ_GAP and
   * move on. Without `force`, only a complete explanation is taken.
   */
  private fill(st: ChainState, force: boolean): void {
    const min = st.pending.min();
    if (min === undefined) return;
    const succ = min.rec;
    const missing = succ.seq - st.next;
    const candidates = this.holeCandidates(st, succ, missing);
    const claimed: { slot: HoleSlot; take: number }[] = [];
    let explained = 0;
    for (const slot of candidates) {
      if (explained >= missing) break;
      const take = Math.min(slot.left, missing - explained);
      claimed.push({ slot, take });
      explained += take;
    }
    if (!force && explained < missing) return;
    for (const c of claimed) c.slot.left -= c.take;
    const unexplained = missing - explained;
    const from = st.next;
    if (unexplained > 0) {
      const to = succ.seq - 1;
      const range = st.next === to ? `seq ${to} is` : `seq ${st.next}–${to} are`;
      this.emit(
        makeFinding('SEQ_GAP', {
          chain: st.id,
          seq: succ.seq,
          location: loc(succ.ref),
          message: `${range} missing before this event${st.next === 0 && st.accepted === 0 ? ' (the chain does not start at seq 0)' : ''}${claimed.length > 0 ? `; ${claimed.length} unreadable line(s) in between may hold some of them` : ''}`,
          expected: st.next,
          actual: succ.seq,
          detail: { from: st.next, to, missing: unexplained, unreadableLines: claimed.length },
        }),
      );
    }
    // The events accepted just before the gap arrived after the ones waiting beyond it: they
    // came late, or those came early, and the gap must not hide it (the walk back in `reorder`
    // stops at the gap, so it is judged here, before the jump in seq is recorded).
    const lead = st.predRef === null ? null : { seq: st.predSeq, ref: st.predRef };
    let judged = -1;
    if (lead !== null && succ.ref.ordinal < lead.ref.ordinal) {
      const run: Displaced[] = [];
      for (let p: Pending | undefined = min; p !== undefined && p.rec.ref.ordinal < lead.ref.ordinal; p = st.pending.get(p.rec.seq + 1)) {
        run.push({ rec: p.rec, late: this.lateCount(st, st.accepted - 1, p.rec.ref.ordinal, p.at) });
      }
      this.judge(st, lead, run);
      judged = run[run.length - 1]!.rec.seq;
    }
    // The parent of `succ` is known only when one hole with known hashes stands for it.
    const only = missing === 1 && claimed.length === 1 ? claimed[0]!.slot.hole : null;
    st.parent = only !== null && only.hashes.includes(succ.prevHash) ? succ.prevHash : null;
    // A walk back over late events stops at the jump in seq (see `reorder`).
    if (missing > 0) this.stop(st, st.accepted - 1, -Infinity);
    // A copy that had caught up with the chain crosses the gap with it, as it goes on with the
    // chain's next event (push): the events it leaves behind are the copy's.
    const last = missing > 0 && st.copies.length > 0 && st.predRef !== null ? st.recent.get(st.predSeq) : undefined;
    const caughtUp = last === undefined ? undefined : this.liveHead(st, st.predSeq, last.hash);
    st.next = succ.seq;
    const chosen = this.resolve(st, st.pending.takeMin()).rec;
    if (caughtUp !== undefined) this.headGoesOn(st, caughtUp, chosen);
    // Remembered with the parent the event after it names: a copy crossing the gap names it too.
    if (missing > 0) st.missing.add(from, succ.seq - 1, unexplained > 0 ? GAP : 0, chosen.prevHash);
    if (this.accept(st, chosen, true)) this.drain(st, chosen, judged);
  }

  /** Unclaimed holes between the chain's last accepted event and `succ`, best first. */
  private holeCandidates(st: ChainState, succ: PlacedEvent, missing: number): HoleSlot[] {
    const byHash: HoleSlot[] = [];
    const sameChain: HoleSlot[] = [];
    const anyChain: HoleSlot[] = [];
    const predOrdinal = st.predRef?.ordinal ?? -1;
    for (const h of this.holes) {
      if (h.left === 0) continue;
      const o = h.hole.ref.ordinal;
      if (o >= succ.ref.ordinal) continue;
      // A damaged line that names this chain (or whose hash `succ` names) and was read after
      // the gap's predecessor in seq order explains the gap, wherever the chain's late events
      // were read: an earlier seq arriving late does not make it a SEQ_GAP again (one fault,
      // one finding). A line that names no chain must come after the last accepted event.
      if (o > predOrdinal && missing === 1 && h.hole.hashes.includes(succ.prevHash)) byHash.push(h);
      else if (o > predOrdinal && h.hole.chain === st.id) sameChain.push(h);
      else if (o <= st.lastOrdinal) continue;
      else if (h.hole.chain === null) anyChain.push(h);
    }
    return [...byHash, ...sameChain, ...anyChain];
  }
}

/** The last index of `ordinals` (rising) with a value below `ordinal`, or -1. */
function lastStopBelow(ordinals: readonly number[], ordinal: number): number {
  let lo = 0;
  let hi = ordinals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ordinals[mid]! < ordinal) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The copy's head is `rec` now. */
function moveHead(st: ChainState, head: CopyHead, rec: PlacedEvent): void {
  head.hash = rec.hash;
  head.seq = rec.seq;
  head.at = st.events;
  head.floor = compareFloor(st);
  head.ordinal = rec.ref.ordinal;
}

/** Has the copy moved within the last COPY_REACH events of its chain? */
function isLive(st: ChainState, head: CopyHead): boolean {
  return st.events - head.at <= COPY_REACH;
}

/** The lowest seq the chain can compare now: the oldest it remembers, or its next. */
function compareFloor(st: ChainState): number {
  return st.recent.oldest() ?? st.next;
}

/**
 * Does `rec` name the chain's head as its parent? By its recorded hash, or, when that is of an
 * algorithm this verifier does not implement, by the SHA-256 of the head's content: the head's
 * DIGEST_UNSUPPORTED is the one fault, and a successor written by a sha256 writer names what
 * the head's hash had been, which it still is by content (docs/contract.md).
 */
function linksTo(st: ChainState, rec: PlacedEvent): boolean {
  return names(rec, st.parent, headContent(st));
}

/** The SHA-256 of the content of the chain's head when its hash is of an algorithm sel lacks (after a gap, none: the seq before `next` was not accepted). */
function headContent(st: ChainState): string | null {
  return st.contentAt.size === 0 ? null : (st.contentAt.get(st.next - 1) ?? null);
}

/** Does `rec` name as its parent the event whose hash is `parent` (or whose content's SHA-256 is `content`, see linksTo)? */
function names(rec: PlacedEvent, parent: string | null, content: string | null): boolean {
  return parent !== null && (rec.prevHash === parent || (content !== null && rec.prevHash === content));
}

/** The SHA-256 of an event's content its DIGEST_UNSUPPORTED on `hash` carries (src/envelope/check.ts), if any. */
function contentHash(rec: PlacedEvent): string | null {
  for (const f of rec.findings) {
    if (f.code !== 'DIGEST_UNSUPPORTED') continue;
    const d = f.detail as { member?: unknown; sha256?: unknown } | undefined;
    if (d?.member === 'hash' && typeof d.sha256 === 'string') return d.sha256;
  }
  return null;
}

/**
 * Does the chain, at `parent` (`content`: the SHA-256 of its content when its hash is of an
 * algorithm sel lacks, as linksTo reads it), go on with `rival` rather than `waiting` (only the
 * rival links to it)?
 */
function rivalChosen(parent: string | null, content: string | null, waiting: PlacedEvent, rival: PlacedEvent): boolean {
  return !names(waiting, parent, content) && names(rival, parent, content);
}

function loc(ref: LineRef): { file: string; line: number } {
  return { file: ref.file, line: ref.line };
}
