/**
 * Where sel may write a file it produces (a shard result, a checkpoint): written beside the
 * target under a temporary name and renamed over it, so a reader never sees half a file.
 * A rename replaces whatever has the name, so the target is checked first: it may be missing
 * or a regular file (through symbolic links, which then stay links), never a device, a pipe or
 * a directory (`--shard-out /dev/null` replaced the system's /dev/null with a file), and never
 * one of the logs being verified (evidence overwritten by its own shard result).
 */
import { type BigIntStats, fstatSync, readdirSync, statSync } from 'node:fs';
import { lstat, readlink, realpath, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { describeIoError, errnoCode, OperatorError } from '../errors.js';

/** What a file that is not a regular one is, in a few words. */
function kindOf(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The path to write `what` (e.g. "the shard result") named `path` to: `path`, or the file a
 * symbolic link there names. Refuses, with one sentence, a target that is not a regular file
 * or is one of `inputs` (the logs' paths), and a directory that does not exist; and a new
 * `*.jsonl` file in one of `inputDirs` (directories given as logs), which the next run would
 * read as a log (it was refused only then).
 */
export async function outputTarget(path: string, what: string, inputs: readonly string[], inputDirs: readonly string[] = []): Promise<string> {
  let st;
  try {
    st = await stat(path, { bigint: true });
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw new OperatorError(`cannot write ${what} ${path}: ${describeIoError(e)}`);
    const link = await lstat(path).catch(() => null);
    if (link?.isSymbolicLink()) throw new OperatorError(`cannot write ${what} ${path}: it is a symbolic link to a file that does not exist`);
    const dir = dirname(path);
    let d;
    try {
      d = await stat(dir);
    } catch (err) {
      throw new OperatorError(`cannot write ${what} ${path}: the directory ${dir} ${errnoCode(err) === 'ENOENT' ? 'does not exist' : `cannot be read (${describeIoError(err)})`}`);
    }
    if (!d.isDirectory()) throw new OperatorError(`cannot write ${what} ${path}: ${dir} is not a directory`);
    if (path.endsWith('.jsonl')) {
      const logs = await logDirHolding(path, inputDirs);
      if (logs !== null) throw new OperatorError(`cannot write ${what} ${path}: it would be a *.jsonl file in the log directory ${logs}, which the next run would read as a log; name it elsewhere`);
    }
    return path;
  }
  if (!st.isFile()) throw new OperatorError(`${what} ${path} is ${kindOf(st)}, not a file sel may replace: name a new or regular file`);
  // A file of a named directory the run skips (a *.jsonl file whose name is not UTF-8) too: it
  // is among the logs, and a link to it was replaced by the result (from mutation testing).
  const input = (await inputThatIs(st, inputs)) ?? logThatIs(st, inputDirs);
  if (input !== undefined) throw new OperatorError(`${what} ${path} is the log ${input}: sel does not overwrite the logs it verifies`);
  return realpath(path);
}

/**
 * Where appending to `path`, which does not exist, makes the file: `path`, or where the symbolic
 * links there end, named as the system follows them (no ".." taken back over a link).
 */
export async function madeByAppending(path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const to = await readlink(p).catch(() => null);
    if (to === null) return p;
    p = isAbsolute(to) ? to : `${dirname(p)}/${to}`;
  }
  return p;
}

/** The one of `inputs` that is the regular file `target` (the same device and inode, as 64-bit numbers), if any. */
export async function inputThatIs(target: { readonly dev: bigint; readonly ino: bigint }, inputs: readonly string[]): Promise<string | undefined> {
  for (const input of inputs) {
    const other = await stat(input, { bigint: true }).catch(() => null);
    if (other !== null && other.isFile() && sameFile(other, target)) return input;
  }
  return undefined;
}

/**
 * The temporary name beside `target`, free: a file left there by a run that was killed is
 * removed (a link itself, not what it names). The caller creates it with the `wx` flag, so
 * nothing that appears there meanwhile, a link or a pipe, is written through.
 */
export async function temporaryBeside(target: string, suffix: string): Promise<string> {
  const path = `${target}${suffix}`;
  const left = await lstat(path).catch(() => null);
  if (left !== null && (left.isFile() || left.isSymbolicLink())) await rm(path, { force: true });
  return path;
}

/**
 * The directory among `dirs` (logs as named: files, directories, `-`) that holds `path` (the
 * same directory, by device and inode), or null: a file written there sits among the logs.
 */
export async function logDirHolding(path: string, dirs: readonly string[]): Promise<string | null> {
  const d = await stat(dirname(path), { bigint: true }).catch(() => null);
  if (d === null) return null;
  for (const dir of dirs) {
    if (dir === '-') continue;
    const l = await stat(dir, { bigint: true }).catch(() => null);
    if (l !== null && l.isDirectory() && sameFile(l, d)) return dir;
  }
  return null;
}

/** One file: the same device and inode, as 64-bit numbers (as Numbers, inodes past 2^53 compared equal). */
function sameFile(a: { readonly dev: bigint; readonly ino: bigint }, b: { readonly dev: bigint; readonly ino: bigint }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Whether `path` is the regular file `target` (false when it cannot be asked now). */
function isTheFile(path: string | Buffer, target: BigIntStats): boolean {
  try {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st !== undefined && st.isFile() && sameFile(st, target);
  } catch {
    return false;
  }
}

/**
 * The entry of directory `dir` whose name ends in `ext` that is the regular file `target`, named
 * `dir/name` (undefined: none, or `dir` is not a directory or cannot be listed). Names that are
 * not UTF-8 too: a run does not read such a file, but it is among the files read. A symbolic
 * link there is followed, as a run reads it.
 */
function entryThatIs(dir: string, ext: string, target: BigIntStats): string | undefined {
  return fileIn(dir, target, { ext, depth: 0, links: true });
}

/**
 * The file under directory `dir` (within `depth` levels below it) that is the regular file
 * `target`, named by its path from `dir`: an entry whose name ends in `ext` (any, without),
 * a regular file or, with `links`, a symbolic link to one (directories' links are never
 * followed). Names that are not UTF-8 too, as bytes.
 */
function fileIn(dir: string, target: BigIntStats, how: { readonly ext?: string; readonly depth: number; readonly links: boolean }): string | undefined {
  const found = entryIn(Buffer.from(dir), target, how, how.depth);
  return found === undefined ? undefined : join(dir, found.toString('utf8'));
}

/** fileIn's walk: the path of the entry found, relative to `dir`. */
function entryIn(dir: Buffer, target: BigIntStats, how: { readonly ext?: string; readonly links: boolean }, depth: number): Buffer | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { encoding: 'buffer', withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    const path = Buffer.concat([dir, SLASH, e.name]);
    const named = how.ext === undefined || e.name.toString('latin1').endsWith(how.ext);
    if (named && (e.isFile() || (how.links && e.isSymbolicLink())) && isTheFile(path, target)) return e.name;
    if (e.isDirectory() && depth > 0) {
      const below = entryIn(path, target, how, depth - 1);
      if (below !== undefined) return Buffer.concat([e.name, SLASH, below]);
    }
  }
  return undefined;
}

const SLASH = Buffer.from('/');

/** Whether standard input is the regular file `out` (a shell's `< FILE` with `>> FILE`). */
function standardInputIs(out: BigIntStats): boolean {
  const stdin = regularFileAt(0);
  return stdin !== null && sameFile(stdin, out);
}

/**
 * The one of `logs` (as named: files, directories, `-`) that is the regular file `target`: a
 * file named, or a *.jsonl file in a named directory, as resolveSources finds them (the name of
 * one found is its path as the run shows it); what cannot be read now is passed over. By device
 * and inode as 64-bit numbers: as a Number, an inode past 2^53 (overlayfs with xino, some NFS
 * servers) was one of a thousand others. A stat after another, without the run's listing (each
 * file's real path): with stdout a file, 5 000 logs in a directory were listed a second time
 * before the run, 400 ms; 45 ms so (found by review).
 */
export function logThatIs(target: BigIntStats, logs: readonly string[]): string | undefined {
  for (const log of logs) {
    if (log !== '-' && isTheFile(log, target)) return log;
  }
  for (const log of logs) {
    // entryThatIs lists nothing of what is not a directory.
    const found = log === '-' ? undefined : entryThatIs(log, '.jsonl', target);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The file descriptor `fd` (1: standard output) when it is a regular file (a shell's `> FILE`, `>> FILE`, `< FILE`), else null. */
function regularFileAt(fd: number): BigIntStats | null {
  try {
    const st = fstatSync(fd, { bigint: true });
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

/**
 * Refuses, before a command reads `logs`, standard output redirected into one of them, named
 * or found in a named directory. `sel verify a.jsonl >> a.jsonl` appended the report to the
 * evidence; `sel verify logs/ > logs/report.jsonl` read the new file as an empty log and left a
 * report the next run read as broken lines; and with `sel verify a.jsonl > a.jsonl` (the shell
 * empties the file first) the run passed a log of no events, exit 0; `sel verify - < a.jsonl >>
 * a.jsonl` too (found by review). gate, explain, impact and timeline write to standard output
 * what they read from the logs as well.
 */
export function refuseOutputIntoLogs(logs: readonly string[]): void {
  const out = regularFileAt(1);
  if (out === null) return;
  if (logs.includes('-') && standardInputIs(out)) throw new OperatorError('standard output is the log read on standard input (-): sel does not write to the logs it reads; redirect it to another file');
  const log = logThatIs(out, logs);
  if (log !== undefined) throw new OperatorError(`standard output is the log ${log}: sel does not write to the logs it reads; redirect it to another file`);
}

/**
 * Refuses, before a `sel policy` command writes, standard output redirected into what it read:
 * a `*.json` file of the policy directory `dir` (as readPolicyDir found it: DIR or DIR/policy),
 * or the event file `event` (`-`: standard input). `sel policy check pol --format json >>
 * pol/capabilities.json` passed, exit 0, and appended the report to the bundle it had passed;
 * `sel policy check pol > pol/out.json` read the file the shell had just made, empty, and
 * failed the bundle for a file that is not JSON; `sel policy hash pol > pol/hash.json` gave no hash,
 * for the same reason (found by review). As refuseOutputIntoLogs does for the logs.
 */
export function refuseOutputIntoPolicy(dir: string, event?: string): void {
  const out = regularFileAt(1);
  if (out === null) return;
  if (event === '-' && standardInputIs(out)) throw new OperatorError('standard output is the event read on standard input (-): sel does not write to the files it reads; redirect it to another file');
  if (event !== undefined && event !== '-' && isTheFile(event, out)) throw new OperatorError(`standard output is the event file ${event}: sel does not write to the files it reads; redirect it to another file`);
  const file = entryThatIs(dir, '.json', out);
  if (file !== undefined) throw new OperatorError(`standard output is the policy file ${file}: sel does not write to the bundle it reads; redirect it to another file`);
}

/**
 * Refuses, before `sel policy eval --ledger ROOT` reads it, standard output redirected into a
 * file under ROOT/ledger/ (any depth, links not followed, as readLedgerDir walks it): `>>
 * ledger/reviews/R-1.json` appended the decision to the review that decided it, and `>` made an
 * empty artifact the run listed as not used, where the evidence lies (found by review).
 */
export function refuseOutputIntoLedger(root: string): void {
  const out = regularFileAt(1);
  if (out === null) return;
  const file = fileIn(join(root, 'ledger'), out, { depth: MAX_WALK_DEPTH, links: false });
  if (file !== undefined) throw new OperatorError(`standard output is the ledger file ${file}: sel does not write to the ledger it reads; redirect it to another file`);
}

/** How deep refuseOutputIntoLedger looks: past the ledger's own depth, so a file the ledger does not use is found too. */
const MAX_WALK_DEPTH = 16;

/** Whether standard output is the regular file `st` is of (false when it cannot be asked: closed). */
export function isStandardOutput(st: BigIntStats): boolean {
  const out = regularFileAt(1);
  return out !== null && sameFile(out, st);
}

/**
 * Refuses, before sel merge reads them, standard output redirected into one of the shard
 * results: `sel merge s1 s2 >> s1` appended the report to s1, exit 0, and the next merge of the
 * same shards failed (found by review), as GITHUB_STEP_SUMMARY is refused there.
 */
export function refuseOutputIntoShards(shards: readonly string[]): void {
  const out = regularFileAt(1);
  if (out === null) return;
  const shard = shards.find((x) => isTheFile(x, out));
  if (shard !== undefined) throw new OperatorError(`standard output is the shard result ${shard}: sel does not write to the shard results it merges; redirect it to another file`);
}
