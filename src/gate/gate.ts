/**
 * Release gates (`sel gate`): assertions over the events after a point (--since), each
 * reported pass or fail with its reason; the first, integrity, is always made. Pure: it judges facts collected during one
 * verification pass (findings, per-chain ranges, the events' policy hashes, elevations).
 */
import { CODES, PLACE_NOT_EVIDENCE, severityRank, type FindingCode, type Severity } from '../findings/codes.js';
import { invalidArtifactPath, type Finding, type Location } from '../findings/finding.js';
import type { PlacedEvent } from '../envelope/types.js';
import type { AnchorSummary } from '../replay/replay.js';
import type { GateFacts } from './facts.js';
import { parseTimePoint } from '../envelope/time.js';

/** What the collector reads of an accepted event's record (its event: only the facts). */
export type GateRecord = Pick<PlacedEvent, 'chain' | 'seq' | 'ts'>;

export type Since =
  | { readonly kind: 'all' }
  | { readonly kind: 'seq'; readonly seq: number }
  | { readonly kind: 'ts'; readonly ts: string; readonly label: string };

export interface GateAssertions {
  readonly maxSeverity?: Severity | 'none';
  readonly noDivergence?: boolean;
  readonly noUnverifiable?: boolean;
  readonly requireAnchored?: boolean;
  /** The bundle hash every event in range must name (from --policy-at REF). */
  readonly policyAt?: { readonly ref: string; readonly hash: string };
  readonly noUnreviewedElevation?: boolean;
  /** At least this many events in range, all chains together: a gate over logs that stopped arriving fails. */
  readonly minEvents?: number;
}

export interface AssertionResult {
  readonly name: string;
  readonly pass: boolean;
  readonly reason: string;
  /** A failed assertion's first finding, where it is (for CI annotations); absent otherwise. */
  readonly at?: Location;
}

/** A gate's verdict as the CI formats render it (src/report/gate-formats.ts). */
export interface GateReport {
  /** What counts, for people: "all events", "events after seq 30", "events from REF (DATE)". */
  readonly range: string;
  readonly eventsInRange: number;
  readonly repo: string;
  readonly ref: string;
  readonly commit: string;
  readonly pass: boolean;
  readonly assertions: readonly AssertionResult[];
}

/** What the gate judged, in one line (unescaped: each output escapes it its own way). */
export function gateHeading(g: GateReport): string {
  return `sel gate: ${g.range} (${g.eventsInRange} in range), ${g.repo} at ${g.ref} (${g.commit.slice(0, 12)})`;
}

/** Collects, during the verification pass, what the assertions need. Bounded per chain. */
export class GateCollector {
  /** First seq in range, per chain. */
  readonly rangeStart = new Map<string, number>();
  /** With --since TIME: the highest seq of each chain's events before the range. */
  private readonly lastBefore = new Map<string, number>();
  /** Events in range, all chains. */
  eventsInRange = 0;
  readonly otherPolicies = new Map<string, { count: number; first: { chain: string; seq: number } }>();
  /** Elevations recorded as allowed (or warned), in range: "chain\0seq". */
  readonly elevations = new Set<string>();
  /** Elevations past MAX_ELEVATIONS, not remembered: the assertion cannot tell about them. */
  elevationsNotKept = 0;
  static readonly MAX_ELEVATIONS = 1_000_000;
  /** Late arrivals' places, "chain\0seq" (noteLate); past MAX_LATE, not remembered: every finding counts. */
  private readonly late = new Set<string>();
  private lateNotKept = false;
  static readonly MAX_LATE = 100_000;

  constructor(private readonly since: Since) {}

  /**
   * Is an event in range? With a time, an event after one of its chain in range is too,
   * whatever its ts (events come in seq order per chain): findingInRange counts its findings
   * (seq >= the chain's first in range), so its facts must count too. Judged by its ts alone,
   * an elevation allowed without an exception and stamped back before --since (a
   * TS_REGRESSION, only a warning) had its EXCEPTION_MISSING in range and its elevation not,
   * and --no-unreviewed-elevation passed; so did --policy-at for an event under another bundle.
   */
  inRange(rec: GateRecord): boolean {
    switch (this.since.kind) {
      case 'all': return true;
      case 'seq': return rec.seq > this.since.seq;
      case 'ts': return (rec.ts !== null && rec.ts > this.since.ts) || this.rangeStart.has(rec.chain);
    }
  }

