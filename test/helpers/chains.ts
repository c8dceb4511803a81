/** Test helpers: chains made with the producer API, verified in memory with the pure verifier. */
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { digestOf } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { DEFAULT_VERIFY_OPTIONS, IntegrityVerifier, type IntegrityResult, type VerifyOptions } from '../../src/verify/verifier.js';
import type { Finding } from '../../src/findings/finding.js';

export const POLICY_A = digestOf({ policy: 'a' });

const ZONES = ['kernel', 'supervisor', 'executor', 'userland'] as const;
const ACTIONS = ['allow', 'warn', 'review', 'block'] as const;

/** A deterministic event body for position i. */
export function sampleInput(i: number, extra: Record<string, unknown> = {}): EventInput {
  return {
    ts: new Date(Date.UTC(2026, 10, 1, 12, 0, 0) + i * 1000).toISOString(),
    kind: i % 3 === 0 ? 'http.egress' : 'tool.invoke',
    actor: { id: `agent-${i % 5}`, zone: ZONES[i % 4]! },
    request: { tool: 'http.fetch', url: `https://api.example.com/v1/items/${i}`, note: i % 4 === 0 ? 'données — 数据 😂' : 'plain', n: i },
    policy_hash: POLICY_A,
    decision: { action: ACTIONS[i % 4]!, rule: i % 4 === 0 ? null : `rule-${i % 7}`, severity: 'info' },
    ...extra,
  };
}

/** `n` canonical lines of one chain. */
export function chainLines(n: number, chain = 'prod'): string[] {
  const w = new ChainWriter(chain);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(w.append(sampleInput(i)).line);
  return out;
}

/** A second event for the seq of `line`: another actor, naming no event of the chain, sealed. */
export function forgedFor(line: string): string {
  const e = JSON.parse(line) as Record<string, unknown> & { actor: { id: string } };
  e.actor.id = 'forger';
  e['prev_hash'] = `sha256:${'f'.repeat(64)}`;
  delete e['hash'];
  e['hash'] = digestOf(e);
  return canonicalize(e);
}

/** Interleaves several chains deterministically (round robin with a stride). */
export function interleavedLines(perChain: number, chains: string[]): string[] {
  const all = chains.map((c) => chainLines(perChain, c));
  const out: string[] = [];
  for (let i = 0; i < perChain; i++) for (const lines of all) out.push(lines[i]!);
  return out;
}

export function toLog(lines: readonly string[]): Buffer {
  return Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
}

/**
 * Verifies files given as bytes, fed in chunks of `chunk` bytes (to exercise lines that
 * straddle reads), with the pure verifier.
 */
export function verifyBytes(
  files: readonly (Buffer | { name: string; bytes: Buffer })[],
  opts: Partial<VerifyOptions> = {},
  chunk = 4096,
): IntegrityResult {
  const v = new IntegrityVerifier({ ...DEFAULT_VERIFY_OPTIONS, ...opts });
  files.forEach((f, i) => {
    const name = Buffer.isBuffer(f) ? `log-${i}.jsonl` : f.name;
    const bytes = Buffer.isBuffer(f) ? f : f.bytes;
    const s = v.beginFile(name);
    for (let at = 0; at < bytes.length; at += chunk) s.push(bytes.subarray(at, Math.min(bytes.length, at + chunk)));
    v.endFile(name, s);
  });
  return v.finish();
}

export function codes(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.code);
}

/** "CODE@line" for compact assertions. */
export function codeLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code}@${f.location?.line ?? '-'}`);
}
