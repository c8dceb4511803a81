/** `sel gate`, `explain`, `impact`, `timeline` and `verify --checkpoint`, on the sample repository. */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { CLI, expectOneSentence, sel } from '../helpers/cli.js';
import { commit, git, initRepo, write } from '../helpers/git.js';
import { digestOf, GENESIS_PREV_HASH } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { chainLines, sampleInput } from '../helpers/chains.js';
import { bundleOf, edited, sampleFiles } from '../helpers/policy.js';
import { ChainWriter } from '../../src/producer/producer.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-surfaces-'));
let s: GovernanceSample;
beforeAll(() => {
  s = buildGovernanceRepo(join(tmp, 'governance'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Gate { result: string; eventsInRange: number; assertions: { name: string; pass: boolean; reason: string }[] }
const gate = (args: string[]) => {
  const r = sel(['gate', ...args, '--format', 'json']);
  return { status: r.status, out: r.status === 2 ? null : (JSON.parse(r.stdout) as Gate) };
};

describe('sel gate', () => {
  it('passes a clean log on every assertion', () => {
    const { status, out } = gate([s.clean, '--repo', s.repo, '--no-divergence', '--no-unverifiable', '--require-anchored', '--no-unreviewed-elevation', '--max-severity', 'none']);
    expect(out!.assertions.filter((a) => !a.pass)).toEqual([]);
    expect(status).toBe(0);
  });
  it('fails each assertion the incident breaks, with its reason, and passes the others', () => {
    const { status, out } = gate([s.incident, '--repo', s.repo, '--no-divergence', '--no-unverifiable', '--require-anchored', '--no-unreviewed-elevation']);
    expect(status).toBe(1);
    expect(Object.fromEntries(out!.assertions.map((a) => [a.name, a.pass]))).toEqual({
      integrity: false,
      '--no-divergence': false,
      '--no-unverifiable': false,
      '--require-anchored': false,
      '--no-unreviewed-elevation': false,
    });
    expect(out!.assertions.find((a) => a.name === '--no-unreviewed-elevation')!.reason).toContain('seq 29');
  });
  it('--since limits what counts: a seq, a time, or a Git ref (its commit date)', () => {
    const after36 = gate([s.incident, '--repo', s.repo, '--since', '36', '--no-divergence', '--no-unverifiable']);
    expect(after36.out!.eventsInRange).toBe(3);
    // The incident's log ends before the anchor's last seq: events in range are missing.
    expect(after36.out!.assertions.map((a) => [a.name, a.pass])).toEqual([['integrity', false], ['--no-divergence', true], ['--no-unverifiable', true]]);
    expect(after36.out!.assertions[0]!.reason).toContain('LOG_TRUNCATED');
    const byTime = gate([s.incident, '--repo', s.repo, '--since', '2026-11-02T00:00:00Z', '--no-unverifiable']);
    expect(byTime.out!.assertions.map((a) => [a.name, a.pass])).toEqual([['integrity', false], ['--no-unverifiable', true]]);
    // A date alone is its first instant in UTC.
    expect(gate([s.incident, '--repo', s.repo, '--since', '2026-11-02', '--no-unverifiable']).out).toEqual(byTime.out);
    const byRef = gate([s.clean, '--repo', s.repo, '--since', 'HEAD~1', '--policy-at', 'HEAD']);
    expect(byRef.out!.assertions[1]).toMatchObject({ name: '--policy-at HEAD', pass: true });
    expect(gate([s.clean, '--repo', s.repo, '--policy-at', 'HEAD']).out!.assertions[1]).toMatchObject({ name: '--policy-at HEAD', pass: false });
  });
  // Review: the range starts at the time its committer wrote on --since's commit; one off the
  // history of --ref (a tag moved onto a side commit dated later) chose where the range starts.
  // The command line must name --ref to resolveSince (from mutation testing: it judged without it).
  it('--since REF outside the history of --ref is refused, exit 2 in one sentence; in it, taken', () => {
    const repo = join(tmp, 'since-side');
    git(tmp, 'clone', '-q', s.repo, repo);
    const side = git(repo, 'commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'dated later, off main');
    git(repo, 'tag', 'v-side', side);
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', repo, '--since', 'v-side', '--no-divergence']))).toMatch(/^sel: --since v-side \([0-9a-f]{12}\) is not in the history of --ref HEAD \([0-9a-f]{12}\)/);
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', repo, '--since', 'v-side', '--ref', 'main', '--no-divergence']))).toMatch(/^sel: --since v-side \([0-9a-f]{12}\) is not in the history of --ref main /);
    expect(gate([s.clean, '--repo', repo, '--since', 'v-side', '--ref', 'v-side', '--no-divergence']).status).toBe(0);
  });
  it('--min-events fails a gate that saw too few events in range (logs that stopped arriving)', () => {
    const none = gate([s.clean, '--repo', s.repo, '--since', '2030-01-01', '--no-divergence', '--min-events', '1']);
    expect(none.status).toBe(1);
    expect(none.out!.eventsInRange).toBe(0);
    expect(none.out!.assertions.map((a) => [a.name, a.pass])).toEqual([['integrity', true], ['--no-divergence', true], ['--min-events 1', false]]);
    expect(none.out!.assertions[2]!.reason).toContain('did the logs stop arriving');
    const all = gate([s.clean, '--repo', s.repo, '--min-events', '3']);
    expect(all.status).toBe(0);
    expect(all.out!.assertions[1]).toMatchObject({ name: '--min-events 3', pass: true });
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', s.repo, '--min-events', '0']))).toContain('--min-events');
  });
  it('counts a changed line wherever the seq it names would put it: a changed event cannot hide before --since', () => {
    // seq 40 changed to claim seq 3: it fills its own gap, and its finding names seq 3.
    const lines = readFileSync(s.clean, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"seq":40,'));
    const moved = join(tmp, 'gate-moved.jsonl');
    writeFileSync(moved, lines.map((l, i) => (i === at ? l.replace('"seq":40,', '"seq":3,') : l)).join('\n'));
    // Or its hash dropped too: a schema error, and no hash to compare, but the same hole.
    const unsealed = join(tmp, 'gate-unsealed.jsonl');
    writeFileSync(unsealed, lines.map((l, i) => (i === at ? l.replace('"seq":40,', '"seq":3,').replace(/"hash":"sha256:[0-9a-f]{64}",/, '') : l)).join('\n'));
    for (const log of [moved, unsealed]) {
      for (const since of ['30', '2026-11-01', 'HEAD~1']) {
        const r = gate([log, '--repo', s.repo, '--since', since, '--max-severity', 'none', '--max-findings', '1']);
        expect(r.status, `${log} ${since}`).toBe(1);
        expect(r.out!.assertions[0], since).toMatchObject({ name: 'integrity', pass: false, at: { file: log, line: at + 1 } });
      }
    }
  });
  it('counts a fork wherever it starts: a branch sealed off an old seq cannot add events past --since', () => {
    const lines = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    // A second seq 10 (another actor), linked to seq 9 and sealed, and a seq 11 after it.
    let prev = (JSON.parse(lines.find((l) => l.includes('"seq":9,'))!) as { hash: string }).hash;
    const branch = [10, 11].map((seq) => {
      const e = JSON.parse(lines.find((l) => l.includes(`"seq":${seq},`))!) as Record<string, unknown>;
      e['actor'] = { ...(e['actor'] as object), id: 'forger' };
      e['prev_hash'] = prev;
      delete e['hash'];
      e['hash'] = prev = digestOf(e);
      return canonicalize(e);
    });
    const forked = join(tmp, 'gate-forked.jsonl');
    writeFileSync(forked, `${[...lines, ...branch].join('\n')}\n`);
    for (const since of ['30', '2026-11-02', 'HEAD~1']) {
      const r = gate([forked, '--repo', s.repo, '--since', since, '--max-severity', 'none']);
      expect(r.status, since).toBe(1);
      expect(r.out!.assertions[0]!.reason, since).toContain('CHAIN_FORK');
    }
  });
  it('counts an anchor that disagrees wherever it is: events sealed again with older times cannot leave the range', () => {
    const events = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
    events.sort((a, b) => (a['seq'] as number) - (b['seq'] as number));
    const at = events.findIndex((e) => e['seq'] === 34);
    for (let i = at; i < events.length; i++) {
      const e = events[i]!;
      e['ts'] = events[at - 1]!['ts'];
      e['prev_hash'] = events[i - 1]!['hash'];
      delete e['hash'];
      e['hash'] = digestOf(e);
    }
    const resealed = join(tmp, 'gate-resealed.jsonl');
    writeFileSync(resealed, `${events.map((e) => canonicalize(e)).join('\n')}\n`);
    for (const since of ['2026-11-02', 'HEAD~1']) {
      const r = gate([resealed, '--repo', s.repo, '--since', since, '--max-severity', 'none', '--require-anchored']);
      expect(r.status, since).toBe(1);
      expect(r.out!.assertions.map((a) => a.pass), since).toEqual([false, false, false]);
      expect(r.out!.assertions[0]!.reason, since).toContain('ANCHOR_MISMATCH');
    }
  });
  it('--require-anchored asks an anchor of every event: a chain added with times before --since is not out of its reach', () => {
    const lines = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    let prev = GENESIS_PREV_HASH;
    const added = lines.slice(0, 3).map((l, seq) => {
      const e: Record<string, unknown> = { ...(JSON.parse(l) as Record<string, unknown>), chain: 'x', seq, ts: '2026-10-01T00:00:00.000Z', prev_hash: prev };
      delete e['hash'];
      e['hash'] = prev = digestOf(e);
      return canonicalize(e);
    });
    const backdated = join(tmp, 'gate-backdated.jsonl');
    writeFileSync(backdated, `${[...lines, ...added].join('\n')}\n`);
    const r = gate([backdated, '--repo', s.repo, '--since', '2026-11-02', '--max-severity', 'none', '--require-anchored', '--min-events', '1']);
    expect(r.status).toBe(1);
    expect(r.out!.assertions.find((a) => a.name === '--require-anchored')).toMatchObject({ pass: false, reason: 'x: events 0–2 unanchored' });
    // The sample alone is anchored to its last event.
    expect(gate([s.clean, '--repo', s.repo, '--since', '2026-11-02', '--require-anchored']).status).toBe(0);
  });
  it('--max-findings bounds what a gate keeps; past it, what it cannot see fails (and --since SEQ keeps only what is in range)', () => {
    const all = gate([s.incident, '--repo', s.repo, '--no-divergence', '--no-unverifiable']);
    const capped = gate([s.incident, '--repo', s.repo, '--no-divergence', '--no-unverifiable', '--max-findings', '1']);
    expect(all.out!.assertions.map((a) => a.pass)).toEqual([false, false, false]);
    expect(capped.status).toBe(1);
    expect(capped.out!.assertions.map((a) => a.pass)).toEqual([false, false, false]);
    expect(capped.out!.assertions.map((a) => a.reason).join('\n')).toMatch(/(more findings were not kept|counted but not kept)/);
    // After seq 36 one finding is in range: kept under a cap of 1, so the verdict is the full one.
    const since = [s.incident, '--repo', s.repo, '--since', '36', '--no-divergence', '--no-unverifiable'];
    expect(gate([...since, '--max-findings', '1']).out).toEqual(gate(since).out);
  });
  it('--since SEQ with --max-findings: the counts by code are of the findings in range; one before the range, never kept, is not one left out (review: --no-unverifiable "cannot tell")', () => {
    // After seq 30: EXCEPTION_EXPIRED (32), DECISION_DIVERGENCE (35), LOG_TRUNCATED (anywhere); the
    // POLICY_UNKNOWN (26) and EXCEPTION_MISSING (29), the unverifiable ones, are before the range.
    const since = [s.incident, '--repo', s.repo, '--since', '30', '--no-unverifiable'];
    expect(gate(since).out!.assertions.map((a) => [a.name, a.pass])).toEqual([['integrity', false], ['--no-unverifiable', true]]);
    for (const cap of ['1', '2']) {
      expect(gate([...since, '--max-findings', cap]).out!.assertions.find((a) => a.name === '--no-unverifiable')).toMatchObject({ pass: true });
    }
  });
  it('--max-findings keeps the most severe: warnings kept say no error was left out, and an error found after them is kept', () => {
    // Clean decisions whose ts goes back by 1 ms at every other event: four TS_REGRESSION warnings.
    const policy = sel(['policy', 'hash', s.repo]).stdout.trim();
    const w = new ChainWriter('w');
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      const ts = i % 2 === 0 ? `2026-11-01T00:00:0${i}.500Z` : `2026-11-01T00:00:0${i - 1}.499Z`;
      lines.push(w.append({ ts, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git', n: i }, policy_hash: policy, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' } }).line);
    }
    const warned = join(tmp, 'warned.jsonl');
    writeFileSync(warned, `${lines.join('\n')}\n`);
    const args = ['--repo', s.repo, '--no-divergence', '--no-unverifiable', '--no-unreviewed-elevation', '--max-severity', 'warning'];
    // With the sample's clean log, which its anchors cover.
    const full = gate([s.clean, warned, ...args]);
    expect(full.status).toBe(0);
    expect(full.out!.assertions.map((a) => a.pass)).toEqual([true, true, true, true, true]);
    const capped = gate([s.clean, warned, ...args, '--max-findings', '2']);
    expect(capped).toEqual(full);
    // One changed line last: the error is kept in place of a warning, and named.
    const changed = join(tmp, 'warned-then-changed.jsonl');
    writeFileSync(changed, `${lines.join('\n')}\n${lines[7]!.replace('"n":7', '"n":9')}\n`);
    const hit = gate([s.clean, changed, ...args, '--max-findings', '2']);
    expect(hit.status).toBe(1);
    expect(hit.out!.assertions[0]).toMatchObject({ name: 'integrity', pass: false, at: { file: changed, line: 9 } });
    expect(hit.out!.assertions[0]!.reason).toMatch(/^1 integrity error\(s\), first HASH_MISMATCH at .*:9/);
    // Only the error kept (--max-findings 1), the four warnings left out: the counts by code say
    // none of them is a code --no-divergence, --no-unverifiable or --no-unreviewed-elevation looks
    // for, so those judge exactly, not "cannot tell" (from mutation testing).
    const one = gate([s.clean, changed, ...args, '--max-findings', '1']);
    expect(one.status).toBe(1);
    expect(one.out!.assertions.map((a) => [a.name, a.pass])).toEqual([['integrity', false], ['--max-severity warning', false], ['--no-divergence', true], ['--no-unverifiable', true], ['--no-unreviewed-elevation', true]]);
    expect(one.out!.assertions.map((a) => a.reason).join('\n')).not.toContain('cannot tell');
    expect(gate([s.clean, changed, ...args, '--max-findings', '1', '--jobs', '3', '--unit-bytes', '2000'])).toEqual(one);
  });
  it('--format github does not append its step summary to a log it verifies: exit 2, one sentence, the log unchanged (from mutation testing)', () => {
    const dir = join(tmp, 'gate-summary-log');
    mkdirSync(dir);
    const log = join(dir, 'audit.jsonl');
    writeFileSync(log, readFileSync(s.clean));
    const r = sel(['gate', log, '--repo', s.repo, '--no-divergence', '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: log } });
    expect(expectOneSentence(r)).toBe(`sel: GITHUB_STEP_SUMMARY ${log} is the log ${log}: sel does not write to the logs it verifies`);
    expect(r.stdout).toBe('');
    expect(readFileSync(log)).toEqual(readFileSync(s.clean));
  });
  it('--format junit and github for CI: one test case or annotation per assertion, the same exit status', () => {
    const args = [s.incident, '--repo', s.repo, '--no-divergence', '--min-events', '1'];
    const junit = sel(['gate', ...args, '--format', 'junit']);
    expect(junit.status).toBe(1);
    expect([...junit.stdout.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1])).toEqual(['integrity', '--no-divergence', '--min-events 1']);
    expect(junit.stdout).toContain('<testsuites name="sel gate" tests="3" failures="2"');
    // Files are named from the governance repository's top, as verify's CI formats name them.
    const summary = join(tmp, 'gate-summary.md');
    const gh = sel(['gate', ...args, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(gh.status).toBe(1);
    const lines = gh.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^::error file=logs\/incident\.jsonl,line=\d+,title=sel gate --no-divergence::\d+ diverged decision/));
    expect(lines.at(-1)).toMatch(/^sel gate: all events \(\d+ in range\), .* FAIL \(2 of 3 assertion\(s\) failed\)$/);
    expect(readFileSync(summary, 'utf8')).toMatch(/^## sel gate: FAIL\n[^]*\| --min-events 1 \| pass \|/);
    const clean = sel(['gate', s.clean, '--repo', s.repo, '--no-divergence', '--format', 'github']);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/^sel gate: all events \(\d+ in range\), .*: PASS\n$/);
  });
  it('always asserts integrity first: a changed decision or a damaged line fails the gate, whatever else passes', () => {
    const dir = mkdtempSync(join(tmp, 'gate-'));
    const lines = readFileSync(s.clean, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"action":"allow"'));
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.map((l, i) => (i === at ? l.replace('"action":"allow"', '"action":"block"') : l)).join('\n'));
    const t = gate([tampered, '--repo', s.repo, '--no-divergence', '--no-unverifiable', '--require-anchored']);
    expect(t.status).toBe(1);
    expect(t.out!.assertions[0]).toMatchObject({ name: 'integrity', pass: false });
    expect(t.out!.assertions[0]!.reason).toMatch(new RegExp(`^1 integrity error\\(s\\), first HASH_MISMATCH at .*tampered\\.jsonl:${at + 1} `));
    const garbage = join(dir, 'garbage.jsonl');
    writeFileSync(garbage, Buffer.from([0xff, 0xfe, 0x0a, 0x7b, 0x0a]));
    const g = gate([garbage, '--repo', s.repo, '--no-divergence']);
    expect(g.status).toBe(1);
    expect(g.out!.eventsInRange).toBe(0);
    expect(g.out!.assertions.map((a) => [a.name, a.pass])).toEqual([['integrity', false], ['--no-divergence', true]]);
  });
  it('says why the bundle --policy-at names has no hash (a symbolic link in policy/ is not "not JSON")', () => {
    const c = join(tmp, 'policy-at-link');
    git(tmp, 'clone', '-q', s.repo, c);
    symlinkSync('capabilities.json', join(c, 'policy', 'linked.json'));
    git(c, 'add', 'policy/linked.json');
    git(c, 'commit', '-q', '-m', 'a policy file as a symbolic link');
    const r = sel(['gate', s.clean, '--repo', c, '--policy-at', 'HEAD', '--no-divergence']);
    expect(expectOneSentence(r)).toBe('sel: the policy at HEAD has no hash: policy/linked.json is a symbolic link, not a file: a bundle is what its files say (sel policy check lists what is wrong)');
  });
  it('refuses --policy-at a bundle that is invalid: it decides nothing, so "every event used it" would prove nothing', () => {
    const c = join(tmp, 'policy-at-invalid');
    git(tmp, 'clone', '-q', s.repo, c);
    writeFileSync(join(c, 'policy', 'extra.json'), '{"bogus": true}\n');
    git(c, 'add', 'policy/extra.json');
    git(c, 'commit', '-q', '-m', 'a policy file no schema knows');
    const r = sel(['gate', s.clean, '--repo', c, '--policy-at', 'HEAD', '--no-divergence']);
    expect(expectOneSentence(r)).toMatch(/^sel: the policy at HEAD is invalid \(policy\/extra\.json is not a contract this verifier knows \(.+\)\), so it decides nothing: --policy-at needs a valid bundle \(sel policy check lists what is wrong\)$/);
  });
  it('--format json says the verdict and the range it judged; text says PASS or FAIL for each assertion and for the gate, with no colour codes on a pipe (from mutation testing)', () => {
    const failing = gate([s.incident, '--repo', s.repo, '--no-divergence', '--min-events', '1']);
    expect(failing.status).toBe(1);
    expect(failing.out).toMatchObject({ result: 'fail', since: null });
    const passing = gate([s.clean, '--repo', s.repo, '--no-divergence', '--since', '36']);
    expect(passing.status).toBe(0);
    expect(passing.out).toMatchObject({ result: 'pass', since: { kind: 'seq', seq: 36 } });
    expect(gate([s.clean, '--repo', s.repo, '--no-divergence', '--since', 'HEAD~1']).out).toMatchObject({ since: { kind: 'ts', label: expect.stringMatching(/^HEAD~1 \(/) } });
    const text = sel(['gate', s.incident, '--repo', s.repo, '--no-divergence', '--min-events', '1']);
    expect(text.status).toBe(1);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.slice(1).map((l) => l.replace(/:.*/, ''))).toEqual(['  FAIL  integrity', '  FAIL  --no-divergence', '  PASS  --min-events 1', 'gate']);
    expect(lines.at(-1)).toBe('gate: FAIL');
    expect(text.stdout).not.toContain('\u001b[');
    const clean = sel(['gate', s.clean, '--repo', s.repo, '--no-divergence']);
    expect(clean.status).toBe(0);
    expect(clean.stdout.trimEnd().split('\n').slice(1)).toEqual([
      '  PASS  integrity: every line in range is an intact, canonical, linked event',
      '  PASS  --no-divergence: every replayed decision matches the policy it names',
      'gate: PASS',
    ]);
    // The heading says which events were judged.
    expect(sel(['gate', s.clean, '--repo', s.repo, '--no-divergence', '--since', '36']).stdout).toMatch(/^sel gate: events after seq 36 \(\d+ in range\), /);
    expect(sel(['gate', s.clean, '--repo', s.repo, '--no-divergence', '--since', 'HEAD~1']).stdout).toMatch(/^sel gate: events from HEAD~1 \([^)]+\) \(\d+ in range\), /);
    // --color is the operator's word, on a pipe too.
    expect(sel(['--color', 'gate', s.clean, '--repo', s.repo, '--no-divergence']).stdout).toContain('\u001b[');
  });
  it('--format json names the tool, the command, the repository, the ref and the commit judged, in a fixed order (from mutation testing)', () => {
    const r = sel(['gate', s.clean, '--repo', s.repo, '--ref', 'HEAD~1', '--no-divergence', '--format', 'json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['tool', 'command', 'repo', 'ref', 'commit', 'since', 'eventsInRange', 'result', 'assertions']);
    const events = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0).length;
    expect(out).toMatchObject({ tool: { name: 'sel', version: sel(['--version']).stdout.trim() }, command: 'gate', repo: s.repo, ref: 'HEAD~1', commit: git(s.repo, 'rev-parse', 'HEAD~1').trim(), since: null, eventsInRange: events, result: 'pass' });
    expect((out['assertions'] as { name: string }[]).map((a) => a.name)).toEqual(['integrity', '--no-divergence']);
  });
  it('--policy-at a commit without policy/ is one sentence, not an internal error (from mutation testing)', () => {
    const c = join(tmp, 'policy-at-none');
    git(tmp, 'clone', '-q', s.repo, c);
    git(c, 'checkout', '-q', '-b', 'no-policy');
    git(c, 'rm', '-rq', 'policy');
    git(c, 'commit', '-q', '-m', 'no policy');
    git(c, 'checkout', '-q', '-');
    const r = sel(['gate', s.clean, '--repo', c, '--policy-at', 'no-policy', '--no-divergence']);
    expect(expectOneSentence(r)).toBe('sel: no-policy has no policy/ directory, so --policy-at cannot name a bundle');
  });
  it('exits 2 when it cannot decide', () => {
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', s.repo]))).toContain('name at least one assertion');
    // Each names the option that was wrong, with what it takes.
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', s.repo, '--policy-at', 'nope', '--no-divergence']))).toContain('check --policy-at');
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', s.repo, '--since', 'nope', '--no-divergence']))).toContain('check --since');
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', s.repo, '--since', '2026-13-45T99:00:00Z', '--no-divergence']))).toContain('is neither a seq');
    expect(expectOneSentence(sel(['gate', s.clean, '--repo', s.repo, '--since', '99999999999999999999', '--no-divergence']))).toContain('is neither a seq');
    expect(expectOneSentence(sel(['explain', s.clean, '--repo', s.repo, '--seq', '3', '--policy', 'nope']))).toContain('check --policy');
    expect(expectOneSentence(sel(['verify', s.clean, '--repo', s.repo, '--ref', 'nope']))).toContain('check --ref');
  });
});

describe('sel explain', () => {
  it('shows the event, its policy commit, the trace, recorded vs replayed, and its links', () => {
    const r = sel(['explain', s.incident, '--repo', s.repo, '--seq', '35']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('event prod-agents seq 35');
    expect(r.stdout).toContain('"policy v3: reserve deploy-restart, deny hook administration"');
    expect(r.stdout).toContain('replayed  block  rule (none)  severity high  (DIVERGES)');
    expect(r.stdout).toContain('seq 34 at');
    expect(r.stdout).toContain('DECISION_DIVERGENCE');
    // Its neighbours link to it (from mutation testing).
    expect(r.stdout).toMatch(/\nlinks\n {2}seq 34 at \S+:35: its hash is this event's prev_hash\n {2}seq 36 at \S+:37: its prev_hash is this event's hash\n/);
  });
  /** The clean sample's lines, and where seq's line is among them. */
  const sampleLines = (seq: number) => {
    const lines = readFileSync(s.clean, 'utf8').split('\n');
    return { lines, at: lines.findIndex((l) => l.includes(`"seq":${seq},`)) };
  };
  /**
   * The clean sample's lines and a second seq 3 (another request, linked to seq 2): read first,
   * the chain goes on with it, and the original seq 3, 4, 5 ... are the other branch (one
   * CHAIN_FORK, the rest set aside).
   */
  const forkedAt3 = () => {
    const { lines, at } = sampleLines(3);
    const rival = JSON.parse(lines[at]!) as Record<string, unknown>;
    const request = { ...(rival['request'] as object), note: 'rival' };
    const body: Record<string, unknown> = { ...rival, request, request_fingerprint: digestOf(request) };
    delete body['hash'];
    return { lines, at, forged: canonicalize({ ...body, hash: digestOf(body) }) };
  };
  /** `lines` as the log tmp/NAME (after `prefix`). */
  const writeLog = (name: string, lines: readonly string[], prefix = ''): string => {
    const log = join(tmp, name);
    writeFileSync(log, `${prefix}${lines.join('\n')}`);
    return log;
  };
  /** The clean sample without its event at `seq`, as the log tmp/NAME, and `sel explain` at that seq (which succeeds). */
  const explainLost = (seq: number, name: string) => {
    const { lines, at } = sampleLines(seq);
    const lost = JSON.parse(lines[at]!) as { hash: string };
    const log = writeLog(name, lines.filter((_, i) => i !== at));
    const r = sel(['explain', log, '--repo', s.repo, '--seq', String(seq)]);
    expect(r.status).toBe(0);
    return { at, lost, log, r };
  };
  it('of a seq whose line is damaged: the line as it reads now, its findings, and whether its neighbours link to it', () => {
    const { lines, at } = sampleLines(2);
    const damaged = lines[at]!.replace('"action":"', '"action":"x');
    const log = writeLog('explain-damaged.jsonl', lines.map((l, i) => (i === at ? damaged : l)));
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('seq 2  no intact event\n  one line of the log names this seq\n  nothing in a damaged line can be trusted, so it is not evaluated\n');
    expect(r.stdout).toContain(`\nline  ${log}:${at + 1}  damaged (HASH_MISMATCH)  (${Buffer.byteLength(damaged)} bytes, as it reads now)\n  ${damaged}\n`);
    // Only the content changed: both neighbours still link to the hashes the line names.
    expect(r.stdout).toContain("\n  seq 1's hash is the prev_hash it names; seq 3's prev_hash is the hash it records\n");
    expect(r.stdout).toContain(`\n  HASH_MISMATCH at ${log}:${at + 1}: the event hash does not match its content`);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      seq: 2,
      location: { file: log, line: at + 1 },
      event: null,
      lines: [{ location: { file: log, line: at + 1 }, relation: 'claims', codes: ['HASH_MISMATCH'], damaged: true, text: damaged, bytes: Buffer.byteLength(damaged), truncated: false, links: { prev: true, next: true } }],
      linesNotShown: 0,
      links: { prev: { seq: 1 }, next: { seq: 3 } },
    });
    expect((out['findings'] as { code: string }[]).map((x) => x.code)).toEqual(['HASH_MISMATCH']);
    // A log read as a stream is not kept: the account says so, and the rest stands.
    const stream = (name: string) => `\nline  ${name}:${at + 1}  damaged (HASH_MISMATCH): the log was read as a stream (standard input or a pipe), which sel does not keep\n`;
    const piped = sel(['explain', '-', '--repo', s.repo, '--seq', '2'], { input: readFileSync(log) });
    expect(piped.status).toBe(0);
    expect(piped.stdout).toContain(stream('-'));
    // A pipe named as a file is not opened again (it would wait for a writer that is gone).
    const named = spawnSync('sh', ['-c', `cat "$0" | "$1" "$2" explain /dev/stdin --repo "$3" --seq 2`, log, process.execPath, CLI, s.repo], { encoding: 'utf8', timeout: 60_000 });
    expect(named.status).toBe(0);
    expect(named.stdout).toContain(stream('/dev/stdin'));
  });
  it('of a seq claimed by several lines: each compared with the neighbours, at most 10 read again', () => {
    const { lines, at } = sampleLines(2);
    // A decoy first (it names other hashes), then the real line changed after it was written.
    const decoy = lines[at]!.replace(/"prev_hash":"sha256:[0-9a-f]{64}"/, `"prev_hash":"sha256:${'0'.repeat(64)}"`);
    const real = lines[at]!.replace('"action":"', '"action":"x');
    const log = writeLog('explain-decoy.jsonl', [...lines.slice(0, at), decoy, real, ...lines.slice(at + 1)]);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout) as { lines: { location: { line: number }; links: unknown }[] };
    expect(out.lines.map((x) => [x.location.line, x.links])).toEqual([[at + 1, { prev: false, next: true }], [at + 2, { prev: true, next: true }]]);
    // Many lines that name the seq (a hostile log): ten read again and shown, the rest counted.
    const many = writeLog('explain-many.jsonl', [...lines.slice(0, at), ...Array.from({ length: 30 }, () => real), ...lines.slice(at + 1)]);
    const text = sel(['explain', many, '--repo', s.repo, '--seq', '2']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n').filter((l) => l.startsWith('line  '))).toHaveLength(10);
    expect(text.stdout).toContain('\n  and 20 more line(s) (sel verify --format json lists their findings)\n');
    expect(text.stdout).toContain('\n  and 10 more (--format json lists every one kept)\n');
    expect(JSON.parse(sel(['explain', many, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout)).toMatchObject({ linesNotShown: 20 });
  });
  it('of a seq held only by the branch of a fork: its line, and its event replayed, with its trace and a what-if (it said no line of the log has the seq, exit 2; then had no what-if)', () => {
    const { lines, at, forged } = forkedAt3();
    const log = writeLog('explain-branch.jsonl', [...lines.slice(0, at), forged, ...lines.slice(at)]);
    const verify = JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string; seq: number }[] };
    expect(verify.findings.map((x) => [x.code, x.seq])).toEqual([['CHAIN_FORK', 3]]);
    const event = JSON.parse(lines[at + 1]!) as { decision: { action: string; rule: string; severity: string } };
    const shown = `${event.decision.action}  rule ${event.decision.rule}  severity ${event.decision.severity}`;
    for (const chain of [[], ['--chain', 'prod-agents']]) {
      const r = sel(['explain', log, '--repo', s.repo, '--seq', '4', '--policy', 'HEAD', '--no-color', ...chain]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('seq 4  no intact event\n  one line of the log names this seq\n');
      expect(r.stdout).toContain(`\nline  ${log}:${at + 3}  an event on a branch that forked off its chain (the CHAIN_FORK where it began): replayed, its review or exception judged at its branch's time`);
      expect(r.stdout).toContain(`\n  ${lines[at + 1]}\n`);
      expect(r.stdout).toContain(`\ndecision\n  recorded  ${shown}\n  replayed  ${shown}  (the same)\ntrace\n   1. `);
      expect(r.stdout).toMatch(new RegExp(`\\nwhat if --policy HEAD \\(commit [0-9a-f]{12}\\)\\n  decision  ${shown}  \\(as recorded\\)\\n   1\\. `));
    }
    const json = (extra: string[]) => sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json', ...extra]).stdout;
    const out = JSON.parse(json([])) as Record<string, unknown>;
    expect(out).toMatchObject({ chain: 'prod-agents', seq: 4, event: null, lines: [{ location: { file: log, line: at + 3 }, relation: 'branch', codes: [], damaged: false, text: lines[at + 1],
      account: { late: false, event: JSON.parse(lines[at + 1]!) as object, recorded: event.decision, replayed: event.decision, whatIf: null } }] });
    const withPolicy = JSON.parse(json(['--policy', 'HEAD'])) as { lines: { account: { whatIf: { decision: unknown; expired: unknown } } }[] };
    expect(withPolicy.lines[0]!.account.whatIf).toMatchObject({ decision: event.decision, expired: null });
    expect(json(['--jobs', '2', '--unit-bytes', '700', '--policy', 'HEAD'])).toBe(json(['--jobs', '1', '--policy', 'HEAD']));
    // A bad --policy is refused all the same.
    expect(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--policy', 'no-such-ref']).status).toBe(2);
  });
  it('sel timeline of a fork whose forged branch is read first says where the chain forks and that the rows from there are one branch, disputed (found by review: its rows read clean)', () => {
    const { lines, at, forged } = forkedAt3();
    const log = writeLog('timeline-fork-first.jsonl', [...lines.slice(0, at), forged, ...lines.slice(at)]);
    const r = sel(['timeline', log, '--format', 'jsonl']);
    expect(r.status, r.stderr).toBe(0);
    // The forged seq 3 is the row shown, with no finding at it: the CHAIN_FORK is on the real 3, not shown.
    const row3 = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { chain: string; seq: number; location: { line: number }; findings: string[] }).find((x) => x.chain === 'prod-agents' && x.seq === 3)!;
    expect(row3).toMatchObject({ location: { line: at + 1 }, findings: [] });
    expect(r.stderr).toBe(`sel: the logs have 1 integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown; a chain forks, at chain prod-agents seq 3 (CHAIN_FORK at ${log}:${at + 2}): from there the rows shown are of one branch only (the one the chain check went on with), and the seqs they hold are disputed (run sel verify)\n`);
    expect(sel(['timeline', log, '--format', 'jsonl', '--jobs', '2', '--unit-bytes', '700']).stderr).toBe(r.stderr);
  });
  it('of the event a fork\'s branch went on with: the CHAIN_FORK\'s line at its seq is said to be on a branch, replayed, not on a copy (from mutation testing, third pass)', () => {
    const { lines, at, forged } = forkedAt3();
    const log = writeLog('explain-fork-line.jsonl', [...lines.slice(0, at), forged, ...lines.slice(at)]);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '3', '--chain', 'prod-agents']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nother events with this seq\nline  ${log}:${at + 2}  on a branch that forked off this chain (the CHAIN_FORK where it began): replayed, its review or exception judged at its branch's time`);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '3', '--chain', 'prod-agents', '--format', 'json']).stdout) as { location: { line: number }; lines: Record<string, unknown>[] };
    expect(out.location.line).toBe(at + 1);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ location: { file: log, line: at + 2 }, relation: 'branch' });
    expect(out.lines[0]).not.toHaveProperty('copy');
  });
  it('of a seq held only by the branches of two forks: each branch\'s event accounted for as replay judged it, not only the first (from mutation testing, second pass)', () => {
    const { lines, at, forged } = forkedAt3();
    // A second rival seq 3, linked to seq 2, and a seq 4 linked to it: a second branch at seq 4.
    const reseal = (line: string, note: string, prev: string) => {
      const b = JSON.parse(line) as Record<string, unknown>;
      const request = { ...(b['request'] as object), note };
      const body: Record<string, unknown> = { ...b, request, request_fingerprint: digestOf(request), prev_hash: prev };
      delete body['hash'];
      return canonicalize({ ...body, hash: digestOf(body) });
    };
    const three = reseal(lines[at]!, 'rival 2', (JSON.parse(lines[at - 1]!) as { hash: string }).hash);
    const four = reseal(lines[at + 1]!, 'rival 2', (JSON.parse(three) as { hash: string }).hash);
    const log = writeLog('explain-two-branches.jsonl', [...lines.slice(0, at), forged, ...lines.slice(at).filter((l) => l !== ''), three, four, '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json']).stdout) as { event: unknown; lines: { location: { line: number }; relation: string; account?: { event: { request: { note?: string } } } }[] };
    expect(out.event).toBeNull();
    expect(out.lines.map((x) => [x.location.line, x.relation, x.account === undefined ? 'no account' : x.account.event.request.note ?? 'the original'])).toEqual([[at + 3, 'branch', 'the original'], [lines.length + 2, 'branch', 'rival 2']]);
  });
  it('of an event whose copy, read again, skips the seq before it: the copy\'s line is said to be a copy, not replayed (from mutation testing, third pass)', () => {
    // The copy lacks seq 4: its seq 5 does not link to the copy's last event, and still joins the copy.
    const body = chainLines(8, 'folded');
    const log = writeLog('explain-copy-fold.jsonl', [...body, ...body.slice(0, 4), ...body.slice(5), '']);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '5']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nother events with this seq\nline  ${log}:13  on a copy of this chain (the SEQ_DUPLICATE where it began): the same event read again, its decision not replayed again`);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '5', '--format', 'json']).stdout) as { lines: Record<string, unknown>[] };
    expect(out.lines).toEqual([expect.objectContaining({ location: { file: log, line: 13 }, relation: 'branch', copy: 'same' })]);
  });
  it('sel timeline of chains that fork four times names the first three forks, counts them all, and says more follow (from mutation testing, third pass)', () => {
    // Four chains, each with a forged seq 3 (another request) read before its real one.
    const chainsOf = (n: number) => Array.from({ length: n }, (_, k) => {
      const real = chainLines(6, `fork-${k}`);
      const w = new ChainWriter(`fork-${k}`, { lastSeq: 2, lastHash: (JSON.parse(real[2]!) as { hash: string }).hash });
      return [...real.slice(0, 3), w.append(sampleInput(7000 + k)).line, ...real.slice(3)];
    });
    const four = writeLog('timeline-forks-4.jsonl', [...chainsOf(4).flat(), '']);
    const r = sel(['timeline', four, '--format', 'jsonl']);
    expect(r.status, r.stderr).toBe(0);
    const at = (k: number) => `chain fork-${k} seq 3 (CHAIN_FORK at ${four}:${7 * k + 5})`;
    expect(r.stderr).toBe(`sel: the logs have 4 integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown; chains fork 4 times, at ${at(0)}, ${at(1)}, ${at(2)}, ...: from there the rows shown are of one branch only (the one the chain check went on with), and the seqs they hold are disputed (run sel verify)\n`);
    // Three: each named, nothing more to say.
    const three = writeLog('timeline-forks-3.jsonl', [...chainsOf(3).flat(), '']);
    const at3 = (k: number) => `chain fork-${k} seq 3 (CHAIN_FORK at ${three}:${7 * k + 5})`;
    expect(sel(['timeline', three, '--format', 'jsonl']).stderr).toContain(`; chains fork 3 times, at ${at3(0)}, ${at3(1)}, ${at3(2)}: from there`);
  });
  it('of an event in a log read twice: the copy is one SEQ_DUPLICATE per chain, and its line at the seq is listed, shown and not evaluated', () => {
    const { lines, at } = sampleLines(4);
    const body = lines.filter((l) => l !== '');
    const log = writeLog('explain-copy.jsonl', [...body, ...body, '']);
    const verify = JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string; seq: number }[] };
    const chains = new Set(body.map((l) => (JSON.parse(l) as { chain: string }).chain));
    expect(verify.findings.map((x) => [x.code, x.seq])).toEqual([...chains].map(() => ['SEQ_DUPLICATE', 0]));
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'prod-agents']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('event prod-agents seq 4');
    expect(r.stdout).toContain(`\nother events with this seq\nline  ${log}:${body.length + at + 1}  on a copy of this chain (the SEQ_DUPLICATE where it began): the same event read again, its decision not replayed again`);
  });
  it('of an event in a log read 1002 times: ten copies shown and compared with the neighbours, every other one counted, past the thousand kept too (from mutation testing)', () => {
    const body = chainLines(6, 'copies');
    const log = writeLog('explain-copies.jsonl', [...Array.from({ length: 1002 }, () => body.join('\n')), '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json']).stdout) as { location: { line: number }; lines: { location: { line: number }; relation: string; links: unknown }[]; linesNotShown: number };
    expect(out.location.line).toBe(5);
    // Copy k (from 1) of seq 4 is on line 6k + 5; each names the hashes its neighbours link to.
    expect(out.lines.map((x) => [x.location.line, x.relation, x.links])).toEqual(Array.from({ length: 10 }, (_, k) => [6 * (k + 1) + 5, 'branch', { prev: true, next: true }]));
    expect(out.linesNotShown).toBe(1001 - 10);
    const text = sel(['explain', log, '--repo', s.repo, '--seq', '4']).stdout;
    expect(text.split('\n').filter((l) => l.startsWith('line  '))).toHaveLength(10);
    expect(text).toContain('\n  and 991 more\nlinks\n');
    // One copy: shown, nothing more to count.
    const twice = sel(['explain', writeLog('explain-twice.jsonl', [body.join('\n'), body.join('\n'), '']), '--repo', s.repo, '--seq', '4']).stdout;
    expect(twice.split('\n').filter((l) => l.startsWith('line  '))).toHaveLength(1);
    expect(twice).toMatch(/the same event read again, its decision not replayed again {2}\(\d+ bytes, as it reads now\)\n {2}\{[^\n]+\}\nlinks\n/);
  });
  it('of an intact event whose seq a fork\'s branch holds too: the branch\'s event is listed with it, and accounted for as replay judged it (it was shown, not evaluated)', () => {
    const { lines, at } = sampleLines(3);
    // Seq 3 and 4 forged (another request), linked to seq 2 and to each other, come first: the
    // chain goes on with them; the original seq 3 is the CHAIN_FORK, its seq 4 on the branch.
    const forge = (line: string, prevHash: string | null) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      const request = { ...(e['request'] as object), note: 'rival' };
      const body: Record<string, unknown> = { ...e, request, request_fingerprint: digestOf(request), ...(prevHash === null ? {} : { prev_hash: prevHash }) };
      delete body['hash'];
      return canonicalize({ ...body, hash: digestOf(body) });
    };
    const three = forge(lines[at]!, null);
    const four = forge(lines[at + 1]!, (JSON.parse(three) as { hash: string }).hash);
    const log = writeLog('explain-branch-intact.jsonl', [...lines.slice(0, at), three, four, ...lines.slice(at)]);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '4']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`event prod-agents seq 4  ${log}:${at + 2}\n`);
    expect(r.stdout).toContain(`\nother events with this seq\nline  ${log}:${at + 4}  on a branch that forked off this chain (the CHAIN_FORK where it began): replayed, its review or exception judged at its branch's time`);
    expect(r.stdout).toContain(`\n  ${lines[at + 1]}\n`);
    const real = JSON.parse(lines[at + 1]!) as { decision: { action: string; rule: string; severity: string } };
    const shown = `${real.decision.action}  rule ${real.decision.rule}  severity ${real.decision.severity}`;
    // Its account follows its line: the real seq 4's decision, not the forged one's.
    const after = r.stdout.slice(r.stdout.indexOf(`\n  ${lines[at + 1]}\n`));
    expect(after).toMatch(new RegExp(`^\\n  .*\\npolicy  sha256:[0-9a-f]{64}\\n  commit [0-9a-f]{12} .*\\n  ".*"\\ndecision\\n  recorded  ${shown}\\n  replayed  ${shown}  \\(the same\\)\\ntrace\\n`));
    const json = (extra: string[]) => sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json', ...extra]).stdout;
    const out = JSON.parse(json([])) as Record<string, unknown>;
    expect(out).toMatchObject({ location: { file: log, line: at + 2 }, lines: [{ location: { file: log, line: at + 4 }, relation: 'branch', text: lines[at + 1],
      account: { late: false, recorded: real.decision, replayed: real.decision, whatIf: null } }], linesNotShown: 0 });
    const withPolicy = JSON.parse(json(['--policy', 'HEAD'])) as { whatIf: unknown; lines: { account: { whatIf: { decision: unknown } } }[] };
    expect(withPolicy.whatIf).not.toBeNull();
    expect(withPolicy.lines[0]!.account.whatIf.decision).toEqual(real.decision);
    expect(json(['--jobs', '2', '--unit-bytes', '700', '--policy', 'HEAD'])).toBe(json(['--jobs', '1', '--policy', 'HEAD']));
  });
  it('of an event whose seq a branch from far back holds too (taken for a copy too far back to compare): the other line is said to be neither compared nor replayed, not a branch whose findings are listed (found by review)', () => {
    const real = chainLines(400, 'far');
    // A forged branch from seq 100 (linked to seq 99, another request) appended after the log:
    // its first event is a SEQ_DUPLICATE too far back to compare, the rest go with it unreplayed.
    const w = new ChainWriter('far', { lastSeq: 99, lastHash: (JSON.parse(real[99]!) as { hash: string }).hash });
    const forged = Array.from({ length: 5 }, (_, i) => w.append(sampleInput(9000 + i)).line);
    const log = writeLog('explain-far-branch.jsonl', [...real, ...forged, '']);
    const verify = JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string; seq: number; detail?: Record<string, unknown> }[] };
    expect(verify.findings.map((x) => [x.code, x.seq, x.detail?.['compared']])).toEqual([['SEQ_DUPLICATE', 100, false]]);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '102']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nother events with this seq\nline  ${log}:${400 + 3}  on what was taken for a copy of this chain (the SEQ_DUPLICATE where it began, too far back to compare): not this seq's event, and neither compared nor replayed: its content and decision are unverified`);
    expect(r.stdout).not.toContain('its findings listed');
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '102', '--format', 'json']).stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ location: { file: log, line: 103 }, lines: [{ location: { file: log, line: 403 }, relation: 'branch', copy: 'other', links: { prev: false, next: false } }] });
    expect(sel(['explain', log, '--repo', s.repo, '--seq', '102', '--format', 'json', '--jobs', '2', '--unit-bytes', '5000']).stdout).toBe(JSON.stringify(out, null, 2) + '\n');
  });
  it('of a seq missing from two chains, one with a finding that names it and one with a damaged line: asks for --chain (it chose the first)', () => {
    const a = chainLines(6, 'prod-agents');
    const b = chainLines(6, 'beta');
    // prod-agents' seq 3 deleted (a SEQ_GAP names it; the sample's anchors are past the log's end); beta's seq 3 unreadable (nothing names beta).
    const log = writeLog('explain-two-holes.jsonl', [...a.slice(0, 3), ...a.slice(4), ...b.slice(0, 3), b[3]!.slice(0, 40), ...b.slice(4)], '');
    expect(expectOneSentence(sel(['explain', log, '--repo', s.repo, '--seq', '3']))).toContain('seq 3 is missing from several chains (beta, prod-agents): name one with --chain');
    const beta = sel(['explain', log, '--repo', s.repo, '--seq', '3', '--chain', 'beta']);
    expect(beta.status).toBe(0);
    expect(beta.stdout).toContain('damaged (LINE_INVALID_JSON), where this seq belongs');
  });
  it('of an intact event: the findings of another chain at the same seq are not its findings (from mutation testing)', () => {
    const a = chainLines(6, 'prod-agents');
    const b = chainLines(6, 'beta');
    // beta's seq 2 changed after it was written: a HASH_MISMATCH that names beta's seq 2, not prod-agents'.
    const log = writeLog('explain-other-chain.jsonl', [...a, ...b.map((l, i) => (i === 2 ? l.replace('"action":"', '"action":"x') : l))]);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout) as { chain: string; findings: { code: string; chain: string }[] };
    expect(out.chain).toBe('prod-agents');
    // (The sample chains' policy is not in the repository: POLICY_UNKNOWN, of this event.)
    expect(out.findings.map((x) => [x.code, x.chain])).toEqual([['POLICY_UNKNOWN', 'prod-agents']]);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\nfindings at this event\n  POLICY_UNKNOWN');
    expect(r.stdout).not.toContain('HASH_MISMATCH');
    // Both chains intact at the seq: neither is chosen for the analyst.
    const both = writeLog('explain-two-chains.jsonl', [...a, ...b]);
    expect(expectOneSentence(sel(['explain', both, '--repo', s.repo, '--seq', '2']))).toContain('several chains have seq 2 (beta, prod-agents): name one with --chain');
    expect(JSON.parse(sel(['explain', both, '--repo', s.repo, '--seq', '2', '--chain', 'beta', '--format', 'json']).stdout)).toMatchObject({ chain: 'beta', location: { line: 9 } });
  });
  it('of the one intact event at a seq without --chain: names the other chains whose line at the seq was changed or set aside', () => {
    const a = chainLines(6, 'prod-agents');
    const b = chainLines(6, 'beta');
    // beta's seq 2 changed after it was written; prod-agents' seq 2 intact.
    const log = writeLog('explain-other-damaged.jsonl', [...a, ...b.map((l, i) => (i === 2 ? l.replace('"action":"', '"action":"x') : l))]);
    const text = sel(['explain', log, '--repo', s.repo, '--seq', '2']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n')[1]).toBe('  not the only seq 2: in beta it was changed, set aside or lost (explain it there with --chain)');
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout)).toMatchObject({ chain: 'prod-agents', otherChains: ['beta'] });
    // Not with --chain, nor at a seq where the other chain is intact.
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--chain', 'prod-agents', '--format', 'json']).stdout)).toMatchObject({ otherChains: [] });
    // beta's changed seq 2 is its last line: no seq 3 links around it, its finding alone names beta (from mutation testing).
    const last = writeLog('explain-other-damaged-last.jsonl', [...a, ...b.slice(0, 3).map((l, i) => (i === 2 ? l.replace('"action":"', '"action":"x') : l)), '']);
    expect(JSON.parse(sel(['explain', last, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout)).toMatchObject({ chain: 'prod-agents', otherChains: ['beta'] });
    // A line no longer readable names no seq: beta lost its seq 3 between its seq 2 and 4.
    const lost = writeLog('explain-other-lost.jsonl', [...a, ...b.map((l, i) => (i === 3 ? '{"not an event' : l))]);
    expect(JSON.parse(sel(['explain', lost, '--repo', s.repo, '--seq', '3', '--format', 'json']).stdout)).toMatchObject({ chain: 'prod-agents', otherChains: ['beta'] });
    // Several intact: the refusal names the damaged one too.
    const c = chainLines(6, 'gamma');
    const three = writeLog('explain-other-damaged-3.jsonl', [...a, ...c, ...b.map((l, i) => (i === 2 ? l.replace('"action":"', '"action":"x') : l))]);
    expect(expectOneSentence(sel(['explain', three, '--repo', s.repo, '--seq', '2']))).toContain('several chains have seq 2 (gamma, prod-agents; changed, set aside or lost in beta): name one with --chain');
  });
  it('of the one intact event at a seq: names, sorted, a chain whose seq a fork\'s branch holds and one whose seq a gap holds, not one that ends before it (from mutation testing)', () => {
    const { lines, at, forged } = forkedAt3();
    // zeta's seq 3 and 4 deleted: its SEQ_GAP (at seq 5) holds seq 4; gamma ends at seq 3.
    const zeta = chainLines(6, 'zeta').filter((_, i) => i !== 3 && i !== 4);
    // alpha's seq 4 changed, read last: found after zeta's gap, and named before it.
    const alpha = chainLines(6, 'alpha').map((l, i) => (i === 4 ? l.replace('"action":"', '"action":"x') : l));
    const log = writeLog('explain-other-branch.jsonl', [...lines.slice(0, at), forged, ...lines.slice(at).filter((l) => l !== ''), ...chainLines(6, 'beta'), ...chainLines(4, 'gamma'), ...zeta, ...alpha, '']);
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json']).stdout)).toMatchObject({ chain: 'beta', otherChains: ['alpha', 'prod-agents', 'zeta'] });
  });
  it('of the one intact event at a seq: names a chain whose log was cut before the seq and an anchor after it (its LOG_TRUNCATED holds the seq), as a chain whose gap holds it is named (from mutation testing, second pass)', () => {
    // The incident's prod-agents ends before seq 45, anchored at 48; beta has an intact seq 45.
    const log = writeLog('explain-other-truncated.jsonl', [...readFileSync(s.incident, 'utf8').split('\n').filter((l) => l !== ''), ...chainLines(50, 'beta'), '']);
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '45', '--format', 'json']).stdout)).toMatchObject({ chain: 'beta', otherChains: ['prod-agents'] });
    // Past the anchor, the log of prod-agents says nothing of the seq.
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '49', '--format', 'json']).stdout)).toMatchObject({ chain: 'beta', otherChains: [] });
    // Explained there, the seq is the one its LOG_TRUNCATED says the log lost.
    const there = sel(['explain', log, '--repo', s.repo, '--seq', '45', '--chain', 'prod-agents']);
    expect(there.status).toBe(0);
    expect(there.stdout).toMatch(/\n {2}LOG_TRUNCATED at \S+: the log of chain prod-agents ends at seq \d+, but seq 48 was anchored/);
  });
  it('of an event placed in its chain whose line failed a check: its line, in the same shape', () => {
    const log = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered', 'event-schema.jsonl');
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      event: null,
      lines: [{ location: { file: log, line: 3 }, relation: 'placed', codes: ['EVENT_SCHEMA'], damaged: true, truncated: false, links: { prev: true, next: true } }],
      linesNotShown: 0,
      links: { prev: { seq: 1, location: { file: log, line: 2 }, links: true } },
    });
    expect(Object.keys((out['links'] as { prev: { location: object } }).prev.location)).toEqual(['file', 'line']);
    // Its prev_hash changed and the line sealed again: its neighbours do not link to it (from mutation testing).
    const lines = readFileSync(log, 'utf8').split('\n');
    const e = JSON.parse(lines[2]!) as Record<string, unknown>;
    e['prev_hash'] = `sha256:${'0'.repeat(64)}`;
    delete e['hash'];
    e['hash'] = digestOf(e);
    const moved = writeLog('explain-placed-unlinked.jsonl', lines.map((l, i) => (i === 2 ? canonicalize(e) : l)));
    expect(JSON.parse(sel(['explain', moved, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout)).toMatchObject({ lines: [{ relation: 'placed', links: { prev: false, next: false } }] });
    // No event to evaluate under --policy: a bad one is refused all the same (from mutation testing).
    expect(expectOneSentence(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--policy', 'nope']))).toContain('check --policy');
  });
  it('of an event placed in its chain whose line failed a check, claimed by a changed line too: its line with its own codes; findings of other seqs are not its (from mutation testing)', () => {
    const lines = chainLines(6, 'placed');
    const e = JSON.parse(lines[2]!) as Record<string, unknown> & { actor: { zone: string } };
    e.actor.zone = 'root';
    delete e['hash'];
    const resealed = canonicalize({ ...e, hash: digestOf(e) });
    // seq 2 sealed again with a zone the schema refuses; a copy of the original seq 2, changed, at the end.
    const log = writeLog('explain-placed-claimed.jsonl', [...lines.slice(0, 2), resealed, ...lines.slice(3), lines[2]!.replace('"action":"', '"action":"x'), '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '2', '--format', 'json']).stdout) as { lines: { location: { line: number }; relation: string; codes: string[] }[]; findings: { code: string; location: { line: number } }[] };
    expect(out.lines).toMatchObject([{ location: { line: 3 }, relation: 'placed', codes: ['EVENT_SCHEMA'] }]);
    expect(out.findings.map((x) => [x.code, x.location.line])).toEqual([['EVENT_SCHEMA', 3], ['HASH_MISMATCH', 7]]);
    // seq 4 is intact: the damaged lines about seq 2 are not its findings.
    const four = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json']).stdout) as { findings: { code: string }[] };
    expect(four.findings.map((x) => x.code)).toEqual(['POLICY_UNKNOWN']);
  });
  it('keeps the findings about the seq whatever else the log holds: unreadable lines have a budget of their own', () => {
    const { lines, at } = sampleLines(6);
    const changed = lines[at]!.replace('"action":"', '"action":"x');
    // 10 001 unreadable lines first: one more than explain keeps of them.
    const log = writeLog('explain-crowded.jsonl', [...Array.from({ length: 10_001 }, () => 'x'), ...lines.map((l, i) => (i === at ? changed : l))]);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '6']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`\nline  ${log}:${10_001 + at + 1}  damaged (HASH_MISMATCH)`);
    expect(r.stdout).toContain('\n  and 1 more damaged line(s) that might hold it, counted but not kept (explain keeps the first 100000 about the seq and 10000 damaged lines;');
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '6', '--format', 'json']).stdout) as { findings: unknown[]; findingsNotKept: unknown };
    expect(out.findingsNotKept).toEqual({ about: 0, lines: 1 });
    expect(out.findings).toHaveLength(1);
  });
  it('of a seq in a line too damaged to name it: the unreadable line between its neighbours', () => {
    const { lines, at } = sampleLines(4);
    const cut = lines[at]!.slice(0, 120);
    // A byte order mark before the first line, as some writers put: the verifier accepts it.
    const log = writeLog('explain-unreadable.jsonl', lines.map((l, i) => (i === at ? cut : l)), '\ufeff');
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '4']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\n  no line of the log names this seq; one damaged line between seq 3 and seq 5 may hold it\n');
    expect(r.stdout).toContain(`\nline  ${log}:${at + 1}  damaged (LINE_INVALID_JSON), where this seq belongs  (120 bytes, as it reads now)\n  ${cut}\n`);
    // One byte is one byte (from mutation testing).
    const byte = writeLog('explain-one-byte.jsonl', lines.map((l, i) => (i === at ? 'x' : l)));
    expect(sel(['explain', byte, '--repo', s.repo, '--seq', '4']).stdout).toContain(`\nline  ${byte}:${at + 1}  damaged (LINE_INVALID_JSON), where this seq belongs  (1 byte, as it reads now)\n  x\n`);
    // A changed line that names another seq (and so fills this one's gap) is looked at too;
    // one that names no chain is one --chain keeps.
    const moved = writeLog('explain-moved.jsonl', lines.map((l, i) => (i === at ? l.replace('"seq":4,', '"seq":1,') : l)));
    const m = JSON.parse(sel(['explain', moved, '--repo', s.repo, '--seq', '4', '--format', 'json']).stdout) as { lines: { relation: string; codes: string[]; links: unknown }[] };
    expect(m.lines).toMatchObject([{ relation: 'between', codes: ['HASH_MISMATCH'], links: { prev: true, next: true } }]);
    const chainless = writeLog('explain-chainless.jsonl', lines.map((l, i) => (i === at ? l.replace(/"chain":"[^"]*",/, '') : l)));
    const named = sel(['explain', chainless, '--repo', s.repo, '--seq', '4', '--chain', JSON.parse(lines[0]!).chain as string]);
    expect(named.status).toBe(0);
    expect(named.stdout).toContain(`\nline  ${chainless}:${at + 1}  damaged (`);
    // It names the seq and no chain: a finding about the seq in any chain, the line that names it (from mutation testing).
    expect(named.stdout).toContain('\n  one line of the log names this seq\n');
    expect(named.stdout).toContain(`\nline  ${chainless}:${at + 1}  damaged (HASH_MISMATCH)  (`);
    // One that names another chain is looked at too: what it names is not evidence.
    const elsewhere = writeLog('explain-elsewhere.jsonl', lines.map((l, i) => (i === at ? l.replace(/"chain":"[^"]*",/, '"chain":"other",') : l)));
    const other = sel(['explain', elsewhere, '--repo', s.repo, '--seq', '4', '--chain', JSON.parse(lines[0]!).chain as string]);
    expect(other.status).toBe(0);
    expect(other.stdout).toContain(`\nline  ${elsewhere}:${at + 1}  damaged (HASH_MISMATCH), where this seq belongs`);
    // seq 0's line, with the BOM shown as an escape, and its links read past it.
    const bom = writeLog('explain-bom.jsonl', lines.map((l, i) => (i === 0 ? l.replace('"action":"', '"action":"x') : l)), '\ufeff');
    const zero = sel(['explain', bom, '--repo', s.repo, '--seq', '0']);
    expect(zero.stdout).toContain('\n  \\ufeff{"actor"');
    expect(zero.stdout).toContain("\n  seq 1's prev_hash is the hash it records\n");
    expect(zero.stdout).toContain('\n  seq 0 starts its chain\n');
  });
  it('of a seq in a damaged line of a rotated log: the lines where it belongs are looked for in its neighbours\' files, in the files\' order (from mutation testing)', () => {
    // a.jsonl holds another chain and a damaged line; b.jsonl, read after it, holds chain rot, its seq 0 and seq 3 damaged.
    const other = chainLines(3, 'other');
    const rot = chainLines(4, 'rot');
    mkdirSync(join(tmp, 'explain-rot1'), { recursive: true });
    writeLog('explain-rot1/a.jsonl', [...other, other[0]!.slice(0, 50), '']);
    writeLog('explain-rot1/b.jsonl', [rot[0]!.slice(0, 60), rot[1]!, rot[2]!, rot[3]!.slice(0, 70), '']);
    const dir = join(tmp, 'explain-rot1');
    const first = sel(['explain', dir, '--repo', s.repo, '--seq', '0', '--chain', 'rot']);
    expect(first.status, first.stderr).toBe(0);
    // Before its successor in the successor's file: not the damaged line of the file before.
    expect(first.stdout).toContain('\n  no line of the log names this seq; one damaged line before seq 1 may hold it\n');
    expect(first.stdout).toContain(`\nline  ${join(dir, 'b.jsonl')}:1  damaged (LINE_INVALID_JSON), where this seq belongs  (60 bytes, as it reads now)\n`);
    expect(first.stdout).not.toContain('a.jsonl:4');
    const last = sel(['explain', dir, '--repo', s.repo, '--seq', '3', '--chain', 'rot']);
    expect(last.stdout).toContain('\n  no line of the log names this seq; one damaged line after seq 2 may hold it\n');
    expect(last.stdout).toContain(`\nline  ${join(dir, 'b.jsonl')}:4  damaged (LINE_INVALID_JSON), where this seq belongs  (70 bytes, as it reads now)\n`);
    // Its neighbours in two files: the line between them is the last of the first file.
    const r2 = chainLines(8, 'rot2');
    mkdirSync(join(tmp, 'explain-rot2'), { recursive: true });
    writeLog('explain-rot2/a.jsonl', [...r2.slice(0, 4), r2[4]!.slice(0, 80), '']);
    writeLog('explain-rot2/b.jsonl', [...r2.slice(5), '']);
    const split = sel(['explain', join(tmp, 'explain-rot2'), '--repo', s.repo, '--seq', '4', '--chain', 'rot2']);
    expect(split.status, split.stderr).toBe(0);
    expect(split.stdout).toContain('\n  no line of the log names this seq; one damaged line between seq 3 and seq 5 may hold it\n');
    expect(split.stdout).toContain(`\nline  ${join(tmp, 'explain-rot2', 'a.jsonl')}:5  damaged (LINE_INVALID_JSON), where this seq belongs  (80 bytes, as it reads now)\n`);
  });
  it('of a seq the log lost: the gap it falls in, or the anchor past the end, and the hash its successor names for it', () => {
    const { at, lost, log, r } = explainLost(5, 'explain-lost.jsonl');
    expect(r.stdout).toContain('seq 5  no intact event\n  no line of the log names this seq\n');
    expect(r.stdout).toContain(`\n  SEQ_GAP at ${log}:${at + 1}: seq 5 is missing before this event\n`);
    expect(r.stdout).toContain(`: its prev_hash, the hash of seq 5 when it was written, is ${lost.hash}\n`);
    // The incident's log ends before its last anchor: a seq in between was cut from the end.
    const cutOff = sel(['explain', s.incident, '--repo', s.repo, '--seq', '45']);
    expect(cutOff.status).toBe(0);
    expect(cutOff.stdout).toMatch(/\n {2}LOG_TRUNCATED at \S+: the log of chain \S+ ends at seq \d+, but seq \d+ was anchored/);
    // The anchored seq itself was cut too; the one after it is not known of (from mutation testing).
    expect(sel(['explain', s.incident, '--repo', s.repo, '--seq', '48']).stdout).toMatch(/\n {2}LOG_TRUNCATED at \S+: the log of chain \S+ ends at seq \d+, but seq 48 was anchored/);
    expect(expectOneSentence(sel(['explain', s.incident, '--repo', s.repo, '--seq', '49']))).toContain('no line of the log has seq 49, and no finding kept is about it');
    // A chain nothing is known of: refused in one sentence.
    expect(expectOneSentence(sel(['explain', log, '--repo', s.repo, '--seq', '5', '--chain', 'elsewhere']))).toContain('no line of the log has seq 5 in chain elsewhere, and no finding kept is about it');
    // There is no event to evaluate under --policy, and a bad one is still refused.
    expect(expectOneSentence(sel(['explain', log, '--repo', s.repo, '--seq', '5', '--policy', 'nope']))).toContain('check --policy');
  });
  it('of a seq a fork\'s branch holds at the end of a log cut before its anchor: the LOG_TRUNCATED is about the seqs after it, not this one (from mutation testing)', () => {
    // The chain goes on with a forged seq 3 and stops; the real 3..45 are a branch, and the
    // anchor at seq 48 is past the end: the log ends at seq 45 (the branch's last).
    const { lines, at, forged } = forkedAt3();
    const log = writeLog('explain-branch-cut.jsonl', [...lines.slice(0, at), forged, ...lines.slice(at, at + 43), '']);
    type Out = { lines: { relation: string }[]; findings: { code: string; message: string }[] };
    const last = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '45', '--format', 'json']).stdout) as Out;
    expect(last.lines.map((x) => x.relation)).toEqual(['branch']);
    expect(last.findings.map((x) => x.code)).not.toContain('LOG_TRUNCATED');
    const after = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '46', '--format', 'json']).stdout) as Out;
    expect(after.findings.map((x) => [x.code, x.message])).toEqual([['LOG_TRUNCATED', expect.stringContaining('ends at seq 45, but seq 48 was anchored')]]);
  });
  it('of an anchored seq the log lost: whether its successor names the hash the anchor records (from mutation testing)', () => {
    const { lost, r } = explainLost(15, 'explain-lost-anchored.jsonl');
    const anchorFile = join(s.repo, 'ledger', 'anchors', 'prod-agents', '15.json');
    expect(r.stdout).toContain(`\n  ANCHOR_MISMATCH at ${anchorFile}:1: `);
    expect(r.stdout).toMatch(new RegExp(`\\n {2}seq 16 at \\S+: its prev_hash, the hash of seq 15 when it was written, is ${lost.hash}\\n {2}seq 16's prev_hash is the hash the anchor at \\S+15\\.json:1 records for seq 15\\n$`));
  });
  it('of a seq in a damaged line when more damaged lines were counted than kept: says at least, and so does the refusal of a seq nothing holds (from mutation testing)', () => {
    const chain = chainLines(10, 'crowd');
    // seq 6 cut short (the first damaged line, kept), then 10 001 unreadable lines after the chain: 2 past the 10 000 kept.
    const log = writeLog('explain-crowded-hole.jsonl', [...chain.map((l, i) => (i === 6 ? l.slice(0, 90) : l)), ...Array.from({ length: 10_001 }, () => 'x'), '']);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '6', '--chain', 'crowd']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('\n  no line of the log names this seq; at least one damaged line between seq 5 and seq 7 may hold it\n');
    expect(r.stdout).toContain(`\nline  ${log}:7  damaged (LINE_INVALID_JSON), where this seq belongs  (90 bytes, as it reads now)\n`);
    expect(r.stdout).toContain('\n  and 2 more damaged line(s) that might hold it, counted but not kept (');
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '6', '--chain', 'crowd', '--format', 'json']).stdout)).toMatchObject({ findingsNotKept: { about: 0, lines: 2 } });
    expect(expectOneSentence(sel(['explain', log, '--repo', s.repo, '--seq', '100']))).toContain('no line of the log has seq 100, and no finding kept is about it; 2 damaged line(s) past the first 10000 were counted, not kept, and one may hold it');
    // One past those kept is at least as much (from mutation testing, second pass).
    const one = writeLog('explain-crowded-hole-one.jsonl', [...chain.map((l, i) => (i === 6 ? l.slice(0, 90) : l)), ...Array.from({ length: 10_000 }, () => 'x'), '']);
    const r1 = sel(['explain', one, '--repo', s.repo, '--seq', '6', '--chain', 'crowd']);
    expect(r1.stdout).toContain('\n  no line of the log names this seq; at least one damaged line between seq 5 and seq 7 may hold it\n');
    expect(r1.stdout).toContain('\n  and 1 more damaged line(s) that might hold it, counted but not kept (');
  });
  it('of a seq missing from one chain, beside a chain that ends before it: that chain has not reached the seq, it does not miss it (from mutation testing)', () => {
    const a = chainLines(6, 'prod-agents');
    // prod-agents' seq 3 changed after it was written (a HASH_MISMATCH names it); beta ends at seq 2.
    const log = writeLog('explain-ends-before.jsonl', [...a.map((l, i) => (i === 3 ? l.replace('"action":"', '"action":"x') : l)), ...chainLines(3, 'beta'), '']);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('event prod-agents seq 3  no intact event\n  one line of the log names this seq\n');
  });
  it('of a seq claimed by a changed line and held by a damaged one where it belongs: the line that names it first (from mutation testing)', () => {
    const lines = chainLines(8, 'order');
    // seq 4 cut short where it is; a changed copy of it after the chain.
    const log = writeLog('explain-claims-first.jsonl', [...lines.map((l, i) => (i === 4 ? l.slice(0, 100) : l)), lines[4]!.replace('"action":"', '"action":"x'), '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'order', '--format', 'json']).stdout) as { location: { line: number }; lines: { location: { line: number }; relation: string; codes: string[] }[] };
    expect(out.lines.map((x) => [x.location.line, x.relation, x.codes])).toEqual([[9, 'claims', ['HASH_MISMATCH']], [5, 'between', ['LINE_INVALID_JSON']]]);
    expect(out.location.line).toBe(9);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'order']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('\n  one line of the log names this seq; one damaged line between seq 3 and seq 5 may hold it\n');
    expect(r.stdout.indexOf(`\nline  ${log}:9  damaged (HASH_MISMATCH)`)).toBeLessThan(r.stdout.indexOf(`\nline  ${log}:5  damaged (LINE_INVALID_JSON), where this seq belongs`));
  });
  it('of a seq the log lost, held by copies of it past the thousand kept: every one counted, in JSON too (from mutation testing)', () => {
    const body = chainLines(6, 'copies-lost');
    // Another chain of that name (other requests): none of its events links to this one's.
    const w = new ChainWriter('copies-lost');
    const rival = Array.from({ length: 6 }, (_, i) => w.append(sampleInput(i, { request: { tool: 'rival', n: i } })).line);
    // seq 4 lost from the chain; 1002 copies of the rival after it, set aside from the chain at their seq 0.
    const log = writeLog('explain-copies-lost.jsonl', [...body.filter((_, i) => i !== 4), ...Array.from({ length: 1002 }, () => rival.join('\n')), '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'copies-lost', '--format', 'json']).stdout) as { lines: { relation: string }[]; linesNotShown: number };
    expect(out.lines.map((x) => x.relation)).toEqual(Array.from({ length: 10 }, () => 'branch'));
    expect(out.linesNotShown).toBe(1002 - 10);
    const text = sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'copies-lost']).stdout;
    expect(text).toContain('seq 4  no intact event\n  1002 lines of the log name this seq\n');
    expect(text).toContain('\n  and 992 more line(s) (sel verify --format json lists their findings)\n');
  });
  it('keeps the damaged lines that may hold the seq whatever other findings the log holds: only they count against their budget (from mutation testing)', () => {
    // 10 010 events whose policy the repository lacks (a POLICY_UNKNOWN each), seq 10 005 cut short.
    const lines = chainLines(10_010, 'many');
    const log = writeLog('explain-many-findings.jsonl', [...lines.map((l, i) => (i === 10_005 ? l.slice(0, 100) : l)), '']);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '10005', '--chain', 'many']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('\n  no line of the log names this seq; one damaged line between seq 10004 and seq 10006 may hold it\n');
    expect(r.stdout).toContain(`\nline  ${log}:10006  damaged (LINE_INVALID_JSON), where this seq belongs  (100 bytes, as it reads now)\n`);
    expect(JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '10005', '--chain', 'many', '--format', 'json']).stdout)).toMatchObject({ findingsNotKept: { about: 0, lines: 0 } });
  });
  it('of a seq in a line that names no seq and whose request is not the one its fingerprint names: both its findings, where the seq belongs (from mutation testing)', () => {
    const lines = chainLines(8, 'fp');
    const e = JSON.parse(lines[4]!) as Record<string, unknown>;
    delete e['seq'];
    delete e['hash'];
    e['request'] = { ...(e['request'] as object), note: 'changed' };
    // Sealed again without its seq, the fingerprint left as it was.
    const log = writeLog('explain-fingerprint.jsonl', [...lines.map((l, i) => (i === 4 ? canonicalize({ ...e, hash: digestOf(e) }) : l)), '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'fp', '--format', 'json']).stdout) as { lines: { location: { line: number }; relation: string; codes: string[]; damaged: boolean }[]; findings: { code: string }[] };
    expect(out.lines).toEqual([expect.objectContaining({ location: { file: log, line: 5 }, relation: 'between', codes: ['FINGERPRINT_MISMATCH', 'EVENT_SCHEMA'], damaged: true })]);
    expect(out.findings.map((x) => x.code)).toEqual(['FINGERPRINT_MISMATCH', 'EVENT_SCHEMA']);
  });
  it('of a seq the log lost between two events placed though their lines failed a check: their lines are its neighbours, not lines that may hold it (from mutation testing)', () => {
    const lines = chainLines(6, 'edge');
    /** The line sealed again with a zone the schema refuses: placed in its chain, an EVENT_SCHEMA. */
    const rootZone = (line: string) => {
      const e = JSON.parse(line) as Record<string, unknown> & { actor: { zone: string } };
      e.actor.zone = 'root';
      delete e['hash'];
      return canonicalize({ ...e, hash: digestOf(e) });
    };
    // seq 4 lost; seq 3 and seq 5 (the last) sealed again with that zone.
    const log = writeLog('explain-edge.jsonl', [...lines.slice(0, 3), rootZone(lines[3]!), rootZone(lines[5]!), '']);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'edge']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('seq 4  no intact event\n  no line of the log names this seq\nfindings about this seq\n  SEQ_GAP at ');
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'edge', '--format', 'json']).stdout) as { lines: unknown[]; links: unknown; findings: { code: string }[] };
    expect(out.lines).toEqual([]);
    expect(out.links).toMatchObject({ prev: { seq: 3, location: { line: 4 } }, next: { seq: 5, location: { line: 5 } } });
    expect(out.findings.map((x) => x.code)).toEqual(['SEQ_GAP']);
  });
  it('of a seq claimed by exactly as many findings as the text lists: no "and 0 more"; of an intact event, where each of its findings is (from mutation testing)', () => {
    const { lines, at } = sampleLines(2);
    const real = lines[at]!.replace('"action":"', '"action":"x');
    const log = writeLog('explain-twenty.jsonl', [...lines.slice(0, at), ...Array.from({ length: 20 }, () => real), ...lines.slice(at + 1)]);
    const r = sel(['explain', log, '--repo', s.repo, '--seq', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  HASH_MISMATCH at '))).toHaveLength(20);
    expect(r.stdout).not.toContain('more (--format json lists every one kept)');
    const intact = sel(['explain', s.incident, '--repo', s.repo, '--seq', '35']);
    expect(intact.stdout).toMatch(/\nfindings at this event\n {2}DECISION_DIVERGENCE at \S+:36: /);
  });
  it('of an intact event, beside another chain whose copies at the seq are past the thousand kept: those are not its (from mutation testing)', () => {
    const w = new ChainWriter('beta');
    const rival = Array.from({ length: 6 }, (_, i) => w.append(sampleInput(i, { request: { tool: 'rival', n: i } })).line);
    // alpha intact; beta's seq 4 lost, then 1002 copies of another beta (set aside at their seq 0).
    const log = writeLog('explain-other-copies.jsonl', [...chainLines(6, 'alpha'), ...chainLines(6, 'beta').filter((_, i) => i !== 4), ...Array.from({ length: 1002 }, () => rival.join('\n')), '']);
    const out = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--format', 'json']).stdout) as { chain: string; lines: unknown[]; linesNotShown: number };
    expect(out).toMatchObject({ chain: 'alpha', lines: [], linesNotShown: 0 });
    const beta = JSON.parse(sel(['explain', log, '--repo', s.repo, '--seq', '4', '--chain', 'beta', '--format', 'json']).stdout) as { lines: unknown[]; linesNotShown: number };
    expect(beta.lines).toHaveLength(10);
    expect(beta.linesNotShown).toBe(1002 - 10);
    // With --chain, another chain's copies read first do not take the thousand kept: the named
    // chain's copy is shown (from mutation testing, second pass: it was counted, not shown).
    const body = chainLines(6, 'beta').join('\n');
    const first = writeLog('explain-other-copies-first.jsonl', [...Array.from({ length: 1001 }, () => body), ...chainLines(6, 'alpha'), ...chainLines(6, 'alpha'), '']);
    const alpha = JSON.parse(sel(['explain', first, '--repo', s.repo, '--seq', '4', '--chain', 'alpha', '--format', 'json']).stdout) as { chain: string; lines: { location: { line: number }; relation: string; copy: string }[]; linesNotShown: number };
    expect(alpha).toMatchObject({ chain: 'alpha', linesNotShown: 0 });
    expect(alpha.lines.map((x) => [x.location.line, x.relation, x.copy])).toEqual([[6 * 1001 + 6 + 5, 'branch', 'same']]);
  });
  it('names the exception an event cites, and gives the replayed decision in JSON, not the recorded one (from mutation testing)', () => {
    expect(sel(['explain', s.clean, '--repo', s.repo, '--seq', '8']).stdout).toContain('\n  exception   ledger/exceptions/EX-ops-restart.json\npolicy  ');
    const out = JSON.parse(sel(['explain', s.incident, '--repo', s.repo, '--seq', '35', '--format', 'json']).stdout) as { recorded: { action: string }; replayed: unknown; matches: boolean };
    expect(out.replayed).toEqual({ action: 'block', rule: null, severity: 'high' });
    expect(out.recorded.action).not.toBe('block');
    expect(out.matches).toBe(false);
  });
  it('quotes a recorded rule that could read as more of the decision, as impact does (from mutation testing)', () => {
    // The recorded rule is the log's text: `rule x  severity high  severity info` read as a rule x of severity high.
    const events = readFileSync(s.clean, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { seq: number; decision: { action: string; rule: string | null; severity: string } });
    const forged = events.findIndex((e) => e.decision.rule !== null);
    events[forged]!.decision.rule = 'x  severity high';
    for (let i = forged; i < events.length; i++) {
      const e = events[i]!;
      if (i > 0) e['prev_hash'] = events[i - 1]!['hash'];
      delete e['hash'];
      e['hash'] = digestOf(e);
    }
    const log = writeLog('explain-forged-rule.jsonl', [...events.map((e) => canonicalize(e)), '']);
    const { action, severity } = events[forged]!.decision;
    const r = sel(['explain', log, '--repo', s.repo, '--seq', String(events[forged]!.seq), '--no-color']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`\n  recorded  ${action}  rule "x  severity high"  severity ${severity}\n`);
    // Every other rule is shown as it is.
    expect(r.stdout).toMatch(/\n {2}replayed {2}\w+ {2}rule [\w.-]+ {2}severity \w+ {2}\(DIVERGES\)\n/);
  });
  it('answers what-if questions with --policy, and gives JSON', () => {
    const r = sel(['explain', s.clean, '--repo', s.repo, '--seq', '24', '--policy', 'HEAD', '--format', 'json']);
    const out = JSON.parse(r.stdout) as { recorded: { action: string }; replayed: { action: string }; matches: boolean; whatIf: { decision: { action: string; rule: string } }; review: unknown };
    expect(out.matches).toBe(true);
    expect(out.recorded.action).toBe('warn');
    // Deploy_Restart was free under v2; v3 reserves it.
    expect(out.whatIf.decision).toMatchObject({ action: 'block', rule: 'tool-registry.reserved' });
    // The rule-by-rule trace, of the recorded version and of the what-if one (from mutation testing).
    const text = sel(['explain', s.clean, '--repo', s.repo, '--seq', '24', '--policy', 'HEAD']).stdout;
    expect(text).toMatch(/\ntrace\n {3}1\. capabilities cap\.coder: match: [^\n]+\n {3}2\. tool-registry tool-registry\.open: allow: [^\n]+\n {3}3\. severity-gating: /);
    expect(text).toMatch(/\n {2}decision {2}block {2}rule tool-registry\.reserved {2}severity high {2}\(differs from the record\)\n {3}1\. capabilities cap\.coder: [^\n]+\n {3}2\. tool-registry tool-registry\.reserved: deny: /);
  });
  it('of an event whose review is not valid, beside more anchors that are not valid than explain keeps of the ledger\'s findings: its review\'s finding is kept (from mutation testing)', () => {
    const repo = join(tmp, 'explain-invalid-anchors');
    cpSync(s.repo, repo, { recursive: true });
    const review = (JSON.parse(sel(['explain', s.clean, '--repo', repo, '--seq', '22', '--format', 'json']).stdout) as { review: { path: string } }).review.path;
    write(repo, Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`ledger/anchors/prod-agents/x${i}.json`, 'not an anchor\n'])));
    write(repo, { [review]: '{"v":"sel.review/1"}\n' });
    commit(repo, 'ledger: anchors that are not valid, and a review broken');
    const out = JSON.parse(sel(['explain', s.clean, '--repo', repo, '--seq', '22', '--format', 'json']).stdout) as { review: { status: string }; findings: { code: string; location: { file: string } | null }[] };
    expect(out.review.status).toBe('missing');
    expect(out.findings.filter((x) => x.code === 'LEDGER_ARTIFACT_INVALID').map((x) => x.location!.file)).toEqual([`${repo}/${review}`]);
  });
  it('of an event whose review or exception is in the ledger but not valid: says so, with its finding, not that none exists', () => {
    // The repository under a directory ledger/anchors/: what an artifact is comes from its
    // path in the repository, not from the label (a review there read as an unread anchor).
    const repo = join(tmp, 'ledger', 'anchors', 'explain-invalid-artifact');
    cpSync(s.repo, repo, { recursive: true });
    type Out = { review: { path: string; status: string } | null; exception: { ref: string; status: string } | null; findings: { code: string; location: { file: string } | null }[] };
    const explain = (r: string, seq: string) => JSON.parse(sel(['explain', s.clean, '--repo', r, '--seq', seq, '--format', 'json']).stdout) as Out;
    const review = explain(repo, '22').review!.path;
    const exception = explain(repo, '8').exception!.ref;
    // One member the schemas do not allow in each (sel.review/1, sel.exception/1 are closed).
    for (const path of [review, exception]) {
      const artifact = JSON.parse(readFileSync(join(repo, path), 'utf8')) as Record<string, unknown>;
      write(repo, { [path]: `${JSON.stringify({ ...artifact, note: 'edited' }, null, 2)}\n` });
    }
    commit(repo, 'ledger: edit a review and an exception');
    const r = explain(repo, '22');
    expect(r.review).toMatchObject({ path: review, status: 'missing' });
    expect(r.findings.filter((x) => x.code === 'LEDGER_ARTIFACT_INVALID').map((x) => x.location!.file)).toEqual([`${repo}/${review}`]);
    const text = sel(['explain', s.clean, '--repo', repo, '--seq', '22']).stdout;
    // (Not valid since a commit edited it: that commit is why, and is said too.)
    expect(text).toContain(`\n  review    ${review}: in the ledger, but not valid, so not used (LEDGER_ARTIFACT_INVALID below) (missing); rewritten by a commit after it was added, and read as it is now (LEDGER_REWRITTEN below)\n`);
    expect(text).toContain(`\n  LEDGER_ARTIFACT_INVALID at ${repo}/${review}:1: `);
    const x = explain(repo, '8');
    expect(x.exception).toMatchObject({ ref: exception, status: 'not-found' });
    expect(x.findings.filter((f) => f.code === 'LEDGER_ARTIFACT_INVALID').map((f) => f.location!.file)).toEqual([`${repo}/${exception}`]);
    expect(sel(['explain', s.clean, '--repo', repo, '--seq', '8']).stdout).toContain(`\n  exception ${exception}: in the ledger, but not valid, so not used (LEDGER_ARTIFACT_INVALID below) (not-found); rewritten by a commit after it was added, and read as it is now (LEDGER_REWRITTEN below)\n`);
    // An event that relied on neither is not told of them.
    expect(explain(repo, '5').findings.map((f) => f.code)).not.toContain('LEDGER_ARTIFACT_INVALID');
    // Replay's own findings say the same: the artifact is there but not valid, not that none exists.
    const verify = JSON.parse(sel(['verify', s.clean, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number | null; message: string }[] };
    expect(verify.findings.filter((f) => f.code === 'REVIEW_MISSING' || f.code === 'EXCEPTION_MISSING').map((f) => [f.code, f.seq, f.message])).toEqual([
      ['EXCEPTION_MISSING', 8, `recorded warn for a request that needs an exception: exception ${exception} is in the ledger but not valid, so it was not used (LEDGER_ARTIFACT_INVALID)`],
      ['REVIEW_MISSING', 22, `recorded allow for a request that needs review, and the review artifact ${review} is in the ledger but not valid, so it was not used (LEDGER_ARTIFACT_INVALID)`],
    ]);
    // The review removed instead: it is not in the ledger, whatever else there is not valid (from mutation testing).
    const removed = join(tmp, 'explain-removed-review');
    cpSync(repo, removed, { recursive: true });
    git(removed, 'rm', '-q', review);
    commit(removed, 'ledger: remove a review');
    const missing = JSON.parse(sel(['verify', s.clean, '--repo', removed, '--format', 'json']).stdout) as typeof verify;
    expect(missing.findings.find((f) => f.code === 'REVIEW_MISSING')!.message).toBe(`recorded allow for a request that needs review, and no review artifact ${review} exists`);
    // Nor does the gate take them for anchors it could not read (integrity fails for the edits
    // themselves, LEDGER_REWRITTEN: artifacts are only ever added).
    const { out } = gate([s.clean, '--repo', repo, '--require-anchored']);
    expect(out!.assertions.find((a) => a.name === '--require-anchored')).toMatchObject({ pass: true, reason: 'every event is covered by a matching anchor' });
    expect(out!.assertions.find((a) => a.name === 'integrity')!.reason).toMatch(/^2 integrity error\(s\), first LEDGER_REWRITTEN at /);
  });
  it('of an event allowed under an exception a later commit extended: lists its LEDGER_REWRITTEN, and does not call the replay "the same" (review)', () => {
    // The incident's seq 32 used EX-status-2025 after it expired; a commit moves the expiry of
    // the exception and of the review it names past the event.
    const repo = join(tmp, 'explain-rewritten-exception');
    cpSync(s.repo, repo, { recursive: true });
    const exception = 'ledger/exceptions/EX-status-2025.json';
    const ex = JSON.parse(readFileSync(join(repo, exception), 'utf8')) as { review_ref: string; expires_at: string };
    const rv = JSON.parse(readFileSync(join(repo, ex.review_ref), 'utf8')) as { expires_at: string };
    write(repo, {
      [exception]: `${JSON.stringify({ ...ex, expires_at: '2026-12-20T00:00:00.000Z' }, null, 2)}\n`,
      [ex.review_ref]: `${JSON.stringify({ ...rv, expires_at: '2026-12-31T00:00:00.000Z' }, null, 2)}\n`,
    });
    commit(repo, 'ledger: extend an exception');
    const verify = JSON.parse(sel(['verify', s.incident, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number | null; location: { file: string } }[] };
    const rewritten = verify.findings.filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => f.location.file).sort();
    expect(rewritten).toEqual([`${repo}/${ex.review_ref}`, `${repo}/${exception}`].sort());
    expect(verify.findings.filter((f) => f.seq === 32)).toEqual([]);
    type Out = { matches: boolean | null; exception: { ref: string; status: string } | null; findings: { code: string; location: { file: string } | null }[] };
    const json = sel(['explain', s.incident, '--repo', repo, '--seq', '32', '--format', 'json']).stdout;
    const out = JSON.parse(json) as Out;
    expect(out.exception).toEqual({ ref: exception, status: 'covers' });
    expect(out.findings.filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => f.location!.file).sort()).toEqual(rewritten);
    expect(out.matches).toBe(false);
    expect(sel(['explain', s.incident, '--repo', repo, '--seq', '32', '--format', 'json', '--jobs', '2', '--unit-bytes', '2000']).stdout).toBe(json);
    const text = sel(['explain', s.incident, '--repo', repo, '--seq', '32']).stdout;
    expect(text).not.toContain('(the same)');
    expect(text).toContain('(the same, under a ledger artifact a commit rewrote: LEDGER_REWRITTEN below)');
    expect(text).toContain(`\n  LEDGER_REWRITTEN at ${repo}/${exception}:1: `);
    // An event that relied on neither is not told of them.
    const other = JSON.parse(sel(['explain', s.incident, '--repo', repo, '--seq', '5', '--format', 'json']).stdout) as Out;
    expect(other.findings.map((f) => f.code)).toEqual([]);
    expect(other.matches).toBe(true);
  });
  it('of an event whose review or exception a later commit cut short or broke: lists its LEDGER_REWRITTEN, not only the expiry or the missing artifact (found by review)', () => {
    // seq 8 (an elevation under EX-ops-restart) and seq 22 (resumed by its review): a commit
    // moves the expiry of both before the event. sel verify reports each rewrite and the
    // divergence it causes; explain told of an expired exception and review alone, as if the
    // runtime had used them expired, and nothing of the commit that cut them short. So for
    // EX-status-2026 (seq 23) made invalid by a commit: "not valid", and no rewrite.
    const repo = join(tmp, 'explain-cut-short');
    cpSync(s.repo, repo, { recursive: true });
    const exception = 'ledger/exceptions/EX-ops-restart.json';
    const broken = 'ledger/exceptions/EX-status-2026.json';
    const events = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as { seq: number; request_fingerprint: string });
    const review = `ledger/reviews/${events.find((e) => e.seq === 22)!.request_fingerprint.slice('sha256:'.length)}.json`;
    const ex = JSON.parse(readFileSync(join(repo, exception), 'utf8')) as Record<string, unknown>;
    const rv = JSON.parse(readFileSync(join(repo, review), 'utf8')) as Record<string, unknown>;
    const { justification: _, ...unjustified } = JSON.parse(readFileSync(join(repo, broken), 'utf8')) as Record<string, unknown>;
    write(repo, {
      [exception]: `${JSON.stringify({ ...ex, expires_at: '2026-10-04T08:25:00.000Z' }, null, 2)}\n`,
      [review]: `${JSON.stringify({ ...rv, expires_at: '2026-10-16T14:30:00.000Z' }, null, 2)}\n`,
      [broken]: `${JSON.stringify(unjustified, null, 2)}\n`,
    });
    commit(repo, 'ledger: cut an exception and a review short, break another exception');
    type F = { code: string; seq: number | null; location: { file: string } | null };
    const verify = JSON.parse(sel(['verify', s.clean, '--repo', repo, '--format', 'json']).stdout) as { findings: F[] };
    expect(verify.findings.map((f) => [f.code, f.seq]).sort()).toEqual([
      ['EXCEPTION_EXPIRED', 8], ['EXCEPTION_MISSING', 23], ['EXCEPTION_MISSING', 38], ['LEDGER_ARTIFACT_INVALID', null],
      ['LEDGER_REWRITTEN', null], ['LEDGER_REWRITTEN', null], ['LEDGER_REWRITTEN', null], ['REVIEW_EXPIRED', 22],
    ].sort());
    const rewrite = (path: string) => verify.findings.find((f) => f.code === 'LEDGER_REWRITTEN' && f.location!.file === `${repo}/${path}`)!;
    for (const [seq, path, code] of [['8', exception, 'EXCEPTION_EXPIRED'], ['22', review, 'REVIEW_EXPIRED'], ['23', broken, 'EXCEPTION_MISSING']] as const) {
      const json = sel(['explain', s.clean, '--repo', repo, '--seq', seq, '--format', 'json']).stdout;
      const out = JSON.parse(json) as { matches: boolean | null; findings: F[] };
      expect(out.matches, seq).toBe(false);
      expect(out.findings.map((f) => f.code), seq).toContain(code);
      expect(out.findings, seq).toContainEqual(rewrite(path));
      expect(sel(['explain', s.clean, '--repo', repo, '--seq', seq, '--format', 'json', '--jobs', '2', '--unit-bytes', '2000']).stdout).toBe(json);
      const text = sel(['explain', s.clean, '--repo', repo, '--seq', seq]).stdout;
      expect(text, seq).toContain(`\n  LEDGER_REWRITTEN at ${repo}/${path}:1: `);
      expect(text, seq).toContain('rewritten by a commit after it was added, and read as it is now (LEDGER_REWRITTEN below)');
    }
    // The same with --repo DIR/, as a shell completes it: the rewrites named alike (from mutation testing).
    for (const [seq, path] of [['8', exception], ['22', review]] as const) {
      const out = JSON.parse(sel(['explain', s.clean, '--repo', `${repo}/`, '--seq', seq, '--format', 'json']).stdout) as { findings: F[] };
      expect(out.findings, seq).toContainEqual(rewrite(path));
    }
    // An event that looked for neither is not told of them.
    expect((JSON.parse(sel(['explain', s.clean, '--repo', repo, '--seq', '5', '--format', 'json']).stdout) as { findings: F[] }).findings).toEqual([]);
  });
  it('of an event whose exception is unused because a later commit cut its review short: lists the review\'s LEDGER_REWRITTEN (from mutation testing)', () => {
    // seq 8, an elevation under EX-ops-restart, whose review a commit made expire before it: the
    // exception is not used (its review expired), and the commit is why.
    const repo = join(tmp, 'explain-exception-review-cut');
    cpSync(s.repo, repo, { recursive: true });
    const exception = 'ledger/exceptions/EX-ops-restart.json';
    const review = (JSON.parse(readFileSync(join(repo, exception), 'utf8')) as { review_ref: string }).review_ref;
    const rv = JSON.parse(readFileSync(join(repo, review), 'utf8')) as Record<string, unknown>;
    write(repo, { [review]: `${JSON.stringify({ ...rv, expires_at: '2026-10-04T08:25:00.000Z' }, null, 2)}\n` });
    commit(repo, 'ledger: cut the review of an exception short');
    type F = { code: string; seq: number | null; location: { file: string } | null };
    const verify = JSON.parse(sel(['verify', s.clean, '--repo', repo, '--format', 'json']).stdout) as { findings: F[] };
    const rewrite = verify.findings.find((f) => f.code === 'LEDGER_REWRITTEN' && f.location!.file === `${repo}/${review}`)!;
    expect(rewrite).toBeDefined();
    const out = JSON.parse(sel(['explain', s.clean, '--repo', repo, '--seq', '8', '--format', 'json']).stdout) as { matches: boolean | null; findings: F[] };
    expect(out.matches).toBe(false);
    expect(out.findings).toContainEqual(rewrite);
    const text = sel(['explain', s.clean, '--repo', repo, '--seq', '8']).stdout;
    expect(text).toContain(`\n    its review ${review}: rewritten by a commit after it was added, and read as it is now (LEDGER_REWRITTEN below)\n`);
    expect(text).toContain(`\n  LEDGER_REWRITTEN at ${repo}/${review}:1: `);
  });
  it('of an event of a committed log that the working copy rewrote and sealed again: lists the LEDGER_REWRITTEN sel verify reports at its line (review)', () => {
    const repo = join(tmp, 'explain-rewritten-log');
    cpSync(s.repo, repo, { recursive: true });
    const log = join(repo, 'logs', 'audit.jsonl');
    const events = readFileSync(log, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
    // seq 30's request changed, and every event from it sealed again: the chain links.
    const at = events.findIndex((e) => e['seq'] === 30);
    for (let i = at; i < events.length; i++) {
      const e = events[i]!;
      if (i === at) {
        e['request'] = { ...(e['request'] as Record<string, unknown>), url: 'https://api.github.com/repos/acme/app/pulls/999' };
        e['request_fingerprint'] = digestOf(e['request']);
      }
      e['prev_hash'] = events[i - 1]!['hash'];
      delete e['hash'];
      e['hash'] = digestOf(e);
    }
    writeFileSync(log, `${events.map((e) => canonicalize(e)).join('\n')}\n`);
    const verify = JSON.parse(sel(['verify', log, '--repo', repo, '--format', 'json']).stdout) as { findings: { code: string; location: { file: string; line: number } }[] };
    const rewritten = verify.findings.filter((f) => f.code === 'LEDGER_REWRITTEN');
    expect(rewritten.map((f) => f.location)).toEqual([{ file: log, line: at + 1 }]);
    type Out = { location: { file: string; line: number }; findings: { code: string; location: { file: string; line: number } | null }[] };
    const json = sel(['explain', log, '--repo', repo, '--seq', '30', '--format', 'json']).stdout;
    const out = JSON.parse(json) as Out;
    expect(out.location).toEqual({ file: log, line: at + 1 });
    expect(out.findings.map((f) => [f.code, f.location])).toEqual([['LEDGER_REWRITTEN', { file: log, line: at + 1 }]]);
    expect(sel(['explain', log, '--repo', repo, '--seq', '30', '--format', 'json', '--jobs', '2', '--unit-bytes', '3000']).stdout).toBe(json);
    expect(sel(['explain', log, '--repo', repo, '--seq', '30']).stdout).toContain(`findings at this event\n  LEDGER_REWRITTEN at ${log}:${at + 1}: `);
    // The next event, sealed again but equal to nothing committed either, is not where the file first differs.
    expect((JSON.parse(sel(['explain', log, '--repo', repo, '--seq', '31', '--format', 'json']).stdout) as Out).findings.map((f) => f.code)).toEqual([]);
  });
  it('shows the review or the exception an event depended on', () => {
    type Out = { review: { status: string } | null; exception: { status: string; ref: string } | null };
    const resumed = JSON.parse(sel(['explain', s.clean, '--repo', s.repo, '--seq', '22', '--format', 'json']).stdout) as Out;
    expect(resumed.review!.status).toBe('approved');
    const elevated = JSON.parse(sel(['explain', s.clean, '--repo', s.repo, '--seq', '8', '--format', 'json']).stdout) as Out;
    expect(elevated.exception).toEqual({ status: 'covers', ref: 'ledger/exceptions/EX-ops-restart.json' });
    // As text: what the status means, then the status.
    expect(sel(['explain', s.clean, '--repo', s.repo, '--seq', '22']).stdout).toMatch(/\n {2}review {4}\S+: approved, for this request and policy version \(approved\)\n/);
    expect(sel(['explain', s.clean, '--repo', s.repo, '--seq', '8']).stdout).toContain('\n  exception ledger/exceptions/EX-ops-restart.json: in force, and covers the request (covers)\n');
    expect(sel(['explain', s.incident, '--repo', s.repo, '--seq', '29']).stdout).toContain('\n  exception none: the event names no exception (no-ref)\n');
  });
  it('names the version each event was decided under: valid and replayed, invalid and not replayed, or not in the history (from mutation testing)', () => {
    const repo = initRepo(join(tmp, 'explain-versions'));
    write(repo, { 'README.md': 'no policy yet\n' });
    commit(repo, 'no policy yet');
    const good = sampleFiles();
    const bad = edited((f) => (f['severity-gating'].gates.high = 'maybe'));
    const put = (files: Record<string, unknown>, msg: string) => {
      write(repo, Object.fromEntries(Object.entries(files).map(([k, v]) => [`policy/${k}.json`, JSON.stringify(v, null, 2)])));
      return commit(repo, msg);
    };
    const [v1, v2] = [put(good, 'v1 valid'), put(bad, 'v2 invalid')];
    const w = new ChainWriter('versions');
    const hashes = [bundleOf(good).hash!, bundleOf(bad).hash!, digestOf({ never: 'committed' })];
    const log = join(tmp, 'explain-versions.jsonl');
    writeFileSync(log, `${hashes.map((h, i) => w.append(sampleInput(i, { policy_hash: h })).line).join('\n')}\n`);
    type Out = { policy: { commit: string | null; subject: string; valid: boolean }; replayed: unknown; matches: boolean | null; trace: unknown };
    const explain = (seq: number) => {
      const json = sel(['explain', log, '--repo', repo, '--seq', String(seq), '--format', 'json']);
      const text = sel(['explain', log, '--repo', repo, '--seq', String(seq)]);
      expect([json.status, text.status], `${json.stderr}${text.stderr}`).toEqual([0, 0]);
      return { out: JSON.parse(json.stdout) as Out, text: text.stdout };
    };
    const valid = explain(0);
    expect(valid.out.policy).toMatchObject({ commit: v1, subject: 'v1 valid', valid: true });
    expect(valid.out.replayed).not.toBeNull();
    expect(valid.text).toContain(`\n  commit ${v1.slice(0, 12)}  `);
    expect(valid.text).toContain('\n  "v1 valid"\n');
    expect(valid.text).toContain('\nlinks\n  seq 0 starts its chain\n');
    // An invalid bundle decides nothing: named, not replayed, and no crash.
    const invalid = explain(1);
    expect(invalid.out).toMatchObject({ policy: { commit: v2, subject: 'v2 invalid', valid: false }, replayed: null, matches: null, trace: null });
    expect(invalid.text).toContain('\n  "v2 invalid"  (the bundle is invalid)\n');
    expect(invalid.text).not.toContain('replayed');
    const unknown = explain(2);
    expect(unknown.out).toMatchObject({ policy: { commit: null, valid: false }, replayed: null, matches: null });
    expect(unknown.text).toContain('\n  not in the repository history reachable from the ref: the decision cannot be replayed\n');
    // What-if under a version that decides nothing, or under a commit without policy/: refused in one sentence.
    for (const cmd of [['explain', log, '--seq', '0'], ['impact', log]]) {
      expect(expectOneSentence(sel([...cmd, '--repo', repo, '--policy', 'HEAD']))).toContain('the policy at HEAD is not valid, so it decides nothing');
      // It names the file that is not valid.
      expect(expectOneSentence(sel([...cmd, '--repo', repo, '--policy', 'HEAD']))).toMatch(/so it decides nothing: policy\/[a-z-]+\.json: /);
      expect(expectOneSentence(sel([...cmd, '--repo', repo, '--policy', 'HEAD~2']))).toContain('HEAD~2 has no policy/ directory');
    }
  });
  it('names the commit of the version a what-if used, not the recorded one; an event without findings says none (from mutation testing)', () => {
    const json = JSON.parse(sel(['explain', s.clean, '--repo', s.repo, '--seq', '24', '--policy', 'HEAD~1', '--format', 'json']).stdout) as { policy: { commit: string }; whatIf: { ref: string; commit: string }; findings: unknown[] };
    const [v2, v3] = [git(s.repo, 'rev-parse', 'HEAD~2'), git(s.repo, 'rev-parse', 'HEAD~1')];
    expect(json.policy.commit).toBe(v2);
    expect(json.whatIf).toMatchObject({ ref: 'HEAD~1', commit: v3 });
    expect(json.findings).toEqual([]);
    const text = sel(['explain', s.clean, '--repo', s.repo, '--seq', '24', '--policy', 'HEAD~1']).stdout;
    expect(text).toContain(`\nwhat if --policy HEAD~1 (commit ${v3.slice(0, 12)})\n`);
    expect(text).toMatch(/\nfindings at this event\n {2}none\n$/);
  });
  it('exits 2 for a seq no line has and no finding is about', () => {
    expect(expectOneSentence(sel(['explain', s.incident, '--repo', s.repo, '--seq', '4500']))).toContain('no line of the log has seq 4500');
  });
});

