/**
 * Forensics: `sel explain` (one event, as a person reads it, with its policy version, the
 * evaluation trace rule by rule, the ledger artifacts that applied and its links; `--policy
 * REF` for what-if), `sel impact` (what a policy version would change across a whole log),
 * and `sel timeline` (filtered events, streaming).
 */
import { Command, Option } from 'commander';
import type { Colour } from './colour.js';
import { describeIoError, OperatorError } from '../errors.js';
import type { LineRef, PlacedEvent, SelEvent } from '../envelope/types.js';
import { invalidArtifactPath, makeFinding, type Finding, type Location } from '../findings/finding.js';
import { GitRepo } from '../git/git.js';
import { bundleAtRef, indexPolicies, readGovernance, type Governance } from '../git/history.js';
import { traceLines, type Evaluation, type ExceptionStatus, type ReviewStatus } from '../policy/evaluate.js';
import { evalUnder, sameDecision } from '../replay/impact.js';
import { inRepo, outOfForce, Replayer, type ReplayOutcome } from '../replay/replay.js';
import { impactNote } from '../verify/notes.js';
import type { BundleFiles } from '../verify/worker-protocol.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { verifyWithReplay } from '../verify/replay-run.js';
import { verifyLogs } from '../verify/run.js';
import { DEFAULT_VERIFY_OPTIONS } from '../verify/verifier.js';
import { jsonDocument, jsonForLogs, printable } from '../report/printable.js';
import { matchesFilter, type EventFilter } from '../envelope/filter.js';
import { chainId, choiceOption, jobsOptions, nonEmpty, nonNegativeInt, reading, readingOptions, startJobs, type ReadingFlags } from './options.js';
import { blockingStdout, endWhenReaderGoes, putOut, writeOut } from './output.js';
import { plainEvent } from '../envelope/lazy-request.js';
import { parseTimePoint, TIME_FORMS } from '../envelope/time.js';
import { readLinesAt, type LineText } from '../ingest/line-at.js';
import { PLACE_NOT_EVIDENCE } from '../findings/codes.js';
import { resolveSources } from '../ingest/sources.js';
import { refuseOutputIntoLogs } from '../ingest/output-file.js';

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
  'review-expired': 'its review expired before the event',
};

/** What --policy would decide: the evaluation's decision, or at the chain's time the one without the artifact that had expired by then. */
const whatIfDecision = (w: { evaluation: Evaluation; expired: Finding | null }): SelEvent['decision'] =>
  w.expired === null ? w.evaluation.decision : (w.expired.expected as SelEvent['decision']);

/** An evaluation trace, a numbered line a step, for people. */
const traceText = (t: Evaluation['trace']): string[] => traceLines(t).map((l, i) => `  ${String(i + 1).padStart(2)}. ${printable(l)}`);

/** An event's policy version, for people: its commit, or that the history does not hold it. */
function policyLines(hash: string, info: PolicyInfo | null, c: Awaited<ReturnType<Colour>>): string[] {
  const p = printable;
  const L = [c.bold('policy') + `  ${p(hash)}`];
  if (info?.commit === null || info === null) L.push(c.red('  not in the repository history reachable from the ref: the decision cannot be replayed'));
  else L.push(`  commit ${info.commit.slice(0, 12)}  ${p(info.date)}  ${p(info.author)}`, `  "${p(info.subject)}"${info.valid ? '' : c.red('  (the bundle is invalid)')}`);
  return L;
}

/** What --policy would decide of an event recorded as `recorded`, for people; `time` names the time its expiry was judged at. */
function whatIfLines(w: NonNullable<LineAccount['whatIf']>, recorded: SelEvent['decision'], time: string, c: Awaited<ReturnType<Colour>>): string[] {
  const p = printable;
  const why = w.expired === null ? '' : `: ${w.expired.code} at ${time}, ${w.expired.message}`;
  return [c.bold(`what if --policy ${p(w.ref)}`) + c.dim(` (commit ${w.commit.slice(0, 12)})`),
    `  decision  ${p(showDecision(w.decision))}  ${sameDecision(recorded, w.decision) ? '(as recorded)' : `(differs from the record${p(why)})`}`,
    ...traceText(w.trace)];
}

/** A rule id shown as it is in impact's transitions; any other is quoted. */
const PLAIN_RULE = /^[A-Za-z0-9_.:@\/-]+$/;

/** A decision, for people: its rule as impact's transitions show it (a recorded rule is the log's text: `x  severity high` read as more of the decision). */
const showDecision = (d: SelEvent['decision']) => `${d.action}  rule ${d.rule === null ? '(none)' : PLAIN_RULE.test(d.rule) ? d.rule : JSON.stringify(d.rule)}  severity ${d.severity}`;

/**
 * The bundle at `ref` (--policy), refused when it is not valid, compiled as replay would:
 * with the reserved tool names its history reserved (history.ts, reservedBefore).
 */
async function policyAt(repoDir: string, ref: string, gov: Governance): Promise<{ commit: string; policy: CompiledPolicy; bundle: BundleFiles }> {
  const repo = await GitRepo.open(repoDir);
  try {
    const { commit, loaded } = await bundleAtRef(repo, ref, '--policy');
    if (loaded === null) throw new OperatorError(`${ref} has no policy/ directory`);
    if (!loaded.ok) {
      // Which file, as replay's POLICY_INVALID and sel policy eval say: a bundle has several.
      const first = loaded.problems[0];
      throw new OperatorError(`the policy at ${ref} is not valid, so it decides nothing: ${first === undefined ? 'see sel policy check' : `policy/${first.file}: ${first.message}`}`);
    }
    // As replay evaluates it: with the reserved names its history adds. A version outside the
    // history --ref reaches (an open branch) is indexed on its own history for that.
    // Only a valid version there counts: the index also maps the hash JSON.parse gives a bundle
    // that is not strict JSON (a duplicate key) to that invalid bundle, and a version whose only
    // twin in the --ref history was such a one lost the names its own history reserved (found by review).
    const atRef = gov.index.byHash.get(loaded.hash);
    const known = atRef?.loaded.ok === true ? atRef : (await indexPolicies(repo, commit)).byHash.get(loaded.hash);
    const inherited = known?.loaded.ok === true ? known.inherited : [];
    // The same version as data: impact's notes are made from it on every thread (src/verify/notes.ts).
    const bundle = { hash: loaded.hash, files: [...loaded.texts.entries()], inherited };
    return { commit, policy: known?.loaded.ok === true ? known.loaded.policy : loaded.policy, bundle };
  } finally {
    repo.close();
  }
}

/** An event's policy version as explain shows it; `commit` null when the history --ref reaches does not hold it. */
interface PolicyInfo {
  readonly hash: string;
  readonly commit: string | null;
  readonly date: string;
  readonly author: string;
  readonly subject: string;
  readonly valid: boolean;
}

/** What --policy would decide of an event (`expired`: the finding that says it would not at the chain's time). */
interface WhatIf {
  readonly ref: string;
  readonly commit: string;
  readonly evaluation: Evaluation;
  readonly expired: Finding | null;
}

/**
 * An event's account: its policy version, its decision replayed under it, and with --policy
 * (`target`) what the policy there would decide, judged at `time` too, the time replay judges
 * the event's review or exception at (the chain's before it; a branch's, or a late arrival's).
 */
async function accountOf(
  e: SelEvent,
  rec: PlacedEvent,
  time: { readonly ts: string; readonly seq: number } | undefined,
  gov: Governance,
  f: ExplainFlags,
  target: { readonly commit: string; readonly policy: CompiledPolicy } | null,
): Promise<{ policyInfo: PolicyInfo; replayed: Evaluation | null; whatIf: WhatIf | null }> {
  let policyInfo: PolicyInfo;
  let replayed: Evaluation | null = null;
  let whatIf: WhatIf | null = null;
  const v = gov.index.byHash.get(e.policy_hash);
  if (v !== undefined) {
    policyInfo = { hash: e.policy_hash, commit: v.commits[0]!, ...(await commitInfoOf(f.repo, v.commits[0]!)), valid: v.loaded.ok };
    if (v.loaded.ok) replayed = evalUnder(v.loaded.policy, e, gov.ledger);
  } else {
    policyInfo = { hash: e.policy_hash, commit: null, date: '', author: '', subject: '', valid: false };
  }
  if (target !== null) {
    const p = target;
    const evaluation = evalUnder(p.policy, e, gov.ledger);
    // Granted under a review or exception at a ts back before the chain's time: judged at
    // that time too, as replay judges it (impact does). Judged at the event's ts alone, a
    // backdated event read "(as recorded)" where replay reports REVIEW_EXPIRED or
    // EXCEPTION_EXPIRED (found by review).
    const expiredAt = time === undefined || time.ts <= e.ts || evaluation.inForce.length === 0 || !sameDecision(e.decision, evaluation.decision)
      ? null : outOfForce(rec, e.ts, time.ts, time.seq, { decision: evaluation.decision, artifacts: evaluation.inForce });
    whatIf = { ref: f.policy!, commit: p.commit, evaluation, expired: expiredAt };
  }
  return { policyInfo, replayed, whatIf };
}

/**
 * A commit's date, author and subject, asked of git once per repository and commit: an
 * account is made for the event and each off-chain event shown, and they mostly name one
 * policy version (a commit's content never changes, so neither does the answer).
 */
