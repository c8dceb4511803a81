/**
 * Sharded verification: `sel verify LOG... --shard I/N --shard-out FILE` (one machine's part)
 * and `sel merge FILE...` (the report one run would have given). See src/shard/shard.ts.
 */
import { Command } from 'commander';
import type { Colour } from './colour.js';
import { OperatorError } from '../errors.js';
import type { GitRepo } from '../git/git.js';
import { mergeShards, quoted, readShardHeader } from '../shard/merge.js';
import type { ShardOptions } from '../shard/shard.js';
import { buildReport, type FailOn, type Report } from '../report/report.js';
import { DEFAULT_VERIFY_OPTIONS } from '../verify/verifier.js';
import { appendStepSummary, refuseStepSummaryInto, relativizer, render, reportOptions, type Format } from './verify.js';
import { writeOut } from './output.js';
import { reorderWindowOption } from './options.js';
import { refuseOutputIntoShards } from '../ingest/output-file.js';

/** verify --shard: checks one part and writes its records. */
export async function verifyShard(
  logs: readonly string[],
  shard: string,
  out: string | undefined,
  repo: string | undefined,
  ref: string,
  opts: Pick<ShardOptions, 'maxLineBytes' | 'maxDepth' | 'jobs' | 'jobsAuto' | 'unitBytes' | 'progress'>,
): Promise<void> {
  if (out === undefined) throw new OperatorError('--shard needs --shard-out FILE: where to write this shard\'s result');
  // An unset variable (--shard-out "$OUT") is named as such, not "cannot write the shard result : it does not exist".
  if (out.length === 0) throw new OperatorError('--shard-out is empty: name the file to write this shard\'s result to');
  // `-` is standard output elsewhere; a shard result is a file sel merge reads, never a stream
  // (it wrote a file named "-", found by review).
  if (out === '-') throw new OperatorError('--shard-out - would be standard output, but a shard result is a file for sel merge: name the file');
  // The line check is loaded for a shard, not for a merge.
  const { parseShard, runShard } = await import('../shard/shard.js');
  const { index, of } = parseShard(shard);
  let replay = null;
  let git: GitRepo | null = null;
  try {
    if (repo !== undefined) {
      // Git and the governance state are loaded only for a replay.
      const [{ GitRepo }, { readGovernance }] = await Promise.all([import('../git/git.js'), import('../git/history.js')]);
      git = await GitRepo.open(repo);
      const gov = await readGovernance(git, ref);
      replay = { index: gov.index, ledger: gov.ledger, ref, commit: gov.commit, repoDir: repo, repo: git };
    }
    const run = await runShard(logs, index, of, out, { ...DEFAULT_VERIFY_OPTIONS, ...opts }, replay);
    const lines = run.trailer.files.reduce((a, f) => a + f.lines, 0);
    process.stderr.write(`sel: shard ${index + 1}/${of}: ${lines} lines checked, written to ${out}; run sel merge on all ${of} shard results\n`);
  } finally {
    git?.close();
  }
}

interface MergeFlags {
  repo?: string;
  format: Format;
  failOn: FailOn;
  maxFindings: number;
  reorderWindow: number;
}

export function mergeCommand(chalk: Colour): Command {
  const cmd = new Command('merge')
    .description('stitch shard results (sel verify --shard I/N --shard-out FILE) into the report one run would give')
    .argument('<shard...>', 'shard result files, one per shard, in any order')
    .option('--repo <dir>', 'the governance repository (required when the shards replayed)');
  for (const o of [...reportOptions(), reorderWindowOption(' (the chain check runs here, not in the shards)')]) cmd.addOption(o);
  return cmd.action(async (shards: string[], f: MergeFlags) => {
    refuseOutputIntoShards(shards);
    if (f.format === 'github') await refuseStepSummaryInto(shards, 'shard result');
    await runMerge(shards, f, chalk);
  });
}

async function runMerge(shards: string[], f: MergeFlags, chalk: Colour): Promise<void> {
  const header = readShardHeader(shards[0]!);
  const replayed = header.replay;
  const options = { maxFindings: f.maxFindings, chain: { ...DEFAULT_VERIFY_OPTIONS.chain, reorderWindow: f.reorderWindow } };
  if (replayed === null) {
    if (f.repo !== undefined) throw new OperatorError('these shards did not replay (no --repo when they ran), so --repo cannot be used to merge them');
    const { result } = await mergeShards({ shards, options });
    await output(buildReport(result, { performed: false, reason: 'no --repo given' }, f.failOn), f, chalk, shards);
    return;
  }
  if (f.repo === undefined) throw new OperatorError(`these shards replayed against ${quoted(replayed.ref)} (${replayed.commit.slice(0, 12)}): pass the same repository with --repo`);
  const [{ GitRepo }, { readGovernance }, { Replayer }, { rewritesAt }, { workingCopyRewrite, deletedLogRewrite }] = await Promise.all([
    import('../git/git.js'),
    import('../git/history.js'),
    import('../replay/replay.js'),
    import('../verify/replay-run.js'),
    import('../git/append-only.js'),
  ]);
  const git = await GitRepo.open(f.repo);
  try {
    const gov = await readGovernance(git, replayed.commit, 'the commit the shards replayed at, from their --ref');
    // The shards' file names and where they are in the repository, as the shards resolved them:
    // the logs need not be where the merge runs, nor the merge run where the shards did.
    const rewrites = await rewritesAt(git, gov.commit, header.files.map((x, i) => ({ display: x.display, gitPath: replayed.paths[i]! })));
    const { result, replayer, anchors } = await mergeShards({
      shards,
      options,
      replayer: (report) => {
        const r = new Replayer({ index: gov.index, ledger: gov.ledger, repoLabel: f.repo!, ledgerRewrites: gov.ledgerRewrites }, report);
        r.ledgerFindings();
        return r;
      },
      begin: (report, headers) => {
        for (const r of rewrites) report(r);
        // Then, as one run: where each file read first differs from its committed version, the
        // first shard's that found a difference in its part.
        header.files.forEach((x, i) => {
          const diff = headers.map((h) => h.committed[i]).find((d) => d != null);
          if (diff != null) report(workingCopyRewrite(x.display, diff.commit, diff.line));
        });
        for (const display of header.deleted) report(deletedLogRewrite(display, gov.commit));
      },
    });
    const report = buildReport(result, {
      performed: true,
      repo: f.repo,
      ref: replayed.ref,
      commit: gov.commit,
      bundles: gov.index.byHash.size,
      commitsScanned: gov.index.commitsScanned,
      events: replayer!.replayCounts(),
      anchors,
      notes: gov.notes,
    }, f.failOn);
    await output(report, f, chalk, shards);
  } finally {
    git.close();
  }
}

/**
 * Prints the report as `sel verify` does, the step summary of --format github included (a merge
 * that left it out gave a CI run without the table one run gives), and sets the exit status.
 */
async function output(report: Report, f: MergeFlags, chalk: Colour, shards: readonly string[]): Promise<void> {
  const relativize = relativizer(f.repo);
  await writeOut(await render(report, f.format, chalk, relativize));
  if (f.format === 'github') await appendStepSummary(async () => (await import('../report/github.js')).renderStepSummary(report, relativize), shards, 'shard result');
  process.exitCode = report.summary.result === 'fail' ? 1 : 0;
}