  /**
   * An accepted event: its place, and the facts noted of it (facts.ts; src/verify/notes.ts,
   * gateNote), the only thing the collector reads of the event itself.
   */
  onEvent(rec: GateRecord, facts: GateFacts | null): void {
    if (!this.inRange(rec)) {
      if (rec.seq > (this.lastBefore.get(rec.chain) ?? -1)) this.lastBefore.set(rec.chain, rec.seq);
      return;
    }
    if (!this.rangeStart.has(rec.chain)) this.rangeStart.set(rec.chain, rec.seq);
    this.eventsInRange++;
    this.addFacts(rec, facts);
  }

  /**
   * An event of a fork branch, which replay evaluates too (never a copy): what is noted of it
   * counts, where its seq or ts is in range; it is not the chain's, so it places nothing. An
   * elevation allowed without an exception on a branch passed --no-unreviewed-elevation while
   * its EXCEPTION_MISSING was reported (found by review).
   */
  onBranch(rec: GateRecord, facts: GateFacts | null, late = false): void {
    if (late) this.noteLate(rec);
    else if (this.since.kind === 'ts' && this.inRange(rec)) {
      // In range by its own ts, its place before the chain's range: what replay finds at its
      // seq counts where its facts do. A branch's elevation stamped after --since, forked from
      // a seq before the range, was counted, and its EXCEPTION_MISSING placed by its seq was
      // not: "every allowed elevation in range (1) had the exception it needs" (found by review).
      this.noteLate(rec);
    }
    if (late || this.inRange(rec)) this.addFacts(rec, facts);
  }

  /**
   * An event that arrived after its chain went on past its seq (a late SEQ_REORDER): its seq is
   * the writer's to choose, as its SEQ_REORDER's is (uncompared), so what is noted of it and
   * what is found at its seq count wherever that seq is. The original seq 10 deleted and another
   * seq 10 appended after the release, allowing a tool the actor has no grant for: the gate
   * failed on integrity, but --no-divergence said "every replayed decision matches" (found by
   * review). The seq is the chain's to have had, so a finding there is about the late event (or
   * about the seq missing, which counts the same). Remembered up to MAX_LATE; past it, every
   * finding counts (fail closed).
   */
  private noteLate(rec: GateRecord): void {
    if (this.late.size === GateCollector.MAX_LATE) this.lateNotKept = true;
    else this.late.add(`${rec.chain}\u0000${rec.seq}`);
  }

  private addFacts(rec: GateRecord, facts: GateFacts | null): void {
    if (facts === null) return;
    if (facts.otherPolicy !== null) {
      const o = this.otherPolicies.get(facts.otherPolicy);
      if (o === undefined) this.otherPolicies.set(facts.otherPolicy, { count: 1, first: { chain: rec.chain, seq: rec.seq } });
      else o.count++;
    }
    if (facts.elevation && this.elevations.size === GateCollector.MAX_ELEVATIONS) this.elevationsNotKept++;
    else if (facts.elevation) {
      this.elevations.add(`${rec.chain}\u0000${rec.seq}`);
    }
  }

  /**
   * Is a finding about something in range? By its seq, not by the events placed: a tampered
   * event is never placed, and the first one after --since must count; so must a finding
   * about events the log does not hold (a LOG_TRUNCATED from an anchor past a log cut back
   * before --since). With --since TIME, everything after the chain's last event before that
   * time counts. Findings that cannot be placed count too (fail closed), and so do those whose
   * place is the writer's to choose (COUNTS_ANYWHERE).
   */
  findingInRange(f: Finding): boolean {
    if (this.since.kind === 'all' || f.chain === null || f.seq === null || COUNTS_ANYWHERE.has(f.code) || uncompared(f)) return true;
    if (this.lateNotKept || this.late.has(`${f.chain}\u0000${f.seq}`)) return true;
    const seq = highestSeq(f);
    if (this.since.kind === 'seq') return seq > this.since.seq;
    // Times need not rise with seqs: an event in range before the last one before it counts too.
    const start = this.rangeStart.get(f.chain);
    return seq > (this.lastBefore.get(f.chain) ?? -1) || (start !== undefined && seq >= start);
  }
}

