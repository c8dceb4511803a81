/** `sel verify` end to end: the built CLI on real files, as SPEC.md §7 describes it. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, closeSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestOf } from '../../src/canonical/digest.js';
import { canonicalize } from '../../src/canonical/jcs.js';
import { ChainWriter } from '../../src/producer/producer.js';
import { sampleInput } from '../helpers/chains.js';
import { CLI, expectOneSentence, sel } from '../helpers/cli.js';

const LOGS = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs');
const CLEAN = join(LOGS, 'clean', 'audit.jsonl');
const INCIDENT = join(LOGS, 'incident', 'audit.jsonl');
const tmp = mkdtempSync(join(tmpdir(), 'sel-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('exit status and formats', () => {
  it('exits 0 on a clean log and says PASS', () => {
    const r = sel(['verify', CLEAN]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('PASS');
    expect(r.stdout).toContain('replay: skipped (no --repo given)');
    expect(r.stderr).toBe('');
  });
  it('exits 1 on a tampered log and lists each finding at file:line', () => {
    const r = sel(['verify', INCIDENT]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${INCIDENT}:4  error  HASH_MISMATCH`);
    expect(r.stdout).toContain('FAIL (--fail-on error)');
  });
  it('exits 1 on a log whose digests were emptied, with --jobs 1 and 2: "" is no digest, wherever it stands', () => {
    // An event with "hash":"" passed (exit 0, one event short), and a re-sealed one with
    // "policy_hash":"" too: the schema's digest format took "" for a digest it had computed.
    const w = new ChainWriter('c');
    const lines = Array.from({ length: 400 }, (_, i) => w.append(sampleInput(i)).line);
    const emptied = (member: string, at: number, reseal: boolean): string => {
      const e = JSON.parse(lines[at]!) as Record<string, unknown>;
      e[member] = '';
      if (reseal) {
        delete e['hash'];
        e['hash'] = digestOf(e);
      }
      return canonicalize(e);
    };
    for (const [member, at, reseal] of [['hash', 30, false], ['hash', 300, false], ['policy_hash', 300, true], ['request_fingerprint', 300, true]] as const) {
      const file = join(tmp, `emptied-${member}-${at}.jsonl`);
      writeFileSync(file, `${lines.map((l, i) => (i === at ? emptied(member, at, reseal) : l)).join('\n')}\n`);
      for (const jobs of ['1', '2']) {
        const r = sel(['verify', file, '--jobs', jobs, '--unit-bytes', '65536', '--format', 'json']);
        expect(r.status, `${member} at ${at}, --jobs ${jobs}`).toBe(1);
        const out = JSON.parse(r.stdout) as { findings: { code: string; seq: number; detail?: { pointer?: string } }[] };
        // Re-sealed, its hash is not the one its successor names.
        const want = [['EVENT_SCHEMA', at, `/${member}`], ...(reseal ? [['PREV_HASH_MISMATCH', at + 1, undefined]] : [])];
        expect(out.findings.map((f) => [f.code, f.seq, f.detail?.pointer]), `${member} at ${at}, --jobs ${jobs}`).toEqual(want);
      }
    }
  });
  it('--format json prints one object with summary and findings', () => {
    const r = sel(['verify', INCIDENT, '--format', 'json']);
    const out = JSON.parse(r.stdout) as { summary: Record<string, unknown>; findings: { code: string }[] };
    expect(Object.keys(out)).toEqual(['summary', 'findings']);
    expect(out.findings.map((f) => f.code)).toEqual(['HASH_MISMATCH', 'PREV_HASH_MISMATCH', 'SEQ_GAP', 'SEQ_REORDER']);
    expect(out.summary).toMatchObject({ lines: 23, events: 22, result: 'fail', replay: { performed: false } });
  });
  it('--format jsonl prints one finding per line and the summary last', () => {
    const lines = sel(['verify', INCIDENT, '--format', 'jsonl']).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 4).every((l) => typeof l['code'] === 'string')).toBe(true);
    expect(Object.keys(lines[4]!)).toEqual(['summary']);
  });
  it('--fail-on decides which severities fail the run', () => {
    const ts = join(LOGS, 'tampered', 'ts-regression.jsonl');
    expect(sel(['verify', ts]).status).toBe(0);
    expect(sel(['verify', ts, '--fail-on', 'warning']).status).toBe(1);
    expect(sel(['verify', INCIDENT, '--fail-on', 'never']).status).toBe(0);
  });
  it('gives byte-identical reports for the same input', () => {
    const a = sel(['verify', join(LOGS, 'tampered'), '--format', 'json']).stdout;
    const b = sel(['verify', join(LOGS, 'tampered'), '--format', 'json']).stdout;
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(1000);
  });
  it('gives the same report where WebAssembly is off (node --jitless: the text scanner alone)', () => {
    const args = ['verify', join(LOGS, 'tampered'), '--format', 'json', '--jobs', '1'];
    const normal = sel(args);
    const jitless = spawnSync(process.execPath, ['--jitless', CLI, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(normal.status).toBe(1);
    expect(jitless.status).toBe(1);
    expect(jitless.stdout).toBe(normal.stdout);
  });

  it('writes no colour codes into a pipe, and colour with --color', () => {
    expect(sel(['verify', INCIDENT]).stdout).not.toContain('\u001b[');
    expect(sel(['--color', 'verify', INCIDENT], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(sel(['--color', 'verify', INCIDENT]).stdout).toContain('\u001b[');
    expect(sel(['--no-color', 'verify', INCIDENT], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(sel(['verify', INCIDENT], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
  });
  it('colours with --color even where the environment says no colour (FORCE_COLOR=0): the flag is the operator\'s word (from mutation testing)', () => {
    expect(sel(['--color', 'verify', INCIDENT], { env: { FORCE_COLOR: '0' } }).stdout).toContain('\u001b[');
    expect(sel(['verify', INCIDENT], { env: { FORCE_COLOR: '0' } }).stdout).not.toContain('\u001b[');
  });
  it('writes no colour codes into a pipe in Azure Pipelines either (TF_BUILD, AGENT_NAME), where chalk alone colours one; --color and FORCE_COLOR still do (from mutation review)', () => {
    const azure = { TF_BUILD: 'True', AGENT_NAME: 'Hosted Agent' };
    expect(sel(['verify', INCIDENT], { env: azure }).stdout).not.toContain('\u001b[');
    expect(sel(['verify', INCIDENT], { env: { ...azure, NO_COLOR: '' } }).stdout).not.toContain('\u001b[');
    expect(sel(['--color', 'verify', INCIDENT], { env: azure }).stdout).toContain('\u001b[');
    expect(sel(['verify', INCIDENT], { env: { ...azure, FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
  });
  it('writes no colour to a terminal when NO_COLOR is set (no-color.org), and colour with --color or FORCE_COLOR (found by review)', () => {
    // A terminal: script(1) runs sel on a pseudo-terminal of its own; without it, nothing to show.
    const onTerminal = (env: string, args: string): string | null => {
      const r = spawnSync('script', ['-qec', `${env} "${process.execPath}" "${CLI}" ${args} verify "${INCIDENT}" -q`, '/dev/null'], {
        encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm-256color' },
      });
      return r.error !== undefined || r.status === null ? null : r.stdout;
    };
    const plain = onTerminal('', '');
    // Without script(1) or a pseudo-terminal, nothing to show; on one, sel colours (a test that
    // returned here when the terminal showed no colour could not fail: from mutation testing).
    if (plain === null || plain.length === 0) return;
    expect(plain).toContain('\u001b[');
    expect(onTerminal('NO_COLOR=1', '')).not.toContain('\u001b[');
    expect(onTerminal('NO_COLOR=', '')).toContain('\u001b[');
    expect(onTerminal('NO_COLOR=1', '--color')).toContain('\u001b[');
    expect(onTerminal('NO_COLOR=1 FORCE_COLOR=1', '')).toContain('\u001b[');
  });
  it.runIf(existsSync('/usr/bin/script'))('a progress bar on a terminal for a shard and with --jobs 2; none for a shard with --quiet (from mutation testing)', () => {
    // script(1) gives the run a terminal, and copies what is drawn on it to its own output.
    const onTerminal = (extra: string): string => spawnSync('/usr/bin/script', ['-qec', `"${process.execPath}" "${CLI}" verify "${CLEAN}" --shard 1/1 --shard-out "${join(tmp, 'quiet-shard')}" ${extra}`, '/dev/null'], {
      encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', TERM: 'dumb' }, timeout: 60_000,
    }).stdout;
    expect(onTerminal('')).toContain('verifying [');
    // On several threads too (the bar was never started there).
    expect(spawnSync('/usr/bin/script', ['-qec', `"${process.execPath}" "${CLI}" verify "${CLEAN}" --jobs 2 --unit-bytes 4096 >/dev/null`, '/dev/null'], {
      encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', TERM: 'dumb' }, timeout: 60_000,
    }).stdout).toContain('] 100% | ');
    expect(onTerminal('--quiet')).not.toContain('verifying');
    expect(onTerminal('-q')).toMatch(/^sel: shard 1\/1: 40 lines checked, written to .*; run sel merge on all 1 shard results\r?\n$/);
  });
  it('--max-findings lists fewer findings but counts them all', () => {
    const out = JSON.parse(sel(['verify', INCIDENT, '--format', 'json', '--max-findings', '2']).stdout) as {
      summary: { findings: { total: number; omitted: number } };
      findings: unknown[];
    };
    expect(out.findings).toHaveLength(2);
    expect(out.summary.findings).toMatchObject({ total: 4, omitted: 2 });
  });
  // An error counted but not listed: the JUnit report had no failure while the exit status was 1
  // (found by mutation testing, when --max-findings kept the first findings found).
  it('--format junit fails with the exit status when --max-findings leaves an error unlisted (found by mutation testing)', () => {
    const log = join(tmp, 'warning-then-errors.jsonl');
    writeFileSync(log, `${readFileSync(join(LOGS, 'tampered', 'ts-regression.jsonl'), 'utf8')}not json\nnot json\n`);
    const all = JSON.parse(sel(['verify', log, '--format', 'json']).stdout) as { findings: { code: string }[] };
    expect(all.findings.map((f) => f.code)).toEqual(['TS_REGRESSION', 'LINE_INVALID_JSON', 'LINE_INVALID_JSON']);
    // The limit keeps the first error, found after the warning, and counts the other two.
    const r = sel(['verify', log, '--format', 'junit', '--max-findings', '1']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('<testsuites name="sel verify" tests="3" failures="2"');
    expect(r.stdout).toMatch(/<testcase name="LINE_INVALID_JSON [^"]*warning-then-errors\.jsonl:5"/);
    expect(r.stdout).toContain('type="NOT_LISTED"');
    expect(r.stdout).toContain('2 more finding(s) are counted but not listed');
    const never = sel(['verify', log, '--format', 'junit', '--max-findings', '1', '--fail-on', 'never']);
    expect(never.status).toBe(0);
    expect(never.stdout).toContain('<testsuites name="sel verify" tests="2" failures="0"');
  });
});

describe('a report without --repo says replay was skipped, in every format SPEC.md section 7 names', () => {
  // SPEC.md section 7: "Without --repo, only integrity is checked, and the report says replay
  // was skipped". SARIF and JUnit said nothing of it: a CI job that forgot --repo showed a
  // green JUnit report ("integrity: 40 events ... are intact") and no word of the replay.
  it('text, json, jsonl, sarif, junit and github', () => {
    const out = (format: string) => {
      const r = sel(['verify', CLEAN, '--format', format]);
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(out('text')).toContain('replay: skipped (no --repo given); only integrity was checked');
    expect((JSON.parse(out('json')) as { summary: { replay: unknown } }).summary.replay).toEqual({ performed: false, reason: 'no --repo given' });
    expect((JSON.parse(out('jsonl').trimEnd().split('\n').at(-1)!) as { summary: { replay: unknown } }).summary.replay).toEqual({ performed: false, reason: 'no --repo given' });
    const sarif = JSON.parse(out('sarif')) as { runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[] };
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications).toContainEqual({ level: 'note', message: { text: 'replay skipped (no --repo given); only integrity was checked' } });
    const junit = out('junit');
    expect(junit).toContain('<testsuite name="sel.replay" tests="1" failures="0" errors="0" skipped="1" time="0">\n'
      + '    <testcase name="replay: skipped (no --repo given); only integrity was checked" classname="sel.replay" time="0">\n'
      + '      <skipped message="replay skipped (no --repo given); only integrity was checked"/>\n    </testcase>');
    expect(junit).toContain('<testsuites name="sel verify" tests="2" failures="0" errors="0" skipped="1" time="0">');
    // And GitHub's log line (its step summary said so already).
    expect(out('github')).toBe('sel verify: 40 events in 2 chain(s), replay skipped (no --repo given); 0 error(s), 0 warning(s), 0 note(s): PASS (--fail-on error)\n');
  });
});

describe('--max-findings (from mutation testing)', () => {
  it('0 lists every finding; by default up to 100 000 are listed (docs/contract.md), so 3 000 are all there', () => {
    type Out = { summary: { findings: { total: number; omitted: number } }; findings: unknown[] };
    const all = JSON.parse(sel(['verify', INCIDENT, '--format', 'json', '--max-findings', '0']).stdout) as Out;
    expect(all.findings).toHaveLength(4);
    expect(all.summary.findings).toMatchObject({ total: 4, omitted: 0 });
    const many = join(tmp, 'three-thousand-broken-lines.jsonl');
    writeFileSync(many, '{"cut": \n'.repeat(3000));
    const r = sel(['verify', many, '--format', 'json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.findings).toHaveLength(3000);
    expect(out.summary.findings).toMatchObject({ total: 3000, omitted: 0 });
  });
});

describe('the default --max-line-bytes (from mutation testing)', () => {
  it('is 1 MiB (SPEC.md §2): a line of 1 048 576 bytes is read, one byte more is LINE_TOO_LONG', () => {
    const file = join(tmp, 'one-mib-lines.jsonl');
    writeFileSync(file, `${'x'.repeat(1024 * 1024)}\n${'x'.repeat(1024 * 1024 + 1)}\n`);
    const r = sel(['verify', file, '--format', 'json']);
    const out = JSON.parse(r.stdout) as { findings: { code: string; location: { line: number } }[] };
    expect(out.findings.map((f) => `${f.code}@${f.location.line}`)).toEqual(['LINE_INVALID_JSON@1', 'LINE_TOO_LONG@2']);
  });
});

describe('--max-depth (from mutation testing)', () => {
  it('is the one the run was given, on one thread, with --jobs 2 and through shards', () => {
    // Half the sample's events nest 3 deep: within the default (128), past --max-depth 2.
    const deep = sel(['verify', CLEAN, '--max-depth', '2', '--format', 'json']);
    expect(deep.status).toBe(1);
    const codes = (JSON.parse(deep.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['EVENT_NONCANONICAL']));
    expect(sel(['verify', CLEAN, '--max-depth', '2', '--format', 'json', '--jobs', '2', '--unit-bytes', '4096']).stdout).toBe(deep.stdout);
    const shards = [1, 2].map((i) => {
      const file = join(tmp, `max-depth-shard-${i}`);
      expect(sel(['verify', CLEAN, '--shard', `${i}/2`, '--shard-out', file, '--max-depth', '2']).status).toBe(0);
      return file;
    });
    expect(sel(['merge', ...shards, '--format', 'json']).stdout).toBe(deep.stdout);
    expect(sel(['verify', CLEAN]).status).toBe(0);
  });
});

describe('--format github and GITHUB_STEP_SUMMARY (from mutation testing)', () => {
  it('an empty GITHUB_STEP_SUMMARY is no file to append to: the run goes on, exit 0, nothing on standard error', () => {
    const r = sel(['verify', CLEAN, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('a GITHUB_STEP_SUMMARY that is a log being verified, or a new *.jsonl file among them, is not written: exit 2, one sentence (found by review)', () => {
    // The Markdown summary was appended to the log itself (evidence changed by its verifier), or
    // made a new segment the next run read as a log; --shard-out and --checkpoint refuse both.
    const dir = join(tmp, 'step-summary');
    mkdirSync(dir);
    const log = join(dir, 'audit.jsonl');
    writeFileSync(log, readFileSync(CLEAN));
    const link = join(tmp, 'step-summary-link.md');
    symlinkSync(log, link);
    for (const summary of [log, link]) {
      const r = sel(['verify', log, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
      expect(expectOneSentence(r)).toBe(`sel: GITHUB_STEP_SUMMARY ${summary} is the log ${log}: sel does not write to the logs it verifies`);
      // Refused before the run, not after a long one with its report written (review of the docs).
      expect(r.stdout).toBe('');
    }
    const dirRun = sel(['verify', dir, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: log } });
    expect(expectOneSentence(dirRun)).toMatch(/^sel: GITHUB_STEP_SUMMARY .*audit\.jsonl is a \*\.jsonl file in the log directory .*step-summary: sel does not write to the logs it verifies$/);
    const fresh = join(dir, 'summary.jsonl');
    expect(expectOneSentence(sel(['verify', dir, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: fresh } }))).toContain('is a *.jsonl file in the log directory');
    expect(existsSync(fresh)).toBe(false);
    expect(readFileSync(log)).toEqual(readFileSync(CLEAN));
  });
  it('a GITHUB_STEP_SUMMARY that is a link, symbolic or hard, to a log found in a directory named as a log is not written: exit 2, one sentence (found by review)', () => {
    // Only the named arguments were compared: a directory is no file, and the Markdown summary
    // was appended to the log in it (then read as 5 broken lines by the next run).
    const dir = join(tmp, 'step-summary-in-dir');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const log = join(dir, 'logs', 'audit.jsonl');
    writeFileSync(log, readFileSync(CLEAN));
    const soft = join(dir, 'summary-link.md');
    symlinkSync(log, soft);
    const hard = join(dir, 'summary-hard.md');
    linkSync(log, hard);
    for (const summary of [soft, hard]) {
      const r = sel(['verify', join(dir, 'logs'), '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
      expect(expectOneSentence(r)).toBe(`sel: GITHUB_STEP_SUMMARY ${summary} is the log ${log}: sel does not write to the logs it verifies`);
    }
    expect(readFileSync(log)).toEqual(readFileSync(CLEAN));
    // A summary among the logs that is not one of them (nor a *.jsonl file) is written.
    const other = join(dir, 'logs', 'summary.md');
    expect(sel(['verify', join(dir, 'logs'), '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: other } }).status).toBe(0);
    expect(readFileSync(other, 'utf8')).toContain('PASS');
  });
  it('a GITHUB_STEP_SUMMARY that is a symbolic link to a new *.jsonl file in a directory named as a log is not written: exit 2, one sentence (from mutation testing)', () => {
    // Appending through the link made the file there: a new segment of Markdown, which the next
    // run read as a log of broken lines (LINE_INVALID_JSON, exit 1). Named directly, it was refused.
    const dir = join(tmp, 'step-summary-dangling');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'audit.jsonl'), readFileSync(CLEAN));
    const created = join(dir, 'logs', 'summary.jsonl');
    const link = join(dir, 'summary.md');
    symlinkSync(created, link);
    // A link to a link to it, named relatively, is followed as appending follows it.
    symlinkSync('summary.md', join(dir, 'again.md'));
    for (const summary of [link, join(dir, 'again.md')]) {
      const r = sel(['verify', join(dir, 'logs'), '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
      expect(expectOneSentence(r)).toBe(`sel: GITHUB_STEP_SUMMARY ${summary} is a *.jsonl file in the log directory ${join(dir, 'logs')}: sel does not write to the logs it verifies`);
    }
    expect(existsSync(created)).toBe(false);
    expect(sel(['verify', join(dir, 'logs')]).status).toBe(0);
    // A link to a new file elsewhere is appended to, the file made, as before.
    const elsewhere = join(dir, 'summary.txt');
    symlinkSync(elsewhere, join(dir, 'to-elsewhere.md'));
    expect(sel(['verify', join(dir, 'logs'), '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: join(dir, 'to-elsewhere.md') } }).status).toBe(0);
    expect(readFileSync(elsewhere, 'utf8')).toContain('PASS');
  });
  it('a GITHUB_STEP_SUMMARY named - in the working directory is not the log read on standard input (-): it is written (from mutation testing)', () => {
    const cwd = join(tmp, 'dash-summary');
    mkdirSync(cwd);
    writeFileSync(join(cwd, '-'), '');
    const r = sel(['verify', '-', '--format', 'github'], { cwd, input: readFileSync(CLEAN), env: { GITHUB_STEP_SUMMARY: '-' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(cwd, '-'), 'utf8')).toContain('PASS');
  });
  it('a GITHUB_STEP_SUMMARY in a directory that does not exist: the sentence names the directory, not "it does not exist" of a file appending would create', () => {
    const missing = join(tmp, 'no-such-dir');
    const r = sel(['verify', CLEAN, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: join(missing, 'summary.md') } });
    expect(expectOneSentence(r)).toBe(`sel: cannot append to GITHUB_STEP_SUMMARY (${join(missing, 'summary.md')}): its directory ${missing} does not exist`);
  });
  it.runIf(process.platform !== 'win32')('a GITHUB_STEP_SUMMARY that is a named pipe no process reads is one sentence, exit 2, not a wait for ever; one that is read gets the summary (found by review)', async () => {
    const fifo = join(tmp, 'summary.fifo');
    execFileSync('mkfifo', [fifo]);
    // Before, sel opened it to write and waited for a reader that never came, its verdict never given.
    const alone = sel(['verify', INCIDENT, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: fifo }, timeout: 30_000 });
    expect(expectOneSentence(alone)).toBe(`sel: cannot append to GITHUB_STEP_SUMMARY (${fifo}): it is a named pipe (or a socket) that no process reads`);
    const reader = spawn('sh', ['-c', 'echo ready; exec cat "$0"', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    reader.stdout.setEncoding('utf8');
    const ready = new Promise<void>((resolve) => reader.stdout.once('data', (d: string) => { got += d; resolve(); }));
    const closed = new Promise<void>((resolve) => reader.once('close', () => resolve()));
    await ready;
    // cat opens the pipe as it starts: a run before then is refused, so wait until it reads.
    let read = sel(['verify', INCIDENT, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: fifo }, timeout: 60_000 });
    while (read.status === 2 && read.stderr.includes('no process reads')) read = sel(['verify', INCIDENT, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: fifo }, timeout: 60_000 });
    reader.stdout.on('data', (d: string) => { got += d; });
    await closed;
    expect(read.stderr).toBe('');
    expect(read.status).toBe(1);
    expect(got).toContain('FAIL');
  });
});

describe('a reader that stops reading early (`sel verify … | head -1`)', () => {
  interface Cut { status: number | null; first: string; stderr: string }
  /** The CLI with its standard output read up to the end of the first line, then closed. */
  function firstLineOnly(args: readonly string[]): Promise<Cut> {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    return new Promise((done) => child.once('close', (status) => {
      done({ status, first: out.split('\n')[0]!, stderr });
    }));
  }
  // More than a pipe holds (64 KiB): sel is still writing when its reader goes.
  const broken = join(tmp, 'many-broken-lines.jsonl');
  writeFileSync(broken, '{"cut": \n'.repeat(3000));

  it('exits with the status its findings decide, not 0 (found by review)', async () => {
    const args = ['verify', broken, '--format', 'jsonl'];
    const cut = await firstLineOnly(args);
    expect(JSON.parse(cut.first)).toMatchObject({ code: 'LINE_INVALID_JSON' });
    expect(cut.status).toBe(1);
    expect(cut.stderr).toBe('');
    expect((await firstLineOnly([...args, '--fail-on', 'never'])).status).toBe(0);
  });
  it('sel timeline, which writes as it reads, ends at once with status 0 (from mutation testing)', async () => {
    const w = new ChainWriter('long');
    const log = join(tmp, 'long-timeline.jsonl');
    writeFileSync(log, `${Array.from({ length: 3000 }, (_, i) => w.append(sampleInput(i)).line).join('\n')}\n`);
    const cut = await firstLineOnly(['timeline', log, '--format', 'jsonl']);
    expect(JSON.parse(cut.first)).toMatchObject({ seq: 0 });
    expect(cut.stderr).toBe('');
    expect(cut.status).toBe(0);
  });
  it('sel timeline waits for a reader slower than it: it does not read the log ahead and hold its rows (found by review)', async () => {
    // `sel timeline big.jsonl | less`: Node.js queues in memory what a pipe's reader has not
    // taken, and timeline read the whole log while its reader waited (a 300 MB log: 391 MB
    // of RSS, 784 MB with --jobs 2). The log comes on standard input, so how much of it sel
    // took is known: its reader starts only once sel took it all, or took no more for a while.
    const w = new ChainWriter('slow-reader');
    const log = Buffer.from(`${Array.from({ length: 20_000 }, (_, i) => w.append(sampleInput(i)).line).join('\n')}\n`);
    for (const jobs of ['1', '2']) {
      const child = spawn(process.execPath, [CLI, 'timeline', '-', '--format', 'jsonl', '--jobs', jobs], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { PATH: process.env['PATH'] ?? '' },
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
      child.stdout.pause();
      const closed = new Promise<number | null>((done) => child.once('close', done));
      // In pieces: what is queued for the child shrinks as it takes each (one piece of 13 MB
      // is queued whole until the child took all of it).
      for (let at = 0; at < log.length; at += 64 * 1024) child.stdin.write(log.subarray(at, at + 64 * 1024));
      const tookAll = new Promise<void>((done) => child.stdin.end(() => done()));
      // Taken so far: what was written, less what is still queued for the child.
      const taken = () => log.length - child.stdin.writableLength;
      let last = -1;
      const stalled = new Promise<void>((done) => {
        const t = setInterval(() => {
          if (taken() === last) { clearInterval(t); done(); }
          last = taken();
        }, 500);
        void tookAll.then(() => { clearInterval(t); done(); });
      });
      await Promise.race([tookAll, stalled]);
      const before = taken();
      let out = '';
      child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
      child.stdout.resume();
      expect(await closed).toBe(0);
      expect(stderr).toBe('');
      expect(out.trimEnd().split('\n')).toHaveLength(20_000);
      // Pipes and read-ahead hold a few hundred KiB (256 KiB here); the log is ~13 MB.
      expect(before, `--jobs ${jobs}`).toBeLessThan(log.length / 2);
    }
  });
  it('does not advance a checkpoint past the part of the report that was not read', async () => {
    // Warnings only (timestamps going backwards): a run that passes, with a long report.
    const w = new ChainWriter('back');
    const start = Date.UTC(2026, 10, 1);
    const lines = Array.from({ length: 1000 }, (_, i) => {
      const ts = new Date(start - i * 60_000).toISOString();
      return w.append(sampleInput(i, { ts })).line;
    });
    const log = join(tmp, 'backwards.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const checkpoint = join(tmp, 'backwards.checkpoint');
    const args = ['verify', log, '--format', 'jsonl', '--checkpoint', checkpoint];
    const cut = await firstLineOnly(args);
    expect(JSON.parse(cut.first)).toMatchObject({ code: 'TS_REGRESSION' });
    expect(cut.status).toBe(0);
    expect(cut.stderr).toMatch(/checkpoint .* not advanced: the report's reader went away/);
    expect(existsSync(checkpoint)).toBe(false);
    // Read to its end, the same run advances it.
    expect(sel(args).status).toBe(0);
    expect(existsSync(checkpoint)).toBe(true);
  });
});

describe('inputs', () => {
  it('reads standard input with -', () => {
    const r = sel(['verify', '-', '--format', 'json'], { input: readFileSync(INCIDENT) });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: { code: string; location: { file: string } }[] };
    expect(out.findings[0]!.location.file).toBe('-');
  });
  it('reads a directory of *.jsonl files, ordered by first seq', () => {
    const r = sel(['verify', join(LOGS, 'rotated'), '--format', 'json']);
    expect(r.status).toBe(0);
    const files = (JSON.parse(r.stdout) as { summary: { files: { file: string }[] } }).summary.files.map((f) => f.file);
    expect(files.map((f) => f.split('/').pop())).toEqual(['audit-8.jsonl', 'audit-9.jsonl', 'audit-10.jsonl']);
  });
  it('reads two chains written to one stream and rotated into three files as they were written: no finding, on any --jobs and through shards (review: 152 SEQ_REORDERs)', () => {
    const fast = new ChainWriter('fast');
    const slow = new ChainWriter('slow');
    const stream: string[] = [];
    for (let i = 0; i < 202; i++) {
      stream.push(fast.append(sampleInput(i)).line);
      if (i % 60 === 0) stream.push(slow.append(sampleInput(i)).line);
    }
    // Rotated where a slow event begins the third file: by their first events alone the files
    // went 1, 3, 2 (slow seq 3 before fast seq 150).
    const dir = join(tmp, 'two-chains-rotated');
    mkdirSync(dir);
    const cut1 = stream.findIndex((l) => l.includes('"seq":150,'));
    const cut2 = stream.findIndex((l) => l.includes('"chain":"slow"') && l.includes('"seq":3,'));
    expect(cut1).toBeGreaterThan(0);
    expect(cut2).toBeGreaterThan(cut1);
    const parts = [stream.slice(0, cut1), stream.slice(cut1, cut2), stream.slice(cut2)];
    parts.forEach((p, i) => writeFileSync(join(dir, `audit-${i + 1}.jsonl`), `${p.join('\n')}\n`));
    const one = sel(['verify', dir, '--format', 'json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ findings: [], summary: { events: 206 } });
    expect(one.status).toBe(0);
    expect(sel(['verify', dir, '--format', 'json', '--jobs', '3', '--unit-bytes', '2000']).stdout).toBe(one.stdout);
    const shards = [1, 2, 3].map((i) => {
      const file = join(tmp, `two-chains-shard-${i}`);
      expect(sel(['verify', dir, '--shard', `${i}/3`, '--shard-out', file]).status).toBe(0);
      return file;
    });
    expect(sel(['merge', ...shards, '--format', 'json']).stdout).toBe(one.stdout);
  });
  it('reads a hard link to a rotated segment as another file: its events are reported read twice (name the segments, not a link to the current one)', () => {
    // Read once, as the file it links to, a hard link went unchecked as a committed log: a log
    // rewritten in Git's history, its working copy a hard link to another log, passed (found by
    // review). Fail closed: the same events twice are SEQ_DUPLICATE.
    const lines = readFileSync(CLEAN, 'utf8').split('\n').filter((l) => l !== '');
    const dir = join(tmp, 'hard-link');
    mkdirSync(dir);
    writeFileSync(join(dir, 'audit-1.jsonl'), `${lines.slice(0, 10).join('\n')}\n`);
    writeFileSync(join(dir, 'audit-2.jsonl'), `${lines.slice(10).join('\n')}\n`);
    linkSync(join(dir, 'audit-2.jsonl'), join(dir, 'current.jsonl'));
    const r = sel(['verify', dir, '--format', 'json']);
    const out = JSON.parse(r.stdout) as { summary: { files: { file: string }[] }; findings: { code: string }[] };
    expect(out.summary.files.map((f) => f.file.split('/').pop())).toEqual(['audit-1.jsonl', 'audit-2.jsonl', 'current.jsonl']);
    expect(new Set(out.findings.map((f) => f.code))).toEqual(new Set(['SEQ_DUPLICATE']));
    expect(r.status).toBe(1);
  });
  it('orders by the first event, past a damaged, empty or BOM-marked first line', () => {
    // Names that sort against the seqs: only the first events can put z-first.jsonl first.
    const lines = readFileSync(CLEAN, 'utf8').split('\n').filter((l) => l !== '');
    for (const [name, first] of [['garbage', '{"not": json'], ['empty', ''], ['bom', `\ufeff${lines[0]!}`]] as const) {
      const dir = join(tmp, `first-${name}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'z-first.jsonl'), `${[first, ...lines.slice(name === 'bom' ? 1 : 0, 10)].join('\n')}\n`);
      writeFileSync(join(dir, 'a-second.jsonl'), `${lines.slice(10).join('\n')}\n`);
      const out = JSON.parse(sel(['verify', dir, '--format', 'json']).stdout) as { summary: { files: { file: string }[] }; findings: { code: string }[] };
      expect(out.summary.files.map((f) => f.file.split('/').pop()), name).toEqual(['z-first.jsonl', 'a-second.jsonl']);
      expect(out.findings.map((f) => f.code), name).toEqual([{ garbage: 'LINE_INVALID_JSON', empty: 'LINE_EMPTY', bom: 'EVENT_NONCANONICAL' }[name]]);
    }
  });
  it('reports directory entries it cannot read and goes on', () => {
    const dir = join(tmp, 'mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), readFileSync(CLEAN));
    symlinkSync(join(dir, 'missing-target'), join(dir, 'b.jsonl'));
    mkdirSync(join(dir, 'c.jsonl'));
    execFileSync('mkfifo', [join(dir, 'd.jsonl')]);
    symlinkSync('.', join(dir, 'e.jsonl')); // a directory symlink loop
    symlinkSync('f.jsonl', join(dir, 'f.jsonl')); // a symlink to itself
    // A name that is not UTF-8 (g\xff.jsonl): it was reported as not existing.
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'g')), Buffer.from([0xff]), Buffer.from('.jsonl')]), readFileSync(CLEAN));
    const r = sel(['verify', dir, '--format', 'json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: { events: number }; findings: { code: string; message: string; location: { file: string } }[] };
    expect(out.summary.events).toBe(40);
    expect(out.findings.map((f) => [f.code, f.location.file.split('/').pop()])).toEqual([
      ['LOG_UNREADABLE', 'b.jsonl'],
      ['LOG_UNREADABLE', 'c.jsonl'],
      ['LOG_UNREADABLE', 'd.jsonl'],
      ['LOG_UNREADABLE', 'e.jsonl'],
      ['LOG_UNREADABLE', 'f.jsonl'],
      ['LOG_UNREADABLE', 'g\ufffd.jsonl'],
    ]);
    expect(out.findings[5]!.message).toBe('skipped: its name is not UTF-8, so sel cannot open it by name');
  });
});

describe("the operator's mistakes: exit 2, one sentence, no stack trace", () => {
  it('a missing file', () => {
    expect(expectOneSentence(sel(['verify', join(tmp, 'nope.jsonl')]))).toMatch(/cannot read log .*nope\.jsonl: it does not exist/);
  });
  // As root a directory's mode does not stop a write: then sel runs as nobody (setpriv).
  const asRoot = process.getuid?.() === 0;
  const setpriv = asRoot ? spawnSync('setpriv', ['--version']).status === 0 : true;
  it.skipIf(process.platform === 'win32' || !setpriv)('a checkpoint in a directory sel cannot write to: refused before the run, not after its report (found by review)', () => {
    const dir = mkdtempSync(join(tmp, 'ro-'));
    chmodSync(tmp, 0o755);
    chmodSync(dir, 0o755);
    const log = join(dir, 'audit.jsonl');
    writeFileSync(log, readFileSync(CLEAN));
    chmodSync(log, 0o644);
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(ro, 0o555);
    const cp = join(ro, 'cp.json');
    const as = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const r = spawnSync(as[0]!, [...as.slice(1), CLI, 'verify', log, '--checkpoint', cp], { encoding: 'utf8', cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.stderr).toBe(`sel: cannot write checkpoint ${cp}: permission denied in its directory ${ro}, where sel writes it after the run\n`);
    // Nothing was verified: no report, not a pass followed by exit status 2.
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    expect(existsSync(cp)).toBe(false);
  });
  it('standard output redirected into a log it verifies, named or in a named directory: refused before the run, the log untouched (found by review)', () => {
    // `sel verify a.jsonl >> a.jsonl` appended the report to the evidence; `> a.jsonl` (the
    // shell empties it first) passed a log of no events; `sel verify logs/ > logs/r.jsonl` read
    // the new file as a log, and left a report the next run read as broken lines.
    const dir = join(tmp, 'report-into-log');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const log = join(dir, 'logs', 'audit.jsonl');
    writeFileSync(log, readFileSync(CLEAN));
    const hard = join(dir, 'report.txt');
    linkSync(log, hard);
    const run = (args: readonly string[], out: string, flags: string) => {
      const fd = openSync(out, flags);
      try {
        const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
        return { status: r.status, stdout: '', stderr: r.stderr };
      } finally {
        closeSync(fd);
      }
    };
    const refusal = (named: string) => `sel: standard output is the log ${named}: sel does not write to the logs it reads; redirect it to another file`;
    expect(expectOneSentence(run(['verify', log], log, 'a'))).toBe(refusal(log));
    expect(expectOneSentence(run(['verify', join(dir, 'logs')], log, 'a'))).toBe(refusal(log));
    expect(expectOneSentence(run(['verify', join(dir, 'logs')], hard, 'a'))).toBe(refusal(log));
    // The other commands that read logs and write to standard output refuse it too.
    expect(expectOneSentence(run(['timeline', log], log, 'a'))).toBe(refusal(log));
    expect(expectOneSentence(run(['explain', join(dir, 'logs'), '--seq', '1', '--repo', dir], hard, 'a'))).toBe(refusal(log));
    expect(expectOneSentence(run(['impact', log, '--repo', dir, '--policy', 'HEAD'], log, 'a'))).toBe(refusal(log));
    expect(expectOneSentence(run(['gate', join(dir, 'logs'), '--repo', dir, '--no-divergence'], log, 'a'))).toBe(refusal(log));
    expect(readFileSync(log)).toEqual(readFileSync(CLEAN));
    const fresh = join(dir, 'logs', 'report.jsonl');
    expect(expectOneSentence(run(['verify', join(dir, 'logs'), '--format', 'jsonl'], fresh, 'w'))).toBe(refusal(fresh));
    expect(readFileSync(fresh, 'utf8')).toBe('');
    rmSync(fresh);
    // The log read on standard input, and written to where it is read from.
    const inFd = openSync(log, 'r');
    const outFd = openSync(log, 'a');
    try {
      const r = spawnSync(process.execPath, [CLI, 'verify', '-'], { stdio: [inFd, outFd, 'pipe'], encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
      expect(expectOneSentence({ status: r.status, stdout: '', stderr: r.stderr })).toBe('sel: standard output is the log read on standard input (-): sel does not write to the logs it reads; redirect it to another file');
    } finally {
      closeSync(inFd);
      closeSync(outFd);
    }
    expect(readFileSync(log)).toEqual(readFileSync(CLEAN));
    // A report file that is no log is written as ever.
    const report = join(dir, 'report.json');
    const r = run(['verify', join(dir, 'logs'), '--format', 'json'], report, 'w');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ summary: { events: 40 } });
  });
  it('standard output into a file the run does not read is written: not a *.jsonl file of a log directory, nor the file on standard input when - is not a log (from mutation testing)', () => {
    const dir = join(tmp, 'report-beside-logs');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'audit.jsonl'), readFileSync(CLEAN));
    /** `sel ARGS < IN >> OUT` as a shell runs it. */
    const run = (args: readonly string[], input: string | null, out: string) => {
      const inFd = input === null ? 'ignore' : openSync(input, 'r');
      const outFd = openSync(out, 'a');
      try {
        const r = spawnSync(process.execPath, [CLI, ...args], { stdio: [inFd, outFd, 'pipe'], encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
        return { status: r.status, stdout: '', stderr: r.stderr };
      } finally {
        if (typeof inFd === 'number') closeSync(inFd);
        closeSync(outFd);
      }
    };
    // Among the logs, but no log: the run does not read a report.txt.
    const beside = join(dir, 'logs', 'report.txt');
    const r = run(['verify', join(dir, 'logs')], null, beside);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(beside, 'utf8')).toContain('PASS');
    // Standard input is that file too, but no log is read from it (- is not named).
    const again = run(['verify', join(dir, 'logs', 'audit.jsonl')], beside, beside);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
  });
  it('standard input and standard output on the same null device: no log to read, said as such, not as output into the log it reads (from mutation testing)', () => {
    // Only a regular file is one a report can be written into; a device both streams share is not.
    const fd = openSync('/dev/null', 'r+');
    try {
      const r = spawnSync(process.execPath, [CLI, 'verify', '-'], { stdio: [fd, fd, 'pipe'], encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
      expect(expectOneSentence({ status: r.status, stdout: '', stderr: r.stderr })).toBe('sel: standard input (-) is the null device (closed, or < /dev/null), so there is no log to read; pipe the log in or name its file');
    } finally {
      closeSync(fd);
    }
  });
  it('standard output redirected into a *.jsonl file of a named directory whose name is not UTF-8: refused too, as the log directory holds it (found by review)', () => {
    // The run does not read such a file (its name names no file once decoded), but it is among
    // the logs: the report was appended to it, exit 0.
    const dir = join(tmp, 'report-into-odd-name');
    mkdirSync(dir);
    writeFileSync(join(dir, 'audit.jsonl'), readFileSync(CLEAN));
    const odd = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xff]), Buffer.from('.jsonl')]);
    writeFileSync(odd, '');
    const fd = openSync(odd, 'a');
    let r;
    try {
      r = spawnSync(process.execPath, [CLI, 'verify', dir], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    } finally {
      closeSync(fd);
    }
    expect(expectOneSentence({ status: r.status, stdout: '', stderr: r.stderr })).toBe(`sel: standard output is the log ${join(dir, '\ufffd.jsonl')}: sel does not write to the logs it reads; redirect it to another file`);
    expect(readFileSync(odd, 'utf8')).toBe('');
  });
  it('sel merge with standard output redirected into a shard result it merges: refused before the merge, the shard untouched (found by review)', () => {
    // `sel merge s1 s2 >> s1` appended the report to s1, exit 0; the next merge of the same
    // shards failed, s1 no longer a shard result.
    const shards = [1, 2].map((i) => {
      const file = join(tmp, `merge-into-shard-${i}`);
      expect(sel(['verify', CLEAN, '--shard', `${i}/2`, '--shard-out', file]).status).toBe(0);
      return file;
    });
    const before = readFileSync(shards[0]!);
    const run = (out: string, flags: string) => {
      const fd = openSync(out, flags);
      try {
        const r = spawnSync(process.execPath, [CLI, 'merge', ...shards], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
        return { status: r.status, stdout: '', stderr: r.stderr };
      } finally {
        closeSync(fd);
      }
    };
    expect(expectOneSentence(run(shards[0]!, 'a'))).toBe(`sel: standard output is the shard result ${shards[0]}: sel does not write to the shard results it merges; redirect it to another file`);
    expect(readFileSync(shards[0]!)).toEqual(before);
    // Another file is written as ever.
    const report = join(tmp, 'merge-into-shard-report.txt');
    expect(run(report, 'w').status).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('PASS');
  });
  it("commander's own sentences show an argument's control characters escaped, as sel's do (found by review)", () => {
    // An argument a CI script fills from untrusted text (a branch name, a chain id from an
    // issue) was written to the terminal raw when commander refused it: ESC [2J cleared it.
    const esc = 'x\u001b[2J\u001b]0;title\u0007\u202e';
    for (const args of [['verify', CLEAN, `--${esc}`], [esc], ['timeline', CLEAN, '--chain', esc], ['verify', CLEAN, '--format', esc]]) {
      const line = expectOneSentence(sel(args));
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(line).toContain('x\\u001b[2J\\u001b]0;title\\u0007\\u202e');
    }
  });
  it("sel's own sentences show an argument's control characters escaped (from mutation testing)", () => {
    const name = join(tmp, 'x\u001b[2J\u0007.jsonl');
    expect(expectOneSentence(sel(['verify', name]))).toBe(`sel: cannot read log ${join(tmp, 'x')}\\u001b[2J\\u0007.jsonl: it does not exist`);
  });
  it('a file named on the command line whose name is not UTF-8 exists: the sentence says why sel cannot open it (found by review)', () => {
    // Node.js decodes the command line as UTF-8: the byte 0xff reaches sel as U+FFFD, a name no
    // file has, and "it does not exist" sent the operator looking for a file that is there.
    const dir = join(tmp, 'named-not-utf8');
    mkdirSync(dir);
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'g')), Buffer.from([0xff]), Buffer.from('.jsonl')]), readFileSync(CLEAN));
    const r = spawnSync('sh', ['-c', 'exec "$0" "$1" verify "$2$(printf "g\\377.jsonl")"', process.execPath, CLI, `${dir}/`], { encoding: 'utf8' });
    const line = expectOneSentence({ status: r.status, stdout: r.stdout, stderr: r.stderr });
    expect(line).toMatch(/^sel: cannot read log .*g\ufffd\.jsonl: /);
    expect(line).not.toMatch(/: it does not exist$/);
    expect(line).toContain('not UTF-8');
  });
  it('an unknown flag', () => {
    expect(expectOneSentence(sel(['verify', CLEAN, '--frobnicate']))).toContain("unknown option '--frobnicate'");
  });
  it('a usage error of a nested command (policy check) is one sentence and exit 2 too, escaped as any (from mutation testing)', () => {
    // Without sel's output and exit handling on the commands nested under `policy`, commander
    // wrote "error: ..." raw and exited 1, as if findings were found.
    expect(expectOneSentence(sel(['policy', 'check', '--frobnicate']))).toBe("sel: unknown option '--frobnicate'");
    expect(expectOneSentence(sel(['policy', 'check', 'a', 'b\u001b[2J']))).toBe("sel: too many arguments for 'check'. Expected 1 argument but got 2.");
    expect(expectOneSentence(sel(['policy', 'eval', '--event', '\u001b[2J']))).toMatch(/^sel: missing required argument/);
  });
  it('a bad --format or --fail-on value', () => {
    expect(expectOneSentence(sel(['verify', CLEAN, '--format', 'xml']))).toContain('--format must be one of text, json, jsonl');
    expect(expectOneSentence(sel(['verify', CLEAN, '--fail-on', 'fatal']))).toContain('--fail-on must be one of');
  });
  it('a bad number', () => {
    expect(expectOneSentence(sel(['verify', CLEAN, '--max-line-bytes', '-5']))).toContain('--max-line-bytes');
    // A line longer than V8's longest string cannot be decoded: such a limit would turn a long
    // line into an internal error instead of a finding.
    expect(expectOneSentence(sel(['verify', CLEAN, '--max-line-bytes', String(2 ** 29 - 23)]))).toContain('--max-line-bytes must be between 1 and 536870888');
    expect(sel(['verify', CLEAN, '--max-line-bytes', String(2 ** 29 - 24)]).status).toBe(0);
  });
  it('a --reorder-window past its bound is the flag\'s refusal, in every command that takes it (from mutation testing)', () => {
    // Past the CLI's bound, the verifier's own check refused it, naming the library's option
    // (chain.reorderWindow), not the flag.
    for (const cmd of [['verify', CLEAN], ['explain', CLEAN, '--seq', '1'], ['timeline', CLEAN]]) {
      for (const n of ['0', '1000001']) {
        expect(expectOneSentence(sel([...cmd, '--reorder-window', n])), `${cmd[0]} ${n}`).toBe(`sel: option '--reorder-window <n>' argument '${n}' is invalid. --reorder-window must be between 1 and 1000000.`);
      }
    }
    expect(sel(['verify', CLEAN, '--reorder-window', '1000000']).status).toBe(0);
  });
  it('an empty number, or one past the safe integers, is named as such (from mutation testing)', () => {
    // An empty value read as 0 ("must be between 1 and 64"); a --max-findings past 2^53 reached
    // the verifier's own check, which names the library's option (maxFindings), not the flag.
    expect(expectOneSentence(sel(['verify', CLEAN, '--jobs=']))).toBe("sel: option '-j, --jobs <n>' argument '' is invalid. --jobs must be a whole number from 1 to 64.");
    expect(expectOneSentence(sel(['verify', CLEAN, '--max-findings', '99999999999999999999']))).toBe("sel: option '--max-findings <n>' argument '99999999999999999999' is invalid. --max-findings is too large.");
    expect(expectOneSentence(sel(['verify', CLEAN, '--unit-bytes', String(2 ** 30 + 1)]))).toBe(`sel: option '--unit-bytes <n>' argument '${2 ** 30 + 1}' is invalid. --unit-bytes must be between 1 and ${2 ** 30}.`);
  });
  it('no log at all, and stdin mixed with files', () => {
    expect(expectOneSentence(sel(['verify']))).toContain("missing required argument 'log'");
    expect(expectOneSentence(sel(['verify', '-', CLEAN]))).toContain('standard input (-) cannot be combined');
  });
  it('a directory on standard input is refused, not read as an empty log', () => {
    // Node.js ends such a stdin at once, without an error: the log passed as empty.
    const fd = openSync(join(LOGS, 'clean'), 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, 'verify', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(expectOneSentence({ status: r.status, stdout: r.stdout, stderr: r.stderr })).toBe('sel: cannot read standard input (-): it is a directory; name the directory itself as the log');
    } finally {
      closeSync(fd);
    }
  });
  it('the null device as standard input, closed or < /dev/null, is refused, not read as an empty log that passes', () => {
    // Node.js opens /dev/null for a closed fd 0: `sel verify - <&-` (a cron job) passed with LOG_EMPTY.
    const viaShell = (redirect: string) => spawnSync('/bin/sh', ['-c', `"$0" "$1" verify - ${redirect}`, process.execPath, CLI], { encoding: 'utf8' });
    for (const redirect of ['<&-', '</dev/null']) {
      expect(expectOneSentence(viaShell(redirect)), redirect).toBe('sel: standard input (-) is the null device (closed, or < /dev/null), so there is no log to read; pipe the log in or name its file');
    }
    // Named, it is read as the empty stream it is: a segment replaced by a link to it is
    // reported in the run's findings (checkpoint.test.ts), not hidden by an operator error.
    const named = sel(['verify', '/dev/null', '--format', 'json']);
    expect((JSON.parse(named.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['LOG_EMPTY']);
    // An empty pipe is still an empty log (a warning), as an empty file is.
    const piped = sel(['verify', '-', '--format', 'json'], { input: '' });
    expect(piped.status).toBe(0);
    expect((JSON.parse(piped.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toEqual(['LOG_EMPTY']);
  });
  it('a directory without logs', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect(expectOneSentence(sel(['verify', empty]))).toContain('holds no *.jsonl files');
  });
  it('an unknown command', () => {
    expect(sel(['frob']).status).toBe(2);
  });
  it('help and version exit 0', () => {
    expect(sel(['--help']).status).toBe(0);
    expect(sel(['verify', '--help']).stdout).toContain('--fail-on');
    expect(sel(['--version']).stdout.trim()).toBe('0.1.0');
  });
  // Review (docs against the tool): `sel help policy check` printed the help of `policy`, not
  // of `check` (commander's help command reads one name).
  it("sel help with a subcommand shows that subcommand's help", () => {
    for (const command of [['policy', 'check'], ['policy', 'eval'], ['verify']]) {
      const r = sel(['help', ...command]);
      expect(r.status, command.join(' ')).toBe(0);
      expect(r.stdout, command.join(' ')).toBe(sel([...command, '--help']).stdout);
      expect(r.stdout, command.join(' ')).toContain(`Usage: sel ${command.join(' ')} [options]`);
    }
  });
  // Review (docs against the tool): README.md's usage shows --repo of gate, explain and impact,
  // --seq of explain, --policy of impact and --event of policy eval as required, and sel refuses
  // a run without them, but their --help entries did not say so: the reader learnt it from the
  // error.
  it('--help says which options are required', () => {
    const required: [string[], string][] = [
      [['gate'], '--repo'],
      [['explain'], '--repo'],
      [['explain'], '--seq'],
      [['impact'], '--repo'],
      [['impact'], '--policy'],
      [['policy', 'eval'], '--event'],
    ];
    for (const [command, flag] of required) {
      const help = sel([...command, '--help']).stdout.replace(/\s+/g, ' ');
      const at = help.indexOf(` ${flag} <`);
      expect(at, `${command.join(' ')} --help names ${flag}`).toBeGreaterThanOrEqual(0);
      const entry = help.slice(at + 1).split(/ (?=-[-a-zA-Z])/)[0]!;
      expect(entry, `${command.join(' ')} --help, ${flag}`).toContain('(required)');
      expect(sel([...command, 'x.jsonl', '--help']).status).toBe(0);
    }
    // And no other option says so.
    for (const command of [['verify'], ['merge'], ['timeline'], ['gate'], ['import'], ['policy', 'check']]) {
      const n = (sel([...command, '--help']).stdout.match(/\(required\)/g) ?? []).length;
      expect(n, command.join(' ')).toBe(command[0] === 'gate' ? 1 : 0);
    }
  });
  // Review (conformance): each command's --help listed --format, --fail-on, --max-severity and
  // --action without the values they take; only a wrong value said which were accepted.
  it('--help lists the values of every option that takes one of a set', () => {
    const lists: [string[], string, string[]][] = [
      [['verify'], '--format', ['text', 'json', 'jsonl', 'sarif', 'junit', 'github']],
      [['verify'], '--fail-on', ['error', 'warning', 'note', 'never']],
      [['merge'], '--format', ['text', 'json', 'jsonl', 'sarif', 'junit', 'github']],
      [['merge'], '--fail-on', ['error', 'warning', 'note', 'never']],
      [['policy', 'check'], '--format', ['text', 'json', 'jsonl', 'sarif', 'github']],
      [['policy', 'check'], '--fail-on', ['error', 'warning', 'note', 'never']],
      [['policy', 'eval'], '--format', ['text', 'json']],
      [['gate'], '--format', ['text', 'json', 'junit', 'github']],
      [['gate'], '--max-severity', ['none', 'note', 'warning', 'error']],
      [['explain'], '--format', ['text', 'json']],
      [['impact'], '--format', ['text', 'json']],
      [['timeline'], '--format', ['text', 'jsonl']],
      [['timeline'], '--action', ['allow', 'warn', 'review', 'block']],
    ];
    for (const [command, flag, values] of lists) {
      const help = sel([...command, '--help']).stdout.replace(/\s+/g, ' ');
      const at = help.indexOf(` ${flag} <`);
      expect(at, `${command.join(' ')} --help names ${flag}`).toBeGreaterThanOrEqual(0);
      // The option's own entry: up to the next option.
      const entry = help.slice(at + 1).split(/ (?=-[-a-zA-Z])/).slice(0, 3).join(' ');
      expect(entry, `${command.join(' ')} --help, ${flag}`).toContain(`choices: ${values.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  });
});
