/**
 * `sel policy check|hash DIR` on a Git working copy and replay of the same commit read one
 * bundle: the hash printed for the checked-out files is the hash replay finds in the history,
 * and a bundle replay accepts is one `policy check` passes. The built CLI on real repositories.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneSentence, sel } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { SAMPLE_POLICY_DIR } from '../helpers/policy.js';
import { ChainWriter } from '../../src/producer/producer.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-policy-agree-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONTRACTS = ['capabilities', 'extensions', 'network-egress', 'secrets-boundary', 'severity-gating', 'tool-registry', 'trust-zones'];

/** A repository whose policy/ is the sample bundle, edited by `files`, committed with `attributes`, then checked out afresh. */
function repoWith(name: string, attributes: string, files: Record<string, string> = {}): string {
  const repo = initRepo(join(tmp, name));
  for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: files[f] ?? readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`), 'utf8') });
  commit(repo, 'policy');
  write(repo, { '.gitattributes': attributes });
  git(repo, 'add', '.gitattributes');
  git(repo, 'commit', '-q', '-m', 'attributes');
  // As a CI job's clone has it: the working copy Git writes from the commit.
  rmSync(join(repo, 'policy'), { recursive: true });
  git(repo, 'checkout', '--', 'policy');
  return repo;
}

/** Replay's findings for one elevation recorded under `hash` (blocked without an exception, as the sample decides it). */
function replayCodes(repo: string, hash: string): string[] {
  const w = new ChainWriter('c');
  const line = w.append({
    ts: '2026-10-02T00:00:00.000Z', kind: 'zone.elevate', actor: { id: 'ops-bot', zone: 'executor' }, request: { from: 'executor', to: 'supervisor' }, policy_hash: hash,
    decision: { action: 'block', rule: 'trust.ops-restart', severity: 'high' },
  }).line;
  const log = join(repo, '..', `${repo.split('/').at(-1)}.jsonl`);
  writeFileSync(log, `${line}\n`);
  const r = sel(['verify', log, '--repo', repo, '--format', 'json']);
  return (JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
}

describe('policy hash DIR of a Git working copy, and the hash replay finds for its commit', () => {
  it('files checked out with CRLF line ends (eol=crlf): the same hash', () => {
    const repo = repoWith('crlf', 'policy/*.json text eol=crlf\n');
    expect(readFileSync(join(repo, 'policy', 'capabilities.json'), 'utf8')).toContain('\r\n');
    const h = sel(['policy', 'hash', repo]);
    expect(h.status).toBe(0);
    expect(replayCodes(repo, h.stdout.trim())).not.toContain('POLICY_UNKNOWN');
  });
  // DIR is files, not history (docs/policy.md): an attribute that makes the working copy other
  // bytes than the blob makes it another bundle. Said in the docs; not made to agree.
  it('a reserved name with $Id$ under the ident attribute: the working copy is another bundle, which no commit holds', () => {
    const reg = JSON.parse(readFileSync(join(SAMPLE_POLICY_DIR, 'tool-registry.json'), 'utf8')) as { reserved: string[] };
    reg.reserved.push('$Id$');
    const repo = repoWith('ident', 'policy/*.json ident\n', { 'tool-registry': JSON.stringify(reg, null, 2) });
    expect(readFileSync(join(repo, 'policy', 'tool-registry.json'), 'utf8')).toMatch(/\$Id: [0-9a-f]{40} \$/);
    const h = sel(['policy', 'hash', repo]);
    expect(h.status).toBe(0);
    expect(replayCodes(repo, h.stdout.trim())).toEqual(['POLICY_UNKNOWN']);
  });
  it('a file checked out as UTF-16 (working-tree-encoding): policy check reads the working copy, which is not UTF-8', () => {
    const repo = repoWith('utf16', 'policy/capabilities.json working-tree-encoding=UTF-16LE-BOM\n');
    expect(readFileSync(join(repo, 'policy', 'capabilities.json')).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    // Replay reads the committed blob (UTF-8, the sample's): the bundle is valid and has the sample's hash.
    expect(replayCodes(repo, sel(['policy', 'hash', SAMPLE_POLICY_DIR]).stdout.trim())).toEqual([]);
    const check = sel(['policy', 'check', repo, '--format', 'json']);
    expect(check.status).toBe(1);
    expect((JSON.parse(check.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message)).toEqual(['the file is not UTF-8']);
  });
});

describe('a directory holding policy files and a policy/ directory both', () => {
  it('policy/ with a valid copy in policy/policy/ and an invalid bundle of its own: refused, not passed as the copy (the docs/ci.md workflow)', () => {
    const repo = initRepo(join(tmp, 'nested'));
    for (const f of CONTRACTS) {
      const text = readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`), 'utf8');
      write(repo, { [`policy/policy/${f}.json`]: text, [`policy/${f}.json`]: text.replace('"private_ip_mode": "deny"', '"private_ip_mode": "allow"') });
    }
    commit(repo, 'policy');
    // Replay reads policy/*.json: the bundle is invalid, and the copy's hash names no version.
    const hash = sel(['policy', 'hash', repo]);
    expect(hash.status).toBe(1);
    expect(replayCodes(repo, hash.stdout.trim())).toContain('POLICY_INVALID');
    expect(replayCodes(repo, sel(['policy', 'hash', SAMPLE_POLICY_DIR]).stdout.trim())).toContain('POLICY_UNKNOWN');
    expect(sel(['policy', 'check', repo]).status).toBe(1);
    for (const cmd of ['check', 'hash']) {
      const r = sel(['policy', cmd, 'policy'], { cwd: repo });
      expect(r.status, cmd).toBe(2);
      expect(expectOneSentence(r)).toContain('holds both policy files');
    }
  });
  it('a root with contract files beside policy/: refused, whichever is meant', () => {
    const repo = initRepo(join(tmp, 'root-and-policy'));
    for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`), 'utf8') });
    write(repo, { 'capabilities.json': '{}', 'renovate.json': '{}' });
    commit(repo, 'policy');
    expect(sel(['policy', 'check', repo]).status).toBe(2);
    // A root with other *.json files beside policy/ is still a root.
    rmSync(join(repo, 'capabilities.json'));
    expect(sel(['policy', 'check', repo]).status).toBe(0);
  });
});

describe('policy eval DIR decides only what policy check and policy hash call a bundle', () => {
  it('an entry not read (a symbolic link policy/notes.json): no decision, no hash, as policy hash says', () => {
    const repo = initRepo(join(tmp, 'eval-link'));
    for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`), 'utf8') });
    symlinkSync('../README', join(repo, 'policy', 'notes.json'));
    write(repo, { README: '{}' });
    commit(repo, 'policy with a link');
    expect(sel(['policy', 'hash', repo]).status).toBe(2);
    expect(sel(['policy', 'check', repo]).status).toBe(1);
    const event = join(tmp, 'eval-link.json');
    writeFileSync(event, JSON.stringify({ kind: 'zone.elevate', actor: { id: 'ops-bot', zone: 'executor' }, request: { from: 'executor', to: 'supervisor' }, ts: '2026-10-02T00:00:00.000Z' }));
    const r = sel(['policy', 'eval', repo, '--event', event]);
    expect(r.status).toBe(2);
    expect(expectOneSentence(r)).toContain('policy/notes.json is not read');
    // Replay finds no bundle with the hash of the other files at that commit.
    expect(replayCodes(repo, sel(['policy', 'hash', SAMPLE_POLICY_DIR]).stdout.trim())).toContain('POLICY_UNKNOWN');
  });
});

