/**
 * What a release gate reads of one event (src/gate/gate.ts, GateCollector). Made where the
 * event is parsed: on the main thread, or with `--jobs N` in the worker that checked its line,
 * which sends it with the event's record only when there is something to note, so that replay
 * can stay in the workers and no whole event crosses between threads.
 */
import type { SelEvent } from '../envelope/types.js';

export interface GateFacts {
  /** The event's policy_hash, when --policy-at names another bundle (null: no --policy-at, or the same). */
  readonly otherPolicy: string | null;
  /** A trust-zone elevation recorded as allowed or warned (--no-unreviewed-elevation). */
  readonly elevation: boolean;
}

/** The facts of `e` for a gate whose --policy-at names `policyHash`; null: nothing to note. */
export function gateFacts(e: SelEvent, policyHash: string | null): GateFacts | null {
  const otherPolicy = policyHash !== null && e.policy_hash !== policyHash ? e.policy_hash : null;
  const elevation = e.kind === 'zone.elevate' && (e.decision.action === 'allow' || e.decision.action === 'warn');
  return otherPolicy === null && !elevation ? null : { otherPolicy, elevation };
}
