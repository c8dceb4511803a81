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
  lines.push(`sel verify: ${s.events} events in ${s.chains.length} chain(s); ${b.error} error(s), ${b.warning} warning(s), ${b.note} note(s): ${s.result.toUpperCase()} (--fail-on ${s.failOn})`);
  return `${lines.join('\n')}\n`;
}

/**
 * Text for a Markdown table cell: on one line, escaped as evidence is (printable), and every
 * character Markdown reads as markup backslash-escaped, so that a hostile file name or
 * message cannot make a link, an image, HTML or a new column in the step summary.
 */
export function markdownCell(s: string): string {
  return printable(s.replace(/\r?\n/g, ' ')).replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/** Markdown for $GITHUB_STEP_SUMMARY: the verdict, counts by code, the first findings. */
export function renderStepSummary(report: Report, relativize: (file: string) => string, limit = 50): string {
  const s = report.summary;
  const out = [
    `## sel verify: ${s.result === 'pass' ? 'PASS' : 'FAIL'}`,
    '',
    `${s.events} events in ${s.chains.length} chain(s), ${s.files.length} file(s)${s.replay.performed ? `; ${s.replay.events.events} decisions replayed at ${s.replay.ref} (${s.replay.commit.slice(0, 12)})` : '; replay skipped'}.`,
    '',
  ];
  const codes = Object.entries(s.findings.byCode);
  if (codes.length > 0) {
    out.push('| code | severity | count |', '|---|---|---|');
    for (const [code, n] of codes) out.push(`| \`${code}\` | ${CODES[code as keyof typeof CODES].severity} | ${n} |`);
    out.push('', '| where | code | message |', '|---|---|---|');
    for (const f of report.findings.slice(0, limit)) {
      const where = f.location === null ? '' : `${relativize(f.location.file)}:${f.location.line}`;
      out.push(`| ${markdownCell(where)} | \`${f.code}\` | ${markdownCell(f.message)} |`);
    }
    if (report.findings.length > limit) out.push('', `${report.findings.length - limit} more finding(s) not shown here.`);
  } else {
    out.push('No findings.');
  }
  return `${out.join('\n')}\n`;
}
