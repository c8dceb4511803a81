/**
 * The chain check (SPEC.md §2): genesis, seq continuity, prev_hash linkage, gaps, duplicates,
 * reorders, forks and timestamp order, per chain, over records in reading order.
 *
 * The only stateful integrity stage, with bounded state per chain: the expected next seq and
 * its parent hash, a reorder window of early events (`reorderWindow`) with at most one rival
 * each, the hashes of the last `recentWindow` accepted events (to tell a duplicate from a
 * fork), a few fork-branch heads, and the last events set aside (fork branches, late
 * arrivals), so that a copy of one is a duplicate. Memory does not grow with the log.
 *
 * One fault is reported once, where it happens (SPEC.md §6):
 * - links are checked against the *recorded* hash of the parent, so a tampered event shows
 *   as one HASH_MISMATCH on itself and not again on its successor;
 * - a line that could not be placed (unreadable, damaged) is a hole: already reported by
 *   its own finding, it explains a gap at its position instead of causing a SEQ_GAP too;
 * - a displaced run of events gives one SEQ_REORDER, a forked branch one CHAIN_FORK.
 */
import { GENESIS_PREV_HASH } from '../canonical/digest.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import type { Hole, LineRef, PlacedEvent } from '../envelope/types.js';
import { DEFAULT_CHAIN_OPTIONS, type ChainOptions } from './options.js';
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
  /** The hash of the last event accepted in order, when its parent chain is intact. */
  readonly head: string | null;
}

/** Called for each event accepted into its chain, in seq order. */
export type AcceptHook = (rec: PlacedEvent) => void;

interface Pending {
  readonly rec: PlacedEvent;
}

/** A hole waiting to explain gaps: how many events it may still stand for. */
interface HoleSlot {
  readonly hole: Hole;
  left: number;
}

/**
 * The last `size` accepted events of a chain, by seq, in a ring: what duplicate, fork and
 * reorder checks compare with. A seq is remembered until a later one takes its slot (seq
 * modulo `size`). Nothing per event is kept as an object: a hash is kept as its UTF-16 code
 * units in a buffer, a ref as its numbers (its file name is the file's one string). Each
 * event's hash string and ref, kept, outlived a young-generation collection or two: ~100 KB
 * copied by every scavenge of a 4-chain log, two thirds of the collections' time on one
 * thread (V8's --trace-gc-nvp). UTF-16 because it gives back any string exactly, and
 * Buffer#write of it costs ~70 ns, where decoding the hex digits to bytes cost ~170 ns.
 *
 * A full ring is ~47 KB (about what the strings and refs it kept before took), so its arrays
 * cover the first slots only, and grow (doubling) when a seq lands past them: a log of many
 * short chains holds little per chain.
 */
export class RecentRing {
  /** Slots [0, covered) have storage. */
  private covered = 0;
  private seqs = new Float64Array(0);
  /** Per slot, HASH_UNITS code units: the hash, when it has no more than that. */
  private text = Buffer.alloc(0);
  /** Per slot, the hash's length in `text`; 0 when `others` holds it. */
  private lens = new Uint8Array(0);
  /** Per slot, a hash longer than HASH_UNITS (no sha256 digest is), as it is; else ''. */
  private others: string[] = [];
  private files: string[] = [];
  private lines = new Float64Array(0);
  private ordinals = new Float64Array(0);

  constructor(private readonly size: number) {}

  set(seq: number, hash: string, ref: LineRef): void {
    const i = seq % this.size;
    if (i >= this.covered) this.cover(i);
    this.seqs[i] = seq;
    if (hash.length > 0 && hash.length <= HASH_UNITS) {
      this.text.write(hash, 2 * HASH_UNITS * i, 2 * hash.length, 'utf16le');
      this.lens[i] = hash.length;
      if (this.others[i] !== '') this.others[i] = '';
    } else {
      this.lens[i] = 0;
      this.others[i] = hash;
    }
    this.files[i] = ref.file;
    this.lines[i] = ref.line;
    this.ordinals[i] = ref.ordinal;
  }

  /** The accepted event with this seq, if still remembered. */
  get(seq: number): { hash: string; ref: LineRef } | undefined {
    const i = seq % this.size;
    if (i >= this.covered || this.seqs[i] !== seq) return undefined;
    const n = this.lens[i]!;
    const hash = n === 0 ? this.others[i]! : this.text.toString('utf16le', 2 * HASH_UNITS * i, 2 * HASH_UNITS * i + 2 * n);
    return { hash, ref: { file: this.files[i]!, line: this.lines[i]!, ordinal: this.ordinals[i]! } };
  }

