/** `sel policy check|hash|eval DIR` (issue 3): commander wiring and output only. */
import { createReadStream } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Command } from 'commander';
import type { Colour } from './colour.js';
import { digestOf } from '../canonical/digest.js';
import { JcsError } from '../canonical/jcs.js';
import { scanStrict, UNREPRESENTABLE_REASONS } from '../canonical/scan.js';
import { describeIoError, OperatorError } from '../errors.js';
import { countFindings, type FindingCounts } from '../findings/counts.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import { readPolicyDir } from '../ingest/policy-dir.js';
import { readLedgerDir } from '../ingest/ledger-dir.js';
import { refuseOutputIntoLedger, refuseOutputIntoPolicy } from '../ingest/output-file.js';
import { loadBundle } from '../policy/bundle.js';
import { evaluate, traceLines, type Evaluation } from '../policy/evaluate.js';
import { lintBundle } from '../policy/lint.js';
import { EMPTY_LEDGER } from '../policy/types.js';
import { ACTION_RANK, SEVERITY_RANK } from '../policy/compile.js';
import type { TrustZone } from '../envelope/types.js';
import { fails, FAIL_ON_VALUES, type FailOn } from '../report/report.js';
import { jsonDocument, jsonForLogs, printable } from '../report/printable.js';
import { isLedgerPath, isName, isSelTimestamp } from '../schemas/formats.js';
import { renderFinding, verdictLine } from '../report/text.js';
import { VERSION } from '../version.js';
import { choiceOption } from './options.js';
import { writeOut } from './output.js';
import { relativizer } from './verify.js';

