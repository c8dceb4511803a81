/**
 * A finding (SPEC.md §6): one problem, as data. Findings are collected, never thrown; the
 * verifier reports every one and goes on.
 */
import { type FindingClass, type FindingCode, type Severity } from './codes.js';
export interface Location {
    /** The log file as the operator named it (or as found in a named directory). */
    readonly file: string;
    /** 1-based line number. */
    readonly line: number;
    /** 1-based column (UTF-16 code units), where a problem has a position within the line. Extension. */
    readonly column?: number;
}
export interface Finding {
    readonly code: FindingCode;
    readonly severity: Severity;
    readonly chain: string | null;
    readonly seq: number | null;
    readonly location: Location | null;
    readonly message: string;
    readonly expected?: unknown;
    readonly actual?: unknown;
    /** Code-specific, machine-readable facts (reason, counts, ranges). Extension. */
    readonly detail?: Readonly<Record<string, unknown>>;
}
export interface FindingInit {
    readonly chain?: string | null;
    readonly seq?: number | null;
    readonly location?: Location | null;
    readonly message: string;
    readonly expected?: unknown;
    readonly actual?: unknown;
    readonly detail?: Readonly<Record<string, unknown>>;
}
/** Builds a finding; severity comes from the registry, so one code has one severity. */
export declare function makeFinding(code: FindingCode, init: FindingInit): Finding;
export declare function findingClass(f: Finding): FindingClass;
