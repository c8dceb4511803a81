/**
 * Incremental runs (`sel verify --checkpoint FILE`). After a run without error findings that
 * passes (--fail-on), the
 * checkpoint records where each chain stands (next seq, the hash it must link to) and how
 * far each log file was verified (bytes, lines, and the hash of the last verified line). The
 * next run starts each file there, and each chain from its recorded position: the first new
 * event must link to the checkpoint, or the chain check reports it, and is compared with the
 * times recorded (the last ts, for TS_REGRESSION; the chain's latest, at which replay judges
 * reviews and exceptions again). sel.checkpoint/2; a /1 file, which has no times, is read, and
 * its chains resume without them (as before /2). A file that no longer
 * matches its checkpoint (shorter, or another last line) is CHECKPOINT_MISMATCH, and then
 * everything is verified again from the start: never a silent restart.
 */
import { open, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { sha256Digest } from '../canonical/digest.js';
import { scanStrict } from '../canonical/scan.js';
import type { ChainPosition } from '../chain/chain.js';
import type { IntegrityResult } from './verifier.js';
import { describeIoError, errnoCode, OperatorError } from '../errors.js';
import { makeFinding, type Finding } from '../findings/finding.js';
import { outputTarget, temporaryBeside } from '../ingest/output-file.js';
import type { LogSource } from '../ingest/sources.js';
import checkpointSchema from '../schemas/generated/checkpoint.js';
import { asValidator } from '../schemas/validator.js';

const validateCheckpoint = asValidator(checkpointSchema);

export interface CheckpointFile {
  readonly path: string;
  readonly bytes: number;
  readonly lines: number;
  readonly tail: string;
}

export interface Checkpoint {
  /** Written as /2; a /1 file (no chain times) is still read. */
  readonly v: 'sel.checkpoint/1' | 'sel.checkpoint/2';
  readonly chains: readonly ChainPosition[];
  readonly files: readonly CheckpointFile[];
  /**
   * The governance commit the events it covers were replayed against (every one of them), or
   * null when any run that advanced it had no --repo. Absent in /1 files: not replayed, for
   * all a run with --repo can tell. Every anchor the ledger holds at that commit for an event
   * it covers was checked: a run resumes only when no anchor for one was added since.
   */
  readonly replay?: { readonly commit: string } | null;
}

/** Where to resume: per file (by real path) and per chain. */
export interface Resume {
  readonly files: ReadonlyMap<string, { readonly bytes: number; readonly lines: number; readonly tail: string }>;
  readonly starts: readonly ChainPosition[];
}

/** Reads a checkpoint; null when the file does not exist yet (the first run). */
export async function loadCheckpoint(path: string, logs: readonly string[] = [], logDirs: readonly string[] = []): Promise<Checkpoint | null> {
  // An unset variable (--checkpoint "$CP"): refused before the run, not after it with the report
  // printed and "cannot write checkpoint : it does not exist" (found by review).
  if (path.length === 0) throw new OperatorError('--checkpoint is empty: name the file that keeps the checkpoint');
  // `-` is a stream elsewhere; a checkpoint is read and then written again, so it is a file
  // (one named "-" was written in the current directory, found by review).
  if (path === '-') throw new OperatorError('--checkpoint - would be a stream, but a checkpoint is read and written again: name the file that keeps it');
  // Where it will be written, checked before the run rather than after it (and never a log:
  // one would be read as a bad checkpoint, and the advice to remove it is the wrong one).
  await outputTarget(path, 'checkpoint', logs, logDirs);
  let text: string;
  try {
    const bytes = await readFile(path);
    if (!isUtf8(bytes)) throw new OperatorError(`checkpoint ${path} is not UTF-8`);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof OperatorError) throw e;
    if (errnoCode(e) === 'ENOENT') return null;
    throw new OperatorError(`cannot read checkpoint ${path}: ${describeIoError(e)}`);
  }
  const ok = scanStrict(text).ok;
  const value = ok ? (JSON.parse(text) as unknown) : null;
  // A chain or a file named twice is not what sel writes, and which of its positions would be
  // resumed from was an accident of the code (the last): a checkpoint that says two things is
  // refused, not read one way (found by review).
  if (!ok || !validateCheckpoint(value) || !unique((value as Checkpoint).chains.map((c) => c.chain)) || !unique((value as Checkpoint).files.map((f) => f.path))) {
    throw new OperatorError(`${path} is not a sel checkpoint (sel.checkpoint/2); remove it to verify from the start`);
  }
  return value as Checkpoint;
}

