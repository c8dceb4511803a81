/**
 * The chain check's bounds (chain.ts), in a module of their own: the CLI shows them as
 * defaults without loading the check.
 */
import { OperatorError } from '../errors.js';

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

/** Throws OperatorError unless `value` is a whole number from `min` to `max`. */
export function checkWholeNumber(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new OperatorError(`${name} must be a whole number from ${min} to ${max}, not ${typeof value === 'number' ? String(value) : typeof value}`);
  }
}

/** Throws OperatorError unless `chain` are the chain check's options, each in the CLI's bounds (ChainVerifier). */
export function checkChainOptions(chain: ChainOptions): void {
  if (typeof chain !== 'object' || chain === null) throw new OperatorError('chain must be the chain options (reorderWindow, recentWindow, holeWindow; DEFAULT_CHAIN_OPTIONS has them all)');
  checkWholeNumber('chain.reorderWindow', chain.reorderWindow, 1, MAX_REORDER_WINDOW);
  checkWholeNumber('chain.recentWindow', chain.recentWindow, 1, Number.MAX_SAFE_INTEGER);
  checkWholeNumber('chain.holeWindow', chain.holeWindow, 1, Number.MAX_SAFE_INTEGER);
}