const commitInfos = new Map<string, Promise<{ date: string; author: string; subject: string }>>();
function commitInfoOf(dir: string, commit: string): Promise<{ date: string; author: string; subject: string }> {
  const key = `${dir}\u0000${commit}`;
  let info = commitInfos.get(key);
  if (info === undefined) {
    commitInfos.set(key, (info = (async () => {
      const repo = await GitRepo.open(dir);
      try {
        return await repo.commitInfo(commit);
      } finally {
        repo.close();
      }
    })()));
  }
  return info;
}

interface ExplainFlags extends ReadingFlags {
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
    .option('--chain <id>', 'the chain (needed when several chains have that seq)', chainId('--chain'))
    .option('--policy <ref>', 'what if: also evaluate the event under the policy bundle at this ref')
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'json'] as const).default('text'));
  for (const o of [...jobsOptions(), ...readingOptions()]) cmd.addOption(o);
  return cmd.action(async (logs: string[], f: ExplainFlags, command: Command) => {
      refuseOutputIntoLogs(logs);
      const jobs = await startJobs(logs, f, command);
      const near = new Map<string, PlacedEvent>();
      const chains = new Set<string>();
      // Per chain, its time (the latest ts of the events before --seq, in seq order, and the seq
      // that had it), and that time when the event at --seq came: --policy judges the review or
      // exception a decision relied on at it too, as replay does (docs/policy.md, 5).
      const latest = new Map<string, { ts: string; seq: number }>();
      const timeBefore = new Map<string, { ts: string; seq: number }>();
      const tap = (rec: PlacedEvent) => {
        if (f.chain !== undefined && rec.chain !== f.chain) return;
        if (rec.seq === f.seq) {
          const t = latest.get(rec.chain);
          if (t !== undefined) timeBefore.set(rec.chain, t);
        } else if (rec.seq < f.seq && rec.ts !== null) {
          const t = latest.get(rec.chain);
          if (t === undefined || rec.ts > t.ts) latest.set(rec.chain, { ts: rec.ts, seq: rec.seq });
        }
        if (rec.seq === f.seq) chains.add(rec.chain);
        if (rec.seq >= f.seq - 1 && rec.seq <= f.seq + 1) near.set(`${rec.chain}\u0000${rec.seq}`, rec);
      };
      // With --jobs, replay stays in the workers; they send whole only the events at --seq.
      // Only the findings an account can show are kept (FindingKeeper): memory stays flat
      // whatever the log holds. The summary counts them all.
      const keeper = new FindingKeeper(f.seq, f.chain);
      // Events at the seq on a branch already reported at its fork: no finding names them, so
      // they are kept here (the first MAX_BRANCH_LINES; the rest counted).
      const branch: Branch = { lines: [], dropped: new Map() };
      const onForkBranch = (rec: PlacedEvent, copy: boolean) => {
        if (rec.seq !== f.seq || (f.chain !== undefined && rec.chain !== f.chain)) return;
        if (branch.lines.length < MAX_BRANCH_LINES) branch.lines.push({ chain: rec.chain, location: placeOf(rec), copy });
        else branch.dropped.set(rec.chain, (branch.dropped.get(rec.chain) ?? 0) + 1);
      };
      // The events at the seq that replay judges off their chain (a fork's branch, a late
      // arrival), with the time it judges them at: a seq only they hold is explained from them.
      const aside: Aside = new Map();
      const onAside = (rec: PlacedEvent, late: boolean, time: { readonly ts: string; readonly seq: number } | undefined) => {
        if (rec.seq !== f.seq || (f.chain !== undefined && rec.chain !== f.chain) || rec.event === null || aside.size === MAX_BRANCH_LINES) return;
        aside.set(`${rec.ref.file}\u0000${rec.ref.line}`, { rec, late, time });
      };
      const { result, governance: gov } = await verifyWithReplay(logs, f.repo, f.ref, { ...DEFAULT_VERIFY_OPTIONS, ...reading(f), maxFindings: 0, keepFinding: keeper.keep, onForkBranch, ...jobs }, {
        onEvent: tap,
        onBranch: onAside,
        sendWhole: { seq: f.seq, ...(f.chain === undefined ? {} : { chain: f.chain }) },
      });
      if (chains.size === 0) {
        // No intact event: what the log and the ledger say about the seq instead (a bad
        // --policy is refused there too, though there may be no event to evaluate under it).
        await explainMissing(logs, f, result.findings, keeper, branch, result.summary.files.map((x) => x.file), near, { aside, gov }, chalk);
        return;
      }
      // Without --chain, the chains that lack an intact event at the seq but pass through it in
      // these logs (a finding names the seq in them, a gap holds it or a LOG_TRUNCATED says the
      // log ends before it, a branch holds it, or both its neighbours are there) are named, so
      // that an analyst who did not name the chain is not told of one intact event alone while
      // the same seq of another chain was changed or lost. (A chain cut before the seq, anchored
      // after it, was not named: found by mutation testing, second pass.)
      const otherChains = f.chain !== undefined ? [] : [...new Set([
        ...result.findings.filter((x) => x.chain !== null && (x.seq === f.seq || coversSeq(x, f.seq))).map((x) => x.chain!),
        ...branch.lines.map((x) => x.chain),
        ...[...near.values()].filter((r) => r.seq === f.seq - 1 && near.has(`${r.chain}\u0000${f.seq + 1}`)).map((r) => r.chain),
      ])].filter((x) => !chains.has(x)).sort();
      if (chains.size > 1) {
        const also = otherChains.length === 0 ? '' : `; changed, set aside or lost in ${otherChains.join(', ')}`;
        throw new OperatorError(`several chains have seq ${f.seq} (${[...chains].sort().join(', ')}${also}): name one with --chain`);
      }
      const chain = [...chains][0]!;
      const rec = near.get(`${chain}\u0000${f.seq}`)!;
      const prev = near.get(`${chain}\u0000${f.seq - 1}`);
      const next = near.get(`${chain}\u0000${f.seq + 1}`);
      // The event's own, and a committed log's LEDGER_REWRITTEN at its line (the working copy
      // differs from the committed log there: it names no seq, and explain showed none; found by review).
      const findings = result.findings.filter((x) => (x.chain === chain && x.seq === f.seq) ||
        (x.code === 'LEDGER_REWRITTEN' && x.seq === null && x.location !== null && x.location.file === rec.ref.file && x.location.line === rec.ref.line));
      const e = rec.event;
      // Refused though there may be no event to evaluate under it.
      const target = f.policy === undefined ? null : await policyAt(f.repo, f.policy, gov);
      const { policyInfo, replayed, whatIf } = e === null ? { policyInfo: null, replayed: null, whatIf: null }
        : await accountOf(e, rec, timeBefore.get(chain), gov, f, target);
      // A line placed in its chain whose event failed a line check: shown as it reads now.
      const lines: ShownLine[] = e === null ? [{
        location: placeOf(rec),
        ...shownText((await readBack(logs, [placeOf(rec)]))[0]!),
        relation: 'placed',
        codes: [...new Set(findings.filter((x) => x.location?.file === rec.ref.file && x.location.line === rec.ref.line).map((x) => x.code))],
        damaged: true,
        links: { prev: prev === undefined ? null : prev.hash === rec.prevHash, next: next === undefined ? null : next.prevHash === rec.hash },
      }] : [];
      // Other events with this seq, on a branch that forked off the chain before it or on a copy
      // of it (no finding names them: the CHAIN_FORK or SEQ_DUPLICATE where that began is
      // before them). Shown, not explained: a branch's event is replayed (its findings are listed), a copy's decision is its original's.
      // The first event of a branch (its CHAIN_FORK's line, not this one) is on the branch too:
      // it was not shown, and its replay findings were listed as this event's (found by review:
      // a line forged ahead of a diverging seq 35 read "replayed ... (the same)" above the
      // DECISION_DIVERGENCE of the real 35).
      const atEvent = (x: Finding) => x.location !== null && x.location.file === rec.ref.file && x.location.line === rec.ref.line;
      const forks = findings.filter((x) => x.code === 'CHAIN_FORK' && x.location !== null && !atEvent(x)).map((x) => ({ chain, location: { file: x.location!.file, line: x.location!.line }, copy: false }));
      const onBranch = [...forks, ...branch.lines.filter((x) => x.chain === chain)];
      const branchShown = onBranch.slice(0, MAX_LINES);
      const branchRead = branchShown.length === 0 ? [] : await readBack(logs, branchShown.map((x) => x.location));
      // A branch's event is accounted for as the event replay judged (not a copy's: its decision is its original's).
      const branchAccounts = await Promise.all(branchShown.map(({ location, copy }) => (copy ? undefined : asideAccount(aside, location, gov, f, target, result.findings))));
      const others: ShownLine[] = branchShown.map(({ location, copy }, i) => {
        const line = branchRead[i]!;
        const h = namedHashes(typeof line === 'string' ? null : line.whole);
        const account = branchAccounts[i]?.account;
        return {
          location, relation: 'branch', ...copyOf(copy, h.hash, rec.hash), codes: [], damaged: false, ...shownText(line),
          links: { prev: prev === undefined || h.prevHash === null ? null : prev.hash === h.prevHash, next: next === undefined || h.hash === null ? null : next.prevHash === h.hash },
          ...(account === undefined ? {} : { account }),
        };
      });
      const othersNotShown = onBranch.length - branchShown.length + (branch.dropped.get(chain) ?? 0);
      const links = {
        prev: prev === undefined ? null : { seq: prev.seq, location: placeOf(prev), hash: prev.hash, links: prev.hash === rec.prevHash },
        next: next === undefined ? null : { seq: next.seq, location: placeOf(next), prevHash: next.prevHash, links: next.prevHash === rec.hash },
      };
      // The evaluator judges the event at its own ts; replay also judges the review or exception
      // an allow relied on at the chain's time (docs/policy.md, 5). An event whose writer went
      // back into an artifact's window gives the recorded decision here and is REVIEW_EXPIRED
      // or EXCEPTION_EXPIRED there: it does not match, whatever its ts says.
      const expired = findings.find((x) => (x.code === 'REVIEW_EXPIRED' || x.code === 'EXCEPTION_EXPIRED') && x.seq === f.seq && x.chain === chain && atEvent(x)) ?? null;
      const sameAtTs = replayed === null || e === null ? null : sameDecision(e.decision, replayed.decision);
      const ledgerSaid = ledgerFindingsOf(replayed, result.findings, gov, f.repo);
      const { unread, rewritten, rewrittenUnused } = ledgerSaid;
      // And the ledger findings of the branch's events accounted for below (said at their lines).
      const branchLedger = [...new Set(branchAccounts.flatMap((x) => (x === undefined ? [] : [...x.unread, ...x.rewritten, ...x.rewrittenUnused])))];
      const shownFindings = [...new Set([...findings, ...unread, ...rewritten, ...rewrittenUnused, ...branchLedger])];
      if (f.format === 'json') {
        await writeOut(jsonDocument({
          chain, seq: f.seq, otherChains, location: placeOf(rec), event: e, lines: [...lines, ...others], linesNotShown: othersNotShown, policy: policyInfo,
          recorded: e?.decision ?? null, replayed: replayed?.decision ?? null,
          matches: sameAtTs === null ? null : sameAtTs && expired === null && rewritten.length === 0,
          trace: replayed?.trace ?? null, review: replayed?.review ?? null, exception: replayed?.exception ?? null,
          whatIf: whatIf === null ? null : { ref: whatIf.ref, commit: whatIf.commit, decision: whatIfDecision(whatIf), trace: whatIf.evaluation.trace, expired: whatIf.expired },
          links, findings: shownFindings, findingsNotKept: keeper.dropped(),
        }));
        return;
      }
      const c = await chalk();
      // Everything from the log, the repository or the command line is shown through p
      // (printable): an event's fields must not forge lines or drive the terminal.
      const p = printable;
      const at = (ref: { file: string; line: number }) => `${p(ref.file)}:${ref.line}`;
      const decision = (d: SelEvent['decision']) => p(showDecision(d));
      const trace = traceText;
      const L: string[] = [c.bold(`event ${p(chain)} seq ${f.seq}`) + c.dim(`  ${at(rec.ref)}`)];
      if (otherChains.length > 0) {
        L.push(c.red(`  not the only seq ${f.seq}: in ${otherChains.map(p).join(', ')} it was changed, set aside or lost (explain it there with --chain)`));
      }
      if (e === null) {
        L.push('  the event did not pass its line checks, so it is not evaluated: see the findings below');
        for (const raw of lines) L.push(...showLine(raw, c));
      } else {
        L.push(`  ts          ${p(e.ts)}`, `  kind        ${p(e.kind)}`, `  actor       ${p(e.actor.id)} (${p(e.actor.zone)})`, `  request     ${p(JSON.stringify(e.request))}`,
          `  fingerprint ${p(e.request_fingerprint)}`, `  hash        ${p(e.hash)}`);
        if (e.exception_ref !== undefined) L.push(`  exception   ${p(e.exception_ref)}`);
        L.push(...policyLines(e.policy_hash, policyInfo, c));
        L.push(c.bold('decision'), `  recorded  ${decision(e.decision)}`);
        if (replayed !== null) {
          const same = sameAtTs === true;
          const verdict = !same ? c.red('(DIVERGES)') : expired === null ? (rewritten.length === 0 ? c.green('(the same)') : c.red('(the same, under a ledger artifact a commit rewrote: LEDGER_REWRITTEN below)'))
            : c.red(`(the same at its ts, not at the chain's time: ${expired.code} below)`);
          L.push(`  replayed  ${decision(replayed.decision)}  ${verdict}`);
          L.push(c.bold('trace'), ...trace(replayed.trace));
          L.push(...artifactLines(replayed.review, replayed.exception, ledgerSaid, f.repo));
        }
        if (whatIf !== null) L.push(...whatIfLines({ ...whatIf, decision: whatIfDecision(whatIf), trace: whatIf.evaluation.trace }, e.decision, "the chain's time", c));
      }
      if (others.length > 0) {
        L.push(c.bold('other events with this seq'));
        for (const x of others) {
          L.push(...showLine(x, c, `  ${x.account === undefined ? setAsideText(x, 'this chain') : accountedText(x, x.account, 'this chain')}`));
          // Its findings are listed below, with the other lines'.
          if (x.account !== undefined) L.push(...accountLines(x.account, findings.filter((y) => y.location?.file === x.location.file && y.location.line === x.location.line).map((y) => y.code), branchAccounts[others.indexOf(x)]!, f.repo, c));
        }
        if (othersNotShown > 0) L.push(`  and ${othersNotShown} more`);
      }
      L.push(c.bold('links'));
      L.push(links.prev === null ? (f.seq === 0 ? '  seq 0 starts its chain' : `  no intact seq ${f.seq - 1}`) : `  seq ${links.prev.seq} at ${at(links.prev.location)}: its hash ${links.prev.links ? c.green('is') : c.red('is not')} this event's prev_hash`);
      L.push(links.next === null ? '  no intact seq ' + (f.seq + 1) : `  seq ${links.next.seq} at ${at(links.next.location)}: its prev_hash ${links.next.links ? c.green('is') : c.red('is not')} this event's hash`);
      // Findings at another line of the logs with this seq (a branch's, a copy's) are that line's.
      const logFiles = new Set(result.summary.files.map((x) => x.file));
      // (A ledger artifact's that only a branch's event accounted for used or looked for is its.)
      const own = new Set([...unread, ...rewritten, ...rewrittenUnused]);
      const elsewhere = (x: Finding) => (x.location !== null && logFiles.has(x.location.file) && !atEvent(x)) || (branchLedger.includes(x) && !own.has(x));
      const ownFindings = shownFindings.filter((x) => !elsewhere(x));
      const otherFindings = shownFindings.filter(elsewhere);
      L.push(c.bold('findings at this event'));
      if (ownFindings.length === 0) L.push('  none');
      for (const x of ownFindings) L.push(`  ${x.code}${x.location === null ? '' : ` at ${at(x.location)}`}: ${p(x.message)}`);
      if (otherFindings.length > 0) {
        L.push(c.bold('findings at other lines with this seq'));
        for (const x of otherFindings) L.push(`  ${x.code} at ${at(x.location!)}: ${p(x.message)}`);
      }
      if (keeper.aboutDropped > 0) L.push(notKept(keeper));
      await writeOut(`${L.join('\n')}\n`);
    });
}

