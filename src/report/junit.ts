/**
 * `--format junit`: JUnit XML as GitLab, Jenkins and most CI systems read it. One suite per
 * kind of check (integrity, replay, policy); in each, one passing test case for the check
 * when it found nothing (replay: one skipped case when it was skipped), and one test case per
 * finding. Findings at or above --fail-on are
 * <failure>s typed by their code; the others pass with the finding in <system-out>, so the
 * test report fails exactly when the exit status does. Names are unique; times are 0 (the
 * report is byte-identical between runs).
 */
import type { FindingClass, Severity } from '../findings/codes.js';
import { CODES, severityRank } from '../findings/codes.js';
import type { Finding } from '../findings/finding.js';
import type { Report } from './report.js';
import { printableInLine } from './printable.js';

const XML_INVALID = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text safe in XML 1.0 attributes and content. What XML cannot hold is U+FFFD; what it can but
 * could act on a terminal where the report is echoed, or show text in another order in a CI's
 * test report (C1 controls and DEL, bidi marks, separators, what shows as nothing: printable.ts),
 * is a `\uXXXX` escape, as in the text and github formats, and so is the `[` of `##[` (what
 * GitHub Actions reads as a workflow command anywhere in a line of a job's log); line breaks and
 * tabs stay (below).
 */
export function xmlEscape(s: string): string {
  return s
    .replace(XML_INVALID, '\uFFFD')
    .split(/([\t\n\r])/)
    .map((part, i) => (i % 2 === 1 ? part : printableInLine(part)))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // As character references: a raw line break from a file name put `::warning::...` at the
    // start of a line, a workflow command when the XML is echoed into a GitHub Actions log, and
    // parsers read one in an attribute as a space (found by review).
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

type Suite = 'integrity' | 'replay' | 'policy';
const SUITE: Record<FindingClass, Suite> = { integrity: 'integrity', diverged: 'replay', unverifiable: 'replay', policy: 'policy' };

function where(f: Finding, relativize: (file: string) => string): string {
  const loc = f.location === null ? '' : ` ${relativize(f.location.file)}:${f.location.line}`;
  const ev = f.chain === null ? '' : ` (${f.chain}${f.seq === null ? '' : ` seq ${f.seq}`})`;
  return `${loc}${ev}`;
}

export function renderJunit(report: Report, relativize: (file: string) => string = (f) => f): string {
  const s = report.summary;
  const failRank = s.failOn === 'never' ? Infinity : severityRank(s.failOn);
  // A suite for every finding: replay's holds what the line check cannot verify
  // (DIGEST_UNSUPPORTED) too, so it is there when replay was skipped and such a finding was
  // made; without it the report passed while the exit status was 1.
  const has = (suite: Suite) => report.findings.some((f) => SUITE[CODES[f.code].class] === suite);
  // Replay's suite always: when replay was skipped, its one case is skipped and says so
  // (SPEC.md section 7: the report says replay was skipped; a CI job that forgot --repo showed
  // only a passing integrity suite).
  const suites: Suite[] = ['integrity', 'replay'];
  if (has('policy')) suites.push('policy');
  // Unique as written (escaped): file names that differ only by what XML cannot hold (U+FFFD in
  // each) gave two cases one name, which GitLab and Jenkins read as one test.
  const names = new Set<string>();
  const unique = (raw: string) => {
    const name = xmlEscape(raw);
    let n = name;
    for (let k = 2; names.has(n); k++) n = `${name} #${k}`;
    names.add(n);
    return n;
  };
  // Counted at or above --fail-on, less those listed: what --max-findings left out that fails the run.
  const counted = (Object.keys(s.findings.bySeverity) as Severity[]).filter((sev) => severityRank(sev) >= failRank).reduce((n, sev) => n + s.findings.bySeverity[sev], 0);
  const unlistedFailing = Math.min(s.findings.omitted, counted - report.findings.filter((f) => severityRank(f.severity) >= failRank).length);
  let total = 0;
  let failures = 0;
  let skipped = 0;
  const body: string[] = [];
  for (const suite of suites) {
    const findings = report.findings.filter((f) => SUITE[CODES[f.code].class] === suite);
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    if (suite === 'replay' && !s.replay.performed) {
      suiteSkipped++;
      const text = `replay skipped (${s.replay.reason}); only integrity was checked`;
      cases.push(`    <testcase name="${unique(`replay: skipped (${s.replay.reason}); only integrity was checked`)}" classname="sel.replay" time="0">\n      <skipped message="${xmlEscape(text)}"/>\n    </testcase>`);
    } else if (findings.length === 0) {
      const what = suite === 'integrity'
        ? `${s.events} events in ${s.chains.length} chain(s) are intact`
        : suite === 'replay' && s.replay.performed
          ? `${s.replay.events.events} decisions replay as recorded`
          : 'no policy problem';
      cases.push(`    <testcase name="${unique(`${suite}: ${what}`)}" classname="sel.${suite}" time="0"/>`);
    }
    for (const f of findings) {
      const name = unique(`${f.code}${where(f, relativize)}`);
      const classname = `sel.${suite}.${f.code}`;
      const detail = [f.message, f.expected === undefined ? null : `expected: ${JSON.stringify(f.expected)}`, f.actual === undefined ? null : `actual: ${JSON.stringify(f.actual)}`]
        .filter((x): x is string => x !== null)
        .join('\n');
      if (severityRank(f.severity) >= failRank) {
        suiteFailures++;
        cases.push(`    <testcase name="${name}" classname="${classname}" time="0">\n      <failure message="${xmlEscape(f.message)}" type="${f.code}">${xmlEscape(detail)}</failure>\n    </testcase>`);
      } else {
        cases.push(`    <testcase name="${name}" classname="${classname}" time="0">\n      <system-out>${xmlEscape(`${f.severity}: ${detail}`)}</system-out>\n    </testcase>`);
      }
    }
    // Findings at or above --fail-on that were counted but not listed (--max-findings keeps the
    // first ones found): one failure for them, or a run whose listed findings were all warnings
    // and whose error was not listed passed here while its exit status was 1 (found by mutation
    // testing).
    if (suite === 'integrity' && unlistedFailing > 0) {
      suiteFailures++;
      const text = `${unlistedFailing} finding(s) at or above --fail-on ${s.failOn} are counted but not listed: run sel with a larger --max-findings, or 0, to list them all`;
      cases.push(`    <testcase name="${unique('findings not listed (--max-findings)')}" classname="sel.${suite}" time="0">\n      <failure message="${xmlEscape(text)}" type="NOT_LISTED">${xmlEscape(text)}</failure>\n    </testcase>`);
    }
    const omitted = suite === 'integrity' && s.findings.omitted > 0
      ? `\n    <system-out>${xmlEscape(`${s.findings.omitted} more finding(s) are counted but not listed (--max-findings)`)}</system-out>`
      : '';
    total += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    body.push(`  <testsuite name="sel.${suite}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="0">\n${cases.join('\n')}${omitted}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sel verify" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n${body.join('\n')}\n</testsuites>\n`;
}
