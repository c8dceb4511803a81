/**
 * Replay (SPEC.md §4, §5): for every event accepted into its chain, find the bundle its
 * policy_hash names, re-run the evaluator with the ledger as it is at the ref, judged at the
 * event's ts, and compare with the recorded decision; check anchors against the log. Pure:
 * the governance state comes in as data (built by src/git/history.ts).
 *
 * Findings keep "diverged" (the evidence says the decision was wrong: DECISION_DIVERGENCE,
 * REVIEW_MISMATCH, REVIEW_EXPIRED, EXCEPTION_EXPIRED) apart from "unverifiable" (what is
 * needed to decide is missing: POLICY_UNKNOWN, POLICY_INVALID, REVIEW_MISSING,
 * EXCEPTION_MISSING); the summary counts both.
 */
import { evalInputOf } from './impact.js';
import type { LineRef, PlacedEvent } from '../envelope/types.js';
import type { ChainSummary } from '../chain/chain.js';
import { makeFinding, shown, type Finding } from '../findings/finding.js';
import type { BundleVersion, LedgerRewrite, PolicyIndex } from '../git/history.js';
import { evaluate, traceLines, type Evaluation, type InForce } from '../policy/evaluate.js';
import type { Decision } from '../envelope/types.js';
import type { AnchorArtifact, Ledger } from '../policy/ledger.js';
import { digits } from '../schemas/formats.js';

export interface ReplayInput {
  readonly index: PolicyIndex;
  readonly ledger: Ledger;
  /** How the repository is named in findings about its files. */
  readonly repoLabel: string;
  /** Chains resumed from a checkpoint: anchors before these positions were checked then. */
  readonly starts?: readonly { readonly chain: string; readonly next: number; readonly latest?: { readonly seq: number; readonly ts: string } }[];
  /** Ledger files changed or deleted in the history (LEDGER_REWRITTEN). */
  readonly ledgerRewrites?: readonly LedgerRewrite[];
}

export interface AnchorSummary {
  readonly chain: string;
  readonly anchors: number;
  readonly lastAnchoredSeq: number | null;
  /** Events after the last anchor: [from, to], or null when every event is covered. */
  readonly unanchored: readonly [number, number] | null;
}

export interface ReplayCounts {
  readonly events: number;
  readonly replayed: number;
  readonly matched: number;
  readonly diverged: number;
  readonly unverifiable: number;
  /** Events without a replayable body (their line-level findings say why). */
  readonly skipped: number;
}

/** An anchor the log should reach; `branch`: where a fork branch holds the very event it anchors. */
interface AnchorEntry {
  readonly anchor: AnchorArtifact;
  readonly path: string;
  seen: boolean;
  branch: LineRef | null;
  /** The chain's event at the anchored seq, when it is not the anchored one: reported in finish(), where a branch holding the anchored one is known. */
  differs: { readonly ref: LineRef; readonly hash: string } | null;
}

export class Replayer {
  private readonly anchors = new Map<string, AnchorEntry>();
  /** The same anchors by chain, then seq: looked up per event without building a key string. */
  private readonly anchorAt = new Map<string, Map<number, AnchorEntry>>();
  private readonly anchorsByChain = new Map<string, number[]>();
  private counts = { events: 0, replayed: 0, matched: 0, diverged: 0, unverifiable: 0, skipped: 0 };
  /**
   * Per chain, the latest ts of the events accepted so far (in seq order) and the seq that
   * had it: the chain's time, at which the artifacts a later decision relied on are judged
   * again (`outOfForce`). One entry per chain, with the chain's time after each of its last
   * TIME_RING accepted seqs (`ring`): a fork branch goes on from the chain's time where it
   * forked (its first event's seq - 1), a late arrival from the time after its predecessor. A
   * fork is found against the last 256 accepted events.
   */
  private readonly chainTime = new Map<string, ChainClock>();
  /** The last chain looked up there, and its entry: most events follow one of their own chain. */
  private timeChain: string | null = null;
  private timeOf: ChainClock | undefined = undefined;
  /**
   * The time of a fork branch after each of its last events, by chain and hash (at most
   * MAX_BRANCH_TIMES, the oldest dropped): the branch's next event, which links to it, is
   * judged at it. Replayed at its own ts alone, an event of a branch backdated before an
   * exception's expiry passed where the same event in the chain was EXCEPTION_EXPIRED, and one
   * line forged ahead of it made it a branch (found by review).
   */
  private readonly branchTime = new Map<string, { ts: string; seq: number }>();