/**
 * A finding about a range of seqs that holds `seq`: the SEQ_GAP it falls in (the gap's own seq
 * is the event after it), or the LOG_TRUNCATED that says the log ends before it.
 */
function coversSeq(x: Finding, seq: number): boolean {
  if (x.code === 'SEQ_GAP') {
    const from = x.detail?.['from'];
    const to = x.detail?.['to'];
    return typeof from === 'number' && typeof to === 'number' && from <= seq && seq <= to;
  }
  if (x.code === 'LOG_TRUNCATED' && x.seq !== null) return seq <= x.seq && (typeof x.actual !== 'number' || seq > x.actual);
  return false;
}

/** Codes that make a line damaged: nothing in it can be trusted (it becomes a hole in its chain). */
const DAMAGE: ReadonlySet<string> = new Set([...PLACE_NOT_EVIDENCE, 'FINGERPRINT_MISMATCH']);

/** A damaged line whose place is not evidence: it may hold a seq whatever it names. */
const mayHoldAnySeq = (x: Finding): boolean => DAMAGE.has(x.code) && (x.seq === null || PLACE_NOT_EVIDENCE.has(x.code));

/**
 * How many findings of each kind explain keeps: beyond, they are counted. Damaged lines that
 * may hold the seq are kept for their place only, and there can be one per line of the log: a
 * smaller budget (each kept finding is promoted to V8's old space, whose growth, not the live
 * findings, set the peak: 80 000 kept, 36 MB live, 244 MB peak RSS on 300 MB; with 10 000,
 * 201 MB on 300 MB and 199 MB on 1 GB).
 */
const KEEP_FINDINGS = 100_000;
const KEEP_LINE_FINDINGS = 10_000;
const KEEP_LEDGER_FINDINGS = 10_000;

/**
 * The LEDGER_ARTIFACT_INVALID finding of the artifact at `path` (a ledger path, as the
 * evaluator names it), if any: such an artifact is not used, and reads as missing.
 */
const invalidArtifact = (all: readonly Finding[], path: string | null | undefined): Finding[] =>
  path === null || path === undefined ? [] : all.filter((x) => invalidArtifactPath(x) === path);

/** The LEDGER_REWRITTEN finding of the ledger artifact at `path` in the repository named `repo` (as replay names its files), if any. */
const rewrittenArtifact = (all: readonly Finding[], repo: string, path: string | null | undefined): Finding[] =>
  path === null || path === undefined ? [] : all.filter((x) => x.code === 'LEDGER_REWRITTEN' && x.location !== null && x.location.file === inRepo(repo, path));

/** A finding about `seq` (or a range that holds it) of the chain asked for (any, or unknown). */
const isAbout = (x: Finding, seq: number, chain: string | undefined): boolean =>
  (x.seq === seq || coversSeq(x, seq)) && (chain === undefined || x.chain === null || x.chain === chain);

