/**
 * A finding (SPEC.md §6): one problem, as data. Findings are collected, never thrown; the
 * verifier reports every one and goes on.
 */
import { CODES, type FindingClass, type FindingCode, type Severity } from './codes.js';
import { ownCopy } from '../envelope/own-copy.js';
import { OperatorError } from '../errors.js';

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

/**
 * The most UTF-16 code units of one value a finding shows: a longer string is shown by its
 * start and its end. Findings echo what a log holds (a `v`, a digest, a recorded rule), and a
 * line may hold a megabyte of it: a 280 MB log of lines `{"v":"x…"}` made a report longer than
 * the longest string V8 can make, and sel stopped with an internal error instead of reporting
 * (found by review). Bounded, a report of --max-findings findings stays well under it.
 */
export const SHOWN_CHARS = 512;

/** `s`, or its start and end around a note of how many code units were left out. */
export function shown(s: string): string {
  return s.length <= SHOWN_CHARS ? s : elide(s, 352, 96);
}

/** The first `head` and last `tail` code units of `s`, never splitting a surrogate pair. */
function elide(s: string, head: number, tail: number): string {
  let from = head;
  if (isHighSurrogate(s.charCodeAt(from - 1))) from--;
  let to = s.length - tail;
  if (isHighSurrogate(s.charCodeAt(to - 1))) to++;
  return `${s.slice(0, from)}…[${to - from} characters left out]…${s.slice(to)}`;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * A finding's messages are sel's sentences around values passed through shown(); this bounds
 * one that was not, however it came to be long.
 */
const MESSAGE_CHARS = 4096;

/**
 * `v` with every string in it passed through shown() and copied (ownCopy), in new arrays and
 * objects where it holds one (values are a few levels deep at most). A finding is kept to the
 * end of the run (up to --max-findings of them), and a string from the log is a slice of its
 * line, as are the head and the tail shown() keeps of a long one: kept as they were, each
 * finding kept its whole line alive (600 divergences on 1 MB lines held 730 MB).
 */
function shownValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return ownCopy(shown(v));
  if (typeof v !== 'object' || v === null || depth >= 8) return v;
  if (Array.isArray(v)) {
    const out = v.map((x) => shownValue(x, depth + 1));
    return out.some((x, i) => x !== v[i] || typeof x === 'string') ? out : v;
  }
  const entries = Object.entries(v);
  const out = entries.map(([k, x]) => [k, shownValue(x, depth + 1)] as const);
  // Object.fromEntries defines each member: a member named __proto__ stays a member.
  return out.some(([, x], i) => x !== entries[i]![1] || typeof x === 'string') ? Object.fromEntries(out) : v;
}

/** Builds a finding; severity comes from the registry, so one code has one severity. */
export function makeFinding(code: FindingCode, init: FindingInit): Finding {
  // A name CODES inherits ('valueOf', 'toString') made a finding of no severity, under a code no
  // report lists (found by review); any other unknown code was a TypeError.
  if (!Object.hasOwn(CODES, code)) throw new OperatorError(`${typeof code === 'string' ? JSON.stringify(code) : typeof code} is not a finding code (ALL_CODES lists them)`);
  const f: {
    -readonly [K in keyof Finding]: Finding[K];
  } = {
    code,
    severity: CODES[code].severity,
    chain: init.chain === undefined || init.chain === null ? null : ownCopy(init.chain),
    seq: init.seq ?? null,
    location: init.location ?? null,
    message: ownCopy(init.message.length <= MESSAGE_CHARS ? init.message : elide(init.message, 3072, 512)),
  };
  if (init.expected !== undefined) f.expected = shownValue(init.expected);
  if (init.actual !== undefined) f.actual = shownValue(init.actual);
  if (init.detail !== undefined) f.detail = shownValue(init.detail) as Readonly<Record<string, unknown>>;
  return f;
}

/**
 * The repository-relative ledger path of a LEDGER_ARTIFACT_INVALID finding (its detail.path),
 * else null. Its location names the file from the repository's label, which may itself hold
 * `ledger/anchors/`: what kind of artifact it was is read from this path alone.
 */
export function invalidArtifactPath(f: Finding): string | null {
  const path = f.code === 'LEDGER_ARTIFACT_INVALID' ? f.detail?.path : undefined;
  return typeof path === 'string' ? path : null;
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
