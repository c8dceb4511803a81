/**
 * What a checkpoint records: where each file was verified to by the run, from the bytes the run
 * read (IntegrityResult.ends), never the file as it is when the checkpoint is written. Real
 * files in a temporary directory, the real run and checkpoint code.
 */
import { appendFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/canonical/digest.js';
import { OperatorError } from '../../src/errors.js';
import { resolveSources } from '../../src/ingest/sources.js';
import { loadCheckpoint, makeCheckpoint, prepareResume, realPaths, saveCheckpoint } from '../../src/verify/checkpoint.js';
import { DEFAULT_VERIFY_OPTIONS } from '../../src/verify/options.js';
import { verifyLogs, type RunOptions } from '../../src/verify/run.js';
import { chainLines, codeLines } from '../helpers/chains.js';
import { sel } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'sel-checkpoint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GARBAGE = 'this line was never verified\n';
const MAX = DEFAULT_VERIFY_OPTIONS.maxLineBytes;

/** a.jsonl (chain x, 3 events, read first: it starts at seq 0 and sorts first) and b.jsonl (chain y). */
function logs(name: string): { dir: string; a: string; aLines: string[] } {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const aLines = chainLines(3, 'x');
  writeFileSync(join(dir, 'a.jsonl'), `${aLines.join('\n')}\n`);
  writeFileSync(join(dir, 'b.jsonl'), `${chainLines(40, 'y').join('\n')}\n`);
  return { dir, a: join(dir, 'a.jsonl'), aLines };
}

/** Verifies `dir`, runs `between` (the run is over, the checkpoint not yet made), saves the checkpoint. */
async function runAndSave(dir: string, state: string, opts: Partial<RunOptions>, between: () => void): Promise<void> {
  const { sources } = await resolveSources([dir]);
  const previous = await loadCheckpoint(state, [dir]);
  const reals = await realPaths(sources);
  const prepared = previous === null ? { resume: null, findings: [] } : await prepareResume(previous, sources, MAX, reals);
  expect(prepared.findings).toEqual([]);
  const result = await verifyLogs([dir], { ...opts, resume: prepared.resume });
  expect(result.summary.findings.bySeverity.error).toBe(0);
  between();
  await saveCheckpoint(state, makeCheckpoint(result.positions, sources, result.ends, reals, null));
}

/** The next run from the checkpoint: its findings ("CODE@line"), those of resuming first. */
async function resumed(dir: string, state: string, opts: Partial<RunOptions> = {}): Promise<string[]> {
  const { sources } = await resolveSources([dir]);
  const prepared = await prepareResume((await loadCheckpoint(state, [dir]))!, sources, MAX, await realPaths(sources));
  const result = await verifyLogs([dir], { ...opts, resume: prepared.resume, preFindings: prepared.findings });
  return codeLines(result.findings);
}

const RUNS: [string, Partial<RunOptions>][] = [
  ['one thread', { jobs: 1 }],
  ['--jobs 2, in workers', { jobs: 2, unitBytes: 4000, mainThreadUnits: false }],
];

describe('makeCheckpoint', () => {
  for (const [name, opts] of RUNS) {
    it(`records the bytes the run verified, not what was appended after the run read the file (${name})`, async () => {
      const { dir, a, aLines } = logs(`appended-${opts.jobs}`);
      const state = join(dir, '..', `appended-${opts.jobs}.json`);
      const verified = statSync(a).size;
      await runAndSave(dir, state, opts, () => appendFileSync(a, GARBAGE));
      const cp = JSON.parse(readFileSync(state, 'utf8')) as { files: { path: string; bytes: number; lines: number; tail: string }[] };
      const entry = cp.files.find((f) => f.path.endsWith('a.jsonl'))!;
      expect(entry).toMatchObject({ bytes: verified, lines: 3, tail: sha256Digest(`${aLines[2]}\n`) });
      expect(statSync(a).size).toBe(verified + Buffer.byteLength(GARBAGE));
      // The next run starts where the verified bytes end, and so reads the appended line.
      expect(await resumed(dir, state, opts)).toEqual(['LINE_INVALID_JSON@4']);
    });
  }

  it('a verified part rewritten after the run read it, before the checkpoint: the next run\'s CHECKPOINT_MISMATCH', async () => {
    const { dir, a } = logs('rewritten');
    const state = join(dir, '..', 'rewritten.json');
    // The same length, other lines (a clean chain of its own): the checkpoint holds the
    // digest of the last line the run read, not of the one there when it is written.
    const forged = `${chainLines(3, 'w').join('\n')}\n`;
    expect(Buffer.byteLength(forged)).toBe(statSync(a).size);
    await runAndSave(dir, state, {}, () => writeFileSync(a, forged));
    expect(await resumed(dir, state)).toEqual(['CHECKPOINT_MISMATCH@3']);
  });

  it('a file shorter than the run verified, when the checkpoint is made: the next run\'s CHECKPOINT_MISMATCH', async () => {
    const { dir, a, aLines } = logs('shrunk');
    const state = join(dir, '..', 'shrunk.json');
    await runAndSave(dir, state, {}, () => writeFileSync(a, `${aLines.slice(0, 2).join('\n')}\n`));
    const cp = JSON.parse(readFileSync(state, 'utf8')) as { files: { path: string; lines: number }[] };
    expect(cp.files.find((f) => f.path.endsWith('a.jsonl'))!.lines).toBe(3);
    expect(await resumed(dir, state)).toEqual(['CHECKPOINT_MISMATCH@3']);
  });

  for (const [name, opts] of RUNS) {
    it(`a resumed file the run read nothing of keeps its checkpoint; one it read more of moves on (${name})`, async () => {
      const { dir, a } = logs(`resumed-${opts.jobs}`);
      const state = join(dir, '..', `resumed-${opts.jobs}.json`);
      await runAndSave(dir, state, opts, () => undefined);
      const first = readFileSync(state, 'utf8');
      await runAndSave(dir, state, opts, () => undefined);
      expect(readFileSync(state, 'utf8')).toBe(first);
      const more = chainLines(5, 'x').slice(3);
      appendFileSync(a, `${more.join('\n')}\n`);
      const size = statSync(a).size;
      await runAndSave(dir, state, opts, () => appendFileSync(a, GARBAGE));
      const cp = JSON.parse(readFileSync(state, 'utf8')) as { files: { path: string; bytes: number; lines: number; tail: string }[] };
      expect(cp.files.find((f) => f.path.endsWith('a.jsonl'))).toMatchObject({ bytes: size, lines: 5, tail: sha256Digest(`${more[1]}\n`) });
      expect(await resumed(dir, state, opts)).toEqual(['LINE_INVALID_JSON@6']);
    });
  }

  it('a file of one empty line: the checkpoint ends before it, and the next run reads it again', async () => {
    const dir = join(tmp, 'lone-lf');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), `${chainLines(3, 'x').join('\n')}\n`);
    writeFileSync(join(dir, 'z.jsonl'), '\n');
    const state = join(tmp, 'lone-lf.json');
    await runAndSave(dir, state, {}, () => undefined);
    // The checkpoint ends before the empty line, so the next run reads it again: still no event.
    expect(JSON.parse(readFileSync(state, 'utf8')).files.find((f: { path: string }) => f.path.endsWith('z.jsonl'))).toMatchObject({ bytes: 0, lines: 0, tail: sha256Digest('') });
    expect(await resumed(dir, state)).toEqual(['LOG_EMPTY@1']);
  });
});

describe('a file whose verified part ends in an empty line (found by review)', () => {
  for (const [name, extra] of [['one thread', []], ['--jobs 2, units of 300 bytes', ['--jobs', '2', '--unit-bytes', '300']]] as const) {
    it(`ends before that line, so the next run reads it with what an append puts after it (${name})`, () => {
      const dir = join(tmp, `trailing-empty-${extra.length}`);
      mkdirSync(dir);
      const lines = chainLines(3, 'e');
      const log = join(dir, 'e.jsonl');
      const other = join(dir, 'f.jsonl');
      writeFileSync(log, `${lines.slice(0, 2).join('\n')}\n`);
      const otherLines = chainLines(4, 'f');
      writeFileSync(other, `${otherLines.slice(0, 2).join('\n')}\n`);
      const verified = statSync(log).size;
      const state = join(tmp, `trailing-empty-${extra.length}.json`);
      appendFileSync(log, '\r\n'); // an empty last line (as CRLF writes it): allowed
      expect(sel(['verify', log, other, '--checkpoint', state, ...extra]).status).toBe(0);
      type Cp = { files: { path: string; bytes: number; lines: number; tail: string }[] };
      const entry = (cp: Cp, f: string) => cp.files.find((x) => x.path.endsWith(f))!;
      const cp = JSON.parse(readFileSync(state, 'utf8')) as Cp;
      expect(entry(cp, 'e.jsonl')).toMatchObject({ bytes: verified, lines: 2, tail: sha256Digest(`${lines[1]}\n`) });
      // Nothing new: the same checkpoint, and the other file still advances.
      appendFileSync(other, `${otherLines[2]}\n`);
      expect(sel(['verify', log, other, '--checkpoint', state, ...extra]).status).toBe(0);
      expect(entry(JSON.parse(readFileSync(state, 'utf8')) as Cp, 'f.jsonl').lines).toBe(3);
      appendFileSync(log, `${lines[2]}\n`);
      const after = sel(['verify', log, other, '--checkpoint', state, '--format', 'json', ...extra]);
      expect(after.status).toBe(1);
      expect((JSON.parse(after.stdout) as { findings: { code: string; location: { line: number } }[] }).findings.map((f) => `${f.code}@${f.location.line}`)).toEqual(['LINE_EMPTY@3']);
    });
  }
});