describe('sel impact', () => {
  it('counts the decisions a policy version would change, by transition, with the events', () => {
    const v1 = git(s.repo, 'rev-list', '-n', '1', 'HEAD~4');
    const out = JSON.parse(sel(['impact', s.clean, '--repo', s.repo, '--policy', v1, '--format', 'json']).stdout) as { events: number; changed: number; transitions: { transition: string; count: number }[]; examples: { seq: number }[] };
    expect(out.events).toBe(49);
    expect(out.changed).toBe(6);
    expect(out.transitions[0]).toEqual({ transition: 'warn secrets.status-query -> block (none)', count: 2 });
    expect(out.examples.map((e) => e.seq)).toEqual([20, 21, 22, 23, 34, 38]);
    expect(JSON.parse(sel(['impact', s.clean, '--repo', s.repo, '--policy', 'HEAD', '--format', 'json']).stdout)).toMatchObject({ changed: 2 });
    // Each event's line says what it would become; a decision without a rule says so (from mutation testing, second pass).
    expect(sel(['impact', s.clean, '--repo', s.repo, '--policy', v1]).stdout).toMatch(/\n {2}\S+:\d+ {2}prod-agents seq \d+ {2}secret\.inject: warn -> block \(no rule, high\)\n/);
  });
  it('lists --max-events of the changes and counts the rest, notes integrity findings, and exits 0 (from mutation testing)', () => {
    const v1 = git(s.repo, 'rev-list', '-n', '1', 'HEAD~4');
    const two = sel(['impact', s.clean, '--repo', s.repo, '--policy', v1, '--max-events', '2']);
    expect(two.status).toBe(0);
    expect(two.stdout).toContain('\nevents\n');
    expect(two.stdout.split('\n').filter((l) => / prod-agents seq \d+ /.test(l))).toHaveLength(2);
    expect(two.stdout).toContain('\n  4 more (--max-events)\n');
    expect(JSON.parse(sel(['impact', s.clean, '--repo', s.repo, '--policy', v1, '--max-events', '2', '--format', 'json']).stdout)).toMatchObject({ changed: 6, examples: [{ seq: 20 }, { seq: 21 }] });
    // All six listed: nothing more to count.
    const six = sel(['impact', s.clean, '--repo', s.repo, '--policy', v1, '--max-events', '6']);
    expect(six.stdout.split('\n').filter((l) => / prod-agents seq \d+ /.test(l))).toHaveLength(6);
    expect(six.stdout).not.toContain('more (--max-events)');
    expect(six.stdout).not.toContain('integrity finding');
    // One integrity finding (a copy of an event) is noted, and is no failure of impact's.
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const dup = join(tmp, 'impact-dup.jsonl');
    writeFileSync(dup, `${[...all, all[3]!].join('\n')}\n`);
    const noted = sel(['impact', dup, '--repo', s.repo, '--policy', v1]);
    expect(noted.status).toBe(0);
    expect(noted.stdout).toContain('\nnote: the logs have 1 integrity finding(s);');
    // An event placed in its chain whose line failed a check is not evaluated, nor counted.
    const schema = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered', 'event-schema.jsonl');
    const placed = sel(['impact', schema, '--repo', s.repo, '--policy', v1, '--format', 'json']);
    expect(placed.status).toBe(0);
    expect(JSON.parse(placed.stdout)).toMatchObject({ events: readFileSync(schema, 'utf8').split('\n').filter((l) => l.length > 0).length - 1, integrityFindings: 1 });
  });
  it('replays with the ledger at --ref: the reviews and exceptions a past commit did not hold yet are missing (from mutation testing)', () => {
    type Out = { changed: number; transitions: { transition: string; count: number }[]; examples: { seq: number; location: { file: string; line: number } }[] };
    const impact = (ref: string) => JSON.parse(sel(['impact', s.clean, '--repo', s.repo, '--policy', 'HEAD', '--ref', ref, '--format', 'json']).stdout) as Out;
    expect(impact('HEAD')).toMatchObject({ changed: 2, examples: [{ seq: 22 }, { seq: 24 }] });
    // v1's commit holds no ledger: the elevation under EX-ops-restart and the status-page key under EX-status-2026 lose their exceptions.
    const early = impact('HEAD~4');
    expect(early.changed).toBe(5);
    // Each where it is: the clean log holds seq n on its line n + 1.
    expect(early.examples.map((x) => [x.seq, x.location])).toEqual([8, 22, 23, 24, 38].map((seq) => [seq, { file: s.clean, line: seq + 1 }]));
    // Most frequent first; ties in the order of the transition's text (from mutation testing).
    expect(early.transitions).toEqual([
      { transition: 'warn secrets.status-query -> block secrets.status-query', count: 2 },
      { transition: 'allow secrets.npm-publish -> review secrets.npm-publish', count: 1 },
      { transition: 'warn tool-registry.open -> block tool-registry.reserved', count: 1 },
      { transition: 'warn trust.ops-restart -> block trust.ops-restart', count: 1 },
    ]);
  });
  it('names the severities of a change of severity alone: the transition does not read as no change', () => {
    // A version that lowers the gate of low to allow and makes cap.coder's grant low: the coder's
    // allows keep their action and rule, and change their severity.
    const repo = join(tmp, 'impact-severity');
    cpSync(s.repo, repo, { recursive: true });
    git(repo, 'checkout', '-q', '-b', 'severity');
    const gates = JSON.parse(readFileSync(join(repo, 'policy', 'severity-gating.json'), 'utf8')) as { gates: Record<string, string> };
    gates.gates['low'] = 'allow';
    const caps = JSON.parse(readFileSync(join(repo, 'policy', 'capabilities.json'), 'utf8')) as { grants: { id: string; severity: string }[] };
    caps.grants.find((g) => g.id === 'cap.coder')!.severity = 'low';
    write(repo, { 'policy/severity-gating.json': `${JSON.stringify(gates, null, 2)}\n`, 'policy/capabilities.json': `${JSON.stringify(caps, null, 2)}\n` });
    commit(repo, 'severity: coder low, low allowed');
    type Out = { changed: number; transitions: { transition: string; count: number }[]; examples: { seq: number; recorded: { severity: string }; would: { severity: string } }[] };
    const out = JSON.parse(sel(['impact', s.clean, '--repo', repo, '--policy', 'severity', '--max-events', '100', '--format', 'json']).stdout) as Out;
    const seq1 = out.examples.find((x) => x.seq === 1)!;
    expect([seq1.recorded.severity, seq1.would.severity]).toEqual(['info', 'low']);
    const t = out.transitions.find((x) => x.transition.startsWith('allow cap.coder '))!;
    expect(t.transition).toBe('allow cap.coder (info) -> allow cap.coder (low)');
    // No transition reads as no change; the counts add up to the changes.
    for (const x of out.transitions) {
      const [from, to] = x.transition.split(' -> ');
      expect(from).not.toBe(to);
    }
    expect(out.transitions.reduce((n, x) => n + x.count, 0)).toBe(out.changed);
    expect(sel(['impact', s.clean, '--repo', repo, '--policy', 'severity']).stdout).toContain('  allow cap.coder (info) -> allow cap.coder (low)\n');
  });
  it('quotes a recorded rule that could read as more of a transition (from review)', () => {
    // The recorded rule is the log's text: `x -> block y` read as a transition of its own.
    const events = readFileSync(s.clean, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { decision: { rule: string | null } });
    const forged = events.findIndex((e) => e.decision.rule !== null);
    events[forged]!.decision.rule = 'x -> block y';
    // And one of the characters a rule is shown with as it is (from mutation testing).
    events[events.findIndex((e, i) => i > forged && e.decision.rule !== null)]!.decision.rule = 'ext:a@b/c';
    for (let i = forged; i < events.length; i++) {
      const e = events[i]!;
      if (i > 0) e['prev_hash'] = events[i - 1]!['hash'];
      delete e['hash'];
      e['hash'] = digestOf(e);
    }
    const log = join(tmp, 'impact-forged-rule.jsonl');
    writeFileSync(log, `${events.map((e) => canonicalize(e)).join('\n')}\n`);
    const out = JSON.parse(sel(['impact', log, '--repo', s.repo, '--policy', 'HEAD', '--format', 'json']).stdout) as { transitions: { transition: string }[] };
    const t = out.transitions.map((x) => x.transition).filter((x) => x.includes('block y'));
    expect(t).toHaveLength(1);
    expect(t[0]).toMatch(/^\w+ "x -> block y" -> \w+ /);
    // Every other rule is shown as it is.
    expect(out.transitions.filter((x) => x.transition.includes('"'))).toHaveLength(1);
    expect(out.transitions.filter((x) => /^\w+ ext:a@b\/c -> \w+ /.test(x.transition))).toHaveLength(1);
  });
  it('says when the ledger at --ref has a review or exception that could not be used or was rewritten: the changes it makes are not the policy\'s (review)', () => {
    const repo = join(tmp, 'impact-broken-exception');
    cpSync(s.repo, repo, { recursive: true });
    write(repo, { 'ledger/exceptions/EX-status-2026.json': '{"v":"sel.exception/1","id":"EX-status-2026"}\n' });
    commit(repo, 'ledger: break an exception');
    type Out = { changed: number; transitions: { transition: string; count: number }[]; ledger: { invalidArtifacts: number; rewrittenArtifacts: number } };
    const out = JSON.parse(sel(['impact', s.clean, '--repo', repo, '--policy', 'HEAD', '--format', 'json']).stdout) as Out;
    expect(out.ledger).toEqual({ invalidArtifacts: 1, rewrittenArtifacts: 1 });
    // The recorded warns under the exception now read as changes, though the policy is the one they were made under.
    expect(out.transitions.find((t) => t.transition.startsWith('warn secrets.status-query -> block'))?.count).toBeGreaterThan(0);
    const text = sel(['impact', s.clean, '--repo', repo, '--policy', 'HEAD']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('note: the ledger at HEAD has 1 review or exception artifact(s) that could not be used (LEDGER_ARTIFACT_INVALID) and 1 that a commit changed or deleted after it was added (LEDGER_REWRITTEN)');
    // Changed by a second commit: still one artifact, not one per commit (from mutation testing, second pass).
    write(repo, { 'ledger/exceptions/EX-status-2026.json': '{"v":"sel.exception/1","id":"EX-status-2026","note":"again"}\n' });
    commit(repo, 'ledger: break it again');
    expect((JSON.parse(sel(['impact', s.clean, '--repo', repo, '--policy', 'HEAD', '--format', 'json']).stdout) as Out).ledger).toEqual({ invalidArtifacts: 1, rewrittenArtifacts: 1 });
    // A sound ledger: nothing said.
    expect((JSON.parse(sel(['impact', s.clean, '--repo', s.repo, '--policy', 'HEAD', '--format', 'json']).stdout) as Out).ledger).toEqual({ invalidArtifacts: 0, rewrittenArtifacts: 0 });
    expect(sel(['impact', s.clean, '--repo', s.repo, '--policy', 'HEAD']).stdout).not.toContain('note: the ledger');
    // An anchor that is not valid, or that a commit rewrote, is no review or exception: no decision relied on it (from mutation testing).
    const anchored = join(tmp, 'impact-broken-anchor');
    cpSync(s.repo, anchored, { recursive: true });
    write(anchored, { 'ledger/anchors/prod-agents/15.json': '{"v":"sel.anchor/1"}\n', 'ledger/anchors/prod-agents/16.json': 'not an anchor\n' });
    commit(anchored, 'ledger: break an anchor, add one that is not JSON');
    expect((JSON.parse(sel(['impact', s.clean, '--repo', anchored, '--policy', 'HEAD', '--format', 'json']).stdout) as Out).ledger).toEqual({ invalidArtifacts: 0, rewrittenArtifacts: 0 });
  });
  it('names the hash of the version it replayed under, in JSON as in text (from mutation testing)', () => {
    const out = JSON.parse(sel(['impact', s.clean, '--repo', s.repo, '--policy', 'HEAD', '--format', 'json']).stdout) as { policy: { hash: string } };
    expect(out.policy.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sel(['impact', s.clean, '--repo', s.repo, '--policy', 'HEAD']).stdout).toContain(`, ${out.policy.hash.slice(0, 19)}…)`);
  });
});

describe('explain, impact and timeline read the logs as sel verify was told to', () => {
  it('--max-line-bytes and --reorder-window: an event verify read is explained, replayed and shown, not LINE_TOO_LONG "(--max-line-bytes)" from a command without the flag (review)', () => {
    const w = new ChainWriter('big', undefined, { maxLineBytes: 2_000_000 });
    const lines = [0, 1, 2].map((i) => w.append({
      ts: `2026-11-01T12:00:0${i}.000Z`, kind: 'tool.invoke', actor: { id: 'agent', zone: 'executor' },
      request: { tool: 'http.fetch', blob: i === 1 ? 'x'.repeat(1_100_000) : 'y' }, policy_hash: digestOf({ policy: 'none' }),
      decision: { action: 'allow', rule: null, severity: 'info' },
    }).line);
    const log = join(tmp, 'reading-long.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const wide = ['--max-line-bytes', '2000000'];
    expect(sel(['verify', log]).status).toBe(1);
    expect(sel(['verify', log, ...wide]).status).toBe(0);
    const json = sel(['explain', log, '--repo', s.repo, '--seq', '1', '--chain', 'big', '--format', 'json', ...wide]);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { event: { seq: number } | null; findings: { code: string }[] };
    expect(out.event?.seq).toBe(1);
    expect(out.findings.map((f) => f.code)).toEqual(['POLICY_UNKNOWN']);
    const t = sel(['timeline', log, '--format', 'jsonl', ...wide]);
    expect(t.stderr).toBe('');
    expect(t.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([0, 1, 2]);
    expect(sel(['timeline', log, '--format', 'jsonl', '--jobs', '2', '--unit-bytes', '2000', ...wide]).stdout).toBe(t.stdout);
    expect((JSON.parse(sel(['impact', log, '--repo', s.repo, '--policy', 'HEAD', '--format', 'json', ...wide]).stdout) as { events: number; integrityFindings: number })).toMatchObject({ events: 3, integrityFindings: 0 });
    // The reorder window: the same findings as verify's with the same window.
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const late = join(tmp, 'reading-late.jsonl');
    writeFileSync(late, `${[...all.slice(0, 4), ...all.slice(5, 15), all[4]!, ...all.slice(15)].join('\n')}\n`);
    const codes = (args: string[]) => (JSON.parse(sel(['verify', late, '--format', 'json', ...args]).stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(codes([])).toEqual(['SEQ_REORDER']);
    expect(codes(['--reorder-window', '4'])).toEqual(['SEQ_GAP', 'SEQ_REORDER']);
    expect(sel(['timeline', late, '--reorder-window', '4']).stderr).toContain('the logs have 2 integrity finding(s)');
    const gap = JSON.parse(sel(['explain', late, '--repo', s.repo, '--seq', '4', '--reorder-window', '4', '--format', 'json']).stdout) as { event: unknown; findings: { code: string }[] };
    expect(gap.event).toBeNull();
    expect(gap.findings.map((f) => f.code).sort()).toEqual(['SEQ_GAP', 'SEQ_REORDER']);
    expect(expectOneSentence(sel(['explain', late, '--repo', s.repo, '--seq', '4', '--max-line-bytes', '0']))).toContain('--max-line-bytes');
  });
  // Review (conformance): sel gate took none of the three, so a log that sel verify passes with
  // --max-line-bytes (LINE_TOO_LONG's own advice: raise the limit) failed every gate's integrity
  // assertion, and `sel gate --max-line-bytes N` was an unknown option (exit 2).
  it('sel gate takes --max-line-bytes, --max-depth and --reorder-window as sel verify does', () => {
    const w = new ChainWriter('gate-big', undefined, { maxLineBytes: 2_000_000 });
    const lines = [0, 1, 2].map((i) => w.append({
      ts: `2026-11-01T12:00:0${i}.000Z`, kind: 'tool.invoke', actor: { id: 'agent', zone: 'executor' },
      request: { tool: 'http.fetch', blob: i === 1 ? 'x'.repeat(1_100_000) : 'y' }, policy_hash: digestOf({ policy: 'none' }),
      decision: { action: 'allow', rule: null, severity: 'info' },
    }).line);
    const log = join(tmp, 'gate-reading-long.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const wide = ['--max-line-bytes', '2000000'];
    // A repository without anchors for the chain: integrity is the log's alone.
    const repo = initRepo(join(tmp, 'gate-reading-repo'));
    write(repo, { 'README.md': 'no policy, no anchors\n' });
    commit(repo, 'empty ledger');
    const integrity = (args: string[]) => {
      const r = gate([log, '--repo', repo, '--min-events', '3', ...args]);
      return { status: r.status, integrity: r.out?.assertions.find((a) => a.name === 'integrity') };
    };
    expect(integrity([]).integrity?.pass).toBe(false);
    expect(integrity(wide)).toMatchObject({ status: 0, integrity: { pass: true } });
    expect(integrity([...wide, '--jobs', '2', '--unit-bytes', '2000'])).toMatchObject({ status: 0, integrity: { pass: true } });
    expect(integrity([...wide, '--max-depth', '1']).integrity?.pass).toBe(false);
    // The reorder window: the integrity errors verify finds with the same window.
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const late = join(tmp, 'gate-reading-late.jsonl');
    writeFileSync(late, `${[...all.slice(0, 4), ...all.slice(5, 15), all[4]!, ...all.slice(15)].join('\n')}\n`);
    const reason = (args: string[]) => gate([late, '--repo', s.repo, '--min-events', '1', ...args]).out?.assertions.find((a) => a.name === 'integrity')?.reason;
    expect(reason([])).toMatch(/^1 integrity error/);
    expect(reason(['--reorder-window', '4'])).toMatch(/^2 integrity error/);
  });
});

describe('sel timeline', () => {
  /** `n` events of chain prod at ts `ts(i)`, all blocked but seq `changed`, allowed and sealed again: the next event's prev_hash is not its hash. */
  const resealed = (n: number, changed: number, ts: (i: number) => string) => {
    const [kept, other] = [new ChainWriter('prod'), new ChainWriter('prod')];
    return Array.from({ length: n }, (_, i) => {
      const input = (action: 'allow' | 'block') => sampleInput(i, { ts: ts(i), decision: { action, rule: null, severity: 'info' } });
      const line = kept.append(input('block')).line;
      return i === changed ? other.append(input('allow')).line : (other.append(input('block')), line);
    });
  };
  it('shows the first 80 characters of a row\'s target, and writes a value\'s ##[ in JSONL as ##\\u005b, the same JSON value (from mutation testing)', () => {
    const url = `https://api.example.com/${'a'.repeat(70)}/${'b'.repeat(30)}`;
    const w = new ChainWriter('t');
    const log = join(tmp, 'timeline-long-target.jsonl');
    writeFileSync(log, `${w.append(sampleInput(0, { request: { tool: 'http.fetch', url, note: '##[error]forged' } })).line}\n`);
    const row = sel(['timeline', log]).stdout.split('\n')[1]!;
    expect(row.endsWith(`  ${url.slice(0, 80)}`)).toBe(true);
    const jsonl = sel(['timeline', log, '--format', 'jsonl']).stdout;
    expect(jsonl).not.toContain('##[');
    expect((JSON.parse(jsonl) as { request: { note: string } }).request.note).toBe('##[error]forged');
  });
  it('filters events and prints a table or JSONL', () => {
    const table = sel(['timeline', s.clean, '--action', 'block']).stdout;
    expect(table).toContain('(8 events)');
    expect(table).toContain('egress.github-admin');
    const lines = sel(['timeline', s.clean, '--actor', 'ops-bot', '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { actor: { id: string }; seq: number });
    expect(lines.every((l) => l.actor.id === 'ops-bot')).toBe(true);
    expect(lines.map((l) => l.seq)).toEqual([7, 8, 23, 38]);
    expect(sel(['timeline', s.clean, '--from', '2026-11-01T00:00:00Z', '--to', '2026-11-02T00:00:00Z', '--format', 'jsonl']).stdout.trim().split('\n')).toHaveLength(2);
    expect(sel(['timeline', s.clean, '--from', '2026-11-01', '--to', '2026-11-02', '--format', 'jsonl']).stdout.trim().split('\n')).toHaveLength(2);
    // Finer than the log's milliseconds: --to keeps an event before it, --from leaves it out.
    const first = (JSON.parse(sel(['timeline', s.clean, '--format', 'jsonl']).stdout.split('\n')[0]!) as { ts: string }).ts;
    const after = `${first.slice(0, 23)}0001Z`;
    expect(sel(['timeline', s.clean, '--to', after, '--format', 'jsonl']).stdout).toContain(`"ts":"${first}"`);
    expect(sel(['timeline', s.clean, '--from', after, '--format', 'jsonl']).stdout).not.toContain(`"ts":"${first}"`);
    // A time the machine's zone would decide is refused, not read in local time.
    expect(expectOneSentence(sel(['timeline', s.clean, '--from', 'Nov 1 2026']))).toContain('is not an RFC 3339 time');
    // A --chain no event can have is refused, not a filter that selects nothing (explain said "in chain , and").
    for (const bad of ['', ' prod-agents', 'prod agents', '-x', 'a'.repeat(201)]) {
      expect(expectOneSentence(sel(['timeline', s.clean, `--chain=${bad}`]))).toContain('--chain must be a chain id');
      expect(expectOneSentence(sel(['explain', s.clean, '--repo', s.repo, '--seq', '3', `--chain=${bad}`]))).toContain('--chain must be a chain id');
    }
    expect(sel(['timeline', s.clean, '--chain', 'a'.repeat(200)]).stdout).toMatch(/\n\(0 events\)\n$/);
    // So is an empty --actor or --kind (an unset variable in a script): it selected nothing, exit 0.
    for (const flag of ['--actor', '--kind']) expect(expectOneSentence(sel(['timeline', s.clean, `${flag}=`]))).toContain(`${flag} is empty`);
    // Not an empty --tool: request is any object (SPEC.md §2), so an intact event may hold tool "",
    // and "no event has an empty one" was false (found by review); it selects those events.
    const emptyTool = join(tmp, 'empty-tool.jsonl');
    const w = new ChainWriter('prod');
    writeFileSync(emptyTool, [0, 1, 2].map((i) => w.append(sampleInput(i, i === 1 ? { request: { tool: '', n: i } } : {})).line).join('\n') + '\n');
    expect(sel(['verify', emptyTool]).status).toBe(0);
    const picked = sel(['timeline', emptyTool, '--tool=', '--format', 'jsonl']);
    expect(picked.status).toBe(0);
    expect(picked.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1]);
    expect(sel(['timeline', s.clean, '--tool', 'http.fetch', '--kind', 'secret.inject']).stdout).toContain('(5 events)');
    // One event, and none (from mutation testing).
    expect(sel(['timeline', s.clean, '--actor', 'ops-bot', '--action', 'block']).stdout).toMatch(/\n\(1 event\)\n$/);
    expect(sel(['timeline', s.clean, '--actor', 'ops-bot', '--action', 'allow']).stdout).toMatch(/\n\(0 events\)\n$/);
  });

  it('refuses a --from that is not before --to (swapped, or the same instant in another form) in one sentence, not "(0 events)" (review)', () => {
    for (const [from, to] of [['2026-11-02', '2026-11-01'], ['2026-11-01T01:00:00+01:00', '2026-11-01'], ['2026-11-01T12:00:00.000Z', '2026-11-01t12:00:00z']]) {
      expect(expectOneSentence(sel(['timeline', s.clean, '--from', from!, '--to', to!]))).toContain('leave no time between them');
    }
    // A range of one millisecond holds the events of that millisecond.
    const first = (JSON.parse(sel(['timeline', s.clean, '--format', 'jsonl']).stdout.split('\n')[0]!) as { ts: string }).ts;
    const r = sel(['timeline', s.clean, '--from', first, '--to', `${first.slice(0, 23)}0001Z`, '--format', 'jsonl']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    // Finer than a millisecond in the last one a ts can name: every event is before it, none
    // after it (it was "not an RFC 3339 time"; found by review).
    const all = sel(['timeline', s.clean, '--format', 'jsonl']).stdout;
    expect(sel(['timeline', s.clean, '--to', '9999-12-31T23:59:59.9999Z', '--format', 'jsonl']).stdout).toBe(all);
    expect(expectOneSentence(sel(['timeline', s.clean, '--from', '9999-12-31T23:59:59.9999Z']))).toContain('is after the last instant a ts can name (9999-12-31T23:59:59.999Z)');
  });
  it('gives each event its own line, says nothing on stderr of a clean log, and leaves out an event that failed its line checks (from mutation testing)', () => {
    const r = sel(['timeline', s.clean, '--actor', 'ops-bot', '--format', 'jsonl']);
    expect(r.stderr).toBe('');
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; location: { file: string; line: number } });
    // The clean log holds seq n on its line n + 1.
    expect(rows.map((x) => [x.seq, x.location])).toEqual([7, 8, 23, 38].map((seq) => [seq, { file: s.clean, line: seq + 1 }]));
    expect(sel(['timeline', s.clean, '--action', 'block']).stderr).toBe('');
    // seq 2's line fails the schema: placed in its chain, no event to show, with or without a filter.
    const schema = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered', 'event-schema.jsonl');
    for (const filter of [[], ['--chain', 'prod-agents']]) {
      const t = sel(['timeline', schema, ...filter, '--format', 'jsonl']);
      expect(t.status, t.stderr).toBe(0);
      expect(t.stderr).toBe('sel: the logs have 1 integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown (run sel verify)\n');
      expect(t.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([0, 1, 3, 4, 5]);
    }
    expect(sel(['timeline', schema]).stdout).toMatch(/\n\(5 events\)\n$/);
    // The target column: a request's url before its tool.
    expect(sel(['timeline', s.clean, '--actor', 'ops-bot']).stdout).toMatch(/ {8}23 {2}secret\.inject {6}ops-bot {8}warn {4}secrets\.status-query {2}https:\/\/status\.example\.net\/api\/incidents\n/);
    // --chain keeps one chain of several.
    const both = join(tmp, 'timeline-chains.jsonl');
    writeFileSync(both, `${[...chainLines(3, 'a'), ...chainLines(3, 'b')].join('\n')}\n`);
    const b = sel(['timeline', both, '--chain', 'b', '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { chain: string; seq: number });
    expect(b.map((x) => [x.chain, x.seq])).toEqual([['b', 0], ['b', 1], ['b', 2]]);
  });
  it('--tool and --kind keep only the events for that tool, of that kind; each JSONL row has its decision (from mutation testing)', () => {
    type Row = { kind: string; request: { tool?: unknown } };
    const rows = (args: string[]) => sel(['timeline', s.clean, ...args, '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
    const all = rows([]);
    // Each row with every field it is documented with.
    expect(Object.keys(all[0]!)).toEqual(['ts', 'chain', 'seq', 'kind', 'actor', 'decision', 'request', 'location', 'findings']);
    const fetch = rows(['--tool', 'http.fetch']);
    expect(fetch.length).toBeGreaterThan(0);
    expect(fetch).toEqual(all.filter((x) => x.request.tool === 'http.fetch'));
    expect(fetch.length).toBeLessThan(all.length);
    const inject = rows(['--kind', 'secret.inject']);
    expect(inject.length).toBeGreaterThan(0);
    expect(inject).toEqual(all.filter((x) => x.kind === 'secret.inject'));
    expect(inject.length).toBeLessThan(all.length);
  });
  it('names the chain check\'s findings at an event it shows: the one after an event sealed again, and one whose ts goes back', () => {
    // seq 2 changed (allowed, not blocked) and sealed again: its line passes every line check,
    // and the next event's prev_hash is not its hash.
    const lines = resealed(5, 2, (i) => `2026-11-01T12:00:0${i === 4 ? 1 : i}.000Z`);
    const log = join(tmp, 'timeline-resealed.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const text = sel(['timeline', log]);
    expect(text.status).toBe(0);
    const rows = text.stdout.split('\n').slice(1, 6);
    expect(rows.map((r) => r.match(/ {2}! (.*)$/)?.[1] ?? null)).toEqual([null, null, null, 'PREV_HASH_MISMATCH', 'TS_REGRESSION']);
    expect(rows[2]).toMatch(/ 2 {2}\S+ +\S+ +allow /);
    expect(text.stderr).toBe('sel: the logs have 2 integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown; 2 rows shown name the findings at their event after a ! (run sel verify)\n');
    const json = sel(['timeline', log, '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    expect(json.map((r) => [r.seq, r.findings])).toEqual([[0, []], [1, []], [2, []], [3, ['PREV_HASH_MISMATCH']], [4, ['TS_REGRESSION']]]);
    // A filter that shows one of them: the stderr counts the rows shown.
    expect(sel(['timeline', log, '--action', 'block', '--from', '2026-11-01T12:00:02Z']).stderr).toContain('; 1 row shown names the findings at its event after a ! (run sel verify)\n');
    // Line checks' findings that leave the event readable: a line not in canonical form, on one
    // thread and from workers.
    const noncanonical = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'tampered', 'event-noncanonical.jsonl');
    const one = sel(['timeline', noncanonical]);
    expect(one.stdout.split('\n').filter((r) => r.includes('  ! ')).map((r) => r.replace(/^.*  ! /, ''))).toEqual(['EVENT_NONCANONICAL']);
    expect(sel(['timeline', noncanonical, '--jobs', '3', '--unit-bytes', '700']).stdout).toBe(one.stdout);
  });
  it('names at an event its findings only, all of them: not those of a damaged line before it, in its file or the one before (from mutation testing)', () => {
    // Two files: seq 0 and an unreadable line 2; an unreadable line 1, seq 1 sealed again, 16
    // unreadable lines, and seq 2, its ts back before seq 1's: two findings at seq 2, after more
    // findings since seq 1 than timeline holds (16).
    const [a, b, c] = resealed(3, 1, (i) => (i === 2 ? '2026-11-01T12:00:00.500Z' : `2026-11-01T12:00:0${i}.000Z`));
    const logs = [[a, 'garbage'], ['garbage', b, ...Array.from({ length: 16 }, (_, i) => `garbage ${i}`), c]].map((lines, i) => {
      const file = join(tmp, `timeline-damaged-${i}.jsonl`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    });
    for (const format of ['text', 'jsonl']) {
      const r = sel(['timeline', ...logs, '--format', format]);
      const marks = format === 'text'
        ? r.stdout.split('\n').slice(1, 4).map((row) => row.match(/ {2}! (.*)$/)?.[1] ?? null)
        : r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { findings: string[] }).findings.join(' ') || null);
      expect(marks).toEqual([null, null, 'PREV_HASH_MISMATCH TS_REGRESSION']);
      expect(r.stderr).toBe('sel: the logs have 20 integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown; 1 row shown names the findings at its event after a ! (run sel verify)\n');
    }
  });
  it('names its findings at an event that arrived early (within the reorder window): they were dropped with the row of the event it jumped (review)', () => {
    // The clean log's seq 5, not in canonical form (a space before it), read before seq 4.
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const log = join(tmp, 'timeline-early.jsonl');
    writeFileSync(log, `${[...all.slice(0, 4), ` ${all[5]!}`, all[4]!, ...all.slice(6)].join('\n')}\n`);
    expect((JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string; seq: number }[] }).findings.map((f) => [f.code, f.seq])).toEqual([['EVENT_NONCANONICAL', 5], ['SEQ_REORDER', 5]]);
    const one = sel(['timeline', log, '--format', 'jsonl']).stdout;
    const rows = one.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    // Its SEQ_REORDER too, which the chain check finds once seq 4 has come (left off its row before).
    expect(rows.filter((r) => r.findings.length > 0).map((r) => [r.seq, r.findings])).toEqual([[5, ['EVENT_NONCANONICAL', 'SEQ_REORDER']]]);
    expect(sel(['timeline', log, '--format', 'jsonl', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one);
  });
  it('names its findings at an event that arrived early, however many findings came before the event it jumped (review: the last 16 were held)', () => {
    // The clean log's seq 5, not in canonical form, read before seq 4, with 20 unreadable lines between them.
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const log = join(tmp, 'timeline-early-far.jsonl');
    writeFileSync(log, `${[...all.slice(0, 4), ` ${all[5]!}`, ...Array.from({ length: 20 }, (_, i) => `not an event ${i}`), all[4]!, ...all.slice(6)].join('\n')}\n`);
    const verified = (JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string; seq: number | null }[] }).findings;
    expect(verified.filter((f) => f.seq === 5).map((f) => f.code)).toEqual(['EVENT_NONCANONICAL', 'SEQ_REORDER']);
    const one = sel(['timeline', log, '--format', 'jsonl']).stdout;
    const rows = one.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    expect(rows.filter((r) => r.findings.length > 0).map((r) => [r.seq, r.findings])).toEqual([[5, ['EVENT_NONCANONICAL', 'SEQ_REORDER']]]);
    expect(sel(['timeline', log, '--format', 'jsonl', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one);
    expect(sel(['timeline', log]).stdout.split('\n').filter((r) => r.includes('  ! ')).map((r) => r.replace(/^.*  ! /, ''))).toEqual(['EVENT_NONCANONICAL SEQ_REORDER']);
  });
  it('names a SEQ_REORDER on the row of the event it is at, once: an event read early, an event read late, a run read early (review: the chain check finds it after those rows were written, and they read clean)', () => {
    const all = chainLines(10, 'r');
    const at = (order: readonly number[], name: string) => {
      const log = join(tmp, `timeline-reorder-${name}.jsonl`);
      writeFileSync(log, `${order.map((k) => all[k]!).join('\n')}\n`);
      const verified = (JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string; seq: number; location: { line: number } }[] }).findings;
      const one = sel(['timeline', log, '--format', 'jsonl']);
      for (const jobs of [['--jobs', '2'], ['--jobs', '3', '--unit-bytes', '2000']]) {
        const r = sel(['timeline', log, '--format', 'jsonl', ...jobs]);
        expect(r.stdout, jobs.join(' ')).toBe(one.stdout);
        expect(r.stderr, jobs.join(' ')).toBe(one.stderr);
      }
      expect(one.stderr).toContain('; 1 row shown names the findings at its event after a ! (run sel verify)');
      const rows = one.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[]; location: { line: number } });
      return {
        verified: verified.map((f) => [f.code, f.seq, f.location.line]),
        rows: rows.filter((r) => r.findings.length > 0).map((r) => [r.findings, r.seq, r.location.line]),
      };
    };
    // seq 6 read before seq 3–5.
    expect(at([0, 1, 2, 6, 3, 4, 5, 7, 8, 9], 'early')).toEqual({ verified: [['SEQ_REORDER', 6, 4]], rows: [[['SEQ_REORDER'], 6, 4]] });
    // seq 3 read after seq 4–6.
    expect(at([0, 1, 2, 4, 5, 6, 3, 7, 8, 9], 'late')).toEqual({ verified: [['SEQ_REORDER', 3, 7]], rows: [[['SEQ_REORDER'], 3, 7]] });
    // seq 7–8 read before seq 3–6: at the first of the run, as sel verify reports it.
    expect(at([0, 1, 2, 7, 8, 3, 4, 5, 6, 9], 'run')).toEqual({ verified: [['SEQ_REORDER', 7, 4]], rows: [[['SEQ_REORDER'], 7, 4]] });
  });
  it('shows the events the chain check accepts only when the input ends, after a seq missing near the end (from mutation testing: their rows are written when the check has ended)', () => {
    const all = chainLines(6, 'g');
    const log = join(tmp, 'timeline-gap-at-end.jsonl');
    writeFileSync(log, `${[0, 1, 3, 4, 5].map((k) => all[k]!).join('\n')}\n`);
    const one = sel(['timeline', log, '--format', 'jsonl']);
    const rows = one.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[]; location: { line: number } });
    expect(rows.map((r) => [r.seq, r.location.line, r.findings])).toEqual([[0, 1, []], [1, 2, []], [3, 3, ['SEQ_GAP']], [4, 4, []], [5, 5, []]]);
    for (const jobs of [['--jobs', '2'], ['--jobs', '3', '--unit-bytes', '2000']]) expect(sel(['timeline', log, '--format', 'jsonl', ...jobs]).stdout, jobs.join(' ')).toBe(one.stdout);
  });
  it('names the findings of each of more than 4096 + --reorder-window events in order, each not in canonical form (from mutation testing: its rows are written as the check goes, the findings held only until then)', () => {
    const all = chainLines(5200, 'm');
    const log = join(tmp, 'timeline-many-findings.jsonl');
    writeFileSync(log, `${all.map((l) => ` ${l}`).join('\n')}\n`);
    const rows = sel(['timeline', log, '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    expect(rows.length).toBe(5200);
    expect(rows.filter((r) => r.findings.join() !== 'EVENT_NONCANONICAL').map((r) => r.seq)).toEqual([]);
  });
  it('names its findings at each early event, however many more than 4096 a --reorder-window holds (review: the oldest held were dropped, and their rows read clean)', () => {
    // seq 1-4499 each not in canonical form (a space before it), all read before seq 0.
    const all = chainLines(4500, 'w');
    const log = join(tmp, 'timeline-early-many.jsonl');
    writeFileSync(log, `${[...all.slice(1).map((l) => ` ${l}`), all[0]!].join('\n')}\n`);
    const rows = sel(['timeline', log, '--format', 'jsonl', '--reorder-window', '5000']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    expect(rows).toHaveLength(4500);
    expect(rows.filter((r) => r.seq > 0 && r.findings.join() !== 'EVENT_NONCANONICAL').map((r) => r.seq)).toEqual([]);
  });
  it('names its findings at each early event of many chains, each holding a --reorder-window of them, more than 4096 + --reorder-window in all (found by mutation testing, second pass: 95 rows of 4620 read clean)', () => {
    // 420 chains: each one's seq 1-10, not in canonical form, read before its seq 0 (all at the end).
    const chains = Array.from({ length: 420 }, (_, c) => chainLines(11, `c${c}`));
    const log = join(tmp, 'timeline-early-chains.jsonl');
    writeFileSync(log, `${[...chains.flatMap((x) => x.slice(1).map((l) => ` ${l}`)), ...chains.map((x) => x[0]!)].join('\n')}\n`);
    const rows = sel(['timeline', log, '--format', 'jsonl', '--reorder-window', '10']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { chain: string; seq: number; findings: string[] });
    expect(rows).toHaveLength(4620);
    expect(rows.filter((r) => r.seq > 0 && !r.findings.includes('EVENT_NONCANONICAL')).map((r) => `${r.chain}/${r.seq}`)).toEqual([]);
  });
  it('names its findings at an early event past more than 4096 findings at events its filter leaves out: those are let go when their events are placed (from mutation testing)', () => {
    // Chain b's seq 1, not in canonical form, read before its seq 0, with 4200 events of chain a
    // between them, each not in canonical form: --chain b shows none of them.
    const a = chainLines(4200, 'a').map((l) => ` ${l}`);
    const b = chainLines(3, 'b');
    const log = join(tmp, 'timeline-early-filtered.jsonl');
    writeFileSync(log, `${[` ${b[1]!}`, ...a, b[0]!, b[2]!].join('\n')}\n`);
    const rows = sel(['timeline', log, '--chain', 'b', '--format', 'jsonl', '--reorder-window', '1']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    expect(rows.map((r) => [r.seq, r.findings])).toEqual([[0, []], [1, ['EVENT_NONCANONICAL', 'SEQ_REORDER']], [2, []]]);
    // Shown, chain a's rows let their findings go once written: they do not push b's seq 1's out (from mutation testing, second pass).
    const all = sel(['timeline', log, '--format', 'jsonl', '--reorder-window', '1']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { chain: string; seq: number; findings: string[] });
    expect(all).toHaveLength(4203);
    expect(all.filter((r) => r.chain === 'b').map((r) => [r.seq, r.findings])).toEqual([[0, []], [1, ['EVENT_NONCANONICAL', 'SEQ_REORDER']], [2, []]]);
    expect(all.filter((r) => r.chain === 'a' && r.findings.join() !== 'EVENT_NONCANONICAL')).toEqual([]);
  });
  it('names its findings at an early event past more than 4096 changed lines, which are never rows (found by mutation testing: their findings were held, and pushed its own out)', () => {
    // Chain b's seq 1, not in canonical form, read before its seq 0, with 4200 lines of chain a
    // between them, each changed after it was written (HASH_MISMATCH: a hole, never placed).
    const a = chainLines(4200, 'a').map((l) => l.replace('"note":"', '"note":"x'));
    const b = chainLines(3, 'b');
    const log = join(tmp, 'timeline-early-changed.jsonl');
    writeFileSync(log, `${[` ${b[1]!}`, ...a, b[0]!, b[2]!].join('\n')}\n`);
    const r = sel(['timeline', log, '--format', 'jsonl', '--reorder-window', '1']);
    expect(r.stderr).toContain('the logs have 4202 integrity finding(s)');
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
    expect(rows.map((x) => [x.seq, x.findings])).toEqual([[0, []], [1, ['EVENT_NONCANONICAL', 'SEQ_REORDER']], [2, []]]);
  });
  it('names its findings at an early event past more than 4096 lines with a duplicate key, which are never rows (left open by the last session: EVENT_NONCANONICAL is found on rows too, so their findings were held, and pushed its own out)', () => {
    const a = chainLines(4200, 'a').map((l) => l.replace('"kind":"', '"kind":"x","kind":"'));
    const b = chainLines(3, 'b');
    const log = join(tmp, 'timeline-early-duplicate-key.jsonl');
    writeFileSync(log, `${[` ${b[1]!}`, ...a, b[0]!, b[2]!].join('\n')}\n`);
    for (const jobs of ['1', '2']) {
      const r = sel(['timeline', log, '--format', 'jsonl', '--reorder-window', '1', '--jobs', jobs]);
      expect(r.stderr).toContain('the logs have 4202 integrity finding(s)');
      const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: string[] });
      expect(rows.map((x) => [x.seq, x.findings]), jobs).toEqual([[0, []], [1, ['EVENT_NONCANONICAL', 'SEQ_REORDER']], [2, []]]);
    }
  });
  it('says that the events integrity findings concern are not shown: a copy of an event is not shown twice', () => {
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const dup = join(tmp, 'timeline-dup.jsonl');
    writeFileSync(dup, `${[...all, all[3]!].join('\n')}\n`);
    const r = sel(['timeline', dup, '--format', 'jsonl']);
    expect(r.stderr).toBe('sel: the logs have 1 integrity finding(s); the events they concern (damaged lines, duplicates, late arrivals, branches of a fork) are not shown (run sel verify)\n');
    expect(r.stdout.trim().split('\n')).toHaveLength(all.length);
    expect(r.status).toBe(0);
  });
});

describe('sel verify --checkpoint', () => {
  it('verifies only what follows a clean run, and proves it links', () => {
    const dir = join(tmp, 'cp');
    cpSync(s.clean, join(tmp, 'full.jsonl'));
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    rmSync(dir, { recursive: true, force: true });
    cpSync(s.repo, dir, { recursive: true });
    const log = join(tmp, 'growing.jsonl');
    writeFileSync(log, `${all.slice(0, 20).join('\n')}\n`);
    const state = join(tmp, 'state.json');
    rmSync(state, { force: true });
    expect(sel(['verify', log, '--checkpoint', state]).status).toBe(0);
    appendFileSync(log, `${all.slice(20).join('\n')}\n`);
    const second = JSON.parse(sel(['verify', log, '--checkpoint', state, '--format', 'json']).stdout) as { summary: { lines: number; events: number; files: { firstLine: number }[] }; findings: unknown[] };
    expect(second.findings).toEqual([]);
    expect(second.summary).toMatchObject({ lines: 29, events: 29 });
    expect(second.summary.files[0]!.firstLine).toBe(21);
    const cp = JSON.parse(readFileSync(state, 'utf8')) as { chains: { next: number }[]; files: { lines: number }[] };
    expect(cp.chains[0]!.next).toBe(49);
    expect(cp.files[0]!.lines).toBe(49);
  });
  it('reports new events that do not link to the checkpoint', () => {
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const log = join(tmp, 'forked.jsonl');
    const state = join(tmp, 'state2.json');
    rmSync(state, { force: true });
    writeFileSync(log, `${all.slice(0, 10).join('\n')}\n`);
    expect(sel(['verify', log, '--checkpoint', state]).status).toBe(0);
    const incident = readFileSync(s.incident, 'utf8').split('\n').filter((l) => l.length > 0);
    appendFileSync(log, `${all.slice(10, 26).join('\n')}\n${incident.slice(26, 30).join('\n')}\n`);
    expect(sel(['verify', log, '--checkpoint', state]).status).toBe(0);
    const before = readFileSync(state, 'utf8');
    appendFileSync(log, `${all.slice(30, 32).join('\n')}\n`);
    const r = JSON.parse(sel(['verify', log, '--checkpoint', state, '--format', 'json']).stdout) as { findings: { code: string; seq: number }[] };
    expect(r.findings.map((f) => [f.code, f.seq])).toEqual([['PREV_HASH_MISMATCH', 30]]);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });
  it('a run with errors that passes only by --fail-on never does not advance the checkpoint (from mutation testing)', () => {
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const log = join(tmp, 'never.jsonl');
    const state = join(tmp, 'state-never.json');
    rmSync(state, { force: true });
    writeFileSync(log, `${all.slice(0, 10).map((l, i) => (i === 5 ? l.replace('"id":"', '"id":"evil-') : l)).join('\n')}\n`);
    const r = sel(['verify', log, '--checkpoint', state, '--fail-on', 'never']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('HASH_MISMATCH');
    expect(r.stderr).toBe(`sel: checkpoint ${state} not advanced: the run has errors\n`);
    expect(existsSync(state)).toBe(false);
    // So the next run, with the default --fail-on, reads the tampered event again and fails.
    appendFileSync(log, `${all.slice(10, 12).join('\n')}\n`);
    expect(sel(['verify', log, '--checkpoint', state]).status).toBe(1);
  });
  it('resumes a file whose last verified line is as long as --max-line-bytes allows (found by mutation testing)', () => {
    const lines = chainLines(5, 'a');
    const last = Buffer.byteLength(lines[4]!);
    expect(Math.max(...lines.map((l) => Buffer.byteLength(l)))).toBe(last);
    const log = join(tmp, 'long-last.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    for (const limit of [last + 1, last]) {
      const state = join(tmp, `state-long-last-${limit}.json`);
      expect(sel(['verify', log, '--max-line-bytes', String(limit), '--checkpoint', state]).status).toBe(0);
      const r = sel(['verify', log, '--max-line-bytes', String(limit), '--checkpoint', state, '--format', 'json']);
      expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings, `--max-line-bytes ${limit}`).toEqual([]);
      expect(r.status).toBe(0);
    }
    // A limit lowered below that line since: verified again from the start, saying why.
    const state = join(tmp, `state-long-last-${last}.json`);
    const r = JSON.parse(sel(['verify', log, '--max-line-bytes', String(last - 1), '--checkpoint', state, '--format', 'json']).stdout) as { findings: { code: string; message: string }[] };
    expect(new Set(r.findings.map((f) => f.code))).toEqual(new Set(['CHECKPOINT_MISMATCH', 'LINE_TOO_LONG']));
    expect(r.findings.find((f) => f.code === 'CHECKPOINT_MISMATCH')!.message).toMatch(/^no line of at most \d+ bytes \(--max-line-bytes\) ends at byte \d+, where the checkpoint's last verified line did: the file was rewritten, or the limit lowered; verifying everything again$/);
  });
  it('reports a checkpointed file that was rewritten, and verifies everything again', () => {
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const log = join(tmp, 'rewritten.jsonl');
    const state = join(tmp, 'state3.json');
    rmSync(state, { force: true });
    writeFileSync(log, `${all.slice(0, 10).join('\n')}\n`);
    expect(sel(['verify', log, '--checkpoint', state]).status).toBe(0);
    writeFileSync(log, `${all.slice(0, 9).join('\n')}\n`);
    const r = JSON.parse(sel(['verify', log, '--checkpoint', state, '--format', 'json']).stdout) as { summary: { lines: number }; findings: { code: string }[] };
    expect(r.findings.map((f) => f.code)).toEqual(['CHECKPOINT_MISMATCH']);
    expect(r.summary.lines).toBe(9);
  });
  it('follows a directory that was moved: its files resume by name and content, not by path', () => {
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const before = join(tmp, 'moved-from');
    const after = join(tmp, 'moved-to');
    const state = join(tmp, 'state-moved.json');
    rmSync(state, { force: true });
    mkdirSync(before);
    writeFileSync(join(before, 'a.jsonl'), `${all.slice(0, 20).join('\n')}\n`);
    expect(sel(['verify', before, '--checkpoint', state]).status).toBe(0);
    renameSync(before, after);
    appendFileSync(join(after, 'a.jsonl'), `${all.slice(20, 30).join('\n')}\n`);
    // Read from its start, the file would repeat seq 0-19 after the checkpoint's seq 19.
    const r = JSON.parse(sel(['verify', after, '--checkpoint', state, '--format', 'json']).stdout) as { summary: { lines: number; files: { firstLine: number }[] }; findings: unknown[] };
    expect(r.findings).toEqual([]);
    expect(r.summary.lines).toBe(10);
    expect(r.summary.files[0]!.firstLine).toBe(21);
    // A file of that name whose verified part changed is not the same file: read whole, and
    // its repeated events are reported, not taken as resumed.
    // (The checkpointed file is still where it was, not named: not looked for.)
    mkdirSync(before);
    writeFileSync(join(before, 'a.jsonl'), `${all.slice(1, 40).join('\n')}\n`);
    const found = (JSON.parse(sel(['verify', before, '--checkpoint', state, '--format', 'json']).stdout) as { findings: { code: string; seq: number; message: string }[] }).findings;
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((f) => f.code))).toEqual(new Set(['SEQ_DUPLICATE']));
    // Each says why: verified by the run that wrote the checkpoint, not compared here.
    for (const f of found) expect(f.message).toBe(`seq ${f.seq} comes before where the checkpoint resumes this chain (seq 30): an earlier run verified an event with that seq, and this run cannot compare the two: the same events read twice (a file under a new name, or the same input twice), or another event written at that seq (a fork, whose events this run does not replay); verify without --checkpoint to tell which`);
    // The checkpointed file gone (its directory replaced by the rewritten one): no longer
    // anywhere, it is CHECKPOINT_MISMATCH, and everything is verified from the start, as a
    // full run reports it (seq 0 missing), not only its repeated seqs (h-ckpt).
    rmSync(after, { recursive: true });
    const gone = (JSON.parse(sel(['verify', before, '--checkpoint', state, '--format', 'json']).stdout) as { findings: { code: string }[] }).findings;
    const full = (JSON.parse(sel(['verify', before, '--format', 'json']).stdout) as { findings: { code: string }[] }).findings;
    expect(gone.map((f) => f.code)).toEqual([...full.map((f) => f.code), 'CHECKPOINT_MISMATCH']);
  });
  it('records what the run read, not what was appended to a file while a later input was read', async () => {
    // The run reads regular files first, then the pipe: it opens the pipe once a.jsonl is read
    // to its end, and opening the pipe to write waits for that. What is appended to a.jsonl
    // then was never verified, and must not be skipped by the next run.
    const dir = join(tmp, 'appended-while-read');
    mkdirSync(dir);
    const all = readFileSync(s.clean, 'utf8').split('\n').filter((l) => l.length > 0);
    const log = join(dir, 'a.jsonl');
    writeFileSync(log, `${all.slice(0, 3).join('\n')}\n`);
    const verified = readFileSync(log).length;
    const pipe = join(dir, 'later');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    const state = join(dir, 'cp.json');
    const child = spawn(process.execPath, [CLI, 'verify', log, pipe, '--checkpoint', state, '--format', 'json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const writer = await Promise.race([open(pipe, 'w'), exited.then((code) => {
      // Release the open still waiting for a reader, then fail.
      closeSync(openSync(pipe, constants.O_RDONLY | constants.O_NONBLOCK));
      throw new Error(`sel exited (${code}) before it read the pipe`);
    })]);
    appendFileSync(log, 'this line was never verified\n');
    await writer.writeFile(`${chainLines(3, 'later').join('\n')}\n`);
    await writer.close();
    expect(await exited).toBe(0);
    const first = JSON.parse(out) as { summary: { files: { file: string; bytes: number; lines: number }[] } };
    expect(first.summary.files[0]).toMatchObject({ file: log, bytes: verified, lines: 3 });
    const cp = JSON.parse(readFileSync(state, 'utf8')) as { files: { bytes: number; lines: number }[] };
    expect(cp.files).toMatchObject([{ bytes: verified, lines: 3 }]);
    const r = sel(['verify', log, '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { code: string; location: { line: number } }[] }).findings.map((f) => [f.code, f.location.line])).toEqual([['LINE_INVALID_JSON', 4]]);
  });
  it('is refused with --shard, and no checkpoint is written (from mutation testing)', () => {
    const state = join(tmp, 'state-shard.json');
    rmSync(state, { force: true });
    const r = sel(['verify', s.clean, '--shard', '1/2', '--shard-out', join(tmp, 'shard-with-checkpoint.jsonl'), '--checkpoint', state]);
    expect(expectOneSentence(r)).toBe('sel: --shard and --checkpoint cannot be combined');
    expect(existsSync(state)).toBe(false);
    expect(existsSync(join(tmp, 'shard-with-checkpoint.jsonl'))).toBe(false);
  });
  it('exits 2 on a file that is not a checkpoint', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"v":"something else"}');
    expect(expectOneSentence(sel(['verify', s.clean, '--checkpoint', bad]))).toContain('is not a sel checkpoint');
  });
  it('refuses, before the run, a checkpoint path that is a pipe or in a missing directory', () => {
    const fifo = join(tmp, 'checkpoint-pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(expectOneSentence(sel(['verify', s.clean, '--checkpoint', fifo]))).toContain('is a named pipe, not a file sel may replace');
    expect(expectOneSentence(sel(['verify', s.clean, '--checkpoint', join(tmp, 'none', 'cp.json')]))).toMatch(/the directory .*none does not exist/);
    // The log itself: refused as the log it is, never 'not a checkpoint; remove it'.
    expect(expectOneSentence(sel(['verify', s.clean, '--checkpoint', s.clean]))).toContain('sel does not overwrite the logs it verifies');
  });
});

describe('sel verify --repo in CI formats (from mutation testing)', () => {
  it('names a log inside the governance repository from its top, not from the working directory', () => {
    // The working directory is outside the repository: named from it, the path was absolute,
    // which neither a GitHub annotation nor code scanning can place.
    const gh = sel(['verify', s.incident, '--repo', s.repo, '--format', 'github']);
    expect(gh.status).toBe(1);
    const annotations = gh.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.filter((a) => a.includes('incident.jsonl')).length).toBeGreaterThan(0);
    for (const a of annotations.filter((l) => l.includes('incident.jsonl'))) expect(a).toMatch(/^::(error|warning|notice) file=logs\/incident\.jsonl[,:]/);
    expect(annotations.filter((a) => a.includes(' file=/'))).toEqual([]);
    const sarif = JSON.parse(sel(['verify', s.incident, '--repo', s.repo, '--format', 'sarif']).stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = new Set(sarif.runs[0]!.results.flatMap((r) => r.locations.map((l) => l.physicalLocation.artifactLocation.uri)));
    expect(uris).toContain('logs/incident.jsonl');
    expect([...uris].filter((u) => u.startsWith('/') || u.includes('incident.jsonl') && u !== 'logs/incident.jsonl')).toEqual([]);
  });
});

describe('progress', () => {
  it('draws nothing when standard error is not a terminal', () => {
    expect(sel(['verify', s.clean]).stderr).toBe('');
  });
  // script(1) gives the run a terminal for standard error, and copies what is drawn on it to its
  // own standard output; the report goes to /dev/null.
  it.runIf(existsSync('/usr/bin/script'))('on a terminal: a bar that ends at 100% of the bytes and is cleared; a count of bytes for standard input; none with --quiet (from mutation testing)', () => {
    const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const onTerminal = (args: string) => spawnSync('/usr/bin/script', ['-qec', `${q(process.execPath)} ${q(CLI)} verify ${args} >/dev/null`, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TERM: 'dumb' },
      timeout: 60_000,
    });
    const mb = (statSync(s.clean).size / 1e6).toFixed(1);
    const file = onTerminal(q(s.clean));
    expect(file.status).toBe(0);
    expect(file.stdout).toContain('verifying [');
    expect(file.stdout).toContain(`] 100% | ${mb}/${mb} MB | `);
    // No terminal mode changed (the cursor hidden, line wrapping off): a run ended by Ctrl-C,
    // which never draws the bar's end, left them so in the user's shell (found by review).
    expect(file.stdout).not.toMatch(/\u001b\[\?(?:25|7)[lh]/);
    // Cleared when done: the line is erased, no line break is left under the bar.
    expect(file.stdout).toMatch(/\u001b\[2K$/);
    const stdin = onTerminal(`- < ${q(s.clean)}`);
    expect(stdin.status).toBe(0);
    expect(stdin.stdout).toContain(`verifying ${mb} MB | `);
    expect(stdin.stdout).not.toContain('verifying [');
    expect(onTerminal(`${q(s.clean)} --quiet`).stdout).toBe('');
  });
});
