/**
 * The type of a generated validator (src/schemas/generated/: ajv standalone code for one
 * schema in schemas/): call it, and on false read `.errors`. Apart from validators.ts so a
 * module that needs one validator imports only that one.
 */
import type { ErrorObject } from 'ajv';

export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export const asValidator = (f: unknown): Validator => f as Validator;
