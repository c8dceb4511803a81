/**
 * A bundle compiled once per policy hash into the lookup structures the evaluator needs:
 * grants by principal, egress rules by exact host and by wildcard suffix, secret rules by
 * alias, reserved names by skeleton, pins by extension and version. Pure.
 */
import type { Action, DecisionSeverity } from '../envelope/types.js';
import { reservedKey } from './names.js';
import { lowerSegments, prefixSegments } from './url.js';
import type {
  EgressRule,
  ElevationRule,
  ExtensionPin,
  Grant,
  McpServer,
  PolicyBundle,
  SecretRule,
} from './types.js';

export const SEVERITY_RANK: Readonly<Record<DecisionSeverity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
export const ACTION_RANK: Readonly<Record<Action, number>> = { allow: 0, warn: 1, review: 2, block: 3 };

/** A host pattern: exact ("api.example.com") or wildcard ("*.example.com"). */
export interface HostPattern {
  readonly text: string;
  readonly wildcard: boolean;
  /** For a wildcard, the suffix without "*."; for an exact host, the host. */
  readonly base: string;
  /** Exact hosts are more specific than any wildcard; longer suffixes more than shorter. */
  readonly specificity: number;
}

export function hostPattern(text: string): HostPattern {
  const wildcard = text.startsWith('*.');
  const base = wildcard ? text.slice(2) : text;
  return { text, wildcard, base, specificity: wildcard ? base.split('.').length : 1000 };
}

/** Does the pattern match a (normalised, lowercase) host name? Never an IP literal by wildcard. */
export function hostMatches(p: HostPattern, host: string, isName: boolean): boolean {
  if (!p.wildcard) return host === p.base;
  // A dot boundary, and never the apex: *.example.com matches a.example.com, not example.com.
  return isName && host.length > p.base.length + 1 && host.endsWith(p.base) && host.charCodeAt(host.length - p.base.length - 1) === 0x2e;
}

export interface CompiledEgressRule {
  readonly rule: EgressRule;
  readonly host: HostPattern;
  readonly schemes: ReadonlySet<string>;
  readonly ports: ReadonlySet<number>;
  /** Lowercased for a deny rule (`fold`), which matches paths whatever their case. */
  readonly paths: readonly (readonly string[])[];
  readonly methods: ReadonlySet<string>;
  /**
   * A deny rule matches paths without regard to case: many servers read paths so (GitHub's
   * owner and repository names), and a deny must not be passed by writing /repos/ACME/...
   * An allow rule matches case exactly: both ways, the stricter reading.
   */
  readonly fold: boolean;
}

export interface CompiledSecretRule {
  readonly rule: SecretRule;
  readonly hosts: readonly HostPattern[];
  readonly paths: readonly (readonly string[])[];
  readonly modes: ReadonlySet<string>;
  readonly ports: ReadonlySet<number>;
  /** As for egress rules: a deny rule's paths are lowercased and matched without regard to case. */
  readonly fold: boolean;
}

export interface CompiledPolicy {
  readonly hash: string;
  readonly bundle: PolicyBundle;
  readonly gates: Readonly<Record<DecisionSeverity, Action>>;
  readonly defaultDeny: DecisionSeverity;
  /** Grants sorted by specificity (exact principal first), then id. */
  readonly grants: readonly Grant[];
  /** Egress rules with an exact host, by host. */
  readonly egressExact: ReadonlyMap<string, readonly CompiledEgressRule[]>;
  readonly egressWildcard: readonly CompiledEgressRule[];
  readonly egressById: ReadonlyMap<string, EgressRule>;
  readonly secretsByAlias: ReadonlyMap<string, readonly CompiledSecretRule[]>;
  readonly leakPatterns: ReadonlyMap<string, DecisionSeverity>;
  readonly leakVersion: string;
  readonly elevations: readonly ElevationRule[];
  readonly mcpByServer: ReadonlyMap<string, McpServer>;
  /**
   * Reserved name's skeleton (names.ts) → the reserved name as written (the first, sorted); a
   * further name of that skeleton that reads otherwise (names.ts, reservedKey) under the
   * skeleton and itself.
   */
  readonly reserved: ReadonlyMap<string, string>;
  readonly registrySeverity: DecisionSeverity;
  readonly pins: ReadonlyMap<string, ExtensionPin>;
  /** Every grant's workspace prefix, as path segments (split once, here). */
  readonly workspaceSegments: ReadonlyMap<string, readonly string[]>;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Exact principals before "*", then by id: the order grants are tried in. */
export function grantOrder(a: Grant, b: Grant): number {
  const sa = a.principal === '*' ? 1 : 0;
  const sb = b.principal === '*' ? 1 : 0;
  return sa - sb || byId(a, b);
}

/** The first item per key, in the given order (later duplicates lose: smallest id wins). */
function firstByKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) if (!out.has(key(item))) out.set(key(item), item);
  return out;
}

