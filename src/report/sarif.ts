/**
 * `--format sarif`: SARIF 2.1.0 (OASIS; schema vendored as test data) as GitHub code scanning
 * accepts it. One rule per finding code, from the registry (short and full description, help
 * text); one result per finding with level, message, a repository-relative location and a
 * partialFingerprint that does not change between runs; automationDetails.id names the
 * analysis. GitHub's limits are respected: at most 25 000 results per run and 10 MB gzipped;
 * when over, the most severe findings are kept and the run says how many were left out.
 */
import { gzipSync } from 'node:zlib';
import { sha256Hex } from '../canonical/digest.js';
import { ALL_CODES, CODES, PLACE_NOT_EVIDENCE, severityRank, type FindingCode, type Severity } from '../findings/codes.js';
import type { Finding } from '../findings/finding.js';
import { VERSION } from '../version.js';
import type { FindingCounts } from '../findings/counts.js';
import type { FailOn } from './report.js';
import { jsonDocument, printable } from './printable.js';

export const SARIF_MAX_RESULTS = 25_000;
/**
 * GitHub refuses a gzip-compressed SARIF file over "10 MB" (docs.github.com, SARIF support for
 * code scanning), without saying 10^7 or 2^20 x 10 bytes: the smaller, which both readings accept.
 */
export const SARIF_MAX_GZIP_BYTES = 10_000_000;

export interface SarifOptions {
  /** Turns a finding's file into a repository-relative URI (forward slashes). */
  readonly relativize: (file: string) => string;
  /** The analysis category (automationDetails.id is "sel/<category>/"). */
  readonly category: string;
  /** For tests: override the result and size limits. */
  readonly maxResults?: number;
  readonly maxGzipBytes?: number;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

function ruleName(code: FindingCode): string {
  return code.toLowerCase().split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/**
 * Findings whose seq does not say which fault it is: a damaged line names whatever seq its writer
 * chose (PLACE_NOT_EVIDENCE), and copies and forks share their seq with the event they copy. Their
 * fingerprint holds the line too: eleven forged lines claiming one seq were one alert (found by
 * review). A line of an append-only log keeps its number.
 */
const SEQ_NOT_ENOUGH: ReadonlySet<string> = new Set([...PLACE_NOT_EVIDENCE, 'SEQ_DUPLICATE', 'CHAIN_FORK']);

/** Stable across runs: the code and where the fault is, never the wording of the message. */
export function fingerprint(f: Finding, uri: string): string {
  const line = `${uri}:${f.location?.line ?? 0}`;
  const where = f.seq !== null && f.chain !== null ? `${f.chain}#${f.seq}${SEQ_NOT_ENOUGH.has(f.code) ? `@${line}` : ''}` : line;
  return sha256Hex(`${f.code}\u0000${uri}\u0000${where}`).slice(0, 32);
}

/**
 * A path as a URI reference: each segment percent-encoded, so that a file named `a%b #c?.json`
 * (a log's or a pull request's) stays a path, not a fragment or a query, and a line break in
 * a name cannot end up in the document's URIs.
 */
export function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * A SARIF message string (a result's and a notification's message, a rule's descriptions and
 * help). SARIF 2.1.0 section 3.11.5: in every plain text and formatted message string, `{` and
 * `}` SHALL be written `{{` and `}}`, placeholders or not: a consumer replaces `{0}` with an
 * argument, and a value `{0}` from a log read as a placeholder with none. Section 3.11.6 reads
 * `[text](destination)` in a plain text message as an embedded link, whose integer destination
 * SHALL name a location of the result: a log's `[here](0)` or `[x](https://…)` made one
 * (2.1.0 gives no escape outside link text; the TC's answer, oasis-tcs/sarif-spec#658 and #768,
 * is a backslash before the literal bracket). So the `]` of each `](` is written `\]`, and a
 * run of backslashes right before it doubled, as printable.ts doubles one before its escapes:
 * an escaped bracket is always after an odd run.
 */
export function sarifMessage(s: string): string {
  const braces = s.includes('{') || s.includes('}') ? s.replace(/[{}]/g, '$&$&') : s;
  return braces.includes('](') ? braces.replace(/(\\*)\](?=\()/g, (_m, run: string) => `${run}${run}\\]`) : braces;
}

function result(f: Finding, ruleIndex: number, opts: SarifOptions, fallbackUri: string): Record<string, unknown> {
  const uri = f.location === null ? fallbackUri : pathUri(opts.relativize(f.location.file));
  const region: Record<string, number> = { startLine: f.location?.line ?? 1 };
  if (f.location?.column !== undefined) region['startColumn'] = f.location.column;
  const props: Record<string, unknown> = {};
  if (f.chain !== null) props['chain'] = f.chain;
  if (f.seq !== null) props['seq'] = f.seq;
  if (f.expected !== undefined) props['expected'] = f.expected;
  if (f.actual !== undefined) props['actual'] = f.actual;
  return {
    ruleId: f.code,
    ruleIndex,
    level: LEVEL[f.severity],
    // Shown in a web UI (GitHub code scanning): what could reorder or hide text escaped, as in
    // the text, github and junit formats; expected and actual (properties) stay exact.
    message: { text: sarifMessage(printable(f.message)) },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region } }],
    partialFingerprints: { 'selFinding/v1': fingerprint(f, uri) },
    ...(Object.keys(props).length > 0 ? { properties: props } : {}),
  };
}

