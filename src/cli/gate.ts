/** `sel gate LOG... --repo DIR [assertions]`: a release gate over verification and replay. */
import { Command, Option } from 'commander';
import type { Colour } from './colour.js';
import { OperatorError } from '../errors.js';
import { GitRepo } from '../git/git.js';
import { bundleAtRef } from '../git/history.js';
import { fromInstant, GateCollector, gateHeading, judge, parseSince, type GateAssertions, type GateReport, type Since } from '../gate/gate.js';
import { gateNote } from '../verify/notes.js';
import type { Severity } from '../findings/codes.js';
import { verifyWithReplay } from '../verify/replay-run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../verify/verifier.js';
import { VERSION } from '../version.js';
import { jsonDocument, printable } from '../report/printable.js';
import { choiceOption, jobsOptions, nonNegativeInt, positiveInt, reading, readingOptions, startJobs, type ReadingFlags } from './options.js';
import type { Finding } from '../findings/finding.js';
import { writeOut } from './output.js';
import { appendStepSummary, refuseStepSummaryInto, relativizer } from './verify.js';
import { refuseOutputIntoLogs } from '../ingest/output-file.js';
import { TIME_FORMS } from '../envelope/time.js';

interface GateFlags extends ReadingFlags {
  repo: string;
  ref: string;
  since?: string;
  maxSeverity?: Severity | 'none';
  divergence?: boolean;
  unverifiable?: boolean;
  requireAnchored?: boolean;
  policyAt?: string;
  unreviewedElevation?: boolean;
  minEvents?: number;
  maxFindings: number;
  format: 'text' | 'json' | 'junit' | 'github';
  jobs: number;
  unitBytes?: number;
}

/**
 * --since as the gate judges it. A ref is its commit's time, from its second on: git records
 * whole seconds, so an event in that second (ts ...:SS.000 to .999) may come after the commit,
 * and counts (fail closed); the range is "ts after one millisecond before the commit time".
 */
export async function resolveSince(repoDir: string, text: string | undefined, ref?: string): Promise<Since> {
  if (text === undefined) return { kind: 'all' };
  const s = parseSince(text);
  if (s === null) throw new OperatorError(`--since ${text} is neither a seq (a whole number up to ${Number.MAX_SAFE_INTEGER}) nor ${TIME_FORMS}`);
  const repo = await GitRepo.open(repoDir);
  try {
    if (s.kind !== 'ref') {
      await alsoNamesCommit(repo, text, s);
      return s;
    }
    const commit = await repo.resolveCommit(s.ref, '--since');
    // The range starts at the commit's time, which its committer wrote: a commit off the history
    // verified (a tag pushed, or moved, onto a side commit dated later; one left behind by a
    // rewrite) chose where the range starts, and a divergence between the release and that date
    // passed the gate (found by review). A release tag is in the history it released.
    if (ref !== undefined) {
      const head = await repo.resolveCommit(ref, '--ref');
      if (!(await repo.isAncestor(commit, head))) {
        throw new OperatorError(`--since ${s.ref} (${commit.slice(0, 12)}) is not in the history of --ref ${ref} (${head.slice(0, 12)}), so its commit time marks no point of that history: name a ref of that history, or a time`);
      }
    }
    const { date } = await repo.commitInfo(commit);
    const ms = Date.parse(date);
    if (Number.isNaN(ms)) throw new OperatorError(`cannot read the date of ${s.ref}`);
    // The commit too: a tag moved since names another commit, and the report says which one was judged.
    return { kind: 'ts', ts: fromInstant(ms), label: `${s.ref} (commit ${commit.slice(0, 12)}, ${date})` };
  } finally {
    repo.close();
  }
}

/**
 * A seq or a date that also names a commit (a short id of digits only, a tag named as a date) is
 * read as a seq or a time, as docs/ci.md says; said on standard error, since a commit meant
 * and a seq read make a range that may hold no event at all, and every assertion but
 * --min-events passes on none (found by review).
 */
async function alsoNamesCommit(repo: GitRepo, text: string, s: Since): Promise<void> {
  // Whatever its length: git reads no commit id shorter than 4 digits, but a tag 42 (a build
  // number) names a commit all the same, and was read as seq 42 unsaid (from mutation testing).
  // A ref of that name beside an abbreviated id is refused by resolveCommit as ambiguous: it names something all the same.
  const named = await repo.resolveCommit(text, '--since').then(
    (commit) => `commit ${commit.slice(0, 12)}`,
    (e: unknown) => (e instanceof OperatorError && e.message.includes(' is ambiguous ') ? 'a ref' : null),
  );
  const read = s.kind === 'seq' ? `a seq (events after seq ${s.seq})` : 'a time';
  if (named !== null) {
    process.stderr.write(`sel gate: --since ${text} is read as ${read}, but it also names ${named}; to mean that, give its full ref name or commit id\n`);
    return;
  }
  // A short id of two commits or more names none for git, and was read as a seq unsaid.
  const abbreviates = await repo.commitsAbbreviatedBy(text);
  if (abbreviates.length < 2) return;
  const ids = abbreviates.map((c) => c.slice(0, 12)).join(', ');
  process.stderr.write(`sel gate: --since ${text} is read as ${read}, but it also abbreviates the commits ${ids}; to mean one, give its commit id in full\n`);
}

