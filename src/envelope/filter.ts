/**
 * Which events a reader on the main thread takes whole (`sel explain`, `sel timeline`): with
 * `--jobs N` the workers send only those, their requests parsed in full; the reader applies
 * the same filter again, so it sees the same events on one thread as from the workers.
 */
import type { SelEvent } from './types.js';

/** Every member given must match. */
export interface EventFilter {
  readonly chain?: string;
  readonly seq?: number;
  readonly actor?: string;
  readonly kind?: string;
  /** The recorded action. */
  readonly action?: string;
  /** `request.tool`. */
  readonly tool?: string;
  /** `ts` at or after this (an ISO string as Date#toISOString writes it). */
  readonly from?: string;
  /** `ts` before this. */
  readonly to?: string;
}

/**
 * Does the event of `rec` match? Its place (chain, seq) is the record's; anything else needs
 * the event, and an event that did not pass its line checks (null) matches only a filter of
 * places.
 */
export function matchesFilter(f: EventFilter, rec: { readonly chain: string; readonly seq: number }, e: SelEvent | null): boolean {
  if (f.chain !== undefined && rec.chain !== f.chain) return false;
  if (f.seq !== undefined && rec.seq !== f.seq) return false;
  if (f.actor === undefined && f.kind === undefined && f.action === undefined && f.tool === undefined && f.from === undefined && f.to === undefined) return true;
  if (e === null) return false;
  if (f.actor !== undefined && e.actor.id !== f.actor) return false;
  if (f.kind !== undefined && e.kind !== f.kind) return false;
  if (f.action !== undefined && e.decision.action !== f.action) return false;
  if (f.tool !== undefined && e.request['tool'] !== f.tool) return false;
  if (f.from !== undefined && e.ts < f.from) return false;
  if (f.to !== undefined && e.ts >= f.to) return false;
  return true;
}
