/**
 * The sel.audit/1 envelope schema (schemas/audit-event.schema.json, JSON Schema 2020-12).
 * The validator is ajv's standalone code for that schema, generated ahead of time into
 * src/schemas/generated/ (`npm run schemas`; a test keeps it in step with the schema), so a
 * run neither loads ajv's compiler nor compiles the schema: measured ~150 ms of start-up saved.
 */
import type { ErrorObject } from 'ajv';
import auditEvent from '../schemas/generated/audit-event.js';
import { asValidator } from '../schemas/validator.js';

const validateAuditEvent = asValidator(auditEvent);

export { isChainIdForm, isSelTimestamp } from '../schemas/formats.js';

export interface SchemaError {
  /** JSON Pointer of the offending value. */
  readonly pointer: string;
  readonly message: string;
}

/** Validates an event; null when it conforms, else the first error. */
export function validateEnvelope(event: unknown): SchemaError | null {
  if (validateAuditEvent(event)) return null;
  return describeSchemaError(validateAuditEvent.errors?.[0]);
}

/** One sentence for an ajv error, with the JSON Pointer it concerns. */
export function describeSchemaError(e: ErrorObject | undefined): SchemaError {
  if (e === undefined) return { pointer: '', message: 'does not match the schema' };
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
  if (e.keyword === 'const') {
    // ajv's own words ("must be equal to constant") did not say which value is allowed.
    return { pointer: e.instancePath, message: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}` };
  }
  if (e.keyword === 'pattern') {
    return { pointer: e.instancePath, message: `is not of the allowed form (the schema's pattern ${(e.params as { pattern: string }).pattern})` };
  }
  if (e.keyword === 'format') {
    return { pointer: e.instancePath, message: `is not a valid ${(e.params as { format: string }).format} value` };
  }
  return { pointer: e.instancePath, message: e.message ?? `fails "${e.keyword}"` };
}
