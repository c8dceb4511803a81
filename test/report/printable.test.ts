/**
 * A log is hostile input, and what people read of it must not be able to forge report lines
 * or drive their terminal: every human-readable output writes control, bidirectional and
 * separator characters from the evidence as `\uXXXX` escapes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';
import { printable, printableInLine } from '../../src/report/printable.js';
import { sel } from '../helpers/cli.js';

describe('printable', () => {
  it('escapes C0, DEL, C1, bidirectional controls, separators and what shows as nothing, and nothing else', () => {
    expect(printable('a\nb\rc\td\u0000e\u001b[2Jf\u007fg\u009b31mh')).toBe('a\\u000ab\\u000dc\\u0009d\\u0000e\\u001b[2Jf\\u007fg\\u009b31mh');
    expect(printable('\u202eevil\u202c \u2066x\u2069 \u200e\u200f\u061c \u2028\u2029')).toBe('\\u202eevil\\u202c \\u2066x\\u2069 \\u200e\\u200f\\u061c \\u2028\\u2029');
    expect(printable('\ufeff{}')).toBe('\\ufeff{}');
    // What shows as nothing: two ids that read the same must not look the same.
    expect(printable('ops\u200bbot \u200c\u200d\u2060\u2063 \u00ad \u180e \u3164')).toBe('ops\\u200bbot \\u200c\\u200d\\u2060\\u2063 \\u00ad \\u180e \\u3164');
    const plain = 'données — 数据 😂 C:\\Users\\me "quoted" ‐ \u00a0 \u00ff \\d+ \\u12';
    expect(printable(plain)).toBe(plain);
    expect(printable('')).toBe('');
  });
  // Review: the tag characters (U+E0020-E007F, "ASCII smuggling"), variation selectors, U+034F,
  // U+2065, U+17B4 and the interlinear annotation marks show as nothing and reached the terminal
  // raw: a recorded rule `cap.coder` followed by tag characters read as `cap.coder`.
  it('escapes every code point Unicode shows as nothing (Default_Ignorable_Code_Point), beyond U+FFFF as its two code units', () => {
    expect(printable('cap.coder\u{E0020}\u{E0041}')).toBe('cap.coder\\udb40\\udc20\\udb40\\udc41');
    expect(printable('a\u2065b\ufe0fc\u034fd\u17b4e\ufff9f\u{1d173}g')).toBe('a\\u2065b\\ufe0fc\\u034fd\\u17b4e\\ufff9f\\ud834\\udd73g');
    // A backslash before one is doubled, as before any escaped character.
    expect(printable('\\\u{E0041}')).toBe('\\\\\\udb40\\udc41');
    const plain = 'emoji 😂 👍🏽 CJK 数据 \u{1F600}';
    expect(printable(plain)).toBe(plain);
  });
  it('escapes each end of the ranges and the Hangul fillers, which show as nothing too (from mutation testing)', () => {
    expect(printable('a\u115fb\u1160c\uffa0d\u3164e')).toBe('a\\u115fb\\u1160c\\uffa0d\\u3164e');
    expect(printable('\u001f\u009f\u200f\u2064\u2069\u202e')).toBe('\\u001f\\u009f\\u200f\\u2064\\u2069\\u202e');
    // The interlinear annotation marks, U+FFF9 to U+FFFB: not default-ignorable, each end named (from mutation testing).
    expect(printable('a\ufff9b\ufffac\ufffbd\ufffce')).toBe('a\\ufff9b\\ufffac\\ufffbd\ufffce');
  });
  it('writes what GitHub Actions reads as a workflow command in a log line: ##[ anywhere, :: at the start after white space', () => {
    expect(printable('##[add-mask]FAIL')).toBe('##\\u005badd-mask]FAIL');
    expect(printable('rule x ##[error]forged ##[stop-commands]t')).toBe('rule x ##\\u005berror]forged ##\\u005bstop-commands]t');
    expect(printable('::error::forged')).toBe('\\u003a:error::forged');
    // What the runner trims (white space JSON does not escape and printable leaves) comes first.
    expect(printable('  \u00a0\u3000::warning::x')).toBe('  \u00a0\u3000\\u003a:warning::x');
    // A tab is escaped already, so the line starts with a backslash, not white space.
    expect(printable('\t::error::x')).toBe('\\u0009::error::x');
    // Elsewhere a :: is text (a time, an IPv6 address), and so is one #[.
    for (const plain of ['a::b', 'fe80::1', 'rule #[x]', '# [x]']) expect(printable(plain)).toBe(plain);
    // One colon at the start is text too, with a :: or ##[ later in the value (from mutation testing).
    for (const plain of [':a::b', ' :x']) expect(printable(plain)).toBe(plain);
    expect(printable(':a ##[b')).toBe(':a ##\\u005bb');
    // The text \u005b itself is doubled, as any escape-like text is: the two read differently.
    expect(printable('##\\u005b')).toBe('##\\\\u005b');
  });
  it('doubles a backslash that would read as the start of an escape, so the text \\u001b is not shown as ESC', () => {
    // An escape is an odd run of backslashes before uXXXX, literal text an even one.
    expect(printable('\\u001b')).toBe('\\\\u001b');
    expect(printable('\\\\u202E x')).toBe('\\\\\\\\u202E x');
    expect(printable('\\\u001b')).toBe('\\\\\\u001b');
    expect(printable('\u001b')).toBe('\\u001b');
    expect(printable('C:\\users\\u0041dmin\\x')).toBe('C:\\users\\\\u0041dmin\\x');
    // From mutation testing: four hex digits, not three (`\u12a!` is no escape).
    expect(printable('\\u12ab \\u12a! \\u12')).toBe('\\\\u12ab \\u12a! \\u12');
    // A run is doubled whole or not at all, however long, and whatever comes before it.
    const run = '\\'.repeat(4_000);
    expect(printable(`a${run}u0041${run}x${run}\u001b${run}`)).toBe(`a${run}${run}u0041${run}x${run}${run}\\u001b${run}`);
    // Every output reads back to the value: undo the doubling and the escapes.
    const read = (t: string): string => t.replace(/(\\+)(u[0-9a-f]{4})?/gi, (_m, run: string, hex?: string) => {
      const literal = '\\'.repeat(run.length >> 1);
      if (hex === undefined) return run;
      return run.length % 2 === 1 ? literal + String.fromCharCode(parseInt(hex.slice(1), 16)) : literal + hex;
    });
    for (const v of ['\\u001b', '\\\u001b', '\u202e\\u202e', 'a\\\\\\u0041\n', '\\', 'x\\\u0000\\']) expect(read(printable(v)), JSON.stringify(v)).toBe(v);
    // JSON text (a request, a line as it reads): these escapes are read first, then JSON's.
    expect(printable(JSON.stringify({ a: '\\u001b', b: '\u001b' }))).toBe('{"a":"\\\\\\\\u001b","b":"\\\\u001b"}');
    expect(JSON.parse(read(printable(JSON.stringify({ a: '\\u001b', b: '\u001b\u202e' }))))).toEqual({ a: '\\u001b', b: '\u001b\u202e' });
  });
});

// Control characters anywhere in a line the reports show: an event's fields, the contract version.
const HOSTILE = 'r\nFAKE LINE\u001b[2J\u009b31m\u202e';
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const tmp = mkdtempSync(join(tmpdir(), 'sel-printable-'));
let s: GovernanceSample;
let hostile: string;
let hostileDamaged: string;
let badVersion: string;
let hostileName: string;
beforeAll(() => {
  s = buildGovernanceRepo(join(tmp, 'governance'));
  // The sample log, rewritten through the producer so that it stays intact: one event's rule,
  // actor, kind and a request value carry the hostile text.
  const events = readFileSync(s.clean, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const w = new ChainWriter(String(events[0]!['chain']));
  const lines = events.map((e, i) => {
    const { v: _v, chain: _c, seq: _s, prev_hash: _p, hash: _h, request_fingerprint: _f, ...input } = e;
    if (i === 3) {
      const x = input as Record<string, any>;
      x.decision = { ...x.decision, rule: HOSTILE };
      x.actor = { ...x.actor, id: `a\nFAKE ROW\u001b[8m` };
      x.kind = `k\u001b]0;title\u0007`;
      x.request = { ...x.request, tool: `t\n${HOSTILE}` };
    }
    return w.append(input as unknown as EventInput).line;
  });
  hostile = join(tmp, 'hostile.jsonl');
  writeFileSync(hostile, `${lines.join('\n')}\n`);
  // The hostile event changed after it was written: explain shows its line as it reads now,
  // raw C1 and bidirectional characters and all (JSON escapes only C0).
  hostileDamaged = join(tmp, 'hostile-damaged.jsonl');
  writeFileSync(hostileDamaged, `${lines.map((l, i) => (i === 3 ? l.replace('"kind":"', '"kind":"x') : l)).join('\n')}\n`);
  badVersion = join(tmp, 'version.jsonl');
  writeFileSync(badVersion, `${lines[0]!.replace('"v":"sel.audit/1"', `"v":"sel.audit/2\\nFAKE\\u001b[2J"`)}\n`);
  hostileName = join(tmp, 'v\u001b[2J\nFAKE.jsonl');
  writeFileSync(hostileName, readFileSync(badVersion));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** No raw control character but LF, and no line that starts with the forged text. */