/**
 * Findings that count whatever --since says: the seq (or time) they would be placed by is the
 * writer's to choose.
 * - About a line the chain check could not place (PLACE_NOT_EVIDENCE): seq 40 changed to
 *   claim seq 3 fills its own gap, and its one finding names seq 3.
 * - A fork: a second event sealed at an old seq can start a branch that goes on past the
 *   range, reported once, by its first seq, its events never placed nor replayed (a branch
 *   from seq 30 went on to new seqs 49-50 allowing egress to evil.example).
 * - An anchor that disagrees with the log: events sealed again with older times all fell
 *   before a --since time, and the anchor's finding with them; the anchor is committed.
 */
const COUNTS_ANYWHERE: ReadonlySet<string> = new Set([...PLACE_NOT_EVIDENCE, 'CHAIN_FORK', 'ANCHOR_MISMATCH', 'LOG_TRUNCATED']);

/**
 * A SEQ_DUPLICATE the chain check could not compare with the event it repeats or replaces (more
 * than its recent window back): a copy or a branch, it cannot tell, and a branch's events are
 * neither placed nor replayed. Like a CHAIN_FORK, it counts wherever its seq is: one event
 * appended after the release, claiming seq 10 of 400 and allowing egress to evil.example, passed
 * `sel gate --since 300` while `sel verify` failed (found by review). A copy compared and found
 * the same event (detail.compared true) repeats what was judged, and is placed by its seq.
 */
function uncompared(f: Finding): boolean {
  if (f.code === 'SEQ_DUPLICATE') return f.detail !== undefined && f.detail['compared'] === false;
  // So is an event that arrived after its chain went on past its seq (a late SEQ_REORDER, which
  // names no runs of events): compared with nothing, it links into nothing. The original seq 10
  // deleted and another seq 10, allowing egress to evil.example, appended after the release:
  // its SEQ_REORDER and DECISION_DIVERGENCE were placed at seq 10, and the gate passed (found
  // by review).
  return f.code === 'SEQ_REORDER' && (f.detail === undefined || !Array.isArray(f.detail['displaced']));
}

/**
 * The highest seq a finding is about: its own, or for a run of events displaced (SEQ_REORDER),
 * the highest of the runs it names: an event moved among later ones disorders those too.
 */
function highestSeq(f: Finding): number {
  let seq = f.seq!;
  if (f.code !== 'SEQ_REORDER' || f.detail === undefined) return seq;
  for (const key of ['displaced', 'after', 'before']) {
    const range = f.detail[key];
    if (Array.isArray(range) && typeof range[1] === 'number' && range[1] > seq) seq = range[1];
  }
  return seq;
}

/**
 * A ledger path where anchors are (SPEC.md §5): under ledger/anchors/, or ledger/anchors or
 * ledger itself when sel could not read into it.
 */
const ANCHOR_PATH = /^ledger(?:\/anchors(?:\/.*)?)?$/;

/** Anchor artifacts that could not be read (LEDGER_ARTIFACT_INVALID under ledger/anchors/, or of the directories holding them). */
const isUnreadAnchor = (f: Finding): boolean => ANCHOR_PATH.test(invalidArtifactPath(f) ?? '');

const REVIEW_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>(['REVIEW_MISSING', 'REVIEW_MISMATCH', 'REVIEW_EXPIRED', 'EXCEPTION_MISSING', 'EXCEPTION_EXPIRED', 'DECISION_DIVERGENCE', 'POLICY_UNKNOWN', 'POLICY_INVALID']);

/**
 * `counted`: every finding's code tallied, kept or not (summary.findings.byCode), when known: a
 * code counted no more often than it was kept was not left out. `runCounts`: every finding of
 * the run tallied by code, in range or not (--require-anchored judges every event); `counted` is
 * that or, with --since SEQ, the counts of those in range.
 */
