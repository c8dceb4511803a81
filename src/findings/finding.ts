/**
 * A finding (SPEC.md §6): one problem, as data. Findings are collected, never thrown; the
 * verifier reports every one and goes on.
 */
import { CODES, type FindingClass, type FindingCode, type Severity } from './codes.js';

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
export function makeFinding(code: FindingCode, init: FindingInit): Finding {
  const f: {
    -readonly [K in keyof Finding]: Finding[K];
  } = {
    code,
    severity: CODES[code].severity,
    chain: init.chain ?? null,
    seq: init.seq ?? null,
    location: init.location ?? null,
    message: init.message,
  };
  if (init.expected !== undefined) f.expected = init.expected;
  if (init.actual !== undefined) f.actual = init.actual;
  if (init.detail !== undefined) f.detail = init.detail;
  return f;
}

export function findingClass(f: Finding): FindingClass {
  return CODES[f.code].class;
}

/**
 * The finding with its line moved down by `lines` when it is located in `file`: findings made
 * on a part of a file (a shard, a --jobs unit) count lines from the part's start.
 */
export function shiftLines(f: Finding, file: string, lines: number): Finding {
  return lines !== 0 && f.location !== null && f.location.file === file ? { ...f, location: { ...f.location, line: f.location.line + lines } } : f;
}
