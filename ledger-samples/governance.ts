/**
 * Builds the sample governance repository deterministically (fixed authors and dates, so
 * commit ids are the same on every machine): three policy versions, reviews, a valid and an
 * expired exception, anchors, and two logs made with the producer API and the evaluator.
 *
 *   logs/audit.jsonl      committed (in two appending commits); replays clean
 *   logs/incident.jsonl   not committed: the same chain after an incident, with planted faults
 *                         (see INCIDENT_EXPECTED)
 *
 * `npm run demo` builds it into ledger-samples/governance/ and verifies both logs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digestOf } from '../src/canonical/digest.js';
import { loadBundle } from '../src/policy/bundle.js';
import type { CompiledPolicy } from '../src/policy/compile.js';
import { evaluate, exceptionFingerprint } from '../src/policy/evaluate.js';
import type { ExceptionArtifact, ReviewArtifact } from '../src/policy/types.js';
import { buildLedger } from '../src/policy/ledger.js';
import { ChainWriter, type EventInput } from '../src/producer/producer.js';
import type { TrustZone } from '../src/envelope/types.js';
import { packageRoot } from '../src/assets.js';

const SAMPLES = join(packageRoot(), 'ledger-samples');
const CHAIN = 'prod-agents';

type Files = Record<string, Record<string, unknown>>;

function shippedPolicy(): Files {
  const out: Files = {};
  for (const f of readdirSync(join(SAMPLES, 'policy')).filter((n) => n.endsWith('.json')).sort()) {
    out[f] = JSON.parse(readFileSync(join(SAMPLES, 'policy', f), 'utf8')) as Record<string, unknown>;
  }
  return out;
}

/** Policy v1 (2026-10-01): no npm access yet, no status-page secret, deploy-restart not reserved yet. */
function policyV1(): Files {
  const p = structuredClone(shippedPolicy()) as Record<string, any>;
  p['tool-registry.json'].reserved = p['tool-registry.json'].reserved.filter((n: string) => n !== 'deploy-restart');
  p['network-egress.json'].rules = p['network-egress.json'].rules.filter((r: { id: string }) => r.id !== 'egress.registry-npm');
  p['capabilities.json'].grants[0].http = ['egress.github-api'];
  p['capabilities.json'].grants[0].secrets = ['GITHUB_TOKEN'];
  p['secrets-boundary.json'].rules = p['secrets-boundary.json'].rules.filter((r: { id: string }) => r.id === 'secrets.github-bearer');
  p['capabilities.json'].grants[2].secrets = [];
  return p;
}

/** Policy v2 (2026-10-15): npm registry and the status page's query-parameter key. (Reserved names are only ever added: v3 adds deploy-restart.) */
function policyV2(): Files {
  const p = structuredClone(shippedPolicy()) as Record<string, any>;
  p['tool-registry.json'].reserved = p['tool-registry.json'].reserved.filter((n: string) => n !== 'deploy-restart');
  return p;
}

function compile(files: Files): CompiledPolicy {
  const b = loadBundle(new Map(Object.entries(files).map(([k, v]) => [k, `${JSON.stringify(v, null, 2)}\n`])));
  if (!b.ok) throw new Error(`sample policy invalid: ${JSON.stringify(b.problems)}`);
  return b.policy;
}

interface Planned {
  readonly ts: string;
  readonly kind: string;
  readonly actor: { id: string; zone: TrustZone };
  readonly request: Record<string, unknown>;
  readonly exception_ref?: string;
}

const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 9, day, hour, minute, 0)).toISOString();

