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
import { access, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
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

/**
 * The largest checkpoint read: sel writes some 200 bytes per chain and per file, so this is a
 * million of them.
 */
const MAX_CHECKPOINT_BYTES = 256 * 1024 * 1024;

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
  const target = await outputTarget(path, 'checkpoint', logs, logDirs);
  // It is written through a temporary file beside it, so its directory must take a new file: one
  // that does not was found only after the whole run, its report printed as a pass and then
  // exit status 2 (found by review).
  const dir = dirname(target);
  await access(dir, constants.W_OK | constants.X_OK).catch((e: unknown) => {
    throw new OperatorError(`cannot write checkpoint ${path}: ${describeIoError(e)} in its directory ${dir}, where sel writes it after the run`);
  });
  let text: string;
  try {
    // Refused unread past MAX_CHECKPOINT_BYTES: a file named by mistake (a 700 MB one) was read
    // whole, until V8 refused the string with its own message (found by review).
    const size = (await stat(path)).size;
    if (size > MAX_CHECKPOINT_BYTES) {
      throw new OperatorError(`${path} is not a sel checkpoint (sel.checkpoint/2): it is ${size} bytes, far more than one sel writes; remove it to verify from the start`);
    }
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
 * Where a regular file was named or found: `found` is its path made absolute as named (a
 * symbolic link stays the link, the name a directory of logs holds, and a directory named
 * through a link stays that name), `real` the file it reaches. The checkpoint records `found`,
 * so that a link deleted from a directory of logs, or a directory link moved on to another
 * directory, is missed there (the file it reached is still there); a file resumes under either.
 */
export interface FilePaths {
  readonly real: string;
  readonly found: string;
}

/**
 * Checks the checkpoint against the files as they are now. A mismatch is a finding, and
 * then nothing is resumed: a partial resume would mix verified and unverified state.
 */
export async function prepareResume(cp: Checkpoint, sources: readonly LogSource[], maxLineBytes: number, paths: ReadonlyMap<string, FilePaths>, logArgs: readonly string[] = []): Promise<{ resume: Resume | null; findings: Finding[] }> {
  const byPath = new Map(cp.files.map((f) => [f.path, f]));
  const files = new Map<string, { bytes: number; lines: number; tail: string }>();
  const findings: Finding[] = [];
  const regular = sources.filter((s) => s.path !== null && s.regular);
  const at = regular.map((s) => paths.get(s.path!) ?? { real: s.path!, found: s.path! });
  const tailOf = (path: string, end: number): Promise<string | 'long' | null> => tailHash(path, end, maxLineBytes).catch(() => null);
  // A checkpointed path that is a symbolic link now, by the file it reaches: a log recorded as
  // found through a link (or before it was replaced by one), named now by its real path.
  const through = new Map<string, CheckpointFile>();
  const leads = await Promise.all(cp.files.map((f) => realpath(f.path).catch(() => null)));
  cp.files.forEach((f, i) => {
    const r = leads[i];
    if (r != null && r !== f.path && !through.has(r)) through.set(r, f);
  });
  /** The checkpointed files this run resumes or compares: each once. */
  const claimed = new Set<CheckpointFile>();
  /** Files with no checkpointed file at their path: new, or moved (below). */
  const unmatched: number[] = [];
  /**
   * Checkpointed files whose name holds another file now (a `current.jsonl` link moved on to the
   * next segment, or the active file renamed to a segment and a new one made in its place): the
   * file verified may be read under another name, and resumes there (below).
   */
  const relinked: CheckpointFile[] = [];
  /** Checkpointed files whose name holds another file now (a rewrite, or a rotation by renaming). */
  const replaced: { s: LogSource; f: CheckpointFile; tail: string | 'long' | null }[] = [];
  const rewritten = (s: LogSource, f: CheckpointFile, tail: string | 'long' | null): Finding => makeFinding('CHECKPOINT_MISMATCH', {
    location: { file: s.display, line: Math.max(1, f.lines) },
    message: tail === null
      ? `the file is shorter than the ${f.bytes} bytes the checkpoint verified: it was truncated or replaced; verifying everything again`
      : tail === 'long'
        ? `no line of at most ${maxLineBytes} bytes (--max-line-bytes) ends at byte ${f.bytes}, where the checkpoint's last verified line did: the file was rewritten, or the limit lowered; verifying everything again`
        : `line ${f.lines}, the last the checkpoint verified, is not the same line any more: the file was rewritten; verifying everything again`,
    expected: f.tail,
    actual: tail === 'long' ? null : tail,
  });
  for (let i = 0; i < regular.length; i++) {
    const s = regular[i]!;
    const p = at[i]!;
    // (None of them is another file's here: each reaches the file this one does, and the logs
    // are listed once by the file they reach, sources.ts. From mutation testing.)
    const f = [byPath.get(p.found), byPath.get(p.real), through.get(p.real)].find((c) => c !== undefined);
    if (f === undefined) {
      unmatched.push(i);
      continue;
    }
    const tail = await tailOf(s.path!, f.bytes);
    if (tail !== f.tail && f.path === p.found) {
      relinked.push(f);
      unmatched.push(i);
      // A file at its name that is not the file verified: a mismatch, unless the file verified
      // is read under another name (rotated by renaming: current.jsonl renamed, a new one made
      // in its place, which a full run reads as it does; found by review). Decided
      // below, once every file has resumed where it can.
      if (p.found === p.real) replaced.push({ s, f, tail });
      continue;
    }
    claimed.add(f);
    if (tail !== f.tail) {
      findings.push(rewritten(s, f, tail));
      continue;
    }
    files.set(p.real, { bytes: f.bytes, lines: f.lines, tail: f.tail });
  }
  // Checkpointed files not given under their path, by base name: the directory was moved or
  // copied since. Such a file read from its start would repeat every event the checkpoint
  // verified (a flood of SEQ_DUPLICATE); one whose verified part is still its beginning is
  // the same file, and resumes. (A new segment of a rotated log has another name.)
  const moved = new Map<string, CheckpointFile[]>();
  for (const f of cp.files) {
    if (claimed.has(f)) continue;
    const list = moved.get(basename(f.path));
    if (list === undefined) moved.set(basename(f.path), [f]);
    else list.push(f);
  }
  // So in a directory moved (or copied) since: a checkpointed file whose name another file holds
  // there now (a current.jsonl link moved on to the new segment, or the active file renamed to a
  // segment and a new one made; the job run from a fresh checkout in another directory each
  // night): the file verified may be read under another name, and resumes there (matched by
  // name only, it was CHECKPOINT_MISMATCH every night; found by review).
  const takenNow = new Set(unmatched.map((i) => basename(at[i]!.found)));
  for (const f of cp.files) if (!claimed.has(f) && !relinked.includes(f) && takenNow.has(basename(f.path))) relinked.push(f);
  /**
   * Where a directory's checkpointed files were resumed from now (moved or copied): its path
   * then, and now; each directory they were resumed from (a copy of it named in part beside
   * the directory moved: found by review).
   */
  const movedTo = new Map<string, string[]>();
  for (const i of unmatched.sort((a, b) => a - b)) {
    const s = regular[i]!;
    const p = at[i]!;
    const named = moved.get(basename(p.found)) ?? [];
    for (const c of [...named, ...relinked.filter((r) => !named.includes(r))]) {
      if (claimed.has(c) || (await tailOf(s.path!, c.bytes)) !== c.tail) continue;
      claimed.add(c);
      if (basename(c.path) === basename(p.found)) {
        const to = movedTo.get(dirname(c.path));
        if (to === undefined) movedTo.set(dirname(c.path), [dirname(p.found)]);
        else if (!to.includes(dirname(p.found))) to.push(dirname(p.found));
      }
      files.set(p.real, { bytes: c.bytes, lines: c.lines, tail: c.tail });
      break;
    }
  }
  for (const { s, f, tail } of replaced) {
    if (claimed.has(f)) continue;
    claimed.add(f);
    findings.push(rewritten(s, f, tail));
  }
  // A checkpointed file this run neither compares nor resumes. Its events are not read: a full
  // run of what is named reports them missing (a SEQ_GAP where a segment was), and an
  // incremental run that went on from the chain's position passed in silence (found by review).
  // Said, and everything verified again, when it was in a directory of logs named again (or
  // moved or copied since, and named under its new path) and is not there as the file verified
  // (deleted, emptied, or a symbolic link to another file now), or when it is nowhere any more
  // (deleted, or its directory moved and it left behind): a file that is still where it was,
  // and not named, is the operator's choice of logs, and not looked for.
  // By the path as named (the checkpoint's) and by its real path (an older sel's).
  const namedDirs = new Map<string, string>();
  for (const arg of logArgs) {
    if (arg === '-') continue;
    const real = await realpath(arg).catch(() => null);
    if (real === null || !(await stat(real).then((st) => st.isDirectory(), () => false))) continue;
    for (const key of [await asNamed(arg), real]) if (!namedDirs.has(key)) namedDirs.set(key, arg);
  }
  /** The files this run reads, by the path they are named or found at (made absolute): as named. */
  const namedAt = new Map(regular.map((s, i) => [at[i]!.found, s.display]));
  for (const f of cp.files) {
    // One the checkpoint verified no line of held no events: none are gone, and a full run of the
    // directory passes (as an empty committed log deleted is no LEDGER_REWRITTEN, append-only.ts).
    if (claimed.has(f) || f.lines === 0) continue;
    const base = basename(f.path);
    // Its directory as it is now: where it was, or where the others of its files were resumed.
    // Of several (its files resumed from a copy and from the directory moved), one named again,
    // else one it is not in: in one it is, it passed where a full run of them reports it missing.
    const dirs = movedTo.get(dirname(f.path)) ?? [dirname(f.path)];
    // A regular file: a directory or a device put at its name (a link to /dev/null, named by a
    // shell glob, was read as an empty stream) holds none of its events.
    const isFile = await Promise.all(dirs.map((d) => stat(join(d, base)).then((st) => st.isFile(), () => false)));
    const again = dirs.findIndex((d) => namedDirs.has(d));
    const k = again >= 0 ? again : Math.max(0, isFile.indexOf(false));
    const dir = dirs[k]!;
    const exists = isFile[k]!;
    const there = join(dir, base);
    if (namedDirs.has(dir)) {
      // Named under the directory as it was named (sources.ts).
      const shown = join(namedDirs.get(dir)!, base);
      findings.push(makeFinding('CHECKPOINT_MISMATCH', {
        location: { file: shown, line: Math.max(1, f.lines) },
        message: exists
          ? `${base}, which the checkpoint verified to line ${f.lines}, is not that file in ${namedDirs.get(dir)} any more (emptied, replaced, or a symbolic link to another file): a segment of the log was deleted or replaced; verifying everything again`
          : `${base}, which the checkpoint verified to line ${f.lines}, is no longer in ${namedDirs.get(dir)}: a segment of the log was deleted or moved out; verifying everything again`,
        expected: f.tail,
        actual: null,
      }));
      continue;
    }
    // Named itself (one by one, a shell glob), and another file now (a symbolic link to new
    // events or to an empty file; or, in a directory moved, rewritten): read from its start as a
    // new segment, while what the checkpoint verified there is read nowhere. Not the operator's
    // choice of logs (found by review).
    const namedAs = namedAt.get(there);
    if (namedAs !== undefined) {
      findings.push(makeFinding('CHECKPOINT_MISMATCH', {
        location: { file: namedAs, line: Math.max(1, f.lines) },
        message: `${namedAs}, which the checkpoint verified to line ${f.lines}, is not that file any more (rewritten, or a symbolic link to another file): a segment of the log was deleted or replaced; verifying everything again`,
        expected: f.tail,
        actual: null,
      }));
      continue;
    }
    if (exists) continue;
    findings.push(makeFinding('CHECKPOINT_MISMATCH', {
      location: { file: there, line: Math.max(1, f.lines) },
      message: `${there}, which the checkpoint verified to line ${f.lines}, is no longer a file there, and this run reads it nowhere else: a segment of the log was deleted or moved out (a full run of the logs named reports its events missing); verifying everything again (if the log set named changed, remove the checkpoint)`,
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
 * run's CHECKPOINT_MISMATCH. `paths`: where each file was found (realPaths), the path recorded.
 */
export function makeCheckpoint(positions: readonly ChainPosition[], sources: readonly LogSource[], ends: IntegrityResult['ends'], paths: ReadonlyMap<string, FilePaths>, replayedAt: string | null): Checkpoint {
  const files: CheckpointFile[] = [];
  for (const s of sources) {
    if (s.path === null || !s.regular) continue;
    const end = ends.get(s.display);
    if (end === undefined) continue; // not read by the run (it vanished in between): nothing verified
    if (end.tail === null) continue; // a torn or too long last line: a clean run would not have one
    files.push({ path: paths.get(s.path)?.found ?? s.path, bytes: end.bytes, lines: end.lines, tail: end.tail });
  }
  return {
    v: 'sel.checkpoint/2',
    chains: [...positions],
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    replay: replayedAt === null ? null : { commit: replayedAt },
  };
}

/** Where each regular file among `sources` was found, and the file it reaches (as prepareResume keys them), by path. */
export async function realPaths(sources: readonly LogSource[]): Promise<Map<string, FilePaths>> {
  const regular = sources.filter((s) => s.path !== null && s.regular);
  const paths = await Promise.all(regular.map(async (s): Promise<FilePaths> => {
    const path = s.path!;
    const real = await realpath(path).catch(() => path);
    return { real, found: await asNamed(path) };
  }));
  return new Map(regular.map((s, i) => [s.path!, paths[i]!]));
}

/**
 * `path` made absolute as named (FilePaths.found), a `..` in it taken where it leads: to the
 * parent of the directory a symbolic link before it reaches, as the system opens it. Made
 * absolute by the name alone (path.resolve drops the name before a `..`), the checkpoint
 * recorded a path that named another file or none: a segment deleted passed when a file was
 * there, and one still there was missed when none was (found by review).
 */
async function asNamed(path: string): Promise<string> {
  const parts = path.split(sep);
  const last = parts.lastIndexOf('..');
  if (last < 0) return resolve(path);
  const head = await realpath(parts.slice(0, last + 1).join(sep) || sep).catch(() => null);
  return head === null ? resolve(path) : resolve(head, ...parts.slice(last + 1));
}

/** Writes the checkpoint atomically (a temporary file, then rename), never over a log or a device. */
export async function saveCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  const target = await outputTarget(path, 'checkpoint', cp.files.map((f) => f.path));
  let tmp: string | null = null;
  try {
    tmp = await temporaryBeside(target, `.tmp-${process.pid}`);
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(`${JSON.stringify(cp, null, 2)}\n`);
      // On the disk before its name is: renamed first, a power loss could leave an empty
      // checkpoint under the name, and the next run refuse it.
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    // What was written of it is not left beside the checkpoint (a full disk left a
    // checkpoint.json.tmp-PID that no later run, of another pid, removed; found by review).
    if (tmp !== null && errnoCode(e) !== 'EEXIST') await rm(tmp, { force: true }).catch(() => undefined);
    throw new OperatorError(`cannot write checkpoint ${path}: ${describeIoError(e)}`);
  }
}
