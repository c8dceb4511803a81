/**
 * `sel verify` without a repository: resolve the logs, read them in order, feed the pure
 * verifier. The I/O edge of the integrity check.
 */
import { realpath, stat } from 'node:fs/promises';
import type { Resume } from './checkpoint.js';
import { orderSources, resolveSources } from '../ingest/sources.js';
import { readSource } from '../ingest/read.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type EventHook, type IntegrityResult, type VerifyOptions } from './verifier.js';
import type { ChainSummary } from '../chain/chain.js';
import type { Finding } from '../findings/finding.js';

export interface RunOptions extends VerifyOptions {
  /** Standard input, for `-` (tests pass their own stream). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Resume from a checkpoint: files start past what was verified, chains at their positions. */
  readonly resume?: Resume | null;
  /** Findings made before reading (e.g. a checkpoint mismatch), reported first. */
  readonly preFindings?: readonly Finding[];
  /** Progress display: the total bytes to read (null when a stream is read), then running counts. */
  readonly progress?: {
    readonly start: (totalBytes: number | null) => void;
    readonly update: (bytes: number, lines: number) => void;
    readonly stop: () => void;
  };
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
  const base: RunOptions = { ...DEFAULT_VERIFY_OPTIONS, ...options };
  const opts: RunOptions = base.resume == null ? base : { ...base, starts: base.resume.starts };
  const { sources, skipped } = await resolveSources(logs);
  const ordered = await orderSources(sources, opts.maxLineBytes);
  const verifier = new IntegrityVerifier(opts, extension?.onEvent ?? null);
  for (const f of opts.preFindings ?? []) verifier.report(f);
  extension?.begin?.((f) => verifier.report(f));
  const progress = opts.progress;
  if (progress !== undefined) {
    const sizes = await Promise.all(ordered.map(async (s) => (s.regular && s.path !== null ? (await stat(s.path).catch(() => null))?.size ?? 0 : null)));
    progress.start(sizes.includes(null) ? null : sizes.reduce<number>((a, b) => a + (b ?? 0), 0));
  }
  let bytes = 0;
  try {
    for (const source of ordered) {
      const at = source.regular && source.path !== null && opts.resume != null
        ? opts.resume.files.get(await realpath(source.path).catch(() => source.path!))
        : undefined;
      const splitter = verifier.beginFile(source.display, at === undefined ? 1 : at.lines + 1);
      const problem = await readSource(
        source,
        progress === undefined
          ? (chunk) => splitter.push(chunk)
          : (chunk) => {
              splitter.push(chunk);
              bytes += chunk.length;
              progress.update(bytes, verifier.linesSeen);
            },
        opts.stdin,
        at?.bytes ?? 0,
      );
      verifier.endFile(source.display, splitter, problem);
    }
  } finally {
    progress?.stop();
  }
  for (const s of skipped) verifier.fileProblem(s.display, 'LOG_UNREADABLE', `skipped: ${s.reason}`);
  return verifier.finish((chains) => extension?.finish?.((f) => verifier.report(f), chains));
}
