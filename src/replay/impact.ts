/**
 * `sel impact`: an event's decision under another policy version, against the one it
 * recorded. Made where the event is parsed: on the main thread, or with `--jobs N` in the
 * worker that checked its line, which sends a note only for an event that would change or was
 * not evaluated, so that no whole event crosses between threads.
 */
import type { SelEvent } from '../envelope/types.js';
import { evaluate, type EvalInput, type Evaluation } from '../policy/evaluate.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { Ledger } from '../policy/ledger.js';

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
  | { readonly evaluated: false }
  | { readonly evaluated: true; readonly kind: string; readonly recorded: SelEvent['decision']; readonly would: SelEvent['decision'] };

const NOT_EVALUATED: ImpactNote = Object.freeze({ evaluated: false });

/** The note of event `e` (null: its line failed a check) under `policy`; null: evaluated, and it would decide as recorded. */
export function impactOf(policy: CompiledPolicy, e: SelEvent | null, ledger: Ledger): ImpactNote | null {
  if (e === null) return NOT_EVALUATED;
  // No trace: the decision is the same without it, and impact shows none.
  const would = evalUnder(policy, e, ledger, false).decision;
  return sameDecision(e.decision, would) ? null : { evaluated: true, kind: e.kind, recorded: e.decision, would };
}