function expectPrintable(out: string, what: string): void {
  expect(RAW.test(out), `${what}: ${JSON.stringify(out.slice(0, 2000))}`).toBe(false);
  expect(out.split('\n').filter((l) => /^\s*FAKE/.test(l)), what).toEqual([]);
}

describe('human-readable outputs show hostile text escaped', () => {
  it('verify (text, github), explain, impact, timeline and gate', () => {
    const runs: [string, string[]][] = [
      ['verify text', ['verify', badVersion]],
      ['verify github', ['verify', badVersion, '--format', 'github']],
      ['verify --repo text', ['verify', hostile, '--repo', s.repo]],
      ['explain', ['explain', hostile, '--repo', s.repo, '--seq', '3']],
      ['explain, a damaged line', ['explain', hostileDamaged, '--repo', s.repo, '--seq', '3']],
      ['impact', ['impact', hostile, '--repo', s.repo, '--policy', 'HEAD~2']],
      ['timeline', ['timeline', hostile]],
      // The gate shows a finding by its file name: one that holds the hostile text.
      ['gate', ['gate', hostileName, '--repo', s.repo, '--no-divergence']],
      ['verify, a hostile file name', ['verify', hostileName]],
    ];
    for (const [what, args] of runs) {
      const r = sel(args);
      expect([0, 1], `${what}: ${r.stderr}`).toContain(r.status);
      expectPrintable(r.stdout + r.stderr, what);
    }
    // The text is still there to read, escaped: the explain output names the rule and the actor.
    const explained = sel(['explain', hostile, '--repo', s.repo, '--seq', '3']).stdout;
    // A rule that is not a plain id is quoted as JSON writes it (a rule "x  severity high" read
    // as more of the decision), then escaped: JSON's \u001b shows as \\u001b, as in a damaged line.
    expect(explained).toContain('rule "r\\nFAKE LINE\\\\u001b[2J\\u009b31m\\u202e"');
    expect(explained).toContain('a\\u000aFAKE ROW\\u001b[8m');
    // A damaged line is shown as it reads now: escaped as JSON wrote it, and where JSON did not.
    const damaged = sel(['explain', hostileDamaged, '--repo', s.repo, '--seq', '3']).stdout;
    expect(damaged).toContain('HASH_MISMATCH');
    // JSON's escape of ESC in it shows as \\u001b: an odd run of backslashes is always sel's own.
    expect(damaged).toContain('"rule":"r\\nFAKE LINE\\\\u001b[2J\\u009b31m\\u202e"');
    // One timeline row per event, whatever its fields hold.
    // The gate's reason names the file, escaped.
    expect(sel(['gate', hostileName, '--repo', s.repo, '--no-divergence']).stdout).toContain('v\\u001b[2J\\u000aFAKE.jsonl:1');
    const rows = sel(['timeline', hostile]).stdout.trim().split('\n');
    const events = readFileSync(hostile, 'utf8').trim().split('\n').length;
    expect(rows.length).toBe(1 + events + 1);
  });
  it('the JSON formats keep the exact values (escaped as JSON)', () => {
    const r = sel(['verify', badVersion, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { actual?: unknown }[] };
    expect(report.findings.map((f) => f.actual)).toContain('sel.audit/2\nFAKE\u001b[2J');
    expect(RAW.test(r.stdout)).toBe(false);
  });
});

/**
 * What GitHub Actions' runner reads as a workflow command in a line of a job's log (actions/runner,
 * ActionCommand.TryParseV2 and TryParse, tried in that order): `::name ...::` at the start of the
 * line after white space, or the legacy `##[name ...]` anywhere in it. sel's text outputs are read
 * in job logs (docs/ci.md runs `sel gate`, `sel impact` and `sel policy check` there), and a CI
 * that keeps a JUnit file may print it (the JSON formats and SARIF's properties are exact: not
 * checked here). The commands each line would run, in order.
 */
const REGISTERED = new Set(['set-env', 'set-output', 'save-state', 'add-mask', 'add-path', 'add-matcher', 'remove-matcher', 'debug', 'warning', 'error', 'notice', 'group', 'endgroup', 'echo', 'stop-commands']);
function runnerCommands(out: string): string[] {
  const found: string[] = [];
  for (const raw of out.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (line.startsWith('::') && line.indexOf('::', 2) > 0) {
      const name = line.slice(2, line.indexOf('::', 2)).split(' ')[0]!.toLowerCase();
      if (REGISTERED.has(name)) {
        found.push(`::${name}`);
        continue;
      }
    }
    const at = raw.indexOf('##[');
    const rb = at < 0 ? -1 : raw.indexOf(']', at);
    if (rb > 0 && REGISTERED.has(raw.slice(at + 3, rb).split(' ')[0]!.toLowerCase())) found.push(`##[${raw.slice(at + 3, rb)}]`);
  }
  return found;
}

describe('no text from the logs or a policy pull request is a workflow command in a GitHub Actions log', () => {
  let log: string;
  let lastSeq: number;
  let policy: string;
  beforeAll(() => {
    const events = readFileSync(s.clean, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const w = new ChainWriter(String(events[0]!['chain']));
    const lines = events.map((e, i) => {
      const { v: _v, chain: _c, seq: _s, prev_hash: _p, hash: _h, request_fingerprint: _f, ...input } = e;
      if (i === 3) {
        const x = input as Record<string, any>;
        // A compromised runtime's record: masks the verdict in the rest of the job's log,
        // forges a failure, stops the runner reading the annotations that follow.
        x.decision = { ...x.decision, rule: '##[add-mask]FAIL' };
        x.actor = { ...x.actor, id: '##[error]forged by the log' };
        x.kind = '##[stop-commands]t0k3n';
        x.request = { ...x.request, tool: '::error::forged' };
      }
      return w.append(input as unknown as EventInput).line;
    });
    lastSeq = lines.length - 1;
    // A damaged line after the last event: explain shows it as it reads, at the start of a line.
    log = join(tmp, 'commands.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n  ::error file=forged.js,line=1::forged by a damaged line\n`);
    policy = join(tmp, 'policy-pr');
    cpSync(join(import.meta.dirname, '..', '..', 'ledger-samples', 'policy'), policy, { recursive: true });
    writeFileSync(join(policy, '##[add-mask]PASS.json'), '{}\n');
  });

  it('in verify, explain, impact, timeline, gate and policy check, whatever the format', () => {
    const runs: [string, string[]][] = [
      ['verify --repo text', ['verify', log, '--repo', s.repo]],
      ['verify --repo junit', ['verify', log, '--repo', s.repo, '--format', 'junit']],
      ['explain', ['explain', log, '--repo', s.repo, '--seq', '3']],
      ['explain, a damaged line', ['explain', log, '--repo', s.repo, '--seq', String(lastSeq + 1)]],
      ['impact', ['impact', log, '--repo', s.repo, '--policy', 'HEAD~2']],
      ['timeline', ['timeline', log]],
      ['gate', ['gate', log, '--repo', s.repo, '--no-divergence']],
      ['gate junit', ['gate', log, '--repo', s.repo, '--no-divergence', '--format', 'junit']],
      ['policy check', ['policy', 'check', policy]],
    ];
    for (const [what, args] of runs) {
      const r = sel(args);
      expect([0, 1], `${what}: ${r.stderr}`).toContain(r.status);
      expect(runnerCommands(r.stdout + r.stderr), what).toEqual([]);
    }
    // Still there to read, escaped as sel escapes: the rule and the damaged line.
    expect(sel(['explain', log, '--repo', s.repo, '--seq', '3']).stdout).toContain('rule "##\\u005badd-mask]FAIL"');
    expect(sel(['explain', log, '--repo', s.repo, '--seq', String(lastSeq + 1)]).stdout).toContain('\\u003a:error file=forged.js');
  });

  it('nor in the JSON formats and SARIF, whose values stay exact (##\\u005b is the same JSON string)', () => {
    const runs: [string, string[]][] = [
      ['verify json', ['verify', log, '--repo', s.repo, '--format', 'json']],
      ['verify jsonl', ['verify', log, '--repo', s.repo, '--format', 'jsonl']],
      ['verify sarif', ['verify', log, '--repo', s.repo, '--format', 'sarif']],
      ['explain json', ['explain', log, '--repo', s.repo, '--seq', '3', '--format', 'json']],
      ['impact json', ['impact', log, '--repo', s.repo, '--policy', 'HEAD~2', '--format', 'json']],
      ['timeline jsonl', ['timeline', log, '--format', 'jsonl']],
      ['gate json', ['gate', log, '--repo', s.repo, '--no-divergence', '--format', 'json']],
      ['policy check json', ['policy', 'check', policy, '--format', 'json']],
      ['policy check jsonl', ['policy', 'check', policy, '--format', 'jsonl']],
      ['policy check sarif', ['policy', 'check', policy, '--format', 'sarif']],
    ];
    for (const [what, args] of runs) {
      const r = sel(args);
      expect([0, 1], `${what}: ${r.stderr}`).toContain(r.status);
      expect(runnerCommands(r.stdout), what).toEqual([]);
    }
    const report = JSON.parse(sel(['verify', log, '--repo', s.repo, '--format', 'json']).stdout) as { findings: { code: string; seq: number | null; actual?: { rule?: string } }[] };
    expect(report.findings.find((f) => f.code === 'DECISION_DIVERGENCE' && f.seq === 3)?.actual?.rule).toBe('##[add-mask]FAIL');
    const rows = sel(['timeline', log, '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; kind: string; actor: { id: string } });
    expect(rows.find((x) => x.seq === 3)).toMatchObject({ kind: '##[stop-commands]t0k3n', actor: { id: '##[error]forged by the log' } });
  });

  it('--format github: sel\'s own annotations only', () => {
    for (const args of [['verify', log, '--repo', s.repo, '--format', 'github'], ['policy', 'check', policy, '--format', 'github']]) {
      const r = sel(args);
      const own = r.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l)).length;
      expect(own).toBeGreaterThan(0);
      expect(runnerCommands(r.stdout)).toEqual(r.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l)).map((l) => l.slice(0, l.indexOf(' '))));
    }
  });
});

describe('a recorded rule is quoted in a message: it cannot read as the rest of the message', () => {
  it('DECISION_DIVERGENCE names the recorded rule as a JSON string', () => {
    // Unquoted, this rule made the message read "recorded allow (rule none, high), replay gives
    // allow (rule none, info), replay gives block (...)": a recorded severity and a replayed
    // decision that are not the record's, in every format (an annotation shows the message alone).
    const rule = 'none, high), replay gives allow (rule none';
    const events = readFileSync(s.clean, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const w = new ChainWriter(String(events[0]!['chain']));
    const lines = events.map((e, i) => {
      const { v: _v, chain: _c, seq: _s, prev_hash: _p, hash: _h, request_fingerprint: _f, ...input } = e;
      if (i === 3) (input as Record<string, any>).decision = { ...(input as Record<string, any>).decision, rule };
      return w.append(input as unknown as EventInput).line;
    });
    const file = join(tmp, 'forged-message.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = sel(['verify', file, '--repo', s.repo, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { code: string; seq: number | null; message: string }[] };
    const f = report.findings.find((x) => x.code === 'DECISION_DIVERGENCE' && x.seq === 3);
    expect(f, r.stdout.slice(0, 2000)).toBeDefined();
    expect(f!.message).toContain(`(rule ${JSON.stringify(rule)}, `);
    expect(f!.message.split(JSON.stringify(rule)).join('R').match(/replay gives/g)).toHaveLength(1);
  });
});

describe('printableInLine', () => {
  it('escapes ##[ everywhere and :: nowhere, also when the value holds both (found by review)', () => {
    // A value that never starts a line (XML): its leading :: was escaped when ##[ was in it too.
    expect(printableInLine('::a ##[b')).toBe('::a ##\\u005bb');
    expect(printableInLine('::a')).toBe('::a');
    // Where a line may start, :: at its start is escaped with or without ##[.
    expect(printable('::a ##[b')).toBe('\\u003a:a ##\\u005bb');
  });
});
