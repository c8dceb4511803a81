/**
 * Typed entry points to the generated validators (src/schemas/generated/). Each is ajv
 * standalone code: call it, and on false read `.errors`.
 */
import type { ErrorObject } from 'ajv';
import auditEvent from './generated/audit-event.js';

export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export const validateAuditEvent = auditEvent as unknown as Validator;
