/**
 * The deterministic evaluator (SPEC.md §4; docs/policy.md). A pure function of
 * (kind, actor, request, compiled bundle, ledger view, ts): no clock, environment, network
 * or locale. It returns the decision `{ action, rule, severity }` and a trace of every rule
 * considered, in a fixed order, so the same inputs give the same decision and the same trace.
 *
 * How a decision is made:
 *  1. The event kind picks the contracts that apply (`KINDS`); a kind they do not cover is
 *     blocked. Each contract either denies (block), or passes with the rule that allowed it.
 *  2. A denial is `block`, with the denying rule (null when no rule allowed the request:
 *     nothing is granted by default) and that rule's severity (else `default_deny`).
 *  3. A pass is gated: the action is `gates[severity]`, severity being the highest of the
 *     passing rules'. A request that is `review` becomes `allow` while an approved review
 *     artifact for its fingerprint and policy hash is in force at `ts`. (What only an
 *     exception may allow, a review cannot: those contracts deny without one.)
 *  4. Where several rules of one contract match, the contract's declared resolution decides:
 *     most specific first, then the strictest action, then the smallest rule id.
 */
import { canonicalize } from '../canonical/jcs.js';
import { digestOf, sha256Digest } from '../canonical/digest.js';
import type { Action, Decision, DecisionSeverity, TrustZone } from '../envelope/types.js';
import { ownCopy } from '../envelope/own-copy.js';
import { lazyFields, type LazyRequest } from '../envelope/lazy-request.js';
import { checkAddress } from './ip.js';
import { collidesWithReserved, MAX_TOOL_NAME_LENGTH, MAX_TOOL_NAME_NFKC_LENGTH, nameTooLong, toolNameSkeleton } from './names.js';
import { hasPrefix, lowerSegments, normalizeUrl, type NormalizedUrl } from './url.js';
import {
  ACTION_RANK,
  hostMatches,
  SEVERITY_RANK,
  type CompiledEgressRule,
  type CompiledPolicy,
  type CompiledSecretRule,
} from './compile.js';
import {
  LEAK_PRONE_MODES,
  RESOURCES,
  type ExceptionArtifact,
  type ExceptionScope,
  type Grant,
  type InjectionMode,
  type LedgerView,
  type ReviewArtifact,
} from './types.js';

export interface EvalInput {
  readonly kind: string;
  readonly actor: { readonly id: string; readonly zone: TrustZone };
  readonly request: Readonly<Record<string, unknown>>;
  readonly ts: string;
  /** request_fingerprint: the key of review artifacts. */
  readonly fingerprint: string;
  /** The event's exception_ref, if any. */
  readonly exceptionRef: string | null;
}

/** One step of the evaluation, as a person reads it. */
export interface TraceStep {
  readonly contract: string;
  readonly rule: string | null;
  readonly result: 'match' | 'no-match' | 'allow' | 'deny' | 'review' | 'info';
  readonly note: string;
}

export type ReviewStatus = 'approved' | 'missing' | 'rejected' | 'mismatch' | 'expired' | 'not-yet-valid';
export type ExceptionStatus = 'covers' | 'no-ref' | 'not-found' | 'expired' | 'not-yet-valid' | 'scope-mismatch' | 'review-not-approved' | 'review-of-another' | 'review-expired';

export interface Evaluation {
  readonly decision: Decision;
  readonly trace: readonly TraceStep[];
  /** Set when the outcome depended on a review artifact (the request was review before it). */
  readonly review: { readonly status: ReviewStatus; readonly path: string } | null;
  /** Set when the outcome depended on an exception artifact. */
  readonly exception: { readonly status: ExceptionStatus; readonly ref: string | null } | null;
  /**
   * The ledger artifacts an allow or warn was granted under (an exception that covers the
   * request, an approved review that resumed it), with the times each is in force; empty when
   * the decision relied on none (most decisions, and every block and review). Replay judges
   * these windows again at the chain's time (src/replay/replay.ts, `outOfForce`).
   */
  readonly inForce: readonly InForce[];
}

/**
 * A ledger artifact a decision relied on, in force from `from` (inclusive) until `until`
 * (exclusive), and the decision the evaluator gives the request when it is not in force.
 */
export interface InForce {
  readonly kind: 'review' | 'exception';
  /** The review's path, or the exception's ref (its ledger path). */
  readonly ref: string;
  /** reviewed_at and expires_at of a review; granted_at and expires_at of an exception. */
  readonly from: string;
  readonly until: string;
  /** An exception covers a request only while the review it names is in force too: that review. */
  readonly review?: { readonly ref: string; readonly from: string; readonly until: string };
  /** The decision without the artifact: review for a request a review resumed, block for one an exception allowed. */
  readonly without: Decision;
}

/** No artifact relied on (shared: nothing is ever added to it). */
const NO_ARTIFACTS: readonly InForce[] = Object.freeze([]);

const SLASH = 0x2f;

/** The trust zones from the lowest (SPEC.md §5): a request from one to another is an elevation only upwards. */
export const ZONE_RANK: Readonly<Record<TrustZone, number>> = { userland: 0, executor: 1, supervisor: 2, kernel: 3 };

type Outcome =
  | { readonly type: 'deny'; readonly rule: string | null; readonly severity: DecisionSeverity | null }
  | { readonly type: 'pass'; readonly rule: string; readonly severity: DecisionSeverity };

/** A trace note, or how to compose one (for notes that cost something to write). */
type Note = string | (() => string);

/** The trace of an evaluation that keeps none (shared: nothing is ever added to it). */
const NO_TRACE: readonly TraceStep[] = Object.freeze([]);

