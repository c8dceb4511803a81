/**
 * Forensics: `sel explain` (one event, as a person reads it, with its policy version, the
 * evaluation trace rule by rule, the ledger artifacts that applied and its links; `--policy
 * REF` for what-if), `sel impact` (what a policy version would change across a whole log),
 * and `sel timeline` (filtered events, streaming).
 */
import { Command, Option } from 'commander';
import type { Colour } from './colour.js';
import { describeIoError, OperatorError } from '../errors.js';
import type { PlacedEvent, SelEvent } from '../envelope/types.js';
import type { Finding, Location } from '../findings/finding.js';
import { GitRepo } from '../git/git.js';
import { bundleAtRef, indexPolicies, readGovernance, type Governance } from '../git/history.js';
import { traceLines, type Evaluation, type ExceptionStatus, type ReviewStatus } from '../policy/evaluate.js';
import { evalUnder, sameDecision } from '../replay/impact.js';
import { impactNote } from '../verify/notes.js';
import type { BundleFiles } from '../verify/worker-protocol.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { verifyWithReplay } from '../verify/replay-run.js';
import { verifyLogs } from '../verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../verify/verifier.js';
import { printable } from '../report/printable.js';
import { matchesFilter, type EventFilter } from '../envelope/filter.js';
import { jobsOptions, nonNegativeInt, oneOf, startJobs } from './options.js';
import { writeOut } from './output.js';
import { plainEvent } from '../envelope/lazy-request.js';
import { parseTimePoint, TIME_FORMS } from '../envelope/time.js';
import { readLineAt } from '../ingest/line-at.js';
import { resolveSources } from '../ingest/sources.js';

/** What a review's or an exception's status means, for people (JSON gives the status). */
const REVIEW_TEXT: Readonly<Record<ReviewStatus, string>> = {
  'approved': 'approved, for this request and policy version',
  'missing': 'not in the ledger',
  'rejected': 'rejected',
  'mismatch': 'for another request or policy version',
  'expired': 'expired before the event',
  'not-yet-valid': 'not yet valid at the event',
};
const EXCEPTION_TEXT: Readonly<Record<ExceptionStatus, string>> = {
  'covers': 'in force, and covers the request',
  'no-ref': 'the event names no exception',
  'not-found': 'not in the ledger',
  'expired': 'expired before the event',
  'not-yet-valid': 'not yet granted at the event',
  'scope-mismatch': 'scoped to another request',
  'review-not-approved': 'its review is not approved and in force',
  'review-of-another': 'its review is of another exception',
};

const showDecision = (d: SelEvent['decision']) => `${d.action}  rule ${d.rule ?? '(none)'}  severity ${d.severity}`;

/**
 * The bundle at `ref` (--policy), refused when it is not valid, compiled as replay would:
 * with the reserved tool names its history reserved (history.ts, reservedBefore).
 */
async function policyAt(repoDir: string, ref: string, gov: Governance): Promise<{ commit: string; policy: CompiledPolicy; bundle: BundleFiles }> {
  const repo = await GitRepo.open(repoDir);
  try {
    const { commit, loaded } = await bundleAtRef(repo, ref, '--policy');
    if (loaded === null) throw new OperatorError(`${ref} has no policy/ directory`);
    if (!loaded.ok) throw new OperatorError(`the policy at ${ref} is not valid, so it decides nothing: ${loaded.problems[0]?.message ?? 'see sel policy check'}`);
    // As replay evaluates it: with the reserved names its history adds. A version outside the
    // history --ref reaches (an open branch) is indexed on its own history for that.
    const known = gov.index.byHash.get(loaded.hash) ?? (await indexPolicies(repo, commit)).byHash.get(loaded.hash);
    const inherited = known?.loaded.ok === true ? known.inherited : [];
    // The same version as data: impact's notes are made from it on every thread (src/verify/notes.ts).
    const bundle = { hash: loaded.hash, files: [...loaded.texts.entries()], inherited };
    return { commit, policy: known?.loaded.ok === true ? known.loaded.policy : loaded.policy, bundle };
  } finally {
    repo.close();
  }
}

interface ExplainFlags {
  repo: string;
  ref: string;
  seq: number;
  chain?: string;
  policy?: string;
  format: 'text' | 'json';
  jobs: number;
  unitBytes?: number;
}