  constructor(
    private readonly input: ReplayInput,
    private readonly emit: (f: Finding) => void,
  ) {
    const start = new Map((input.starts ?? []).map((p) => [p.chain, p.next]));
    // A chain resumed from a checkpoint goes on at the time the earlier run left it.
    for (const p of input.starts ?? []) {
      if (p.latest !== undefined) this.chainTime.set(p.chain, { ts: p.latest.ts, seq: p.latest.seq, ring: new TimeRing() });
    }
    for (const [path, a] of input.ledger.anchors) {
      const list = this.anchorsByChain.get(a.chain) ?? [];
      list.push(a.seq);
      this.anchorsByChain.set(a.chain, list);
      // Before a checkpoint's position: checked by the run that wrote it, not judged again, but
      // it still anchors the chain (a resumed run said "no anchor" and counted only the new events
      // as unanchored where a full run said "anchored to seq N", found by review).
      if (a.seq < (start.get(a.chain) ?? 0)) continue;
      const entry: AnchorEntry = { anchor: a, path, seen: false, branch: null, differs: null };
      this.anchors.set(`${a.chain}\u0000${a.seq}`, entry);
      let bySeq = this.anchorAt.get(a.chain);
      if (bySeq === undefined) this.anchorAt.set(a.chain, (bySeq = new Map()));
      bySeq.set(a.seq, entry);
    }
    for (const list of this.anchorsByChain.values()) list.sort((x, y) => x - y);
  }

  /** Ledger artifacts that could not be used, or were changed in history, as findings (once per run). */
  ledgerFindings(): void {
    for (const p of this.input.ledger.problems) {
      this.emit(makeFinding('LEDGER_ARTIFACT_INVALID', { location: { file: inRepo(this.input.repoLabel, p.path), line: 1 }, message: p.message, detail: { path: p.path } }));
    }
    // A ledger is only ever added to: a deleted anchor hides a truncated log, an edited review
    // or exception can approve after the fact what it did not approve when it was used.
    for (const r of this.input.ledgerRewrites ?? []) {
      this.emit(makeFinding('LEDGER_REWRITTEN', {
        location: { file: inRepo(this.input.repoLabel, r.path), line: 1 },
        message: `commit ${r.commit.slice(0, 12)} ${r.status === 'D' ? 'deleted' : r.status === 'T' ? 'changed the type of' : 'changed'} ${r.path}: ledger artifacts are only ever added, never changed or removed`,
        detail: { commit: r.commit },
      }));
    }
  }

  /** Called for each event accepted into its chain, in seq order. */
  onEvent(rec: PlacedEvent): void {
    this.counts.events++;
    const anchor = this.anchorAt.get(rec.chain)?.get(rec.seq);
    if (anchor !== undefined && !anchor.seen) {
      anchor.seen = true;
      // Said at the end, at this event: the anchored event may be in the log still, on a branch
      // read after it (the chain went on with the lines read first; found by review).
      if (anchor.anchor.hash !== rec.hash) anchor.differs = { ref: rec.ref, hash: rec.hash };
    }
    const o = rec.replay ?? replayEvent(rec, this.input);
    // The chain's time before this event: the latest ts of the events before it in seq order.
    let time = rec.chain === this.timeChain ? this.timeOf : this.chainTime.get(rec.chain);
    const before = time === undefined ? null : time.ts;
    const beforeSeq = time === undefined ? -1 : time.seq;
    if (rec.ts !== null) {
      if (time === undefined) this.chainTime.set(rec.chain, (time = { ts: rec.ts, seq: rec.seq, ring: new TimeRing() }));
      else if (rec.ts > time.ts) {
        time.ts = rec.ts;
        time.seq = rec.seq;
      }
    }
    this.timeChain = rec.chain;
    this.timeOf = time;
    time?.ring.set(rec.seq, time.ts, time.seq);
    this.tally(o, rec, before, beforeSeq);
  }

