/** `sel verify LOG... [options]` (SPEC.md §7). */
import { Command, Option } from 'commander';
import type { Colour } from './colour.js';
import type { RunOptions } from '../verify/run.js';
import { describeIoError, errnoCode, OperatorError } from '../errors.js';
import { appendFileSync, closeSync, constants, openSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { resolveSources } from '../ingest/sources.js';
import { logDirHolding, logThatIs, madeByAppending, refuseOutputIntoLogs } from '../ingest/output-file.js';
import type { ChainPosition } from '../chain/chain.js';
import type { IntegrityResult } from '../verify/verifier.js';
import type { FilePaths } from '../verify/checkpoint.js';
import { DEFAULT_VERIFY_OPTIONS } from '../verify/options.js';
import { buildReport, FAIL_ON_VALUES, type FailOn, type Report } from '../report/report.js';
import { renderJson, renderJsonl } from '../report/json.js';
import { renderText } from '../report/text.js';
import { choiceOption, jobsOptions, jobsRunOptions, maxDepthOption, maxLineBytesOption, nonNegativeInt, reorderWindowOption, startJobs } from './options.js';
import { outputComplete, writeOut } from './output.js';

/** A progress bar when standard error is a terminal (cli-progress is loaded only then). */
async function withProgress(enabled: boolean): Promise<{ progress?: NonNullable<RunOptions['progress']> }> {
  if (!enabled || process.stderr.isTTY !== true) return {};
  const p = (await import('./progress.js')).progressBar(enabled);
  return p === undefined ? {} : { progress: p };
}

export const FORMATS = ['text', 'json', 'jsonl', 'sarif', 'junit', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * How a log path appears in CI formats: relative to the governance repository when the log
 * is inside it, else to the working directory; forward slashes (SARIF URIs, annotations).
 */
export function relativizer(repo: string | undefined): (file: string) => string {
  const base = repo === undefined ? process.cwd() : resolve(repo);
  // Above the base: `..` or `../…`, not a name that starts with two dots (`..rotated.jsonl`,
  // which was named by its absolute path, or from the working directory with --repo).
  const outside = (rel: string) => rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return (file) => {
    if (file === '-') return file;
    const abs = resolve(file);
    let rel = relative(base, abs);
    if (outside(rel)) rel = relative(process.cwd(), abs);
    if (outside(rel)) return abs.split(sep).join('/');
    return rel.split(sep).join('/');
  };
}

/** The report in `format`; the CI formats' renderers are loaded when asked for. */
export async function render(report: Report, format: Format, chalk: Colour, relativize: (f: string) => string): Promise<string> {
  switch (format) {
    case 'text': return renderText(report, await chalk());
    case 'json': return renderJson(report);
    case 'jsonl': return renderJsonl(report);
    case 'sarif': return (await import('../report/sarif.js')).renderSarif(report, { relativize, category: 'verify' });
    case 'junit': return (await import('../report/junit.js')).renderJunit(report, relativize);
    case 'github': return (await import('../report/github.js')).renderGithub(report, relativize);
  }
}

/**
 * Refuses a $GITHUB_STEP_SUMMARY sel must not append to: one of `inputs` (the logs it verifies,
 * or the shard results it merges), by any name, or a new *.jsonl file in a directory of logs,
 * which the next run would read as a log, as --shard-out and --checkpoint are refused: the
 * summary was appended to the evidence itself (found by review). Called before the run, so a
 * refusal does not come after a long one (found by review of the docs), and again when the
 * summary is written.
 */
export async function refuseStepSummaryInto(inputs: readonly string[], kind: 'log' | 'shard result' = 'log'): Promise<void> {
  const path = process.env['GITHUB_STEP_SUMMARY'];
  if (path === undefined || path === '') return;
  const target = await stat(path, { bigint: true }).catch(() => null);
  // Through a symbolic link to a file that does not exist, appending makes that file: a new
  // *.jsonl file among the logs, named so, was made (from mutation testing).
  const made = target === null ? await madeByAppending(path) : path;
  const dir = made.endsWith('.jsonl') ? await logDirHolding(made, inputs) : null;
  if (dir !== null) throw new OperatorError(`GITHUB_STEP_SUMMARY ${path} is a *.jsonl file in the log directory ${dir}: sel does not write to the logs it verifies`);
  // A file named, or by another name (a link, symbolic or hard) a log found in a named
  // directory: only the named arguments were compared, and the summary was appended to such a
  // log (found by review).
  const input = target === null ? undefined : logThatIs(target, inputs);
  if (input !== undefined) throw new OperatorError(`GITHUB_STEP_SUMMARY ${path} is the ${kind} ${input}: sel does not write to the ${kind}s it ${kind === 'log' ? 'verifies' : 'merges'}`);
}

/**
 * --format github: also append a Markdown summary to $GITHUB_STEP_SUMMARY when it is set
 * (`markdown` is made only then).
 */
export async function appendStepSummary(markdown: () => Promise<string>, inputs: readonly string[] = [], kind: 'log' | 'shard result' = 'log'): Promise<void> {
  const path = process.env['GITHUB_STEP_SUMMARY'];
  if (path === undefined || path === '') return;
  await refuseStepSummaryInto(inputs, kind);
  const text = await markdown();
  try {
    // A named pipe no process reads: opening it to write waits for a reader, and sel waited
    // there forever, its verdict never given (found by review). Opened without waiting first, it
    // is refused when nothing reads it (ENXIO); one that is read is then written as a file is,
    // the first opening held open until then (closed first, it was the end of the stream to
    // its reader, which went away, and the second waited for another).
    const fifo = (await stat(path).catch(() => null))?.isFIFO() === true ? openSync(path, constants.O_WRONLY | constants.O_NONBLOCK) : null;
    try {
      appendFileSync(path, text);
    } finally {
      if (fifo !== null) closeSync(fifo);
    }
  } catch (e) {
    // Not "it does not exist" for a file that appending creates: its directory is missing.
    const missing = errnoCode(e) === 'ENOENT' && (await stat(dirname(path)).then(() => false, (d) => errnoCode(d) === 'ENOENT'));
    const why = missing ? `its directory ${dirname(path)} does not exist` : errnoCode(e) === 'ENXIO' ? 'it is a named pipe (or a socket) that no process reads' : describeIoError(e);
    throw new OperatorError(`cannot append to GITHUB_STEP_SUMMARY (${path}): ${why}`);
  }
}

interface VerifyFlags {
  jobs: number;
  unitBytes?: number;
  shard?: string;
  shardOut?: string;
  quiet?: boolean;
  checkpoint?: string;
  repo?: string;
  ref: string;
  format: Format;
  failOn: FailOn;
  maxLineBytes: number;
  maxDepth: number;
  maxFindings: number;
  reorderWindow: number;
}

/**
 * The report options, shared by `verify` and `merge`: a merge must be able to print exactly
 * what the single run would have, so both take the same flags, defaults and limits.
 */
export function reportOptions(): Option[] {
  return [
    choiceOption('--format <format>', 'report format', FORMATS).default('text'),
    choiceOption('--fail-on <severity>', 'exit 1 when a finding is at or above this severity', FAIL_ON_VALUES).default('error'),
    new Option('--max-findings <n>', 'findings listed in the report, the most severe first (all are counted); 0 for no limit')
      .argParser(nonNegativeInt('--max-findings'))
      .default(DEFAULT_VERIFY_OPTIONS.maxFindings),
  ];
}

export function verifyCommand(chalk: Colour): Command {
  const cmd = new Command('verify')
    .description('verify the integrity of sel.audit/1 logs: canonical form, hashes, fingerprints, chain order and linkage')
    .argument('<log...>', 'a log file, a directory of *.jsonl files, or - for standard input')
    .option('--repo <dir>', 'the governance repository: replay every decision at its policy version, check reviews, exceptions and anchors')
    .option('--ref <ref>', 'the commit whose history and ledger replay uses (with --repo)', 'HEAD')
    .option('-q, --quiet', 'no progress bar (it is shown only when standard error is a terminal)');
  for (const o of jobsOptions()) cmd.addOption(o);
  cmd
    .option('--shard <i/n>', 'verify one Nth of the log set (by bytes, cut on line boundaries) and write its records with --shard-out; sel merge stitches the shards')
    .option('--shard-out <file>', 'where --shard writes its result')
    .option('--checkpoint <file>', 'incremental runs: start where the last clean run ended (and prove the new events link to it; with --repo, only where its events were replayed against this history, else from the start); the file is written after a run without errors that passes')
    .addOption(maxLineBytesOption())
    .addOption(maxDepthOption());
  for (const o of [...reportOptions(), reorderWindowOption()]) cmd.addOption(o);
  return cmd.action(async (logs: string[], flags: VerifyFlags, command: Command) => {
      // For a run and a shard alike: without --repo, a --ref would be dropped silently (and a
      // merge of such shards pass a set one run refuses). Any --ref given, its default's value too.
      if (flags.repo === undefined && command.getOptionValueSource('ref') === 'cli') throw new OperatorError('--ref needs --repo: it names a commit of the governance repository');
      if (flags.shard !== undefined) {
        if (flags.checkpoint !== undefined) throw new OperatorError('--shard and --checkpoint cannot be combined');
        if (command.getOptionValueSource('reorderWindow') === 'cli') throw new OperatorError('--reorder-window belongs to sel merge, where the chain check runs, not to --shard');
        // A shard writes records, not a report: these would be dropped in silence.
        for (const [key, flag] of [['format', '--format'], ['failOn', '--fail-on'], ['maxFindings', '--max-findings']] as const) {
          if (command.getOptionValueSource(key) === 'cli') throw new OperatorError(`${flag} belongs to sel merge, which writes the report, not to --shard (a shard writes its records to --shard-out)`);
        }
        const { verifyShard } = await import('./shard.js');
        await verifyShard(logs, flags.shard, flags.shardOut, flags.repo, flags.ref, {
          maxLineBytes: flags.maxLineBytes,
          maxDepth: flags.maxDepth,
          ...jobsRunOptions(flags, command),
          ...(await withProgress(flags.quiet !== true)),
        });
        return;
      }
      if (flags.shardOut !== undefined) throw new OperatorError('--shard-out needs --shard I/N');
      refuseOutputIntoLogs(logs);
      if (flags.format === 'github') await refuseStepSummaryInto(logs);
      const jobs = await startJobs(logs, flags, command);
      const { verifyLogs } = await import('../verify/run.js');
      // Checkpoints and replay (Git, the policy evaluator) are loaded only when asked for.
      const cp = flags.checkpoint === undefined ? null : await import('../verify/checkpoint.js');
      // Listed once: the run reads the files the checkpoint was compared with (RunOptions.resolved).
      const resolved = flags.checkpoint === undefined ? null : await resolveSources(logs);
      const sources = resolved?.sources ?? [];
      const checkpoint = flags.checkpoint === undefined || cp === null ? null
        : await cp.loadCheckpoint(flags.checkpoint, sources.flatMap((s) => (s.path === null ? [] : [s.path])), logs);
      // Checked once the checkpoint is known to be usable (a refused one says only why). Whoever
      // can write the logs can then edit it, move a chain's position and a file's verified part
      // together, and have the next run skip events (docs/ci.md: it is trusted input); not read
      // as a log (not *.jsonl), it was used in silence (found by review).
      const holder = flags.checkpoint === undefined ? null : await logDirHolding(flags.checkpoint, logs);
      if (holder !== null) process.stderr.write(`sel: warning: checkpoint ${flags.checkpoint} is in the log directory ${holder}: whoever writes the logs can edit it and have the next run skip events; keep it where only this job writes (docs/ci.md, "Incremental runs")\n`);
      // Paths once: where a file resumes (its real path), and where the checkpoint records it (where it was found).
      const reals = cp === null ? new Map<string, FilePaths>() : await cp.realPaths(sources);
      const prepared = checkpoint === null || cp === null ? { resume: null, findings: [] } : await cp.prepareResume(checkpoint, sources, flags.maxLineBytes, reals, logs);
      const options = {
        maxLineBytes: flags.maxLineBytes,
        maxDepth: flags.maxDepth,
        maxFindings: flags.maxFindings,
        chain: { ...DEFAULT_VERIFY_OPTIONS.chain, reorderWindow: flags.reorderWindow },
        resume: prepared.resume,
        ...(resolved === null ? {} : { resolved }),
        ...jobs,
        preFindings: prepared.findings,
        ...(await withProgress(flags.quiet !== true)),
      };
      let positions: readonly ChainPosition[] = [];
      let ends: IntegrityResult['ends'] = new Map();
      let report: Report;
      /** The commit this run replayed against (null: no --repo), for the checkpoint it writes. */
      let replayedAt: string | null = null;
      if (flags.repo === undefined) {
        const result = await verifyLogs(logs, options);
        positions = result.positions;
        ends = result.ends;
        report = buildReport(result, { performed: false, reason: 'no --repo given' }, flags.failOn);
      } else {
        const { verifyWithReplay } = await import('../verify/replay-run.js');
        const resumeReplay = checkpoint === null ? {} : { resumeReplay: { at: checkpoint.replay?.commit ?? null, label: flags.checkpoint! } };
        const { result, replay, fresh } = await verifyWithReplay(logs, flags.repo, flags.ref, { ...options, ...resumeReplay });
        // In every format's report only some show notes: said where a CI log shows it too.
        if (fresh !== null) process.stderr.write(`sel: ${fresh}\n`);
        positions = result.positions;
        ends = result.ends;
        replayedAt = replay.commit;
        report = buildReport(result, replay, flags.failOn);
      }
      const relativize = relativizer(flags.repo);
      await writeOut(await render(report, flags.format, chalk, relativize));
      if (flags.format === 'github') await appendStepSummary(async () => (await import('../report/github.js')).renderStepSummary(report, relativize), logs);
      // After the report: a checkpoint that advanced past a report never written would hide its
      // warnings and notes from every later run (found by review).
      if (flags.checkpoint !== undefined && cp !== null) {
        const errors = report.summary.findings.bySeverity.error;
        // Only past a run that passes: a run that fails (--fail-on warning on a TS_REGRESSION)
        // and advanced anyway would pass when the job is run again, its findings never read again.
        // Nor past a report whose reader went away before its end (`| head`): what it did not
        // read, no later run would show.
        if (!outputComplete()) {
          const why = 'the report\'s reader went away before its end';
          process.stderr.write(`sel: checkpoint ${flags.checkpoint} not advanced: ${why}\n`);
        } else if (errors === 0 && report.summary.result === 'pass') {
          // What the run verified (its report's bytes and lines), not the files as they are now.
          await cp.saveCheckpoint(flags.checkpoint, cp.makeCheckpoint(positions, sources, ends, reals, replayedAt));
        } else {
          process.stderr.write(`sel: checkpoint ${flags.checkpoint} not advanced: ${errors > 0 ? 'the run has errors' : `the run fails (--fail-on ${flags.failOn})`}\n`);
        }
      }
      process.exitCode = report.summary.result === 'fail' ? 1 : 0;
    });
}
