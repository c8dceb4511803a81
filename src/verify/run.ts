/**
 * `sel verify` without a repository: resolve the logs, read them in order, feed the pure
 * verifier. The I/O edge of the integrity check.
 */
import { orderSources, resolveSources } from '../ingest/sources.js';
import { readSource } from '../ingest/read.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type EventHook, type IntegrityResult, type VerifyOptions } from './verifier.js';
import type { ChainSummary } from '../chain/chain.js';
import type { Finding } from '../findings/finding.js';

export interface RunOptions extends VerifyOptions {
  /** Standard input, for `-` (tests pass their own stream). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Called with each file's byte count as it is read (progress display). */
  readonly onBytes?: (n: number) => void;
}

/** Stages that ride on the integrity pass (replay): every accepted event, then the end. */
export interface VerifyExtension {
  readonly onEvent: EventHook;
  /** Findings that do not come from a line (e.g. about the repository), reported first. */
  readonly begin?: (report: (f: Finding) => void) => void;
  readonly finish?: (report: (f: Finding) => void, chains: readonly ChainSummary[]) => void;
}

export async function verifyLogs(
  logs: readonly string[],
  options: Partial<RunOptions> = {},
  extension: VerifyExtension | null = null,
): Promise<IntegrityResult> {
  const opts: RunOptions = { ...DEFAULT_VERIFY_OPTIONS, ...options };
  const { sources, skipped } = await resolveSources(logs);
  const ordered = await orderSources(sources, opts.maxLineBytes);
  const verifier = new IntegrityVerifier(opts, extension?.onEvent ?? null);
  extension?.begin?.((f) => verifier.report(f));
  for (const source of ordered) {
    const splitter = verifier.beginFile(source.display);
    const onBytes = opts.onBytes;
    const problem = await readSource(
      source,
      onBytes === undefined
        ? (chunk) => splitter.push(chunk)
        : (chunk) => {
            splitter.push(chunk);
            onBytes(chunk.length);
          },
      opts.stdin,
    );
    verifier.endFile(source.display, splitter, problem);
  }
  for (const s of skipped) verifier.fileProblem(s.display, 'LOG_UNREADABLE', `skipped: ${s.reason}`);
  return verifier.finish((chains) => extension?.finish?.((f) => verifier.report(f), chains));
}
