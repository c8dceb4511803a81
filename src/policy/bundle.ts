/**
 * Policy bundles (SPEC.md §3): the files under policy/ → the bundle object, its hash, its
 * validity, and the compiled policy. Pure: the caller supplies the files' bytes (from a
 * directory, or from Git objects), so the same code serves `sel policy` and replay.
 */
import { isUtf8 } from 'node:buffer';
import { canonicalize } from '../canonical/jcs.js';
import { sha256Digest } from '../canonical/digest.js';
import { scanStrict } from '../canonical/scan.js';
import { describeSchemaError } from '../envelope/schema.js';
import { POLICY_VALIDATORS } from '../schemas/validators.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { lineOfOffset } from './positions.js';
import { CONTRACTS, SCHEMA_VERSION, type ContractName, type PolicyBundle } from './types.js';

export type ProblemKind = 'missing' | 'unknown-contract' | 'not-json' | 'schema' | 'version' | 'duplicate-id' | 'too-large';

/** Why a bundle is not valid. Each becomes a POLICY_INVALID finding, with its file and line. */
export interface PolicyProblem {
  readonly kind: ProblemKind;
  /** The policy file, e.g. "network-egress.json". */
  readonly file: string;
  /** JSON Pointer inside the file ("" for the whole file). */
  readonly pointer: string;
  readonly message: string;
  /** Where a file stops being strict JSON (1-based): the line its finding names, not the file's first. */
  readonly line?: number;
}

export type LoadedBundle =
  | { readonly ok: true; readonly hash: string; readonly policy: CompiledPolicy; readonly texts: ReadonlyMap<string, string> }
  | {
      readonly ok: false;
      /** null when a file is not JSON: the bundle has no hash, so no event can name it. */
      readonly hash: string | null;
      /**
       * Without a hash (a file not strict JSON, every file JSON all the same): the hash a
       * producer reading the files with JSON.parse gives the bundle. Replay names the bundle
       * by it, so an event under it is POLICY_INVALID at its commit, not a POLICY_UNKNOWN that
       * says no commit holds it (history.ts).
       */
      readonly lenientHash?: string;
      readonly problems: readonly PolicyProblem[];
      readonly texts: ReadonlyMap<string, string>;
    };

/** Largest policy file accepted (a hostile repository cannot make the verifier parse gigabytes). */
export const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

const VERSION_RE = /^sel\.policy\.([a-z-]+)\/(\d+)$/;

/**
 * Loads a bundle from its files: `files` maps a file name under policy/ ("capabilities.json")
 * to its bytes. Only `*.json` names belong to the bundle (SPEC.md §3).
 */