  /**
   * An event the chain check set aside as a fork branch (never a copy), or as arriving after the
   * chain went on past its seq (`late`): its decision is replayed and reported as the chain's
   * are, at its own ts and at its branch's time (the chain's where the branch left it, then the
   * branch's latest ts; for a late arrival, the chain's after its predecessor, or the time after
   * the late arrival it links to). It is not the chain's: it does not move the chain's time,
   * nor does a branch's event satisfy an anchor (the anchored event on a branch is said where
   * the anchor is judged, finish()). A late
   * arrival that is the anchored event does: the chain never had another event at its seq.
   */
  onBranch(rec: PlacedEvent, late = false): void {
    this.counts.events++;
    // The anchored event itself, on a branch: the chain went on with another (a forged event
    // ahead of it); said where the anchor is judged, instead of "removed or damaged".
    const anchor = this.anchorAt.get(rec.chain)?.get(rec.seq);
    // A late arrival is the event at its seq the chain never had (it went on past it): when it
    // is the anchored event, byte for byte, the log holds what the anchor names, out of order
    // (its SEQ_REORDER says so), not "removed or damaged" (found by review).
    if (anchor !== undefined && late && !anchor.seen && anchor.anchor.hash === rec.hash) anchor.seen = true;
    else if (anchor !== undefined && !late && anchor.branch === null && anchor.anchor.hash === rec.hash) anchor.branch = rec.ref;
    // The time before it: its branch's after the event it links to, or the chain's where it
    // left the chain (after its seq - 1, or the seq below it the chain had: a late arrival after
    // another was judged at the chain's time now, a false EXCEPTION_EXPIRED; found by review;
    // not remembered: the chain's time now, which is later).
    const time = this.timeBeforeBranch(rec);
    const before = time === undefined ? null : time.ts;
    const beforeSeq = time === undefined ? -1 : time.seq;
    // The time after it, for the event that links to it: another event of its branch, or the
    // late arrival after it (two late arrivals, one after the other: the second was judged at
    // the chain's time after the seq before the first, without the first's ts, and an exception
    // expired by then passed; found by mutation testing).
    const after = rec.ts !== null && (before === null || rec.ts > before) ? { ts: rec.ts, seq: rec.seq } : time;
    if (after !== undefined) {
      this.branchTime.set(`${rec.chain}\u0000${rec.hash}`, { ts: after.ts, seq: after.seq });
      if (this.branchTime.size > MAX_BRANCH_TIMES) this.branchTime.delete(this.branchTime.keys().next().value!);
    }
    this.tally(rec.replay ?? replayEvent(rec, this.input), rec, before, beforeSeq);
  }

  /**
   * The time an event set aside as a branch's or a late arrival is judged at (onBranch): its
   * branch's after the event it links to, else the chain's where it left the chain; undefined
   * when there is none (sel explain judges a what-if there as replay does).
   */
  timeBeforeBranch(rec: PlacedEvent): { readonly ts: string; readonly seq: number } | undefined {
    const now = this.chainTime.get(rec.chain);
    // A branch from seq 0 has no time before it (a forged seq 0 read first, dated late, made the
    // real log's events expire; found by review). The chain's time now is copied: it moves on
    // with the chain, and sel explain judges a what-if at it after the run (a late arrival far
    // behind was judged at the chain's last time there, a false EXCEPTION_EXPIRED; found by review).
    return this.branchTime.get(`${rec.chain}\u0000${rec.prevHash}`)
      ?? (rec.seq === 0 ? undefined : now?.ring.atOrBefore(rec.seq - 1) ?? (now === undefined ? undefined : { ts: now.ts, seq: now.seq }));
  }

