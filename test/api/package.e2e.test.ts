/**
 * The package as another program imports it: `import ... from 'sel'` resolves through
 * package.json's "exports" to the built entry point (dist/src/index.js, after `npm run build`),
 * which gives what src/index.ts lists, no more and no less, and works outside the test runner.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'sel-package-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The values src/index.ts exports (its types are checked by the compiler where tests use them). */
const VALUES = [
  'ALL_CODES', 'CODES', 'CONTRACT_VERSION', 'ChainVerifier', 'ChainWriter', 'DEFAULT_CHAIN_OPTIONS', 'DEFAULT_VERIFY_OPTIONS',
  'GENESIS_PREV_HASH', 'IntegrityVerifier', 'JcsError', 'OperatorError', 'ProducerError', 'SHA256_PREFIX', 'SHARD_VERSION',
  'VERSION', 'assertJcsValue', 'buildReport', 'canonicalize', 'checkDigest', 'checkLine', 'digestOf', 'fails', 'makeFinding',
  'mergeShards', 'parseShard', 'readShardHeader', 'renderJson', 'renderJsonl', 'renderText', 'runShard', 'scanCanonical',
  'scanStrict', 'sha256Digest', 'verifyLogs',
];

/** Runs an ES module in the package's root, as a program that depends on sel does. */
function node(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TMP_DIR: tmp } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("import from 'sel'", () => {
  it('lists exactly the values src/index.ts exports, from its built form (from mutation testing: an export taken out failed no test)', () => {
    expect(Object.keys(api).sort()).toEqual(VALUES);
    const r = node("import * as sel from 'sel'; process.stdout.write(JSON.stringify(Object.keys(sel).sort()));");
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(VALUES);
    expect(existsSync(join(ROOT, 'dist', 'src', 'index.d.ts'))).toBe(true);
  });

  it('writes a log and verifies it clean, and refuses a bad option with an OperatorError a caller can tell by its class', () => {
    const r = node(`
      import { writeFileSync } from 'node:fs';
      import { join } from 'node:path';
      import { ChainWriter, OperatorError, verifyLogs, VERSION } from 'sel';
      const w = new ChainWriter('prod-agents');
      const ev = { ts: '2026-11-01T12:00:00.000Z', kind: 'tool.invoke', actor: { id: 'a', zone: 'userland' }, request: { tool: 'fs.read' },
        policy_hash: 'sha256:${'b'.repeat(64)}', decision: { action: 'allow', rule: null, severity: 'info' } };
      const log = join(process.env.TMP_DIR, 'a.jsonl');
      writeFileSync(log, w.append(ev).line + '\\n' + w.append(ev).line + '\\n');
      const { summary, findings } = await verifyLogs([log]);
      let refused = null;
      try { await verifyLogs([log], { starts: [{ chain: 'prod-agents', next: -1, parent: w.head }] }); } catch (e) { refused = [e instanceof OperatorError, e.name, e.message]; }
      process.stdout.write(JSON.stringify({ version: VERSION, events: summary.events, findings: findings.length, refused }));
    `);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      version: api.VERSION,
      events: 2,
      findings: 0,
      refused: [true, 'OperatorError', 'starts[0].next must be a whole number from 0 to 9007199254740991, not -1'],
    });
  });
});