function unique(names: readonly string[]): boolean {
  return new Set(names).size === names.length;
}

/**
 * The last line before `end` in a file (with its LF), hashed; of nothing when end is 0. Null
 * when the file is shorter than `end`; 'long' when no line of at most `maxLineBytes` (and its
 * LF) ends there: the byte before `end` is no LF, or the line is longer than this run reads.
 */
async function tailHash(path: string, end: number, maxLineBytes: number): Promise<string | 'long' | null> {
  if (end === 0) return sha256Digest('');
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size < end) return null;
    // The longest line a run accepts, its LF, and the LF before it (from mutation testing: a
    // window one byte shorter never resumed a file whose last line was maxLineBytes long).
    const from = Math.max(0, end - maxLineBytes - 2);
    const buf = Buffer.alloc(end - from);
    await fh.read(buf, 0, buf.length, from);
    if (buf[buf.length - 1] !== 0x0a) return 'long';
    // (lastIndexOf from -1 would search from the end, and take a file of one LF for a line
    // of nothing: a run reads it as the line it is, LF and all.)
    const lf = buf.length < 2 ? -1 : buf.lastIndexOf(0x0a, buf.length - 2);
    if (lf < 0 && from > 0) return 'long';
    return sha256Digest(buf.subarray(lf + 1));
  } finally {
    await fh.close();
  }
}

/**
 * Checks the checkpoint against the files as they are now. A mismatch is a finding, and
 * then nothing is resumed: a partial resume would mix verified and unverified state.
 */
export async function prepareResume(cp: Checkpoint, sources: readonly LogSource[], maxLineBytes: number, realByPath: ReadonlyMap<string, string>, logArgs: readonly string[] = []): Promise<{ resume: Resume | null; findings: Finding[] }> {
  const byPath = new Map(cp.files.map((f) => [f.path, f]));
  const files = new Map<string, { bytes: number; lines: number; tail: string }>();
  const findings: Finding[] = [];
  const regular = sources.filter((s) => s.path !== null && s.regular);
  const reals = regular.map((s) => realByPath.get(s.path!) ?? s.path!);
  // Checkpointed files not given under their path, by base name: the directory was moved or
  // copied since. Such a file read from its start would repeat every event the checkpoint
  // verified (a flood of SEQ_DUPLICATE); one whose verified part is still its beginning is
  // the same file, and resumes. (A new segment of a rotated log has another name.)
  const given = new Set(reals);
  const moved = new Map<string, CheckpointFile[]>();
  for (const f of cp.files) {
    if (given.has(f.path)) continue;
    const list = moved.get(basename(f.path));
    if (list === undefined) moved.set(basename(f.path), [f]);
    else list.push(f);
  }
  const tailOf = (path: string, end: number): Promise<string | 'long' | null> => tailHash(path, end, maxLineBytes).catch(() => null);
  /** Where a directory's checkpointed files were resumed from now (moved or copied): its real path then, and now. */
  const movedTo = new Map<string, string>();
  for (let i = 0; i < regular.length; i++) {
    const s = regular[i]!;
    const real = reals[i]!;
    const f = byPath.get(real);
    if (f === undefined) {
      const candidates = moved.get(basename(real)) ?? [];
      for (let k = 0; k < candidates.length; k++) {
        const c = candidates[k]!;
        if ((await tailOf(s.path!, c.bytes)) !== c.tail) continue;
        candidates.splice(k, 1);
        if (!movedTo.has(dirname(c.path))) movedTo.set(dirname(c.path), dirname(real));
        files.set(real, { bytes: c.bytes, lines: c.lines, tail: c.tail });
        break;
      }
      continue;
    }
    const tail = await tailOf(s.path!, f.bytes);
    if (tail !== f.tail) {
      findings.push(makeFinding('CHECKPOINT_MISMATCH', {
        location: { file: s.display, line: Math.max(1, f.lines) },
        message: tail === null
          ? `the file is shorter than the ${f.bytes} bytes the checkpoint verified: it was truncated or replaced; verifying everything again`
          : tail === 'long'
            ? `no line of at most ${maxLineBytes} bytes (--max-line-bytes) ends at byte ${f.bytes}, where the checkpoint's last verified line did: the file was rewritten, or the limit lowered; verifying everything again`
            : `line ${f.lines}, the last the checkpoint verified, is not the same line any more: the file was rewritten; verifying everything again`,
        expected: f.tail,
        actual: tail === 'long' ? null : tail,
      }));
      continue;
    }
    files.set(real, { bytes: f.bytes, lines: f.lines, tail: f.tail });
  }
  // A checkpointed file that was in a directory of logs named again, and is neither there nor
  // resumed elsewhere (moved): deleted. Its events are gone; a full run of that directory says
  // so (a SEQ_GAP where a segment was), and an incremental run that went on from the chain's
  // position passed in silence (found by review). Said, and everything verified again.
  const namedDirs = new Map<string, string>();
  for (const arg of logArgs) {
    if (arg === '-') continue;
    const real = await realpath(arg).catch(() => null);
    if (real !== null && !namedDirs.has(real) && (await stat(real).then((st) => st.isDirectory(), () => false))) namedDirs.set(real, arg);
  }
  for (const f of cp.files) {
    // Given, or resumed under another path (moved: taken off its list), or still there (a file
    // the run cannot read is reported as such).
    if (given.has(f.path) || !(moved.get(basename(f.path)) ?? []).includes(f)) continue;
    // Its directory: named again, or moved (or copied) and named under its new path, where the
    // others of its files were resumed. A segment left out of a directory renamed passed the
    // resumed run in silence, where a full run of it reports the gap.
    const dir = namedDirs.has(dirname(f.path)) ? dirname(f.path) : movedTo.get(dirname(f.path));
    if (dir === undefined || !namedDirs.has(dir)) continue;
    if (await stat(join(dir, basename(f.path))).then(() => true, () => false)) continue;
    // One the checkpoint verified no line of held no events: none are gone, and a full run of the
    // directory passes (as an empty committed log deleted is no LEDGER_REWRITTEN, append-only.ts).
    if (f.lines === 0) continue;
    findings.push(makeFinding('CHECKPOINT_MISMATCH', {
      // Named as the directory's files are (sources.ts): under the directory as it was named.
      location: { file: join(namedDirs.get(dir)!, basename(f.path)), line: Math.max(1, f.lines) },
      message: `${basename(f.path)}, which the checkpoint verified to line ${f.lines}, is no longer in ${namedDirs.get(dir)}: a segment of the log was deleted or moved out; verifying everything again`,
      expected: f.tail,
      actual: null,
    }));
  }
  if (findings.length > 0) return { resume: null, findings };
  return { resume: { files, starts: cp.chains }, findings };
}

