import auditEvent from './generated/audit-event.js';
export const validateAuditEvent = auditEvent;
//# sourceMappingURL=validators.js.map