/**
 * Which findings explain keeps, as they are reported: those about the seq (or a range that
 * holds it), and damaged lines that may hold it whatever chain and seq they name, each with a
 * budget of its own, so that a log full of unreadable lines cannot crowd out the findings
 * about the seq. With --chain, findings about the seq in other chains are not kept.
 */
class FindingKeeper {
  aboutDropped = 0;
  linesDropped = 0;
  private about = 0;
  private lines = 0;
  private ledger = 0;
  constructor(private readonly seq: number, private readonly chain: string | undefined) {}

  readonly keep = (x: Finding): boolean => {
    // A review or exception that could not be read: the event that relied on it sees it as
    // missing, and its account says why (the first KEEP_LEDGER_FINDINGS; a ledger has few).
    // One a commit rewrote: the event that relied on it was judged by it as it is now.
    const artifact = invalidArtifactPath(x);
    // And a committed log read from the working copy that differs from it at a line: that line
    // is an event's (LEDGER_REWRITTEN names no seq). Both are few: one per file rewritten.
    if ((artifact !== null && !artifact.startsWith('ledger/anchors/')) || x.code === 'LEDGER_REWRITTEN') {
      if (this.ledger === KEEP_LEDGER_FINDINGS) return false;
      this.ledger++;
      return true;
    }
    if (isAbout(x, this.seq, this.chain)) {
      if (this.about === KEEP_FINDINGS) {
        this.aboutDropped++;
        return false;
      }
      this.about++;
      return true;
    }
    if (!mayHoldAnySeq(x)) return false;
    if (this.lines === KEEP_LINE_FINDINGS) {
      this.linesDropped++;
      return false;
    }
    this.lines++;
    return true;
  };

  dropped(): { about: number; lines: number } {
    return { about: this.aboutDropped, lines: this.linesDropped };
  }
}

/** The note that explain kept only the first findings of a kind. */
function notKept(k: FindingKeeper): string {
  const parts = [
    ...(k.aboutDropped > 0 ? [`${k.aboutDropped} more finding(s) about this seq`] : []),
    ...(k.linesDropped > 0 ? [`${k.linesDropped} more damaged line(s) that might hold it`] : []),
  ];
  return `  and ${parts.join(', and ')}, counted but not kept (explain keeps the first ${KEEP_FINDINGS} about the seq and ${KEEP_LINE_FINDINGS} damaged lines; sel verify --format jsonl lists every finding)`;
}

/** Where an event is, as findings say it. */
const placeOf = (r: PlacedEvent): Location => ({ file: r.ref.file, line: r.ref.line });

/** The most lines explain reads again and shows, and the most bytes of each it shows. */
const MAX_LINES = 10;
const SHOWN_BYTES = 4096;
/** A line is read whole up to this, to compare the hashes it names with its neighbours'. */
const KEPT_BYTES = 1 << 20;
/** The most findings the text lists (JSON lists every one kept). */
const MAX_FINDINGS_SHOWN = 20;

/** The events at the seq on a fork's branch or a copy (the chain check sets them aside without a finding). */
interface Branch {
  readonly lines: { readonly chain: string; readonly location: Location; readonly copy: boolean }[];
  /** How many past those kept, by chain (an account counts only its own chain's). */
  readonly dropped: Map<string, number>;
}
/** How many of them explain keeps. */
const MAX_BRANCH_LINES = 1000;

/**
 * The intact events at the seq replay judged off their chain, by place (file, NUL, line): a
 * fork's branch (its first event included) or a late arrival (`late`), and the time replay
 * judged the review or exception its decision relied on at.
 */
type Aside = Map<string, { readonly rec: PlacedEvent; readonly late: boolean; readonly time: { readonly ts: string; readonly seq: number } | undefined }>;

/** An event explain accounts for off its chain (a 'claims' or 'branch' line it replayed): as the event of an intact seq is, without links (its own lines are shown). */
interface LineAccount {
  readonly late: boolean;
  readonly event: SelEvent;
  readonly policy: PolicyInfo;
  readonly recorded: SelEvent['decision'];
  readonly replayed: SelEvent['decision'] | null;
  readonly trace: Evaluation['trace'] | null;
  readonly review: Evaluation['review'] | null;
  readonly exception: Evaluation['exception'] | null;
  readonly whatIf: { readonly ref: string; readonly commit: string; readonly decision: SelEvent['decision']; readonly trace: Evaluation['trace']; readonly expired: Finding | null } | null;
}

/** A line that may hold the seq, as it reads now; or why it cannot be read again. */
interface ShownLine {
  readonly location: Location;
  /**
   * The event's own line, placed in its chain though it failed a line check ('placed'); a line
   * that names the seq ('claims'); an intact event at the seq on a branch that forked off its
   * chain ('branch': no finding names it, the fork's CHAIN_FORK is before it); or a damaged
   * line where the seq belongs ('between').
   */
  readonly relation: 'placed' | 'claims' | 'branch' | 'between';
  /**
   * A 'branch' line the chain check took for a copy (the SEQ_DUPLICATE where it began): its
   * decision is not replayed; `'other'` when it is not the event the chain has at the seq (it
   * was too far back to compare when read: neither its content nor its decision was checked).
   */
  readonly copy?: 'same' | 'other';
  /** The codes of the findings on it. */
  readonly codes: readonly string[];
  readonly damaged: boolean;
  readonly text?: string;
  readonly bytes?: number;
  readonly truncated?: boolean;
  readonly error?: string;
  /** Whether seq - 1's hash is the prev_hash it names, and seq + 1's prev_hash the hash it records (null: not known). */
  readonly links: { readonly prev: boolean | null; readonly next: boolean | null };
  /** An intact event replay judged off its chain (a fork's branch, a late arrival), accounted for as an intact seq's event is. */
  readonly account?: LineAccount;
}

/** Each log's path by the name findings give it; null for one read as a stream (not kept). */
async function logPaths(logs: readonly string[]): Promise<Map<string, string | null>> {
  return new Map((await resolveSources(logs)).sources.map((x) => [x.display, x.regular ? x.path : null]));
}

/** Why a line cannot be read again, or null when its file can be. */
function unreadable(paths: ReadonlyMap<string, string | null>, file: string): string | null {
  const path = paths.get(file);
  if (path === undefined) return 'its file is no longer where it was read';
  return path === null ? 'the log was read as a stream (standard input or a pipe), which sel does not keep' : null;
}

/**
 * The lines at `locations`, read again (one pass per file), each kept whole up to KEPT_BYTES;
 * in their place, why one cannot be read.
 */
async function readBack(logs: readonly string[], locations: readonly Location[]): Promise<(LineText | string)[]> {
  const paths = await logPaths(logs);
  const byFile = new Map<string, Map<number, LineText> | string>();
  for (const file of new Set(locations.map((x) => x.file))) {
    const why = unreadable(paths, file);
    if (why !== null) {
      byFile.set(file, why);
      continue;
    }
    try {
      byFile.set(file, await readLinesAt(paths.get(file)!, locations.filter((x) => x.file === file).map((x) => x.line), SHOWN_BYTES, KEPT_BYTES));
    } catch (e) {
      byFile.set(file, `cannot read it again: ${describeIoError(e)}`);
    }
  }
  return locations.map(({ file, line }) => {
    const got = byFile.get(file)!;
    return typeof got === 'string' ? got : got.get(line) ?? 'the file has fewer lines now';
  });
}

/**
 * A line set aside as a copy's: 'same' when it records the hash of the chain's event at its seq
 * (`chainHash`; null: the chain has none), 'other' when not (too far back to compare when read).
 */
const copyOf = (copy: boolean, hash: string | null, chainHash: string | null): Pick<ShownLine, 'copy'> =>
  !copy ? {} : { copy: chainHash !== null && hash === chainHash ? 'same' : 'other' };

/** What a line set aside from `chain` is, for people: on a branch (replayed) or a copy (not). */
function setAsideText(x: Pick<ShownLine, 'copy'>, chain: string): string {
  if (x.copy === undefined) return `on a branch that forked off ${chain} (the CHAIN_FORK where it began): shown, not explained (the decision of a branch is replayed, its findings listed)`;
  if (x.copy === 'same') return `on a copy of ${chain} (the SEQ_DUPLICATE where it began): the same event read again, its decision not replayed again`;
  return `on what was taken for a copy of ${chain} (the SEQ_DUPLICATE where it began, too far back to compare): not this seq's event, and neither compared nor replayed: its content and decision are unverified`;
}

/** What a line explain accounts for off its chain is, for people. */
function accountedText(x: Pick<ShownLine, 'codes'>, a: LineAccount, chain: string): string {
  const codes = x.codes.length === 0 ? '' : ` (${x.codes.join(', ')})`;
  return a.late
    ? `that came after ${chain} had gone on past its seq${codes}: replayed, its review or exception judged at the chain's time after the seq before it`
    : `on a branch that forked off ${chain}${codes.length > 0 ? codes : ' (the CHAIN_FORK where it began)'}: replayed, its review or exception judged at its branch's time`;
}

/**
 * The account of an event replay judged off its chain, for people: its policy version, its
 * decision recorded and replayed at its ts (at its branch's time, a finding below says so), the
 * trace, the review or exception it looked for, and what --policy would decide. `codes`: the
 * findings at its line (a divergence among them).
 */
