/** Test helpers: the shipped sample bundle, edited copies of it, and evaluation inputs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/canonical/digest.js';
import { loadBundle, type LoadedBundle } from '../../src/policy/bundle.js';
import type { CompiledPolicy } from '../../src/policy/compile.js';
import { evaluate, type EvalInput, type Evaluation } from '../../src/policy/evaluate.js';
import { EMPTY_LEDGER, type LedgerView } from '../../src/policy/types.js';
import type { TrustZone } from '../../src/envelope/types.js';

export const SAMPLE_POLICY_DIR = join(import.meta.dirname, '..', '..', 'ledger-samples', 'policy');

/** The sample bundle's files, parsed: name (without .json) → value. */
export function sampleFiles(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(SAMPLE_POLICY_DIR).filter((n) => n.endsWith('.json')).sort()) {
    out[f.slice(0, -5)] = JSON.parse(readFileSync(join(SAMPLE_POLICY_DIR, f), 'utf8')) as unknown;
  }
  return out;
}

/** Loads a bundle from parsed files (serialised with JSON.stringify). */
export function bundleOf(files: Record<string, unknown>): LoadedBundle {
  return loadBundle(new Map(Object.entries(files).map(([k, v]) => [`${k}.json`, JSON.stringify(v, null, 2)])));
}

export function compiled(files: Record<string, unknown> = sampleFiles()): CompiledPolicy {
  const b = bundleOf(files);
  if (!b.ok) throw new Error(`sample bundle invalid: ${JSON.stringify(b.problems)}`);
  return b.policy;
}

/** Edits a deep copy of the sample files. */
export function edited(edit: (f: Record<string, any>) => void): Record<string, unknown> {
  const f = structuredClone(sampleFiles()) as Record<string, any>;
  edit(f);
  return f;
}

export function input(kind: string, actor: string, zone: TrustZone, request: Record<string, unknown>, extra: Partial<EvalInput> = {}): EvalInput {
  return { kind, actor: { id: actor, zone }, request, ts: '2026-11-01T12:00:00.000Z', fingerprint: digestOf(request), exceptionRef: null, ...extra };
}

export function run(policy: CompiledPolicy, i: EvalInput, ledger: LedgerView = EMPTY_LEDGER): Evaluation {
  return evaluate(policy, i, ledger);
}

/** "action rule severity" for compact assertions. */
export function d(e: Evaluation): string {
  return `${e.decision.action} ${e.decision.rule ?? 'null'} ${e.decision.severity}`;
}

export function egress(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  // An `undefined` in `extra` removes the member (a request is JSON: it has no undefined).
  const r: Record<string, unknown> = { tool: 'http.fetch', method: 'GET', url, pinned_ips: ['140.82.112.6'], ...extra };
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return r;
}