async function policyHashAt(repoDir: string, ref: string): Promise<string> {
  const repo = await GitRepo.open(repoDir);
  try {
    const { loaded } = await bundleAtRef(repo, ref, '--policy-at');
    if (loaded === null) throw new OperatorError(`${ref} has no policy/ directory, so --policy-at cannot name a bundle`);
    if (loaded.hash === null) {
      // A file that is not JSON, or one not read (a symbolic link, a file too large): say which.
      const why = loaded.ok ? undefined : loaded.problems[0]?.message;
      throw new OperatorError(`the policy at ${ref} has no hash: ${why ?? 'a file there is not JSON'} (sel policy check lists what is wrong)`);
    }
    if (!loaded.ok) {
      // An invalid bundle decides nothing (SPEC.md §3): every event under it is POLICY_INVALID,
      // and "every event used it" would pass a release on a bundle that allows nothing.
      const p = loaded.problems[0];
      const what = p === undefined ? '' : ` (${p.message.includes(`policy/${p.file}`) ? p.message : `policy/${p.file}: ${p.message}`})`;
      throw new OperatorError(`the policy at ${ref} is invalid${what}, so it decides nothing: --policy-at needs a valid bundle (sel policy check lists what is wrong)`);
    }
    return loaded.hash;
  } finally {
    repo.close();
  }
}

/** Findings of one line held until its event is placed (a line has a few; a bound all the same). */
const MAX_HELD = 64;

