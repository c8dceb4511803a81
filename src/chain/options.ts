/**
 * The chain check's bounds (chain.ts), in a module of their own: the CLI shows them as
 * defaults without loading the check.
 */
export interface ChainOptions {
  /** How many early events of one chain wait for a missing one before it is a gap. */
  readonly reorderWindow: number;
  /** How many accepted events per chain are remembered to tell duplicates from forks. */
  readonly recentWindow: number;
  /** How many unclaimed holes are remembered to explain gaps. */
  readonly holeWindow: number;
}

export const DEFAULT_CHAIN_OPTIONS: ChainOptions = { reorderWindow: 64, recentWindow: 256, holeWindow: 4096 };