/** Segments lowercased (locale-independent) when `fold`. */
function foldIf(fold: boolean, segments: string[]): string[] {
  return fold ? lowerSegments(segments) : segments;
}

export function compilePolicy(hash: string, bundle: PolicyBundle): CompiledPolicy {
  const egressExact = new Map<string, CompiledEgressRule[]>();
  const egressWildcard: CompiledEgressRule[] = [];
  const egressById = new Map<string, EgressRule>();
  for (const rule of [...bundle['network-egress'].rules].sort(byId)) {
    const c: CompiledEgressRule = {
      rule,
      host: hostPattern(rule.host),
      schemes: new Set(rule.schemes ?? ['https']),
      ports: new Set(rule.ports ?? [443]),
      paths: (rule.paths ?? ['/']).map((p) => foldIf(rule.effect === 'deny', prefixSegments(p))),
      methods: new Set(rule.methods),
      fold: rule.effect === 'deny',
    };
    egressById.set(rule.id, rule);
    if (c.host.wildcard) egressWildcard.push(c);
    else {
      const list = egressExact.get(c.host.base) ?? [];
      list.push(c);
      egressExact.set(c.host.base, list);
    }
  }
  const secretsByAlias = new Map<string, CompiledSecretRule[]>();
  for (const rule of [...bundle['secrets-boundary'].rules].sort(byId)) {
    const c: CompiledSecretRule = {
      rule,
      hosts: rule.hosts.map(hostPattern),
      paths: (rule.paths ?? ['/']).map((p) => foldIf(rule.effect === 'deny', prefixSegments(p))),
      modes: new Set(rule.modes),
      ports: new Set(rule.ports ?? [443]),
      fold: rule.effect === 'deny',
    };
    for (const alias of rule.aliases) {
      const list = secretsByAlias.get(alias) ?? [];
      list.push(c);
      secretsByAlias.set(alias, list);
    }
  }
  const reserved = new Map<string, string>();
  for (const name of [...bundle['tool-registry'].reserved].sort()) {
    const k = reservedKey(reserved, name);
    if (k !== null) reserved.set(k, name);
  }
  const pins = new Map<string, ExtensionPin>();
  for (const pin of [...bundle.extensions.pins].sort(byId)) {
    const key = `${pin.extension}@${pin.version}`;
    if (!pins.has(key)) pins.set(key, pin);
  }
  return {
    hash,
    bundle,
    gates: bundle['severity-gating'].gates,
    defaultDeny: bundle['severity-gating'].default_deny,
    grants: [...bundle.capabilities.grants].sort(grantOrder),
    egressExact,
    egressWildcard,
    egressById,
    secretsByAlias,
    leakPatterns: new Map(bundle['secrets-boundary'].leak_patterns.patterns.map((p) => [p.name, p.severity])),
    leakVersion: bundle['secrets-boundary'].leak_patterns.version,
    elevations: [...bundle['trust-zones'].elevations].sort(byId),
    mcpByServer: firstByKey([...bundle['trust-zones'].mcp_servers].sort(byId), (m) => m.server),
    reserved,
    registrySeverity: bundle['tool-registry'].severity,
    pins,
    workspaceSegments: new Map(
      bundle.capabilities.grants.flatMap((g) => [...(g.workspace?.read ?? []), ...(g.workspace?.write ?? [])]).map((p) => [p, prefixSegments(p)]),
    ),
  };
}

/**
 * `policy` with `extra` reserved names (skeleton, as written) added to its own. The skeleton is
 * made again from the name as written: a key carried from elsewhere (a worker's message) is
 * never trusted to be the skeleton this evaluator compares.
 */
export function withReserved(policy: CompiledPolicy, extra: readonly (readonly [string, string])[]): CompiledPolicy {
  if (extra.length === 0) return policy;
  const reserved = new Map(policy.reserved);
  for (const [, name] of extra) {
    const k = reservedKey(reserved, name);
    if (k !== null) reserved.set(k, name);
  }
  return { ...policy, reserved };
}
