/**
 * The sel.audit/1 envelope schema (schemas/audit-event.schema.json, JSON Schema 2020-12).
 * The validator is ajv's standalone code for that schema, generated ahead of time into
 * src/schemas/generated/ (`npm run schemas`; a test keeps it in step with the schema), so a
 * run neither loads ajv nor compiles the schema: measured ~150 ms of start-up saved.
 */
import type { ErrorObject } from 'ajv';
export { isChainIdForm, isSelTimestamp } from '../schemas/formats.js';
export interface SchemaError {
    /** JSON Pointer of the offending value. */
    readonly pointer: string;
    readonly message: string;
}
/** Validates an event; null when it conforms, else the first error. */
export declare function validateEnvelope(event: unknown): SchemaError | null;
/** One sentence for an ajv error, with the JSON Pointer it concerns. */
export declare function describeSchemaError(e: ErrorObject | undefined): SchemaError;
