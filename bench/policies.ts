/**
 * The policy bundles the replay and indexing benchmarks commit: the shipped sample bundle
 * (ledger-samples/policy/) extended with a few more principals, egress rules and an MCP
 * server, so that a log with several agents and CI runners is mostly allowed, sometimes
 * warned, reviewed or blocked — as production logs are. Three versions, each a plausible
 * change of the one before:
 *
 *   v1  low severity gated to allow; no PyPI egress, no GitHub MCP server
 *   v2  low gated to warn again (as shipped); PyPI egress and the GitHub MCP server added
 *   v3  two more reserved tool names, and a deny rule for npm token endpoints
 *
 * Reserved names only grow across versions (the tool-registry contract forbids removing one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/assets.js';
import { loadBundle } from '../src/policy/bundle.js';
import type { CompiledPolicy } from '../src/policy/compile.js';

/** File name under policy/ → parsed content. */
export type PolicyFiles = Record<string, any>;

export function shippedPolicy(): PolicyFiles {
  const dir = join(packageRoot(), 'ledger-samples', 'policy');
  const out: PolicyFiles = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    out[f] = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
  }
  return out;
}

export type Version = 1 | 2 | 3;

export function benchPolicy(version: Version): PolicyFiles {
  const p = structuredClone(shippedPolicy());
  const caps = p['capabilities.json'];
  const egress = p['network-egress.json'];
  const zones = p['trust-zones.json'];
  const registry = p['tool-registry.json'];
  const gating = p['severity-gating.json'];

  caps.grants.push(
    {
      id: 'cap.planner', principal: 'planner', zones: ['executor'], severity: 'info',
      tools: ['git', 'search.web', 'summarize', 'http.fetch'],
      http: ['egress.github-api', 'egress.docs-wildcard', 'egress.wikipedia'],
      mcp: version >= 2 ? ['browser', 'github'] : ['browser'],
      workspace: { read: ['/workspace'], write: ['/workspace/notes', '/workspace/plans'] },
      caps: { memory_mb: 1024, wall_ms: 60000, requests: 300 },
    },
    {
      id: 'cap.ci-runner', principal: 'ci-runner', zones: ['executor'], severity: 'info',
      tools: ['git', 'npm', 'node', 'docker.build'],
      http: version >= 2 ? ['egress.registry-npm', 'egress.github-api', 'egress.pypi'] : ['egress.registry-npm', 'egress.github-api'],
      secrets: ['NPM_TOKEN', 'GITHUB_TOKEN'],
      workspace: { read: ['/workspace'], write: ['/workspace/build', '/workspace/dist'] },
      caps: { memory_mb: 4096, fuel: 100000000, wall_ms: 600000, requests: 1000 },
    },
    {
      id: 'cap.researcher', principal: 'researcher', zones: ['userland', 'executor'], severity: 'low',
      tools: ['http.fetch', 'pdf.extract'],
      http: ['egress.docs-wildcard', 'egress.wikipedia'],
      mcp: ['browser'],
      workspace: { read: ['/workspace/shared'] },
      caps: { memory_mb: 512, wall_ms: 30000, requests: 100 },
    },
  );
  egress.rules.push({ id: 'egress.wikipedia', host: '*.wikipedia.org', methods: ['GET'], max_depth: 4, effect: 'allow', severity: 'info' });
  zones.elevations.push({ id: 'trust.ci-deploy', principal: 'ci-runner', from: 'executor', to: 'supervisor', severity: 'medium' });

  if (version === 1) {
    gating.gates.low = 'allow';
    registry.reserved = registry.reserved.filter((n: string) => n !== 'deploy-restart');
  } else {
    egress.rules.push({ id: 'egress.pypi', host: 'pypi.org', paths: ['/simple', '/pypi'], methods: ['GET', 'HEAD'], effect: 'allow', severity: 'info' });
    zones.mcp_servers.push({ id: 'mcp.github', server: 'github', url: 'https://mcp.example.com/github', tools: ['search_issues', 'read_file', 'list_pulls'], severity: 'low' });
    if (version === 2) registry.reserved = registry.reserved.filter((n: string) => n !== 'deploy-restart');
  }
  if (version === 3) {
    registry.reserved.push('ci.publish', 'docker.push');
    egress.rules.push({ id: 'egress.npm-tokens-deny', host: 'registry.npmjs.org', paths: ['/-/npm/v1/tokens'], methods: ['GET', 'HEAD'], effect: 'deny', severity: 'high' });
  }
  return p;
}

/** The files as committed (pretty JSON) and the compiled bundle; throws if the bundle is invalid. */
export function compileFiles(files: PolicyFiles): { texts: Record<string, string>; policy: CompiledPolicy } {
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) texts[k] = `${JSON.stringify(v, null, 2)}\n`;
  const b = loadBundle(new Map(Object.entries(texts)));
  if (!b.ok) throw new Error(`bench policy bundle is invalid: ${JSON.stringify(b.problems)}`);
  return { texts, policy: b.policy };
}
