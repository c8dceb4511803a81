import type { Finding } from '../findings/finding.js';

/** The one contract version this verifier implements (SPEC.md §2). */
export const CONTRACT_VERSION = 'sel.audit/1';

/** Where a line is: the file as named, its 1-based line number, its position in the whole input. */
export interface LineRef {
  readonly file: string;
  readonly line: number;
  /** 0-based position of the line among all lines of all files, in reading order. */
  readonly ordinal: number;
}

export type TrustZone = 'kernel' | 'supervisor' | 'executor' | 'userland';
export type Action = 'allow' | 'warn' | 'review' | 'block';
export type DecisionSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Decision {
  readonly action: Action;
  readonly rule: string | null;
  readonly severity: DecisionSeverity;
}

/** A sel.audit/1 event that passed the envelope schema (SPEC.md §2). */
export interface SelEvent {
  readonly v: 'sel.audit/1';
  readonly chain: string;
  readonly seq: number;
  readonly ts: string;
  readonly kind: string;
  readonly actor: { readonly id: string; readonly zone: TrustZone };
  readonly request: Readonly<Record<string, unknown>>;
  readonly request_fingerprint: string;
  readonly policy_hash: string;
  readonly decision: Decision;
  readonly prev_hash: string;
  readonly hash: string;
  readonly review_ref?: string;
  readonly exception_ref?: string;
  readonly [extra: string]: unknown;
}

/** A line that yielded an event with a usable place in its chain. */
export interface PlacedEvent {
  readonly kind: 'event';
  readonly ref: LineRef;
  readonly chain: string;
  readonly seq: number;
  readonly prevHash: string;
  /** The recorded `hash` (verified, or of an algorithm this verifier cannot check). */
  readonly hash: string;
  /** The `ts` when it is a valid timestamp. */
  readonly ts: string | null;
  /** Problems with the line itself. */
  readonly findings: readonly Finding[];
  /** The parsed event when it passed every line-level check and the caller asked for it. */
  readonly event: SelEvent | null;
  /**
   * The replay outcome, when it was computed next to the line check (in a worker thread).
   * Typed loosely here so the envelope stage does not depend on replay.
   */
  readonly replay?: import('../replay/replay.js').ReplayOutcome;
  /**
   * What `sel gate` or `sel impact` notes of the event (src/verify/notes.ts), made where it
   * was parsed. Absent when there was nothing to note, and when the run makes no notes.
   */
  readonly note?: import('../verify/notes.js').EventNote;
}

/**
 * A line that cannot take a place in a chain: unreadable, not an event, or damaged (its hash
 * does not match, so none of its members can be trusted). It is reported once, by its own
 * findings; the chain check may use it to explain a gap instead of reporting the gap again.
 */
export interface Hole {
  readonly kind: 'hole';
  readonly ref: LineRef;
  /** The chain it claims, when it names one (untrusted: used only to explain gaps). */
  readonly chain: string | null;
  /** Hashes a successor may name as its prev_hash (recorded and recomputed), when known. */
  readonly hashes: readonly string[];
  /** How many events the line may stand for (more than one when line feeds were lost). */
  readonly capacity: number;
  readonly findings: readonly Finding[];
}

export type EventRecord = PlacedEvent | Hole;