  /** Counts and reports an event's outcome; `before`, the chain's time before it (null: not judged at it). */
  private tally(o: ReplayOutcome, rec: PlacedEvent, before: string | null, beforeSeq: number): void {
    switch (o.type) {
      case 'skipped':
        this.counts.skipped++;
        return;
      case 'matched': {
        this.counts.replayed++;
        // A decision granted under a review or exception, at a ts back before the chain's time
        // (an earlier event's): the artifact must be in force at that time too.
        const f = o.relied === undefined || before === null || rec.ts === null || before <= rec.ts ? null : outOfForce(rec, rec.ts, before, beforeSeq, o.relied);
        if (f === null) {
          this.counts.matched++;
          return;
        }
        this.counts.diverged++;
        this.emit(f);
        return;
      }
      case 'finding':
        if (o.replayed) this.counts.replayed++;
        if (o.counted === 'diverged') this.counts.diverged++;
        else this.counts.unverifiable++;
        this.emit(o.finding);
    }
  }

  /** After the whole log: anchors the log never reached. */
  finish(chains: readonly ChainSummary[]): AnchorSummary[] {
    // A chain resumed from a checkpoint that this run read no new event of ends where the
    // checkpoint left it (its events are in the log; a resumed run said it held none, found by review).
    const lastSeq = new Map<string, number | null>((this.input.starts ?? []).map((p) => [p.chain, p.next > 0 ? p.next - 1 : null]));
    for (const c of chains) if (c.lastSeq !== null || !lastSeq.has(c.chain)) lastSeq.set(c.chain, c.lastSeq);
    for (const { anchor, path, seen, branch, differs } of this.anchors.values()) {
      if (differs !== null) {
        this.emit(makeFinding('ANCHOR_MISMATCH', {
          chain: anchor.chain,
          seq: anchor.seq,
          location: { file: differs.ref.file, line: differs.ref.line },
          // An anchor in another digest than the event's cannot be compared with it: said so,
          // not "rewritten" (found by review; still a mismatch: the anchor vouches for nothing).
          message: algorithm(anchor.hash) !== algorithm(differs.hash)
            ? `the anchor at ${path} names a ${algorithm(anchor.hash)} digest and the event's hash is ${algorithm(differs.hash)}: they cannot be compared, so the anchor does not vouch for the event`
            : branch === null
              ? `the event differs from the one anchored at ${path}: the log was rewritten after it was anchored`
              : `the event differs from the one anchored at ${path}, which is at ${branch.file}:${branch.line}, on a branch that forked off the chain: the chain the log goes on with is not the anchored one`,
          expected: anchor.hash,
          actual: differs.hash,
          detail: { anchor: path, ...(branch === null ? {} : { branch: { file: branch.file, line: branch.line } }) },
        }));
      }
      if (seen) continue;
      const last = lastSeq.get(anchor.chain);
      const loc = { file: inRepo(this.input.repoLabel, path), line: 1 };
      if (branch !== null) {
        this.emit(makeFinding('ANCHOR_MISMATCH', {
          chain: anchor.chain,
          seq: anchor.seq,
          location: loc,
          message: `the event anchored at seq ${anchor.seq} of chain ${anchor.chain} is at ${branch.file}:${branch.line}, on a branch that forked off the chain: the chain the log goes on with is not the anchored one`,
          expected: anchor.hash,
          detail: { anchor: path, branch: { file: branch.file, line: branch.line } },
        }));
      } else if (last === undefined || last === null || anchor.seq > last) {
        this.emit(makeFinding('LOG_TRUNCATED', {
          chain: anchor.chain,
          seq: anchor.seq,
          location: loc,
          message: last === undefined || last === null
            ? `the log holds no event of chain ${anchor.chain}, which is anchored up to at least seq ${anchor.seq}`
            : `the log of chain ${anchor.chain} ends at seq ${last}, but seq ${anchor.seq} was anchored: events were removed from the end`,
          expected: anchor.seq,
          actual: last ?? null,
          detail: { anchor: path },
        }));
      } else {
        this.emit(makeFinding('ANCHOR_MISMATCH', {
          chain: anchor.chain,
          seq: anchor.seq,
          location: loc,
          message: `no intact event of chain ${anchor.chain} has seq ${anchor.seq}, which was anchored: the event was removed or damaged`,
          expected: anchor.hash,
          detail: { anchor: path },
        }));
      }
    }
    // Every chain the log holds, those resumed included: a checkpoint is written only after a
    // run without errors, where each chain starts at seq 0 (a later start is a SEQ_GAP), so a
    // resumed chain's events begin there. A resumed run said a chain without an anchor was
    // unanchored from its first new seq, and left out one it read nothing new of, so that
    // `--require-anchored` had nothing to ask of it (found by review).
    const firstSeq = new Map<string, number | null>(chains.map((c) => [c.chain, c.firstSeq]));
    for (const p of this.input.starts ?? []) if (p.next > 0) firstSeq.set(p.chain, 0);
    const out: AnchorSummary[] = [];
    for (const chain of [...firstSeq.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const last = lastSeq.get(chain) ?? null;
      const list = this.anchorsByChain.get(chain) ?? [];
      const lastAnchored = list.length === 0 ? null : list[list.length - 1]!;
      const from = lastAnchored === null ? (firstSeq.get(chain) ?? 0) : lastAnchored + 1;
      out.push({
        chain,
        anchors: list.length,
        lastAnchoredSeq: lastAnchored,
        unanchored: last === null || from > last ? null : [from, last],
      });
    }
    return out;
  }

  replayCounts(): ReplayCounts {
    return { ...this.counts };
  }
}

/**
 * What replaying one event gives: computed where the event is checked (a worker, or here). A
 * match that relied on a review or exception carries the decision and the artifacts' windows
 * (`relied`): the thread that replays an event does not know its chain's time (with --jobs N,
 * nor the events before its unit), so Replayer#onEvent, which sees the chain in seq order,
 * judges them again.
 */
export type ReplayOutcome =
  | { readonly type: 'skipped' }
  | { readonly type: 'matched'; readonly relied?: Relied }
  | { readonly type: 'finding'; readonly finding: Finding; readonly counted: 'diverged' | 'unverifiable'; readonly replayed: boolean };

/** A matched decision that a review or exception granted: the decision, and what it relied on. */
export interface Relied {
  readonly decision: Decision;
  readonly artifacts: readonly InForce[];
}

/**
 * A file of the governance repository as findings name it: `path` (ledger/...) under the
 * repository as it was named on the command line. `--repo gov/`, as a shell completes it, named
 * the files gov//ledger/... where `--repo gov` names them gov/ledger/... (found by review).
 */
export function inRepo(repoLabel: string, path: string): string {
  return `${repoLabel.replace(/\/+$/, '')}/${path}`;
}

/** A chain's time (Replayer.chainTime): its latest ts in seq order and the seq that had it, and its times after its last seqs. */
interface ChainClock {
  ts: string;
  seq: number;
  readonly ring: TimeRing;
}

/** How many seqs of each chain TimeRing remembers: more than the 256 accepted events a fork is found against. */
const TIME_RING = 512;
/** How many fork branch heads' times are remembered, all chains together. */
const MAX_BRANCH_TIMES = 4096;

/**
 * A chain's time (its latest ts in seq order, and the seq that had it) after each of its last
 * TIME_RING accepted seqs, set in rising seq order. Numbers only, in one typed array that grows
 * with the events set (a log of a million one-event chains holds a few slots each): the ts
 * strings themselves, each kept for 512 events, outlived the young generation and were
 * promoted, and a 300 MB replay's peak RSS went from 80 to 106 MB. A ts (24 characters,
 * isSelTimestamp) is kept as two numbers, YYYYMMDD and HHMMSSmmm, and written out again when
 * asked for.
 */
export class TimeRing {
  /** Entries set so far; the next goes to slot `count % TIME_RING`. */
  private count = 0;
  /** Per slot: the seq, the seq that had the time, the time's date and its time of day. */
  private slots = new Float64Array(SLOT);
  /** The ts last set, and its two numbers: most events leave the chain's time as it was. */
  private lastTs = '';
  private day = 0;
  private clock = 0;