export function judge(a: GateAssertions, c: GateCollector, findings: readonly Finding[], omitted: number, anchors: readonly AnchorSummary[], counted?: Readonly<Partial<Record<string, number>>>, runCounts: Readonly<Partial<Record<string, number>>> | undefined = counted): AssertionResult[] {
  const inRange = findings.filter((f) => c.findingInRange(f));
  const out: AssertionResult[] = [];
  const first = (fs: readonly Finding[]) => {
    const f = fs[0]!;
    return `${f.code} at ${f.location?.file ?? '?'}:${f.location?.line ?? '?'}${f.chain === null ? '' : ` (${f.chain}${f.seq === null ? '' : ` seq ${f.seq}`})`}`;
  };
  // Where a failed assertion's first finding is: `{ ...at(fs) }` adds nothing when it has no place.
  const at = (fs: readonly Finding[]): { at?: Location } => (fs.length > 0 && fs[0]!.location !== null ? { at: fs[0]!.location } : {});
  const incomplete = omitted > 0 ? ` (${omitted} more findings were not kept: raise --max-findings to judge them)` : '';
  // Past --max-findings, findings are counted but not kept: an assertion that found nothing
  // among those kept cannot tell that there is nothing (fail closed), unless what was not kept
  // cannot be what it looks for. The findings kept are the most severe (the first N by
  // severity, then order found: IntegrityVerifier.report), so none left out is more severe
  // than the least severe kept; with a warning kept, no error was left out.
  const notKept = `cannot tell: ${omitted} finding(s) were counted but not kept (--max-findings)`;
  const leastKept = findings.reduce((m, f) => Math.min(m, severityRank(f.severity)), Number.POSITIVE_INFINITY);
  // And by the counts of each code, when given: 5 TS_REGRESSION warnings left out beside the
  // errors kept made --no-divergence "cannot tell", though the counts said no finding of its
  // codes was left out (found by review).
  const keptOf = new Map<string, number>();
  for (const f of findings) keptOf.set(f.code, (keptOf.get(f.code) ?? 0) + 1);
  /** Whether a finding of one of `codes` may be among those not kept. */
  const mayBeLeftOut = (codes: Iterable<FindingCode>): boolean => {
    if (omitted === 0) return false;
    for (const code of codes) {
      if (severityRank(CODES[code].severity) > leastKept) continue;
      if (counted === undefined || (counted[code] ?? 0) > (keptOf.get(code) ?? 0)) return true;
    }
    return false;
  };
  const ALL_CODES = Object.keys(CODES) as FindingCode[];
  const codesOf = (keep: (code: FindingCode) => boolean) => ALL_CODES.filter(keep);
  const inClass = (cls: string) => (code: FindingCode) => CODES[code].class === cls;
  // Always asserted, first: every other assertion judges the events the log says happened,
  // which means nothing of a log that was changed or damaged (a tampered decision passed
  // --no-divergence, a line of garbage --no-unverifiable). Fail closed.
  // A digest this verifier cannot compute (DIGEST_UNSUPPORTED) proves nothing either.
  const isDamage = (code: FindingCode) => (CODES[code].class === 'integrity' || code === 'DIGEST_UNSUPPORTED') && CODES[code].severity === 'error';
  const damaged = inRange.filter((f) => isDamage(f.code));
  // An anchor artifact that could not be read may say the log went further than it does: no
  // anchor contradicts a log cut back before it only because it was not read (one at seq 48,
  // its ts without milliseconds, hid a log cut back to seq 39: found by review). Cannot tell.
  const unreadAnchors = inRange.filter(isUnreadAnchor);
  const integrityLeftOut = mayBeLeftOut(codesOf((code) => isDamage(code) || code === 'LEDGER_ARTIFACT_INVALID'));
  out.push({
    name: 'integrity',
    pass: damaged.length === 0 && unreadAnchors.length === 0 && !integrityLeftOut,
    reason: damaged.length > 0
      ? `${damaged.length} integrity error(s), first ${first(damaged)}: the log was changed or damaged, so what it records cannot be judged${incomplete}`
      : unreadAnchors.length > 0
        ? `cannot tell: ${unreadAnchors.length} anchor artifact(s) could not be read, first ${first(unreadAnchors)}, and an anchor may say the log was cut`
        : integrityLeftOut ? notKept
          : c.eventsInRange === 0 ? 'no integrity error, and no event in range' : 'every line in range is an intact, canonical, linked event',
    ...at(damaged.length > 0 ? damaged : unreadAnchors),
  });
  if (a.maxSeverity !== undefined) {
    const limit = a.maxSeverity === 'none' ? 0 : severityRank(a.maxSeverity);
    const over = inRange.filter((f) => severityRank(f.severity) > limit);
    const leftOut = mayBeLeftOut(codesOf((code) => severityRank(CODES[code].severity) > limit));
    out.push({
      name: `--max-severity ${a.maxSeverity}`,
      pass: over.length === 0 && !leftOut,
      reason: over.length === 0 ? (!leftOut ? `no finding above ${a.maxSeverity}` : notKept) : `${over.length} finding(s) above ${a.maxSeverity}, first ${first(over)}${incomplete}`,
      ...at(over),
    });
  }
  const ofClass = (cls: string) => inRange.filter((f) => inClass(cls)(f.code));
  if (a.noDivergence === true) {
    const d = ofClass('diverged');
    // Events under a bundle the history does not hold, or an invalid one, are not replayed: the
    // assertion is about the others, and says how many it could not judge (--no-unverifiable
    // fails on them).
    const notReplayed = inRange.filter((f) => f.code === 'POLICY_UNKNOWN' || f.code === 'POLICY_INVALID').length;
    // Replayed, and replay decided otherwise (an allow with no review or exception the ledger
    // holds in force): class unverifiable, so this assertion does not fail on them, but "every
    // replayed decision matches" would be false (an elevation allowed with no exception at all
    // passed with that reason). Counted, as the events not replayed are.
    const missing = inRange.filter((f) => f.code === 'REVIEW_MISSING' || f.code === 'EXCEPTION_MISSING').length;
    const notes = [
      ...(notReplayed === 0 ? [] : [`${notReplayed} event(s) in range were not replayed, their bundle unknown or invalid`]),
      ...(missing === 0 ? [] : [`${missing} replayed decision(s) in range differ for want of a review or exception the ledger holds (REVIEW_MISSING, EXCEPTION_MISSING)`]),
    ];
    const unjudged = notes.length === 0 ? '' : ` (${notes.join('; ')}: --no-unverifiable fails on them)`;
    const matches = missing === 0 ? 'every replayed decision matches the policy it names' : 'every replayed decision matches the policy it names, or lacks a ledger artifact';
    const leftOut = mayBeLeftOut(codesOf(inClass('diverged')));
    out.push({ name: '--no-divergence', pass: d.length === 0 && !leftOut, reason: d.length > 0 ? `${d.length} diverged decision(s), first ${first(d)}${incomplete}` : leftOut ? notKept : `${matches}${unjudged}`, ...at(d) });
  }
  if (a.noUnverifiable === true) {
    const u = ofClass('unverifiable');
    const leftOut = mayBeLeftOut(codesOf(inClass('unverifiable')));
    out.push({ name: '--no-unverifiable', pass: u.length === 0 && !leftOut, reason: u.length > 0 ? `${u.length} unverifiable finding(s) (a decision that could not be replayed, or a ledger artifact it may rely on), first ${first(u)}${incomplete}` : leftOut ? notKept : 'every decision could be replayed', ...at(u) });
  }
  if (a.requireAnchored === true) {
    // An anchor artifact that could not be read (LEDGER_ARTIFACT_INVALID under ledger/anchors/)
    // is no anchor to the replay, but it may say the log went further than it does: fail closed
    // (one at seq 60, its ts without milliseconds, hid a log cut back to seq 48).
    const bad = inRange.filter((f) => f.code === 'ANCHOR_MISMATCH' || f.code === 'LOG_TRUNCATED' || isUnreadAnchor(f));
    // Every event, in range or not: an event's time is the writer's, and a chain added with
    // times before --since had no event in range, so no anchor was asked of it.
    const open = anchors.filter((x) => x.unanchored !== null);
    // An anchor covers the events before it only through an intact chain: an event changed and
    // sealed again before the range (its successor's prev_hash names the original) is covered
    // by no anchor, and "every event is covered" passed (found by review). Every integrity error
    // of the log set counts, in range or not, kept or only counted (--since SEQ keeps only those
    // in range). Not a ledger artifact rewritten in history (LEDGER_REWRITTEN: the integrity
    // assertion fails on it), which breaks no chain.
    const breaksChain = (code: FindingCode) => isDamage(code) && code !== 'LEDGER_REWRITTEN';
    const brokenKept = findings.filter((f) => breaksChain(f.code));
    const brokenCounted = runCounts === undefined ? brokenKept.length : codesOf(breaksChain).reduce((n, code) => n + (runCounts[code] ?? 0), 0);
    const broken = Math.max(brokenKept.length, brokenCounted);
    const pass = bad.length === 0 && open.length === 0 && broken === 0 && !mayBeLeftOut(['ANCHOR_MISMATCH', 'LOG_TRUNCATED', 'LEDGER_ARTIFACT_INVALID']);
    out.push({
      name: '--require-anchored',
      pass,
      reason: pass
        ? 'every event is covered by a matching anchor'
        : bad.length > 0
          ? `${first(bad)}`
          : broken > 0
            ? `${broken} integrity error(s) in the log set, in range or not${brokenKept.length > 0 ? `, first ${first(brokenKept)}` : ` (${codesOf(breaksChain).filter((code) => (runCounts?.[code] ?? 0) > 0).map((code) => `${code} ${runCounts![code]}`).join(', ')}; not kept: a run without --since lists them)`}: an anchor covers the events before it only through an intact chain`
            : open.length === 0 ? notKept
              : open.map((x) => `${x.chain}: events ${x.unanchored![0]}–${x.unanchored![1]} unanchored`).join('; '),
      ...at(bad.length > 0 ? bad : brokenKept),
    });
  }
  if (a.policyAt !== undefined) {
    const others = [...c.otherPolicies.entries()];
    const n = others.reduce((s, [, o]) => s + o.count, 0);
    const [h, o] = others[0] ?? [];
    out.push({
      name: `--policy-at ${a.policyAt.ref}`,
      pass: n === 0,
      reason: n === 0
        ? `every event in range used the bundle at ${a.policyAt.ref} (${a.policyAt.hash.slice(0, 19)}…)`
        : `${n} event(s) used another bundle, first ${o!.first.chain} seq ${o!.first.seq} under ${h}`,
    });
  }
  if (a.noUnreviewedElevation === true) {
    const bad = inRange.filter((f) => f.chain !== null && f.seq !== null && REVIEW_CODES.has(f.code) && c.elevations.has(`${f.chain}\u0000${f.seq}`));
    const reviewsLeftOut = mayBeLeftOut(REVIEW_CODES);
    out.push({
      name: '--no-unreviewed-elevation',
      pass: bad.length === 0 && !reviewsLeftOut && c.elevationsNotKept === 0,
      reason: bad.length > 0 ? `${bad.length} elevation(s) allowed without an exception in force, first ${first(bad)}${incomplete}`
        : reviewsLeftOut ? notKept
          : c.elevationsNotKept > 0 ? `cannot tell: ${c.elevationsNotKept} elevation(s) past the first ${GateCollector.MAX_ELEVATIONS} in range were not remembered`
            : `every allowed elevation in range (${c.elevations.size}) had the exception it needs`,
      ...at(bad),
    });
  }
  if (a.minEvents !== undefined) {
    const n = c.eventsInRange;
    out.push({
      name: `--min-events ${a.minEvents}`,
      pass: n >= a.minEvents,
      reason: n >= a.minEvents ? `${n} event(s) in range` : `only ${n} event(s) in range, at least ${a.minEvents} asked: did the logs stop arriving?`,
    });
  }
  return out;
}

