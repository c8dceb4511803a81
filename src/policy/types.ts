/**
 * Policy contract types, as the schemas in schemas/policy-*.schema.json define them. A bundle
 * is only built from files that passed those schemas, so these types describe checked data.
 */
import type { Action, DecisionSeverity, TrustZone } from '../envelope/types.js';

/** The contract files of a bundle (policy/<name>.json), all required. */
export const CONTRACTS = [
  'capabilities',
  'extensions',
  'network-egress',
  'secrets-boundary',
  'severity-gating',
  'tool-registry',
  'trust-zones',
] as const;
export type ContractName = (typeof CONTRACTS)[number];

export const SCHEMA_VERSION = 1;

export interface SeverityGating {
  readonly schema: 'sel.policy.severity-gating/1';
  readonly gates: Readonly<Record<DecisionSeverity, Action>>;
  readonly default_deny: DecisionSeverity;
}

export interface Grant {
  readonly id: string;
  readonly principal: string;
  readonly zones: readonly TrustZone[];
  readonly severity: DecisionSeverity;
  readonly tools?: readonly string[];
  readonly http?: readonly string[];
  readonly secrets?: readonly string[];
  readonly workspace?: { readonly read?: readonly string[]; readonly write?: readonly string[] };
  readonly mcp?: readonly string[];
  readonly caps?: Readonly<Partial<Record<ResourceName, number>>>;
}

export const RESOURCES = ['memory_mb', 'fuel', 'wall_ms', 'requests'] as const;
export type ResourceName = (typeof RESOURCES)[number];

export interface Capabilities {
  readonly schema: 'sel.policy.capabilities/1';
  readonly resolution: 'most-specific-then-smallest-id';
  readonly grants: readonly Grant[];
}

export type Effect = 'allow' | 'deny';
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface EgressRule {
  readonly id: string;
  readonly host: string;
  readonly schemes?: readonly ('https' | 'http')[];
  readonly ports?: readonly number[];
  readonly paths?: readonly string[];
  readonly max_depth?: number;
  readonly methods: readonly HttpMethod[];
  readonly effect: Effect;
  readonly severity: DecisionSeverity;
}

export interface NetworkEgress {
  readonly schema: 'sel.policy.network-egress/1';
  readonly resolution: 'most-specific-then-strictest-then-smallest-id';
  readonly private_ip_mode: 'deny';
  readonly rules: readonly EgressRule[];
}

export type InjectionMode = 'header' | 'bearer' | 'basic' | 'query_param' | 'url_path';
export const LEAK_PRONE_MODES: ReadonlySet<InjectionMode> = new Set(['query_param', 'url_path']);

export interface SecretRule {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly modes: readonly InjectionMode[];
  readonly hosts: readonly string[];
  readonly paths?: readonly string[];
  /** Default [443]; the scheme is always https. */
  readonly ports?: readonly number[];
  readonly effect: Effect;
  readonly severity: DecisionSeverity;
}

export interface SecretsBoundary {
  readonly schema: 'sel.policy.secrets-boundary/1';
  readonly resolution: 'most-specific-then-strictest-then-smallest-id';
  readonly rules: readonly SecretRule[];
  readonly leak_patterns: { readonly version: string; readonly patterns: readonly { readonly name: string; readonly severity: DecisionSeverity }[] };
}

export interface ElevationRule {
  readonly id: string;
  readonly principal: string;
  readonly from: TrustZone;
  readonly to: TrustZone;
  readonly severity: DecisionSeverity;
}

export interface McpServer {
  readonly id: string;
  readonly server: string;
  readonly url: string;
  readonly tools: readonly string[];
  readonly severity: DecisionSeverity;
}

export interface TrustZones {
  readonly schema: 'sel.policy.trust-zones/1';
  readonly resolution: 'most-specific-then-smallest-id';
  readonly elevations: readonly ElevationRule[];
  readonly mcp_servers: readonly McpServer[];
}

export interface ToolRegistry {
  readonly schema: 'sel.policy.tool-registry/1';
  readonly reserved: readonly string[];
  readonly severity: DecisionSeverity;
}

export interface ExtensionPin {
  readonly id: string;
  readonly extension: string;
  readonly version: string;
  readonly artifacts: Readonly<Record<string, string>>;
  readonly severity: DecisionSeverity;
}

export interface Extensions {
  readonly schema: 'sel.policy.extensions/1';
  readonly pins: readonly ExtensionPin[];
}

/** A policy bundle (SPEC.md §3): every contract file, parsed and schema-valid. */
export interface PolicyBundle {
  readonly capabilities: Capabilities;
  readonly extensions: Extensions;
  readonly 'network-egress': NetworkEgress;
  readonly 'secrets-boundary': SecretsBoundary;
  readonly 'severity-gating': SeverityGating;
  readonly 'tool-registry': ToolRegistry;
  readonly 'trust-zones': TrustZones;
}

/** Ledger artifacts (SPEC.md §5), as the ledger schemas define them. */
export interface ReviewArtifact {
  readonly v: 'sel.review/1';
  readonly request_fingerprint: string;
  readonly policy_hash: string;
  readonly decision: 'approved' | 'rejected';
  readonly reviewer: string;
  readonly reviewed_at: string;
  readonly expires_at: string;
  readonly comment?: string;
}

export interface ExceptionScope {
  readonly kind: 'secret.inject' | 'http.egress' | 'zone.elevate';
  readonly principal: string;
  readonly secret?: string;
  readonly mode?: InjectionMode;
  readonly host?: string;
  readonly scheme?: 'http' | 'https';
  readonly from?: TrustZone;
  readonly to?: TrustZone;
}

export interface ExceptionArtifact {
  readonly v: 'sel.exception/1';
  readonly id: string;
  readonly justification: string;
  readonly review_ref: string;
  readonly granted_at: string;
  readonly expires_at: string;
  readonly scope: ExceptionScope;
}

/**
 * The ledger as the evaluator sees it: artifacts by path, as they are at the ref replayed.
 * Lookups only; where they come from (Git, a directory, a test) is not the evaluator's concern.
 */
export interface LedgerView {
  /** The review artifact for a request fingerprint (ledger/reviews/<hex>.json), if any. */
  review(fingerprint: string): ReviewArtifact | null;
  /** The artifact at a ledger path, if any: an exception, or the review an exception names. */
  exception(path: string): ExceptionArtifact | null;
  reviewAt(path: string): ReviewArtifact | null;
}

export const EMPTY_LEDGER: LedgerView = {
  review: () => null,
  exception: () => null,
  reviewAt: () => null,
};
