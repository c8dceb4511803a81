/**
 * The verifier's options and their defaults, in a module of their own: the CLI shows them in
 * --help and parses flags against them before it loads the verifier itself.
 */
import { DEFAULT_MAX_DEPTH } from '../canonical/scan.js';
import type { ChainPosition } from '../chain/chain.js';
import { checkChainOptions, checkWholeNumber, DEFAULT_CHAIN_OPTIONS, type ChainOptions } from '../chain/options.js';
export { checkWholeNumber, MAX_REORDER_WINDOW } from '../chain/options.js';
import type { LineRef, PlacedEvent } from '../envelope/types.js';
import type { Finding } from '../findings/finding.js';
import { OperatorError } from '../errors.js';

export interface VerifyOptions {
  /** Longest line read; longer lines are LINE_TOO_LONG (SPEC.md §2: default 1 MiB). */
  readonly maxLineBytes: number;
  /** Deepest nesting accepted in an event. */
  readonly maxDepth: number;
  readonly chain: ChainOptions;
  /** How many findings are kept for the report; the rest are counted. 0: no limit. */
  readonly maxFindings: number;
  /**
   * Which findings the caller needs kept (a command that reads a few of them: explain, a gate
   * with --since SEQ); the others are counted in the summary but neither kept nor `omitted`,
   * so memory stays flat on a log with millions of faults. Default: all.
   */
  readonly keepFinding?: (f: Finding) => boolean;
  /**
   * Each event the chain check sets aside without a finding of its own: the next events of a
   * branch already reported at its fork (CHAIN_FORK), or of a copy already reported at its
   * SEQ_DUPLICATE (`copy`: its decision is not replayed). sel explain shows them; no report does.
   */
  readonly onForkBranch?: (rec: PlacedEvent, copy: boolean) => void;
  /**
   * Called each time the chain check is done with a record, and once more when it has ended
   * the input: by then it has reported every finding about the events it accepted meanwhile
   * (a SEQ_REORDER is judged after the events it names were accepted, when the run they
   * belong to is known). sel timeline writes its rows then, with those findings. `hole`: the
   * line of the record, when it was one the chain check does not place (a damaged line, one
   * changed after it was written, one with a duplicate key): no event will be placed there.
   */
  readonly onSettled?: (hole?: LineRef) => void;
  /** Chains start here instead of at seq 0 (a checkpoint). */
  readonly starts: readonly ChainPosition[];
}

export const DEFAULT_VERIFY_OPTIONS: VerifyOptions = {
  maxLineBytes: 1024 * 1024,
  maxDepth: DEFAULT_MAX_DEPTH,
  chain: DEFAULT_CHAIN_OPTIONS,
  maxFindings: 100_000,
  starts: [],
};

/**
 * The deepest `--max-depth` the CLI accepts. Parts of the check and of replay walk nested
 * values recursively: an event nested 5 000 deep overflowed the stack (an internal error, exit
 * 2) where 3 000 passed every path (one thread, --jobs, events handed to the main thread).
 * 2 000 keeps a margin; the default is 128.
 */
export const MAX_DEPTH_LIMIT = 2000;

/**
 * The largest `--max-line-bytes` the CLI accepts: the longest string V8 makes (2^29 - 24 UTF-16
 * code units; a line of N bytes decodes to at most N). With the limit at 1 GiB, a 540 MiB line
 * was read whole and then could not be decoded: an internal error, exit 2, instead of a finding
 * (found by review).
 */
export const MAX_LINE_BYTES_LIMIT = 0x1fffffe8;

/**
 * Throws OperatorError unless `opts` are options a run can keep to: the CLI's bounds hold for
 * a library caller too. Unchecked, a maxDepth or maxLineBytes of NaN turned its bound off, a
 * partial `chain` failed with a RangeError, and a maxDepth past MAX_DEPTH_LIMIT overflowed
 * the stack on a deep event (found by review).
 */
export function checkVerifyOptions(opts: VerifyOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new OperatorError('the verify options must be an object');
  checkWholeNumber('maxLineBytes', opts.maxLineBytes, 1, MAX_LINE_BYTES_LIMIT);
  checkWholeNumber('maxDepth', opts.maxDepth, 1, MAX_DEPTH_LIMIT);
  checkWholeNumber('maxFindings', opts.maxFindings, 0, Number.MAX_SAFE_INTEGER);
  checkChainOptions(opts.chain);
  // A hook that is no function was a TypeError at its first call, mid-run (found by mutation review).
  checkHook('keepFinding', opts.keepFinding, false);
  checkHook('onForkBranch', opts.onForkBranch);
  checkHook('onSettled', opts.onSettled);
  // Each chain's start is checked by the chain check (ChainVerifier), once: a checkpoint may hold a million.
  if (!Array.isArray(opts.starts)) throw new OperatorError('starts must be an array of chain positions');
}

/** Throws OperatorError unless the hook `name` is a function, or absent (undefined; null too when `nullable`). */
export function checkHook(name: string, hook: unknown, nullable = true): void {
  if (hook === undefined || (nullable && hook === null) || typeof hook === 'function') return;
  throw new OperatorError(`${name} must be a function, not ${hook === null ? 'null' : typeof hook}`);
}
