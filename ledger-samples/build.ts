/**
 * Builds the shipped sample logs deterministically (`npm run samples`), with the producer
 * API: no hand-rolled hashing. Run it to regenerate `ledger-samples/logs/`; the test suite
 * rebuilds into a temporary directory and checks the committed files are byte-identical.
 *
 *   logs/clean/       two interleaved chains, nothing wrong
 *   logs/rotated/     one chain across audit-8, audit-9, audit-10.jsonl (name order is not
 *                     seq order: the verifier orders by first seq)
 *   logs/incident/    a realistic tampered log: several faults, see expected.json
 *   logs/tampered/    one file per integrity finding code, see expected.json
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../src/canonical/jcs.js';
import { digestOf } from '../src/canonical/digest.js';
import { ChainWriter, type EventInput } from '../src/producer/producer.js';

/** Policy bundle hashes the samples name (real bundles come with the governance repo). */
const POLICY = digestOf({ sample: 'policy-v1' });
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

const AGENTS = ['planner', 'coder', 'browser', 'ops-bot'] as const;

/** A plausible SEL event for position i of a chain (deterministic). */
export function sampleEvent(i: number, chain: string, stepMs = 1250): EventInput {
  const ts = new Date(T0 + i * stepMs + (chain === 'ops' ? 400 : 0)).toISOString();
  const agent = AGENTS[i % AGENTS.length]!;
  switch (i % 6) {
    case 0:
      return {
        ts, kind: 'http.egress', actor: { id: agent, zone: 'executor' },
        request: { tool: 'http.fetch', method: 'GET', url: `https://api.github.com/repos/acme/app/pulls/${100 + i}`, pinned_ips: ['140.82.112.6'] },
        policy_hash: POLICY, decision: { action: 'allow', rule: 'egress.github-api', severity: 'info' },
      };
    case 1:
      return {
        ts, kind: 'tool.invoke', actor: { id: agent, zone: 'executor' },
        request: { tool: 'fs.write', path: `/workspace/notes/résumé-${i}.md`, bytes: 512 + i * 7 },
        policy_hash: POLICY, decision: { action: 'allow', rule: 'cap.workspace-write', severity: 'info' },
      };
    case 2:
      return {
        ts, kind: 'secret.inject', actor: { id: agent, zone: 'executor' },
        request: { tool: 'http.fetch', secret: 'GITHUB_TOKEN', mode: 'bearer', host: 'api.github.com', path: '/repos/acme/app' },
        policy_hash: POLICY, decision: { action: 'allow', rule: 'secrets.github-bearer', severity: 'low' },
      };
    case 3:
      return {
        ts, kind: 'http.egress', actor: { id: agent, zone: 'userland' },
        request: { tool: 'http.fetch', method: 'POST', url: 'https://paste.example.net/upload', pinned_ips: ['203.0.113.9'] },
        policy_hash: POLICY, decision: { action: 'block', rule: null, severity: 'high' },
      };
    case 4:
      return {
        ts, kind: 'zone.elevate', actor: { id: agent, zone: 'executor' },
        request: { from: 'executor', to: 'supervisor', reason: 'restart the staging deploy — 再起動' },
        policy_hash: POLICY, decision: { action: 'review', rule: 'trust.elevation', severity: 'medium' },
      };
    default:
      return {
        ts, kind: 'tool.invoke', actor: { id: agent, zone: 'executor' },
        request: { tool: 'shell.exec', argv: ['git', 'status', '--short'], cwd: '/workspace' },
        policy_hash: POLICY, decision: { action: 'warn', rule: 'cap.shell', severity: 'low' },
      };
  }
}

function lines(chain: string, n: number, start = 0): string[] {
  const w = new ChainWriter(chain);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(w.append(sampleEvent(start + i, chain)).line);
  return out;
}

function interleave(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i % 3 === 0 && i / 3 < b.length) out.push(b[i / 3]!);
  }
  return out;
}

/** Re-seals an edited event: what an attacker who knows the format does. */
function reseal(line: string, edit: (e: Record<string, unknown>) => void, refingerprint = true): string {
  const e = JSON.parse(line) as Record<string, unknown>;
  edit(e);
  delete e['hash'];
  if (refingerprint) e['request_fingerprint'] = digestOf(e['request']);
  e['hash'] = digestOf(e);
  return canonicalize(e);
}

const join_ = (ls: readonly string[]) => (ls.length === 0 ? '' : `${ls.join('\n')}\n`);

export interface Expected {
  readonly code: string;
  readonly line: number;
  readonly seq: number | null;
}

