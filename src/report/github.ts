/**
 * `--format github`: GitHub Actions workflow commands. Each finding becomes an annotation
 * (`::error file=…,line=…,title=…::message`), escaped as the Actions toolkit escapes them
 * (data: % CR LF; properties: also : and ,). GitHub shows at most 10 annotations of each
 * level per step, so the first 10 of each level are annotated, most severe first, and one
 * notice says how many more there are. A Markdown summary for $GITHUB_STEP_SUMMARY is built
 * by `renderStepSummary`; the CLI appends it when that variable is set.
 */
import { CODES } from '../findings/codes.js';
import type { Finding } from '../findings/finding.js';
import { printable } from './printable.js';
import type { Report } from './report.js';

export const ANNOTATIONS_PER_LEVEL = 10;

/**
 * @actions/core escapeData, then printable (printable.ts): the other controls of a hostile
 * log (an ESC) must not reach the runner's log either.
 */
export function escapeData(s: string): string {
  return printable(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** @actions/core escapeProperty. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', note: 'notice' } as const;

function annotation(f: Finding, relativize: (file: string) => string): string {
  const props: string[] = [];
  if (f.location !== null) {
    props.push(`file=${escapeProperty(relativize(f.location.file))}`, `line=${f.location.line}`);
    if (f.location.column !== undefined) props.push(`col=${f.location.column}`);
  }
  const title = `${f.code}${f.chain === null ? '' : ` (${f.chain}${f.seq === null ? '' : ` seq ${f.seq}`})`}`;
  props.push(`title=${escapeProperty(title)}`);
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}`;
}

/**
 * The annotations of `findings` (the first ANNOTATIONS_PER_LEVEL of each level), and a notice
 * of how many were left out, these and `omitted` (not listed at all).
 */
export function annotations(findings: readonly Finding[], omitted: number, relativize: (file: string) => string, elsewhere: string): string[] {
  const lines: string[] = [];
  const shown = { error: 0, warning: 0, note: 0 };
  let hidden = omitted;
  for (const level of ['error', 'warning', 'note'] as const) {
    for (const f of findings.filter((x) => x.severity === level)) {
      if (shown[level] < ANNOTATIONS_PER_LEVEL) {
        lines.push(annotation(f, relativize));
        shown[level]++;
      } else hidden++;
    }
  }
  if (hidden > 0) {
    lines.push(`::notice title=sel::${escapeData(`${hidden} more finding(s) are not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step): ${elsewhere}`)}`);
  }
  return lines;
}

export function renderGithub(report: Report, relativize: (file: string) => string): string {
  const lines = annotations(report.findings, report.summary.findings.omitted, relativize, 'see the step summary, or run with --format json');
  const s = report.summary;
  const b = s.findings.bySeverity;
  // SPEC.md section 7: the report says replay was skipped (the step summary did; the log did not).
  const replay = s.replay.performed ? '' : `, replay skipped (${s.replay.reason})`;
  lines.push(`sel verify: ${s.events} events in ${s.chains.length} chain(s)${replay}; ${b.error} error(s), ${b.warning} warning(s), ${b.note} note(s): ${s.result.toUpperCase()} (--fail-on ${s.failOn})`);
  return `${lines.join('\n')}\n`;
}

/** The most characters of one value a step summary cell shows. */
const MAX_CELL = 300;
/** Rows stop being added past this many bytes: GitHub refuses a step summary over 1 MiB. */
const MAX_SUMMARY_BYTES = 512 * 1024;

/**
 * Text for a Markdown table cell: on one line, at most MAX_CELL characters, escaped as evidence
 * is (printable), every character Markdown reads as markup backslash-escaped, and what GitHub
 * makes a link or a mention of without markup (`https://`, `www.`, `@name`) broken with a
 * written escape, so that a hostile file name or message cannot make a link, an image, HTML, a
 * mention or a new column in the step summary (autolinks and mentions found by review).
 */
export function markdownCell(s: string): string {
  const one = s.replace(/\r?\n/g, ' ');
  // Cut between code points: half a surrogate pair would show as U+FFFD.
  const at = one.length > MAX_CELL && /[\uD800-\uDBFF]/.test(one[MAX_CELL - 1]!) ? MAX_CELL - 1 : MAX_CELL;
  const cut = one.length > MAX_CELL ? `${one.slice(0, at)}... (${one.length - at} more UTF-16 code units)` : one;
  return printable(cut)
    .replace(/:\/\//g, ':\\u002F\\u002F')
    .replace(/www\./gi, (w) => `${w.slice(0, 3)}\\u002E`)
    // (A backslash right before an @ would read as the start of the escape: doubled, as printable does.)
    .replace(/(\\*)@/g, (_m, run: string) => `${run}${run}\\u0040`)
    .replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/** Appends rows while the summary stays under MAX_SUMMARY_BYTES; says how many it left out. */
export function pushRows(out: string[], rows: readonly string[]): void {
  let bytes = out.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  for (let i = 0; i < rows.length; i++) {
    bytes += Buffer.byteLength(rows[i]!) + 1;
    if (bytes > MAX_SUMMARY_BYTES) {
      out.push('', `${rows.length - i} more row(s) not shown: the step summary would pass GitHub's size limit.`);
      return;
    }
    out.push(rows[i]!);
  }
}

/** Markdown for $GITHUB_STEP_SUMMARY: the verdict, counts by code, the first findings. */
export function renderStepSummary(report: Report, relativize: (file: string) => string, limit = 50): string {
  const s = report.summary;
  const out = [
    `## sel verify: ${s.result === 'pass' ? 'PASS' : 'FAIL'}`,
    '',
    `${s.events} events in ${s.chains.length} chain(s), ${s.files.length} file(s)${s.replay.performed ? `; ${s.replay.events.events} decisions replayed at ${markdownCell(s.replay.ref)} (${s.replay.commit.slice(0, 12)})` : '; replay skipped'}.`,
    '',
  ];
  const codes = Object.entries(s.findings.byCode);
  if (codes.length > 0) {
    out.push('| code | severity | count |', '|---|---|---|');
    for (const [code, n] of codes) out.push(`| \`${code}\` | ${CODES[code as keyof typeof CODES].severity} | ${n} |`);
    out.push('', '| where | code | message |', '|---|---|---|');
    pushRows(out, report.findings.slice(0, limit).map((f) => {
      const where = f.location === null ? '' : `${relativize(f.location.file)}:${f.location.line}`;
      return `| ${markdownCell(where)} | \`${f.code}\` | ${markdownCell(f.message)} |`;
    }));
    if (report.findings.length > limit) out.push('', `${report.findings.length - limit} more finding(s) not shown here.`);
  } else {
    out.push('No findings.');
  }
  return `${out.join('\n')}\n`;
}