/**
 * The checkpoint after a clean run: chain positions, and each regular file as far as the run
 * verified it (IntegrityResult.ends: where it resumed plus the bytes it read, and the digest
 * of the line that ends there, from the bytes read). Never the file as it is now: a writer may
 * have appended to it after the run read it, and a checkpoint that covered those bytes would
 * have every later run skip them unverified. A verified part that changed since is the next
 * run's CHECKPOINT_MISMATCH. `reals`: each file's real path, as prepareResume found it.
 */
export function makeCheckpoint(positions: readonly ChainPosition[], sources: readonly LogSource[], ends: IntegrityResult['ends'], reals: ReadonlyMap<string, string>, replayedAt: string | null): Checkpoint {
  const files: CheckpointFile[] = [];
  for (const s of sources) {
    if (s.path === null || !s.regular) continue;
    const end = ends.get(s.display);
    if (end === undefined) continue; // not read by the run (it vanished in between): nothing verified
    if (end.tail === null) continue; // a torn or too long last line: a clean run would not have one
    files.push({ path: reals.get(s.path) ?? s.path, bytes: end.bytes, lines: end.lines, tail: end.tail });
  }
  return {
    v: 'sel.checkpoint/2',
    chains: [...positions],
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    replay: replayedAt === null ? null : { commit: replayedAt },
  };
}

/** The real path of each regular file among `sources` (as prepareResume keys them), by path. */
export async function realPaths(sources: readonly LogSource[]): Promise<Map<string, string>> {
  const regular = sources.filter((s) => s.path !== null && s.regular);
  const reals = await Promise.all(regular.map((s) => realpath(s.path!).catch(() => s.path!)));
  return new Map(regular.map((s, i) => [s.path!, reals[i]!]));
}

/** Writes the checkpoint atomically (a temporary file, then rename), never over a log or a device. */
export async function saveCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  const target = await outputTarget(path, 'checkpoint', cp.files.map((f) => f.path));
  try {
    const tmp = await temporaryBeside(target, `.tmp-${process.pid}`);
    await writeFile(tmp, `${JSON.stringify(cp, null, 2)}\n`, { flag: 'wx' });
    await rename(tmp, target);
  } catch (e) {
    throw new OperatorError(`cannot write checkpoint ${path}: ${describeIoError(e)}`);
  }
}