/** Writes every sample under `root` (the `ledger-samples` directory). */
export function buildSamples(root: string): void {
  const logs = join(root, 'logs');
  rmSync(logs, { recursive: true, force: true });
  const write = (rel: string, content: string | Buffer) => {
    const p = join(logs, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  };

  // clean: two chains, interleaved
  const prod = lines('prod-agents', 30);
  const ops = lines('ops', 10);
  write('clean/audit.jsonl', join_(interleave(prod, ops)));

  // rotated: one chain across three files whose names do not sort in seq order
  const rot = lines('prod-agents', 30);
  write('rotated/audit-8.jsonl', join_(rot.slice(0, 10)));
  write('rotated/audit-9.jsonl', join_(rot.slice(10, 20)));
  write('rotated/audit-10.jsonl', join_(rot.slice(20)));

  // incident: what an investigation finds in a log someone has tampered with
  {
    const l = lines('prod-agents', 24);
    // seq 4 (a blocked exfiltration attempt) flipped to allow, hash left as it was
    l[3] = l[3]!.replace('"action":"block","rule":null,"severity":"high"', '"action":"allow","rule":null,"severity":"high"');
    // seq 10 (a review) flipped to allow and re-hashed: its successor no longer links
    l[10] = reseal(l[10]!, (e) => ((e['decision'] as Record<string, unknown>)['action'] = 'allow'));
    // seq 15 deleted
    l.splice(15, 1);
    // seq 20 and 21 swapped (now at index 19 and 20)
    [l[19], l[20]] = [l[20]!, l[19]!];
    write('incident/audit.jsonl', join_(l));
    const expected: Expected[] = [
      { code: 'HASH_MISMATCH', line: 4, seq: 3 },
      { code: 'PREV_HASH_MISMATCH', line: 12, seq: 11 },
      { code: 'SEQ_GAP', line: 16, seq: 16 },
      { code: 'SEQ_REORDER', line: 20, seq: 21 },
    ];
    write('incident/expected.json', `${JSON.stringify({ 'audit.jsonl': expected }, null, 2)}\n`);
  }

  // tampered: one file per code
  const cases: Record<string, { content: string | Buffer; expected: Expected[] }> = {};
  const base = () => lines('prod-agents', 8);
  {
    const l = base();
    l[3] = l[3]!.replace('"action":"block"', '"action":"allow"');
    cases['hash-mismatch.jsonl'] = { content: join_(l), expected: [{ code: 'HASH_MISMATCH', line: 4, seq: 3 }] };
  }
  {
    const l = base();
    l[3] = reseal(l[3]!, (e) => ((e['decision'] as Record<string, unknown>)['action'] = 'allow'));
    cases['prev-hash-mismatch.jsonl'] = { content: join_(l), expected: [{ code: 'PREV_HASH_MISMATCH', line: 5, seq: 4 }] };
  }
  {
    const l = base();
    l.splice(4, 2);
    cases['seq-gap.jsonl'] = { content: join_(l), expected: [{ code: 'SEQ_GAP', line: 5, seq: 6 }] };
  }
  {
    const l = base();
    l.splice(5, 0, l[4]!);
    cases['seq-duplicate.jsonl'] = { content: join_(l), expected: [{ code: 'SEQ_DUPLICATE', line: 6, seq: 4 }] };
  }
  {
    const l = base();
    [l[4], l[5]] = [l[5]!, l[4]!];
    cases['seq-reorder.jsonl'] = { content: join_(l), expected: [{ code: 'SEQ_REORDER', line: 5, seq: 5 }] };
  }
  {
    const l = base();
    const head = JSON.parse(l[4]!) as { hash: string };
    const branch = new ChainWriter('prod-agents', { lastSeq: 4, lastHash: head.hash });
    const forked = [branch.append(sampleEvent(90, 'prod-agents')).line, branch.append(sampleEvent(91, 'prod-agents')).line];
    cases['chain-fork.jsonl'] = { content: join_([...l, ...forked]), expected: [{ code: 'CHAIN_FORK', line: 9, seq: 5 }] };
  }
  {
    // The producer refuses to write a seq 0 after a hash: sealed by hand, the rest linked to it.
    const first = reseal(new ChainWriter('prod-agents').append(sampleEvent(0, 'prod-agents')).line, (e) => (e['prev_hash'] = `sha256:${'f'.repeat(64)}`));
    const w = new ChainWriter('prod-agents', { lastSeq: 0, lastHash: (JSON.parse(first) as { hash: string }).hash });
    const l = [first, ...[1, 2].map((i) => w.append(sampleEvent(i, 'prod-agents')).line)];
    cases['genesis-invalid.jsonl'] = { content: join_(l), expected: [{ code: 'GENESIS_INVALID', line: 1, seq: 0 }] };
  }
  {
    const w = new ChainWriter('prod-agents');
    const l = [0, 1, 2, 3].map((i) => w.append(sampleEvent(i === 2 ? 0 : i, 'prod-agents')).line);
    cases['ts-regression.jsonl'] = { content: join_(l), expected: [{ code: 'TS_REGRESSION', line: 3, seq: 2 }] };
  }
  {
    const l = base();
    l[2] = reseal(l[2]!, (e) => ((e['request'] as Record<string, unknown>)['mode'] = 'query_param'), false);
    l[3] = reseal(l[3]!, (e) => (e['prev_hash'] = (JSON.parse(l[2]!) as { hash: string }).hash));
    const w = new ChainWriter('prod-agents', { lastSeq: 3, lastHash: (JSON.parse(l[3]!) as { hash: string }).hash });
    const rest = [4, 5, 6, 7].map((i) => w.append(sampleEvent(i, 'prod-agents')).line);
    cases['fingerprint-mismatch.jsonl'] = { content: join_([...l.slice(0, 4), ...rest]), expected: [{ code: 'FINGERPRINT_MISMATCH', line: 3, seq: 2 }] };
  }
  {
    const l = base();
    l[2] = l[2]!.replace('","kind":"', '", "kind":"');
    cases['event-noncanonical.jsonl'] = { content: join_(l), expected: [{ code: 'EVENT_NONCANONICAL', line: 3, seq: 2 }] };
  }
  {
    const l = base();
    l[2] = reseal(l[2]!, (e) => ((e['actor'] as Record<string, unknown>)['zone'] = 'root'));
    l[3] = reseal(l[3]!, (e) => (e['prev_hash'] = (JSON.parse(l[2]!) as { hash: string }).hash));
    const w = new ChainWriter('prod-agents', { lastSeq: 3, lastHash: (JSON.parse(l[3]!) as { hash: string }).hash });
    const rest = [4, 5].map((i) => w.append(sampleEvent(i, 'prod-agents')).line);
    cases['event-schema.jsonl'] = { content: join_([...l.slice(0, 4), ...rest]), expected: [{ code: 'EVENT_SCHEMA', line: 3, seq: 2 }] };
  }
  {
    const l = base();
    l.push(reseal(l[7]!, (e) => ((e['v'] = 'sel.audit/2'), (e['seq'] = 8), (e['prev_hash'] = (JSON.parse(l[7]!) as { hash: string }).hash))));
    cases['event-version-unknown.jsonl'] = { content: join_(l), expected: [{ code: 'EVENT_VERSION_UNKNOWN', line: 9, seq: 8 }] };
  }
  {
    const l = base();
    l[3] = l[3]!.slice(0, 120);
    cases['line-invalid-json.jsonl'] = { content: join_(l), expected: [{ code: 'LINE_INVALID_JSON', line: 4, seq: null }] };
  }
  {
    const l = base();
    const bytes = Buffer.from(join_(l), 'utf8');
    const at = bytes.indexOf(Buffer.from('résumé'));
    bytes[at + 1] = 0xff; // the first byte of "é" replaced: not UTF-8
    cases['line-invalid-utf8.jsonl'] = { content: bytes, expected: [{ code: 'LINE_INVALID_UTF8', line: 2, seq: null }] };
  }
  {
    const l = base();
    const all = join_(l);
    cases['line-torn.jsonl'] = { content: all.slice(0, all.length - 40), expected: [{ code: 'LINE_TORN', line: 8, seq: null }] };
  }
  {
    const l = base();
    cases['line-empty.jsonl'] = { content: `${l.slice(0, 4).join('\n')}\n\n${l.slice(4).join('\n')}\n`, expected: [{ code: 'LINE_EMPTY', line: 5, seq: null }] };
  }
  {
    const l = base();
    const e = JSON.parse(l[7]!) as Record<string, unknown>;
    e['hash'] = `sha3-256:${'ab'.repeat(32)}`;
    l[7] = canonicalize(e);
    cases['digest-unsupported.jsonl'] = { content: join_(l), expected: [{ code: 'DIGEST_UNSUPPORTED', line: 8, seq: 7 }] };
  }
  cases['log-empty.jsonl'] = { content: '', expected: [{ code: 'LOG_EMPTY', line: 1, seq: null }] };

  const expected: Record<string, Expected[]> = {};
  for (const name of Object.keys(cases).sort()) {
    write(`tampered/${name}`, cases[name]!.content);
    expected[name] = cases[name]!.expected;
  }
  write('tampered/expected.json', `${JSON.stringify(expected, null, 2)}\n`);
}

// Run as a script: rebuild the samples in place.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ledger-samples');
  buildSamples(root);
  process.stdout.write(`samples written to ${join(root, 'logs')}\n`);
}