function explainCommand(chalk: Colour): Command {
  const cmd = new Command('explain')
    .description('one event as a person reads it: its policy version, the evaluation trace, recorded vs replayed decision, ledger artifacts, links')
    .argument('<log...>', 'a log file, a directory of *.jsonl files, or -')
    .requiredOption('--repo <dir>', 'the governance repository')
    .option('--ref <ref>', 'the commit whose history and ledger are used', 'HEAD')
    .requiredOption('--seq <n>', 'the event seq', nonNegativeInt('--seq'))
    .option('--chain <id>', 'the chain (needed when several chains have that seq)')
    .option('--policy <ref>', 'what if: also evaluate the event under the policy bundle at this ref')
    .addOption(new Option('--format <format>', 'output format').argParser(oneOf('--format', ['text', 'json'] as const)).default('text'));
  for (const o of jobsOptions()) cmd.addOption(o);
  return cmd.action(async (logs: string[], f: ExplainFlags, command: Command) => {
      const jobs = await startJobs(logs, f, command);
      const near = new Map<string, PlacedEvent>();
      const chains = new Set<string>();
      const tap = (rec: PlacedEvent) => {
        if (f.chain !== undefined && rec.chain !== f.chain) return;
        if (rec.seq === f.seq) chains.add(rec.chain);
        if (rec.seq >= f.seq - 1 && rec.seq <= f.seq + 1) near.set(`${rec.chain}\u0000${rec.seq}`, rec);
      };
      // With --jobs, replay stays in the workers; they send whole only the events at --seq.
      const { result, governance: gov } = await verifyWithReplay(logs, f.repo, f.ref, { ...DEFAULT_VERIFY_OPTIONS, maxFindings: 0, ...jobs }, {
        onEvent: tap,
        sendWhole: { seq: f.seq, ...(f.chain === undefined ? {} : { chain: f.chain }) },
      });
      if (chains.size === 0) {
        // No intact event: what the log and the ledger say about the seq instead. A damaged
        // line still names the seq it claims; a missing one leaves a gap, or an anchor.
        const about = result.findings.filter((x) => (x.seq === f.seq || coversSeq(x, f.seq)) && (f.chain === undefined || x.chain === f.chain));
        if (about.length === 0) {
          throw new OperatorError(printable(`no line of the log has seq ${f.seq}${f.chain === undefined ? '' : ` in chain ${f.chain}`}, and no finding is about it (run sel verify to see the log's findings)`));
        }
        const claimed = [...new Set(about.map((x) => x.chain))];
        if (claimed.length > 1) {
          throw new OperatorError(printable(`findings about seq ${f.seq} are in several chains (${claimed.map((x) => x ?? 'unknown').sort().join(', ')}): name one with --chain`));
        }
        await explainMissing(logs, f, claimed[0]!, about, near, chalk);
        return;
      }
      if (chains.size > 1) throw new OperatorError(`several chains have seq ${f.seq} (${[...chains].sort().join(', ')}): name one with --chain`);
      const chain = [...chains][0]!;
      const rec = near.get(`${chain}\u0000${f.seq}`)!;
      const prev = near.get(`${chain}\u0000${f.seq - 1}`);
      const next = near.get(`${chain}\u0000${f.seq + 1}`);
      const findings = result.findings.filter((x) => x.chain === chain && x.seq === f.seq);
      const e = rec.event;
      let policyInfo: { hash: string; commit: string | null; date: string; author: string; subject: string; valid: boolean } | null = null;
      let replayed: Evaluation | null = null;
      let whatIf: { ref: string; commit: string; evaluation: Evaluation } | null = null;
      if (e !== null) {
        const v = gov.index.byHash.get(e.policy_hash);
        if (v !== undefined) {
          const repo = await GitRepo.open(f.repo);
          try {
            const info = await repo.commitInfo(v.commits[0]!);
            policyInfo = { hash: e.policy_hash, commit: v.commits[0]!, ...info, valid: v.loaded.ok };
          } finally {
            repo.close();
          }
          if (v.loaded.ok) replayed = evalUnder(v.loaded.policy, e, gov.ledger);
        } else {
          policyInfo = { hash: e.policy_hash, commit: null, date: '', author: '', subject: '', valid: false };
        }
        if (f.policy !== undefined) {
          const p = await policyAt(f.repo, f.policy, gov);
          whatIf = { ref: f.policy, commit: p.commit, evaluation: evalUnder(p.policy, e, gov.ledger) };
        }
      }
      // A line placed in its chain whose event failed a line check: shown as it reads now.
      const lines = e === null ? [await rawLine((await logPaths(logs)).get(rec.ref.file) ?? null, { file: rec.ref.file, line: rec.ref.line })] : [];
      const links = {
        prev: prev === undefined ? null : { seq: prev.seq, location: prev.ref, hash: prev.hash, links: prev.hash === rec.prevHash },
        next: next === undefined ? null : { seq: next.seq, location: next.ref, prevHash: next.prevHash, links: next.prevHash === rec.hash },
      };
      if (f.format === 'json') {
        await writeOut(`${JSON.stringify({
          chain, seq: f.seq, location: { file: rec.ref.file, line: rec.ref.line }, event: e, lines, policy: policyInfo,
          recorded: e?.decision ?? null, replayed: replayed?.decision ?? null,
          matches: replayed === null || e === null ? null : sameDecision(e.decision, replayed.decision),
          trace: replayed?.trace ?? null, review: replayed?.review ?? null, exception: replayed?.exception ?? null,
          whatIf: whatIf === null ? null : { ref: whatIf.ref, commit: whatIf.commit, decision: whatIf.evaluation.decision, trace: whatIf.evaluation.trace },
          links, findings,
        }, null, 2)}\n`);
        return;
      }
      const c = await chalk();
      // Everything from the log, the repository or the command line is shown through p
      // (printable): an event's fields must not forge lines or drive the terminal.
      const p = printable;
      const at = (ref: { file: string; line: number }) => `${p(ref.file)}:${ref.line}`;
      const decision = (d: SelEvent['decision']) => p(showDecision(d));
      const trace = (t: Evaluation['trace']) => traceLines(t).map((l, i) => `  ${String(i + 1).padStart(2)}. ${p(l)}`);
      const L: string[] = [c.bold(`event ${p(chain)} seq ${f.seq}`) + c.dim(`  ${at(rec.ref)}`)];
      if (e === null) {
        L.push('  the event did not pass its line checks, so it is not evaluated: see the findings below');
        for (const raw of lines) L.push(...showLine(raw, c));
      } else {
        L.push(`  ts          ${p(e.ts)}`, `  kind        ${p(e.kind)}`, `  actor       ${p(e.actor.id)} (${p(e.actor.zone)})`, `  request     ${p(JSON.stringify(e.request))}`,
          `  fingerprint ${p(e.request_fingerprint)}`, `  hash        ${p(e.hash)}`);
        if (e.exception_ref !== undefined) L.push(`  exception   ${p(e.exception_ref)}`);
        L.push(c.bold('policy') + `  ${p(e.policy_hash)}`);
        if (policyInfo?.commit === null || policyInfo === null) L.push(c.red('  not in the repository history reachable from the ref: the decision cannot be replayed'));
        else L.push(`  commit ${policyInfo.commit.slice(0, 12)}  ${p(policyInfo.date)}  ${p(policyInfo.author)}`, `  "${p(policyInfo.subject)}"${policyInfo.valid ? '' : c.red('  (the bundle is invalid)')}`);
        L.push(c.bold('decision'), `  recorded  ${decision(e.decision)}`);
        if (replayed !== null) {
          const same = sameDecision(e.decision, replayed.decision);
          L.push(`  replayed  ${decision(replayed.decision)}  ${same ? c.green('(the same)') : c.red('(DIVERGES)')}`);
          L.push(c.bold('trace'), ...trace(replayed.trace));
          if (replayed.review !== null) L.push(`  review    ${p(replayed.review.path)}: ${REVIEW_TEXT[replayed.review.status]} (${replayed.review.status})`);
          if (replayed.exception !== null) {
            const ex = replayed.exception;
            L.push(`  exception ${ex.ref === null ? 'none' : p(ex.ref)}: ${EXCEPTION_TEXT[ex.status]} (${ex.status})`);
          }
        }
        if (whatIf !== null) {
          L.push(c.bold(`what if --policy ${p(whatIf.ref)}`) + c.dim(` (commit ${whatIf.commit.slice(0, 12)})`),
            `  decision  ${decision(whatIf.evaluation.decision)}  ${sameDecision(e.decision, whatIf.evaluation.decision) ? '(as recorded)' : '(differs from the record)'}`,
            ...trace(whatIf.evaluation.trace));
        }
      }
      L.push(c.bold('links'));
      L.push(links.prev === null ? '  no intact seq ' + (f.seq - 1) : `  seq ${links.prev.seq} at ${at(links.prev.location)}: its hash ${links.prev.links ? c.green('is') : c.red('is not')} this event's prev_hash`);
      L.push(links.next === null ? '  no intact seq ' + (f.seq + 1) : `  seq ${links.next.seq} at ${at(links.next.location)}: its prev_hash ${links.next.links ? c.green('is') : c.red('is not')} this event's hash`);
      L.push(c.bold('findings at this event'));
      if (findings.length === 0) L.push('  none');
      for (const x of findings) L.push(`  ${x.code}${x.location === null ? '' : ` at ${at(x.location)}`}: ${p(x.message)}`);
      await writeOut(`${L.join('\n')}\n`);
    });
}

