import { severityRank } from '../findings/codes.js';
import { VERSION } from '../version.js';
export const FAIL_ON_VALUES = ['error', 'warning', 'note', 'never'];
/** True when some finding is at or above `failOn`. */
export function fails(counts, failOn) {
    if (failOn === 'never')
        return false;
    const floor = severityRank(failOn);
    return Object.keys(counts.bySeverity).some((s) => severityRank(s) >= floor && counts.bySeverity[s] > 0);
}
export function buildReport(result, replay, failOn) {
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
//# sourceMappingURL=report.js.map