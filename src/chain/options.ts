/**
 * The chain check's bounds (chain.ts), in a module of their own: the CLI shows them as
 * defaults without loading the check.
 */
import { isDigestForm } from '../canonical/digest.js';
import { OperatorError } from '../errors.js';
import { isChainIdForm, isSelTimestamp } from '../schemas/formats.js';
import type { ChainPosition } from './chain.js';

export interface ChainOptions {
  /** How many early events of one chain wait for a missing one before it is a gap. */
  readonly reorderWindow: number;
  /** How many accepted events per chain are remembered to tell duplicates from forks. */
  readonly recentWindow: number;
  /** How many unclaimed holes are remembered to explain gaps. */
  readonly holeWindow: number;
}

export const DEFAULT_CHAIN_OPTIONS: ChainOptions = { reorderWindow: 64, recentWindow: 256, holeWindow: 4096 };

/** The largest `--reorder-window` the CLI accepts. */
export const MAX_REORDER_WINDOW = 1_000_000;

/**
 * Throws OperatorError unless `value` is a whole number from `min` to `max`. `name` may be made
 * only when it is refused: a checkpoint's million chains are checked without a string each.
 */
export function checkWholeNumber(name: string | (() => string), value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new OperatorError(`${typeof name === 'string' ? name : name()} must be a whole number from ${min} to ${max}, not ${typeof value === 'number' ? String(value) : typeof value}`);
  }
}

/** Throws OperatorError unless `chain` are the chain check's options, each in the CLI's bounds (ChainVerifier). */
export function checkChainOptions(chain: ChainOptions): void {
  if (typeof chain !== 'object' || chain === null) throw new OperatorError('chain must be the chain options (reorderWindow, recentWindow, holeWindow; DEFAULT_CHAIN_OPTIONS has them all)');
  checkWholeNumber('chain.reorderWindow', chain.reorderWindow, 1, MAX_REORDER_WINDOW);
  checkWholeNumber('chain.recentWindow', chain.recentWindow, 1, Number.MAX_SAFE_INTEGER);
  checkWholeNumber('chain.holeWindow', chain.holeWindow, 1, Number.MAX_SAFE_INTEGER);
}

/**
 * Throws OperatorError unless `starts` are chain positions a checkpoint could hold (the
 * `chains` of schemas/checkpoint.schema.json), at most one per chain. Unchecked, a library
 * caller's bad position was a wrong answer, not a refusal: a next of -1 or 0.5 a SEQ_GAP "seq
 * -1–0 are missing", a parent that is no digest a PREV_HASH_MISMATCH on a sound event, a chain
 * named twice resumed from whichever came last, a `last` of null a TypeError (found by review).
 * A checkpoint may hold a million chains: no string is made unless one is refused.
 */
export function checkStarts(starts: readonly ChainPosition[]): void {
  if (!Array.isArray(starts)) throw new OperatorError('starts must be an array of chain positions');
  const seen = new Set<string>();
  for (let i = 0; i < starts.length; i++) {
    const s: unknown = starts[i];
    if (typeof s !== 'object' || s === null) throw new OperatorError(`starts[${i}] must be a chain position (chain, next, parent), not ${s === null ? 'null' : typeof s}`);
    const p = s as Partial<Record<keyof ChainPosition, unknown>>;
    if (typeof p.chain !== 'string' || !isChainIdForm(p.chain)) throw new OperatorError(`starts[${i}].chain must be a chain id (letters, digits, ".", "_" and "-", at most 200)`);
    if (seen.has(p.chain)) throw new OperatorError(`starts names chain ${p.chain} twice: a chain starts at one position`);
    seen.add(p.chain);
    checkWholeNumber(() => `starts[${i}].next`, p.next, 0, Number.MAX_SAFE_INTEGER);
    if (typeof p.parent !== 'string' || !isDigestForm(p.parent)) throw new OperatorError(`starts[${i}].parent must be a digest, such as sha256: and 64 lowercase hex digits`);
    if (p.last !== undefined) checkTimePoint(i, 'last', p.last);
    if (p.latest !== undefined) checkTimePoint(i, 'latest', p.latest);
  }
}

function checkTimePoint(i: number, name: string, t: unknown): void {
  if (typeof t !== 'object' || t === null) throw new OperatorError(`starts[${i}].${name} must be a time point (seq, ts) or absent, not ${t === null ? 'null' : typeof t}`);
  const p = t as Partial<Record<'seq' | 'ts', unknown>>;
  checkWholeNumber(() => `starts[${i}].${name}.seq`, p.seq, 0, Number.MAX_SAFE_INTEGER);
  if (typeof p.ts !== 'string' || !isSelTimestamp(p.ts)) throw new OperatorError(`starts[${i}].${name}.ts must be a timestamp such as 2026-11-01T12:00:00.000Z`);
}