/** A SEQ_GAP whose missing range holds `seq` (its own seq is the event after the gap). */
function coversSeq(x: Finding, seq: number): boolean {
  const from = x.detail?.['from'];
  const to = x.detail?.['to'];
  return x.code === 'SEQ_GAP' && typeof from === 'number' && typeof to === 'number' && from <= seq && seq <= to;
}

/** A line of the log as it reads now, or why it cannot be read again. */
type RawLine = { readonly location: Location; readonly bytes: number; readonly text: string; readonly truncated: boolean } | { readonly location: Location; readonly error: string };

/** The most of a line explain shows. */
const RAW_LINE_BYTES = 4096;

/** Each log's path by the name findings give it (null: standard input). */
async function logPaths(logs: readonly string[]): Promise<Map<string, string | null>> {
  return new Map((await resolveSources(logs)).sources.map((x) => [x.display, x.path]));
}

/** The line at `location` of the log read from `path` (null: standard input, not kept). */
async function rawLine(path: string | null, location: Location): Promise<RawLine> {
  if (path === null) return { location, error: 'read from standard input, which sel does not keep' };
  try {
    const line = await readLineAt(path, location.line, RAW_LINE_BYTES);
    return line === null ? { location, error: 'the file has fewer lines now' } : { location, ...line };
  } catch (e) {
    return { location, error: `cannot read it again: ${describeIoError(e)}` };
  }
}