/**
 * Parses --since: a seq number, a time (src/envelope/time.ts: RFC 3339, or a date), or a Git ref;
 * null when it is a seq or a time that cannot be one (too large, or no such time), which is
 * the operator's mistake. Whatever starts like a date is a time, never a ref (a tag named
 * like a date: refs/tags/NAME).
 */
export function parseSince(text: string): Since | { kind: 'ref'; ref: string } | null {
  if (/^\d+$/.test(text)) {
    const seq = Number(text);
    return Number.isSafeInteger(seq) ? { kind: 'seq', seq } : null;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    // Events from it on (a finer time rounds down, time.ts): the range is "ts after one
    // millisecond before it", as for a ref (src/cli/gate.ts). An event at a date's first instant
    // was left out, and so passed the gate (found by review).
    const ts = parseTimePoint(text, 'floor');
    // A date alone is shown as the time it means ("events from 2026-11-02T00:00:00Z").
    return ts === null ? null : { kind: 'ts', ts: fromInstant(Date.parse(ts)), label: /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text };
  }
  return { kind: 'ref', ref: text };
}

/** A Since's `ts` for the events from instant `ms` (epoch milliseconds) on: the one before it, as the range is "ts after". */
export function fromInstant(ms: number): string {
  return new Date(ms - 1).toISOString();
}