function accountLines(a: LineAccount, codes: readonly string[], ledger: LedgerSaid, repo: string, c: Awaited<ReturnType<Colour>>): string[] {
  const p = printable;
  const L = policyLines(a.event.policy_hash, a.policy, c);
  L.push(c.bold('decision'), `  recorded  ${p(showDecision(a.recorded))}`);
  if (a.replayed !== null) {
    const same = sameDecision(a.recorded, a.replayed);
    // At its branch's time, a review or exception it relied on may have expired: its finding says so.
    const expired = codes.find((x) => x === 'REVIEW_EXPIRED' || x === 'EXCEPTION_EXPIRED');
    // Granted under a review or exception a commit changed after it was added, as an intact
    // seq's event is said to be: read as it is at --ref, it may grant what it did not when the
    // event relied on it (found by review: a late arrival read "(the same)" in green, and its
    // LEDGER_REWRITTEN was not shown).
    const verdict = !same ? c.red('(DIVERGES)') : expired !== undefined ? c.red(`(the same at its ts, not at ${a.late ? "the chain's" : "its branch's"} time: ${expired} below)`)
      : ledger.rewritten.length === 0 ? c.green('(the same)') : c.red('(the same, under a ledger artifact a commit rewrote: LEDGER_REWRITTEN below)');
    L.push(`  replayed  ${p(showDecision(a.replayed))}  ${verdict}`);
    if (a.trace !== null) L.push(c.bold('trace'), ...traceText(a.trace));
    L.push(...artifactLines(a.review, a.exception, ledger, repo));
  }
  if (a.whatIf !== null) L.push(...whatIfLines(a.whatIf, a.recorded, a.late ? "the chain's time" : "its branch's time", c));
  return L;
}

/**
 * An event's account off its chain, and the findings of the ledger artifacts its evaluation
 * looked for that could not be read (`unread`), or that a commit rewrote, used (`rewritten`) or
 * not (`rewrittenUnused`): as the intact seq's event has them.
 */
interface AsideAccount extends LedgerSaid {
  readonly account: LineAccount;
}

/** What the ledger's findings say of the artifacts an evaluation used or looked for (ledgerFindingsOf). */
interface LedgerSaid {
  /** The LEDGER_ARTIFACT_INVALID findings of the review or exception it looked for (read as missing). */
  readonly unread: readonly Finding[];
  readonly rewritten: readonly Finding[];
  readonly rewrittenUnused: readonly Finding[];
  /** The review the exception it looked for names, if any. */
  readonly exceptionReview: string | null;
}

/** The account of the event replay judged off its chain at `location`, if it did (`aside`); `all`, the run's findings. */
async function asideAccount(
  aside: Aside,
  location: Location,
  gov: Governance,
  f: ExplainFlags,
  target: { readonly commit: string; readonly policy: CompiledPolicy } | null,
  all: readonly Finding[],
): Promise<AsideAccount | undefined> {
  const at = aside.get(`${location.file}\u0000${location.line}`);
  if (at === undefined) return undefined;
  const e = at.rec.event!;
  const a = await accountOf(e, at.rec, at.time, gov, f, target);
  const r = a.replayed;
  return {
    ...ledgerFindingsOf(r, all, gov, f.repo),
    account: {
      late: at.late, event: e, policy: a.policyInfo, recorded: e.decision, replayed: r?.decision ?? null, trace: r?.trace ?? null,
      review: r?.review ?? null, exception: r?.exception ?? null,
      whatIf: a.whatIf === null ? null : { ref: a.whatIf.ref, commit: a.whatIf.commit, decision: whatIfDecision(a.whatIf), trace: a.whatIf.evaluation.trace, expired: a.whatIf.expired },
    },
  };
}

/**
 * The findings of the ledger artifacts an evaluation (`replayed`) used or looked for, from
 * `all`, the run's: those in the ledger that could not be read (`unread`: not used, they read
 * as missing); those a commit changed after they were added that an allow or warn was granted
 * under, or the review such an exception names (`rewritten`: replay read them as they are at
 * --ref, which may grant what they did not when the event relied on them; sel verify reports
 * the LEDGER_REWRITTEN, explain said "(the same)" and nothing, found by review); and those it
 * looked for and did not use (`rewrittenUnused`: a commit that cut one short or broke it is why
 * the event now reads EXCEPTION_EXPIRED, REVIEW_EXPIRED or missing; found by review).
 */
function ledgerFindingsOf(replayed: Evaluation | null, all: readonly Finding[], gov: Governance, repo: string): LedgerSaid {
  if (replayed === null) return { unread: [], rewritten: [], rewrittenUnused: [], exceptionReview: null };
  const unread = [...invalidArtifact(all, replayed.review?.path), ...invalidArtifact(all, replayed.exception?.ref)];
  const used = replayed.inForce.flatMap((x) => [x.ref, x.review?.ref]);
  const rewritten = [...new Set(used.flatMap((path) => rewrittenArtifact(all, repo, path)))];
  const exRef = replayed.exception?.ref ?? null;
  const lookedFor = [replayed.review?.path, exRef, exRef === null ? undefined : gov.ledger.exceptions.get(exRef)?.review_ref];
  const rewrittenUnused = [...new Set(lookedFor.flatMap((path) => rewrittenArtifact(all, repo, path)))].filter((x) => !rewritten.includes(x));
  const ex = replayed.exception;
  const exceptionReview = ex === null ? null : replayed.inForce.find((a) => a.kind === 'exception' && a.ref === ex.ref)?.review?.ref ?? (ex.ref === null ? null : gov.ledger.exceptions.get(ex.ref)?.review_ref ?? null);
  return { unread, rewritten, rewrittenUnused, exceptionReview };
}

/**
 * The review and exception an evaluation looked for, for people: their status, one in the
 * ledger that is not valid said so (it reads as missing), one a commit rewrote said so, and the
 * exception's review when a commit rewrote it.
 */
function artifactLines(review: Evaluation['review'], exception: Evaluation['exception'], ledger: LedgerSaid, repo: string): string[] {
  const p = printable;
  const L: string[] = [];
  const notRead = (path: string | null) => (invalidArtifact(ledger.unread, path).length > 0 ? 'in the ledger, but not valid, so not used (LEDGER_ARTIFACT_INVALID below)' : null);
  const rewrote = (path: string | null) => (rewrittenArtifact([...ledger.rewritten, ...ledger.rewrittenUnused], repo, path).length > 0 ? '; rewritten by a commit after it was added, and read as it is now (LEDGER_REWRITTEN below)' : '');
  if (review !== null) L.push(`  review    ${p(review.path)}: ${(review.status === 'missing' ? notRead(review.path) : null) ?? REVIEW_TEXT[review.status]} (${review.status})${rewrote(review.path)}`);
  if (exception !== null) {
    L.push(`  exception ${exception.ref === null ? 'none' : p(exception.ref)}: ${(exception.status === 'not-found' ? notRead(exception.ref) : null) ?? EXCEPTION_TEXT[exception.status]} (${exception.status})${rewrote(exception.ref)}`);
    const exReview = ledger.exceptionReview;
    if (exReview !== null && rewrote(exReview) !== '') L.push(`    its review ${p(exReview)}: ${rewrote(exReview).slice(2)}`);
  }
  return L;
}

/** A line as JSON shows it: its text, or why it could not be read again. */
const shownText = (line: LineText | string): Pick<ShownLine, 'text' | 'bytes' | 'truncated' | 'error'> =>
  typeof line === 'string' ? { error: line } : { text: line.text, bytes: line.bytes, truncated: line.truncated };

/** A line read again, for people: where, how long, and its text (escaped as all evidence is). */
function showLine(raw: Pick<ShownLine, 'location' | 'text' | 'bytes' | 'truncated' | 'error'>, c: Awaited<ReturnType<Colour>>, label = ''): string[] {
  const at = `${printable(raw.location.file)}:${raw.location.line}`;
  if (raw.error !== undefined || raw.text === undefined) return [c.bold('line') + `  ${at}${label}: ${printable(raw.error ?? 'not read')}`];
  const size = `${raw.bytes} byte${raw.bytes === 1 ? '' : 's'}${raw.truncated === true ? `, the first ${SHOWN_BYTES} at most shown` : ''}`;
  return [c.bold('line') + `  ${at}${label}` + c.dim(`  (${size}, as it reads now)`), `  ${printable(raw.text)}`];
}

