// Points in time on the command line (src/envelope/time.ts): gate --since, timeline --from/--to.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimePoint } from '../../src/envelope/time.js';
import { parseSince } from '../../src/gate/gate.js';

describe('a point in time on the command line', () => {
  it('is written as the log writes timestamps', () => {
    expect(parseTimePoint('2026-11-01T12:30:05Z', 'floor')).toBe('2026-11-01T12:30:05.000Z');
    expect(parseTimePoint('2026-11-01t12:30:05.1234z', 'floor')).toBe('2026-11-01T12:30:05.123Z');
    expect(parseTimePoint('2026-11-01T12:30:05.5+02:00', 'floor')).toBe('2026-11-01T10:30:05.500Z');
    expect(parseTimePoint('2026-11-01T00:30:00-01:30', 'floor')).toBe('2026-11-01T02:00:00.000Z');
    // A date alone: its first instant in UTC.
    expect(parseTimePoint('2026-11-01', 'floor')).toBe('2026-11-01T00:00:00.000Z');
    expect(parseTimePoint('0050-03-01', 'floor')).toBe('0050-03-01T00:00:00.000Z');
    expect(parseTimePoint('2028-02-29', 'floor')).toBe('2028-02-29T00:00:00.000Z');
    // Year 0 is a year of RFC 3339's four digits, as the log's form writes it (from mutation testing).
    expect(parseTimePoint('0000-01-01T00:00:00Z', 'floor')).toBe('0000-01-01T00:00:00.000Z');
  });

  it('rounds a time finer than the log\'s milliseconds down for a bound events must be after, up for one they must be at or after, or before', () => {
    expect(parseTimePoint('2026-11-01T12:00:00.0005Z', 'floor')).toBe('2026-11-01T12:00:00.000Z');
    expect(parseTimePoint('2026-11-01T12:00:00.0005Z', 'ceil')).toBe('2026-11-01T12:00:00.001Z');
    // Only when a digit past the milliseconds is not zero.
    expect(parseTimePoint('2026-11-01T12:00:00.123000Z', 'ceil')).toBe('2026-11-01T12:00:00.123Z');
    expect(parseTimePoint('2026-11-01T23:59:59.9999Z', 'ceil')).toBe('2026-11-02T00:00:00.000Z');
    // Past 9999 once the offset is applied: no such time in the log's form.
    expect(parseTimePoint('9999-12-31T23:30:00-01:00', 'floor')).toBeNull();
    expect(parseTimePoint('9999-12-31T23:30:00+01:00', 'floor')).toBe('9999-12-31T22:30:00.000Z');
  });

  it('is the same instant whatever the machine\'s time zone (from mutation testing: local-time setters)', () => {
    const was = process.env.TZ;
    try {
      // West of UTC the epoch is still 1969-12-31 locally, east of it past midnight: a local
      // setter moved the date a day, or refused it as a day the month does not have.
      for (const tz of ['America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
        process.env.TZ = tz;
        expect(parseTimePoint('2026-11-01', 'floor'), tz).toBe('2026-11-01T00:00:00.000Z');
        expect(parseTimePoint('2026-03-31T23:59:59.999Z', 'floor'), tz).toBe('2026-03-31T23:59:59.999Z');
        expect(parseTimePoint('2026-11-01T00:30:00+01:00', 'ceil'), tz).toBe('2026-10-31T23:30:00.000Z');
        // The first and last years of the log's form, whose local year is past them.
        expect(parseTimePoint('0000-01-01T00:00:00Z', 'floor'), tz).toBe('0000-01-01T00:00:00.000Z');
        expect(parseTimePoint('9999-12-31T23:30:00+01:00', 'floor'), tz).toBe('9999-12-31T22:30:00.000Z');
      }
    } finally {
      if (was === undefined) delete process.env.TZ;
      else process.env.TZ = was;
    }
  });

  it('is refused when it is no such time, or a form that depends on where it is read', () => {
    // Second 60 too: the log's times have no leap second (from mutation testing).
    for (const t of ['2026-13-01', '2026-02-30', '2026-11-01T24:00:00Z', '2026-11-01T12:60:00Z', '2026-11-01T12:00:60Z', '2026-11-01T12:00:00',
      '2026-11-01T12:00Z', 'Nov 1 2026', '2026-11-01 12:00:00Z', '2026-11-01T12:00:00+2:00', '2026-11-01T12:00:00+24:00',
      '0000-01-01T00:00:00+00:01', ' 2026-11-01', '2026-11-1', '',
      // Month 0, a 60th minute of offset, a point without digits after it (from mutation testing).
      '2026-00-01', '2026-11-01T12:00:00+00:60', '2026-11-01T12:00:00.Z']) {
      expect(parseTimePoint(t, 'floor'), t).toBeNull();
    }
  });

  it('gives back any timestamp it was given in the log\'s own form, whatever the offset written', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -23 * 60, max: 23 * 60 }), (d, offset) => {
      const iso = d.toISOString();
      expect(parseTimePoint(iso, 'ceil')).toBe(iso);
      // The same instant written with an offset.
      const shifted = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 23);
      const a = Math.abs(offset);
      const off = `${offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
      expect(parseTimePoint(shifted + off, 'floor')).toBe(iso);
    }));
  });

  it('is what gate --since reads as a time, and a date-like text is never a ref', () => {
    // Events from the time on: the range is "ts after one millisecond before it" (a finer time
    // rounds down first), so an event at a date's first instant counts.
    expect(parseSince('2026-11-01')).toEqual({ kind: 'ts', ts: '2026-10-31T23:59:59.999Z', label: '2026-11-01T00:00:00Z' });
    expect(parseSince('2026-11-01T12:00:00.0009Z')).toEqual({ kind: 'ts', ts: '2026-11-01T11:59:59.999Z', label: '2026-11-01T12:00:00.0009Z' });
    expect(parseSince('2026-13-01')).toBeNull();
    expect(parseSince('41817')).toEqual({ kind: 'seq', seq: 41817 });
    expect(parseSince('v1.4.0')).toEqual({ kind: 'ref', ref: 'v1.4.0' });
    expect(parseSince('refs/tags/2026-11-01')).toEqual({ kind: 'ref', ref: 'refs/tags/2026-11-01' });
  });
});
