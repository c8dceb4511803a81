/**
 * The report: the summary and the findings, as every renderer receives them. Renderers
 * never decide anything; the verdict (`result`) is computed here, once.
 */
import type { Finding } from '../findings/finding.js';
import { severityRank, type Severity } from '../findings/codes.js';
import type { IntegrityResult, IntegritySummary } from '../verify/verifier.js';
import { VERSION } from '../version.js';
import { OperatorError } from '../errors.js';
import type { ReplaySummary } from '../verify/replay-run.js';

export type FailOn = Severity | 'never';
export const FAIL_ON_VALUES: readonly FailOn[] = ['error', 'warning', 'note', 'never'];

/** Replay's part of the summary: what was replayed, or why not. */
export type ReplayStatus = { readonly performed: false; readonly reason: string } | ReplaySummary;

export interface ReportSummary extends IntegritySummary {
  readonly tool: { readonly name: 'sel'; readonly version: string };
  readonly contract: 'sel.audit/1';
  readonly replay: ReplayStatus;
  readonly failOn: FailOn;
  readonly result: 'pass' | 'fail';
}

export interface Report {
  readonly summary: ReportSummary;
  readonly findings: readonly Finding[];
}

/** True when some finding is at or above `failOn`. */
export function fails(counts: IntegritySummary['findings'], failOn: FailOn): boolean {
  // Any other value (a library caller's 'info', 'Error', or none given) ranked no severity, and
  // a run with errors passed (found by review).
  if (!FAIL_ON_VALUES.includes(failOn)) {
    throw new OperatorError(`failOn must be one of ${FAIL_ON_VALUES.join(', ')}, not ${typeof failOn === 'string' ? JSON.stringify(failOn) : failOn === null ? 'null' : typeof failOn}`);
  }
  if (failOn === 'never') return false;
  const floor = severityRank(failOn);
  return (Object.keys(counts.bySeverity) as Severity[]).some((s) => severityRank(s) >= floor && counts.bySeverity[s] > 0);
}

export function buildReport(result: IntegrityResult, replay: ReplayStatus, failOn: FailOn): Report {
  const s = result.summary;
  return {
    summary: {
      tool: { name: 'sel', version: VERSION },
      contract: 'sel.audit/1',
      files: s.files,
      lines: s.lines,
      events: s.events,
      bytes: s.bytes,
      chains: s.chains,
      timeRange: s.timeRange,
      replay,
      findings: s.findings,
      failOn,
      result: fails(s.findings, failOn) ? 'fail' : 'pass',
    },
    findings: result.findings,
  };
}
