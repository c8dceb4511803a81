import { validateAuditEvent } from '../schemas/validators.js';
export { isChainIdForm, isSelTimestamp } from '../schemas/formats.js';
/** Validates an event; null when it conforms, else the first error. */
export function validateEnvelope(event) {
    if (validateAuditEvent(event))
        return null;
    return describeSchemaError(validateAuditEvent.errors?.[0]);
}
/** One sentence for an ajv error, with the JSON Pointer it concerns. */
export function describeSchemaError(e) {
    if (e === undefined)
        return { pointer: '', message: 'does not match the schema' };
    if (e.keyword === 'required') {
        const p = e.params.missingProperty;
        return { pointer: `${e.instancePath}/${p}`, message: `missing required member "${p}"` };
    }
    if (e.keyword === 'additionalProperties') {
        const p = e.params.additionalProperty;
        return { pointer: `${e.instancePath}/${p}`, message: `unknown member "${p}"` };
    }
    if (e.keyword === 'enum') {
        const allowed = e.params.allowedValues;
        return { pointer: e.instancePath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    return { pointer: e.instancePath, message: e.message ?? `fails "${e.keyword}"` };
}
//# sourceMappingURL=schema.js.map