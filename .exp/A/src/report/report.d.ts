/**
 * The report: the summary and the findings, as every renderer receives them. Renderers
 * never decide anything; the verdict (`result`) is computed here, once.
 */
import type { Finding } from '../findings/finding.js';
import { type Severity } from '../findings/codes.js';
import type { IntegrityResult, IntegritySummary } from '../verify/verifier.js';
export type FailOn = Severity | 'never';
export declare const FAIL_ON_VALUES: readonly FailOn[];
export interface ReplayStatus {
    readonly performed: boolean;
    /** Why replay did not run. */
    readonly reason?: string;
}
export interface ReportSummary extends IntegritySummary {
    readonly tool: {
        readonly name: 'sel';
        readonly version: string;
    };
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
export declare function fails(counts: IntegritySummary['findings'], failOn: FailOn): boolean;
export declare function buildReport(result: IntegrityResult, replay: ReplayStatus, failOn: FailOn): Report;