const FORMATS = ['text', 'json', 'jsonl', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

/** How a directory is named in findings: relative to the working directory when inside it, else by its absolute path. */
function label(dir: string): string {
  const rel = relative(process.cwd(), dir);
  // Above it: `..` or `../…`, not a name that starts with two dots (`..gov`), which was named by
  // its absolute path (as relativizer in verify.ts has it). Resolved, as relativizer has it too:
  // named as given, `/srv/gov/policy/` made every finding `/srv/gov/policy//capabilities.json`,
  // and `..` named the files `../capabilities.json` where SARIF named them by absolute paths
  // (found by mutation review).
  return rel === '' ? '.' : rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? resolve(dir) : rel;
}

interface CheckReport {
  readonly summary: {
    readonly tool: { readonly name: 'sel'; readonly version: string };
    readonly command: 'policy check';
    readonly policy: string;
    readonly files: readonly string[];
    readonly hash: string | null;
    readonly valid: boolean;
    readonly findings: FindingCounts;
    readonly failOn: FailOn;
    readonly result: 'pass' | 'fail';
  };
  readonly findings: readonly Finding[];
}

async function check(dirArg: string, failOn: FailOn): Promise<CheckReport> {
  const pd = await readPolicyDir(dirArg);
  refuseOutputIntoPolicy(pd.dir);
  const loaded = loadBundle(pd.files);
  const where = label(pd.dir);
  const findings = [
    ...pd.refused.map((r) =>
      makeFinding('POLICY_INVALID', { location: { file: `${where}/${r.file}`, line: 1 }, message: `policy/${r.file} is not read: ${r.reason}`, detail: { problem: 'not-a-file' } }),
    ),
    // A file not read is not also "missing" from the bundle: one fault, one finding.
    ...lintBundle(loaded, where).filter((f) => !((f.detail as { problem?: string } | undefined)?.problem === 'missing' && pd.refused.some((r) => f.location?.file === `${where}/${r.file}`))),
  ].sort((a, b) => (a.location!.file < b.location!.file ? -1 : a.location!.file > b.location!.file ? 1 : a.location!.line - b.location!.line));
  const counts = countFindings(findings);
  return {
    summary: {
      tool: { name: 'sel', version: VERSION },
      command: 'policy check',
      policy: where,
      files: [...pd.files.keys()].sort(),
      // An entry not read (a symbolic link, a directory, a file too large) leaves the bundle
      // without a hash, as it does in Git history (history.ts readBundle): no event can name it.
      hash: pd.refused.length > 0 ? null : loaded.hash,
      valid: loaded.ok && pd.refused.length === 0,
      findings: counts,
      failOn,
      result: fails(counts, failOn) ? 'fail' : 'pass',
    },
    findings,
  };
}

async function renderCheck(r: CheckReport, format: Format, colour: Colour): Promise<string> {
  if (format === 'json') return jsonDocument(r);
  if (format === 'jsonl') return jsonForLogs(`${r.findings.map((f) => JSON.stringify(f)).join('\n')}${r.findings.length > 0 ? '\n' : ''}${JSON.stringify({ summary: r.summary })}\n`);
  const s = r.summary;
  // The CI formats, for a pull request that changes the policy: paths relative to the working
  // directory (the repository's top level, in a workflow), as the findings name them.
  const relativize = relativizer(undefined);
  if (format === 'sarif') {
    const { renderSarif } = await import('../report/sarif.js');
    const files = s.files.map((f) => ({ file: `${s.policy}/${f}` }));
    return renderSarif({ findings: r.findings, summary: { result: s.result, failOn: s.failOn, findings: s.findings, files } }, { relativize, category: 'policy' });
  }
  if (format === 'github') {
    const { annotations } = await import('../report/github.js');
    const b = s.findings.bySeverity;
    const verdict = `sel policy check: ${printable(s.policy)}: bundle ${s.valid ? 'valid' : 'invalid'}; ${b.error} error(s), ${b.warning} warning(s), ${b.note} note(s): ${s.result.toUpperCase()} (--fail-on ${s.failOn})`;
    return `${[...annotations(r.findings, s.findings.omitted, relativize, 'run with --format json'), verdict].join('\n')}\n`;
  }
  const c = await colour();
  const lines = [c.bold(`sel policy check: ${printable(s.policy)}, ${s.files.length} files, bundle ${s.hash ?? '(no hash: a file is not JSON or not read)'}`)];
  if (r.findings.length > 0) lines.push('');
  for (const f of r.findings) lines.push(...renderFinding(f, c));
  lines.push('', s.valid ? c.green('bundle: valid') : c.red('bundle: invalid (events under it cannot be replayed)'));
  lines.push(verdictLine(s.findings.bySeverity, s.result, s.failOn, c));
  return `${lines.join('\n')}\n`;
}

/**
 * The longest event file read: one event, as an operator writes it (pretty-printed, 64 times
 * sel verify's default --max-line-bytes). An unbounded read took /dev/zero, or a log piped in
 * by mistake, until V8 refused the string ("Invalid string length", 600 MB held; found by review).
 */
const MAX_EVENT_BYTES = 64 * 1024 * 1024;

async function readEvent(file: string): Promise<{ event: Record<string, unknown>; text: string }> {
  let text: string | null;
  try {
    text = await readBounded(file === '-' ? process.stdin : createReadStream(file), MAX_EVENT_BYTES);
  } catch (e) {
    throw new OperatorError(`cannot read event ${file}: ${describeIoError(e)}`);
  }
  if (text === null) throw new OperatorError(`event ${file} is longer than 64 MiB: an event file holds one event (kind, actor, request)`);
  // The operator's own file, not evidence: a byte order mark (as editors on Windows write
  // one) is not part of the JSON text, and JSON.parse called the file "not JSON".
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new OperatorError(`event ${file} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OperatorError(`event ${file} is not a JSON object`);
  const e = v as Record<string, unknown>;
  const actor = e['actor'] as Record<string, unknown> | undefined;
  if (typeof e['kind'] !== 'string' || typeof actor !== 'object' || actor === null || typeof actor['id'] !== 'string' ||
      typeof actor['zone'] !== 'string' || typeof e['request'] !== 'object' || e['request'] === null || Array.isArray(e['request'])) {
    throw new OperatorError(`event ${file} needs "kind", "actor": {"id", "zone"} and a "request" object`);
  }
  // As the envelope schema has them: a zone the evaluator does not know was evaluated as one
  // of its own (a typo, "Executor", gave a decision no event could have had).
  if (!Object.hasOwn(ZONES, actor['zone'] as string)) {
    throw new OperatorError(`event ${file}: "actor"."zone" must be one of ${Object.keys(ZONES).join(', ')}`);
  }
  // The rest of the envelope's actor too (closed, its id a name), and its kind: replay reports
  // an event whose actor has another member, or an id or kind of no length, as EVENT_SCHEMA and
  // evaluates nothing, where eval decided it as if it were sound (found by review of the docs).
  if (Object.keys(actor).length !== 2 || !isName(actor['id'] as string)) {
    throw new OperatorError(`event ${file}: "actor" must be {"id": 1 to 200 characters, "zone"} and nothing more`);
  }
  if (!isName(e['kind'] as string)) throw new OperatorError(`event ${file}: "kind" must be 1 to 200 characters`);
  // A recorded decision is compared member by member: one of another shape made the
  // comparison crash (null, a rule that is an object) or report a divergence from nothing.
  if (e['decision'] !== undefined && !isDecision(e['decision'])) {
    throw new OperatorError(`event ${file}: "decision" must be {"action": allow|warn|review|block, "rule": a string or null, "severity": info|low|medium|high|critical}`);
  }
  // Reviews and exceptions are in force by comparing times as text, which holds for the one
  // form an event's ts has (SPEC.md §2); 2026-11-02T23:30:00.000-01:00 would compare wrongly.
  if (e['ts'] !== undefined && (typeof e['ts'] !== 'string' || !isSelTimestamp(e['ts']))) {
    throw new OperatorError(`event ${file}: "ts" must be an RFC 3339 UTC time with milliseconds, like 2026-11-01T12:00:00.000Z`);
  }
  // As the envelope has it (a ledger path): one of another shape was read as no exception at
  // all, so an elevation under its exception was decided block, in silence.
  if (e['exception_ref'] !== undefined && (typeof e['exception_ref'] !== 'string' || !isLedgerPath(e['exception_ref']))) {
    throw new OperatorError(`event ${file}: "exception_ref" must be the path of a ledger artifact, like ledger/exceptions/EX-1.json`);
  }
  return { event: e, text };
}

const ZONES: Readonly<Record<TrustZone, true>> = { kernel: true, supervisor: true, executor: true, userland: true };

/** The envelope's decision object (schemas/audit-event.schema.json): closed, every member typed. */
function isDecision(d: unknown): d is Evaluation['decision'] {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const o = d as Record<string, unknown>;
  return Object.keys(o).length === 3 &&
    typeof o['action'] === 'string' && Object.hasOwn(ACTION_RANK, o['action']) &&
    (o['rule'] === null || typeof o['rule'] === 'string') &&
    typeof o['severity'] === 'string' && Object.hasOwn(SEVERITY_RANK, o['severity']);
}

/** The stream's text, or null when it holds more than `max` bytes (it is not read on). */
async function readBounded(stream: NodeJS.ReadableStream, max: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of stream) {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    bytes += chunk.length;
    if (bytes > max) {
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function policyCommand(chalk: Colour): Command {
  const cmd = new Command('policy').description('policy bundles: check them, hash them, evaluate a request against one');

  cmd
    .command('check')
    .description('validate every policy file against its schema and lint the bundle (a PR gate)')
    .argument('<dir>', 'the policy directory, or a repository holding policy/')
    .addOption(choiceOption('--format <format>', 'report format', FORMATS).default('text'))
    .addOption(choiceOption('--fail-on <severity>', 'exit 1 when a finding is at or above this severity', FAIL_ON_VALUES).default('error'))
    .action(async (dir: string, flags: { format: Format; failOn: FailOn }) => {
      const r = await check(dir, flags.failOn);
      await writeOut(await renderCheck(r, flags.format, chalk));
      process.exitCode = r.summary.result === 'fail' ? 1 : 0;
    });

  cmd
    .command('hash')
    .description('print the bundle hash (SPEC.md section 3: sha256 of JCS of { name: parsed file })')
    .argument('<dir>', 'the policy directory, or a repository holding policy/')
    .action(async (dir: string) => {
      const pd = await readPolicyDir(dir);
      refuseOutputIntoPolicy(pd.dir);
      const loaded = loadBundle(pd.files);
      // As Git history has it (history.ts readBundle): a policy/*.json entry that is not read
      // leaves the bundle without a hash. The hash of the rest named a bundle no commit holds.
      const refused = pd.refused[0];
      if (refused !== undefined) throw new OperatorError(`the bundle has no hash: policy/${refused.file} is not read: ${refused.reason}`);
      if (!loaded.ok && loaded.hash === null) {
        const p = loaded.problems.find((x) => x.kind === 'not-json' || x.kind === 'too-large');
        throw new OperatorError(`the bundle has no hash: ${p === undefined ? 'a file is not JSON' : `policy/${p.file}: ${p.message}`}`);
      }
      await writeOut(`${loaded.hash}\n`);
      if (!loaded.ok) {
        process.stderr.write(`sel: the bundle is not valid (run sel policy check ${dir})\n`);
        process.exitCode = 1;
      }
    });

  cmd
    .command('eval')
    .description('evaluate one request against the bundle and print the decision and its trace')
    .argument('<dir>', 'the policy directory, or a repository holding policy/')
    .requiredOption('--event <file>', 'a JSON event (kind, actor, request, and optionally ts, exception_ref and a recorded decision), or - for stdin')
    .option('--ledger <dir>', 'a repository holding ledger/ (reviews, exceptions) to evaluate with')
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'json'] as const).default('text'))
    .action(async (dir: string, flags: { event: string; ledger?: string; format: 'text' | 'json' }) => {
      const pd = await readPolicyDir(dir);
      refuseOutputIntoPolicy(pd.dir, flags.event);
      if (flags.ledger !== undefined) refuseOutputIntoLedger(flags.ledger);
      const loaded = loadBundle(pd.files);
      // As `policy check` and `policy hash` have it (and Git history, history.ts readBundle): a
      // policy/*.json entry not read (a symbolic link, a directory, a file too large) leaves the
      // bundle invalid and without a hash. Evaluated without it, the request was decided under,
      // and the output named, the hash of the other files: a bundle no commit holds.
      const refused = pd.refused[0];
      if (refused !== undefined) throw new OperatorError(`the bundle is not valid, so it decides nothing: policy/${refused.file} is not read: ${refused.reason}`);
      if (!loaded.ok) {
        const p = loaded.problems[0]!;
        throw new OperatorError(`the bundle is not valid, so it decides nothing: policy/${p.file}: ${p.message}`);
      }
      const { event, text } = await readEvent(flags.event);
      const read = flags.ledger === undefined ? null : (await readLedgerDir(flags.ledger)).ledger;
      const ledger = read ?? EMPTY_LEDGER;
      const ledgerProblems = read?.problems ?? [];
      const actor = event['actor'] as { id: string; zone: 'kernel' | 'supervisor' | 'executor' | 'userland' };
      const request = event['request'] as Record<string, unknown>;
      const ts = typeof event['ts'] === 'string' ? event['ts'] : '1970-01-01T00:00:00.000Z';
      let fingerprint: string;
      try {
        fingerprint = digestOf(request);
      } catch (e) {
        // A value JCS cannot write (a lone surrogate, 1e400, nesting past 128): no fingerprint,
        // so no review could be looked up for it. The operator's file, said in one sentence.
        if (!(e instanceof JcsError)) throw e;
        const at = e.pointer.length > 60 ? `${e.pointer.slice(0, 60)}…` : e.pointer;
        throw new OperatorError(`event ${flags.event}: the request has no canonical form (${e.reason} at "${at}"), so it has no fingerprint`);
      }
      // JSON that parsers read differently: a duplicate key (JSON.parse keeps the last, another
      // parser the first) or an integer past 2^53 (JSON.parse rounds it). Replay evaluates no
      // such line (EVENT_NONCANONICAL); evaluated as JSON.parse read it, {"tool": "git", "tool":
      // "shell.exec"} was decided as shell.exec. (Checked after the request's canonical form,
      // which says what is wrong with a request more exactly; nesting is left to that check.)
      const strict = scanStrict(text, Number.MAX_SAFE_INTEGER);
      if (!strict.ok && UNREPRESENTABLE_REASONS.has(strict.reason)) {
        throw new OperatorError(`event ${flags.event} is not strict JSON: ${strict.reason.replace(/-/g, ' ')} at offset ${strict.offset}, so parsers may read it differently`);
      }
      const result = evaluate(loaded.policy, {
        kind: event['kind'] as string,
        actor,
        request,
        ts,
        fingerprint,
        exceptionRef: typeof event['exception_ref'] === 'string' ? event['exception_ref'] : null,
      }, ledger);
      const recorded = event['decision'] as Evaluation['decision'] | undefined;
      // The bundle the event says it was decided under, when it is not this one: its recorded
      // decision is compared with this bundle's all the same, and said to be (found by review:
      // an event of an older version "DIVERGES", exit 1, where replay finds nothing).
      const named = typeof event['policy_hash'] === 'string' ? event['policy_hash'] : null;
      const otherPolicy = named !== null && named !== loaded.hash ? named : null;
      const same = recorded === undefined ? null
        : recorded.action === result.decision.action && recorded.rule === result.decision.rule && recorded.severity === result.decision.severity;
      if (flags.format === 'json') {
        // inForce is replay's (the windows it judges again at the chain's time): not shown here.
        const { decision, trace, review, exception } = result;
        // ledger_problems: the files under --ledger that were not used, and why (none without it).
        await writeOut(jsonDocument({ policy_hash: loaded.hash, event_policy_hash: named, request_fingerprint: fingerprint, ts, decision, trace, review, exception, recorded: recorded ?? null, matches_recorded: same, ledger_problems: ledgerProblems }));
      } else {
        const c = await chalk();
        const d = result.decision;
        const lines = [
          `${c.bold('decision')}  ${d.action}  rule ${printable(d.rule ?? '(none)')}  severity ${d.severity}`,
          `policy    ${loaded.hash}  (${printable(label(join(pd.dir)))})`,
          ...(otherPolicy === null ? [] : [c.yellow(printable(`note      the event names policy ${otherPolicy}, not this bundle: its recorded decision was made under another version (sel explain --repo replays it under that one)`))]),
          `request   ${fingerprint}  at ${ts}`,
          c.bold('trace'),
          ...traceLines(result.trace).map((l, i) => `  ${String(i + 1).padStart(2)}. ${printable(l)}`),
        ];
        // A review or exception the decision could have used may be among these: said, not skipped.
        if (ledgerProblems.length > 0) {
          lines.push(c.yellow(`ledger    ${ledgerProblems.length} file(s) under ${printable(label(flags.ledger!))} not used:`));
          for (const p of ledgerProblems) lines.push(`  ${printable(`${p.path}: ${p.message}`)}`);
        }
        if (recorded !== undefined) {
          lines.push(same === true
            ? c.green(printable(`recorded  ${recorded.action}  rule ${recorded.rule ?? '(none)'}  severity ${recorded.severity}: the same`))
            : c.red(printable(`recorded  ${recorded.action}  rule ${recorded.rule ?? '(none)'}  severity ${recorded.severity}: DIVERGES`)));
        }
        await writeOut(`${lines.join('\n')}\n`);
      }
      process.exitCode = same === false ? 1 : 0;
    });
  return cmd;
}