/** A line read again, for people: where, how long, and its text (escaped as evidence is). */
function showLine(raw: RawLine, c: Awaited<ReturnType<Colour>>): string[] {
  const at = `${printable(raw.location.file)}:${raw.location.line}`;
  if ('error' in raw) return [c.bold('line') + `  ${at}: ${printable(raw.error)}`];
  const size = `${raw.bytes} byte${raw.bytes === 1 ? '' : 's'}${raw.truncated ? `, the first ${Buffer.byteLength(raw.text)} shown` : ''}`;
  return [c.bold('line') + `  ${at}` + c.dim(`  (${size}, as it reads now)`), `  ${printable(raw.text)}`];
}

/** The hashes a line names, when it is a JSON object that names them as strings. */
function namedHashes(raw: RawLine | undefined): { prevHash: string | null; hash: string | null } {
  const none = { prevHash: null, hash: null };
  if (raw === undefined || !('text' in raw) || raw.truncated) return none;
  let v: unknown;
  try {
    v = JSON.parse(raw.text);
  } catch {
    return none;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return none;
  const o = v as Record<string, unknown>;
  return { prevHash: typeof o['prev_hash'] === 'string' ? o['prev_hash'] : null, hash: typeof o['hash'] === 'string' ? o['hash'] : null };
}

/**
 * `sel explain` of a seq no intact event has: the lines of the log that claim it (damaged,
 * as they read now), the findings about it (their own, a gap it falls in, an anchor that
 * names it), and what the intact events around it link to.
 */
async function explainMissing(
  logs: readonly string[],
  f: ExplainFlags,
  chain: string | null,
  findings: readonly Finding[],
  near: ReadonlyMap<string, PlacedEvent>,
  chalk: Colour,
): Promise<void> {
  // The lines that claim the seq: its findings located in the log (not the gap's successor,
  // not an anchor in the repository), each read again from its file.
  const paths = await logPaths(logs);
  const lines: RawLine[] = [];
  for (const x of findings) {
    const loc = x.location;
    if (loc === null || x.seq !== f.seq || !paths.has(loc.file)) continue;
    if (lines.some((l) => l.location.file === loc.file && l.location.line === loc.line)) continue;
    lines.push(await rawLine(paths.get(loc.file)!, loc));
  }
  const named = namedHashes(lines[0]);
  const prev = chain === null ? undefined : near.get(`${chain}\u0000${f.seq - 1}`);
  const next = chain === null ? undefined : near.get(`${chain}\u0000${f.seq + 1}`);
  // Whether a neighbour links to the (first) line; null when there is no line to compare with.
  const links = {
    prev: prev === undefined ? null : { seq: prev.seq, location: prev.ref, hash: prev.hash, links: named.prevHash === null ? null : prev.hash === named.prevHash },
    next: next === undefined ? null : { seq: next.seq, location: next.ref, prevHash: next.prevHash, links: named.hash === null ? null : next.prevHash === named.hash },
  };
  if (f.format === 'json') {
    await writeOut(`${JSON.stringify({
      chain, seq: f.seq, location: lines[0]?.location ?? null, event: null, lines, policy: null,
      recorded: null, replayed: null, matches: null, trace: null, review: null, exception: null, whatIf: null,
      links, findings,
    }, null, 2)}\n`);
    return;
  }
  const c = await chalk();
  const p = printable;
  const at = (ref: Location) => `${p(ref.file)}:${ref.line}`;
  const L: string[] = [c.bold(`event ${p(chain ?? '(unknown chain)')} seq ${f.seq}`) + c.red('  no intact event')];
  if (lines.length === 0) L.push('  no line of the log names this seq');
  else L.push(`  ${lines.length === 1 ? 'one damaged line claims' : `${lines.length} damaged lines claim`} this seq; nothing in a damaged line can be trusted, so it is not evaluated`);
  for (const raw of lines) L.push(...showLine(raw, c));
  L.push(c.bold('findings about this seq'));
  for (const x of findings) {
    L.push(`  ${x.code}${x.location === null ? '' : ` at ${at(x.location)}`}: ${p(x.message)}`);
    if (x.expected !== undefined) L.push(`    expected ${p(JSON.stringify(x.expected))}`);
    if (x.actual !== undefined) L.push(`    actual   ${p(JSON.stringify(x.actual))}`);
  }
  const verb = (ok: boolean) => (ok ? c.green('is') : c.red('is not'));
  L.push(c.bold('links'));
  if (links.prev === null) L.push(`  no intact seq ${f.seq - 1}`);
  else if (links.prev.links === null) L.push(`  seq ${links.prev.seq} at ${at(links.prev.location)}: its hash is ${p(links.prev.hash)}`);
  else L.push(`  seq ${links.prev.seq} at ${at(links.prev.location)}: its hash ${verb(links.prev.links)} the prev_hash this line names`);
  if (links.next === null) L.push(`  no intact seq ${f.seq + 1}`);
  else if (links.next.links === null) L.push(`  seq ${links.next.seq} at ${at(links.next.location)}: its prev_hash, the hash of seq ${f.seq} when it was written, is ${p(links.next.prevHash)}`);
  else L.push(`  seq ${links.next.seq} at ${at(links.next.location)}: its prev_hash ${verb(links.next.links)} the hash this line records`);
  // An anchor names the hash the seq had when it was anchored: does the successor agree?
  const anchor = findings.find((x) => x.code === 'ANCHOR_MISMATCH' && typeof x.expected === 'string' && x.location !== null);
  if (links.next !== null && anchor !== undefined) {
    L.push(`  seq ${links.next.seq}'s prev_hash ${verb(links.next.prevHash === anchor.expected)} the hash the anchor at ${at(anchor.location!)} records for seq ${f.seq}`);
  }
  await writeOut(`${L.join('\n')}\n`);
}

interface ImpactFlags {
  jobs: number;
  unitBytes?: number;
  repo: string;
  ref: string;
  policy: string;
  maxEvents: number;
  format: 'text' | 'json';
}

function impactCommand(chalk: Colour): Command {
  const cmd = new Command('impact')
    .description('replay a whole log under one policy version and report which past decisions would change')
    .argument('<log...>', 'a log file, a directory of *.jsonl files, or -')
    .requiredOption('--repo <dir>', 'the governance repository')
    .option('--ref <ref>', 'the commit whose ledger is used', 'HEAD')
    .requiredOption('--policy <ref>', 'the policy version to replay under (e.g. a PR branch)')
    .addOption(new Option('--max-events <n>', 'changed events listed (all are counted)').argParser(nonNegativeInt('--max-events')).default(200))
    .addOption(new Option('--format <format>', 'output format').argParser(oneOf('--format', ['text', 'json'] as const)).default('text'));
  for (const o of jobsOptions()) cmd.addOption(o);
  return cmd.action(async (logs: string[], f: ImpactFlags, command: Command) => {
      const jobs = await startJobs(logs, f, command);
      const repo = await GitRepo.open(f.repo);
      let gov: Governance;
      try {
        gov = await readGovernance(repo, f.ref);
      } finally {
        repo.close();
      }
      const target = await policyAt(f.repo, f.policy, gov);
      const transitions = new Map<string, number>();
      const changed: { chain: string; seq: number; location: { file: string; line: number }; kind: string; recorded: SelEvent['decision']; would: SelEvent['decision'] }[] = [];
      let evaluated = 0;
      let changes = 0;
      // Each event is evaluated where it is parsed, and noted only when it would change or was
      // not evaluated (src/replay/impact.ts).
      const result = await verifyLogs(logs, { ...DEFAULT_VERIFY_OPTIONS, ...jobs }, {
        note: { kind: 'impact', bundle: target.bundle, ledger: [...gov.ledger.files.entries()] },
        requestsByName: true,
        onEvent: (rec) => {
          const note = impactNote(rec);
          if (note !== null && !note.evaluated) return;
          evaluated++;
          if (note === null) return;
          changes++;
          const key = `${note.recorded.action} ${note.recorded.rule ?? '(none)'} -> ${note.would.action} ${note.would.rule ?? '(none)'}`;
          transitions.set(key, (transitions.get(key) ?? 0) + 1);
          if (changed.length < f.maxEvents) changed.push({ chain: rec.chain, seq: rec.seq, location: { file: rec.ref.file, line: rec.ref.line }, kind: note.kind, recorded: note.recorded, would: note.would });
        },
      });
      const sorted = [...transitions.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const integrity = result.summary.findings.total;
      if (f.format === 'json') {
        await writeOut(`${JSON.stringify({ policy: { ref: f.policy, commit: target.commit, hash: target.policy.hash }, events: evaluated, changed: changes, transitions: sorted.map(([t, n]) => ({ transition: t, count: n })), examples: changed, integrityFindings: integrity }, null, 2)}\n`);
      } else {
        const c = await chalk();
        const p = printable;
        const L = [c.bold(`sel impact: ${evaluated} decisions replayed under ${p(f.policy)} (${target.commit.slice(0, 12)}, ${target.policy.hash.slice(0, 19)}…)`),
          `${changes} would change${changes === 0 ? '' : ':'}`];
        for (const [t, n] of sorted) L.push(`  ${String(n).padStart(7)}  ${p(t)}`);
        if (changed.length > 0) L.push(c.bold('events'));
        for (const x of changed) L.push(p(`  ${x.location.file}:${x.location.line}  ${x.chain} seq ${x.seq}  ${x.kind}: ${x.recorded.action} -> ${x.would.action} (${x.would.rule ?? 'no rule'}, ${x.would.severity})`));
        if (changes > changed.length) L.push(c.dim(`  ${changes - changed.length} more (--max-events)`));
        if (integrity > 0) L.push(c.yellow(`note: the logs have ${integrity} integrity finding(s); events that failed them are not replayed (run sel verify)`));
        await writeOut(`${L.join('\n')}\n`);
      }
      process.exitCode = 0;
    });
}

interface TimelineFlags {
  actor?: string;
  tool?: string;
  action?: string;
  kind?: string;
  chain?: string;
  from?: string;
  to?: string;
  format: 'text' | 'jsonl';
  jobs: number;
  unitBytes?: number;
}

function timelineCommand(): Command {
  const cmd = new Command('timeline')
    .description('filtered events as a readable table or JSONL, streaming (integrity is checked on the way; findings go to stderr)')
    .argument('<log...>', 'a log file, a directory of *.jsonl files, or -')
    .option('--actor <id>', 'only this actor')
    .option('--tool <name>', 'only requests for this tool (request.tool)')
    .addOption(new Option('--action <action>', 'only this recorded action').argParser(oneOf('--action', ['allow', 'warn', 'review', 'block'] as const)))
    .option('--kind <kind>', 'only this event kind')
    .option('--chain <id>', 'only this chain')
    .option('--from <time>', 'only events at or after this time (RFC 3339, or a date: from 00:00 UTC that day)')
    .option('--to <time>', 'only events before this time (RFC 3339, or a date: before 00:00 UTC that day)')
    .addOption(new Option('--format <format>', 'output format').argParser(oneOf('--format', ['text', 'jsonl'] as const)).default('text'));
  // One thread unless --jobs says otherwise: with few filters most events are shown, and
  // sending them whole from the workers costs more than checking them there saves (300 MB,
  // every event shown: --jobs 2 0.90x of one thread, 261 MB of RSS against 110 MB).
  for (const o of jobsOptions(true)) cmd.addOption(o);
  return cmd.action(async (logs: string[], f: TimelineFlags, command: Command) => {
      const bound = (t: string | undefined, name: string) => {
        if (t === undefined) return null;
        // --from: at or after; --to: before. Either way a finer time rounds up (time.ts).
        const ts = parseTimePoint(t, 'ceil');
        if (ts === null) throw new OperatorError(`${name} ${t} is not ${TIME_FORMS}`);
        return ts;
      };
      const from = bound(f.from, '--from');
      const to = bound(f.to, '--to');
      const jobs = await startJobs(logs, f, command);
      let buf = '';
      let shown = 0;
      const flush = () => {
        if (buf.length > 0) process.stdout.write(buf);
        buf = '';
      };
      if (f.format === 'text') buf += `${'ts'.padEnd(24)}  ${'chain'.padEnd(14)} ${'seq'.padStart(7)}  ${'kind'.padEnd(18)} ${'actor'.padEnd(14)} ${'action'.padEnd(6)}  rule / target\n`;
      const filter: EventFilter = {
        ...(f.actor === undefined ? {} : { actor: f.actor }),
        ...(f.kind === undefined ? {} : { kind: f.kind }),
        ...(f.chain === undefined ? {} : { chain: f.chain }),
        ...(f.action === undefined ? {} : { action: f.action }),
        ...(f.tool === undefined ? {} : { tool: f.tool }),
        ...(from === null ? {} : { from }),
        ...(to === null ? {} : { to }),
      };
      // The events shown come whole, their requests parsed in full (with --jobs, the workers
      // send only those); the others' requests are read member by member, or not at all.
      const result = await verifyLogs(logs, { ...DEFAULT_VERIFY_OPTIONS, ...jobs }, {
        sendWhole: filter,
        requestsByName: true,
        onEvent: (rec) => {
          if (rec.event === null || !matchesFilter(filter, rec, rec.event)) return;
          // Parsed whole before it is written: JSON.stringify through the member-by-member
          // reader made an unfiltered 300 MB timeline 1.39x slower (from a worker: already).
          const e = plainEvent(rec.event)!;
          shown++;
          if (f.format === 'jsonl') {
            buf += `${JSON.stringify({ ts: e.ts, chain: e.chain, seq: e.seq, kind: e.kind, actor: e.actor, decision: e.decision, request: e.request, location: { file: rec.ref.file, line: rec.ref.line } })}\n`;
          } else {
            const target = typeof e.request['url'] === 'string' ? e.request['url'] : typeof e.request['tool'] === 'string' ? e.request['tool'] : typeof e.request['path'] === 'string' ? e.request['path'] : typeof e.request['name'] === 'string' ? e.request['name'] : '';
            // One row per event, whatever its fields hold (printable: no forged rows, no escapes).
            const p = printable;
            buf += `${e.ts}  ${p(e.chain).padEnd(14)} ${String(e.seq).padStart(7)}  ${p(e.kind).padEnd(18)} ${p(e.actor.id).padEnd(14)} ${e.decision.action.padEnd(6)}  ${p(e.decision.rule ?? '-')}  ${p(String(target).slice(0, 80))}\n`;
          }
          if (buf.length > 64 * 1024) flush();
        },
      });
      flush();
      const n = result.summary.findings.total;
      if (n > 0) process.stderr.write(`sel: the logs have ${n} integrity finding(s); events that failed them are not shown (run sel verify)\n`);
      if (f.format === 'text') await writeOut(`(${shown} event${shown === 1 ? '' : 's'})\n`);
      process.exitCode = 0;
    });
}

export function forensicsCommands(chalk: Colour): Command[] {
  return [explainCommand(chalk), impactCommand(chalk), timelineCommand()];
}

