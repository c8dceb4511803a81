/**
 * What a release gate reads of one event (src/gate/gate.ts, GateCollector): its note
 * (src/verify/notes.ts), made where the event is parsed.
 */
import type { SelEvent } from '../envelope/types.js';

export interface GateFacts {
  readonly type: 'gate';
  /** The event's policy_hash, when --policy-at names another bundle (null: no --policy-at, or the same). */
  readonly otherPolicy: string | null;
  /** A trust-zone elevation recorded as allowed or warned (--no-unreviewed-elevation). */
  readonly elevation: boolean;
}

/**
 * Facts made before, by value: one object for equal facts, so that a unit's result names it
 * once (structured cloning writes an object it has written before as a reference). With
 * --policy-at naming another bundle, most events have facts: a 300 MB gate peaked at 191 MB
 * with an object and a copy of the hash for each. Bounded: emptied when full.
 */
const made = new Map<string, GateFacts>();
const MADE_MAX = 256;

/** The facts of `e` for a gate whose --policy-at names `policyHash`; null: nothing to note. */
export function gateFacts(e: SelEvent, policyHash: string | null): GateFacts | null {
  const otherPolicy = policyHash !== null && e.policy_hash !== policyHash ? e.policy_hash : null;
  const elevation = e.kind === 'zone.elevate' && (e.decision.action === 'allow' || e.decision.action === 'warn');
  if (otherPolicy === null && !elevation) return null;
  const key = `${elevation ? 'e' : '-'}${otherPolicy ?? ''}`;
  let f = made.get(key);
  if (f === undefined) {
    if (made.size >= MADE_MAX) made.clear();
    f = Object.freeze({ type: 'gate' as const, otherPolicy, elevation });
    made.set(key, f);
  }
  return f;
}
