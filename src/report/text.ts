/**
 * `--format text`: for people at a terminal. A heading, each finding at file:line with its
 * code and message (and expected/actual where they help), then per-chain and per-code
 * tallies and the verdict. Colour comes from the Chalk instance the CLI passes (level 0 when
 * standard output is not a terminal). No locale-dependent formatting: same input, same bytes.
 */
import type { ChalkInstance } from 'chalk';
import { CODES, type Severity } from '../findings/codes.js';
import type { Finding } from '../findings/finding.js';
import { printable } from './printable.js';
import type { Report } from './report.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A value from the evidence as one line of text (printable.ts: nothing that acts on a terminal). */
function show(v: unknown): string {
  return printable(typeof v === 'string' ? v : JSON.stringify(v));
}

export function renderText(report: Report, c: ChalkInstance): string {
  const s = report.summary;
  const lines: string[] = [];
  const sev = severityLabel(c);

  // Times are the line check's (isSelTimestamp) or a merged shard's, checked as such; escaped all the same, as every value a report prints from its input is.
  const range = s.timeRange === null ? '' : ` from ${printable(s.timeRange.from)} to ${printable(s.timeRange.to)}`;
  lines.push(
    c.bold(`sel verify: ${plural(s.files.length, 'file')}, ${plural(s.lines, 'line')}, ${plural(s.events, 'event')} in ${plural(s.chains.length, 'chain')}${range}`),
  );
  if (!s.replay.performed) {
    lines.push(c.dim(`replay: skipped (${s.replay.reason}); only integrity was checked`));
  } else {
    const r = s.replay;
    const e = r.events;
    lines.push(`replay: ${printable(r.repo)} at ${printable(r.ref)} (${r.commit.slice(0, 12)}), ${plural(r.bundles, 'policy bundle')} in ${plural(r.commitsScanned, 'commit')}`);
    lines.push(`        ${plural(e.events, 'decision')}: ${e.matched} matched, ${e.diverged} diverged, ${e.unverifiable} unverifiable${e.skipped > 0 ? `, ${e.skipped} not replayable (see their findings)` : ''}`);
    for (const n of r.notes) lines.push(c.dim(`        note: ${printable(n)}`));
  }

  if (report.findings.length > 0) lines.push('');
  for (const f of report.findings) lines.push(...renderFinding(f, c, sev));
  if (s.findings.omitted > 0) {
    lines.push('', c.yellow(`${plural(s.findings.omitted, 'more finding')} not listed (--max-findings); they are counted below`));
  }

  if (s.chains.length > 0) {
    lines.push('', c.bold('chains'));
    const name = (ch: { chain: string }) => printable(ch.chain);
    const w = s.chains.reduce((m, ch) => Math.max(m, name(ch).length), 0);
    const anchors = s.replay.performed ? new Map(s.replay.anchors.map((a) => [a.chain, a])) : null;
    for (const ch of s.chains) {
      const seqs = ch.firstSeq === null ? '' : `  seq ${ch.firstSeq}–${ch.lastSeq}`;
      const ts = ch.firstTs === null ? '' : `  ${printable(ch.firstTs)} → ${printable(ch.lastTs ?? '')}`;
      lines.push(`  ${name(ch).padEnd(w)}  ${plural(ch.events, 'event')}${seqs}${ts}`);
      const a = anchors?.get(ch.chain);
      if (a !== undefined) {
        const covered = a.lastAnchoredSeq === null ? 'no anchor' : `anchored to seq ${a.lastAnchoredSeq} (${plural(a.anchors, 'anchor')})`;
        // An anchor past the last event says the log was cut (LOG_TRUNCATED): not "covered".
        const cut = a.lastAnchoredSeq !== null && ch.lastSeq !== null && a.lastAnchoredSeq > ch.lastSeq;
        const open = cut ? `the log ends at seq ${ch.lastSeq}, before the anchored seq ${a.lastAnchoredSeq}`
          : a.unanchored === null ? 'every event covered' : `events ${a.unanchored[0]}–${a.unanchored[1]} unanchored`;
        lines.push(c.dim(`  ${' '.repeat(w)}  ${covered}; ${open}`));
      }
    }
  }

  const codes = Object.entries(s.findings.byCode) as [keyof typeof CODES, number][];
  if (codes.length > 0) {
    lines.push('', c.bold('findings by code'));
    const w = codes.reduce((m, [code]) => Math.max(m, code.length), 0);
    for (const [code, n] of codes) {
      lines.push(`  ${code.padEnd(w)}  ${String(n).padStart(6)}  ${sev(CODES[code].severity)}`);
    }
  }

  lines.push('', verdictLine(s.findings.bySeverity, s.result, s.failOn, c));
  return `${lines.join('\n')}\n`;
}

export function severityLabel(c: ChalkInstance): (s: Severity) => string {
  return (x) => (x === 'error' ? c.red.bold('error') : x === 'warning' ? c.yellow.bold('warning') : c.cyan('note'));
}

/** "2 errors, 1 warning, 0 notes: FAIL (--fail-on error)" */
export function verdictLine(b: Readonly<Record<Severity, number>>, result: 'pass' | 'fail', failOn: string, c: ChalkInstance): string {
  const tally = `${plural(b.error, 'error')}, ${plural(b.warning, 'warning')}, ${plural(b.note, 'note')}`;
  const verdict = result === 'pass' ? c.green.bold('PASS') : c.red.bold('FAIL');
  return `${tally}: ${verdict} (--fail-on ${failOn})`;
}

export function renderFinding(f: Finding, c: ChalkInstance, sev: (s: Severity) => string = severityLabel(c)): string[] {
  const where = f.location === null
    ? '(no position)'
    : `${printable(f.location.file)}:${f.location.line}${f.location.column === undefined ? '' : `:${f.location.column}`}`;
  const chain = f.chain === null ? '' : c.dim(` chain ${printable(f.chain)}${f.seq === null ? '' : ` seq ${f.seq}`}`);
  const out = [`${c.bold(where)}  ${sev(f.severity)}  ${c.bold(f.code)}${chain}`, `    ${printable(f.message)}`];
  if (f.expected !== undefined) out.push(c.dim(`    expected ${show(f.expected)}`));
  if (f.actual !== undefined) out.push(c.dim(`    actual   ${show(f.actual)}`));
  return out;
}