describe('policy check lints deny rules as the evaluator matches them, in any case as it folds case', () => {
  it('a deny rule on /hookſ (long s) covers /hooks: no deny gap reported that the evaluator closes', () => {
    const repo = initRepo(join(tmp, 'long-s'));
    const egress = JSON.parse(readFileSync(join(SAMPLE_POLICY_DIR, 'network-egress.json'), 'utf8')) as { rules: Record<string, unknown>[] };
    egress.rules[0]!['ports'] = [443, 8443];
    egress.rules.splice(2, 0, { id: 'egress.github-admin-8443', host: 'api.github.com', paths: ['/repos/acme/app/hook\u017f'], ports: [8443], methods: ['GET', 'POST', 'DELETE'], effect: 'deny', severity: 'high' });
    for (const f of CONTRACTS) write(repo, { [`policy/${f}.json`]: f === 'network-egress' ? JSON.stringify(egress, null, 2) : readFileSync(join(SAMPLE_POLICY_DIR, `${f}.json`), 'utf8') });
    commit(repo, 'policy');
    // The evaluator: both ports of /repos/acme/app/hooks are denied.
    for (const [port, rule] of [[443, 'egress.github-admin'], [8443, 'egress.github-admin-8443']] as const) {
      const event = join(tmp, `long-s-${port}.json`);
      writeFileSync(event, JSON.stringify({ kind: 'http.egress', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'http.fetch', method: 'GET', url: `https://api.github.com:${port}/repos/acme/app/hooks/1`, pinned_ips: ['140.82.112.6'] } }));
      const out = JSON.parse(sel(['policy', 'eval', repo, '--event', event, '--format', 'json']).stdout) as { decision: { action: string; rule: string } };
      expect(out.decision).toMatchObject({ action: 'block', rule });
    }
    const check = JSON.parse(sel(['policy', 'check', repo, '--format', 'json']).stdout) as { findings: { code: string; message: string }[] };
    expect(check.findings.filter((f) => f.code === 'POLICY_DENY_GAP')).toEqual([]);
  });
});
