/**
 * Reads a policy directory from the file system (`sel policy check|hash|eval DIR`): every
 * `*.json` file in it, as bytes. DIR may be the policy directory itself or a repository root
 * holding `policy/`. Symbolic links and other non-regular files are refused: a bundle is
 * what its files say, not what they point to.
 */
import { isUtf8 } from 'node:buffer';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeIoError, OperatorError } from '../errors.js';
import { MAX_POLICY_FILE_BYTES } from '../policy/bundle.js';
import { CONTRACTS } from '../policy/types.js';
import { readRegularFile } from './regular-file.js';

export interface PolicyDir {
  /** The directory the files were read from, as the operator would name it. */
  readonly dir: string;
  readonly files: Map<string, Uint8Array>;
  /** Entries that are not regular files. */
  readonly refused: { readonly file: string; readonly reason: string }[];
}

export async function readPolicyDir(arg: string): Promise<PolicyDir> {
  let st;
  try {
    st = await stat(arg);
  } catch (e) {
    throw new OperatorError(`cannot read policy directory ${arg}: ${describeIoError(e)}`);
  }
  if (!st.isDirectory()) throw new OperatorError(`${arg} is not a directory: give the policy directory or a repository holding policy/`);
  // A repository root's policy/ is its bundle (SPEC.md §3), whatever else the root holds: a
  // root with a renovate.json or package.json beside policy/ was read as a bundle of those
  // files, and `sel policy hash REPO` printed the hash of a bundle no commit holds (found by
  // review). A policy/ that is a symbolic link is no bundle in Git's history either.
  let dir = arg;
  const nested = join(arg, 'policy');
  const ns = await lstat(nested).catch(() => null);
  if (ns?.isSymbolicLink()) throw new OperatorError(`${nested} is a symbolic link: a bundle is what its files say, and Git's history holds no bundle in a linked policy/`);
  if (ns?.isDirectory()) {
    // A submodule checked out there: its files are another repository's, and this one's
    // history holds a commit id there, no bundle (found by review).
    if (await lstat(join(nested, '.git')).then(() => true, () => false)) throw new OperatorError(`${nested} is a Git submodule: Git's history holds no bundle there, only the other repository's commit`);
    // A directory holding contract files and a policy/ directory both: the bundle itself with a
    // subdirectory policy/ (which Git's history does not read: it is not a *.json file), or a
    // root with contract files beside its policy/. Read as a root, `sel policy check policy` (the
    // workflow in docs/ci.md) checked a valid copy put in policy/policy/ and passed a pull
    // request whose policy/*.json replay calls POLICY_INVALID (found by review). Which is the
    // bundle is not for sel to guess: refused.
    const own = (await listJson(arg)).map((n) => n.name).filter((n) => (CONTRACTS as readonly string[]).includes(n.slice(0, -'.json'.length)));
    if (own.length > 0) throw new OperatorError(`${arg} holds both policy files (${own[0]}) and a policy/ directory, so which is the bundle is not clear: move one of them`);
    dir = nested;
  }
  const names = await listJson(dir);
  if (names.length === 0) throw new OperatorError(`${arg} holds no policy files (*.json), and no policy/ directory that does`);
  const files = new Map<string, Uint8Array>();
  const refused: PolicyDir['refused'] = [];
  for (const { name, utf8 } of names) {
    // A name that is not UTF-8 comes back with U+FFFD in it, which names no file: lstat failed,
    // an internal error (found by hostile-input review). Refused, as sel verify skips such a log.
    if (!utf8) {
      refused.push({ file: name, reason: 'its name is not UTF-8, so sel cannot open it by name' });
      continue;
    }
    const p = join(dir, name);
    // Checked on the descriptor read, not by name first (regular-file.ts).
    let r;
    try {
      r = await readRegularFile(p, MAX_POLICY_FILE_BYTES);
    } catch (e) {
      throw new OperatorError(`cannot read ${p}: ${describeIoError(e)}`);
    }
    if (r.kind === 'file') files.set(name, r.bytes);
    else refused.push({ file: name, reason: r.kind === 'too large' ? `it is ${r.size} bytes, more than ${MAX_POLICY_FILE_BYTES}` : r.kind === 'symbolic link' ? 'it is a symbolic link' : 'it is not a regular file' });
  }
  return { dir, files, refused };
}

/** The `*.json` entries of `dir` by name, and whether each name is UTF-8 (as bytes: a name that is not decodes with U+FFFD). */
async function listJson(dir: string): Promise<{ name: string; utf8: boolean }[]> {
  let names: Buffer[];
  try {
    names = await readdir(dir, { encoding: 'buffer' });
  } catch (e) {
    throw new OperatorError(`cannot list ${dir}: ${describeIoError(e)}`);
  }
  return names.filter((n) => n.toString('latin1').endsWith('.json')).map((n) => ({ name: n.toString('utf8'), utf8: isUtf8(n) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
