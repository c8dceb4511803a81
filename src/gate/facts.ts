/**
 * What a release gate reads of one event (src/gate/gate.ts, GateCollector). Made where the
 * event is parsed: on the main thread, or with `--jobs N` in the worker that checked its line,
 * which sends it with the event's record only when there is something to note, so that replay
 * can stay in the workers and no whole event crosses between threads.
 */
import type { PlacedEvent, SelEvent } from '../envelope/types.js';

/** What a worker needs to make the facts: the bundle --policy-at names (null: none). */
export interface GateSettings {
  readonly policyHash: string | null;
}

export interface GateFacts {
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
    f = Object.freeze({ otherPolicy, elevation });
    made.set(key, f);
  }
  return f;
}

/**
 * The facts of a record's event: those the worker that parsed it made (--jobs: the record has
 * no event then, and no facts when there was nothing to note), or made here from the event.
 * The collector sees nothing else of an event, so what it reads is what the workers send.
 */
export function recordFacts(rec: PlacedEvent, settings: GateSettings): GateFacts | null {
  if (rec.gate !== undefined) return rec.gate;
  return rec.event === null ? null : gateFacts(rec.event, settings.policyHash);
}
