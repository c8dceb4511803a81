/**
 * Typed entry points to the generated validators (src/schemas/generated/). Each is ajv
 * standalone code for one schema in schemas/: call it, and on false read `.errors`.
 */
import auditEvent from './generated/audit-event.js';
import ledgerAnchor from './generated/ledger-anchor.js';
import ledgerException from './generated/ledger-exception.js';
import ledgerReview from './generated/ledger-review.js';
import policyCapabilities from './generated/policy-capabilities.js';
import policyExtensions from './generated/policy-extensions.js';
import policyNetworkEgress from './generated/policy-network-egress.js';
import policySecretsBoundary from './generated/policy-secrets-boundary.js';
import policySeverityGating from './generated/policy-severity-gating.js';
import policyToolRegistry from './generated/policy-tool-registry.js';
import policyTrustZones from './generated/policy-trust-zones.js';

export { asValidator, type Validator } from './validator.js';
import { asValidator as v, type Validator } from './validator.js';

export const validateAuditEvent = v(auditEvent);
export const validateReview = v(ledgerReview);
export const validateException = v(ledgerException);
export const validateAnchor = v(ledgerAnchor);

/** Policy contract validators, by contract (file name without .json). */
export const POLICY_VALIDATORS: Readonly<Record<string, Validator>> = {
  capabilities: v(policyCapabilities),
  'network-egress': v(policyNetworkEgress),
  'secrets-boundary': v(policySecretsBoundary),
  'severity-gating': v(policySeverityGating),
  'trust-zones': v(policyTrustZones),
  'tool-registry': v(policyToolRegistry),
  extensions: v(policyExtensions),
};