/** What a SARIF file is made from: a verify report, or a policy check's (src/cli/policy.ts). */
export interface SarifReport {
  readonly findings: readonly Finding[];
  readonly summary: {
    readonly result: 'pass' | 'fail';
    readonly failOn: FailOn;
    readonly findings: FindingCounts;
    /** The files read: the first is where a finding without a location is put. */
    readonly files: readonly { readonly file: string }[];
    /** A verify report's replay: when it was skipped, the report says so (SPEC.md section 7). */
    readonly replay?: { readonly performed: false; readonly reason: string } | { readonly performed: true };
  };
}

export function renderSarif(report: SarifReport, opts: SarifOptions): string {
  const ruleIndex = new Map(ALL_CODES.map((c, i) => [c, i]));
  const rules = ALL_CODES.map((code) => {
    const info = CODES[code];
    return {
      id: code,
      name: ruleName(code),
      shortDescription: { text: sarifMessage(info.title) },
      fullDescription: { text: sarifMessage(info.help) },
      help: {
        text: sarifMessage(`${info.help}\n\nExample: ${info.example}`),
        markdown: sarifMessage(`**${info.title}**\n\n${info.help}\n\nExample: \`${info.example.replace(/`/g, "'")}\``),
      },
      defaultConfiguration: { level: LEVEL[info.severity] },
      properties: { tags: ['security', `sel-${info.class}`], precision: 'very-high' },
    };
  });
  const fallbackUri = report.summary.files[0] === undefined ? '.' : pathUri(opts.relativize(report.summary.files[0].file));
  // Most severe first, then in report order: what is cut when over a limit is the least severe.
  const ordered = report.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .map((x) => x.f);
  const maxResults = opts.maxResults ?? SARIF_MAX_RESULTS;
  const maxGzip = opts.maxGzipBytes ?? SARIF_MAX_GZIP_BYTES;
  let kept = ordered.slice(0, maxResults);
  const listedElsewhere = report.summary.findings.omitted;
  const build = (list: readonly Finding[]) => {
    const left = report.findings.length - list.length + listedElsewhere;
    const replay = report.summary.replay;
    const notifications = [
      ...(left > 0
        ? [{
            level: 'warning',
            message: { text: sarifMessage(`${left} finding(s) are not in this file (GitHub code scanning limits: ${maxResults} results, ${maxGzip} bytes gzipped; or a limit on findings listed): the most severe were kept. Run sel with --format json for all of them.`) },
          }]
        : []),
      ...(replay !== undefined && !replay.performed
        ? [{ level: 'note', message: { text: sarifMessage(`replay skipped (${replay.reason}); only integrity was checked`) } }]
        : []),
    ];
    const doc = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'sel', version: VERSION, semanticVersion: VERSION, rules } },
          automationDetails: { id: `sel/${opts.category}/` },
          // Section 3.14.27: a run of a tool that reads text, with results, SHALL say how it counts
          // columns; sel's are UTF-16 code units (Location.column): read as code points, a column
          // after an emoji is one too far (found by mutation review).
          columnKind: 'utf16CodeUnits',
          invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
          results: list.map((f) => result(f, ruleIndex.get(f.code)!, opts, fallbackUri)),
          properties: {
            result: report.summary.result,
            failOn: report.summary.failOn,
            findings: report.summary.findings,
            resultsLeftOut: left,
          },
        },
      ],
    };
    return jsonDocument(doc);
  };
  let text = build(kept);
  // Over the size limit: halve what is kept until it fits (results are similar in size).
  while (kept.length > 0 && gzipSync(text).length > maxGzip) {
    kept = kept.slice(0, Math.floor(kept.length / 2));
    text = build(kept);
  }
  return text;
}