  /** Storage for slots up to `i` at least: twice what there was, or more, at most `size`. */
  private cover(i: number): void {
    let n = Math.max(8, 2 * this.covered);
    while (n <= i) n *= 2;
    n = Math.min(n, this.size);
    const grown = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.seqs = grown(this.seqs, (k) => new Float64Array(k).fill(-1));
    this.lens = grown(this.lens, (k) => new Uint8Array(k));
    this.lines = grown(this.lines, (k) => new Float64Array(k));
    this.ordinals = grown(this.ordinals, (k) => new Float64Array(k));
    const text = Buffer.alloc(2 * HASH_UNITS * n);
    this.text.copy(text);
    this.text = text;
    while (this.others.length < n) this.others.push('');
    while (this.files.length < n) this.files.push('');
    this.covered = n;
  }
}

/** The longest hash a ring keeps in its buffer: `sha256:` and 64 digits is 71. */
const HASH_UNITS = 72;

class ChainState {
  next: number;
  /** Hash the next event must name as prev_hash; null when unknown (after a gap). */
  parent: string | null;
  /** Second acceptable parent: the recomputed hash of a damaged predecessor. */
  parentAlt: string | null = null;
  lastTs: string | null = null;
  /** The seq whose ts lastTs is (after a gap, not seq next - 1). */
  lastTsSeq = -1;
  /** The latest ts of the accepted events (the chain's time), and its seq. */
  latestTs: string | null = null;
  latestTsSeq = -1;
  lastOrdinal = -1;
  accepted = 0;
  readonly pending = new Map<number, Pending>();
  /** A second, different event for a waiting seq: which of the two is the fork is decided when the seq's turn comes. */
  readonly rivals = new Map<number, PlacedEvent>();
  readonly recent: RecentRing;
  readonly forkHeads: string[] = [];
  /** Events seen but not in the chain (fork branches, late arrivals), by hash: a copy is a duplicate. */
  readonly offChain = new Map<string, LineRef>();
  readonly gaps: { from: number; to: number }[] = [];
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

const MAX_FORK_HEADS = 64;
const MAX_OFF_CHAIN = 256;
const MAX_GAPS_REMEMBERED = 16;

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
    private readonly onForkBranch: AcceptHook | null = null,
  ) {
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

    // A copy of an event already set aside (a fork branch's, a late one's) repeats it.
    if (st.offChain.size > 0) {
      const first = st.offChain.get(rec.hash);
      if (first !== undefined) {
        this.repeated(st, rec, rec.hash, first);
        return;
      }
    }
    if (rec.seq === st.next) {
      if (this.accept(st, rec)) this.drain(st, rec);
      return;
    }
    if (rec.seq > st.next) {
      if (this.isForkBranch(st, rec)) return;
      const waiting = st.pending.get(rec.seq);
      if (waiting !== undefined) {
        // Two different events for a seq still to come: the one that links to its
        // predecessor is the chain, the other the fork, known only when that seq's turn comes.
        const rival = st.rivals.get(rec.seq);
        if (waiting.rec.hash === rec.hash) this.repeated(st, rec, waiting.rec.hash, waiting.rec.ref);
        else if (rival === undefined) st.rivals.set(rec.seq, rec);
        // A copy of the rival repeats it; a third, different event is a fork of its own.
        else if (rival.hash === rec.hash) this.repeated(st, rec, rival.hash, rival.ref);
        else this.repeated(st, rec, waiting.rec.hash, waiting.rec.ref);
        return;
      }
      st.pending.set(rec.seq, { rec });
      if (this.minPending(st)!.rec === rec) this.fill(st, false);
      while (st.pending.size > this.opts.reorderWindow) this.fill(st, true);
      return;
    }
    // rec.seq < st.next: it repeats or replaces an accepted event, or arrived too late.
    if (this.isForkBranch(st, rec)) return;
    const before = st.recent.get(rec.seq);
    if (before !== undefined) {
      this.repeated(st, rec, before.hash, before.ref);
      return;
    }
    const gap = st.gaps.find((g) => rec.seq >= g.from && rec.seq <= g.to);
    if (gap !== undefined) {
      this.setAside(st, rec);
      this.emit(
        makeFinding('SEQ_REORDER', {
          chain: st.id,
          seq: rec.seq,
          location: loc(rec.ref),
          message: `seq ${rec.seq} arrives more than ${this.opts.reorderWindow} events late, after seq ${gap.from}–${gap.to} was already reported missing`,
          detail: { reorderWindow: this.opts.reorderWindow },
        }),
      );
      return;
    }
    // Before a checkpoint's position: an event an earlier run verified, here again (a file
    // read from its start under a new name, the same input twice), which this run never saw.
    const resumed = st.resumedAt !== null && rec.seq < st.resumedAt;
    this.emit(
      makeFinding('SEQ_DUPLICATE', {
        chain: st.id,
        seq: rec.seq,
        location: loc(rec.ref),
        message: resumed
          ? `seq ${rec.seq} comes before where the checkpoint resumes this chain (seq ${st.resumedAt}): an earlier run verified an event with that seq, and this run cannot compare the two; usually the same events are read twice (a file under a new name, or the same input twice)`
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

  /** An event on a branch that already forked off: reported once, at the fork. */
  private isForkBranch(st: ChainState, rec: PlacedEvent): boolean {
    const i = st.forkHeads.indexOf(rec.prevHash);
    if (i < 0) return false;
    st.forkHeads[i] = rec.hash;
    this.setAside(st, rec);
    this.onForkBranch?.(rec);
    return true;
  }

  /** Remembers an event that is not in the chain, so that a copy of it is a duplicate. */
  private setAside(st: ChainState, rec: PlacedEvent): void {
    st.offChain.set(rec.hash, rec.ref);
    if (st.offChain.size > MAX_OFF_CHAIN) st.offChain.delete(st.offChain.keys().next().value!);
  }

  /**
   * The waiting event `rec` for seq `st.next`, or its rival: the one that links to the
   * chain's head (the other is the fork); when both or neither do, the first to arrive.
   */
  private resolve(st: ChainState, rec: PlacedEvent): PlacedEvent {
    const rival = st.rivals.get(rec.seq);
    if (rival === undefined) return rec;
    st.rivals.delete(rec.seq);
    const [main, fork] = !linksTo(st, rec) && linksTo(st, rival) ? [rival, rec] : [rec, rival];
    // The next event of a branch already reported goes with it; a new branch is a fork.
    if (!this.isForkBranch(st, fork)) this.repeated(st, fork, main.hash, main.ref);
    // The event the chain goes on with is not set aside, whatever was said of a copy of it.
    st.offChain.delete(main.hash);
    const head = st.forkHeads.indexOf(main.hash);
    if (head >= 0) st.forkHeads.splice(head, 1);
    return main;
  }

  /** Same seq as an earlier event: the same event again, or a second history. */
  private repeated(st: ChainState, rec: PlacedEvent, hash: string, ref: LineRef): void {
    if (hash === rec.hash) {
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
    st.forkHeads.push(rec.hash);
    if (st.forkHeads.length > MAX_FORK_HEADS) st.forkHeads.shift();
    this.setAside(st, rec);
    this.emit(
      makeFinding('CHAIN_FORK', {
        chain: st.id,
        seq: rec.seq,
        location: loc(rec.ref),
        message: `a second, different event claims seq ${rec.seq} (the one the chain goes on with is at ${ref.file}:${ref.line}): the chain forks here`,
        expected: hash,
        actual: rec.hash,
        detail: { first: loc(ref) },
      }),
    );
  }

  /** Accepts `rec` as the event with seq `st.next`. False when it was absorbed as a fork branch. */
  private accept(st: ChainState, rec: PlacedEvent): boolean {
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
    st.parentAlt = null;
    if (rec.ref.ordinal > st.lastOrdinal) st.lastOrdinal = rec.ref.ordinal;
    st.recent.set(rec.seq, rec.hash, rec.ref);
    st.accepted++;
    this.onAccept?.(rec);
    return true;
  }

  /**
   * After `first` was accepted, accepts the waiting events that now follow in seq order.
   * Whenever an event arrived before the one accepted ahead of it (a lower ordinal), the log
   * is out of order there: each such run gives one SEQ_REORDER (see `reorder`).
   */
  private drain(st: ChainState, first: PlacedEvent): void {
    let lead = first;
    let run: PlacedEvent[] = [];
    for (let p = st.pending.get(st.next); p !== undefined; p = st.pending.get(st.next)) {
      st.pending.delete(st.next);
      const rec = this.resolve(st, p.rec);
      if (!this.accept(st, rec)) break;
      if (rec.ref.ordinal < lead.ref.ordinal) {
        run.push(rec);
      } else {
        if (run.length > 0) this.reorder(st, lead, run);
        run = [];
        lead = rec;
      }
    }
    if (run.length > 0) this.reorder(st, lead, run);
  }

  /**
   * `run` (consecutive seqs after `lead`) arrived before `lead` did. Two explanations: `lead`
   * and the events just before it came late, or `run` came early. The finding goes on the one
   * that displaces fewer events (on ties, the early run, which comes first in the file).
   */
  private reorder(st: ChainState, lead: PlacedEvent, run: readonly PlacedEvent[]): void {
    // A loop, not Math.min(...): a run of ~150 000 events overflowed the call's arguments.
    let earliest = Infinity;
    for (const r of run) if (r.ref.ordinal < earliest) earliest = r.ref.ordinal;
    // Events accepted up to `lead` that arrived after the earliest of the run: what it jumped.
    let late = 0;
    for (let seq = lead.seq; ; seq--) {
      const r = st.recent.get(seq);
      if (r === undefined || r.ref.ordinal <= earliest) break;
      late++;
    }
    const from = run[0]!.seq;
    const to = run[run.length - 1]!.seq;
    const runText = from === to ? `seq ${from}` : `seq ${from}–${to}`;
    const lateFrom = lead.seq - late + 1;
    const lateText = lateFrom === lead.seq ? `seq ${lead.seq}` : `seq ${lateFrom}–${lead.seq}`;
    if (late < run.length) {
      this.emit(
        makeFinding('SEQ_REORDER', {
          chain: st.id,
          seq: lead.seq,
          location: loc(lead.ref),
          message: `${lateText} ${late === 1 ? 'appears' : 'appear'} after ${runText}, out of order`,
          detail: { displaced: [lateFrom, lead.seq], after: [from, to] },
        }),
      );
    } else {
      const head = run.reduce((a, b) => (b.ref.ordinal < a.ref.ordinal ? b : a));
      this.emit(
        makeFinding('SEQ_REORDER', {
          chain: st.id,
          seq: head.seq,
          location: loc(head.ref),
          message: `${runText} ${from === to ? 'appears' : 'appear'} before ${lateText}, out of order`,
          detail: { displaced: [from, to], before: [lateFrom, lead.seq] },
        }),
      );
    }
  }

  private minPending(st: ChainState): Pending | undefined {
    let min: Pending | undefined;
    for (const p of st.pending.values()) if (min === undefined || p.rec.seq < min.rec.seq) min = p;
    return min;
  }

  /**
   * The events between `st.next` and the earliest waiting event are missing. Explain them with
   * holes (unplaceable lines between the last accepted event and the waiting one); when
   * `force`d (window full, input ended), report what holes cannot explain as a SEQ_GAP and
   * move on. Without `force`, only a complete explanation is taken.
   */
  private fill(st: ChainState, force: boolean): void {
    const min = this.minPending(st);
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
    if (unexplained > 0) {
      const to = succ.seq - 1;
      st.gaps.push({ from: st.next, to });
      if (st.gaps.length > MAX_GAPS_REMEMBERED) st.gaps.shift();
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
    // The parent of `succ` is known only when one hole with known hashes stands for it.
    const only = missing === 1 && claimed.length === 1 ? claimed[0]!.slot.hole : null;
    st.parent = only !== null && only.hashes.includes(succ.prevHash) ? succ.prevHash : null;
    st.parentAlt = null;
    st.next = succ.seq;
    st.pending.delete(succ.seq);
    const chosen = this.resolve(st, succ);
    if (this.accept(st, chosen)) this.drain(st, chosen);
  }

  /** Unclaimed holes between the chain's last accepted event and `succ`, best first. */
  private holeCandidates(st: ChainState, succ: PlacedEvent, missing: number): HoleSlot[] {
    const byHash: HoleSlot[] = [];
    const sameChain: HoleSlot[] = [];
    const anyChain: HoleSlot[] = [];
    for (const h of this.holes) {
      if (h.left === 0) continue;
      const o = h.hole.ref.ordinal;
      if (o <= st.lastOrdinal || o >= succ.ref.ordinal) continue;
      if (missing === 1 && h.hole.hashes.includes(succ.prevHash)) byHash.push(h);
      else if (h.hole.chain === st.id) sameChain.push(h);
      else if (h.hole.chain === null) anyChain.push(h);
    }
    return [...byHash, ...sameChain, ...anyChain];
  }
}

/** Does `rec` name the chain's head (or the head's recomputed hash) as its parent? */
function linksTo(st: ChainState, rec: PlacedEvent): boolean {
  return st.parent !== null && (rec.prevHash === st.parent || rec.prevHash === st.parentAlt);
}

function loc(ref: LineRef): { file: string; line: number } {
  return { file: ref.file, line: ref.line };
}