  set(seq: number, ts: string, tsSeq: number): void {
    if (ts !== this.lastTs) {
      this.lastTs = ts;
      this.day = digits(ts, 0, 4) * 10000 + digits(ts, 5, 2) * 100 + digits(ts, 8, 2);
      this.clock = digits(ts, 11, 2) * 1e7 + digits(ts, 14, 2) * 1e5 + digits(ts, 17, 2) * 1000 + digits(ts, 20, 3);
    }
    const i = this.count % TIME_RING;
    this.count++;
    if (i * SLOT >= this.slots.length) {
      const grown = new Float64Array(Math.min(this.slots.length * 2, TIME_RING * SLOT));
      grown.set(this.slots);
      this.slots = grown;
    }
    const o = i * SLOT;
    this.slots[o] = seq;
    this.slots[o + 1] = tsSeq;
    this.slots[o + 2] = this.day;
    this.slots[o + 3] = this.clock;
  }

  /**
   * The time after the greatest seq set that is `seq` or below (a seq the chain went on
   * without, or took late, has the time after the one before it); undefined when `seq` is
   * below every seq held.
   */
  atOrBefore(seq: number): { ts: string; seq: number } | undefined {
    const held = Math.min(this.count, TIME_RING);
    const at = (k: number) => ((this.count - 1 - k) % TIME_RING) * SLOT;
    let k = -1;
    let lo = 0;
    let hi = held - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slots[at(mid)]! > seq) lo = mid + 1;
      else {
        k = mid;
        hi = mid - 1;
      }
    }
    return k < 0 ? undefined : this.entry(at(k));
  }

  private entry(o: number): { ts: string; seq: number } {
    const day = String(this.slots[o + 2]).padStart(8, '0');
    const clock = String(this.slots[o + 3]).padStart(9, '0');
    const ts = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T${clock.slice(0, 2)}:${clock.slice(2, 4)}:${clock.slice(4, 6)}.${clock.slice(6, 9)}Z`;
    return { ts, seq: this.slots[o + 1]! };
  }
}

/** Numbers per TimeRing slot. */
const SLOT = 4;

const SKIPPED: ReplayOutcome = { type: 'skipped' };
const MATCHED: ReplayOutcome = { type: 'matched' };

/**
 * REVIEW_EXPIRED or EXCEPTION_EXPIRED when an artifact that `rec`'s decision relied on (in force
 * at its `ts`) is not in force at `time`, the later ts of seq `timeSeq` of the same chain, an
 * earlier event: a writer's ts that goes back in time does not bring an artifact back into
 * force. Null when every artifact is in force at `time` too. The first artifact not in force
 * decides: the exception (without it, block), then the review (without it, review).
 */
export function outOfForce(rec: PlacedEvent, ts: string, time: string, timeSeq: number, relied: Relied): Finding | null {
  const d = relied.decision;
  for (const a of relied.artifacts) {
    // The artifact's own window; an exception's, then that of the review it names.
    const windows = a.review === undefined ? [a] : [a, a.review];
    for (const w of windows) {
      const early = time < w.from;
      if (!early && time < w.until) continue;
      const isReview = a.kind === 'review' || w !== a;
      const field = early ? (isReview ? 'reviewed_at' : 'granted_at') : 'expires_at';
      const bound = early ? w.from : w.until;
      const state = early ? (isReview ? 'was not yet approved' : 'was not yet granted') : 'had expired';
      const what = a.kind === 'review' ? `its review ${a.ref}` : w === a ? `exception ${a.ref}` : `review ${w.ref}, which exception ${a.ref} names,`;
      return makeFinding(a.kind === 'review' ? 'REVIEW_EXPIRED' : 'EXCEPTION_EXPIRED', {
        ...at(rec),
        message: `recorded ${d.action} at ts ${ts}, which goes back before seq ${timeSeq}'s ${time}; at that time ${what} ${state} (${field} ${bound})`,
        expected: a.without,
        actual: d,
        detail: {
          [a.kind]: a.ref,
          ...(w === a ? {} : { review: w.ref }),
          status: early ? 'not-yet-valid' : 'expired',
          ts,
          chainTs: time,
          chainTsSeq: timeSeq,
          [field]: bound,
        },
      });
    }
  }
  return null;
}

