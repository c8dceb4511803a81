/**
 * A review or exception is judged at the chain's time (docs/policy.md): an event whose ts goes
 * back before an earlier event's, into the window of an artifact that had expired by then, does
 * not bring the artifact back into force. The built CLI on a real Git repository, on one thread,
 * with --jobs N (the windows cross from the workers), and sharded then merged.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../helpers/cli.js';
import { commit, git, write } from '../helpers/git.js';
import { buildBackdated, type Backdated } from '../helpers/backdated.js';
import { verifyWithReplay } from '../../src/verify/replay-run.js';
import { ChainWriter, type EventInput } from '../../src/producer/producer.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-backdated-'));
let b: Backdated;
beforeAll(() => {
  b = buildBackdated(join(tmp, 'gov'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface F { code: string; severity: string; chain: string; seq: number; message: string; expected?: unknown; actual?: unknown; detail?: Record<string, unknown> }
interface Out { summary: { result: string; replay: { events: Record<string, number> } }; findings: F[] }

const verify = (log: string, extra: string[] = [], stderr = '') => {
  const r = sel(['verify', log, '--repo', b.repo, '--format', 'json', ...extra]);
  expect(r.stderr).toBe(stderr);
  return { status: r.status, text: r.stdout, out: JSON.parse(r.stdout) as Out };
};
const codes = (o: Out) => o.findings.map((f) => `${f.chain}/${f.seq} ${f.code}`);

describe('reviews and exceptions are judged at the chain\'s time', () => {
  it('the reviewer\'s case: an exception used at a ts back before an earlier event, when it had already expired, is EXCEPTION_EXPIRED', () => {
    const { status, out } = verify(b.exception);
    expect(codes(out)).toEqual(['x/4 TS_REGRESSION', 'x/4 EXCEPTION_EXPIRED']);
    expect(status).toBe(1);
    const f = out.findings[1]!;
    expect(f.severity).toBe('error');
    expect(f.message).toBe('recorded warn at ts 2026-11-04T23:59:59.999Z, which goes back before seq 3\'s 2026-11-10T00:00:00.000Z; at that time exception ledger/exceptions/EXEXP.json had expired (expires_at 2026-11-05T00:00:00.000Z)');
    // As a replayed EXCEPTION_EXPIRED: expected what replay gives without it, actual the record.
    expect(f.expected).toEqual({ action: 'block', rule: 'secrets.status-query', severity: 'high' });
    expect(f.actual).toEqual({ action: 'warn', rule: 'secrets.status-query', severity: 'low' });
    expect(f.detail).toEqual({
      exception: 'ledger/exceptions/EXEXP.json', status: 'expired', ts: '2026-11-04T23:59:59.999Z',
      chainTs: '2026-11-10T00:00:00.000Z', chainTsSeq: 3, expires_at: '2026-11-05T00:00:00.000Z',
    });
    expect(out.summary.replay.events).toMatchObject({ events: 5, replayed: 5, matched: 4, diverged: 1 });
  });

  it('two late arrivals, one after the other: the second is judged at the chain\'s time after the first, as in seq order (from mutation testing)', () => {
    // Chain x goes on past seqs 3 and 4 (two more events), which arrive last: --reorder-window 1
    // gives up on them first. Seq 3 (2026-11-10) and seq 4 (back before EXEXP's expiry) are
    // late arrivals; seq 4 was judged at the chain's time after seq 2, which never saw seq 3's
    // ts, and its exception passed.
    const lines = readFileSync(b.exception, 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines[4]!) as { hash: string; policy_hash: string };
    const w = new ChainWriter('x', { lastSeq: 4, lastHash: last.hash });
    const more = [11, 12].map((d) => w.append({
      ts: `2026-11-${d}T00:00:00.000Z`, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git', n: d }, policy_hash: last.policy_hash,
      decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
    }).line);
    const log = join(tmp, 'two-late.jsonl');
    writeFileSync(log, `${[...lines.slice(0, 3), ...more, lines[3], lines[4]].join('\n')}\n`);
    const { out } = verify(log, ['--reorder-window', '1']);
    expect(codes(out).filter((c) => c.startsWith('x/4 '))).toContain('x/4 EXCEPTION_EXPIRED');
    const f = out.findings.find((x) => x.code === 'EXCEPTION_EXPIRED')!;
    expect(f.detail).toMatchObject({ chainTs: '2026-11-10T00:00:00.000Z', chainTsSeq: 3 });
    // sel explain of seq 4, which only the late arrival holds: its what-if is judged at that
    // time too (it had none: the seq has no intact event).
    const explain = (extra: string[]) => sel(['explain', log, '--repo', b.repo, '--seq', '4', '--chain', 'x', '--reorder-window', '1', '--policy', 'HEAD', ...extra]);
    const json = explain(['--format', 'json']);
    expect(json.stderr).toBe('');
    const shown = (JSON.parse(json.stdout) as { lines: { account?: { late: boolean; recorded: unknown; replayed: unknown; whatIf: { decision: unknown; expired: { code: string; detail: unknown } | null } } }[] }).lines;
    const account = shown.find((x) => x.account !== undefined)!.account!;
    expect(account).toMatchObject({ late: true, recorded: f.actual, replayed: f.actual });
    expect(account.whatIf.decision).toEqual(f.expected);
    expect(account.whatIf.expired).toMatchObject({ code: 'EXCEPTION_EXPIRED', detail: { chainTs: '2026-11-10T00:00:00.000Z', chainTsSeq: 3 } });
    const text = explain(['--no-color']).stdout;
    expect(text).toContain('(the same at its ts, not at the chain\'s time: EXCEPTION_EXPIRED below)');
    expect(text).toContain('(differs from the record: EXCEPTION_EXPIRED at the chain\'s time, recorded warn at ts ');
    expect(explain(['--format', 'json', '--jobs', '2', '--unit-bytes', '300']).stdout).toBe(json.stdout);
  });

  it('sel explain --policy names the seq whose ts is the chain\'s time as replay does: the first of two with the same latest ts (from mutation testing)', () => {
    // Chain x again, its seq 2 at seq 3's ts: the chain's time is seq 2's (the first event
    // to reach it), and replay's EXCEPTION_EXPIRED says so; explain's what-if said seq 3's.
    const events = readFileSync(b.exception, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as EventInput);
    const w = new ChainWriter('x');
    const lines = events.map((e, i) => {
      const { ts, kind, actor, request, policy_hash, decision, exception_ref } = e;
      return w.append({ ts: i === 2 ? '2026-11-10T00:00:00.000Z' : ts, kind, actor, request, policy_hash, decision, ...(exception_ref === undefined ? {} : { exception_ref }) }).line;
    });
    const log = join(tmp, 'same-latest-ts.jsonl');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const f = verify(log).out.findings.find((x) => x.code === 'EXCEPTION_EXPIRED')!;
    expect(f.detail).toMatchObject({ chainTs: '2026-11-10T00:00:00.000Z', chainTsSeq: 2 });
    const out = JSON.parse(sel(['explain', log, '--repo', b.repo, '--seq', '4', '--policy', 'HEAD', '--format', 'json']).stdout) as { whatIf: { expired: unknown } };
    expect(out.whatIf.expired).toEqual(f);
  });

  it('sel explain of an intact event whose seq a fork\'s branch holds too: the branch\'s EXCEPTION_EXPIRED is not its own, and its replay is the same (from mutation testing)', () => {
    // Chain x with a seq 4 read first (an allow, linked to seq 3): the backdated seq 4 under
    // EXEXP is on a branch, and replay reports its EXCEPTION_EXPIRED at the branch's line.
    const lines = readFileSync(b.exception, 'utf8').trimEnd().split('\n');
    const third = JSON.parse(lines[3]!) as { hash: string; policy_hash: string };
    const first = new ChainWriter('x', { lastSeq: 3, lastHash: third.hash }).append({
      ts: '2026-11-11T00:00:00.000Z', kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git', n: 4 }, policy_hash: third.policy_hash,
      decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
    }).line;
    const log = join(tmp, 'fork-expired.jsonl');
    writeFileSync(log, `${[...lines.slice(0, 4), first, lines[4]].join('\n')}\n`);
    expect(codes(verify(log).out)).toContain('x/4 EXCEPTION_EXPIRED');
    const out = JSON.parse(sel(['explain', log, '--repo', b.repo, '--seq', '4', '--format', 'json']).stdout) as { location: { line: number }; matches: boolean; findings: { code: string; location: { line: number } }[] };
    expect(out.location.line).toBe(5);
    expect(out.findings.filter((x) => x.code === 'EXCEPTION_EXPIRED').map((x) => x.location.line)).toEqual([6]);
    expect(out.matches).toBe(true);
    expect(sel(['explain', log, '--repo', b.repo, '--seq', '4', '--no-color']).stdout).toContain('  replayed  allow  rule cap.coder  severity info  (the same)\n');
  });

  it('sel explain of a late arrival further back than the chain\'s time ring: its what-if is judged at the chain\'s time when it came, as replay judged it, not at the chain\'s last (found by review: a false EXCEPTION_EXPIRED)', () => {
    // Chain z: seq 5 (a warn under EXEXP, in force until 2026-11-05) held back, read after seq
    // 599, far past the 512 seqs the chain's time ring holds: replay judges it at the chain's
    // time then (2026-11-02). Two events of 2026-11-10 and 11 follow: the chain's time moves on.
    const policy = (JSON.parse(readFileSync(b.exception, 'utf8').split('\n')[0]!) as { policy_hash: string }).policy_hash;
    const w = new ChainWriter('z');
    const coder = (ts: string, n: number) => w.append({
      ts, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git', n }, policy_hash: policy, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
    }).line;
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const ts = new Date(Date.parse('2026-11-02T00:00:00.000Z') + i * 1000).toISOString();
      lines.push(i !== 5 ? coder(ts, i) : w.append({
        ts, kind: 'secret.inject', actor: { id: 'ops-bot', zone: 'executor' }, policy_hash: policy, exception_ref: 'ledger/exceptions/EXEXP.json',
        request: { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' },
        decision: { action: 'warn', rule: 'secrets.status-query', severity: 'low' },
      }).line);
    }
    lines.push(coder('2026-11-10T00:00:00.000Z', 600), coder('2026-11-11T00:00:00.000Z', 601));
    const log = join(tmp, 'far-late.jsonl');
    writeFileSync(log, `${[...lines.slice(0, 5), ...lines.slice(6, 600), lines[5], ...lines.slice(600)].join('\n')}\n`);
    const { out } = verify(log);
    expect(codes(out)).toEqual(['z/6 SEQ_GAP', 'z/5 SEQ_REORDER']);
    const explain = (extra: string[]) => sel(['explain', log, '--repo', b.repo, '--seq', '5', '--policy', 'HEAD', ...extra]);
    const json = explain(['--format', 'json']);
    expect(json.stderr).toBe('');
    const account = (JSON.parse(json.stdout) as { lines: { account?: { late: boolean; recorded: unknown; whatIf: { decision: unknown; expired: unknown } } }[] }).lines.find((x) => x.account !== undefined)!.account!;
    expect(account.late).toBe(true);
    expect(account.whatIf).toMatchObject({ decision: account.recorded, expired: null });
    const text = explain(['--no-color']).stdout;
    expect(text).toContain('  replayed  warn  rule secrets.status-query  severity low  (the same)\n');
    expect(text).toMatch(/\nwhat if --policy HEAD \(commit [0-9a-f]{12}\)\n {2}decision {2}warn {2}rule secrets\.status-query {2}severity low {2}\(as recorded\)\n/);
    expect(explain(['--format', 'json', '--jobs', '2', '--unit-bytes', '700']).stdout).toBe(json.stdout);
  });

  it('sel explain of a late arrival or a fork\'s branch whose exception a commit rewrote, or is not valid: said so, with its LEDGER_REWRITTEN or LEDGER_ARTIFACT_INVALID, as for an intact event (found by review: "(the same)", "not in the ledger", and no finding)', () => {
    // EXEXP expired on 2026-11-05; a later commit moves its expiry to 2027, and seq 4, dated
    // 2026-11-06, reads as in force under it.
    const g = buildBackdated(join(tmp, 'gov-rewritten'));
    const path = join(g.repo, 'ledger', 'exceptions', 'EXEXP.json');
    write(g.repo, { 'ledger/exceptions/EXEXP.json': `${JSON.stringify({ ...(JSON.parse(readFileSync(path, 'utf8')) as object), expires_at: '2027-01-01T00:00:00.000Z' }, null, 2)}\n` });
    commit(g.repo, 'ledger: EXEXP extended in place');
    const policy = (JSON.parse(readFileSync(g.exception, 'utf8').split('\n')[0]!) as { policy_hash: string }).policy_hash;
    const coder = (w: ChainWriter, i: number) => w.append({
      ts: `2026-11-06T0${i}:00:00.000Z`, kind: 'tool.invoke', actor: { id: 'coder', zone: 'executor' }, request: { tool: 'git', n: i }, policy_hash: policy, decision: { action: 'allow', rule: 'cap.coder', severity: 'info' },
    }).line;
    const status = (w: ChainWriter) => w.append({
      ts: '2026-11-06T04:00:00.000Z', kind: 'secret.inject', actor: { id: 'ops-bot', zone: 'executor' }, policy_hash: policy, exception_ref: 'ledger/exceptions/EXEXP.json',
      request: { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' },
      decision: { action: 'warn', rule: 'secrets.status-query', severity: 'low' },
    }).line;
    const rewrote = '  replayed  warn  rule secrets.status-query  severity low  (the same, under a ledger artifact a commit rewrote: LEDGER_REWRITTEN below)\n';
    const exception = '\n  exception ledger/exceptions/EXEXP.json: in force, and covers the request (covers); rewritten by a commit after it was added, and read as it is now (LEDGER_REWRITTEN below)\n';
    const finding = /\n {2}LEDGER_REWRITTEN at .*EXEXP\.json:1: commit [0-9a-f]{12} changed ledger\/exceptions\/EXEXP\.json/;
    const explain = (log: string, extra: string[]) => sel(['explain', log, '--repo', g.repo, '--seq', '4', '--reorder-window', '1', ...extra]);
    // Seq 4 alone late: the seq no intact event holds.
    const w = new ChainWriter('l');
    const lines = [0, 1, 2, 3].map((i) => coder(w, i));
    lines.push(status(w), coder(w, 5), coder(w, 6), coder(w, 7));
    const late = join(tmp, 'late-rewritten.jsonl');
    writeFileSync(late, `${[...lines.slice(0, 4), ...lines.slice(5), lines[4]].join('\n')}\n`);
    const lateText = explain(late, ['--no-color']);
    expect(lateText.status, lateText.stderr).toBe(0);
    expect(lateText.stdout).toContain('an event that came after its chain had gone on past its seq (SEQ_REORDER)');
    expect(lateText.stdout).toContain(rewrote);
    expect(lateText.stdout).toContain(exception);
    expect(lateText.stdout).toMatch(finding);
    const lateJson = explain(late, ['--format', 'json']).stdout;
    expect((JSON.parse(lateJson) as { findings: { code: string }[] }).findings.map((x) => x.code)).toContain('LEDGER_REWRITTEN');
    expect(explain(late, ['--format', 'json', '--jobs', '2', '--unit-bytes', '700']).stdout).toBe(lateJson);
    // Seq 4 on a fork's branch beside the intact seq 4 (which used no exception): said at the branch's event.
    const c = new ChainWriter('f');
    const chain = [0, 1, 2, 3, 4, 5].map((i) => coder(c, i));
    const forged = status(new ChainWriter('f', { lastSeq: 3, lastHash: (JSON.parse(chain[3]!) as { hash: string }).hash }));
    const fork = join(tmp, 'fork-rewritten.jsonl');
    writeFileSync(fork, `${[...chain, forged].join('\n')}\n`);
    const forkText = explain(fork, ['--no-color']);
    expect(forkText.status, forkText.stderr).toBe(0);
    expect(forkText.stdout).toContain('  replayed  allow  rule cap.coder  severity info  (the same)\n');
    expect(forkText.stdout).toContain(rewrote);
    expect(forkText.stdout).toContain(exception);
    expect(forkText.stdout.slice(forkText.stdout.indexOf('\nfindings at other lines with this seq\n'))).toMatch(finding);
    expect(forkText.stdout).toContain('\nfindings at this event\n  none\n');
    const forkJson = explain(fork, ['--format', 'json']).stdout;
    expect(JSON.parse(forkJson)).toMatchObject({ matches: true });
    expect((JSON.parse(forkJson) as { findings: { code: string }[] }).findings.map((x) => x.code)).toEqual(['CHAIN_FORK', 'LEDGER_REWRITTEN']);
    expect(explain(fork, ['--format', 'json', '--jobs', '2', '--unit-bytes', '700']).stdout).toBe(forkJson);
    // An exception in the ledger that is not valid reads as not found: said so, with its
    // LEDGER_ARTIFACT_INVALID (it said "not in the ledger", and listed no finding).
    write(g.repo, { 'ledger/exceptions/EXBAD.json': '{"v": "sel.exception/1"}\n' });
    commit(g.repo, 'ledger: an exception that is not valid');
    const x = new ChainWriter('b');
    const bad = [0, 1, 2, 3].map((i) => coder(x, i));
    bad.push(x.append({
      ts: '2026-11-06T04:00:00.000Z', kind: 'secret.inject', actor: { id: 'ops-bot', zone: 'executor' }, policy_hash: policy, exception_ref: 'ledger/exceptions/EXBAD.json',
      request: { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' },
      decision: { action: 'warn', rule: 'secrets.status-query', severity: 'low' },
    }).line, coder(x, 5), coder(x, 6));
    const lateBad = join(tmp, 'late-invalid.jsonl');
    writeFileSync(lateBad, `${[...bad.slice(0, 4), ...bad.slice(5), bad[4]].join('\n')}\n`);
    const badText = explain(lateBad, ['--no-color']);
    expect(badText.status, badText.stderr).toBe(0);
    expect(badText.stdout).toContain('\n  exception ledger/exceptions/EXBAD.json: in the ledger, but not valid, so not used (LEDGER_ARTIFACT_INVALID below) (not-found)\n');
    expect(badText.stdout).toMatch(/\n {2}LEDGER_ARTIFACT_INVALID at .*EXBAD\.json:1: /);
  });

  it('a review: a request resumed at a ts back inside its review\'s window, after an earlier event past its expiry, is REVIEW_EXPIRED', () => {
    const { status, out } = verify(b.review);
    expect(codes(out)).toEqual(['r/4 TS_REGRESSION', 'r/4 REVIEW_EXPIRED']);
    expect(status).toBe(1);
    const f = out.findings[1]!;
    expect(f.message).toMatch(/^recorded allow at ts 2026-11-04T12:00:00\.000Z, which goes back before seq 3's 2026-11-10T00:00:00\.000Z; at that time its review ledger\/reviews\/[0-9a-f]{64}\.json had expired \(expires_at 2026-11-05T00:00:00\.000Z\)$/);
    expect(f.expected).toEqual({ action: 'review', rule: 'secrets.npm-publish', severity: 'medium' });
    expect(f.actual).toEqual({ action: 'allow', rule: 'secrets.npm-publish', severity: 'medium' });
    expect(f.detail).toMatchObject({ status: 'expired', chainTs: '2026-11-10T00:00:00.000Z', chainTsSeq: 3 });
  });

  it('an exception whose review had expired at the chain\'s time is EXCEPTION_EXPIRED, naming the review', () => {
    const { out } = verify(b.exceptionReview);
    expect(codes(out)).toEqual(['y/4 TS_REGRESSION', 'y/4 EXCEPTION_EXPIRED']);
    expect(out.findings[1]!.message).toMatch(/at that time review ledger\/reviews\/[0-9a-f]{64}\.json, which exception ledger\/exceptions\/EXREV\.json names, had expired \(expires_at 2026-11-05T00:00:00\.000Z\)$/);
    expect(out.findings[1]!.detail).toMatchObject({ exception: 'ledger/exceptions/EXREV.json', status: 'expired' });
  });

  it('an exception used after its review expired, at the event\'s own ts, is EXCEPTION_EXPIRED (diverged: a gate with --no-divergence fails), not EXCEPTION_MISSING (found by review)', () => {
    const policy = sel(['policy', 'hash', b.repo]).stdout.trim();
    const w = new ChainWriter('z');
    const log = join(tmp, 'exception-review-later.jsonl');
    writeFileSync(log, `${w.append({
      ts: '2026-11-06T00:00:00.000Z', kind: 'secret.inject', actor: { id: 'ops-bot', zone: 'executor' }, policy_hash: policy,
      request: { tool: 'http.fetch', secret: 'STATUS_API_KEY', mode: 'query_param', url: 'https://status.example.net/api/incidents' },
      exception_ref: 'ledger/exceptions/EXREV.json', decision: { action: 'warn', rule: 'secrets.status-query', severity: 'low' },
    }).line}\n`);
    const { status, out } = verify(log);
    expect(codes(out)).toEqual(['z/0 EXCEPTION_EXPIRED']);
    expect(out.findings[0]!.message).toBe('recorded warn under exception ledger/exceptions/EXREV.json, whose review had expired at the event\'s ts');
    expect(out.findings[0]!.detail).toMatchObject({ exception: 'ledger/exceptions/EXREV.json', status: 'review-expired' });
    expect(out.summary.replay.events).toMatchObject({ diverged: 1, unverifiable: 0 });
    expect(status).toBe(1);
    expect(sel(['gate', log, '--repo', b.repo, '--no-divergence']).status).toBe(1);
  });

  it('a ts back by 1 ms, the artifacts in force at both times: only the regression', () => {
    const { status, out } = verify(b.small);
    expect(codes(out)).toEqual(['s/4 TS_REGRESSION', 's/5 TS_REGRESSION']);
    expect(status).toBe(0);
    expect(out.summary.replay.events).toMatchObject({ events: 6, matched: 6, diverged: 0 });
  });

  it('sel explain does not call such an event the same as replayed: it is, at its own ts only (found by review)', () => {
    for (const [log, chain, code] of [[b.review, 'r', 'REVIEW_EXPIRED'], [b.exception, 'x', 'EXCEPTION_EXPIRED']] as const) {
      const json = sel(['explain', log, '--repo', b.repo, '--seq', '4', '--format', 'json']);
      expect(json.stderr).toBe('');
      const out = JSON.parse(json.stdout) as { chain: string; recorded: unknown; replayed: unknown; matches: boolean; findings: { code: string }[] };
      expect(out.chain).toBe(chain);
      // The evaluator, at the event's ts, gives the recorded decision; replay does not agree.
      expect(out.replayed).toEqual(out.recorded);
      expect(out.matches).toBe(false);
      expect(out.findings.map((f) => f.code)).toContain(code);
      const text = sel(['explain', log, '--repo', b.repo, '--seq', '4', '--no-color']).stdout;
      expect(text).toContain(`(the same at its ts, not at the chain's time: ${code} below)`);
      expect(text).not.toMatch(/\(the same\)$/m);
    }
    // A ts back by 1 ms with every artifact in force at both times: the same.
    const small = JSON.parse(sel(['explain', b.small, '--repo', b.repo, '--seq', '4', '--format', 'json']).stdout) as { matches: boolean; findings: { code: string }[] };
    expect(small.findings.map((f) => f.code)).toEqual(['TS_REGRESSION']);
    expect(small.matches).toBe(true);
  });

  it('the same report on one thread, with --jobs N (units of a line or two), and sharded then merged', () => {
    const one = verify(b.all, ['--jobs', '1']);
    expect(codes(one.out)).toEqual([
      'x/4 TS_REGRESSION', 'x/4 EXCEPTION_EXPIRED', 'r/4 TS_REGRESSION', 'r/4 REVIEW_EXPIRED',
      'y/4 TS_REGRESSION', 'y/4 EXCEPTION_EXPIRED', 's/4 TS_REGRESSION', 's/5 TS_REGRESSION',
    ]);
    for (const jobs of [['--jobs', '2', '--unit-bytes', '300'], ['--jobs', '3', '--unit-bytes', '700'], ['--jobs', '2']]) {
      expect(verify(b.all, jobs).text, jobs.join(' ')).toBe(one.text);
    }
    const dir = join(tmp, 'shards');
    mkdirSync(dir, { recursive: true });
    for (const n of [2, 3]) {
      const files = Array.from({ length: n }, (_, i) => join(dir, `${n}-${i + 1}.shard`));
      files.forEach((f, i) => expect(sel(['verify', b.all, '--repo', b.repo, '--shard', `${i + 1}/${n}`, '--shard-out', f]).status).toBe(0));
      const m = sel(['merge', ...files, '--repo', b.repo, '--format', 'json']);
      expect(m.stderr).toBe('');
      expect(m.stdout, `${n} shards`).toBe(one.text);
      expect(m.status).toBe(1);
    }
  });

  it('every unit in a worker, down to units of one line: the windows cross with the matches, and the one-thread result', async () => {
    const one = await verifyWithReplay([b.all], b.repo, 'HEAD', { jobs: 1 });
    expect(one.result.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['EXCEPTION_EXPIRED', 'REVIEW_EXPIRED', 'EXCEPTION_EXPIRED']);
    for (const unitBytes of [1, 300, 1500]) {
      const many = await verifyWithReplay([b.all], b.repo, 'HEAD', { jobs: 2, unitBytes, mainThreadUnits: false });
      expect(many.result, `units of ${unitBytes} bytes`).toEqual(one.result);
      expect(many.replay).toEqual(one.replay);
    }
  });
});

describe('after a checkpoint, a resumed chain goes on at the time the earlier run left it', () => {
  // The first four events verified and checkpointed; then the backdated fifth is appended.
  const resumed = (log: string, jobs: string) => {
    const dir = mkdtempSync(join(tmp, 'resume-'));
    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(5);
    const file = join(dir, 'audit.jsonl');
    const cp = join(dir, 'cp.json');
    writeFileSync(file, `${lines.slice(0, 4).join('\n')}\n`);
    const first = verify(file, ['--checkpoint', cp, '--jobs', jobs]);
    expect(codes(first.out)).toEqual([]);
    const saved = JSON.parse(readFileSync(cp, 'utf8')) as { v: string; chains: unknown[] };
    appendFileSync(file, `${lines[4]}\n`);
    const r = sel(['verify', file, '--repo', b.repo, '--format', 'json', '--checkpoint', cp, '--jobs', jobs]);
    expect(r.stderr).toBe(`sel: checkpoint ${cp} not advanced: the run has errors\n`);
    return { saved, second: { status: r.status, out: JSON.parse(r.stdout) as Out } };
  };

  for (const jobs of ['1', '2']) {
    it(`a backdated event right after the resume: TS_REGRESSION against the last verified ts, EXCEPTION_EXPIRED at the chain's time (--jobs ${jobs})`, () => {
      const { saved, second } = resumed(b.exception, jobs);
      expect(saved.v).toBe('sel.checkpoint/2');
      expect(saved.chains).toEqual([{
        chain: 'x', next: 4, parent: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        last: { seq: 3, ts: '2026-11-10T00:00:00.000Z' }, latest: { seq: 3, ts: '2026-11-10T00:00:00.000Z' },
      }]);
      expect(codes(second.out)).toEqual(['x/4 TS_REGRESSION', 'x/4 EXCEPTION_EXPIRED']);
      expect(second.status).toBe(1);
      expect(second.out.findings[1]!.detail).toMatchObject({ chainTs: '2026-11-10T00:00:00.000Z', chainTsSeq: 3 });
    });
  }

  it('a review the same way: REVIEW_EXPIRED after the resume', () => {
    const { second } = resumed(b.review, '1');
    expect(codes(second.out)).toEqual(['r/4 TS_REGRESSION', 'r/4 REVIEW_EXPIRED']);
  });

  it('a run that fails only by --fail-on (a TS_REGRESSION warning) does not advance the checkpoint: run again, it fails again (found by review)', () => {
    const dir = mkdtempSync(join(tmp, 'resume-fail-on-'));
    const file = join(dir, 'audit.jsonl');
    const cp = join(dir, 'cp.json');
    writeFileSync(file, readFileSync(b.small));
    for (let i = 0; i < 2; i++) {
      const r = sel(['verify', file, '--repo', b.repo, '--format', 'json', '--checkpoint', cp, '--fail-on', 'warning']);
      expect(r.stderr).toBe(`sel: checkpoint ${cp} not advanced: the run fails (--fail-on warning)\n`);
      expect(r.status, `run ${i + 1}`).toBe(1);
      expect(codes(JSON.parse(r.stdout) as Out)).toEqual(['s/4 TS_REGRESSION', 's/5 TS_REGRESSION']);
    }
  });

  /** The first three events of chain s checkpointed (by `first`), then the rest appended. */
  const split = (first: string[]) => {
    const dir = mkdtempSync(join(tmp, 'split-'));
    const lines = readFileSync(b.small, 'utf8').split('\n').filter((l) => l.length > 0);
    const file = join(dir, 'audit.jsonl');
    const cp = join(dir, 'cp.json');
    writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n`);
    const r = sel(['verify', file, '--checkpoint', cp, ...first]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    appendFileSync(file, `${lines.slice(3).join('\n')}\n`);
    return { file, cp, lines, saved: JSON.parse(readFileSync(cp, 'utf8')) as { v: string; replay: unknown; chains: Record<string, unknown>[] } };
  };
  const notesOf = (o: Out) => (o.summary.replay as unknown as { notes: string[] }).notes;

  it('a checkpoint records the commit its events were replayed against; a run with --repo at that commit resumes from it', () => {
    const { file, cp, lines, saved } = split(['--repo', b.repo]);
    expect(saved.replay).toEqual({ commit: git(b.repo, 'rev-parse', 'HEAD') });
    const second = verify(file, ['--checkpoint', cp]);
    expect(second.out.summary.replay.events).toMatchObject({ events: lines.length - 3 });
    expect(notesOf(second.out)).toEqual([]);
  });

  it('written by a run without --repo, it does not stand for replay: a run with --repo verifies everything, and says why', () => {
    const { file, cp, lines, saved } = split([]);
    expect(saved.replay).toBeNull();
    const note = `checkpoint ${cp} covers events that were not replayed (written by a run without --repo, or by an older sel): verifying everything from the start`;
    // In the report's notes, and on standard error (sarif, junit and github show no notes).
    const second = verify(file, ['--checkpoint', cp], `sel: ${note}\n`);
    expect(second.out.summary.replay.events).toMatchObject({ events: lines.length, matched: lines.length });
    expect(notesOf(second.out)).toEqual([note]);
    // The checkpoint it writes stands for replay from now on.
    expect(JSON.parse(readFileSync(cp, 'utf8'))).toMatchObject({ replay: { commit: git(b.repo, 'rev-parse', 'HEAD') } });
    // Without --repo, such a checkpoint is resumed from as before.
    const { file: f2, cp: cp2, lines: l2 } = split([]);
    const integrity = JSON.parse(sel(['verify', f2, '--checkpoint', cp2, '--format', 'json']).stdout) as { summary: { events: number } };
    expect(integrity.summary.events).toBe(l2.length - 3);
  });

  it('replayed against a commit the history verified now does not hold (rewritten since): everything again; a later commit on top of it: resumed', () => {
    const repo = join(tmp, 'rewritten');
    git(tmp, 'clone', '-q', b.repo, repo);
    const { file, cp, lines } = split(['--repo', repo]);
    const saved = readFileSync(cp, 'utf8');
    // A commit on top: the checkpoint's commit is an ancestor, the run resumes.
    write(repo, { 'README.md': 'later\n' });
    commit(repo, 'later');
    const onTop = JSON.parse(sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'json']).stdout) as Out;
    expect(onTop.summary.replay.events).toMatchObject({ events: lines.length - 3 });
    // The same checkpoint, after the history was rewritten (the commit amended away).
    writeFileSync(cp, saved);
    const replayedAt = (JSON.parse(saved) as { replay: { commit: string } }).replay.commit;
    git(repo, 'reset', '-q', '--hard', 'HEAD~1');
    git(repo, 'commit', '-q', '--amend', '-m', 'rewritten');
    git(repo, 'reflog', 'expire', '--expire=now', '--all');
    const r = sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'sarif']);
    const note = `checkpoint ${cp} covers events replayed against commit ${replayedAt}, which is not in the history of ${git(repo, 'rev-parse', 'HEAD')}: verifying everything from the start`;
    expect(r.stderr).toBe(`sel: ${note}\n`);
    writeFileSync(cp, saved);
    const rewritten = JSON.parse(sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'json']).stdout) as Out;
    expect(rewritten.summary.replay.events).toMatchObject({ events: lines.length });
    expect(notesOf(rewritten)).toEqual([note]);
  });

  it('an anchor added since the checkpoint\'s commit, for an event the checkpoint covers: everything again (the incremental run cannot check it), as a full run reports it', () => {
    const repo = join(tmp, 'anchored-later');
    git(tmp, 'clone', '-q', b.repo, repo);
    const { file, cp, lines } = split(['--repo', repo]);
    const saved = readFileSync(cp, 'utf8');
    const replayedAt = (JSON.parse(saved) as { replay: { commit: string } }).replay.commit;
    // An anchor for seq 1 (which the checkpoint verified) that the log does not match, committed after it.
    const anchor = (seq: number, hash: string) => `${JSON.stringify({ v: 'sel.anchor/1', chain: 's', seq, hash, ts: '2026-12-01T00:00:00.000Z' }, null, 2)}\n`;
    write(repo, { 'ledger/anchors/s/1.json': anchor(1, `sha256:${'0'.repeat(64)}`) });
    const head = commit(repo, 'anchor seq 1');
    const full = JSON.parse(sel(['verify', file, '--repo', repo, '--format', 'json']).stdout) as Out;
    expect(codes(full)).toContain('s/1 ANCHOR_MISMATCH');
    const r = sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    const resumed = JSON.parse(r.stdout) as Out;
    expect(codes(resumed)).toEqual(codes(full));
    expect(resumed.summary.replay.events).toMatchObject({ events: lines.length });
    const note = `checkpoint ${cp} covers events replayed against commit ${replayedAt}, but the ledger at ${head} has anchors for them added since (ledger/anchors/s/1.json): verifying everything from the start`;
    expect(notesOf(resumed)).toEqual([note]);
    expect(r.stderr).toBe(`sel: ${note}\nsel: checkpoint ${cp} not advanced: the run has errors\n`);
    expect(r.status).toBe(1);
    expect(readFileSync(cp, 'utf8')).toBe(saved);
    // An anchor added since for an event the run reads: it resumes.
    git(repo, 'reset', '-q', '--hard', 'HEAD~1');
    write(repo, { [`ledger/anchors/s/${lines.length - 1}.json`]: anchor(lines.length - 1, (JSON.parse(lines[lines.length - 1]!) as { hash: string }).hash) });
    commit(repo, 'anchor the last seq');
    const later = JSON.parse(sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'json']).stdout) as Out;
    expect(codes(later).filter((c) => c.endsWith('ANCHOR_MISMATCH'))).toEqual([]);
    expect(later.summary.replay.events).toMatchObject({ events: lines.length - 3 });
    expect(notesOf(later)).toEqual([]);
  });

  it('an anchor added since the checkpoint\'s commit where that commit had an empty tree of its name: added since, everything again (from mutation testing)', () => {
    // Git writes no empty tree, but a hand-made commit can hold one: the ledger reads nothing
    // there, and no file under ledger/ changed or was deleted when a blob took its place, so
    // only the look-up at the checkpoint's commit tells the anchor is new.
    const repo = join(tmp, 'anchored-over-empty-tree');
    git(tmp, 'clone', '-q', b.repo, repo);
    const mktree = (entries: string[]) => execFileSync('git', ['-C', repo, 'mktree'], { input: entries.map((e) => `${e}\n`).join(''), encoding: 'utf8' }).trim();
    const entriesOf = (treeish: string) => {
      const at = git(repo, 'cat-file', '-t', treeish.replace(/:$/, '')) === 'tree' ? git(repo, 'ls-tree', treeish) : '';
      return at.split('\n').filter((l) => l.length > 0);
    };
    /** `tree` (a rev:path) with `entry` put at the path `parts` under it, made with git mktree. */
    const put = (tree: string | null, parts: string[], entry: (name: string) => string): string => {
      const [name, ...rest] = parts as [string, ...string[]];
      const old = tree === null ? [] : entriesOf(tree);
      const kept = old.filter((l) => l.split('\t')[1] !== name);
      const sub = old.find((l) => l.split('\t')[1] === name);
      const line = rest.length === 0 ? entry(name) : `040000 tree ${put(sub === undefined ? null : sub.split(/\s/)[2]!, rest, entry)}\t${name}`;
      return mktree([...kept, line]);
    };
    const empty = mktree([]);
    const root = put('HEAD^{tree}', ['ledger', 'anchors', 's', '1.json'], (name) => `040000 tree ${empty}\t${name}`);
    const held = execFileSync('git', ['-C', repo, 'commit-tree', root, '-p', 'HEAD', '-m', 'an empty tree named 1.json'], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();
    git(repo, 'reset', '-q', '--hard', held);
    const { file, cp } = split(['--repo', repo]);
    const anchor = `${JSON.stringify({ v: 'sel.anchor/1', chain: 's', seq: 1, hash: `sha256:${'0'.repeat(64)}`, ts: '2026-12-01T00:00:00.000Z' }, null, 2)}\n`;
    git(repo, 'rm', '-r', '-q', '--cached', '--ignore-unmatch', 'ledger/anchors/s/1.json');
    write(repo, { 'ledger/anchors/s/1.json': anchor });
    const head = commit(repo, 'anchor seq 1, where the empty tree was');
    const full = JSON.parse(sel(['verify', file, '--repo', repo, '--format', 'json']).stdout) as Out;
    expect(codes(full)).toContain('s/1 ANCHOR_MISMATCH');
    const r = sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    const resumed = JSON.parse(r.stdout) as Out;
    expect(codes(resumed)).toEqual(codes(full));
    expect(notesOf(resumed)).toEqual([`checkpoint ${cp} covers events replayed against commit ${held}, but the ledger at ${head} has anchors for them added since (ledger/anchors/s/1.json): verifying everything from the start`]);
    expect(r.status).toBe(1);
  });

  it('an anchor added since the checkpoint\'s commit for the first event the resumed run reads (the chain\'s next seq): it resumes, and checks it (from mutation testing)', () => {
    const repo = join(tmp, 'anchored-next');
    git(tmp, 'clone', '-q', b.repo, repo);
    const { file, cp, lines } = split(['--repo', repo]);
    const next = lines.length - 3;
    const anchor = (hash: string) => `${JSON.stringify({ v: 'sel.anchor/1', chain: 's', seq: next, hash, ts: '2026-12-01T00:00:00.000Z' }, null, 2)}\n`;
    write(repo, { [`ledger/anchors/s/${next}.json`]: anchor(`sha256:${'0'.repeat(64)}`) });
    commit(repo, 'anchor the next seq, wrongly');
    const r = sel(['verify', file, '--repo', repo, '--checkpoint', cp, '--format', 'json']);
    const resumed = JSON.parse(r.stdout) as Out;
    expect(notesOf(resumed)).toEqual([]);
    expect(resumed.summary.replay.events).toMatchObject({ events: 3 });
    expect(codes(resumed).filter((c) => c.endsWith('ANCHOR_MISMATCH'))).toEqual([`s/${next} ANCHOR_MISMATCH`]);
  });

  it('a sel.checkpoint/1 file (no times, no word on replay) is still read: resumed without --repo, everything again with it; the checkpoint written after is /2', () => {
    const { file, cp, lines, saved } = split([]);
    const v1 = { v: 'sel.checkpoint/1', files: (saved as unknown as { files: unknown }).files, chains: saved.chains.map(({ chain, next, parent }) => ({ chain, next, parent })) };
    writeFileSync(cp, JSON.stringify(v1));
    const integrity = sel(['verify', file, '--checkpoint', cp, '--format', 'json']);
    expect(integrity.status).toBe(0);
    expect((JSON.parse(integrity.stdout) as { summary: { events: number } }).summary.events).toBe(lines.length - 3);
    expect(JSON.parse(readFileSync(cp, 'utf8'))).toMatchObject({ v: 'sel.checkpoint/2', replay: null, chains: [{ chain: 's', next: lines.length }] });
    writeFileSync(cp, JSON.stringify(v1));
    const replayed = verify(file, ['--checkpoint', cp], `sel: checkpoint ${cp} covers events that were not replayed (written by a run without --repo, or by an older sel): verifying everything from the start\n`);
    expect(replayed.out.summary.replay.events).toMatchObject({ events: lines.length, matched: lines.length });
    expect(notesOf(replayed.out)).toHaveLength(1);
  });
});
