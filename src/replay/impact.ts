/**
 * `sel impact`: an event's decision under another policy version, against the one it
 * recorded. Made where the event is parsed: on the main thread, or with `--jobs N` in the
 * worker that checked its line, which sends a note only for an event that would change or was
 * not evaluated, so that no whole event crosses between threads.
 */
import type { SelEvent } from '../envelope/types.js';
import { evaluate, type Evaluation } from '../policy/evaluate.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { Ledger } from '../policy/ledger.js';

export function sameDecision(a: SelEvent['decision'], b: SelEvent['decision']): boolean {
  return a.action === b.action && a.rule === b.rule && a.severity === b.severity;
}

/** The evaluation of `e` under `policy`, with the ledger's reviews and exceptions. */
export function evalUnder(policy: CompiledPolicy, e: SelEvent, ledger: Ledger): Evaluation {
  return evaluate(policy, { kind: e.kind, actor: e.actor, request: e.request, ts: e.ts, fingerprint: e.request_fingerprint, exceptionRef: e.exception_ref ?? null }, ledger);
}

/** What impact notes of an event: not evaluated (its line failed a check), or a change. */
export type ImpactNote =
  | { readonly evaluated: false }
  | { readonly evaluated: true; readonly kind: string; readonly recorded: SelEvent['decision']; readonly would: SelEvent['decision'] };

const NOT_EVALUATED: ImpactNote = Object.freeze({ evaluated: false });

/** The note of event `e` (null: its line failed a check) under `policy`; null: evaluated, and it would decide as recorded. */
export function impactOf(policy: CompiledPolicy, e: SelEvent | null, ledger: Ledger): ImpactNote | null {
  if (e === null) return NOT_EVALUATED;
  const would = evalUnder(policy, e, ledger).decision;
  return sameDecision(e.decision, would) ? null : { evaluated: true, kind: e.kind, recorded: e.decision, would };
}