export function loadBundle(files: ReadonlyMap<string, Uint8Array | string>): LoadedBundle {
  const problems: PolicyProblem[] = [];
  const texts = new Map<string, string>();
  const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let parsedAll = true;
  // The files as JSON.parse reads them, where one is not strict JSON (null: one is not JSON).
  let lenient: Record<string, unknown> | null = Object.create(null) as Record<string, unknown>;
  for (const file of [...files.keys()].filter((f) => f.endsWith('.json')).sort()) {
    const raw = files.get(file)!;
    const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (bytes.length > MAX_POLICY_FILE_BYTES) {
      problems.push({ kind: 'too-large', file, pointer: '', message: `the file is ${bytes.length} bytes, more than the ${MAX_POLICY_FILE_BYTES} a policy file may have` });
      parsedAll = false;
      lenient = null;
      continue;
    }
    if (!isUtf8(bytes)) {
      problems.push({ kind: 'not-json', file, pointer: '', message: 'the file is not UTF-8' });
      parsedAll = false;
      lenient = null;
      continue;
    }
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // Strict: duplicate keys, lone surrogates and numbers that lose precision make the file
    // mean different things to different parsers, so its hash would not pin its meaning.
    const scan = scanStrict(text);
    if (!scan.ok) {
      problems.push({ kind: 'not-json', file, pointer: '', message: `the file is not strict JSON: ${scan.reason.replace(/-/g, ' ')} at offset ${scan.offset}`, line: lineOfOffset(text, scan.offset) });
      parsedAll = false;
      if (lenient !== null) {
        try {
          lenient[file.slice(0, -'.json'.length)] = JSON.parse(text) as unknown;
        } catch {
          lenient = null;
        }
      }
      continue;
    }
    // Only strict JSON is kept: line numbers are found by walking the text (positions.ts), and
    // walking a file that is not (a bad escape, a string after the end) made `sel policy
    // check` stop with an internal error (found by review).
    texts.set(file, text);
    values[file.slice(0, -'.json'.length)] = JSON.parse(text) as unknown;
  }
  const hash = parsedAll ? sha256Digest(canonicalize(values)) : null;
  let lenientHash: string | undefined;
  if (hash === null && lenient !== null) {
    try {
      lenientHash = sha256Digest(canonicalize({ ...values, ...lenient }));
    } catch {
      lenientHash = undefined; // a lone surrogate, a non-finite number: no hash a producer could give either
    }
  }

  for (const name of Object.keys(values).sort()) {
    const file = `${name}.json`;
    const value = values[name];
    if (!(CONTRACTS as readonly string[]).includes(name)) {
      problems.push({ kind: 'unknown-contract', file, pointer: '', message: `policy/${file} is not a contract this verifier knows (${CONTRACTS.join(', ')})` });
      continue;
    }
    const declared = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['schema'] : undefined;
    const m = typeof declared === 'string' ? VERSION_RE.exec(declared) : null;
    if (m !== null && m[1] === name && Number(m[2]) !== SCHEMA_VERSION) {
      problems.push({ kind: 'version', file, pointer: '/schema', message: `schema version ${m[2]} of ${name} is not one this verifier implements (${SCHEMA_VERSION})` });
      continue;
    }
    const validate = POLICY_VALIDATORS[name]!;
    if (!validate(value)) {
      const e = describeSchemaError(validate.errors?.[0]);
      problems.push({ kind: 'schema', file, pointer: e.pointer, message: `${e.pointer === '' ? 'the file' : e.pointer} ${e.message}` });
    }
  }
  for (const name of CONTRACTS) {
    if (!(name in values) && !problems.some((p) => p.file === `${name}.json`)) {
      problems.push({ kind: 'missing', file: `${name}.json`, pointer: '', message: `the bundle has no policy/${name}.json` });
    }
  }
  if (problems.length === 0) problems.push(...duplicateIds(values as unknown as PolicyBundle));
  if (problems.length > 0 || hash === null) return { ok: false, hash, ...(lenientHash === undefined ? {} : { lenientHash }), problems, texts };
  return { ok: true, hash, policy: compilePolicy(hash, values as unknown as PolicyBundle), texts };
}

/** Rule ids are what decisions name: one id, one rule, across the whole bundle. */
function duplicateIds(b: PolicyBundle): PolicyProblem[] {
  // The tool registry's two outcomes have fixed ids; no rule may take them.
  const seen = new Map<string, string>([
    ['tool-registry.open', 'the tool registry'],
    ['tool-registry.reserved', 'the tool registry'],
  ]);
  const out: PolicyProblem[] = [];
  const lists: [ContractName, string, readonly { id: string }[]][] = [
    ['capabilities', 'grants', b.capabilities.grants],
    ['network-egress', 'rules', b['network-egress'].rules],
    ['secrets-boundary', 'rules', b['secrets-boundary'].rules],
    ['trust-zones', 'elevations', b['trust-zones'].elevations],
    ['trust-zones', 'mcp_servers', b['trust-zones'].mcp_servers],
    ['extensions', 'pins', b.extensions.pins],
    ['secrets-boundary', 'leak_patterns/patterns', b['secrets-boundary'].leak_patterns.patterns.map((p) => ({ id: p.name }))],
  ];
  for (const [contract, member, items] of lists) {
    items.forEach((item, i) => {
      const where = `${contract}.json /${member}/${i}`;
      const first = seen.get(item.id);
      if (first !== undefined) {
        out.push({ kind: 'duplicate-id', file: `${contract}.json`, pointer: `/${member}/${i}/${member.endsWith('patterns') ? 'name' : 'id'}`, message: `rule id ${item.id} is also used at ${first}: a decision must name one rule` });
      } else seen.set(item.id, where);
    });
  }
  return out;
}

/** A bundle's hash from its parsed files (SPEC.md §3), for callers that have values. */
export function bundleHash(values: Readonly<Record<string, unknown>>): string {
  return sha256Digest(canonicalize(values));
}