class Ctx {
  readonly trace: TraceStep[];
  exception: Evaluation['exception'] = null;
  /** The exception that covers the request, when one does: its times, and the rule it let pass. */
  covering: { readonly ex: ExceptionArtifact; readonly ref: string; readonly review: ReviewArtifact; readonly rule: string } | null = null;
  /** The request's lazy reader, when it is a lazy request (replay's): read without its proxy. */
  private readonly lazy: LazyRequest | undefined;
  constructor(
    readonly policy: CompiledPolicy,
    readonly input: EvalInput,
    readonly ledger: LedgerView,
    /** Keep the trace. Without it the decision is the same; only the steps are not kept. */
    readonly tracing: boolean,
  ) {
    this.trace = tracing ? [] : (NO_TRACE as TraceStep[]);
    this.lazy = lazyFields(input.request);
  }

  /**
   * The request's fingerprint, as SPEC.md §2 defines it: sha256 of JCS(request). The key of
   * review artifacts (SPEC.md §5). Computed, not read from the event: a line whose
   * request_fingerprint names another request (FINGERPRINT_MISMATCH) was resumed by that
   * request's approved review, and replay, explain and the gate's --no-divergence called the
   * decision matched while `sel policy eval` said it diverged (found by review). Only for a
   * request gated to review: most decisions never need it. The recorded one when the request
   * has no canonical form (the line check reports that).
   */
  fingerprint(): string {
    const recorded = this.input.fingerprint;
    try {
      return sha256Digest(canonicalize(this.lazy === undefined ? this.input.request : this.lazy.plain(), Number.MAX_SAFE_INTEGER));
    } catch {
      return recorded;
    }
  }

  /** `request[name]`: every read of the request goes through here. */
  field(name: string): unknown {
    return this.lazy === undefined ? this.input.request[name] : this.lazy.field(name);
  }

  /**
   * The text of `request[name]` as the log line holds it, '' when the request has no such
   * member (no JSON text is empty), or null when the request was not read from a line.
   */
  rawField(name: string): string | null {
    return this.lazy === undefined ? null : (this.lazy.rawField(name) ?? '');
  }

  /**
   * `note` may be a function: composed only when the trace is kept. Notes on the paths most
   * events take are written under `if (ctx.tracing)` instead: a replay then builds no strings
   * (nor closures) for the millions of decisions that match.
   */
  step(contract: string, rule: string | null, result: TraceStep['result'], note: Note): void {
    if (this.tracing) this.trace.push({ contract, rule, result, note: typeof note === 'string' ? note : note() });
  }

  /** A denial: `rule` null when no rule allowed the request (nothing is granted by default). */
  deny(contract: string, rule: string | null, note: Note, severity: DecisionSeverity | null = null): Outcome {
    this.step(contract, rule, 'deny', note);
    return { type: 'deny', rule, severity };
  }
}

/**
 * The decision `policy` gives `input`, with the trace of how. `trace` false leaves the trace
 * empty (and skips composing the longest notes): replay compares millions of decisions and
 * needs a trace only for the few that diverge, which it evaluates again with one. The
 * decision never depends on it.
 */
export function evaluate(policy: CompiledPolicy, input: EvalInput, ledger: LedgerView, trace = true): Evaluation {
  const ctx = new Ctx(policy, input, ledger, trace);
  const handler = Object.hasOwn(KINDS, input.kind) ? KINDS[input.kind] : undefined;
  const outcome = handler === undefined
    ? ctx.deny('contract', null, () => `the contracts do not cover events of kind ${JSON.stringify(input.kind)}: fail closed`)
    : handler(ctx);
  return decide(ctx, outcome);
}

/** Steps 2 and 3 of the decision (see the module comment). */
function decide(ctx: Ctx, o: Outcome): Evaluation {
  const p = ctx.policy;
  if (o.type === 'deny') {
    const severity = o.severity ?? p.defaultDeny;
    return { decision: { action: 'block', rule: o.rule, severity }, trace: ctx.trace, review: null, exception: ctx.exception, inForce: NO_ARTIFACTS };
  }
  // The gate map is total by schema; an unknown severity would fail closed.
  let action: Action = Object.hasOwn(p.gates, o.severity) ? p.gates[o.severity] : 'block';
  if (ctx.tracing) ctx.step('severity-gating', null, 'info', `severity ${o.severity} is gated to ${action}`);
  let review: Evaluation['review'] = null;
  let approved: ReviewArtifact | null = null;
  if (action === 'review') {
    const r = reviewStatus(ctx);
    review = r;
    if (r.status === 'approved') {
      action = 'allow';
      approved = r.artifact;
      ctx.step('ledger', null, 'allow', `approved review ${r.path} is in force at ${ctx.input.ts}`);
    } else {
      ctx.step('ledger', null, 'review', `no approved review in force (${r.status}): the request waits for review`);
    }
  }
  const decision: Decision = { action, rule: o.rule, severity: o.severity };
  return { decision, trace: ctx.trace, review: review === null ? null : { status: review.status, path: review.path }, exception: ctx.exception, inForce: inForce(ctx, decision, approved, review?.path ?? '') };
}

/**
 * The artifacts an allow or warn relied on (Evaluation.inForce): the exception that let the
 * request pass (without it: blocked by the rule that needed it, at default_deny), then the
 * review that resumed it (without it: review). A block or a review relied on nothing it could
 * lose.
 */
