/**
 * `sel verify --shard I/N` + `sel merge` gives exactly the single-run report: byte-identical
 * output for every shard count, with faults dense enough that shard boundaries land on them
 * (checked, so the test cannot pass vacuously), over several files, integrity-only and with
 * replay; and a damaged, incomplete or mixed set of shard results is refused, never merged.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGovernanceRepo, type GovernanceSample } from '../../ledger-samples/governance.js';
import { CLI, expectOneSentence, sel } from '../helpers/cli.js';
import { chainLines, interleavedLines } from '../helpers/chains.js';
import { runShard } from '../../src/shard/shard.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/verifier.js';
import { VERSION } from '../../src/version.js';
import { columnsAt, joinShard, splitShard } from '../helpers/shard-file.js';
import { buildBackdated } from '../helpers/backdated.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-shards-'));
let gov: GovernanceSample;
let faulty: string;
let rotated: string;
let seq = 0;

beforeAll(() => {
  gov = buildGovernanceRepo(join(tmp, 'governance'));
  // 3 chains x 150 events; a fault every few lines, of every kind the chain check has.
  const lines = interleavedLines(150, ['a', 'b', 'c']);
  for (let i = 5; i < lines.length; i += 23) lines[i] = lines[i]!.replace('"action":"', '"action":"x'); // hash mismatch
  for (let i = 40; i < lines.length - 10; i += 61) [lines[i], lines[i + 3]] = [lines[i + 3]!, lines[i]!]; // reorder
  for (let i = 420; i > 0; i -= 97) lines.splice(i, 1); // gaps
  for (let i = 30; i < lines.length; i += 89) lines.splice(i, 0, lines[i - 6]!); // duplicates
  for (let i = 77, k = 0; i < lines.length; i += 131, k++) lines.splice(i, 0, k % 2 === 0 ? '{"not":"an event"}' : '{"not": json'); // holes
  lines.splice(200, 0, ''); // an empty line
  lines.splice(260, 0, `{"pad":"${'x'.repeat(5000)}"}`); // over --max-line-bytes 4096
  lines[300] = `${lines[300]!}\r`; // CR before LF
  faulty = join(tmp, 'faulty.jsonl');
  writeFileSync(faulty, lines.join('\n')); // and a torn last line
  rotated = join(tmp, 'rotated');
  mkdirSync(rotated);
  const src = join(import.meta.dirname, '..', '..', 'ledger-samples', 'logs', 'rotated');
  for (const f of readdirSync(src)) copyFileSync(join(src, f), join(rotated, f));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ok = (args: string[]): string => {
  const r = sel(args);
  expect(r.stderr, r.stderr).toBe('');
  return r.stdout;
};

/** Runs n shards and merges them; returns the merged report and the shard files. */
function sharded(logs: string[], n: number, extra: string[] = [], mergeExtra: string[] = []): { out: string; status: number | null; files: string[] } {
  const dir = join(tmp, `run-${seq++}`);
  mkdirSync(dir);
  const files: string[] = [];
  for (let i = n; i >= 1; i--) {
    const out = join(dir, `shard-${i}.jsonl`);
    const r = sel(['verify', ...logs, '--shard', `${i}/${n}`, '--shard-out', out, ...extra]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    files.push(out);
  }
  const m = sel(['merge', ...files, ...mergeExtra]);
  expect(m.stderr).toBe('');
  return { out: m.stdout, status: m.status, files };
}

interface Loc { code: string; location: { file: string; line: number } | null }

describe('sharded verification', () => {
  it('integrity-only: every shard count gives the single run\'s report, faults on shard boundaries included', () => {
    const opts = ['--max-line-bytes', '4096'];
    const one = ok(['verify', faulty, '--format', 'json', ...opts]);
    const findings = (JSON.parse(one) as { findings: Loc[] }).findings;
    const codes = new Set(findings.map((f) => f.code));
    for (const c of ['HASH_MISMATCH', 'SEQ_REORDER', 'SEQ_GAP', 'SEQ_DUPLICATE', 'LINE_INVALID_JSON', 'EVENT_VERSION_UNKNOWN', 'LINE_EMPTY', 'LINE_TOO_LONG', 'LINE_TORN']) expect(codes).toContain(c);
    let onBoundary = 0;
    for (const n of [2, 4, 9, 19]) {
      const r = sharded([faulty], n, opts, ['--format', 'json']);
      expect(r.out, `${n} shards`).toBe(one);
      // Where each shard started: a finding on a shard's first line means a fault straddled a cut.
      const starts = r.files.map((f) => JSON.parse(readFileSync(f, 'utf8').split('\n', 1)[0]!) as { shard: number; files: { start: number }[] });
      const bytes = readFileSync(faulty);
      for (const s of starts) {
        if (s.shard === 0) continue;
        const line = bytes.subarray(0, s.files[0]!.start).filter((b) => b === 0x0a).length + 1;
        if (findings.some((f) => f.location?.line === line || f.location?.line === line - 1)) onBoundary++;
      }
    }
    expect(onBoundary).toBeGreaterThanOrEqual(4);
  });

  it('text, SARIF and JUnit reports are byte-identical too, and the exit status is the same', () => {
    const single = sel(['verify', faulty, '--format', 'sarif']);
    const r = sharded([faulty], 4, [], ['--format', 'sarif']);
    expect(r.out).toBe(single.stdout);
    expect(r.status).toBe(single.status);
    expect(r.status).toBe(1);
    const files = sharded([faulty], 3).files;
    for (const format of ['text', 'junit', 'jsonl']) {
      expect(sel(['merge', ...files, '--format', format]).stdout).toBe(sel(['verify', faulty, '--format', format]).stdout);
    }
    // The report flags are the merge's, as they are verify's (from mutation testing: a merge
    // that dropped --fail-on or --max-findings gave another report or exit status).
    for (const flags of [['--fail-on', 'never'], ['--max-findings', '3'], ['--fail-on', 'note', '--max-findings', '0']]) {
      const m = sel(['merge', ...files, '--format', 'json', ...flags]);
      const v = sel(['verify', faulty, '--format', 'json', ...flags]);
      expect(m.stdout, flags.join(' ')).toBe(v.stdout);
      expect(m.status, flags.join(' ')).toBe(v.status);
    }
    expect(sel(['verify', faulty, '--fail-on', 'never']).status).toBe(0);
    // The chain check runs in the merge, so its options are the merge's.
    const lines = chainLines(40);
    lines.splice(30, 0, ...lines.splice(3, 1)); // seq 3 arrives 27 events late
    const late = join(tmp, 'late.jsonl');
    writeFileSync(late, `${lines.join('\n')}\n`);
    const narrow = sel(['verify', late, '--format', 'json', '--reorder-window', '4']).stdout;
    expect(narrow).not.toBe(sel(['verify', late, '--format', 'json']).stdout);
    expect(sharded([late], 2, [], ['--format', 'json', '--reorder-window', '4']).out).toBe(narrow);
  });

  it('over several files: a shard may hold parts of two files, or none of one', () => {
    const one = ok(['verify', rotated, '--format', 'json']);
    expect(JSON.parse(one).summary.files).toHaveLength(3);
    for (const n of [2, 4, 5]) expect(sharded([rotated], n, [], ['--format', 'json']).out, `${n} shards`).toBe(one);
  });

  it('a shard checks its part with --jobs N: the same shard result, byte for byte, on any number of threads', () => {
    const opts = ['--max-line-bytes', '4096'];
    const one = ok(['verify', faulty, '--format', 'json', ...opts]);
    // Small units, so that every shard's part is many units and cuts land on the faults. The
    // cuts depend on the unit size, never on the threads: so does the result file.
    for (const unit of ['1', '97', '4096']) {
      const base = sharded([faulty], 3, [...opts, '--jobs', '1', '--unit-bytes', unit], ['--format', 'json']);
      expect(base.out, `--jobs 1 --unit-bytes ${unit}`).toBe(one);
      for (const jobs of ['2', '3']) {
        const r = sharded([faulty], 3, [...opts, '--jobs', jobs, '--unit-bytes', unit], ['--format', 'json']);
        expect(r.out, `--jobs ${jobs} --unit-bytes ${unit}`).toBe(one);
        r.files.forEach((f, i) => expect(readFileSync(f).equals(readFileSync(base.files[i]!)), `shard file ${i}, --jobs ${jobs} --unit-bytes ${unit}`).toBe(true));
      }
    }
    const rotatedOne = ok(['verify', rotated, '--format', 'json']);
    expect(sharded([rotated], 2, ['--jobs', '2', '--unit-bytes', '300'], ['--format', 'json']).out).toBe(rotatedOne);
    const replayed = ok(['verify', gov.incident, '--repo', gov.repo, '--format', 'json']);
    expect(sharded([gov.incident], 2, ['--repo', gov.repo, '--jobs', '2', '--unit-bytes', '512'], ['--repo', gov.repo, '--format', 'json']).out).toBe(replayed);
  });

  it('the merge replays at the commit the shards resolved, not where the repository is now; a shard says how many lines it checked (from mutation testing)', () => {
    const repo = join(tmp, 'moved-on');
    expect(spawnSync('git', ['clone', '-q', gov.repo, repo]).status).toBe(0);
    const one = ok(['verify', gov.incident, '--repo', repo, '--format', 'json']);
    const dir = join(tmp, 'moved-on-shards');
    mkdirSync(dir);
    const files = [1, 2].map((i) => join(dir, `s${i}`));
    files.forEach((f, i) => expect(sel(['verify', gov.incident, '--repo', repo, '--shard', `${i + 1}/2`, '--shard-out', f]).status).toBe(0));
    // Every line of the part, the empty one and the torn last one included.
    const whole = join(dir, 'whole');
    const lines = readFileSync(faulty, 'utf8').split('\n').length;
    expect(sel(['verify', faulty, '--shard', '1/1', '--shard-out', whole]).stderr).toBe(`sel: shard 1/1: ${lines} lines checked, written to ${whole}; run sel merge on all 1 shard results\n`);
    // HEAD moves on after the shards ran: the merge still replays at their commit.
    expect(spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'later']).status).toBe(0);
    const m = sel(['merge', ...files, '--repo', repo, '--format', 'json']);
    expect(m.stderr).toBe('');
    expect(m.stdout).toBe(one);
  });

  it('with replay: divergences, unknown policies, anchors and the truncated tail as in one run', () => {
    for (const log of [gov.clean, gov.incident]) {
      const one = ok(['verify', log, '--repo', gov.repo, '--format', 'json']);
      for (const n of [3, 4]) {
        expect(sharded([log], n, ['--repo', gov.repo], ['--repo', gov.repo, '--format', 'json']).out, `${log}, ${n} shards`).toBe(one);
      }
    }
    const incident = JSON.parse(ok(['verify', gov.incident, '--repo', gov.repo, '--format', 'json'])) as { findings: { code: string }[] };
    expect(incident.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['DECISION_DIVERGENCE', 'POLICY_UNKNOWN', 'LOG_TRUNCATED']));
  });
  it('with replay: a review or exception judged at the chain\'s time, its window carried in the shard result', () => {
    const b = buildBackdated(join(tmp, 'backdated'));
    const one = ok(['verify', b.all, '--repo', b.repo, '--format', 'json']);
    const codes = (JSON.parse(one) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(codes.filter((c) => c.endsWith('_EXPIRED'))).toEqual(['EXCEPTION_EXPIRED', 'REVIEW_EXPIRED', 'EXCEPTION_EXPIRED']);
    for (const n of [2, 3, 5]) {
      const r = sharded([b.all], n, ['--repo', b.repo, '--unit-bytes', '300'], ['--repo', b.repo, '--format', 'json']);
      expect(r.out, `${n} shards`).toBe(one);
      expect(r.status).toBe(1);
    }
    // --fail-on is the merge's with replay too (from mutation testing).
    const never = sel(['verify', b.all, '--repo', b.repo, '--format', 'json', '--fail-on', 'never']);
    expect(never.status).toBe(0);
    const mergedNever = sharded([b.all], 2, ['--repo', b.repo], ['--repo', b.repo, '--format', 'json', '--fail-on', 'never']);
    expect([mergedNever.out, mergedNever.status]).toEqual([never.stdout, 0]);
    // A window damaged in a result whose digest was made to match again is refused, not judged.
    const r = sharded([b.all], 1, ['--repo', b.repo], ['--repo', b.repo, '--format', 'json']);
    expect(r.out).toBe(one);
    const parts = splitShard(readFileSync(r.files[0]!));
    const cut = join(tmp, 'backdated-resealed.jsonl');
    type Relied = { decision: Record<string, unknown>; artifacts: Record<string, unknown>[] };
    const relied = (m: Record<string, unknown>): Relied[] =>
      (m['extra'] as { replay?: { type: string; relied?: Relied } }[]).flatMap((x) => (x.replay?.type === 'matched' && x.replay.relied !== undefined ? [x.replay.relied] : []));
    expect(parts.blocks.flatMap((x) => relied(x.meta))).toHaveLength(5);
    // Resealed unchanged, it merges as before: each refusal below is its edit's.
    writeFileSync(cut, joinShard(parts));
    expect(sel(['merge', cut, '--repo', b.repo, '--format', 'json']).stdout).toBe(one);
    const edits: [string, (w: Relied) => void][] = [
      ['no artifact', (w) => (w.artifacts = [])],
      ['an until that is not a string', (w) => (w.artifacts[0]!['until'] = 5)],
      ['an unknown kind', (w) => (w.artifacts[0]!['kind'] = 'anchor')],
      ['an exception without its review', (w) => delete w.artifacts.find((a) => a['kind'] === 'exception')!['review']],
      ['a member sel does not write', (w) => (w.decision['extra'] = 1)],
      // From mutation testing: each of these was judged as if it were one sel wrote.
      ['three artifacts', (w) => w.artifacts.push(w.artifacts[0]!, w.artifacts[0]!)],
      ['an artifact whose decision without it is not a decision', (w) => (w.artifacts[0]!['without'] = 'allow')],
      ['a review that names a review of its own', (w) => (w.artifacts.find((a) => a['kind'] === 'exception')!['kind'] = 'review')],
      ['a window with a member sel does not write', (w) => (w.artifacts[0]!['note'] = 'x')],
    ];
    for (const [what, edit] of edits) {
      const copy = structuredClone(parts);
      copy.blocks.forEach((x, i) => (x.columns = parts.blocks[i]!.columns));
      edit(copy.blocks.flatMap((x) => relied(x.meta)).find((w) => w.artifacts.some((a) => a['kind'] === 'exception'))!);
      writeFileSync(cut, joinShard(copy));
      expect(expectOneSentence(sel(['merge', cut, '--repo', b.repo, '--format', 'json'])), what).toMatch(/is malformed/);
    }
    // A review's kind changed to one sel does not write: refused for its kind alone (the unknown
    // kind above is an exception's, which its review refuses too; from mutation testing).
    const anchor = structuredClone(parts);
    anchor.blocks.forEach((x, i) => (x.columns = parts.blocks[i]!.columns));
    anchor.blocks.flatMap((x) => relied(x.meta)).flatMap((w) => w.artifacts).find((a) => a['kind'] === 'review')!['kind'] = 'anchor';
    writeFileSync(cut, joinShard(anchor));
    expect(expectOneSentence(sel(['merge', cut, '--repo', b.repo, '--format', 'json']))).toMatch(/is malformed/);
    // A match with a member sel does not write beside its window (from mutation testing).
    const matched = structuredClone(parts);
    matched.blocks.forEach((x, i) => (x.columns = parts.blocks[i]!.columns));
    (matched.blocks.flatMap((x) => x.meta['extra'] as { replay?: Record<string, unknown> }[]).find((x) => x.replay?.['type'] === 'matched')!.replay!)['note'] = 'x';
    writeFileSync(cut, joinShard(matched));
    expect(expectOneSentence(sel(['merge', cut, '--repo', b.repo, '--format', 'json']))).toMatch(/is malformed/);
  });
});

