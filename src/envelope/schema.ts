/**
 * The sel.audit/1 envelope schema (schemas/audit-event.schema.json, JSON Schema 2020-12),
 * compiled once with ajv.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { loadSchema } from '../assets.js';
import { isDigestForm } from '../canonical/digest.js';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, count: number): number {
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
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' ||
      s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z') return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= max;
}

let validator: ValidateFunction | null = null;

function compile(): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  ajv.addFormat('sel-timestamp', { type: 'string', validate: isSelTimestamp });
  ajv.addFormat('sel-digest', { type: 'string', validate: isDigestForm });
  return ajv.compile(loadSchema('audit-event.schema.json'));
}

export interface SchemaError {
  /** JSON Pointer of the offending value. */
  readonly pointer: string;
  readonly message: string;
}

/** Validates an event; null when it conforms, else the first error. */
export function validateEnvelope(event: unknown): SchemaError | null {
  validator ??= compile();
  if (validator(event)) return null;
  return describe(validator.errors?.[0]);
}

function describe(e: ErrorObject | undefined): SchemaError {
  if (e === undefined) return { pointer: '', message: 'does not match the envelope schema' };
  if (e.keyword === 'required') {
    const p = (e.params as { missingProperty: string }).missingProperty;
    return { pointer: `${e.instancePath}/${p}`, message: `missing required member "${p}"` };
  }
  if (e.keyword === 'additionalProperties') {
    const p = (e.params as { additionalProperty: string }).additionalProperty;
    return { pointer: `${e.instancePath}/${p}`, message: `unknown member "${p}"` };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return { pointer: e.instancePath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { pointer: e.instancePath, message: e.message ?? `fails "${e.keyword}"` };
}