function inForce(ctx: Ctx, d: Decision, review: ReviewArtifact | null, reviewPath: string): readonly InForce[] {
  const c = ctx.covering;
  if ((c === null && review === null) || (d.action !== 'allow' && d.action !== 'warn')) return NO_ARTIFACTS;
  const out: InForce[] = [];
  if (c !== null) {
    out.push({
      kind: 'exception', ref: c.ref, from: c.ex.granted_at, until: c.ex.expires_at,
      review: { ref: c.ex.review_ref, from: c.review.reviewed_at, until: c.review.expires_at },
      without: { action: 'block', rule: c.rule, severity: ctx.policy.defaultDeny },
    });
  }
  if (review !== null) out.push({ kind: 'review', ref: reviewPath, from: review.reviewed_at, until: review.expires_at, without: { action: 'review', rule: d.rule, severity: d.severity } });
  return out;
}

/** ledger/reviews/<hex>.json for this request, judged at ts (SPEC.md §5). */
function reviewStatus(ctx: Ctx): { status: ReviewStatus; path: string; artifact: ReviewArtifact | null } {
  const fp = ctx.fingerprint();
  const path = `ledger/reviews/${fp.startsWith('sha256:') ? fp.slice(7) : fp}.json`;
  const r: ReviewArtifact | null = ctx.ledger.review(fp);
  if (r === null) return { status: 'missing', path, artifact: null };
  if (r.request_fingerprint !== fp || r.policy_hash !== ctx.policy.hash) return { status: 'mismatch', path, artifact: r };
  if (r.decision !== 'approved') return { status: 'rejected', path, artifact: r };
  if (ctx.input.ts < r.reviewed_at) return { status: 'not-yet-valid', path, artifact: r };
  if (ctx.input.ts >= r.expires_at) return { status: 'expired', path, artifact: r };
  return { status: 'approved', path, artifact: r };
}

/** What a review of exception `id` approves: sha256 of JCS({"exception": id}). */
export function exceptionFingerprint(id: string): string {
  return digestOf({ exception: id });
}

/**
 * Does the event's exception artifact cover this request at ts? Records what was found, and the
 * covering exception with `rule`, the rule that lets the request pass only under it.
 */
function exceptionCovers(ctx: Ctx, scope: Omit<ExceptionScope, 'principal'>, rule: string): boolean {
  const ref = ctx.input.exceptionRef;
  const set = (status: ExceptionStatus, note: string): boolean => {
    ctx.exception = { status, ref };
    ctx.step('ledger', null, status === 'covers' ? 'allow' : 'info', note);
    return status === 'covers';
  };
  if (ref === null) return set('no-ref', 'the event names no exception artifact');
  const ex: ExceptionArtifact | null = ctx.ledger.exception(ref);
  if (ex === null) return set('not-found', `exception ${ref} is not in the ledger`);
  // What it is for before when: an exception for another request covers this one at no time,
  // and was EXCEPTION_EXPIRED ("not yet granted") before its window and EXCEPTION_MISSING in it
  // (found by review).
  const want: Record<string, unknown> = { ...scope, principal: ctx.input.actor.id };
  // In sorted order, not the file's: the trace names the first member that differs, and the
  // same artifact with its keys in another order must give the same trace (found by review).
  const scoped = ex.scope as unknown as Readonly<Record<string, unknown>>;
  for (const k of Object.keys(scoped).sort()) {
    const v = scoped[k];
    if (want[k] !== v) return set('scope-mismatch', `exception ${ex.id} is scoped to ${k}=${JSON.stringify(v)}, the request has ${JSON.stringify(want[k] ?? null)}`);
  }
  for (const k of Object.keys(want).sort()) {
    if (!Object.hasOwn(ex.scope, k)) return set('scope-mismatch', `exception ${ex.id} does not name the request's ${k}`);
  }
  const ts = ctx.input.ts;
  if (ts < ex.granted_at) return set('not-yet-valid', `exception ${ex.id} is granted only from ${ex.granted_at}`);
  if (ts >= ex.expires_at) return set('expired', `exception ${ex.id} expired at ${ex.expires_at}`);
  const review = ctx.ledger.reviewAt(ex.review_ref);
  if (review === null || review.decision !== 'approved' || ts < review.reviewed_at) {
    return set('review-not-approved', `exception ${ex.id} names review ${ex.review_ref}, which is not approved and in force`);
  }
  // The review must be of this exception (its request_fingerprint is the digest of
  // {"exception": id}): any approved review, of some other request, would otherwise do.
  const about = exceptionFingerprint(ex.id);
  if (review.request_fingerprint !== about) {
    return set('review-of-another', `exception ${ex.id} names review ${ex.review_ref}, which approves another request (${review.request_fingerprint}), not this exception (${about})`);
  }
  // Its own review, approved, but over: the exception is no longer in force, as when its own
  // expires_at has passed (replay: EXCEPTION_EXPIRED, as at the chain's time). It was lumped
  // with a review that is missing or not approved (EXCEPTION_MISSING, "unverifiable"), which a
  // gate asserting only --no-divergence let pass.
  if (ts >= review.expires_at) {
    return set('review-expired', `exception ${ex.id} names review ${ex.review_ref}, which expired at ${review.expires_at}`);
  }
  ctx.covering = { ex, ref, review, rule };
  return set('covers', `exception ${ex.id} covers the request until ${ex.expires_at}`);
}

// --- request fields ------------------------------------------------------------------------

function str(ctx: Ctx, name: string): string | null {
  const v = ctx.field(name);
  return typeof v === 'string' && v.length > 0 ? v : null;
}

// --- capabilities ----------------------------------------------------------------------------

/** The grant that applies: the most specific match for principal and zone, then the smallest id. */
function grantFor(ctx: Ctx): Grant | null {
  const { id, zone } = ctx.input.actor;
  for (const g of ctx.policy.grants) {
    if ((g.principal === id || g.principal === '*') && g.zones.includes(zone)) {
      if (ctx.tracing) ctx.step('capabilities', g.id, 'match', `grant ${g.id} applies to ${id} in zone ${zone}`);
      return g;
    }
  }
  return null;
}

