/**
 * `sel gate --format junit|github`: a release gate's verdict where CI shows test results and
 * annotations. Each assertion is one test case (JUnit) or, when it fails, one error
 * annotation (GitHub), placed at its first finding when it has one; the exit status, 1 when
 * any assertion fails, stays what a pipeline reads. The same input gives the same bytes.
 */
import { gateHeading, type GateReport } from '../gate/gate.js';
import { escapeData, escapeProperty, markdownCell as cell } from './github.js';
import { xmlEscape } from './junit.js';

type Relativize = (file: string) => string;

/** One suite, `sel.gate`; one test case per assertion, a <failure> with its reason when it failed. */
export function renderGateJunit(g: GateReport, relativize: Relativize): string {
  const cases = g.assertions.map((a) => {
    const name = xmlEscape(a.name);
    if (a.pass) return `    <testcase name="${name}" classname="sel.gate" time="0">\n      <system-out>${xmlEscape(a.reason)}</system-out>\n    </testcase>`;
    const where = a.at === undefined ? '' : `\nat ${relativize(a.at.file)}:${a.at.line}`;
    return `    <testcase name="${name}" classname="sel.gate" time="0">\n      <failure message="${xmlEscape(a.reason)}" type="${name}">${xmlEscape(`${a.reason}${where}`)}</failure>\n    </testcase>`;
  });
  const failures = g.assertions.filter((a) => !a.pass).length;
  const n = g.assertions.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sel gate" tests="${n}" failures="${failures}" errors="0" skipped="0" time="0">\n` +
    `  <testsuite name="sel.gate" tests="${n}" failures="${failures}" errors="0" skipped="0" time="0">\n${cases.join('\n')}\n` +
    `    <system-out>${xmlEscape(gateHeading(g))}</system-out>\n  </testsuite>\n</testsuites>\n`;
}

/** An error annotation per failed assertion (at its first finding when it has one), then the verdict. */
export function renderGateGithub(g: GateReport, relativize: Relativize): string {
  const lines: string[] = [];
  for (const a of g.assertions) {
    if (a.pass) continue;
    const props = a.at === undefined ? [] : [`file=${escapeProperty(relativize(a.at.file))}`, `line=${a.at.line}`];
    props.push(`title=${escapeProperty(`sel gate ${a.name}`)}`);
    lines.push(`::error ${props.join(',')}::${escapeData(a.reason)}`);
  }
  const failed = g.assertions.filter((a) => !a.pass).length;
  lines.push(escapeData(`${gateHeading(g)}: ${g.pass ? 'PASS' : `FAIL (${failed} of ${g.assertions.length} assertion(s) failed)`}`));
  return `${lines.join('\n')}\n`;
}

/** Markdown for $GITHUB_STEP_SUMMARY: the verdict and every assertion with its reason. */
export function renderGateStepSummary(g: GateReport, relativize: Relativize): string {
  const out = [
    `## sel gate: ${g.pass ? 'PASS' : 'FAIL'}`,
    '',
    `${cell(g.range)}: ${g.eventsInRange} event(s) in range; ${cell(g.repo)} at ${cell(g.ref)} (${g.commit.slice(0, 12)}).`,
    '',
    '| assertion | result | reason | where |',
    '|---|---|---|---|',
  ];
  for (const a of g.assertions) {
    const where = a.at === undefined ? '' : `${relativize(a.at.file)}:${a.at.line}`;
    out.push(`| ${cell(a.name)} | ${a.pass ? 'pass' : '**fail**'} | ${cell(a.reason)} | ${cell(where)} |`);
  }
  return `${out.join('\n')}\n`;
}
