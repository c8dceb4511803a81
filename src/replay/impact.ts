/**
 * `sel impact`: an event's decision under another policy version, against the one it
 * recorded. Noted (src/verify/notes.ts) only for an event that would change or was not
 * evaluated.
 */
import type { SelEvent } from '../envelope/types.js';
import { evaluate, type EvalInput, type Evaluation } from '../policy/evaluate.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { Ledger } from '../policy/ledger.js';
import type { Relied } from './replay.js';

export function sameDecision(a: SelEvent['decision'], b: SelEvent['decision']): boolean {
  return a.action === b.action && a.rule === b.rule && a.severity === b.severity;
}

/** What the evaluator reads of an event (replay's, explain's and impact's evaluation). */
export function evalInputOf(e: SelEvent): EvalInput {
  return { kind: e.kind, actor: e.actor, request: e.request, ts: e.ts, fingerprint: e.request_fingerprint, exceptionRef: e.exception_ref ?? null };
}

/** The evaluation of `e` under `policy`, with the ledger's reviews and exceptions; `trace`: keep the steps. */
export function evalUnder(policy: CompiledPolicy, e: SelEvent, ledger: Ledger, trace = true): Evaluation {
  return evaluate(policy, evalInputOf(e), ledger, trace);
}

/** What impact notes of an event: not evaluated (its line failed a check), or a change. */
export type ImpactNote =
  | { readonly type: 'impact'; readonly evaluated: false }
  | {
    readonly type: 'impact';
    readonly evaluated: true;
    readonly kind: string;
    readonly recorded: SelEvent['decision'];
    readonly would: SelEvent['decision'];
    /**
     * The decision is the recorded one, granted under a review or exception: the windows it
     * relied on, which the main thread judges again at the chain's time, as replay does
     * (docs/policy.md, 5; src/replay/replay.ts, outOfForce). Judged at the event's ts alone, a
     * backdated event read "unchanged" where sel verify --repo reports REVIEW_EXPIRED or
     * EXCEPTION_EXPIRED (found by review).
     */
    readonly relied?: Relied;
  };

const NOT_EVALUATED: ImpactNote = Object.freeze({ type: 'impact', evaluated: false });

/**
 * The note of event `e` (null: its line failed a check) under `policy`; null: evaluated, and it
 * would decide as recorded without relying on a review or exception.
 */
export function impactOf(policy: CompiledPolicy, e: SelEvent | null, ledger: Ledger): ImpactNote | null {
  if (e === null) return NOT_EVALUATED;
  // No trace: the decision is the same without it, and impact shows none.
  const ev = evalUnder(policy, e, ledger, false);
  const would = ev.decision;
  if (!sameDecision(e.decision, would)) return { type: 'impact', evaluated: true, kind: e.kind, recorded: e.decision, would };
  return ev.inForce.length === 0 ? null : { type: 'impact', evaluated: true, kind: e.kind, recorded: e.decision, would, relied: { decision: would, artifacts: ev.inForce } };
}
