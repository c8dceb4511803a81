/**
 * Where sel may write a file it produces (a shard result, a checkpoint): written beside the
 * target under a temporary name and renamed over it, so a reader never sees half a file.
 * A rename replaces whatever has the name, so the target is checked first: it may be missing
 * or a regular file (through symbolic links, which then stay links), never a device, a pipe or
 * a directory (`--shard-out /dev/null` replaced the system's /dev/null with a file), and never
 * one of the logs being verified (evidence overwritten by its own shard result).
 */
import { fstatSync, type Stats } from 'node:fs';
import { lstat, realpath, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeIoError, errnoCode, OperatorError } from '../errors.js';
import { resolveSources } from './sources.js';

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
    st = await stat(path);
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
  const input = await inputThatIs(st, inputs);
  if (input !== undefined) throw new OperatorError(`${what} ${path} is the log ${input}: sel does not overwrite the logs it verifies`);
  return realpath(path);
}

/** The one of `inputs` that is the regular file `target` (the same device and inode), if any. */
export async function inputThatIs(target: { readonly dev: number; readonly ino: number }, inputs: readonly string[]): Promise<string | undefined> {
  for (const input of inputs) {
    const other = await stat(input).catch(() => null);
    if (other !== null && other.isFile() && other.dev === target.dev && other.ino === target.ino) return input;
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
  const d = await stat(dirname(path)).catch(() => null);
  if (d === null) return null;
  for (const dir of dirs) {
    if (dir === '-') continue;
    const l = await stat(dir).catch(() => null);
    if (l !== null && l.isDirectory() && l.dev === d.dev && l.ino === d.ino) return dir;
  }
  return null;
}

/** The *.jsonl files found in those of `named` that are directories (none when they cannot be listed now). */
export async function logsIn(named: readonly string[]): Promise<string[]> {
  const { sources } = named.length === 0 ? { sources: [] } : await resolveSources(named).catch(() => ({ sources: [] }));
  return sources.flatMap((s) => (s.path === null || s.named ? [] : [s.path]));
}

/** The file descriptor `fd` (1: standard output) when it is a regular file (a shell's `> FILE`, `>> FILE`, `< FILE`), else null. */
function regularFileAt(fd: number): Stats | null {
  try {
    const st = fstatSync(fd);
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
export async function refuseOutputIntoLogs(logs: readonly string[]): Promise<void> {
  const out = regularFileAt(1);
  if (out === null) return;
  const stdin = logs.includes('-') ? regularFileAt(0) : null;
  if (stdin !== null && stdin.dev === out.dev && stdin.ino === out.ino) throw new OperatorError('standard output is the log read on standard input (-): sel does not write to the logs it reads; redirect it to another file');
  const named = logs.filter((x) => x !== '-');
  const log = (await inputThatIs(out, named)) ?? (await inputThatIs(out, await logsIn(named)));
  if (log !== undefined) throw new OperatorError(`standard output is the log ${log}: sel does not write to the logs it reads; redirect it to another file`);
}