/**
 * Replays one event against the bundle its policy_hash names: pure, so a worker thread can
 * run it next to the line check, with the same index and ledger.
 */
export function replayEvent(rec: PlacedEvent, input: { readonly index: PolicyIndex; readonly ledger: Ledger }): ReplayOutcome {
  const e = rec.event;
  if (e === null) return SKIPPED;
  const version: BundleVersion | undefined = input.index.byHash.get(e.policy_hash);
  if (version === undefined) {
    return {
      type: 'finding',
      counted: 'unverifiable',
      replayed: false,
      finding: makeFinding('POLICY_UNKNOWN', {
        ...at(rec),
        message: `policy_hash ${shown(e.policy_hash)} names no bundle in the repository's history: the decision cannot be replayed`,
        actual: e.policy_hash,
      }),
    };
  }
  if (!version.loaded.ok) {
    const first = version.loaded.problems[0];
    return {
      type: 'finding',
      counted: 'unverifiable',
      replayed: false,
      finding: makeFinding('POLICY_INVALID', {
        ...at(rec),
        message: `the bundle ${e.policy_hash} (commit ${version.commits[0]!.slice(0, 12)}) is invalid, so it decides nothing: ${first === undefined ? 'see sel policy check' : `policy/${first.file}: ${first.message}`}`,
        actual: e.policy_hash,
        detail: { commit: version.commits[0], problems: version.loaded.problems.length },
      }),
    };
  }
  const evalInput = evalInputOf(e);
  const ev = evaluate(version.loaded.policy, evalInput, input.ledger, false);
  const got = ev.decision;
  const rec_ = e.decision;
  if (got.action === rec_.action && got.rule === rec_.rule && got.severity === rec_.severity) {
    return ev.inForce.length === 0 ? MATCHED : { type: 'matched', relied: { decision: got, artifacts: ev.inForce } };
  }
  // A divergence is explained by its trace: evaluate again, keeping it (same decision).
  const f = classify(evaluate(version.loaded.policy, evalInput, input.ledger, true), rec_, at(rec), input.ledger);
  return { type: 'finding', finding: f, counted: f.code === 'REVIEW_MISSING' || f.code === 'EXCEPTION_MISSING' ? 'unverifiable' : 'diverged', replayed: true };
}

