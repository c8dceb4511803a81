/**
 * The custom formats the project's JSON Schemas use. They are plain functions so that the
 * validators generated from the schemas (src/schemas/generated/, by ajv's standalone code
 * generation) and the code that checks the same rules by hand share one definition.
 * Each runs per event, so each is written for speed and measured: see the notes.
 */
import { isDigestForm } from '../canonical/digest.js';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number the `count` decimal digits of `s` from `from` write, or -1 when one is not a digit. */
export function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * RFC 3339 UTC with exactly three fraction digits (`2026-11-01T12:00:00.000Z`), naming a
 * real instant: month 1-12, a day that exists in that month (leap years included), hour
 * 0-23, minute and second 0-59. Pure arithmetic, no `Date` and no clock: it runs per event.
 */
export function isSelTimestamp(s: string): boolean {
  return s.length === 24 && isSelTimestampAt(s, 0);
}

/**
 * The 24 characters of `s` from `at` are a timestamp `isSelTimestamp` accepts: so the line
 * check can judge one in place, before making a string of it. Character codes only.
 */
export function isSelTimestampAt(s: string, at: number): boolean {
  if (s.charCodeAt(at + 4) !== 0x2d || s.charCodeAt(at + 7) !== 0x2d || s.charCodeAt(at + 10) !== 0x54 ||
      s.charCodeAt(at + 13) !== 0x3a || s.charCodeAt(at + 16) !== 0x3a || s.charCodeAt(at + 19) !== 0x2e ||
      s.charCodeAt(at + 23) !== 0x5a) return false;
  return realInstant(digits(s, at, 4), digits(s, at + 5, 2), digits(s, at + 8, 2), digits(s, at + 11, 2), digits(s, at + 14, 2), digits(s, at + 17, 2), digits(s, at + 20, 3));
}

/**
 * The 24 bytes of `b` from `at` are a timestamp `isSelTimestamp` accepts (ASCII): a shard
 * result's ts, checked in its column without a string made of it (a string a record cost the
 * merge of 300 MB 20%).
 */
export function isSelTimestampBytes(b: Uint8Array, at: number): boolean {
  if (b[at + 4] !== 0x2d || b[at + 7] !== 0x2d || b[at + 10] !== 0x54 || b[at + 13] !== 0x3a ||
      b[at + 16] !== 0x3a || b[at + 19] !== 0x2e || b[at + 23] !== 0x5a) return false;
  return realInstant(digitBytes(b, at, 4), digitBytes(b, at + 5, 2), digitBytes(b, at + 8, 2), digitBytes(b, at + 11, 2), digitBytes(b, at + 14, 2), digitBytes(b, at + 17, 2), digitBytes(b, at + 20, 3));
}

/** `digits` of bytes. */
function digitBytes(b: Uint8Array, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = b[i]! - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Parts read as digits (-1: not digits) name a real instant: month 1-12, a day of that month, hour 0-23, minute and second 0-59. */
function realInstant(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): boolean {
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= max;
}

const CHAIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const knownChains = new Set<string>();

/**
 * A chain id as the envelope schema allows it (a path-safe alphabet: anchors live at
 * ledger/anchors/<chain>/). Chains are few and repeat on every event, so ids already seen to
 * be valid are remembered (bounded) instead of matched again.
 */
export function isChainIdForm(v: string): boolean {
  if (knownChains.has(v)) return true;
  if (v.length === 0 || v.length > 200 || !CHAIN_ID.test(v)) return false;
  if (knownChains.size < 1024) knownChains.add(v);
  return true;
}

/**
 * A name (`kind`, `actor.id`): 1 to 200 UTF-16 code units. A format rather than
 * minLength/maxLength, which ajv implements by counting code points in a loop over the
 * string: measured as a large share of the per-event cost, for a bound that is a sanity
 * limit, not a budget.
 */
export function isName(v: string): boolean {
  return v.length >= 1 && v.length <= 200;
}

/**
 * A repository-relative path of a ledger artifact (SPEC.md §5): non-empty, not absolute, no
 * empty, `.` or `..` segment, no backslash or NUL, so it can only name a file under the
 * repository root.
 */
export function isLedgerPath(v: string): boolean {
  if (v.length === 0 || v.length > 1024 || v.startsWith('/') || v.includes('\\') || v.includes('\u0000')) return false;
  return v.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** A format as ajv defines one: the generated validators call `.validate`. */
export interface FormatDefinition {
  readonly type: 'string';
  readonly validate: (v: string) => boolean;
}

/** The format table the generated validators import (names as in the schemas). */
export const formats: Readonly<Record<string, FormatDefinition>> = {
  'sel-timestamp': { type: 'string', validate: isSelTimestamp },
  'sel-digest': { type: 'string', validate: isDigestForm },
  'sel-chain-id': { type: 'string', validate: isChainIdForm },
  'sel-name': { type: 'string', validate: isName },
  'sel-ledger-path': { type: 'string', validate: isLedgerPath },
};
