/**
 * Typed entry points to the generated validators (src/schemas/generated/). Each is ajv
 * standalone code: call it, and on false read `.errors`.
 */
import type { ErrorObject } from 'ajv';
export interface Validator {
    (data: unknown): boolean;
    errors?: ErrorObject[] | null;
}
export declare const validateAuditEvent: Validator;
