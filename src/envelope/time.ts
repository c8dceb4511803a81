/**
 * A point in time given on the command line (`sel gate --since`, `sel timeline --from/--to`),
 * written as the log writes its timestamps (YYYY-MM-DDTHH:MM:SS.mmmZ), so that the two compare
 * as text. Accepted: an RFC 3339 date-time (`T` or `t`; `Z`, `z` or an offset), or a date
 * alone, which means its first instant in UTC. The log's times have milliseconds; a time given
 * finer is rounded to the millisecond the comparison needs (`round`). Nothing else: Date.parse also reads forms like "Oct 20 2026" in the
 * machine's time zone, and a report must not depend on where it runs.
 */
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2})))?$/;

/** What the command line accepts, for error messages. */
export const TIME_FORMS = 'an RFC 3339 time (like 2026-11-01T00:00:00Z) or a date (2026-11-01: from 00:00 UTC)';

/**
 * `text` as the log writes a timestamp; null: not one of the accepted forms, or no such time.
 * Digits of a second past the milliseconds round down for `floor` (a bound events must be
 * after: 12:00:00.0005 and 12:00:00.000 exclude the same events) and up for `ceil` (a bound
 * they must be at or after, or before: 12:00:00.0005 excludes an event at .000 from `--from`
 * and keeps it in `--to`, as 12:00:00.001 does).
 */
export function parseTimePoint(text: string, round: 'floor' | 'ceil'): string | null {
  const m = TIME.exec(text);
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = m[4] === undefined ? [0, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6])];
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const finer = m[7] !== undefined && /[1-9]/.test(m[7].slice(3)) && round === 'ceil' ? 1 : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // Not Date.UTC, which reads years 0-99 as 1900-1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  // A day the month does not have (2026-02-30) rolls over: refused.
  if (d.getUTCDate() !== day) return null;
  const local = d.getTime();
  let offset = 0;
  if (m[9] !== undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
  }
  const at = new Date(local - offset + finer);
  // Years 0-9999 only: the log's timestamps have four digits.
  const y = at.getUTCFullYear();
  return y < 0 || y > 9999 ? null : at.toISOString();
}