function requireGrant(ctx: Ctx): Grant | Outcome {
  const g = grantFor(ctx);
  if (g !== null) return g;
  const { id, zone } = ctx.input.actor;
  return ctx.deny('capabilities', null, `no grant applies to ${id} in zone ${zone}: nothing is granted by default`);
}

/** Resource use declared by the request, against the grant's caps (a request over a cap is blocked). */
function checkCaps(ctx: Ctx, g: Grant): Outcome | null {
  const res = ctx.field('resources');
  if (res === undefined) return null;
  if (typeof res !== 'object' || res === null || Array.isArray(res)) return ctx.deny('capabilities', g.id, 'request.resources is not an object');
  for (const key of Object.keys(res).sort()) {
    const v = (res as Record<string, unknown>)[key];
    if (!(RESOURCES as readonly string[]).includes(key)) return ctx.deny('capabilities', g.id, `request.resources.${key} is not a resource the contract knows`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return ctx.deny('capabilities', g.id, `request.resources.${key} is not a whole number`);
    const cap = g.caps?.[key as (typeof RESOURCES)[number]];
    if (cap === undefined) return ctx.deny('capabilities', g.id, `grant ${g.id} has no ${key} cap: none is granted`);
    if (v > cap) return ctx.deny('capabilities', g.id, `request.resources.${key} = ${v} is over the cap of ${cap}`);
  }
  ctx.step('capabilities', g.id, 'allow', 'resource use is within the caps');
  return null;
}

const maxSeverity = (a: DecisionSeverity, b: DecisionSeverity): DecisionSeverity => (SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

// --- the kinds -------------------------------------------------------------------------------

type Handler = (ctx: Ctx) => Outcome;

function toolInvoke(ctx: Ctx): Outcome {
  const g = requireGrant(ctx);
  if (!('principal' in g)) return g;
  const tool = str(ctx, 'tool');
  if (tool === null) return ctx.deny('capabilities', null, 'request.tool is missing');
  if (!(g.tools ?? []).includes(tool)) return ctx.deny('capabilities', null, () => `grant ${g.id} does not include tool ${JSON.stringify(tool)}`);
  ctx.step('capabilities', g.id, 'allow', () => `grant ${g.id} includes tool ${JSON.stringify(tool)}`);
  return checkCaps(ctx, g) ?? { type: 'pass', rule: g.id, severity: g.severity };
}

/**
 * A workspace path: absolute, no empty, "." or ".." segment, no NUL or backslash. (`sel policy
 * check` refuses a grant's prefix this does not take: POLICY_PATH_UNMATCHABLE, lint.ts.)
 */
export function workspaceSegments(path: string): string[] | null {
  if (path.charCodeAt(0) !== SLASH) return null;
  if (path.length === 1) return [];
  const segs: string[] = [];
  for (let start = 1; ;) {
    const slash = path.indexOf('/', start);
    const end = slash < 0 ? path.length : slash;
    const seg = path.slice(start, end);
    if (seg === '' || seg === '.' || seg === '..' || seg.includes('\\') || seg.includes('\u0000')) return null;
    segs.push(seg);
    if (slash < 0) return segs;
    start = slash + 1;
  }
}

function workspace(access: 'read' | 'write'): Handler {
  return (ctx) => {
    const g = requireGrant(ctx);
    if (!('principal' in g)) return g;
    const path = str(ctx, 'path');
    if (path === null) return ctx.deny('capabilities', null, 'request.path is missing');
    const segs = workspaceSegments(path);
    if (segs === null) return ctx.deny('capabilities', null, () => `request.path ${JSON.stringify(path)} is not a plain absolute path (empty, dot or .. segment, NUL or backslash)`);
    const prefixes = g.workspace?.[access] ?? [];
    const hit = prefixes.find((p) => hasPrefix(segs, ctx.policy.workspaceSegments.get(p)!));
    if (hit === undefined) return ctx.deny('capabilities', null, () => `grant ${g.id} does not allow ${access} under ${JSON.stringify(path)}`);
    if (ctx.tracing) ctx.step('capabilities', g.id, 'allow', `grant ${g.id} allows ${access} under ${hit}`);
    return checkCaps(ctx, g) ?? { type: 'pass', rule: g.id, severity: g.severity };
  };
}

/** Candidate rules in resolution order: most specific, then strictest, then smallest id. */
function resolve<T extends { rule: { id: string; effect: 'allow' | 'deny'; severity: DecisionSeverity } }>(
  ctx: Ctx,
  matches: readonly { c: T; host: number; depth: number }[],
): T | null {
  // The first in that order, found in one pass (no copy, no sort: most requests match one rule).
  // Host specificity and path depth compare as a pair, host first: never as one sum, where a
  // deep enough path prefix would spill into the host's score and outrank a longer wildcard.
  let best = matches.length === 0 ? null : matches[0]!;
  for (let i = 1; i < matches.length; i++) {
    const m = matches[i]!;
    const d = m.host - best!.host || m.depth - best!.depth || strictness(ctx, m.c) - strictness(ctx, best!.c);
    if (d > 0 || (d === 0 && m.c.rule.id < best!.c.rule.id)) best = m;
  }
  return best === null ? null : best.c;
}

/**
 * How strict a rule's outcome is: a deny is a block, an allow is what its severity gates to
 * (a severity without a gate, which the schema rules out, as a block: as decide() takes it).
 */
function strictness(ctx: Ctx, c: { rule: { effect: 'allow' | 'deny'; severity: DecisionSeverity } }): number {
  const gates = ctx.policy.gates;
  const sev = c.rule.severity;
  return c.rule.effect === 'deny' || !Object.hasOwn(gates, sev) ? ACTION_RANK.block : ACTION_RANK[gates[sev]];
}

function longestPrefix(segments: readonly string[], prefixes: readonly (readonly string[])[]): number {
  let best = -1;
  for (const p of prefixes) if (p.length > best && hasPrefix(segments, p)) best = p.length;
  return best;
}

/** The addresses the request says it went to, each checked (private_ip_mode is deny). */
function checkDns(ctx: Ctx, url: NormalizedUrl): Outcome | null {
  // The verdict is a function of the host (when an IP literal) and the texts of pinned_ips and
  // dns_snapshot alone, and a run sees the same few of those again and again (a host resolves
  // to the same addresses for hours): it is kept under those texts, which skips parsing them,
  // the snapshot's digest (JCS and SHA-256) and judging each address. Without a trace only:
  // the trace counts the addresses.
  const key = ctx.tracing || url.hostKind !== 'name' ? null : dnsKey(ctx);
  if (key !== null) {
    const known = DNS_VERDICTS.get(key);
    if (known !== undefined) return known === '' ? null : ctx.deny('network-egress', null, known);
  }
  const v = dnsVerdict(ctx, url);
  if (key !== null) {
    if (DNS_VERDICTS.size >= DNS_VERDICTS_MAX) DNS_VERDICTS.clear();
    DNS_VERDICTS.set(ownCopy(key), v.refused ?? '');
  }
  if (v.refused !== null) return ctx.deny('network-egress', null, v.refused);
  if (ctx.tracing) ctx.step('network-egress', null, 'allow', `every recorded address is public (${v.addresses})`);
  return null;
}

/**
 * DNS verdicts by the texts of pinned_ips and dns_snapshot ('' for the denial-free verdict).
 * Bounded: at most DNS_VERDICTS_MAX keys of at most DNS_KEY_MAX characters (~2 MB at worst);
 * emptied when full, so a log of ever-new addresses costs one look-up more per event.
 */
const DNS_VERDICTS = new Map<string, string>();
const DNS_VERDICTS_MAX = 2048;
const DNS_KEY_MAX = 512;

/**
 * The key of a request's DNS evidence for a host name: pinned_ips's text, and when there is a
 * dns_snapshot, a line break and its text ('' for an absent member: no JSON text is empty, and
 * none holds a line break, as a log line has none); null when the request is not read from a
 * line or the key is longer than DNS_KEY_MAX. The usual key is pinned_ips's text alone: a slice
 * of the line, hashed in place (a joined key was copied first, for every event); a key kept is
 * a copy, which does not keep its line alive.
 */
function dnsKey(ctx: Ctx): string | null {
  const pinned = ctx.rawField('pinned_ips');
  if (pinned === null || pinned.length > DNS_KEY_MAX) return null;
  const snap = ctx.rawField('dns_snapshot')!;
  if (snap === '') return pinned;
  return pinned.length + snap.length >= DNS_KEY_MAX ? null : `${pinned}\n${snap}`;
}

/** What the request records of its addresses: the reason they are refused (null: all public) and how many there are. */
function dnsVerdict(ctx: Ctx, url: NormalizedUrl): { readonly refused: string | null; readonly addresses: number } {
  // Every address the request records is judged: the host's own (an IP literal), pinned_ips
  // and dns_snapshot's, whichever are there. With both recorded, pinned_ips alone used to be
  // read, and a snapshot naming 127.0.0.1 under a wrong digest passed (found by review).
  const addresses: unknown[] = [];
  if (url.hostKind !== 'name') addresses.push(url.host);
  const pinned = ctx.field('pinned_ips');
  const snap = ctx.field('dns_snapshot');
  const refused = (reason: string) => ({ refused: reason, addresses: addresses.length });
  if (url.hostKind === 'name' && pinned === undefined && snap === undefined) {
    return refused('the request records no DNS evidence (pinned_ips or dns_snapshot): its addresses cannot be checked');
  }
  if (pinned !== undefined) {
    if (!Array.isArray(pinned) || pinned.length === 0) return refused('request.pinned_ips is not a non-empty list');
    addresses.push(...(pinned as unknown[]));
  }
  if (snap !== undefined) {
    const ok = typeof snap === 'object' && snap !== null && !Array.isArray(snap);
    const addrs = ok ? (snap as Record<string, unknown>)['addresses'] : undefined;
    const digest = ok ? (snap as Record<string, unknown>)['digest'] : undefined;
    let expected: string | null = null;
    try {
      expected = Array.isArray(addrs) ? digestOf(addrs) : null;
    } catch {
      expected = null;
    }
    if (expected === null || digest !== expected) {
      return refused('request.dns_snapshot is not { digest, addresses } with digest = sha256 of JCS(addresses)');
    }
    if ((addrs as unknown[]).length === 0) return refused('request.dns_snapshot.addresses is not a non-empty list');
    addresses.push(...(addrs as unknown[]));
  }
  for (const a of addresses) {
    const v = checkAddress(a);
    if (!v.ok) return refused(`private_ip_mode deny: ${v.reason}`);
  }
  return { refused: null, addresses: addresses.length };
}

function httpEgress(ctx: Ctx): Outcome {
  const g = requireGrant(ctx);
  if (!('principal' in g)) return g;
  const parsed = normalizeUrl(ctx.field('url'));
  if (!parsed.ok) return ctx.deny('network-egress', null, `request.url is refused: ${parsed.reason}`);
  const url = parsed.url;
  const method = ctx.field('method');
  if (typeof method !== 'string') return ctx.deny('network-egress', null, 'request.method is missing');
  const dns = checkDns(ctx, url);
  if (dns !== null) return dns;
  const p = ctx.policy;
  // Exact-host rules, when any exist, are the only ones for that host: a wildcard can never
  // reach a path or depth an explicit rule for the same host does not allow.
  const exact = url.hostKind === 'name' || url.hostKind === 'ipv4' ? p.egressExact.get(url.host) : undefined;
  const pool = exact ?? p.egressWildcard.filter((c) => hostMatches(c.host, url.host, url.hostKind === 'name'));
  if (ctx.tracing) ctx.step('network-egress', null, 'info', exact !== undefined ? `${exact.length} rule(s) name ${url.host} exactly` : `${pool.length} wildcard rule(s) cover ${url.host}`);
  const matches: { c: CompiledEgressRule; host: number; depth: number }[] = [];
  const segs = segmentsFor(url);
  for (const c of pool) {
    const why = egressMismatch(c, url, segs(c.fold), method, ctx.tracing);
    if (why !== null) {
      ctx.step('network-egress', c.rule.id, 'no-match', why);
      continue;
    }
    const depth = longestPrefix(segs(c.fold), c.paths);
    if (ctx.tracing) ctx.step('network-egress', c.rule.id, 'match', `matches ${url.scheme}://${url.host}:${url.port} ${method} with a ${depth}-segment path prefix`);
    matches.push({ c, host: c.host.specificity, depth });
  }
  const chosen = resolve(ctx, matches);
  if (chosen === null) return ctx.deny('network-egress', null, () => `no egress rule allows ${method} ${url.scheme}://${url.host}:${url.port}/${url.segments.join('/')}`);
  const rule = chosen.rule;
  if (rule.effect === 'deny') return ctx.deny('network-egress', rule.id, `egress rule ${rule.id} denies it`, rule.severity);
  if (!(g.http ?? []).includes(rule.id)) return ctx.deny('capabilities', null, `grant ${g.id} does not include egress rule ${rule.id}`);
  if (url.scheme === 'http' && !exceptionCovers(ctx, { kind: 'http.egress', host: url.host, scheme: 'http' }, rule.id)) {
    return ctx.deny('network-egress', rule.id, 'plain http needs an exception artifact that covers the request', null);
  }
  if (ctx.tracing) ctx.step('network-egress', rule.id, 'allow', `egress rule ${rule.id} allows it`);
  return checkCaps(ctx, g) ?? { type: 'pass', rule: rule.id, severity: maxSeverity(g.severity, rule.severity) };
}

/** The URL's path segments as a rule compares them: lowercased for a folding (deny) rule, once. */
function segmentsFor(url: NormalizedUrl): (fold: boolean) => readonly string[] {
  let folded: string[] | null = null;
  return (fold) => (fold ? (folded ??= lowerSegments(url.segments)) : url.segments);
}

/** Why rule `c` does not match, or null when it does; `explain` false: a reason without its words. */
function egressMismatch(c: CompiledEgressRule, url: NormalizedUrl, segments: readonly string[], method: string, explain: boolean): string | null {
  if (!explain) {
    const fits = c.schemes.has(url.scheme) && c.ports.has(url.port) && c.methods.has(method) && longestPrefix(segments, c.paths) >= 0 &&
      (c.rule.max_depth === undefined || url.segments.length <= c.rule.max_depth);
    return fits ? null : 'no match';
  }
  if (!c.schemes.has(url.scheme)) return `scheme ${url.scheme} is not one of ${[...c.schemes].join(', ')}`;
  if (!c.ports.has(url.port)) return `port ${url.port} is not one of ${[...c.ports].join(', ')}`;
  if (!c.methods.has(method)) return `method ${method} is not one of ${[...c.methods].join(', ')}`;
  if (longestPrefix(segments, c.paths) < 0) return `path /${url.segments.join('/')} is under none of its prefixes${c.fold ? ' (in any case)' : ''}`;
  if (c.rule.max_depth !== undefined && url.segments.length > c.rule.max_depth) return `path depth ${url.segments.length} exceeds ${c.rule.max_depth}`;
  return null;
}

const MODES: readonly InjectionMode[] = ['header', 'bearer', 'basic', 'query_param', 'url_path'];

function secretInject(ctx: Ctx): Outcome {
  const g = requireGrant(ctx);
  if (!('principal' in g)) return g;
  const secret = str(ctx, 'secret');
  const mode = str(ctx, 'mode');
  if (secret === null) return ctx.deny('secrets-boundary', null, 'request.secret (the alias) is missing');
  if (mode === null || !(MODES as readonly string[]).includes(mode)) return ctx.deny('secrets-boundary', null, () => `request.mode ${JSON.stringify(mode)} is not a known injection mode`);
  if (!(g.secrets ?? []).includes(secret)) return ctx.deny('capabilities', null, `grant ${g.id} does not include secret ${secret}`);
  const parsed = normalizeUrl(ctx.field('url'));
  if (!parsed.ok) return ctx.deny('secrets-boundary', null, `request.url is refused: ${parsed.reason}`);
  const url = parsed.url;
  // A secret never travels in clear text: no rule and no exception makes http fit.
  if (url.scheme !== 'https') return ctx.deny('secrets-boundary', null, `secrets are injected over https only, not ${url.scheme}`);
  const matches: { c: CompiledSecretRule; host: number; depth: number }[] = [];
  const segs = segmentsFor(url);
  const rules = ctx.policy.secretsByAlias.get(secret) ?? [];
  // As for egress: when a rule for this secret names the host exactly, only exact hosts count,
  // so a wildcard can never reach a path an explicit rule does not allow. A `*.github.com` rule
  // reached /admin/keys on api.github.com, which the exact rule kept to /repos (found by review).
  const named = url.hostKind !== 'ipv6' && rules.some((c) => c.hosts.some((h) => !h.wildcard && hostMatches(h, url.host, url.hostKind === 'name')));
  if (named && ctx.tracing) ctx.step('secrets-boundary', null, 'info', `a rule for ${secret} names ${url.host} exactly: wildcard hosts do not count`);
  for (const c of rules) {
    if (!c.modes.has(mode)) {
      ctx.step('secrets-boundary', c.rule.id, 'no-match', () => `mode ${mode} is not one of ${[...c.modes].join(', ')}`);
      continue;
    }
    if (!c.ports.has(url.port)) {
      ctx.step('secrets-boundary', c.rule.id, 'no-match', () => `port ${url.port} is not one of ${[...c.ports].join(', ')}`);
      continue;
    }
    const host = c.hosts.filter((h) => (!named || !h.wildcard) && hostMatches(h, url.host, url.hostKind === 'name')).reduce((a, h) => Math.max(a, h.specificity), -1);
    const depth = longestPrefix(segs(c.fold), c.paths);
    if (host < 0 || depth < 0) {
      ctx.step('secrets-boundary', c.rule.id, 'no-match', () => `${url.host}/${url.segments.join('/')} is outside its host and path scope`);
      continue;
    }
    if (ctx.tracing) ctx.step('secrets-boundary', c.rule.id, 'match', `scope covers ${url.host} with a ${depth}-segment path prefix`);
    matches.push({ c, host, depth });
  }
  const chosen = resolve(ctx, matches);
  if (chosen === null) return ctx.deny('secrets-boundary', null, `no rule allows injecting ${secret} as ${mode} for ${url.host}`);
  const rule = chosen.rule;
  if (rule.effect === 'deny') return ctx.deny('secrets-boundary', rule.id, `rule ${rule.id} denies it`, rule.severity);
  if (LEAK_PRONE_MODES.has(mode as InjectionMode) && !exceptionCovers(ctx, { kind: 'secret.inject', secret, mode: mode as InjectionMode, host: url.host }, rule.id)) {
    return ctx.deny('secrets-boundary', rule.id, `${mode} leaks the secret into URLs and logs: it needs an exception artifact that covers the request`);
  }
  if (ctx.tracing) ctx.step('secrets-boundary', rule.id, 'allow', `rule ${rule.id} allows it`);
  return checkCaps(ctx, g) ?? { type: 'pass', rule: rule.id, severity: maxSeverity(g.severity, rule.severity) };
}

function leakMatch(ctx: Ctx): Outcome {
  const pattern = str(ctx, 'pattern');
  const version = str(ctx, 'pattern_set');
  if (pattern === null) return ctx.deny('secrets-boundary', null, 'request.pattern is missing');
  if (version !== ctx.policy.leakVersion) {
    return ctx.deny('secrets-boundary', null, () => `the match was made with pattern set ${JSON.stringify(version)}, the policy has ${JSON.stringify(ctx.policy.leakVersion)}`);
  }
  const severity = ctx.policy.leakPatterns.get(pattern);
  if (severity === undefined) return ctx.deny('secrets-boundary', null, () => `leak pattern ${JSON.stringify(pattern)} is not in the pattern set: fail closed`);
  if (ctx.tracing) ctx.step('secrets-boundary', pattern, 'match', `leak pattern ${pattern} has severity ${severity}`);
  return { type: 'pass', rule: pattern, severity };
}

function mcpCall(ctx: Ctx): Outcome {
  const g = requireGrant(ctx);
  if (!('principal' in g)) return g;
  const server = str(ctx, 'server');
  const tool = str(ctx, 'tool');
  if (server === null || tool === null) return ctx.deny('trust-zones', null, 'request.server or request.tool is missing');
  const s = ctx.policy.mcpByServer.get(server);
  if (s === undefined) return ctx.deny('trust-zones', null, () => `MCP server ${JSON.stringify(server)} is not declared: integrations are off unless declared`);
  if (!(g.mcp ?? []).includes(server)) return ctx.deny('capabilities', null, `grant ${g.id} does not include MCP server ${server}`);
  if (!s.tools.includes(tool)) return ctx.deny('trust-zones', null, () => `MCP server ${server} does not offer tool ${JSON.stringify(tool)}`);
  if (ctx.tracing) ctx.step('trust-zones', s.id, 'allow', `MCP server ${server} (${s.url}) offers ${tool}`);
  return checkCaps(ctx, g) ?? { type: 'pass', rule: s.id, severity: maxSeverity(g.severity, s.severity) };
}

function zoneElevate(ctx: Ctx): Outcome {
  const from = str(ctx, 'from');
  const to = str(ctx, 'to');
  const zones = Object.keys(ZONE_RANK);
  if (from === null || to === null || !zones.includes(from) || !zones.includes(to)) return ctx.deny('trust-zones', null, 'request.from and request.to must be trust zones');
  const actor = ctx.input.actor;
  if (from !== actor.zone) return ctx.deny('trust-zones', null, `the actor is in zone ${actor.zone}, not ${from}: userland never gains authority implicitly`);
  if (ZONE_RANK[to as TrustZone] <= ZONE_RANK[from as TrustZone]) return ctx.deny('trust-zones', null, `${from} to ${to} is not an elevation`);
  const rule = ctx.policy.elevations.find((e) => e.principal === actor.id && e.from === from && e.to === to)
    ?? ctx.policy.elevations.find((e) => e.principal === '*' && e.from === from && e.to === to);
  if (rule === undefined) return ctx.deny('trust-zones', null, `no elevation rule lets ${actor.id} go from ${from} to ${to}`);
  ctx.step('trust-zones', rule.id, 'match', `elevation rule ${rule.id} names ${from} to ${to}`);
  // SPEC.md §5: exceptions "are the only way to allow ... a trust-zone elevation"; an approved
  // review of the request alone does not (it resumes a request gated to review, and this one
  // is not allowed at all without an exception).
  if (!exceptionCovers(ctx, { kind: 'zone.elevate', from: from as TrustZone, to: to as TrustZone }, rule.id)) {
    return ctx.deny('trust-zones', rule.id, 'an elevation is allowed only under an exception artifact that covers it (SPEC.md §5)');
  }
  return { type: 'pass', rule: rule.id, severity: rule.severity };
}

function toolRegister(ctx: Ctx): Outcome {
  // Nothing is granted by default: a registration, too, needs a grant for its actor.
  const g = requireGrant(ctx);
  if (!('principal' in g)) return g;
  const name = str(ctx, 'name');
  if (name === null) return ctx.deny('tool-registry', null, 'request.name is missing');
  // Fail closed on look-alikes: skeletons compared as names.ts describes (docs/policy.md).
  const tooLong = nameTooLong(name);
  if (tooLong !== null) {
    return ctx.deny('tool-registry', null, () => `request.name is ${tooLong} characters long${name.length > MAX_TOOL_NAME_LENGTH ? '' : ' under NFKC'}, more than a name is compared at (${MAX_TOOL_NAME_LENGTH}, ${MAX_TOOL_NAME_NFKC_LENGTH} under NFKC): refused, not compared`);
  }
  const hit = collidesWithReserved(name, ctx.policy.reserved);
  if (hit !== null) {
    return ctx.deny('tool-registry', 'tool-registry.reserved', () =>
      `${JSON.stringify(name)} collides with the reserved name ${JSON.stringify(hit.name)}: skeleton ${JSON.stringify(hit.skeleton)}${hit.reservedSkeleton === hit.skeleton ? ', the same' : ` against ${JSON.stringify(hit.reservedSkeleton)}`}`);
  }
  ctx.step('tool-registry', 'tool-registry.open', 'allow', () => `${JSON.stringify(name)} (skeleton ${JSON.stringify(toolNameSkeleton(name))}) shadows no reserved name`);
  return checkCaps(ctx, g) ?? { type: 'pass', rule: 'tool-registry.open', severity: maxSeverity(g.severity, ctx.policy.registrySeverity) };
}

function extensionInstall(ctx: Ctx): Outcome {
  // Nothing is granted by default: an install, too, needs a grant for its actor.
  const g = requireGrant(ctx);
  if (!('principal' in g)) return g;
  const ext = str(ctx, 'extension');
  const version = str(ctx, 'version');
  const artifacts = ctx.field('artifacts');
  if (ext === null || version === null) return ctx.deny('extensions', null, 'request.extension or request.version is missing');
  const pin = ctx.policy.pins.get(`${ext}@${version}`);
  if (pin === undefined) return ctx.deny('extensions', null, `${ext}@${version} is not pinned: a missing pin is a block`);
  if (!Array.isArray(artifacts) || artifacts.length === 0) return ctx.deny('extensions', pin.id, 'request.artifacts is not a non-empty list');
  const seen = new Set<string>();
  for (const a of artifacts) {
    const path = typeof a === 'object' && a !== null ? (a as Record<string, unknown>)['path'] : undefined;
    const sha = typeof a === 'object' && a !== null ? (a as Record<string, unknown>)['sha256'] : undefined;
    if (typeof path !== 'string' || typeof sha !== 'string') return ctx.deny('extensions', pin.id, 'an artifact is not { path, sha256 }');
    if (seen.has(path)) return ctx.deny('extensions', pin.id, () => `artifact ${JSON.stringify(path)} is listed twice`);
    seen.add(path);
    const pinned = Object.hasOwn(pin.artifacts, path) ? pin.artifacts[path] : undefined;
    if (pinned === undefined) return ctx.deny('extensions', pin.id, () => `artifact ${JSON.stringify(path)} has no pin`);
    if (pinned.toLowerCase() !== sha.toLowerCase()) return ctx.deny('extensions', pin.id, () => `artifact ${JSON.stringify(path)} has SHA-256 ${sha}, pinned ${pinned}`);
  }
  // An install carries every pinned artifact: one left out is not verified, and the pin
  // describes the extension whole.
  const missing = Object.keys(pin.artifacts).filter((p) => !seen.has(p)).sort();
  if (missing.length > 0) return ctx.deny('extensions', pin.id, () => `pinned artifact ${JSON.stringify(missing[0])} is not in the install${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}`);
  if (ctx.tracing) ctx.step('extensions', pin.id, 'allow', `every artifact (${artifacts.length}) matches its pin`);
  return checkCaps(ctx, g) ?? { type: 'pass', rule: pin.id, severity: maxSeverity(g.severity, pin.severity) };
}

/** The event kinds the contracts cover, and the contract checks each goes through. */
export const KINDS: Readonly<Record<string, Handler>> = {
  'tool.invoke': toolInvoke,
  'fs.read': workspace('read'),
  'fs.write': workspace('write'),
  'http.egress': httpEgress,
  'secret.inject': secretInject,
  'secret.leak_match': leakMatch,
  'mcp.call': mcpCall,
  'zone.elevate': zoneElevate,
  'tool.register': toolRegister,
  'extension.install': extensionInstall,
};

/** The trace as text lines, for `sel policy eval` and `sel explain`. */
export function traceLines(trace: readonly TraceStep[]): string[] {
  return trace.map((t) => `${t.contract}${t.rule === null ? '' : ` ${t.rule}`}: ${t.result}: ${t.note}`);
}

/** A stable serialisation of an evaluation (tests compare these). */
export function evaluationKey(e: Evaluation): string {
  return canonicalize({ decision: e.decision, trace: e.trace, review: e.review, exception: e.exception } as unknown);
}
