/**
 * A finding (SPEC.md §6): one problem, as data. Findings are collected, never thrown; the
 * verifier reports every one and goes on.
 */
import { CODES } from './codes.js';
/** Builds a finding; severity comes from the registry, so one code has one severity. */
export function makeFinding(code, init) {
    const f = {
        code,
        severity: CODES[code].severity,
        chain: init.chain ?? null,
        seq: init.seq ?? null,
        location: init.location ?? null,
        message: init.message,
    };
    if (init.expected !== undefined)
        f.expected = init.expected;
    if (init.actual !== undefined)
        f.actual = init.actual;
    if (init.detail !== undefined)
        f.detail = init.detail;
    return f;
}
export function findingClass(f) {
    return CODES[f.code].class;
}
//# sourceMappingURL=finding.js.map