/** The story the clean log tells: 49 requests across the three policy eras. */
function plan(): Planned[] {
  const coder = { id: 'coder', zone: 'executor' as const };
  const browser = { id: 'browser', zone: 'executor' as const };
  const ops = { id: 'ops-bot', zone: 'executor' as const };
  const gh = (n: number, method = 'GET') => ({ tool: 'http.fetch', method, url: `https://api.github.com/repos/acme/app/pulls/${n}`, pinned_ips: ['140.82.112.6'] });
  const out: Planned[] = [];
  const add = (ts: string, kind: string, actor: Planned['actor'], request: Record<string, unknown>, exception_ref?: string) =>
    out.push({ ts, kind, actor, request, ...(exception_ref === undefined ? {} : { exception_ref }) });
  // v1 era
  add(at(2, 9), 'http.egress', coder, gh(101));
  add(at(2, 9, 5), 'fs.write', coder, { path: '/workspace/src/app.ts', resources: { memory_mb: 256 } });
  add(at(2, 9, 9), 'tool.invoke', coder, { tool: 'git', resources: { wall_ms: 4000 } });
  add(at(2, 10), 'secret.inject', coder, { tool: 'http.fetch', secret: 'GITHUB_TOKEN', mode: 'bearer', url: 'https://api.github.com/repos/acme/app' });
  add(at(3, 11), 'http.egress', browser, { tool: 'http.fetch', method: 'GET', url: 'https://guides.docs.example.com/start/install', pinned_ips: ['93.184.216.34'] });
  add(at(3, 11, 2), 'http.egress', browser, { tool: 'http.fetch', method: 'POST', url: 'https://paste.example.net/upload', pinned_ips: ['203.0.113.9'] });
  add(at(3, 12), 'mcp.call', browser, { server: 'browser', tool: 'screenshot' });
  add(at(4, 8), 'zone.elevate', ops, { from: 'executor', to: 'supervisor', reason: 'restart the staging deploy' }); // blocked: no exception yet
  add(at(4, 8, 30), 'zone.elevate', ops, { from: 'executor', to: 'supervisor', reason: 'restart the staging deploy' }, 'ledger/exceptions/EX-ops-restart.json'); // allowed under the exception granted at 08:20
  add(at(5, 14), 'tool.register', coder, { name: 'Shell.Exec' });
  add(at(5, 14, 1), 'tool.register', coder, { name: 'repo-summary' });
  add(at(6, 9), 'http.egress', coder, { tool: 'http.fetch', method: 'GET', url: 'http://169.254.169.254/latest/meta-data/', pinned_ips: ['169.254.169.254'] });
  add(at(7, 16), 'secret.leak_match', coder, { pattern: 'leak.github-token', pattern_set: '2026-11-01', location: 'tool output of shell.exec' });
  add(at(8, 10), 'extension.install', coder, { extension: 'pdf-tools', version: '1.2.0', artifacts: [
    { path: 'bin/pdf-tools.wasm', sha256: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b' },
    { path: 'capabilities.json', sha256: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92' },
  ] });
  for (let i = 0; i < 6; i++) add(at(9 + i, 9), 'http.egress', coder, gh(110 + i));
  // v2 era
  add(at(15, 10), 'http.egress', coder, { tool: 'http.fetch', method: 'GET', url: 'https://registry.npmjs.org/left-pad', pinned_ips: ['104.16.0.35'] });
  add(at(16, 10), 'secret.inject', coder, { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' });
  add(at(16, 15), 'secret.inject', coder, { tool: 'http.fetch', secret: 'NPM_TOKEN', mode: 'bearer', url: 'https://registry.npmjs.org/-/npm/v1/tokens' }); // resumed
  add(at(17, 7), 'secret.inject', ops, { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, 'ledger/exceptions/EX-status-2026.json');
  add(at(18, 7), 'tool.register', coder, { name: 'Deploy_Restart' });
  for (let i = 0; i < 9; i++) add(at(19 + i, 9), 'http.egress', coder, gh(120 + i));
  // v3 era (the shipped policy)
  add(at(32, 9), 'tool.register', coder, { name: 'Deploy_Restart' });
  add(at(32, 9, 30), 'fs.write', coder, { path: '/workspace/src/../../etc/passwd' });
  add(at(33, 9), 'http.egress', coder, gh(140));
  add(at(33, 10), 'http.egress', coder, { tool: 'http.fetch', method: 'DELETE', url: 'https://api.github.com/repos/acme/app/hooks/7', pinned_ips: ['140.82.112.6'] });
  add(at(33, 11), 'secret.inject', ops, { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, 'ledger/exceptions/EX-status-2026.json');
  for (let i = 0; i < 10; i++) add(at(34, 9 + i), 'http.egress', coder, gh(150 + i));
  return out;
}

export interface GovernanceSample {
  readonly repo: string;
  readonly clean: string;
  readonly incident: string;
}

/** What verifying logs/incident.jsonl against the sample repository reports. */
export const INCIDENT_EXPECTED: readonly { code: string; seq: number | null }[] = [
  { code: 'POLICY_UNKNOWN', seq: 26 },
  { code: 'EXCEPTION_MISSING', seq: 29 },
  { code: 'EXCEPTION_EXPIRED', seq: 32 },
  { code: 'DECISION_DIVERGENCE', seq: 35 },
  { code: 'LOG_TRUNCATED', seq: 48 },
];

function git(repo: string, args: string[], when?: string): void {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Governance Bot',
    GIT_AUTHOR_EMAIL: 'governance@example.com',
    GIT_COMMITTER_NAME: 'Governance Bot',
    GIT_COMMITTER_EMAIL: 'governance@example.com',
    ...(when === undefined ? {} : { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }),
  };
  execFileSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgSign=false', '-C', repo, ...args], { env, stdio: 'pipe' });
}

function writeAll(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const review = (fp: string, policy: string, reviewed: string, expires: string, reviewer = 'alice@example.com'): ReviewArtifact =>
  ({ v: 'sel.review/1', request_fingerprint: fp, policy_hash: policy, decision: 'approved', reviewer, reviewed_at: reviewed, expires_at: expires });

export function buildGovernanceRepo(repo: string): GovernanceSample {
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  git(repo, ['init', '-q', '-b', 'main']);
  const v1 = policyV1();
  const v2 = policyV2();
  const v3 = shippedPolicy();
  const [p1, p2, p3] = [compile(v1), compile(v2), compile(v3)];
  const steps = plan();
  const eraOf = (ts: string) => (ts < at(15, 0) ? p1 : ts < at(32, 0) ? p2 : p3);

  // Ledger artifacts the story needs. Reviews key on fingerprint and policy version.
  const npm = steps[21]!.request;
  const exceptionReview = review(exceptionFingerprint('EX-status-2026'), p2.hash, at(1, 9), at(32 + 60, 0), 'security@example.com');
  const oldExceptionReview = review(exceptionFingerprint('EX-status-2025'), p1.hash, at(1, 9), at(31, 0), 'security@example.com');
  const elevationReview = review(exceptionFingerprint('EX-ops-restart'), p1.hash, at(4, 8, 20), at(4, 20));
  const LAST = steps.length - 1;
  const ledgerFiles: Record<string, string> = {
    [`ledger/reviews/${elevationReview.request_fingerprint.slice(7)}.json`]: pretty(elevationReview),
    [`ledger/reviews/${digestOf(npm).slice(7)}.json`]: pretty(review(digestOf(npm), p2.hash, at(16, 14), at(17, 0))),
    [`ledger/reviews/${exceptionReview.request_fingerprint.slice(7)}.json`]: pretty(exceptionReview),
    [`ledger/reviews/${oldExceptionReview.request_fingerprint.slice(7)}.json`]: pretty(oldExceptionReview),
    'ledger/exceptions/EX-status-2026.json': pretty({
      v: 'sel.exception/1', id: 'EX-status-2026', justification: 'The status page API accepts its key only as a query parameter; rotated weekly.',
      review_ref: `ledger/reviews/${exceptionReview.request_fingerprint.slice(7)}.json`, granted_at: at(10, 0), expires_at: at(32 + 60, 0),
      scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
    } satisfies ExceptionArtifact),
    'ledger/exceptions/EX-ops-restart.json': pretty({
      v: 'sel.exception/1', id: 'EX-ops-restart', justification: 'Restart the staging deploy: ops-bot may act as supervisor for the rest of the day.',
      review_ref: `ledger/reviews/${elevationReview.request_fingerprint.slice(7)}.json`, granted_at: at(4, 8, 20), expires_at: at(4, 20),
      scope: { kind: 'zone.elevate', principal: 'ops-bot', from: 'executor', to: 'supervisor' },
    } satisfies ExceptionArtifact),
    'ledger/exceptions/EX-status-2025.json': pretty({
      v: 'sel.exception/1', id: 'EX-status-2025', justification: 'Last year\'s status page key exception, kept for the record.',
      review_ref: `ledger/reviews/${oldExceptionReview.request_fingerprint.slice(7)}.json`, granted_at: at(1, 0), expires_at: at(20, 0),
      scope: { kind: 'secret.inject', principal: 'ops-bot', secret: 'STATUS_API_KEY', mode: 'query_param', host: 'status.example.net' },
    } satisfies ExceptionArtifact),
  };
  const ledger = buildLedger(new Map(Object.entries(ledgerFiles).map(([k, v]) => [k, Buffer.from(v)])));

  // The clean log: every decision is what the evaluator says under the policy in force.
  const w = new ChainWriter(CHAIN);
  const events: { line: string; hash: string }[] = [];
  const append = (s: Planned, policy: CompiledPolicy, decisionOverride?: EventInput['decision']) => {
    const fp = digestOf(s.request);
    const ev = evaluate(policy, { kind: s.kind, actor: s.actor, request: s.request, ts: s.ts, fingerprint: fp, exceptionRef: s.exception_ref ?? null }, ledger);
    const { line, event } = w.append({ ts: s.ts, kind: s.kind, actor: s.actor, request: s.request, policy_hash: policy.hash, decision: decisionOverride ?? ev.decision, ...(s.exception_ref === undefined ? {} : { exception_ref: s.exception_ref }) });
    events.push({ line, hash: event.hash });
  };
  for (const s of steps) append(s, eraOf(s.ts));
  const clean = events.map((e) => `${e.line}\n`);

  // Anchors: seq 15 (committed with v2) and the last event (committed after v3).
  const anchor = (seq: number) => pretty({ v: 'sel.anchor/1', chain: CHAIN, seq, hash: events[seq]!.hash, ts: steps[seq]!.ts });

  // History: v1 with its ledger, the first half of the log, v2 + anchor 15, v3, the rest of
  // the log + anchor 47. Dates fixed, so commit ids are too.
  writeAll(repo, Object.fromEntries(Object.entries(v1).map(([k, v]) => [`policy/${k}`, pretty(v)])));
  writeAll(repo, { 'README.md': '# Governance repository (sample)\n\nPolicy bundles under policy/, the ledger under ledger/, the audit log under logs/.\n' });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'policy v1: github, docs and status page egress; reserved tool names'], '2026-10-01T08:00:00Z');
  writeAll(repo, { 'logs/audit.jsonl': clean.slice(0, 20).join('') });
  writeAll(repo, Object.fromEntries(Object.entries(ledgerFiles)));
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'ledger: reviews and exceptions; audit log through seq 19'], '2026-10-14T18:00:00Z');
  writeAll(repo, Object.fromEntries(Object.entries(v2).map(([k, v]) => [`policy/${k}`, pretty(v)])));
  writeAll(repo, { [`ledger/anchors/${CHAIN}/15.json`]: anchor(15) });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'policy v2: npm registry, status page key under exception EX-status-2026; anchor seq 15'], '2026-10-15T08:00:00Z');
  writeAll(repo, Object.fromEntries(Object.entries(v3).map(([k, v]) => [`policy/${k}`, pretty(v)])));
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'policy v3: reserve deploy-restart, deny hook administration'], '2026-11-01T08:00:00Z');
  writeAll(repo, { 'logs/audit.jsonl': clean.join(''), [`ledger/anchors/${CHAIN}/${LAST}.json`]: anchor(LAST) });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', `audit log through seq ${LAST}; anchor seq ${LAST}`], '2026-11-03T20:00:00Z');

  // The incident log: the same chain, re-written from seq 26 by a compromised runtime, then
  // cut after seq 39. Everything it writes is well-formed and chained, so integrity holds;
  // only replay and the anchors can see what happened.
  const iw = new ChainWriter(CHAIN, { lastSeq: 25, lastHash: events[25]!.hash });
  const lines = events.slice(0, 26).map((e) => e.line);
  for (let seq = 26; seq < 40; seq++) {
    const s = steps[seq]!;
    const policy = eraOf(s.ts);
    const fp = digestOf(s.request);
    const ev = evaluate(policy, { kind: s.kind, actor: s.actor, request: s.request, ts: s.ts, fingerprint: fp, exceptionRef: s.exception_ref ?? null }, ledger).decision;
    let input: EventInput = { ts: s.ts, kind: s.kind, actor: s.actor, request: s.request, policy_hash: policy.hash, decision: ev, ...(s.exception_ref === undefined ? {} : { exception_ref: s.exception_ref }) };
    // An agent run under a policy that was never committed (never reviewed).
    if (seq === 26) input = { ...input, policy_hash: digestOf({ policy: 'never committed' }) };
    // An elevation allowed without any exception.
    if (seq === 29) input = { ...input, kind: 'zone.elevate', actor: { id: 'ops-bot', zone: 'executor' }, request: { from: 'executor', to: 'supervisor', reason: 'hotfix' }, decision: { action: 'allow', rule: 'trust.ops-restart', severity: 'low' } };
    // A leak-prone secret mode used under last year's expired exception.
    if (seq === 32) input = { ...input, kind: 'secret.inject', actor: { id: 'ops-bot', zone: 'executor' }, request: { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' }, exception_ref: 'ledger/exceptions/EX-status-2025.json', decision: { action: 'warn', rule: 'secrets.status-query', severity: 'low' } };
    // A path-traversal write that was blocked, recorded as allowed.
    if (seq === 35) input = { ...input, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } };
    lines.push(iw.append(input).line);
  }
  writeAll(repo, { 'logs/incident.jsonl': lines.map((l) => `${l}\n`).join('') });
  return { repo, clean: join(repo, 'logs', 'audit.jsonl'), incident: join(repo, 'logs', 'incident.jsonl') };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(SAMPLES, 'governance');
  const s = buildGovernanceRepo(out);
  process.stdout.write(`sample governance repository built in ${s.repo}\n`);
}