describe('a checkpoint that names a chain or a file twice', () => {
  it('is refused, not resumed from whichever entry comes last', async () => {
    const { dir } = logs('twice');
    const state = join(tmp, 'twice.json');
    await runAndSave(dir, state, {}, () => undefined);
    const cp = JSON.parse(readFileSync(state, 'utf8')) as { chains: { parent: string }[]; files: { bytes: number }[] };
    const chains = { ...cp, chains: [...cp.chains, { ...cp.chains[0]!, parent: `sha256:${'1'.repeat(64)}` }] };
    const files = { ...cp, files: [{ ...cp.files[0]!, bytes: 1 }, ...cp.files] };
    for (const bad of [chains, files]) {
      writeFileSync(state, JSON.stringify(bad));
      await expect(loadCheckpoint(state, [dir])).rejects.toThrow(`${state} is not a sel checkpoint`);
    }
  });
});

describe('a checkpoint named inside a log directory', () => {
  it('is refused before the first run, as a *.jsonl file there (the next run would read it as a log); elsewhere in it, or another name, it is written', () => {
    const logs = join(tmp, 'in-logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'a.jsonl'), `${chainLines(3).join('\n')}\n`);
    const r = sel(['verify', logs, '--checkpoint', join(logs, 'state.jsonl')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`sel: cannot write checkpoint ${join(logs, 'state.jsonl')}: it would be a *.jsonl file in the log directory ${logs}, which the next run would read as a log; name it elsewhere\n`);
    expect(() => statSync(join(logs, 'state.jsonl'))).toThrow();
    // Not a *.jsonl name: the directory's logs never include it.
    expect(sel(['verify', logs, '--checkpoint', join(logs, 'state.json')]).status).toBe(0);
    expect(sel(['verify', logs, '--checkpoint', join(logs, 'state.json')]).status).toBe(0);
    // A log named alone: its directory is not read as a log set.
    expect(sel(['verify', join(logs, 'a.jsonl'), '--checkpoint', join(logs, 'other.jsonl')]).status).toBe(0);
  });
});

/** Verifies `paths` from the checkpoint `state` (absent: from the start) and saves the next one; the findings ("CODE@line"). */
async function runPaths(paths: string[], state: string, opts: Partial<RunOptions> = {}): Promise<{ found: string[]; firstLines: number[] }> {
  const { sources } = await resolveSources(paths);
  const previous = await loadCheckpoint(state, paths);
  const reals = await realPaths(sources);
  const prepared = previous === null ? { resume: null, findings: [] } : await prepareResume(previous, sources, MAX, reals);
  const result = await verifyLogs(paths, { ...opts, resume: prepared.resume, preFindings: prepared.findings });
  if (result.summary.findings.bySeverity.error === 0) await saveCheckpoint(state, makeCheckpoint(result.positions, sources, result.ends, reals, null));
  return { found: codeLines(result.findings), firstLines: result.summary.files.map((f) => f.firstLine) };
}

describe('which file resumes where (from mutation testing)', () => {
  it('a file whose verified part is a single line resumes after it, not as CHECKPOINT_MISMATCH', async () => {
    const dir = join(tmp, 'one-line');
    mkdirSync(dir);
    const lines = chainLines(4, 'one');
    const log = join(dir, 'a.jsonl');
    writeFileSync(log, `${lines[0]}\n`);
    const state = join(tmp, 'one-line.json');
    expect(await runPaths([dir], state)).toEqual({ found: [], firstLines: [1] });
    appendFileSync(log, `${lines.slice(1).join('\n')}\n`);
    expect(await runPaths([dir], state)).toEqual({ found: [], firstLines: [2] });
    expect(JSON.parse(readFileSync(state, 'utf8')).files[0]).toMatchObject({ bytes: statSync(log).size, lines: 4 });
  });

  it('a log named through a symbolic link resumes (the checkpoint records the link, where the directory holds it), and so does its real path named instead', async () => {
    const base = join(tmp, 'linked');
    const store = join(base, 'store');
    const dir = join(base, 'logs');
    mkdirSync(store, { recursive: true });
    mkdirSync(dir);
    const lines = chainLines(9, 'l');
    const real = join(store, 'audit-1.jsonl');
    writeFileSync(real, `${lines.slice(0, 3).join('\n')}\n`);
    symlinkSync(real, join(dir, 'current.jsonl'));
    const state = join(base, 'cp.json');
    expect(await runPaths([dir], state)).toEqual({ found: [], firstLines: [1] });
    // The link, as the directory named holds it: a link deleted from it is missed there (h-ckpt).
    expect(JSON.parse(readFileSync(state, 'utf8')).files.map((f: { path: string }) => f.path)).toEqual([join(dir, 'current.jsonl')]);
    appendFileSync(real, `${lines.slice(3, 6).join('\n')}\n`);
    expect(await runPaths([dir], state)).toEqual({ found: [], firstLines: [4] });
    appendFileSync(real, `${lines.slice(6).join('\n')}\n`);
    expect(await runPaths([real], state)).toEqual({ found: [], firstLines: [7] });
    // The command line the same way.
    appendFileSync(real, `${chainLines(11, 'l').slice(9).join('\n')}\n`);
    const r = sel(['verify', join(dir, 'current.jsonl'), '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { files: { firstLine: number }[] }; findings: unknown[] })).toMatchObject({ findings: [], summary: { files: [{ firstLine: 10 }] } });
  });

  it('a copy of a checkpointed file, named beside it under the same name, is read whole: its events are reported again, as a full run reports them', async () => {
    const base = join(tmp, 'copied');
    const [d1, d2] = [join(base, 'd1'), join(base, 'd2')];
    mkdirSync(d1, { recursive: true });
    mkdirSync(d2);
    const lines = chainLines(3, 'c');
    writeFileSync(join(d1, 'a.jsonl'), `${lines.join('\n')}\n`);
    const state = join(base, 'cp.json');
    expect((await runPaths([d1], state)).found).toEqual([]);
    writeFileSync(join(d2, 'a.jsonl'), `${lines.join('\n')}\n`);
    const { found } = await runPaths([d1, d2], state);
    expect(found).toEqual(['SEQ_DUPLICATE@1']);
    // (A full run of both reports the copy too.)
    expect(codeLines((await verifyLogs([d1, d2])).findings)).toEqual(['SEQ_DUPLICATE@1']);
  });

  it('a named pipe given at a checkpointed file\'s path is read whole as a stream from its first line, never opened for the checkpoint\'s tail check (from mutation testing)', async () => {
    const dir = join(tmp, 'fifo');
    mkdirSync(dir);
    const lines = chainLines(6, 'p');
    const log = join(dir, 'a.jsonl');
    writeFileSync(log, `${lines.slice(0, 3).join('\n')}\n`);
    const state = join(tmp, 'fifo.json');
    expect(await runPaths([log], state)).toEqual({ found: [], firstLines: [1] });
    const whole = join(tmp, 'fifo-source.jsonl');
    writeFileSync(whole, `${lines.join('\n')}\n`);
    rmSync(log);
    execFileSync('mkfifo', [log]);
    // The writer waits for a reader, writes the whole log once, and ends. (A tail check that
    // opened the pipe left the run waiting on it: that mutant fails here by the test's timeout.)
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', whole, log], { stdio: 'ignore' });
    const exited = once(writer, 'exit');
    const { sources } = await resolveSources([log]);
    const prepared = await prepareResume((await loadCheckpoint(state, [log]))!, sources, MAX, await realPaths(sources));
    expect(prepared.resume?.files.size ?? 0).toBe(0);
    const result = await verifyLogs([log], { resume: prepared.resume, preFindings: prepared.findings });
    expect(await exited).toEqual([0, null]);
    // Read from its first line: a stream cannot be resumed at a byte offset. The file the
    // checkpoint verified is no longer a file there (a pipe could as well give nothing, as a
    // link to /dev/null does): CHECKPOINT_MISMATCH, and everything verified from the start, so
    // its first events are not duplicates of the checkpoint's (h-ckpt; they were one run of
    // SEQ_DUPLICATE).
    expect(codeLines(result.findings)).toEqual(['CHECKPOINT_MISMATCH@3']);
    expect(result.summary.events).toBe(6);
    expect(result.summary.files).toMatchObject([{ firstLine: 1 }]);
  });

  it('two checkpointed files of the same name, both moved, both resume; a moved file and a copy of it: one resumes, the other is read whole', async () => {
    const base = join(tmp, 'moved-twins');
    const before = [join(base, 'x1'), join(base, 'y1')];
    const after = [join(base, 'x2'), join(base, 'y2')];
    for (const d of before) mkdirSync(d, { recursive: true });
    const x = chainLines(5, 'x');
    const y = chainLines(5, 'y');
    writeFileSync(join(before[0]!, 'audit.jsonl'), `${x.slice(0, 3).join('\n')}\n`);
    writeFileSync(join(before[1]!, 'audit.jsonl'), `${y.slice(0, 2).join('\n')}\n`);
    const state = join(base, 'cp.json');
    expect((await runPaths(before, state)).found).toEqual([]);
    renameSync(before[0]!, after[0]!);
    renameSync(before[1]!, after[1]!);
    appendFileSync(join(after[0]!, 'audit.jsonl'), `${x.slice(3).join('\n')}\n`);
    appendFileSync(join(after[1]!, 'audit.jsonl'), `${y.slice(2).join('\n')}\n`);
    const saved = readFileSync(state, 'utf8');
    expect(await runPaths(after, state)).toEqual({ found: [], firstLines: [4, 3] });
    // The same checkpoint, the first directory moved and copied: the copy repeats what it verified.
    writeFileSync(state, saved);
    const copy = join(base, 'x3');
    mkdirSync(copy);
    writeFileSync(join(copy, 'audit.jsonl'), readFileSync(join(after[0]!, 'audit.jsonl')));
    // (y2 named too: y1's file, no longer where the checkpoint verified it and read nowhere, would
    // be a segment gone, CHECKPOINT_MISMATCH.)
    const twice = await runPaths([after[0]!, copy, after[1]!], state);
    expect(twice.firstLines).toEqual([4, 1, 3]);
    expect(twice.found.length).toBeGreaterThan(0);
    expect(new Set(twice.found.map((f) => f.split('@')[0]))).toEqual(new Set(['SEQ_DUPLICATE']));
  });
});

describe('a checkpoint that is not UTF-8 (from mutation testing)', () => {
  it('is refused as such, though with its bad byte replaced it would read as a checkpoint', async () => {
    const { dir } = logs('not-utf8');
    const state = join(tmp, 'not-utf8.json');
    await runAndSave(dir, state, {}, () => undefined);
    const text = readFileSync(state, 'utf8');
    const at = text.indexOf('a.jsonl');
    writeFileSync(state, Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff]), Buffer.from(text.slice(at + 1))]));
    await expect(loadCheckpoint(state, [dir])).rejects.toThrow(new OperatorError(`checkpoint ${state} is not UTF-8`));
  });
});