/** The hashes a line names, when it is a JSON object (a BOM before it, as a file may start) that names them as strings. */
function namedHashes(whole: string | null): { prevHash: string | null; hash: string | null } {
  const none = { prevHash: null, hash: null };
  if (whole === null) return none;
  let v: unknown;
  try {
    v = JSON.parse(whole.charCodeAt(0) === 0xfeff ? whole.slice(1) : whole);
  } catch {
    return none;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return none;
  const o = v as Record<string, unknown>;
  return { prevHash: typeof o['prev_hash'] === 'string' ? o['prev_hash'] : null, hash: typeof o['hash'] === 'string' ? o['hash'] : null };
}

/**
 * `sel explain` of a seq no intact event has, from the evidence: the lines that may hold it
 * (those that name it, and lines that could not be placed between its neighbours), each read
 * again as it reads now and compared with the neighbours' hashes; the findings about it (its
 * own, the gap it falls in, an anchor that names it, a log that ends before it); and the hash
 * its successor names for it. Exit 2 only when nothing mentions it.
 */
async function explainMissing(
  logs: readonly string[],
  f: ExplainFlags,
  all: readonly Finding[],
  keeper: FindingKeeper,
  branch: Branch,
  files: readonly string[],
  near: ReadonlyMap<string, PlacedEvent>,
  judged: { readonly aside: Aside; readonly gov: Governance },
  chalk: Colour,
): Promise<void> {
  // Refused first, though there may be no event to evaluate under it.
  const target = f.policy === undefined ? null : await policyAt(f.repo, f.policy, judged.gov);
  const about = all.filter((x) => isAbout(x, f.seq, f.chain));
  // The chain: named, else the one the findings name, else the one whose neighbours are here.
  const named = new Set([...about.map((x) => x.chain).filter((x): x is string => x !== null), ...branch.lines.map((x) => x.chain)]);
  const around = new Set([...near.values()].filter((r) => r.seq === f.seq - 1 || r.seq === f.seq + 1).map((r) => r.chain));
  // A chain with both neighbours and no intact seq misses it too, whether or not a finding
  // names the chain (an unreadable line names none): one named chain did not make it the only.
  const holed = [...around].filter((c) => near.has(`${c}\u0000${f.seq - 1}`) && near.has(`${c}\u0000${f.seq + 1}`));
  const candidates = f.chain !== undefined ? [f.chain] : named.size > 0 ? [...new Set([...named, ...holed])] : [...around];
  if (candidates.length > 1) {
    throw new OperatorError(printable(`seq ${f.seq} is missing from several chains (${candidates.sort().join(', ')}): name one with --chain`));
  }
  const chain = candidates[0] ?? null;
  const prev = chain === null ? undefined : near.get(`${chain}\u0000${f.seq - 1}`);
  const next = chain === null ? undefined : near.get(`${chain}\u0000${f.seq + 1}`);
  // Damaged lines whose place is not evidence (mayHoldAnySeq), where the seq belongs: between
  // its neighbours, or after the one before it (before the one after it) in the same file.
  const order = new Map(files.map((file, i) => [file, i]));
  const pos = (l: { file: string; line: number }) => (order.get(l.file) ?? -1) * 2 ** 32 + l.line;
  const between = (l: Location): boolean => {
    if (prev === undefined && next === undefined) return false;
    if (prev !== undefined && pos(l) <= pos(prev.ref)) return false;
    if (next !== undefined && pos(l) >= pos(next.ref)) return false;
    return prev !== undefined && next !== undefined ? true : l.file === (prev ?? next)!.ref.file;
  };
  // (A changed line that names another seq or chain may hold this one: what it names is not
  // evidence. Lines of other chains between the neighbours are shown too, as lines that may.)
  const isAboutSeq = new Set(about);
  const unplaced = all.filter((x) => mayHoldAnySeq(x) && !isAboutSeq.has(x) &&
    x.location !== null && order.has(x.location.file) && between(x.location));
  const branchLines = branch.lines.filter((x) => x.chain === chain);
  const branchDropped = chain === null ? 0 : branch.dropped.get(chain) ?? 0;
  if (about.length === 0 && unplaced.length === 0 && branchLines.length === 0) {
    const dropped = keeper.linesDropped > 0 ? `; ${keeper.linesDropped} damaged line(s) past the first ${KEEP_LINE_FINDINGS} were counted, not kept, and one may hold it (sel verify --format jsonl lists them)` : ' (run sel verify to see the log\'s findings)';
    throw new OperatorError(printable(`no line of the log has seq ${f.seq}${f.chain === undefined ? '' : ` in chain ${f.chain}`}, and no finding kept is about it${dropped}`));
  }

  // The lines, in reading order, with the codes of the findings on each: those that name the
  // seq first, then the unplaced ones; at most MAX_LINES read again (one pass per file).
  const byPlace = new Map<string, { location: Location; relation: ShownLine['relation']; codes: string[]; copy?: boolean }>();
  for (const x of branchLines) byPlace.set(`${x.location.file}\u0000${x.location.line}`, { location: x.location, relation: 'branch', codes: [], copy: x.copy });
  for (const [x, relation] of [...about.map((x) => [x, 'claims'] as const), ...unplaced.map((x) => [x, 'between'] as const)]) {
    const loc = x.location;
    if (loc === null || !order.has(loc.file) || (relation === 'claims' && x.seq !== f.seq)) continue;
    const key = `${loc.file}\u0000${loc.line}`;
    const entry = byPlace.get(key);
    if (entry === undefined) byPlace.set(key, { location: loc, relation, codes: [x.code] });
    else if (!entry.codes.includes(x.code)) entry.codes.push(x.code);
  }
  // Lines that name the seq (findings' or a branch's) first, in reading order; then the others.
  const names = (x: { relation: ShownLine['relation'] }) => x.relation !== 'between';
  const places = [...byPlace.values()].sort((a, b) => (names(a) === names(b) ? pos(a.location) - pos(b.location) : names(a) ? -1 : 1));
  const shown = places.slice(0, MAX_LINES);
  const read = await readBack(logs, shown.map((x) => x.location));
  // An intact event replay judged off its chain (a fork's branch, a late arrival) is accounted
  // for from the event it replayed, as an intact seq's is: explain showed its line alone, and
  // --policy had no what-if for it (sel impact had).
  const accounts = await Promise.all(shown.map(({ location, relation, copy }) =>
    (relation === 'between' || copy === true ? undefined : asideAccount(judged.aside, location, judged.gov, f, target, all))));
  const lines: ShownLine[] = shown.map(({ location, relation, codes, copy }, i) => {
    const line = read[i]!;
    const h = namedHashes(typeof line === 'string' ? null : line.whole);
    const account = accounts[i]?.account;
    return {
      location, relation, ...copyOf(copy === true, h.hash, null), codes, damaged: relation === 'between' || codes.some((code) => DAMAGE.has(code)), ...shownText(line),
      links: { prev: prev === undefined || h.prevHash === null ? null : prev.hash === h.prevHash, next: next === undefined || h.hash === null ? null : next.prevHash === h.hash },
      ...(account === undefined ? {} : { account }),
    };
  });
  const links = {
    prev: prev === undefined ? null : { seq: prev.seq, location: placeOf(prev), hash: prev.hash },
    next: next === undefined ? null : { seq: next.seq, location: placeOf(next), prevHash: next.prevHash },
  };
  // With the LEDGER_ARTIFACT_INVALID and LEDGER_REWRITTEN of the ledger artifacts an event
  // accounted for used or looked for (they name no seq), as an intact seq's findings have them.
  const findings = [...new Set([...about, ...unplaced, ...accounts.flatMap((x) => (x === undefined ? [] : [...x.unread, ...x.rewritten, ...x.rewrittenUnused]))])];
  if (f.format === 'json') {
    await writeOut(jsonDocument({
      chain, seq: f.seq, location: lines[0]?.location ?? null, event: null, lines, linesNotShown: places.length + branchDropped - shown.length, policy: null,
      recorded: null, replayed: null, matches: null, trace: null, review: null, exception: null, whatIf: null,
      links, findings, findingsNotKept: keeper.dropped(),
    }));
    return;
  }
  const c = await chalk();
  const p = printable;
  const at = (ref: Location) => `${p(ref.file)}:${ref.line}`;
  const L: string[] = [c.bold(`event ${p(chain ?? '(unknown chain)')} seq ${f.seq}`) + c.red('  no intact event')];
  const claiming = places.filter(names).length + branchDropped;
  // (Not places.length - claiming: the branch lines past those kept are in claiming only.)
  const near_ = places.filter((x) => !names(x)).length;
  // Unplaced lines are looked for only next to a neighbour (`between`), so one is there.
  const where = prev !== undefined && next !== undefined ? `between seq ${prev.seq} and seq ${next.seq}` : prev !== undefined ? `after seq ${prev.seq}` : `before seq ${next?.seq}`;
  L.push(`  ${claiming === 0 ? 'no line of the log names this seq' : claiming === 1 ? 'one line of the log names this seq' : `${claiming} lines of the log name this seq`}` +
    (near_ === 0 ? '' : `; ${keeper.linesDropped > 0 ? 'at least ' : ''}${near_ === 1 ? 'one damaged line' : `${near_} damaged lines`} ${where} may hold it`));
  if (lines.some((x) => x.damaged)) L.push('  nothing in a damaged line can be trusted, so it is not evaluated');
  const verb = (ok: boolean) => (ok ? c.green('is') : c.red('is not'));
  for (const x of lines) {
    const what = x.account !== undefined ? `an event ${accountedText(x, x.account, 'its chain')}`
      : x.relation === 'between' ? `damaged (${x.codes.join(', ')}), where this seq belongs`
      : x.relation === 'branch' ? `an event ${setAsideText(x, 'its chain')}` : x.damaged ? `damaged (${x.codes.join(', ')})`
      // A fork's first event and a late arrival are replayed, and their findings listed below.
      : `an event not placed in its chain (${x.codes.join(', ')}): shown, ${x.codes.includes('CHAIN_FORK') || x.codes.includes('SEQ_REORDER') ? 'not explained (its decision is replayed, its findings listed)' : 'not evaluated'}`;
    L.push(...showLine(x, c, `  ${what}`));
    const link: string[] = [];
    if (x.links.prev !== null) link.push(`seq ${f.seq - 1}'s hash ${verb(x.links.prev)} the prev_hash it names`);
    if (x.links.next !== null) link.push(`seq ${f.seq + 1}'s prev_hash ${verb(x.links.next)} the hash it records`);
    if (link.length > 0) L.push(`  ${link.join('; ')}`);
    if (x.account !== undefined) L.push(...accountLines(x.account, x.codes, accounts[lines.indexOf(x)]!, f.repo, c));
  }
  if (places.length + branchDropped > shown.length) L.push(`  and ${places.length + branchDropped - shown.length} more line(s) (sel verify --format json lists their findings)`);
  L.push(c.bold('findings about this seq'));
  // (An event on a fork's branch has none: the fork is reported where the branch began.)
  if (findings.length === 0) L.push('  none');
  for (const x of findings.slice(0, MAX_FINDINGS_SHOWN)) {
    L.push(`  ${x.code}${x.location === null ? '' : ` at ${at(x.location)}`}: ${p(x.message)}`);
    if (x.expected !== undefined) L.push(`    expected ${p(JSON.stringify(x.expected))}`);
    if (x.actual !== undefined) L.push(`    actual   ${p(JSON.stringify(x.actual))}`);
  }
  if (findings.length > MAX_FINDINGS_SHOWN) L.push(`  and ${findings.length - MAX_FINDINGS_SHOWN} more (--format json lists every one kept)`);
  if (keeper.aboutDropped > 0 || keeper.linesDropped > 0) L.push(notKept(keeper));
  L.push(c.bold('links'));
  L.push(links.prev === null ? (f.seq === 0 ? '  seq 0 starts its chain' : `  no intact seq ${f.seq - 1}`) : `  seq ${links.prev.seq} at ${at(links.prev.location)}: its hash is ${p(links.prev.hash)}`);
  L.push(links.next === null ? `  no intact seq ${f.seq + 1}` : `  seq ${links.next.seq} at ${at(links.next.location)}: its prev_hash, the hash of seq ${f.seq} when it was written, is ${p(links.next.prevHash)}`);
  // An anchor names the hash the seq had when it was anchored: does the successor agree?
  const anchor = findings.find((x) => x.code === 'ANCHOR_MISMATCH' && x.seq === f.seq && typeof x.expected === 'string' && x.location !== null);
  if (links.next !== null && anchor !== undefined) {
    L.push(`  seq ${links.next.seq}'s prev_hash ${verb(links.next.prevHash === anchor.expected)} the hash the anchor at ${at(anchor.location!)} records for seq ${f.seq}`);
  }
  await writeOut(`${L.join('\n')}\n`);
}

interface ImpactFlags extends ReadingFlags {
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
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'json'] as const).default('text'));
  for (const o of [...jobsOptions(), ...readingOptions()]) cmd.addOption(o);
  return cmd.action(async (logs: string[], f: ImpactFlags, command: Command) => {
      refuseOutputIntoLogs(logs);
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
      // The chain's time, as replay keeps it (src/replay/replay.ts): a decision granted under a
      // review or exception is judged again at the latest ts of the events before it in its
      // chain, a fork branch's at its branch's and a late arrival's after its predecessor. The
      // Replayer does only that here: each record comes with the outcome the note says, and the
      // finding it gives (a divergence, or REVIEW_EXPIRED/EXCEPTION_EXPIRED) names the decision
      // the version would make (`expected`).
      let judged: Finding | null = null;
      const clock = new Replayer({ index: gov.index, ledger: gov.ledger, repoLabel: f.repo }, (x) => {
        judged = x;
      });
      const SKIPPED: ReplayOutcome = { type: 'skipped' };
      const MATCHED: ReplayOutcome = { type: 'matched' };
      // Each event is evaluated where it is parsed, and noted only when it would change, was not
      // evaluated, or relied on a review or exception (src/replay/impact.ts). The events of a
      // fork's branch and late arrivals are replayed too, as sel verify --repo replays them: a
      // line forged ahead of a seq made the real events a branch, and impact said nothing of them.
      const judge = (rec: PlacedEvent, branch: boolean | null) => {
        const note = impactNote(rec);
        const outcome: ReplayOutcome = note === null ? MATCHED : !note.evaluated ? SKIPPED
          : !sameDecision(note.recorded, note.would)
            ? { type: 'finding', counted: 'diverged', replayed: true, finding: makeFinding('DECISION_DIVERGENCE', { message: 'changes', expected: note.would, actual: note.recorded }) }
            : note.relied === undefined ? MATCHED : { type: 'matched', relied: note.relied };
        judged = null;
        // Only what the clock reads: a record copied whole for each event costs (src/verify/run.ts, withNote).
        const placed = { kind: 'event', ref: rec.ref, chain: rec.chain, seq: rec.seq, prevHash: rec.prevHash, hash: rec.hash, ts: rec.ts, findings: [], event: null, replay: outcome } as unknown as PlacedEvent;
        if (branch === null) clock.onEvent(placed);
        else clock.onBranch(placed, branch);
        if (note !== null && !note.evaluated) return;
        evaluated++;
        const found = judged as Finding | null;
        if (note === null || found === null) return;
        const would = found.expected as SelEvent['decision'];
        changes++;
        // A change of severity alone names the severities: `allow r -> allow r` read as no change
        // at all, and merged a rise with a fall.
        // A rule that could read as more of the transition (a space, ` -> `, `(none)`: the
        // recorded one is the log's text) is quoted, as a JSON string.
        const side = (d: SelEvent['decision']) => `${d.action} ${d.rule === null ? '(none)' : PLAIN_RULE.test(d.rule) ? d.rule : JSON.stringify(d.rule)}`;
        const [was, will] = [side(note.recorded), side(would)];
        const key = was === will ? `${was} (${note.recorded.severity}) -> ${will} (${would.severity})` : `${was} -> ${will}`;
        transitions.set(key, (transitions.get(key) ?? 0) + 1);
        if (changed.length < f.maxEvents) changed.push({ chain: rec.chain, seq: rec.seq, location: { file: rec.ref.file, line: rec.ref.line }, kind: note.kind, recorded: note.recorded, would });
      };
      const result = await verifyLogs(logs, { ...DEFAULT_VERIFY_OPTIONS, ...reading(f), ...jobs }, {
        note: { kind: 'impact', bundle: target.bundle, ledger: [...gov.ledger.files.entries()] },
        requestsByName: true,
        onEvent: (rec) => judge(rec, null),
        onBranch: (rec, late) => judge(rec, late),
      });
      const sorted = [...transitions.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const integrity = result.summary.findings.total;
      // Reviews and exceptions at --ref that could not be used, or that a commit changed or
      // deleted after they were added: a decision that relied on one changes with them,
      // whatever the policy, and sel verify --repo reports them. Impact counted such a change
      // as the policy's and said nothing (found by review).
      const artifact = (path: string) => !path.startsWith('ledger/anchors/');
      const ledgerNotes = {
        invalidArtifacts: new Set(gov.ledger.problems.map((x) => x.path).filter(artifact)).size,
        rewrittenArtifacts: new Set(gov.ledgerRewrites.map((x) => x.path).filter(artifact)).size,
      };
      if (f.format === 'json') {
        await writeOut(jsonDocument({ policy: { ref: f.policy, commit: target.commit, hash: target.policy.hash }, events: evaluated, changed: changes, transitions: sorted.map(([t, n]) => ({ transition: t, count: n })), examples: changed, integrityFindings: integrity, ledger: ledgerNotes }));
      } else {
        const c = await chalk();
        const p = printable;
        const L = [c.bold(`sel impact: ${evaluated} decisions replayed under ${p(f.policy)} (${target.commit.slice(0, 12)}, ${target.policy.hash.slice(0, 19)}…)`),
          `${changes} would change${changes === 0 ? '' : ':'}`];
        for (const [t, n] of sorted) L.push(`  ${String(n).padStart(7)}  ${p(t)}`);
        if (changed.length > 0) L.push(c.bold('events'));
        for (const x of changed) L.push(p(`  ${x.location.file}:${x.location.line}  ${x.chain} seq ${x.seq}  ${x.kind}: ${x.recorded.action} -> ${x.would.action} (${x.would.rule ?? 'no rule'}, ${x.would.severity})`));
        if (changes > changed.length) L.push(c.dim(`  ${changes - changed.length} more (--max-events)`));
        if (integrity > 0) L.push(c.yellow(`note: the logs have ${integrity} integrity finding(s); damaged lines and copies of an event are not replayed, late arrivals and the branches of a fork are, as sel verify replays them (run sel verify)`));
        if (ledgerNotes.invalidArtifacts + ledgerNotes.rewrittenArtifacts > 0) {
          L.push(c.yellow(`note: the ledger at ${p(f.ref)} has ${ledgerNotes.invalidArtifacts} review or exception artifact(s) that could not be used (LEDGER_ARTIFACT_INVALID) and ${ledgerNotes.rewrittenArtifacts} that a commit changed or deleted after it was added (LEDGER_REWRITTEN): a decision that relied on one changes with it, whatever the policy (run sel verify --repo)`));
        }
        await writeOut(`${L.join('\n')}\n`);
      }
      process.exitCode = 0;
    });
}