export function gateCommand(chalk: Colour): Command {
  const cmd = new Command('gate')
    .description('a release gate: verify and replay the logs, then check assertions over the events after --since')
    .argument('<log...>', 'a log file, a directory of *.jsonl files, or -')
    .requiredOption('--repo <dir>', 'the governance repository')
    .option('--ref <ref>', 'the commit whose history and ledger are used', 'HEAD')
    .option('--since <point>', 'only events after it count: a seq number; or from it on: a Git ref (its commit date), an RFC 3339 time, or a date (from 00:00 UTC)')
    .addOption(choiceOption('--max-severity <level>', 'no finding above this severity', ['none', 'note', 'warning', 'error'] as const))
    .option('--no-divergence', 'no replayed decision differs from the recorded one')
    .option('--no-unverifiable', 'every decision could be replayed (policy known and valid, reviews and exceptions ledgered)')
    .option('--require-anchored', 'every event, in range or not, is covered by a matching anchor')
    .option('--policy-at <ref>', 'every event in range used the policy bundle at this ref')
    .option('--no-unreviewed-elevation', 'every allowed trust-zone elevation had the exception it needs')
    .addOption(new Option('--min-events <n>', 'at least this many events in range, all chains together (logs that stopped arriving fail)').argParser(positiveInt('--min-events')))
    .addOption(new Option('--max-findings <n>', 'findings kept to judge, the most severe first (all are counted); past it, an assertion that found nothing fails (cannot tell) unless a finding kept is less severe than any it looks for. 0 for no limit').argParser(nonNegativeInt('--max-findings')).default(DEFAULT_VERIFY_OPTIONS.maxFindings))
    .addOption(choiceOption('--format <format>', 'output format (junit and github for CI: one test case or annotation per assertion)', ['text', 'json', 'junit', 'github'] as const).default('text'));
  for (const o of jobsOptions()) cmd.addOption(o);
  for (const o of readingOptions()) cmd.addOption(o);
  return cmd.action(async (logs: string[], flags: GateFlags, command: Command) => {
      // commander's --no-X options default to true; an assertion is asked for when it is false.
      const assertions: GateAssertions = {
        ...(flags.maxSeverity === undefined ? {} : { maxSeverity: flags.maxSeverity }),
        ...(flags.divergence === false ? { noDivergence: true } : {}),
        ...(flags.unverifiable === false ? { noUnverifiable: true } : {}),
        ...(flags.requireAnchored === true ? { requireAnchored: true } : {}),
        ...(flags.unreviewedElevation === false ? { noUnreviewedElevation: true } : {}),
        ...(flags.minEvents === undefined ? {} : { minEvents: flags.minEvents }),
      };
      if (Object.keys(assertions).length === 0 && flags.policyAt === undefined) {
        throw new OperatorError('name at least one assertion (--max-severity, --no-divergence, --no-unverifiable, --require-anchored, --policy-at, --no-unreviewed-elevation, --min-events)');
      }
      refuseOutputIntoLogs(logs);
      if (flags.format === 'github') await refuseStepSummaryInto(logs);
      const jobs = await startJobs(logs, flags, command);
      const policyAt = flags.policyAt === undefined ? undefined : { ref: flags.policyAt, hash: await policyHashAt(flags.repo, flags.policyAt) };
      const all: GateAssertions = policyAt === undefined ? assertions : { ...assertions, policyAt };
      const since = await resolveSince(flags.repo, flags.since, flags.ref);
      const collector = new GateCollector(since);
      // Findings are kept up to --max-findings (memory stays flat on a log full of faults); with
      // --since SEQ only those in range, which is decided as they come (with a time, a finding's
      // place depends on events not read yet, so all are kept).
      // And counted by code as they are (`judge`'s counts by code): the run's own counts hold those
      // before the range too, never kept and never left out, and a code found only there made an
      // assertion on it "cannot tell" under --max-findings (found by review).
      const inRangeByCode: Record<string, number> = {};
      // A late arrival's line checks (a FINGERPRINT_MISMATCH) report before the chain check finds
      // it late, which puts what is found at its seq in range wherever that is (GateCollector
      // .noteLate): with --since SEQ, the findings of the line just read that were left out are
      // held until its event is placed or set aside, and then judged with the kept ones. They
      // were dropped, and the gate named one integrity error of two (found by review).
      const held = { at: '', findings: [] as Finding[] };
      const late = { findings: [] as Finding[], omitted: 0 };
      const placeOf = (file: string, line: number) => `${file}\u0000${line}`;
      const keep = since.kind === 'seq' ? {
        keepFinding: (x: Finding) => {
          if (!collector.findingInRange(x)) {
            if (x.location === null) return false;
            const at = placeOf(x.location.file, x.location.line);
            if (at !== held.at) {
              held.at = at;
              held.findings = [];
            }
            if (held.findings.length < MAX_HELD) held.findings.push(x);
            return false;
          }
          inRangeByCode[x.code] = (inRangeByCode[x.code] ?? 0) + 1;
          return true;
        },
      } : {};
      const cameLate = (rec: { ref: { file: string; line: number } }) => {
        if (held.at !== placeOf(rec.ref.file, rec.ref.line)) return;
        for (const x of held.findings) {
          if (!collector.findingInRange(x)) continue;
          inRangeByCode[x.code] = (inRangeByCode[x.code] ?? 0) + 1;
          if (flags.maxFindings === 0 || late.findings.length < flags.maxFindings) late.findings.push(x);
          else late.omitted++;
        }
        held.at = '';
        held.findings = [];
      };
      const { result, replay } = await verifyWithReplay(logs, flags.repo, flags.ref, {
        ...DEFAULT_VERIFY_OPTIONS,
        ...reading(flags),
        maxFindings: flags.maxFindings,
        ...keep,
        ...jobs,
      }, {
        onEvent: (rec) => collector.onEvent(rec, gateNote(rec)),
        onBranch: (rec, isLate) => {
          collector.onBranch(rec, gateNote(rec), isLate);
          if (isLate && since.kind === 'seq') cameLate(rec);
        },
        note: { kind: 'gate', policyHash: policyAt?.hash ?? null },
      });
      const results = judge(all, collector, [...result.findings, ...late.findings], result.summary.findings.omitted + late.omitted, replay.anchors, since.kind === 'seq' ? inRangeByCode : result.summary.findings.byCode, result.summary.findings.byCode);
      const pass = results.every((r) => r.pass);
      const inRange = collector.eventsInRange;
      const sinceText = since.kind === 'all' ? 'all events' : since.kind === 'seq' ? `events after seq ${since.seq}` : `events from ${since.label}`;
      const report: GateReport = { range: sinceText, eventsInRange: inRange, repo: flags.repo, ref: flags.ref, commit: replay.commit, pass, assertions: results };
      // CI formats name files as verify's do: relative to the governance repository.
      const relativize = relativizer(flags.repo);
      if (flags.format === 'json') {
        await writeOut(jsonDocument({
          tool: { name: 'sel', version: VERSION },
          command: 'gate',
          repo: flags.repo,
          ref: flags.ref,
          commit: replay.commit,
          since: since.kind === 'all' ? null : since,
          eventsInRange: inRange,
          result: pass ? 'pass' : 'fail',
          assertions: results,
          // What verify's report notes of the repository (replace refs ignored), where there is any.
          ...(replay.notes.length > 0 ? { notes: replay.notes } : {}),
        }));
      } else if (flags.format === 'junit') {
        await writeOut((await import('../report/gate-formats.js')).renderGateJunit(report, relativize));
      } else if (flags.format === 'github') {
        const formats = await import('../report/gate-formats.js');
        await writeOut(formats.renderGateGithub(report, relativize));
        await appendStepSummary(async () => formats.renderGateStepSummary(report, relativize), logs);
      } else {
        const c = await chalk();
        const p = printable;
        const lines = [c.bold(p(gateHeading(report)))];
        for (const n of replay.notes) lines.push(c.dim(`  note: ${p(n)}`));
        for (const r of results) lines.push(`  ${r.pass ? c.green('PASS') : c.red('FAIL')}  ${p(r.name)}: ${p(r.reason)}`);
        lines.push(pass ? c.green.bold('gate: PASS') : c.red.bold('gate: FAIL'));
        await writeOut(`${lines.join('\n')}\n`);
      }
      process.exitCode = pass ? 0 : 1;
    });
}