describe('a checkpoint far larger than sel writes (found by review)', () => {
  it('is refused in one sentence without being read: V8\'s "Cannot create a string longer than 0x1fffffe8 characters" was the message, 775 MB held', () => {
    const state = join(tmp, 'huge.json');
    writeFileSync(state, '');
    execFileSync('truncate', ['-s', '700M', state]); // sparse: no disk, and nothing to read
    const log = join(tmp, 'huge.jsonl');
    writeFileSync(log, `${chainLines(3).join('\n')}\n`);
    const r = sel(['verify', log, '--checkpoint', state]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`sel: ${state} is not a sel checkpoint (sel.checkpoint/2): it is 734003200 bytes, far more than one sel writes; remove it to verify from the start\n`);
  });
});

describe('makeCheckpoint, the files it records (from mutation testing)', () => {
  it('the same checkpoint whatever the order the logs are named in: files sorted by path', async () => {
    const { dir } = logs('named-order');
    const [a, b] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    const made = async (paths: string[]) => {
      const { sources } = await resolveSources(paths);
      const result = await verifyLogs(paths);
      return makeCheckpoint(result.positions, sources, result.ends, await realPaths(sources), null);
    };
    const forward = await made([a, b]);
    expect(forward.files.map((f) => f.path)).toEqual([realpathSync(a), realpathSync(b)]);
    expect(await made([b, a])).toEqual(forward);
  });

  it('leaves out a file the run did not read to a line end (no end, or a torn or too long last line): the next run reads it from the start', async () => {
    const { dir } = logs('no-end');
    const { sources } = await resolveSources([dir]);
    const result = await verifyLogs([dir]);
    const reals = await realPaths(sources);
    const [a, b] = sources.map((s) => s.display);
    const ends = new Map(result.ends);
    ends.delete(a!);
    ends.set(b!, { ...ends.get(b!)!, tail: null });
    expect(makeCheckpoint(result.positions, sources, ends, reals, null).files).toEqual([]);
    expect(makeCheckpoint(result.positions, sources, result.ends, reals, null).files.map((f) => f.path)).toEqual([a, b].map((p) => realpathSync(p!)));
    // Only that file: one left out does not end the list (from mutation review).
    const noA = new Map(result.ends);
    noA.delete(a!);
    expect(makeCheckpoint(result.positions, sources, noA, reals, null).files.map((f) => f.path)).toEqual([realpathSync(b!)]);
    // Nor a log that is no regular file (a named pipe, a device): read as a stream, it has no
    // verified part to resume, and recorded, the next run said it was no longer a file there.
    const streams = sources.map((s, i) => (i === 0 ? { ...s, regular: false } : s));
    expect(makeCheckpoint(result.positions, streams, result.ends, reals, null).files.map((f) => f.path)).toEqual([realpathSync(b!)]);
  });
});

describe('a CHECKPOINT_MISMATCH on a later log (found by mutation testing)', () => {
  for (const [name, opts] of RUNS) {
    it(`is listed at its own file's position, after the findings of the logs before it, though it is found before any log is read (${name})`, async () => {
      const dir = join(tmp, `late-mismatch-${opts.jobs}`);
      mkdirSync(dir);
      const a = join(dir, 'a.jsonl');
      const b = join(dir, 'b.jsonl');
      writeFileSync(a, `${chainLines(50, 'x').join('\n')}\n`);
      writeFileSync(b, `${chainLines(3, 'y').join('\n')}\n`);
      const state = join(tmp, `late-mismatch-${opts.jobs}.json`);
      await runAndSave(dir, state, opts, () => undefined);
      // b.jsonl rewritten (the same length, another chain), and a bad line appended to a.jsonl.
      const forged = `${chainLines(3, 'w').join('\n')}\n`;
      expect(Buffer.byteLength(forged)).toBe(statSync(b).size);
      writeFileSync(b, forged);
      appendFileSync(a, GARBAGE);
      const { sources } = await resolveSources([dir]);
      const prepared = await prepareResume((await loadCheckpoint(state, [dir]))!, sources, MAX, await realPaths(sources));
      const result = await verifyLogs([dir], { ...opts, resume: prepared.resume, preFindings: prepared.findings });
      expect(result.findings.map((f) => `${f.location!.file.split('/').pop()}:${f.code}@${f.location!.line}`)).toEqual([
        'a.jsonl:LINE_INVALID_JSON@51',
        'b.jsonl:CHECKPOINT_MISMATCH@3',
      ]);
    });
  }
});

/** `n` events of chain `chain` written into `dir` as segments of the sizes given, in order; the lines. */
function segments(dir: string, chain: string, n: number, sizes: Record<string, number>): string[] {
  mkdirSync(dir, { recursive: true });
  const lines = chainLines(n, chain);
  let at = 0;
  for (const [name, size] of Object.entries(sizes)) {
    writeFileSync(join(dir, name), size === 0 ? '' : `${lines.slice(at, at + size).join('\n')}\n`);
    at += size;
  }
  return lines;
}

/** A run with nothing to say: no finding, nothing on stderr, exit 0. */
function expectClean(r: { status: number | null; stdout: string; stderr: string }): void {
  expect(r.stderr).toBe('');
  expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toEqual([]);
  expect(r.status).toBe(0);
}