interface TimelineFlags extends ReadingFlags {
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

/**
 * The lines whose findings timeline holds until their event is placed, at most (and
 * --reorder-window more for each chain a finding names, the early events each may hold): the chain
 * check's come just before their event, but the line checks' of an event that arrived early
 * come when its line is read, and it is placed only when the events it jumped have come (up
 * to --reorder-window of them, per chain). Held by place, oldest dropped first; lines that
 * name no seq (unreadable, not an event) are never a row, and are not held.
 */
const HELD_FINDINGS = 4096;
const NONE: readonly string[] = [];

/** The last instant a ts can name (four-digit years, milliseconds). */
const LAST_TS = '9999-12-31T23:59:59.999Z';

function timelineCommand(): Command {
  const cmd = new Command('timeline')
    .description('filtered events as a readable table or JSONL, streaming (integrity is checked on the way: a row names the findings at its event, and the count of all goes to stderr)')
    .argument('<log...>', 'a log file, a directory of *.jsonl files, or -')
    .option('--actor <id>', 'only this actor', nonEmpty('--actor'))
    // Not refused when empty: request is any object (SPEC.md §2), and an intact event may name tool "".
    .option('--tool <name>', 'only requests for this tool (request.tool)')
    .addOption(choiceOption('--action <action>', 'only this recorded action', ['allow', 'warn', 'review', 'block'] as const))
    .option('--kind <kind>', 'only this event kind', nonEmpty('--kind'))
    .option('--chain <id>', 'only this chain', chainId('--chain'))
    .option('--from <time>', 'only events at or after this time (RFC 3339, or a date: from 00:00 UTC that day)')
    .option('--to <time>', 'only events before this time (RFC 3339, or a date: before 00:00 UTC that day)')
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'jsonl'] as const).default('text'));
  // One thread unless --jobs says otherwise: with few filters most events are shown, and
  // sending them whole from the workers costs more than checking them there saves (300 MB,
  // every event shown: --jobs 2 0.90x of one thread, 261 MB of RSS against 110 MB).
  for (const o of [...jobsOptions(true), ...readingOptions()]) cmd.addOption(o);
  return cmd.action(async (logs: string[], f: TimelineFlags, command: Command) => {
      const bound = (t: string | undefined, name: string) => {
        if (t === undefined) return null;
        // --from: at or after; --to: before. Either way a finer time rounds up (time.ts).
        const ts = parseTimePoint(t, 'ceil');
        if (ts === null) {
          // A time finer than a millisecond in the last millisecond a ts can name rounds up past
          // it: every event is before it, none at or after it (it was "not an RFC 3339 time").
          if (parseTimePoint(t, 'floor') !== null) {
            if (name === '--to') return null;
            throw new OperatorError(`--from ${t} is after the last instant a ts can name (${LAST_TS}), so no event can be in range`);
          }
          throw new OperatorError(`${name} ${t} is not ${TIME_FORMS}`);
        }
        return ts;
      };
      const from = bound(f.from, '--from');
      const to = bound(f.to, '--to');
      // At or after --from and before --to: a range that holds no instant is the operator's
      // mistake (the two swapped, a date for a time), not an answer of no events (review).
      if (from !== null && to !== null && from >= to) throw new OperatorError(`--from ${f.from} and --to ${f.to} leave no time between them (an event is shown at or after --from and before --to), so no event can be in range`);
      // `sel timeline … | head`: the rest of the logs would be read for no one.
      endWhenReaderGoes();
      // A reader slower than the run holds the run back, not its rows in memory.
      blockingStdout();
      refuseOutputIntoLogs(logs);
      const jobs = await startJobs(logs, f, command);
      let buf = '';
      let shown = 0;
      let marked = 0;
      const flush = () => {
        // Whole rows: a ##[ is never cut between two writes (jsonForLogs: no workflow command).
        if (buf.length > 0) putOut(f.format === 'jsonl' ? jsonForLogs(buf) : buf);
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
      // The chain check's findings at an event it places (PREV_HASH_MISMATCH: this event or the
      // one before it was changed; TS_REGRESSION; GENESIS_INVALID) come just before the event,
      // its line's when the line is read: its row names them. Held by place until the event is
      // placed; none is kept for a report. (The last 16 found were held: an early event's
      // finding was dropped when more than 16 findings came before the event it jumped, and
      // its row read clean; found by review.)
      const held = new Map<string, string[]>();
      // A chain holds up to --reorder-window early events: each may be waiting with its findings
      // (a window of 5000 dropped the findings of the oldest early events, and their rows read clean).
      // And each chain does: 420 chains of 10 early events each, not in canonical form, with
      // --reorder-window 10, held 4 200 lines' findings past the 4 106 kept, and 95 of their rows
      // read clean (found by mutation testing, second pass). Grown with the chains findings name,
      // as the chain check's own pending events grow with them.
      const heldChains = new Set<string>();
      let heldAtMost = HELD_FINDINGS + f.reorderWindow;
      // Where a chain forks, its rows are those of the branch read first (found by review: a
      // forged run read before the real one was shown as the chain's, its rows clean, and the
      // note said only that a fork's branches are not shown). The first few are named.
      const forks: Finding[] = [];
      let forkCount = 0;
      const keepFinding = (x: Finding): boolean => {
        if (x.code === 'CHAIN_FORK') {
          forkCount++;
          if (forks.length < 3) forks.push(x);
        }
        if (x.location !== null && x.seq !== null) {
          if (x.chain !== null && !heldChains.has(x.chain)) {
            heldChains.add(x.chain);
            heldAtMost = HELD_FINDINGS + f.reorderWindow * heldChains.size;
          }
          const key = `${x.location.file}\u0000${x.location.line}`;
          const codes = held.get(key);
          if (codes !== undefined) codes.push(x.code);
          else {
            if (held.size >= heldAtMost) held.delete(held.keys().next().value!);
            held.set(key, [x.code]);
          }
        }
        return false;
      };
      const row = (rec: PlacedEvent, at: readonly string[]) => {
        // Parsed whole before it is written: JSON.stringify through the member-by-member
        // reader made an unfiltered 300 MB timeline 1.39x slower (from a worker: already).
        const e = plainEvent(rec.event)!;
        shown++;
        if (at.length > 0) marked++;
        if (f.format === 'jsonl') {
          buf += `${JSON.stringify({ ts: e.ts, chain: e.chain, seq: e.seq, kind: e.kind, actor: e.actor, decision: e.decision, request: e.request, location: { file: rec.ref.file, line: rec.ref.line }, findings: at })}\n`;
        } else {
          const target = typeof e.request['url'] === 'string' ? e.request['url'] : typeof e.request['tool'] === 'string' ? e.request['tool'] : typeof e.request['path'] === 'string' ? e.request['path'] : typeof e.request['name'] === 'string' ? e.request['name'] : '';
          // One row per event, whatever its fields hold (printable: no forged rows, no escapes).
          const p = printable;
          buf += `${e.ts}  ${p(e.chain).padEnd(14)} ${String(e.seq).padStart(7)}  ${p(e.kind).padEnd(18)} ${p(e.actor.id).padEnd(14)} ${e.decision.action.padEnd(6)}  ${p(e.decision.rule ?? '-')}  ${p(String(target).slice(0, 80))}${at.length > 0 ? `  ! ${at.join(' ')}` : ''}\n`;
        }
        if (buf.length > 64 * 1024) flush();
      };
      // The rows of the events the chain check accepted for the record it is checking, written
      // when it is done with the record (onSettled): the SEQ_REORDER of an event that arrived
      // early, or of the one the run jumped, is judged after the run was accepted, and its row
      // had been written without it (found by review). At most the record's event and the
      // ones waiting for it: --reorder-window, per chain.
      const waiting: { rec: PlacedEvent; key: string }[] = [];
      const settled = (hole?: LineRef) => {
        // A line never placed (changed after it was written, failing the schema, holding a
        // duplicate key): what was held for it was never let go, and 4 096 of them between an
        // early event and the one it jumped pushed its findings out, its row read clean (found
        // by mutation testing; a set of codes never held missed EVENT_NONCANONICAL, which rows
        // have too).
        if (hole !== undefined && held.size > 0) held.delete(`${hole.file}\u0000${hole.line}`);
        for (const w of waiting) {
          const codes = held.get(w.key);
          if (codes !== undefined) held.delete(w.key);
          row(w.rec, codes ?? NONE);
        }
        waiting.length = 0;
      };
      // The events shown come whole, their requests parsed in full (with --jobs, the workers
      // send only those); the others' requests are read member by member, or not at all.
      const result = await verifyLogs(logs, { ...DEFAULT_VERIFY_OPTIONS, ...reading(f), ...jobs, keepFinding, onSettled: settled }, {
        sendWhole: filter,
        requestsByName: true,
        onEvent: (rec) => {
          // Those at this event are taken; the others kept: an event that arrived early (within
          // the reorder window) is placed after the event it jumped, and its findings were
          // dropped with that event's row (found by review).
          if (rec.event === null || !matchesFilter(filter, rec, rec.event)) {
            if (held.size > 0) held.delete(`${rec.ref.file}\u0000${rec.ref.line}`);
            return;
          }
          waiting.push({ rec, key: `${rec.ref.file}\u0000${rec.ref.line}` });
        },
      });
      flush();
      const n = result.summary.findings.total;
      if (n > 0) {
        const rows = marked === 0 ? '' : `; ${marked} row${marked === 1 ? '' : 's'} shown name${marked === 1 ? 's' : ''} the findings at ${marked === 1 ? 'its' : 'their'} event after a !`;
        const named = forks.map((x) => `chain ${printable(x.chain ?? '')} seq ${x.seq}${x.location === null ? '' : ` (CHAIN_FORK at ${printable(x.location.file)}:${x.location.line})`}`).join(', ');
        const forked = forkCount === 0 ? '' : `; ${forkCount === 1 ? 'a chain forks' : `chains fork ${forkCount} times`}, at ${named}${forkCount > forks.length ? ', ...' : ''}: from there the rows shown are of one branch only (the one the chain check went on with), and the seqs they hold are disputed`;
        process.stderr.write(`sel: the logs have ${n} integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown${rows}${forked} (run sel verify)\n`);
      }
      if (f.format === 'text') await writeOut(`(${shown} event${shown === 1 ? '' : 's'})\n`);
      process.exitCode = 0;
    });
}

export function forensicsCommands(chalk: Colour): Command[] {
  return [explainCommand(chalk), impactCommand(chalk), timelineCommand()];
}