describe('shard results that cannot be merged are refused', () => {
  let files: string[];
  beforeAll(() => {
    // Small units: each result is several blocks. files[0] is shard 4/4, files[3] is shard 1/4.
    files = sharded([faulty], 4, ['--unit-bytes', '4096']).files;
  });
  const refuse = (args: string[]): string => expectOneSentence(sel(args));

  it('an incomplete set', () => {
    expect(refuse(['merge', ...files.slice(1)])).toMatch(/not one complete set: expected shards 1\.\.4 of 4, got 1\/4, 2\/4, 3\/4/);
    expect(refuse(['merge', ...files, files[0]!])).toMatch(/not one complete set/);
    // A shard given twice in another's place (from mutation testing).
    expect(refuse(['merge', files[3]!, files[2]!, files[2]!, files[0]!])).toMatch(/not one complete set: expected shards 1\.\.4 of 4, got 1\/4, 2\/4, 2\/4, 4\/4/);
  });

  it('shards of different runs', () => {
    const other = join(tmp, 'other-4.jsonl');
    expect(sel(['verify', gov.clean, '--shard', '4/4', '--shard-out', other]).status).toBe(0);
    expect(refuse(['merge', other, ...files.slice(1)])).toMatch(/different runs/);
    expect(sel(['verify', faulty, '--shard', '4/4', '--shard-out', other, '--max-line-bytes', '4096']).status).toBe(0);
    expect(refuse(['merge', other, ...files.slice(1)])).toMatch(/different runs/);
    // From mutation testing: another --max-depth, another ref, another list of skipped entries.
    // Each merged would be a report no single run gives (at two refs, a truncated log passed).
    expect(sel(['verify', faulty, '--shard', '4/4', '--shard-out', other, '--unit-bytes', '4096', '--max-depth', '2']).status).toBe(0);
    expect(refuse(['merge', other, ...files.slice(1)])).toMatch(/different runs/);
    const [a, b] = [join(tmp, 'differ-1'), join(tmp, 'differ-2')];
    const older = spawnSync('git', ['-C', gov.repo, 'rev-parse', 'HEAD~2'], { encoding: 'utf8' }).stdout.trim();
    expect(sel(['verify', gov.clean, '--repo', gov.repo, '--ref', older, '--shard', '1/2', '--shard-out', a]).status).toBe(0);
    expect(sel(['verify', gov.clean, '--repo', gov.repo, '--shard', '2/2', '--shard-out', b]).status).toBe(0);
    expect(refuse(['merge', a, b, '--repo', gov.repo])).toMatch(/different runs/);
    const dir = join(tmp, 'skips-differ');
    mkdirSync(dir);
    copyFileSync(faulty, join(dir, 'a.jsonl'));
    expect(sel(['verify', dir, '--shard', '1/2', '--shard-out', a]).status).toBe(0);
    symlinkSync(join(dir, 'gone.jsonl'), join(dir, 'b.jsonl'));
    expect(sel(['verify', dir, '--shard', '2/2', '--shard-out', b]).status).toBe(0);
    expect(refuse(['merge', a, b])).toMatch(/different runs/);
    // A directory's files and the first two of them: the names agree as far as the shorter list
    // goes (from mutation testing: a merge that compared no more crashed on the third file).
    expect(sel(['verify', rotated, '--shard', '1/2', '--shard-out', a]).status).toBe(0);
    expect(sel(['verify', join(rotated, 'audit-8.jsonl'), join(rotated, 'audit-9.jsonl'), '--shard', '2/2', '--shard-out', b]).status).toBe(0);
    expect(JSON.parse(readFileSync(b, 'utf8').split('\n', 1)[0]!).files.map((f: { display: string }) => f.display)).toEqual(['audit-8.jsonl', 'audit-9.jsonl'].map((f) => join(rotated, f)));
    for (const order of [[a, b], [b, a]]) expect(refuse(['merge', ...order])).toBe('sel: the shards come from different runs (other logs, options or ref): merge the shards of one run');
  });

  it('a log replaced by one of the same size between shards: a part left unread, or read twice, is refused (from mutation testing)', () => {
    const log = join(tmp, 'replaced.jsonl');
    const orig = readFileSync(gov.clean);
    const [a, b] = [join(tmp, 'replaced-1'), join(tmp, 'replaced-2')];
    writeFileSync(log, orig);
    expect(sel(['verify', log, '--shard', '1/2', '--shard-out', a]).status).toBe(0);
    // Shard 2 cuts the same size at another line start: its part starts past the end of the file.
    writeFileSync(log, `{}\n${'x'.repeat(orig.length - 4)}\n`);
    expect(sel(['verify', log, '--shard', '2/2', '--shard-out', b]).status).toBe(0);
    expect(refuse(['merge', a, b])).toMatch(/do not cover "[^"]*replaced\.jsonl" to its end/);
    // Every line 100 bytes earlier: shard 2's part starts inside shard 1's.
    writeFileSync(log, orig);
    expect(sel(['verify', log, '--shard', '1/2', '--shard-out', a]).status).toBe(0);
    writeFileSync(log, Buffer.concat([orig.subarray(100), Buffer.from(`{"pad":"${'x'.repeat(89)}"}\n`)]));
    expect(readFileSync(log).length).toBe(orig.length);
    expect(sel(['verify', log, '--shard', '2/2', '--shard-out', b]).status).toBe(0);
    expect(refuse(['merge', a, b])).toMatch(/contiguously \(a gap or overlap at byte/);
  });

  it('shards of another build of sel, or of none known', () => {
    // The build a shard records is the binary's: dist/sel/BUILD, the digest of its four files.
    const dist = join(import.meta.dirname, '..', '..', 'dist', 'sel');
    const hex = (f: string) => createHash('sha256').update(readFileSync(join(dist, f))).digest('hex');
    const build = `sha256:${createHash('sha256').update(JSON.stringify({ 'sel.js': hex('sel.js'), 'sel.cjs': hex('sel.cjs'), 'worker.js': hex('worker.js'), 'worker.cjs': hex('worker.cjs') })).digest('hex')}`;
    expect(readFileSync(join(dist, 'BUILD'), 'utf8')).toBe(`${build}\n`);
    const parts = splitShard(readFileSync(files[1]!));
    const header = JSON.parse(parts.header) as { sel: { version: string; build: string | null } };
    expect(header.sel).toEqual({ version: VERSION, build });
    const cut = join(tmp, 'other-build.jsonl');
    const resealed = (writer: unknown) => {
      writeFileSync(cut, joinShard({ ...parts, header: JSON.stringify({ ...header, sel: writer }) }));
      return refuse(['merge', files[0]!, cut, ...files.slice(2)]);
    };
    // Resealed as it was, it merges: each refusal below is its edit's.
    writeFileSync(cut, joinShard(parts));
    expect(sel(['merge', files[0]!, cut, ...files.slice(2), '--format', 'json']).stdout).toBe(sel(['merge', ...files, '--format', 'json']).stdout);
    const other = `sha256:${'0'.repeat(64)}`;
    expect(resealed({ version: VERSION, build: other })).toBe(`sel: shard 3/4 was written by sel "${VERSION}" (build "${other}"), and this merge is sel "${VERSION}" (build "${build}"): run the shards and the merge with the same build of sel`);
    expect(resealed({ version: '0.0.9', build })).toMatch(/^sel: shard 3\/4 was written by sel "0\.0\.9" \(build "sha256:[0-9a-f]{64}"\), and this merge is/);
    expect(resealed({ version: VERSION, build: null })).toMatch(/^sel: shard 3\/4 was written by sel "[^"]+" \(build unknown\), and this merge is/);
    // The header is input: what it says is quoted on one line.
    expect(resealed({ version: 'v1\nFAKE: ok', build })).toMatch(/^sel: shard 3\/4 was written by sel "v1\\nFAKE: ok" \(build/);
    for (const bad of [undefined, null, 'sel', { version: 1, build }, { version: VERSION, build: 7 }, { build }]) expect(resealed(bad), JSON.stringify(bad)).toMatch(/its header or trailer is malformed/);
  });

  it('a truncated, edited or foreign file', () => {
    const bytes = readFileSync(files[1]!);
    const cut = join(tmp, 'cut.jsonl');
    let half = Math.floor(bytes.length / 2);
    while (bytes[half - 1] === 0x0a) half++;
    writeFileSync(cut, bytes.subarray(0, half));
    expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/not a complete sel\.shard\/9 shard result \(.*truncated/);
    // One block dropped, nothing else touched: the row count and digest catch it.
    const parts = splitShard(bytes);
    expect(parts.blocks.length).toBeGreaterThan(2);
    const dropped = joinShard({ ...parts, blocks: parts.blocks.filter((_b, i) => i !== 1) });
    writeFileSync(cut, Buffer.concat([dropped.subarray(0, dropped.lastIndexOf(0x0a, dropped.length - 2) + 1), bytes.subarray(bytes.lastIndexOf(0x0a, bytes.length - 2) + 1)]));
    expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/do not add up to its part|rows, its trailer says|digest/);
    // One byte changed inside an event's hash (the block stays well-formed): the digest
    // catches it.
    const edited = Buffer.from(bytes);
    let first = edited.indexOf('SELU');
    while ((JSON.parse(edited.toString('utf8', first + 12, first + 12 + edited.readUInt32LE(first + 4))) as { textBytes: number }).textBytes === 0) first = edited.indexOf('SELU', first + 1);
    const n = (JSON.parse(edited.toString('utf8', first + 12, first + 12 + edited.readUInt32LE(first + 4))) as { n: number }).n;
    const at = first + 12 + edited.readUInt32LE(first + 4) + columnsAt(n).text + 10;
    edited[at] = edited[at]! ^ 1;
    writeFileSync(cut, edited);
    expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/digest does not match/);
    writeFileSync(cut, '{"v":"sel.shard/9"}\nSELU\n["end",{}]\n');
    expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/malformed/);
    // Results of earlier format versions: without the commit a log differs from (8), without
    // the committed logs deleted from a directory (7), without the comparison with a committed
    // log (6), without the build that wrote them (5), without their logs' paths in the repository (4).
    for (const old of ['sel.shard/8', 'sel.shard/7', 'sel.shard/6', 'sel.shard/5', 'sel.shard/4']) {
      writeFileSync(cut, Buffer.concat([Buffer.from(bytes.toString('latin1').replace('"v":"sel.shard/9"', `"v":"${old}"`), 'latin1')]));
      expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/no sel\.shard\/9 header/);
    }
    // A result of the older JSON-rows format is refused as such, not misread.
    writeFileSync(cut, '{"v":"sel.shard/1"}\n["e",1]\n["end",{}]\n');
    expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/no sel\.shard\/9 header/);
    expect(refuse(['merge', faulty])).toMatch(/not a complete sel\.shard\/9 shard result/);
    writeFileSync(cut, '');
    expect(refuse(['merge', files[0]!, cut, ...files.slice(2)])).toMatch(/\(the file is empty\)/);
    expect(refuse(['merge', join(tmp, 'missing.jsonl')])).toMatch(/cannot read shard .*missing\.jsonl: it does not exist/);
  });

  it('a resealed result (digest made to match): every damaged value is refused, never trusted', () => {
    const bytes = readFileSync(files[1]!);
    const parts = splitShard(bytes);
    const cut = join(tmp, 'resealed.jsonl');
    const merge = () => sel(['merge', files[0]!, cut, ...files.slice(2), '--format', 'json']);
    // Resealed unchanged: merges as before, so each refusal below is its edit's.
    writeFileSync(cut, joinShard(parts));
    expect(merge().stdout).toBe(sel(['merge', ...files, '--format', 'json']).stdout);
    const block = parts.blocks.findIndex((b) => (b.meta['chainNames'] as string[]).length > 0 && Number(b.meta['n']) > 1);
    expect(block).toBeGreaterThanOrEqual(0);
    const n = Number(parts.blocks[block]!.meta['n']);
    const at = columnsAt(n);
    const damaged = (what: string, edit: (columns: Buffer, meta: Record<string, unknown>) => void, pattern = /is malformed/) => {
      const copy = { ...parts, blocks: parts.blocks.map((b, i) => (i === block ? { meta: structuredClone(b.meta), columns: Buffer.from(b.columns) } : b)) };
      edit(copy.blocks[block]!.columns, copy.blocks[block]!.meta);
      writeFileSync(cut, joinShard(copy));
      expect(expectOneSentence(merge()), what).toMatch(pattern);
    };
    // Record 0 and the last are plain events (no extra); record 0 is the first of its chain in
    // the unit and has a prev_hash and a ts of its own. So each edit below breaks one rule only.
    expect([parts.blocks[block]!.columns[at.kinds], parts.blocks[block]!.columns[at.kinds + n - 1]! & 3]).toEqual([0, 0]);
    expect([parts.blocks[block]!.columns.readInt32LE(at.lens + 4), parts.blocks[block]!.columns.readInt32LE(at.lens + 8)].every((l) => l > 0)).toBe(true);
    // On the last record: no later record of that chain refuses it instead (from mutation testing).
    damaged('a chain index past the chains named', (c, m) => c.writeInt32LE((m['chainNames'] as string[]).length, at.chainIdx + 4 * (n - 1)));
    damaged('an unknown kind', (c) => (c[at.kinds] = 3));
    damaged('an unknown flag', (c) => (c[at.kinds] = c[at.kinds]! | 16));
    damaged('lines that do not increase', (c) => c.writeInt32LE(c.readInt32LE(at.lineNos + 4), at.lineNos));
    damaged('a seq that is not an integer', (c) => c.writeDoubleLE(0.5, at.seqs));
    // An event takes a place only with a seq >= 0 and a chain id: merged, these gave
    // "seq -5 appears again after seq -1", and a chain named "../../x\nfoo" (found by review).
    damaged('a negative seq', (c) => c.writeDoubleLE(-5, at.seqs));
    damaged('a chain name that is not a chain id', (_c, m) => ((m['chainNames'] as string[])[0] = '../../x\nfoo'));
    damaged('a replay code past 2', (c) => (c[at.replay] = 7));
    damaged('text lengths past the text', (c) => c.writeInt32LE(1 << 20, at.lens));
    damaged('a negative text length', (c) => c.writeInt32LE(-1, at.lens));
    damaged('a byte that is not UTF-8 in the text', (c) => (c[at.text] = 0xe9));
    damaged('one extra too many', (_c, m) => (m['extra'] as unknown[]).push({ findings: [], event: null }));
    damaged('a unit that claims more records than lines', (_c, m) => (m['lines'] = 0));
    damaged('a file index past the files', (_c, m) => (m['file'] = 7));
    damaged('lines that do not add up to the part', (_c, m) => (m['lines'] = Number(m['lines']) + 1), /do not add up/);
    // From mutation testing: each of these merged as if nothing were wrong, or trusted the edit.
    damaged('bytes that do not add up to the part', (_c, m) => (m['bytes'] = Number(m['bytes']) + 1), /do not add up/);
    damaged('content lines that do not add up to the trailer', (_c, m) => (m['content'] = Number(m['content']) - 1), /do not add up/);
    damaged('more content lines than lines', (_c, m) => (m['content'] = Number(m['lines']) + 1));
    damaged('a line past the unit\'s lines', (c, m) => c.writeInt32LE(Number(m['lines']) + 1, at.lineNos + 4 * (n - 1)));
    damaged('NO_TS on an event that has a ts', (c) => (c[at.kinds] = c[at.kinds]! | 8));
    damaged('LINKED on the first event of its chain, which has a prev_hash of its own', (c) => (c[at.kinds] = c[at.kinds]! | 4));
    const longer = { ...parts, blocks: parts.blocks.map((b, i) => (i === block ? { meta: { ...b.meta, textBytes: Number(b.meta['textBytes']) + 1 }, columns: Buffer.concat([b.columns, Buffer.from('x')]) } : b)) };
    writeFileSync(cut, joinShard(longer));
    expect(expectOneSentence(merge()), 'text that no record uses').toMatch(/is malformed/);
    const header = JSON.parse(parts.header) as { files: { size: number; end: number }[] };
    writeFileSync(cut, joinShard({ ...parts, header: JSON.stringify({ ...header, files: header.files.map((f) => ({ ...f, size: f.end - 1 })) }) }));
    expect(expectOneSentence(merge()), 'a part past its file\'s end').toMatch(/its header or trailer is malformed/);
    // A result with replay: its commit is an object id (never a rev git would resolve, nor an
    // option); an event's extra carries no event; a replay outcome is never beside a replay code.
    const replayedOut = join(tmp, 'resealed-replayed.jsonl');
    expect(sel(['verify', gov.incident, '--repo', gov.repo, '--shard', '1/1', '--shard-out', replayedOut]).status).toBe(0);
    const rp = splitShard(readFileSync(replayedOut));
    const replayed = (p: typeof rp) => {
      writeFileSync(cut, joinShard(p));
      return sel(['merge', cut, '--repo', gov.repo]);
    };
    expect(replayed(rp).status).toBe(1);
    const rh = JSON.parse(rp.header) as { replay: { commit: string } };
    for (const commit of ['HEAD', `--${'0'.repeat(40)}`, 'a'.repeat(39)]) {
      expect(expectOneSentence(replayed({ ...rp, header: JSON.stringify({ ...rh, replay: { ...rh.replay, commit } }) })), commit).toMatch(/its header or trailer is malformed/);
    }
    // Where a part first differs from its committed log is a line, from 1 (from mutation testing:
    // a line of 0 was reported as LEDGER_REWRITTEN at line 0).
    expect(expectOneSentence(replayed({ ...rp, header: JSON.stringify({ ...rh, committed: [{ line: 0, commit: rh.replay.commit }] }) })), 'a committed line of 0').toMatch(/its header or trailer is malformed/);
    // The difference a shard found is reported at its line, naming its commit.
    writeFileSync(cut, joinShard({ ...rp, header: JSON.stringify({ ...rh, committed: [{ line: 2, commit: 'c'.repeat(40) }] }) }));
    const differs = (JSON.parse(sel(['merge', cut, '--repo', gov.repo, '--format', 'json']).stdout) as { findings: { code: string; location: { line: number }; detail: { commit: string; workingCopy: boolean } }[] }).findings
      .filter((f) => f.code === 'LEDGER_REWRITTEN').map((f) => [f.location.line, f.detail.commit, f.detail.workingCopy]);
    expect(differs).toEqual([[2, 'c'.repeat(40), true]]);
    const cloned = () => {
      const copy = structuredClone(rp);
      copy.blocks.forEach((b, i) => (b.columns = Buffer.from(rp.blocks[i]!.columns)));
      return copy;
    };
    const withEvent = cloned();
    withEvent.blocks.flatMap((b) => b.meta['extra'] as Record<string, unknown>[]).find((x) => 'event' in x)!['event'] = {};
    expect(expectOneSentence(replayed(withEvent)), 'an event in extra').toMatch(/is malformed/);
    const both = cloned();
    const k = both.blocks.findIndex((b) => (b.meta['extra'] as { replay?: unknown }[]).some((x) => x.replay !== undefined));
    expect(k).toBeGreaterThanOrEqual(0);
    const kb = both.blocks[k]!;
    const kat = columnsAt(Number(kb.meta['n']));
    // The record of that extra: records with an extra (events with one, holes) take them in order.
    const j = (kb.meta['extra'] as { replay?: unknown }[]).findIndex((x) => x.replay !== undefined);
    const withExtra = [...Array(Number(kb.meta['n'])).keys()].filter((i) => (kb.columns[kat.kinds + i]! & 3) !== 0);
    kb.columns[kat.replay + withExtra[j]!] = 1;
    expect(expectOneSentence(replayed(both)), 'a replay outcome and a replay code').toMatch(/is malformed/);
    // A replay finding counted as neither a divergence nor unverifiable, or not saying whether
    // it was replayed (from mutation testing: each was counted as if sel had written it).
    for (const [what, edit] of [['counted as something else', (o: Record<string, unknown>) => (o['counted'] = 'matched')], ['replayed that is not a boolean', (o: Record<string, unknown>) => (o['replayed'] = 1)]] as const) {
      const copy = cloned();
      edit(copy.blocks.flatMap((b) => b.meta['extra'] as { replay?: Record<string, unknown> }[]).find((x) => x.replay?.['type'] === 'finding')!.replay!);
      expect(expectOneSentence(replayed(copy)), what).toMatch(/is malformed/);
    }
    // Meta that is not UTF-8, or not JSON.
    writeFileSync(cut, joinShard(parts, { rawMeta: (i, json) => (i === block ? Buffer.concat([json.subarray(0, 10), Buffer.from([0xe9]), json.subarray(11)]) : json) }));
    expect(expectOneSentence(merge())).toMatch(/meta is not UTF-8/);
    // A finding whose message is 3 MiB: a block longer than the 1 MiB column buffer, read whole.
    const long = 'm'.repeat(3 << 20);
    const withFinding = parts.blocks.findIndex((b) => (b.meta['extra'] as { findings?: { message: string }[] }[]).some((x) => (x.findings?.length ?? 0) > 0));
    expect(withFinding).toBeGreaterThanOrEqual(0);
    const longParts = structuredClone(parts);
    (longParts.blocks[withFinding]!.meta['extra'] as { findings: { message: string }[] }[]).find((x) => x.findings.length > 0)!.findings[0]!.message = long;
    longParts.blocks.forEach((b, i) => (b.columns = parts.blocks[i]!.columns));
    writeFileSync(cut, joinShard(longParts));
    const merged = merge();
    expect(merged.stderr).toBe('');
    const report = JSON.parse(merged.stdout) as { findings: { message: string }[] };
    expect(report.findings.filter((f) => f.message === long)).toHaveLength(1);
    expect(report.findings).toHaveLength((JSON.parse(sel(['merge', ...files, '--format', 'json']).stdout) as { findings: unknown[] }).findings.length);
  });

  it('a review\'s findings: skipped entries, a merge without the logs, a grown log, many shards, a directory', async () => {
    // Entries a run skips (a dangling link, a directory named like a log) are in the merge too.
    const dir = join(tmp, 'with-skips');
    mkdirSync(dir);
    copyFileSync(faulty, join(dir, 'a.jsonl'));
    symlinkSync(join(dir, 'gone.jsonl'), join(dir, 'b.jsonl'));
    mkdirSync(join(dir, 'c.jsonl'));
    const single = sel(['verify', dir, '--format', 'json']);
    expect((JSON.parse(single.stdout) as { findings: { code: string }[] }).findings.filter((f) => f.code === 'LOG_UNREADABLE')).toHaveLength(2);
    const merged = sharded([dir], 3, [], ['--format', 'json']);
    expect(merged.out).toBe(single.stdout);
    expect(merged.status).toBe(single.status);
    // With --repo, the merge needs the shards and the repository, not the logs: run elsewhere.
    const root = dirname(gov.repo);
    const name = basename(gov.repo);
    const log = `${name}/logs/incident.jsonl`;
    const one = sel(['verify', log, '--repo', name, '--format', 'json'], { cwd: root });
    expect(one.stdout).toContain('DECISION_DIVERGENCE');
    const elsewhere = join(tmp, 'merge-elsewhere');
    mkdirSync(elsewhere);
    // The same history, and no files checked out: the logs are not there.
    expect(spawnSync('git', ['clone', '-q', '--no-checkout', gov.repo, join(elsewhere, name)]).status).toBe(0);
    expect(existsSync(join(elsewhere, log))).toBe(false);
    const outs = [1, 2].map((i) => {
      const out = join(elsewhere, `s${i}`);
      expect(sel(['verify', log, '--repo', name, '--shard', `${i}/2`, '--shard-out', out], { cwd: root }).status).toBe(0);
      return out;
    });
    const m = sel(['merge', ...outs, '--repo', name, '--format', 'json'], { cwd: elsewhere });
    expect(m.stderr).toBe('');
    expect(m.stdout).toBe(one.stdout);
    // A log that grew between two shards' cuts: refused, naming it.
    const growing = join(tmp, 'growing.jsonl');
    writeFileSync(growing, readFileSync(faulty).subarray(0, 40_000));
    expect(sel(['verify', growing, '--shard', '1/2', '--shard-out', join(tmp, 'g1')]).status).toBe(0);
    writeFileSync(growing, readFileSync(faulty).subarray(0, 60_000));
    expect(sel(['verify', growing, '--shard', '2/2', '--shard-out', join(tmp, 'g2')]).status).toBe(0);
    expect(refuse(['merge', join(tmp, 'g1'), join(tmp, 'g2')])).toMatch(/"[^"]*growing\.jsonl" was not the same size in every shard \(40000 and 60000 bytes\)/);
    // A directory, or a FIFO nobody writes to (opening it must not wait), given as a shard.
    expect(refuse(['merge', tmp])).toMatch(/cannot read shard .*: it is not a regular file/);
    const fifo = join(tmp, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(refuse(['merge', fifo])).toMatch(/cannot read shard .*fifo: it is not a regular file/);
    // 300 shards under a limit of 100 descriptors: the merge holds one or two at a time.
    const many = join(tmp, 'many');
    mkdirSync(many);
    const small = join(many, 'log.jsonl');
    writeFileSync(small, readFileSync(faulty).subarray(0, 30_000));
    const shardFiles: string[] = [];
    // Made in-process (300 processes would take half a minute); the merge is the CLI's.
    for (let i = 0; i < 300; i += 1) {
      shardFiles.push(join(many, `s${i + 1}`));
      await runShard([small], i, 300, shardFiles[i]!);
    }
    const limited = spawnSync('bash', ['-c', 'ulimit -n 100 && exec "$0" "$@"', process.execPath, CLI, 'merge', ...shardFiles, '--format', 'json'], { encoding: 'utf8' });
    expect(limited.stderr).toBe('');
    expect(limited.stdout).toBe(sel(['verify', small, '--format', 'json']).stdout);
  });

  it('a log that shrinks while a shard reads it fails the shard, in one sentence, leaving no result', async () => {
    const log = join(tmp, 'shrinking.jsonl');
    writeFileSync(log, readFileSync(faulty));
    const out = join(tmp, 'shrunk-shard');
    let done = false;
    // The progress display sees each unit applied: the first one shrinks the log under the rest.
    const progress = { start: () => undefined, stop: () => undefined, update: () => {
      if (!done) truncateSync(log, 20_000);
      done = true;
    } };
    const outcome = await runShard([log], 0, 1, out, { ...DEFAULT_VERIFY_OPTIONS, maxLineBytes: 4096, jobs: 2, unitBytes: 4000, mainThreadUnits: false, progress })
      .then(() => 'written', (e: Error) => `${e.constructor.name}: ${e.message}`);
    expect(done).toBe(true);
    expect(outcome).toMatch(/^OperatorError: cannot read log .*shrinking\.jsonl: the file shrank while it was read/);
    expect(outcome).not.toContain('\n');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  // A file in /sys says 4 096 bytes and holds a few: no line start can be read where a cut is
  // looked for, past its end (from mutation testing: nothing reached those fallbacks).
  const SYS = '/sys/devices/system/cpu/online';
  const shortFile = existsSync(SYS) && statSync(SYS).size > readFileSync(SYS).length;
  it.runIf(shortFile)('a file shorter than its size, cut where it cannot be read: the shard past its end is empty, the others fail, --jobs reports as one thread', () => {
    const last = join(tmp, 'sys-last.shard');
    const r2 = sel(['verify', SYS, '--shard', '2/2', '--shard-out', last]);
    expect(r2.status).toBe(0);
    expect(r2.stderr).toBe('sel: shard 2/2: 0 lines checked, written to ' + last + '; run sel merge on all 2 shard results\n');
    const first = sel(['verify', SYS, '--shard', '1/2', '--shard-out', join(tmp, 'sys-first.shard')]);
    expect(first.status).toBe(2);
    expect(first.stderr).toMatch(/^sel: cannot read log .*online: the file shrank while it was read: 4096 bytes at open, only \d+ could be read\n$/);
    // --jobs: the cut that cannot be read makes the rest one unit, read as one thread reads it.
    const one = sel(['verify', SYS, '--jobs', '1', '--format', 'json']);
    expect(one.stdout).toContain('"LOG_CHANGED"');
    expect(sel(['verify', SYS, '--jobs', '2', '--unit-bytes', '1000', '--format', 'json']).stdout).toBe(one.stdout);
  });

  it('--repo must match how the shards ran', () => {
    expect(refuse(['merge', ...files, '--repo', gov.repo])).toMatch(/did not replay/);
    const replayed = sharded([gov.clean], 2, ['--repo', gov.repo], ['--repo', gov.repo]).files;
    expect(refuse(['merge', ...replayed])).toMatch(/pass the same repository with --repo/);
  });

  it('operator mistakes on the shard side', () => {
    expect(refuse(['verify', faulty, '--shard', '5/4', '--shard-out', join(tmp, 'x.jsonl')])).toMatch(/--shard 5\/4 is not I\/N/);
    expect(refuse(['verify', faulty, '--shard', '1/1000000', '--shard-out', join(tmp, 'x.jsonl')])).toMatch(/1 <= I <= N <= 100000/);
    expect(refuse(['verify', faulty, '--jobs', '-1'])).toMatch(/--jobs must be a whole number from 1 to/);
    expect(refuse(['verify', faulty, '--shard', '1/4'])).toMatch(/--shard needs --shard-out FILE/);
    expect(refuse(['verify', faulty, '--shard-out', join(tmp, 'x.jsonl')])).toMatch(/--shard-out needs --shard I\/N/);
    expect(refuse(['verify', faulty, '--shard', '1/4', '--shard-out', join(tmp, 'x.jsonl'), '--reorder-window', '3'])).toMatch(/belongs to sel merge/);
    // A shard writes no report: its flags were dropped in silence (found by a docs review).
    for (const flag of [['--format', 'json'], ['--fail-on', 'never'], ['--max-findings', '5'], ['--format=text']]) {
      expect(refuse(['verify', faulty, '--shard', '1/4', '--shard-out', join(tmp, 'x.jsonl'), ...flag])).toMatch(/^sel: --(format|fail-on|max-findings) belongs to sel merge, which writes the report, not to --shard/);
    }
    expect(refuse(['verify', '-', '--shard', '1/2', '--shard-out', join(tmp, 'x.jsonl')])).toMatch(/regular files/);
    expect(refuse(['verify', faulty, '--shard', '1/2', '--shard-out', join(tmp, 'no', 'such', 'dir.jsonl')])).toMatch(/the directory .*such does not exist/);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('a log the shard cannot open, named or in a named directory, is one sentence, not an internal error (found by review)', () => {
    // A file sel may not read: mode 000 for a user; for root, which reads any mode, a
    // write-only sysfs attribute (opened for reading only, never written).
    const dir = join(tmp, 'unopenable');
    mkdirSync(dir);
    copyFileSync(faulty, join(dir, 'a.jsonl'));
    const closed = join(dir, 'b.jsonl');
    if (process.getuid?.() === 0) {
      if (!existsSync('/sys/bus/pci/rescan')) return;
      symlinkSync('/sys/bus/pci/rescan', closed);
    } else {
      writeFileSync(closed, readFileSync(faulty));
      chmodSync(closed, 0);
    }
    // One run reports it (LOG_UNREADABLE); a shard's result stands for every line of its part.
    expect(sel(['verify', dir, '--format', 'jsonl']).stdout).toContain('"code":"LOG_UNREADABLE"');
    const out = join(tmp, 'unopenable.shard');
    for (const args of [[closed, '--shard', '1/1'], [dir, '--shard', '2/2']]) {
      expect(refuse(['verify', ...args, '--shard-out', out])).toBe(`sel: cannot read log ${closed}: permission denied`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('an empty log the shard cannot open stops every shard, though it is in no shard\'s part: one run fails on it (LOG_UNREADABLE), and a merge passed it as LOG_EMPTY (found by mutation testing)', () => {
    // An empty file sel may not read: mode 000 for a user; for root, a write-only sysctl (its
    // size is 0, and root may not open it for reading either).
    const dir = join(tmp, 'unopenable-empty');
    mkdirSync(dir);
    copyFileSync(faulty, join(dir, 'a.jsonl'));
    const closed = join(dir, 'b.jsonl');
    if (process.getuid?.() === 0) {
      if (!existsSync('/proc/sys/vm/drop_caches')) return;
      symlinkSync('/proc/sys/vm/drop_caches', closed);
    } else {
      writeFileSync(closed, '');
      chmodSync(closed, 0);
    }
    expect(statSync(closed).size).toBe(0);
    const single = sel(['verify', dir, '--format', 'jsonl']);
    expect(single.stdout).toContain('"code":"LOG_UNREADABLE"');
    expect(single.status).toBe(1);
    const out = join(tmp, 'unopenable-empty.shard');
    for (const args of [[dir, '--shard', '1/2'], [dir, '--shard', '2/2'], [closed, '--shard', '1/1']]) {
      expect(refuse(['verify', ...args, '--shard-out', out])).toBe(`sel: cannot read log ${closed}: permission denied`);
      expect(existsSync(out)).toBe(false);
    }
  });

  it.runIf(process.platform === 'linux' && existsSync('/proc/self/status'))('a log that holds more than its size says (a /proc file: size 0, and content) stops every shard, as one run reports it LOG_CHANGED: it was in no shard\'s part and merged as LOG_EMPTY', () => {
    const dir = join(tmp, 'proc-log');
    mkdirSync(dir);
    copyFileSync(faulty, join(dir, 'a.jsonl'));
    const proc = join(dir, 'b.jsonl');
    symlinkSync('/proc/self/status', proc);
    const single = sel(['verify', dir, '--format', 'jsonl']);
    expect(single.stdout).toContain('"code":"LOG_CHANGED"');
    expect(single.status).toBe(1);
    const out = join(tmp, 'proc-log.shard');
    for (const args of [[dir, '--shard', '1/2'], [dir, '--shard', '2/2'], [proc, '--shard', '1/1']]) {
      expect(refuse(['verify', ...args, '--shard-out', out])).toBe(`sel: cannot cut log ${proc} into shards: it holds more than the 0 bytes its size says (it grew after its size was taken, or its size is not its length, as for a /proc file)`);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a result the shard cannot write to its end (the file size limit) is one sentence that names it, and leaves no file (from mutation testing)', () => {
    const log = join(tmp, 'unwritable-result.jsonl');
    writeFileSync(log, `${chainLines(200).join('\n')}\n`);
    const out = join(tmp, 'unwritable-result.shard');
    // ulimit -f 1: a file may grow to 1024 bytes (Node.js ignores SIGXFSZ, so a write past it is
    // EFBIG); the header fits, the rows of 200 events do not.
    const r = spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath, CLI, 'verify', log, '--shard', '1/1', '--shard-out', out], { encoding: 'utf8' });
    const result = { status: r.status, stdout: r.stdout, stderr: r.stderr };
    expect(expectOneSentence(result)).toBe(`sel: cannot write the shard result ${out}: the file would grow past the largest size allowed (by the file system, or by ulimit -f)`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('unwritable-result.shard'))).toEqual([]);
  });

  it('--shard-out is refused empty, and as a new *.jsonl file in a directory of logs, which the next shard would read as a log (as --checkpoint is; found by review)', () => {
    // An unset variable (--shard-out "$OUT"): named, not "cannot write the shard result : it does not exist".
    expect(refuse(['verify', faulty, '--shard', '1/2', '--shard-out', ''])).toBe('sel: --shard-out is empty: name the file to write this shard\'s result to');
    expect(refuse(['verify', faulty, '--shard', '1/2', '--shard-out', '-'])).toBe('sel: --shard-out - would be standard output, but a shard result is a file for sel merge: name the file');
    const logs = join(tmp, 'shard-out-in-logs');
    mkdirSync(logs);
    copyFileSync(faulty, join(logs, 'audit.jsonl'));
    // Written there, shard 1's result was read as a log by shard 2 (its findings in the report of a
    // single run too), and the merge refused the two as "different runs".
    const out = join(logs, 'shard-1.jsonl');
    expect(refuse(['verify', logs, '--shard', '1/2', '--shard-out', out])).toBe(`sel: cannot write the shard result ${out}: it would be a *.jsonl file in the log directory ${logs}, which the next run would read as a log; name it elsewhere`);
    expect(readdirSync(logs)).toEqual(['audit.jsonl']);
    // Another name there, or a *.jsonl file elsewhere, is written.
    expect(sel(['verify', logs, '--shard', '1/2', '--shard-out', join(logs, 'shard-1.sel')]).status).toBe(0);
  });

  it('--shard-out never replaces a log, a pipe or a directory; it writes through a link, and not through a link left at its temporary name', () => {
    const dir = join(tmp, 'targets');
    mkdirSync(dir);
    const log = join(dir, 'log.jsonl');
    copyFileSync(faulty, log);
    const before = readFileSync(log);
    // The log itself, by its name or by a link to it: the evidence would be lost.
    expect(refuse(['verify', log, '--shard', '1/1', '--shard-out', log])).toMatch(/is the log .*log\.jsonl: sel does not overwrite the logs it verifies/);
    symlinkSync(log, join(dir, 'alias'));
    expect(refuse(['verify', log, '--shard', '1/1', '--shard-out', join(dir, 'alias')])).toMatch(/is the log/);
    expect(readFileSync(log).equals(before)).toBe(true);
    // A named pipe (like /dev/null, which a rename would replace with a file for the whole machine).
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(refuse(['verify', log, '--shard', '1/1', '--shard-out', fifo])).toMatch(/is a named pipe, not a file sel may replace/);
    expect(refuse(['verify', log, '--shard', '1/1', '--shard-out', dir])).toMatch(/is a directory/);
    symlinkSync(join(dir, 'nothing'), join(dir, 'dangling'));
    expect(refuse(['verify', log, '--shard', '1/1', '--shard-out', join(dir, 'dangling')])).toMatch(/symbolic link to a file that does not exist/);
    // A link to a regular file: the result goes where it points, and the link stays.
    writeFileSync(join(dir, 'real.shard'), 'old');
    symlinkSync(join(dir, 'real.shard'), join(dir, 'link.shard'));
    expect(sel(['verify', log, '--shard', '1/1', '--shard-out', join(dir, 'link.shard')]).status).toBe(0);
    expect(readFileSync(join(dir, 'real.shard'), 'utf8')).toMatch(/^\{"v":"sel\.shard\//);
    expect(readdirSync(dir).sort()).toEqual(['alias', 'dangling', 'link.shard', 'log.jsonl', 'pipe', 'real.shard']);
    // A link planted at the temporary name is removed, not written through.
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(dir, 'new.shard.partial'));
    expect(sel(['verify', log, '--shard', '1/1', '--shard-out', join(dir, 'new.shard')]).status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(existsSync(join(dir, 'new.shard.partial'))).toBe(false);
  });
});