// Review: a segment the checkpoint verified, deleted from the directory of logs named again,
// passed the incremental run in silence, where a full run of the same directory reports the
// events it held as missing (SEQ_GAP). The checkpoint names the file: it is gone, and that is
// said, and everything is verified again, as for a file cut short.
describe('a checkpointed file deleted from the directory named', () => {
  it('is CHECKPOINT_MISMATCH, and the run verifies everything again, as a full run does', () => {
    const dir = join(tmp, 'deleted-segment');
    const lines = segments(dir, 'x', 8, { 'a.jsonl': 4, 'b.jsonl': 4 });
    const state = join(tmp, 'deleted-segment.cp.json');
    expect(sel(['verify', dir, '--checkpoint', state]).status).toBe(0);
    rmSync(join(dir, 'a.jsonl'));
    const full = JSON.parse(sel(['verify', dir, '--format', 'json']).stdout) as { findings: { code: string }[] };
    expect(full.findings.map((f) => f.code)).toEqual(['SEQ_GAP']);
    const r = sel(['verify', dir, '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: { code: string; message: string }[] };
    expect(out.findings.map((f) => f.code).sort()).toEqual(['CHECKPOINT_MISMATCH', 'SEQ_GAP']);
    expect(out.findings.find((f) => f.code === 'CHECKPOINT_MISMATCH')!.message).toMatch(/^a\.jsonl, which the checkpoint verified to line 4, is no longer in /);
    // A checkpointed file named alone and not named again is not looked for: only a directory's.
    const alone = join(tmp, 'deleted-segment-alone.cp.json');
    writeFileSync(join(dir, 'a.jsonl'), `${lines.slice(0, 4).join('\n')}\n`);
    expect(sel(['verify', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--checkpoint', alone]).status).toBe(0);
    expect(sel(['verify', join(dir, 'b.jsonl'), '--checkpoint', alone]).status).toBe(0);
  });
});

// A directory of logs renamed (or copied) since the checkpoint, and named under its new path, is
// resumed there file by file; a segment left out of it passed the resumed run in silence, where
// a full run of the same directory reports the gap (SEQ_GAP).
describe('a checkpointed file missing from its directory moved or copied since', () => {
  it('is CHECKPOINT_MISMATCH, named under the directory as named now; the whole directory moved resumes', () => {
    const root = join(tmp, 'renamed-dir');
    const lines = segments(join(root, 'logs'), 'r', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    const state = join(tmp, 'renamed-dir.cp.json');
    expect(sel(['verify', join(root, 'logs'), '--checkpoint', state]).status).toBe(0);
    const cp = readFileSync(state);
    // Moved whole: resumed, nothing to say.
    renameSync(join(root, 'logs'), join(root, 'moved'));
    expectClean(sel(['verify', join(root, 'moved'), '--checkpoint', state, '--format', 'json']));
    // Moved without its middle segment: a full run reports the gap, and so must the resumed one.
    writeFileSync(state, cp);
    renameSync(join(root, 'moved'), join(root, 'again'));
    rmSync(join(root, 'again', 'b.jsonl'));
    const full = JSON.parse(sel(['verify', join(root, 'again'), '--format', 'json']).stdout) as { findings: { code: string }[] };
    expect(full.findings.map((f) => f.code)).toEqual(['SEQ_GAP']);
    const r = sel(['verify', join(root, 'again'), '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: { code: string; location: { file: string }; message: string }[] };
    expect(out.findings.map((f) => f.code).sort()).toEqual(['CHECKPOINT_MISMATCH', 'SEQ_GAP']);
    const mismatch = out.findings.find((f) => f.code === 'CHECKPOINT_MISMATCH')!;
    expect(mismatch.location.file).toBe(join(root, 'again', 'b.jsonl'));
    expect(mismatch.message).toBe(`b.jsonl, which the checkpoint verified to line 3, is no longer in ${join(root, 'again')}: a segment of the log was deleted or moved out; verifying everything again`);
    // A file of it named alone, not its directory: the others still there are not looked for, as
    // where it was; the one deleted is gone from where the directory is now, and is said (h-ckpt).
    const alone = join(tmp, 'renamed-dir-alone.cp.json');
    writeFileSync(alone, cp);
    const one = sel(['verify', join(root, 'again', 'c.jsonl'), '--checkpoint', alone, '--format', 'json']);
    expect(one.status).toBe(1);
    expect((JSON.parse(one.stdout) as { findings: { code: string; location: { file: string } }[] }).findings.map((f) => `${f.code}:${f.location.file}`)).toEqual([
      // Verified again from the start: what a full run of c.jsonl alone says, and why.
      `SEQ_GAP:${join(root, 'again', 'c.jsonl')}`,
      `CHECKPOINT_MISMATCH:${join(root, 'again', 'b.jsonl')}`,
    ]);
    writeFileSync(join(root, 'again', 'b.jsonl'), `${lines.slice(3, 6).join('\n')}\n`);
    expectClean(sel(['verify', join(root, 'again', 'c.jsonl'), '--checkpoint', alone, '--format', 'json']));
  });
});

// A segment moved out of the directory into another one named too is resumed there (by its
// name and its verified part), not reported as deleted from the first (from mutation testing).
describe('a checkpointed file moved from the directory named into another named too', () => {
  it('resumes where it is now: no CHECKPOINT_MISMATCH', () => {
    const root = join(tmp, 'moved-segment');
    segments(join(root, 'logs'), 'm', 8, { 'a.jsonl': 4, 'b.jsonl': 4 });
    mkdirSync(join(root, 'archive'));
    const state = join(tmp, 'moved-segment.cp.json');
    expect(sel(['verify', join(root, 'logs'), '--checkpoint', state]).status).toBe(0);
    renameSync(join(root, 'logs', 'a.jsonl'), join(root, 'archive', 'a.jsonl'));
    expect(sel(['verify', join(root, 'archive'), join(root, 'logs')]).status).toBe(0);
    expectClean(sel(['verify', join(root, 'archive'), join(root, 'logs'), '--checkpoint', state, '--format', 'json']));
  });
});

// An empty segment deleted from the directory held no events: a full run of the directory
// passes, as LEDGER_REWRITTEN does not report an empty committed log deleted. The resumed run
// said CHECKPOINT_MISMATCH, "a segment of the log was deleted", and failed; its checkpoint
// not advanced, every later run failed the same way.
describe('an empty checkpointed file deleted from the directory named', () => {
  it('is not CHECKPOINT_MISMATCH: the resumed run passes as a full run does, and the checkpoint advances', () => {
    const dir = join(tmp, 'deleted-empty');
    const lines = segments(dir, 'e', 8, { 'a.jsonl': 4, 'b.jsonl': 0 });
    const state = join(tmp, 'deleted-empty.cp.json');
    expect(sel(['verify', dir, '--checkpoint', state]).status).toBe(0);
    rmSync(join(dir, 'b.jsonl'));
    appendFileSync(join(dir, 'a.jsonl'), `${lines.slice(4).join('\n')}\n`);
    const full = sel(['verify', dir, '--format', 'json']);
    expect(full.status).toBe(0);
    expectClean(sel(['verify', dir, '--checkpoint', state, '--format', 'json']));
    expect(sel(['verify', dir, '--checkpoint', state]).status).toBe(0);
  });
});

describe('an empty --checkpoint (an unset variable)', () => {
  it('is refused before the run, in one sentence, with no report', () => {
    const dir = join(tmp, 'empty-name');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), `${chainLines(2).join('\n')}\n`);
    const r = sel(['verify', dir, '--checkpoint', '']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sel: --checkpoint is empty: name the file that keeps the checkpoint\n');
    // Nor `-`, which is a stream elsewhere: it wrote a file named "-" (found by review).
    const dash = sel(['verify', dir, '--checkpoint', '-'], { cwd: dir });
    expect([dash.status, dash.stdout, dash.stderr]).toEqual([2, '', 'sel: --checkpoint - would be a stream, but a checkpoint is read and written again: name the file that keeps it\n']);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });
});

/** The findings' codes of a `--format json` report, sorted. */
function jsonCodes(r: { stdout: string }): string[] {
  return (JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code).sort();
}

// Review (h-ckpt): segments the checkpoint verified, gone from what the next run reads, in ways
// the deleted-segment check did not see. A full run of what is named reports their events
// missing (SEQ_GAP); the resumed run passed, and advanced the checkpoint past the gap.
describe('a checkpointed segment gone unseen', () => {
  /** Verifies `before` (the logs as named), lets `change` tamper, then runs `after` in full and from the checkpoint. */
  function gone(name: string, build: (root: string) => void, before: (root: string) => string[], change: (root: string) => void, after: (root: string) => string[]): { full: string[]; resumed: { status: number | null; codes: string[] } } {
    const root = join(tmp, name);
    build(root);
    const state = join(tmp, `${name}.cp.json`);
    const first = sel(['verify', ...before(root), '--checkpoint', state]);
    expect([first.status, first.stderr]).toEqual([0, '']);
    change(root);
    const full = sel(['verify', ...after(root), '--format', 'json']);
    const r = sel(['verify', ...after(root), '--checkpoint', state, '--format', 'json']);
    return { full: jsonCodes(full), resumed: { status: r.status, codes: jsonCodes(r) } };
  }
  const failsAsFull = (out: ReturnType<typeof gone>) => {
    expect(out.full).toContain('SEQ_GAP');
    expect(out.resumed.status).toBe(1);
    expect(out.resumed.codes).toContain('CHECKPOINT_MISMATCH');
    for (const c of out.full) expect(out.resumed.codes).toContain(c);
  };

  it('a directory moved, every segment the checkpoint verified deleted and only new ones left', () => {
    failsAsFull(gone('gone-moved-all', (root) => {
      const lines = segments(join(root, 'logs'), 'g', 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      writeFileSync(join(root, 'rest'), `${lines.slice(9).join('\n')}\n`);
    }, (root) => [join(root, 'logs')], (root) => {
      renameSync(join(root, 'logs'), join(root, 'moved'));
      for (const f of ['a.jsonl', 'b.jsonl', 'c.jsonl']) rmSync(join(root, 'moved', f));
      renameSync(join(root, 'rest'), join(root, 'moved', 'd.jsonl'));
    }, (root) => [join(root, 'moved')]));
  });

  it('a segment reached through a symbolic link in the directory named, the link deleted', () => {
    failsAsFull(gone('gone-link', (root) => {
      segments(join(root, 'store'), 's', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      mkdirSync(join(root, 'logs'));
      for (const f of ['a.jsonl', 'b.jsonl', 'c.jsonl']) symlinkSync(join('..', 'store', f), join(root, 'logs', f));
    }, (root) => [join(root, 'logs')], (root) => rmSync(join(root, 'logs', 'b.jsonl')), (root) => [join(root, 'logs')]));
  });

  it('a directory named through a symbolic link, the link moved on to a directory of new segments only', () => {
    failsAsFull(gone('gone-dir-link', (root) => {
      const lines = segments(join(root, 'd1'), 'r', 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      mkdirSync(join(root, 'd2'));
      writeFileSync(join(root, 'd2', 'd.jsonl'), `${lines.slice(9).join('\n')}\n`);
      symlinkSync('d1', join(root, 'logs'));
    }, (root) => [join(root, 'logs')], (root) => {
      rmSync(join(root, 'logs'));
      symlinkSync('d2', join(root, 'logs'));
    }, (root) => [join(root, 'logs')]));
  });

  it('a segment replaced by a symbolic link to the next one (read once, under the link\'s name)', () => {
    failsAsFull(gone('gone-link-sibling', (root) => {
      segments(join(root, 'logs'), 'l', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    }, (root) => [join(root, 'logs')], (root) => {
      rmSync(join(root, 'logs', 'b.jsonl'));
      symlinkSync('c.jsonl', join(root, 'logs', 'b.jsonl'));
    }, (root) => [join(root, 'logs')]));
  });

  it('(not gone: a link the checkpoint recorded, moved on to the next segment, its old file linked under another name, resumes there as a full run reads it)', () => {
    const root = join(tmp, 'relinked');
    const lines = segments(join(root, 'store'), 'k', 9, { '1.jsonl': 3, '2.jsonl': 3 });
    const logs = join(root, 'logs');
    mkdirSync(logs);
    symlinkSync(join('..', 'store', '1.jsonl'), join(logs, 'seg-1.jsonl'));
    symlinkSync(join('..', 'store', '2.jsonl'), join(logs, 'current.jsonl'));
    const state = join(tmp, 'relinked.cp.json');
    expect(sel(['verify', logs, '--checkpoint', state]).status).toBe(0);
    // Rotated: current.jsonl moves on to a new segment, the one it named is linked as seg-2.
    writeFileSync(join(root, 'store', '3.jsonl'), `${lines.slice(6).join('\n')}\n`);
    symlinkSync(join('..', 'store', '2.jsonl'), join(logs, 'seg-2.jsonl'));
    rmSync(join(logs, 'current.jsonl'));
    symlinkSync(join('..', 'store', '3.jsonl'), join(logs, 'current.jsonl'));
    expectClean(sel(['verify', logs, '--format', 'json']));
    const r = sel(['verify', logs, '--checkpoint', state, '--format', 'json']);
    expectClean(r);
    expect((JSON.parse(r.stdout) as { summary: { files: { file: string; firstLine: number }[] } }).summary.files.map((f) => `${f.file.split('/').pop()}:${f.firstLine}`)).toEqual(['seg-1.jsonl:4', 'seg-2.jsonl:4', 'current.jsonl:1']);
  });

  // Found by review: the honest nightly job, run from a fresh checkout in another directory each
  // night, its logs with it (a cache restored, links kept). The checkpoint recorded current.jsonl,
  // the link to the newest segment; moved on since, the segment it named, now read under its own
  // name in the moved directory, was matched by name only, found nothing, and the link was
  // CHECKPOINT_MISMATCH: every night failed, the checkpoint never advanced.
  it('(not gone: a directory moved, its current.jsonl link moved on to a new segment, resumes as a full run reads it)', () => {
    const root = join(tmp, 'relinked-moved');
    const lines = segments(join(root, 'run1', 'logs'), 'q', 12, { 'seg-001.jsonl': 3, 'seg-002.jsonl': 3 });
    symlinkSync('seg-002.jsonl', join(root, 'run1', 'logs', 'current.jsonl'));
    const state = join(tmp, 'relinked-moved.cp.json');
    expect(sel(['verify', 'logs', '--checkpoint', state], { cwd: join(root, 'run1') }).status).toBe(0);
    for (const [night, from, to] of [[2, 'run1', 'run2'], [3, 'run2', 'run3']] as const) {
      renameSync(join(root, from), join(root, to));
      const logs = join(root, to, 'logs');
      writeFileSync(join(logs, `seg-00${night + 1}.jsonl`), `${lines.slice(3 * night, 3 * night + 3).join('\n')}\n`);
      rmSync(join(logs, 'current.jsonl'));
      symlinkSync(`seg-00${night + 1}.jsonl`, join(logs, 'current.jsonl'));
      expectClean(sel(['verify', 'logs', '--format', 'json'], { cwd: join(root, to) }));
      const r = sel(['verify', 'logs', '--checkpoint', state, '--format', 'json'], { cwd: join(root, to) });
      expectClean(r);
      // Each verified segment resumes past its verified part; the new one, under the link, from its start.
      expect((JSON.parse(r.stdout) as { summary: { files: { file: string; firstLine: number }[] } }).summary.files.map((f) => `${f.file.split('/').pop()}:${f.firstLine}`))
        .toEqual([...Array.from({ length: night }, (_, k) => `seg-00${k + 1}.jsonl:4`), 'current.jsonl:1']);
    }
  });

  // From mutation testing: a file resumes first under the path it is named at; a
  // checkpointed link that reaches it now is another file's record. Taken first, the segment
  // linked to was said rewritten, the one replaced said nothing of.
  it('a segment replaced by a symbolic link to the one before it: the mismatch names the segment replaced, and only it', () => {
    const root = join(tmp, 'gone-link-back');
    segments(join(root, 'logs'), 'p', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    const state = join(tmp, 'gone-link-back.cp.json');
    expect(sel(['verify', join(root, 'logs'), '--checkpoint', state]).status).toBe(0);
    rmSync(join(root, 'logs', 'b.jsonl'));
    symlinkSync('a.jsonl', join(root, 'logs', 'b.jsonl'));
    const r = sel(['verify', join(root, 'logs'), '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(1);
    const found = (JSON.parse(r.stdout) as { findings: { code: string; location: { file: string }; message: string }[] }).findings.filter((f) => f.code === 'CHECKPOINT_MISMATCH');
    expect(found.map((f) => [f.location.file, f.message])).toEqual([[join(root, 'logs', 'b.jsonl'), `b.jsonl, which the checkpoint verified to line 3, is not that file in ${join(root, 'logs')} any more (emptied, replaced, or a symbolic link to another file): a segment of the log was deleted or replaced; verifying everything again`]]);
  });

  // From mutation testing: a directory named again is known by the path it is named at
  // (the checkpoint's) and by its real path (the path an older sel recorded): a segment deleted
  // from it is said missing from the directory as named, not as a file gone somewhere.
  it('a segment deleted from a directory named through a symbolic link: said missing from the directory as named, from a checkpoint of either path', () => {
    const root = join(tmp, 'gone-dir-link-message');
    segments(join(root, 'd1'), 'o', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    symlinkSync('d1', join(root, 'logs'));
    const state = join(tmp, 'gone-dir-link-message.cp.json');
    expect(sel(['verify', 'logs', '--checkpoint', state], { cwd: root }).status).toBe(0);
    const named = readFileSync(state, 'utf8');
    const real = realpathSync(join(root, 'd1'));
    // As an older sel wrote it: by the real path.
    const older = named.replaceAll(`${realpathSync(root)}/logs/`, `${real}/`);
    expect(older).not.toBe(named);
    rmSync(join(root, 'd1', 'b.jsonl'));
    for (const cp of [named, older]) {
      writeFileSync(state, cp);
      const r = sel(['verify', 'logs', '--checkpoint', state, '--format', 'json'], { cwd: root });
      expect(r.status).toBe(1);
      const found = (JSON.parse(r.stdout) as { findings: { code: string; location: { file: string }; message: string }[] }).findings.filter((f) => f.code === 'CHECKPOINT_MISMATCH');
      expect(found.map((f) => [f.location.file, f.message])).toEqual([['logs/b.jsonl', 'b.jsonl, which the checkpoint verified to line 3, is no longer in logs: a segment of the log was deleted or moved out; verifying everything again']]);
    }
  });

  // Found by review: rotation by renaming, the writer's active file renamed to a segment and a
  // new one made under its name. A full run reads the same events; the resumed run compared the
  // new current.jsonl with what the checkpoint verified under that name, and failed every night
  // the active file rotated, the checkpoint never advanced.
  it('(not gone: the active file renamed to a segment, a new one made under its name, resumes as a full run reads it; rewritten in place, it is CHECKPOINT_MISMATCH)', () => {
    const root = join(tmp, 'renamed-active');
    const logs = join(root, 'logs');
    const lines = segments(logs, 'v', 14, { 'seg-001.jsonl': 3, 'current.jsonl': 3 });
    const state = join(tmp, 'renamed-active.cp.json');
    expect(sel(['verify', logs, '--checkpoint', state]).status).toBe(0);
    const cp = readFileSync(state);
    appendFileSync(join(logs, 'current.jsonl'), `${lines.slice(6, 8).join('\n')}\n`);
    renameSync(join(logs, 'current.jsonl'), join(logs, 'seg-002.jsonl'));
    writeFileSync(join(logs, 'current.jsonl'), `${lines.slice(8, 10).join('\n')}\n`);
    expectClean(sel(['verify', logs, '--format', 'json']));
    const r = sel(['verify', logs, '--checkpoint', state, '--format', 'json']);
    expectClean(r);
    expect((JSON.parse(r.stdout) as { summary: { files: { file: string; firstLine: number }[] } }).summary.files.map((f) => `${f.file.split('/').pop()}:${f.firstLine}`)).toEqual(['seg-001.jsonl:4', 'seg-002.jsonl:4', 'current.jsonl:1']);
    // The file verified read nowhere: current.jsonl rewritten is what it was.
    writeFileSync(state, cp);
    rmSync(join(logs, 'seg-002.jsonl'));
    const again = sel(['verify', logs, '--checkpoint', state, '--format', 'json']);
    expect(again.status).toBe(1);
    expect((JSON.parse(again.stdout) as { findings: { code: string; location: { file: string }; message: string }[] }).findings.filter((f) => f.code === 'CHECKPOINT_MISMATCH').map((f) => [f.location.file, f.message]))
      .toEqual([[join(logs, 'current.jsonl'), `the file is shorter than the ${Buffer.byteLength(`${lines.slice(3, 6).join('\n')}\n`)} bytes the checkpoint verified: it was truncated or replaced; verifying everything again`]]);
  });

  it('(not gone: the same rotation by renaming in a directory moved since, the job run from another checkout each night)', () => {
    const root = join(tmp, 'renamed-active-moved');
    const lines = segments(join(root, 'run1', 'logs'), 'u', 14, { 'seg-001.jsonl': 3, 'current.jsonl': 3 });
    const state = join(tmp, 'renamed-active-moved.cp.json');
    expect(sel(['verify', 'logs', '--checkpoint', state], { cwd: join(root, 'run1') }).status).toBe(0);
    renameSync(join(root, 'run1'), join(root, 'run2'));
    const logs = join(root, 'run2', 'logs');
    appendFileSync(join(logs, 'current.jsonl'), `${lines.slice(6, 8).join('\n')}\n`);
    renameSync(join(logs, 'current.jsonl'), join(logs, 'seg-002.jsonl'));
    writeFileSync(join(logs, 'current.jsonl'), `${lines.slice(8, 10).join('\n')}\n`);
    expectClean(sel(['verify', 'logs', '--format', 'json'], { cwd: join(root, 'run2') }));
    const r = sel(['verify', 'logs', '--checkpoint', state, '--format', 'json'], { cwd: join(root, 'run2') });
    expectClean(r);
    expect((JSON.parse(r.stdout) as { summary: { files: { file: string; firstLine: number }[] } }).summary.files.map((f) => `${f.file.split('/').pop()}:${f.firstLine}`)).toEqual(['seg-001.jsonl:4', 'seg-002.jsonl:4', 'current.jsonl:1']);
  });

  // From mutation testing: a link put in a segment's place is said to be another file
  // there, not the file rewritten (which is still whole where the link does not lead).
  it('a segment replaced by a symbolic link to an empty file: said not to be that file any more, not rewritten', () => {
    const root = join(tmp, 'link-empty-message');
    segments(join(root, 'logs'), 'y', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    writeFileSync(join(root, 'empty.jsonl'), '');
    const state = join(tmp, 'link-empty-message.cp.json');
    expect(sel(['verify', 'logs', '--checkpoint', state], { cwd: root }).status).toBe(0);
    renameSync(join(root, 'logs', 'b.jsonl'), join(root, 'b.jsonl'));
    symlinkSync(join('..', 'empty.jsonl'), join(root, 'logs', 'b.jsonl'));
    const r = sel(['verify', 'logs', '--checkpoint', state, '--format', 'json'], { cwd: root });
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { code: string; location: { file: string }; message: string }[] }).findings.filter((f) => f.code === 'CHECKPOINT_MISMATCH').map((f) => [f.location.file, f.message]))
      .toEqual([['logs/b.jsonl', 'b.jsonl, which the checkpoint verified to line 3, is not that file in logs any more (emptied, replaced, or a symbolic link to another file): a segment of the log was deleted or replaced; verifying everything again']]);
  });

  // From mutation testing: only the file at a checkpointed name may be another file
  // that the file verified is read elsewhere instead of; one named now through a new link to
  // it, rewritten, is that file rewritten.
  it('a checkpointed file named now through a new link, rewritten: CHECKPOINT_MISMATCH, the line changed', () => {
    const root = join(tmp, 'alias-rewritten');
    const lines = segments(join(root, 'logs'), 'n', 6, { 'a.jsonl': 3 });
    const state = join(tmp, 'alias-rewritten.cp.json');
    expect(sel(['verify', join(root, 'logs', 'a.jsonl'), '--checkpoint', state]).status).toBe(0);
    symlinkSync(join('logs', 'a.jsonl'), join(root, 'alias.jsonl'));
    writeFileSync(join(root, 'logs', 'a.jsonl'), `${[lines[0], lines[1], lines[1]].join('\n')}\n${lines.slice(3).join('\n')}\n`);
    const r = sel(['verify', join(root, 'alias.jsonl'), '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { code: string; location: { file: string }; message: string }[] }).findings.filter((f) => f.code === 'CHECKPOINT_MISMATCH').map((f) => [f.location.file, f.message]))
      .toEqual([[join(root, 'alias.jsonl'), 'line 3, the last the checkpoint verified, is not the same line any more: the file was rewritten; verifying everything again']]);
  });

  it('a segment replaced by a symbolic link to an empty file elsewhere', () => {
    failsAsFull(gone('gone-link-empty', (root) => {
      segments(join(root, 'logs'), 'e', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      writeFileSync(join(root, 'empty.jsonl'), '');
    }, (root) => [join(root, 'logs')], (root) => {
      rmSync(join(root, 'logs', 'b.jsonl'));
      symlinkSync(join('..', 'empty.jsonl'), join(root, 'logs', 'b.jsonl'));
    }, (root) => [join(root, 'logs')]));
  });

  it('a directory moved, one of its segments emptied (as where it was: CHECKPOINT_MISMATCH)', () => {
    failsAsFull(gone('gone-moved-emptied', (root) => {
      segments(join(root, 'logs'), 'm', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    }, (root) => [join(root, 'logs')], (root) => {
      renameSync(join(root, 'logs'), join(root, 'moved'));
      writeFileSync(join(root, 'moved', 'b.jsonl'), '');
    }, (root) => [join(root, 'moved')]));
  });

  it('segments named one by one (a shell glob), one of them deleted', () => {
    const glob = (root: string) => ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((f) => join(root, 'logs', f)).filter((f) => existsSync(f));
    failsAsFull(gone('gone-glob', (root) => {
      segments(join(root, 'logs'), 'n', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    }, glob, (root) => rmSync(join(root, 'logs', 'b.jsonl')), glob));
  });

  // Found by review: the checkpointed link, reaching another file now, was set aside to resume
  // under another name; none took it, and a file named outside a directory named again that is
  // still a file was taken for the operator's choice of logs. But it is named: read from its
  // start, as a new segment, it passed where a full run reports the gap.
  it('segments named one by one, one replaced by a link to a file of new events, or to an empty file', () => {
    const names = (root: string) => ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((f) => join(root, 'logs', f));
    failsAsFull(gone('gone-glob-link', (root) => {
      const lines = segments(join(root, 'logs'), 'w', 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      writeFileSync(join(root, 'new.jsonl'), `${lines.slice(9).join('\n')}\n`);
    }, names, (root) => {
      rmSync(join(root, 'logs', 'b.jsonl'));
      symlinkSync(join('..', 'new.jsonl'), join(root, 'logs', 'b.jsonl'));
    }, names));
    failsAsFull(gone('gone-glob-link-empty', (root) => {
      segments(join(root, 'logs'), 'z', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      writeFileSync(join(root, 'empty.jsonl'), '');
    }, names, (root) => {
      rmSync(join(root, 'logs', 'b.jsonl'));
      symlinkSync(join('..', 'empty.jsonl'), join(root, 'logs', 'b.jsonl'));
    }, names));
  });

  // Found by review: a segment missing from the directory moved was looked for only in the
  // first directory its siblings resumed from, which need not be the one named: a backup copy of
  // the directory, one file of it named, held it, and the run passed.
  it('a directory moved without a segment, beside a copy of it of which one file is named', () => {
    // Named as the directory moved, and with every file named one by one (no directory named:
    // it is missing from one of them).
    const named: [string, string, (root: string) => string[]][] = [
      ['gone-moved-and-copy', 'h', (root) => [join(root, 'backup', 'a.jsonl'), join(root, 'moved')]],
      ['gone-moved-and-copy-glob', 'i', (root) => [join(root, 'backup', 'a.jsonl'), join(root, 'moved', 'c.jsonl'), join(root, 'moved', 'd.jsonl')]],
    ];
    for (const [name, chain, after] of named) {
      failsAsFull(gone(name, (root) => {
        const lines = segments(join(root, 'logs'), chain, 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
        writeFileSync(join(root, 'rest'), `${lines.slice(9).join('\n')}\n`);
      }, (root) => [join(root, 'logs')], (root) => {
        execFileSync('cp', ['-a', join(root, 'logs'), join(root, 'backup')]);
        renameSync(join(root, 'logs'), join(root, 'moved'));
        for (const f of ['a.jsonl', 'b.jsonl']) rmSync(join(root, 'moved', f));
        renameSync(join(root, 'rest'), join(root, 'moved', 'd.jsonl'));
      }, after));
    }
  });

  // Found by review: a segment named one by one in a directory moved, rewritten (new events in
  // its place), was read from its start as a new segment; still a file there, it was taken for
  // the operator's choice of logs, though named.
  it('segments named one by one in a directory moved, one of them rewritten with new events', () => {
    const names = (dir: string) => (root: string) => ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((f) => join(root, dir, f));
    failsAsFull(gone('gone-moved-glob-rewritten', (root) => {
      const lines = segments(join(root, 'logs'), 'j', 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      writeFileSync(join(root, 'rest'), `${lines.slice(9).join('\n')}\n`);
    }, names('logs'), (root) => {
      renameSync(join(root, 'logs'), join(root, 'moved'));
      renameSync(join(root, 'rest'), join(root, 'moved', 'b.jsonl'));
    }, names('moved')));
  });

  it('segments named one by one, the active one renamed into another directory (its new name unlike its old), another deleted: a file of that name in the other directory is not it (from mutation testing)', () => {
    // The file verified as A/current.jsonl resumes as B/seg.jsonl; that says nothing of where
    // A's other files are now: A/b.jsonl deleted, a B/b.jsonl there was taken for it, in silence.
    const named = (root: string) => [join(root, 'A', 'a.jsonl'), join(root, 'B', 'seg.jsonl'), join(root, 'A', 'current.jsonl')];
    let lines: string[] = [];
    failsAsFull(gone('renamed-across', (root) => {
      lines = segments(join(root, 'A'), 'ra', 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'current.jsonl': 3 });
      mkdirSync(join(root, 'B'));
    }, (root) => ['a.jsonl', 'b.jsonl', 'current.jsonl'].map((f) => join(root, 'A', f)), (root) => {
      renameSync(join(root, 'A', 'current.jsonl'), join(root, 'B', 'seg.jsonl'));
      writeFileSync(join(root, 'A', 'current.jsonl'), `${lines.slice(9, 12).join('\n')}\n`);
      rmSync(join(root, 'A', 'b.jsonl'));
      writeFileSync(join(root, 'B', 'b.jsonl'), '');
    }, named));
  });

  // Found by review: a path named with `..` after a symbolic link was recorded with the name
  // before the `..` dropped (path.resolve), which is not where the system goes: another file, or
  // none. A segment deleted passed when a file was at that path; one left where it was and not
  // named was missed when none was.
  it('segments named one by one through `link/..`: recorded where they are', () => {
    const build = (root: string) => {
      segments(join(root, 'deep', 'logs'), 'k', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      mkdirSync(join(root, 'deep', 'x'));
      mkdirSync(join(root, 'up', 'logs'), { recursive: true });
      symlinkSync(join('..', 'deep', 'x'), join(root, 'up', 'link'));
    };
    // `${root}/up/link/../logs` is deep/logs; up/logs, by the name, is another directory.
    const names = (files: string[]) => (root: string) => files.map((f) => `${root}/up/link/../logs/${f}`);
    failsAsFull(gone('dotdot-deleted', build, names(['a.jsonl', 'b.jsonl', 'c.jsonl']), (root) => {
      rmSync(join(root, 'deep', 'logs', 'b.jsonl'));
      writeFileSync(join(root, 'up', 'logs', 'b.jsonl'), '');
    }, names(['a.jsonl', 'c.jsonl'])));
    const root = join(tmp, 'dotdot-kept');
    build(root);
    const state = join(tmp, 'dotdot-kept.cp.json');
    expect(sel(['verify', ...names(['a.jsonl', 'b.jsonl'])(root), '--checkpoint', state]).status).toBe(0);
    expect((JSON.parse(readFileSync(state, 'utf8')) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['a.jsonl', 'b.jsonl'].map((f) => join(realpathSync(root), 'deep', 'logs', f)));
    // b.jsonl still where it was, not named: the operator's choice, as for any file named alone.
    expectClean(sel(['verify', ...names(['a.jsonl'])(root), '--checkpoint', state, '--format', 'json']));
  });

  it('segments named one by one, one replaced by a link to /dev/null (read as an empty stream) or by a directory holding an empty log', () => {
    const names = (root: string) => ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((f) => join(root, 'logs', f));
    failsAsFull(gone('gone-glob-null', (root) => {
      segments(join(root, 'logs'), 'u', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    }, names, (root) => {
      rmSync(join(root, 'logs', 'b.jsonl'));
      symlinkSync('/dev/null', join(root, 'logs', 'b.jsonl'));
    }, names));
    failsAsFull(gone('gone-glob-dir', (root) => {
      segments(join(root, 'logs'), 'v', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
    }, names, (root) => {
      rmSync(join(root, 'logs', 'b.jsonl'));
      mkdirSync(join(root, 'logs', 'b.jsonl'));
      writeFileSync(join(root, 'logs', 'b.jsonl', 'x.jsonl'), '');
    }, names));
  });
});

// Review (h-ckpt): the command listed the logs to compare them with the checkpoint, and the run
// listed them again, after reading the governance history (--repo: seconds on a long one). A
// segment deleted in between was compared (it resumed), then neither read nor missed: the run
// passed, and the checkpoint it wrote no longer named it. The run reads the files listed once.
describe('a segment deleted after the checkpoint was compared, before the run reads it', () => {
  for (const [name, opts] of RUNS) {
    it(`is read as listed, and so reported unreadable, not passed over (${name})`, async () => {
      const dir = join(tmp, `deleted-between-${opts.jobs}`);
      const lines = segments(dir, 'd', 12, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      const state = join(tmp, `deleted-between-${opts.jobs}.cp.json`);
      expect((await runPaths([dir], state, opts)).found).toEqual([]);
      appendFileSync(join(dir, 'c.jsonl'), `${lines.slice(9).join('\n')}\n`);
      const resolved = await resolveSources([dir]);
      const prepared = await prepareResume((await loadCheckpoint(state, [dir]))!, resolved.sources, MAX, await realPaths(resolved.sources), [dir]);
      expect(prepared.findings).toEqual([]);
      rmSync(join(dir, 'b.jsonl'));
      const result = await verifyLogs([dir], { ...opts, resume: prepared.resume, resolved });
      expect(codeLines(result.findings)).toEqual(['LOG_UNREADABLE@1']);
    });
  }
});

// Found by review: the checkpoint is trusted input (docs/ci.md), and one kept in the directory of
// logs it covers can be edited by whoever writes the logs; sel ran on in silence.
describe('a checkpoint kept in the directory of logs it covers', () => {
  it('is used, with a warning on standard error naming the directory; kept elsewhere, no warning', () => {
    const { dir } = logs('cp-inside');
    const inside = join(dir, 'sel-checkpoint.json');
    for (let night = 0; night < 2; night++) {
      const r = sel(['verify', dir, '--checkpoint', inside]);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`checkpoint ${inside} is in the log directory ${dir}: whoever writes the logs can edit it`);
    }
    expect(existsSync(inside)).toBe(true);
    // Named through another path to the same directory: the same directory.
    const r = sel(['verify', join(dir, '..', 'cp-inside'), '--checkpoint', inside]);
    expect(r.stderr).toContain('is in the log directory');
    const outside = join(tmp, 'cp-inside.cp.json');
    const clean = sel(['verify', dir, '--checkpoint', outside]);
    expect(clean.status).toBe(0);
    expect(clean.stderr).not.toContain('warning');
  });
});

describe('a verified part that no longer ends at a line end (from mutation testing)', () => {
  it('is said to have no line ending where the checkpoint\'s last line did, not compared as a line', async () => {
    const { dir, a } = logs('no-line-end');
    const state = join(tmp, 'no-line-end.json');
    await runAndSave(dir, state, {}, () => undefined);
    const cp = (await loadCheckpoint(state, [dir]))!;
    const bytes = cp.files.find((f) => f.path === a)!.bytes;
    // One byte put before it: the byte before the checkpoint's end is the `}` of its last line.
    writeFileSync(a, `X${readFileSync(a, 'utf8')}`);
    const { sources } = await resolveSources([dir]);
    const { resume, findings } = await prepareResume(cp, sources, MAX, await realPaths(sources));
    expect(resume).toBeNull();
    expect(findings.map((f) => [f.code, f.message, f.expected, f.actual])).toEqual([['CHECKPOINT_MISMATCH', `no line of at most ${MAX} bytes (--max-line-bytes) ends at byte ${bytes}, where the checkpoint's last verified line did: the file was rewritten, or the limit lowered; verifying everything again`, cp.files.find((f) => f.path === a)!.tail, null]]);
  });

  it('a checkpoint whose verified part is a first line of nothing but its LF resumes after it', async () => {
    // (sel ends a checkpoint before such a line; one that names it is compared as the line it is.)
    const dir = join(tmp, 'one-lf-line');
    mkdirSync(dir);
    const log = join(dir, 'a.jsonl');
    writeFileSync(log, '\n');
    const cp = { v: 'sel.checkpoint/2' as const, chains: [], files: [{ path: log, bytes: 1, lines: 1, tail: sha256Digest('\n') }], replay: null };
    const { sources } = await resolveSources([dir]);
    const { resume, findings } = await prepareResume(cp, sources, MAX, await realPaths(sources));
    expect(findings).toEqual([]);
    expect([...resume!.files.values()]).toEqual([{ bytes: 1, lines: 1, tail: sha256Digest('\n') }]);
  });
});

describe('a last verified line exactly --max-line-bytes long, after another (from mutation review)', () => {
  it('resumes after it: the window read holds the line, its LF and the LF before it; a limit one byte lower is CHECKPOINT_MISMATCH', async () => {
    const dir = join(tmp, 'max-line-tail');
    mkdirSync(dir);
    const log = join(dir, 'a.jsonl');
    writeFileSync(log, 'a\nbbbb\n');
    const cp = { v: 'sel.checkpoint/2' as const, chains: [], files: [{ path: log, bytes: 7, lines: 2, tail: sha256Digest('bbbb\n') }], replay: null };
    const { sources } = await resolveSources([dir]);
    const at = await prepareResume(cp, sources, 4, await realPaths(sources));
    expect(at.findings).toEqual([]);
    expect([...at.resume!.files.values()]).toEqual([{ bytes: 7, lines: 2, tail: sha256Digest('bbbb\n') }]);
    const lower = await prepareResume(cp, sources, 3, await realPaths(sources));
    expect(lower.resume).toBeNull();
    expect(lower.findings.map((f) => f.code)).toEqual(['CHECKPOINT_MISMATCH']);
  });
});

describe('segments named one by one through two symbolic links and `..` (from mutation testing)', () => {
  it('are recorded where the system opens them, each `..` taken after the link before it: not beside another file of the same name', () => {
    // a/l1 -> b/x, so a/l1/.. is b; b/l2 -> c/y, so b/l2/.. is c: the logs are c/logs. Taken at
    // the first `..` only, the rest by the name, the path recorded was b/logs/F, which holds
    // another (empty) b.jsonl below: a segment deleted passed as a file still there.
    const names = (files: string[]) => (root: string) => files.map((f) => `${root}/a/l1/../l2/../logs/${f}`);
    const build = (root: string) => {
      segments(join(root, 'c', 'logs'), 'dd', 9, { 'a.jsonl': 3, 'b.jsonl': 3, 'c.jsonl': 3 });
      mkdirSync(join(root, 'a'));
      mkdirSync(join(root, 'b', 'x'), { recursive: true });
      mkdirSync(join(root, 'b', 'logs'));
      mkdirSync(join(root, 'c', 'y'));
      symlinkSync(join('..', 'b', 'x'), join(root, 'a', 'l1'));
      symlinkSync(join('..', 'c', 'y'), join(root, 'b', 'l2'));
    };
    const root = join(tmp, 'dotdot-twice');
    build(root);
    const state = join(tmp, 'dotdot-twice.cp.json');
    expect(sel(['verify', ...names(['a.jsonl', 'b.jsonl', 'c.jsonl'])(root), '--checkpoint', state]).status).toBe(0);
    expect((JSON.parse(readFileSync(state, 'utf8')) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['a.jsonl', 'b.jsonl', 'c.jsonl'].map((f) => join(realpathSync(root), 'c', 'logs', f)));
    rmSync(join(root, 'c', 'logs', 'b.jsonl'));
    writeFileSync(join(root, 'b', 'logs', 'b.jsonl'), '');
    const r = sel(['verify', ...names(['a.jsonl', 'c.jsonl'])(root), '--checkpoint', state, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(jsonCodes(r)).toContain('CHECKPOINT_MISMATCH');
  });
});

describe('saveCheckpoint (from mutation testing)', () => {
  it('writes a new file under the checkpoint\'s name: a reader of the old one reads it whole, and no temporary file is left', async () => {
    const dir = join(tmp, 'save-atomic');
    mkdirSync(dir);
    const state = join(dir, 'cp.json');
    const first = { v: 'sel.checkpoint/2' as const, chains: [], files: [], replay: null };
    await saveCheckpoint(state, first);
    const before = readFileSync(state, 'utf8');
    expect(JSON.parse(before)).toEqual(first);
    // Another name for the file written first (a job that copies it away as this run ends).
    linkSync(state, join(dir, 'old.json'));
    const next = { v: 'sel.checkpoint/2' as const, chains: [], files: [{ path: join(dir, 'a.jsonl'), bytes: 0, lines: 0, tail: sha256Digest('') }], replay: { commit: 'a'.repeat(40) } };
    await saveCheckpoint(state, next);
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual(next);
    expect(readdirSync(dir).sort()).toEqual(['cp.json', 'old.json']);
  });
});
