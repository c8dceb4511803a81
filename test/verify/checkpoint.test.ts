/**
 * What a checkpoint records: where each file was verified to by the run, from the bytes the run
 * read (IntegrityResult.ends), never the file as it is when the checkpoint is written. Real
 * files in a temporary directory, the real run and checkpoint code.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/canonical/digest.js';
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