/** Where a finding about `rec` is: made only for a finding (most events match, and replay runs per event). */
function at(rec: PlacedEvent): { chain: string; seq: number; location: { file: string; line: number } } {
  return { chain: rec.chain, seq: rec.seq, location: { file: rec.ref.file, line: rec.ref.line } };
}

/** Which finding a divergence is: a review or exception problem, or a plain divergence. */
function classify(
  ev: Evaluation,
  recorded: { action: string; rule: string | null; severity: string },
  where: { chain: string; seq: number; location: { file: string; line: number } },
  ledger: Ledger,
): Finding {
  // An artifact the ledger has at the path but could not use (LEDGER_ARTIFACT_INVALID) reads as
  // missing to the evaluator; the message says which, not that none exists (found by review).
  const notValid = (path: string | null) => path !== null && ledger.problems.some((p) => p.path === path);
  const got = ev.decision;
  // The rule quoted (a JSON string): a recorded rule is the log's text, and unquoted,
  // `none, high), replay gives allow (rule none` read as the rest of the message.
  const show = (d: { action: string; rule: string | null; severity: string }) => `${d.action} (rule ${d.rule === null ? 'none' : JSON.stringify(shown(d.rule))}, ${d.severity})`;
  const base = { ...where, expected: got, actual: recorded, detail: { trace: traceLines(ev.trace) } as Record<string, unknown> };
  const permissive = recorded.action === 'allow' || recorded.action === 'warn';
  if (permissive && got.action === 'review' && ev.review !== null) {
    const s = ev.review.status;
    const detail = { ...base.detail, review: ev.review.path, status: s };
    if (s === 'missing' || s === 'not-yet-valid') {
      return makeFinding('REVIEW_MISSING', {
        ...base,
        detail,
        message: s === 'missing'
          ? `recorded ${recorded.action} for a request that needs review, and ${notValid(ev.review.path) ? `the review artifact ${ev.review.path} is in the ledger but not valid, so it was not used (LEDGER_ARTIFACT_INVALID)` : `no review artifact ${ev.review.path} exists`}`
          : `recorded ${recorded.action} before the review ${ev.review.path} was approved`,
      });
    }
    if (s === 'expired') return makeFinding('REVIEW_EXPIRED', { ...base, detail, message: `resumed after its review ${ev.review.path} had expired` });
    return makeFinding('REVIEW_MISMATCH', {
      ...base,
      detail,
      message: s === 'rejected' ? `resumed although its review ${ev.review.path} rejected it` : `the review ${ev.review.path} is for another policy version, so it cannot resume this request`,
    });
  }
  if (permissive && got.action === 'block' && ev.exception !== null && ev.exception.status !== 'covers') {
    const s = ev.exception.status;
    const detail = { ...base.detail, exception: ev.exception.ref, status: s };
    if (s === 'expired' || s === 'not-yet-valid' || s === 'review-expired') {
      return makeFinding('EXCEPTION_EXPIRED', {
        ...base,
        detail,
        message: s === 'review-expired'
          ? `recorded ${recorded.action} under exception ${ev.exception.ref}, whose review had expired at the event's ts`
          : `recorded ${recorded.action} under exception ${ev.exception.ref}, which was ${s === 'expired' ? 'expired' : 'not yet granted'} at the event's ts`,
      });
    }
    const why: Record<string, string> = {
      'no-ref': 'the event names no exception',
      'not-found': notValid(ev.exception.ref) ? `exception ${ev.exception.ref} is in the ledger but not valid, so it was not used (LEDGER_ARTIFACT_INVALID)` : `exception ${ev.exception.ref} is not in the ledger`,
      'scope-mismatch': `exception ${ev.exception.ref} does not cover this request`,
      'review-not-approved': `exception ${ev.exception.ref} names a review that is not approved and in force`,
      'review-of-another': `exception ${ev.exception.ref} names a review of another request, not of the exception`,
    };
    return makeFinding('EXCEPTION_MISSING', { ...base, detail, message: `recorded ${recorded.action} for a request that needs an exception: ${why[s] ?? s}` });
  }
  return makeFinding('DECISION_DIVERGENCE', { ...base, message: `recorded ${show(recorded)}, replay gives ${show(got)}` });
}

/** A digest's algorithm, the part before its colon (`sha256`). */
function algorithm(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest : digest.slice(0, colon);
}
