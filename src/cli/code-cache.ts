/**
 * Loading the command line's bundle (dist/sel/sel.cjs) with V8's code cache.
 *
 * Compiling the bundle (~1.3 MB of JavaScript: the verifier, the policy evaluator, the schema
 * validators, the public suffix list, commander) was the largest single cost of a short run:
 * ~38 ms of a one-event `sel verify` (a CPU profile), every run. V8 can instead take the
 * bytecode it made in an earlier run of the same source (`cachedData`); `npm run build` makes
 * that cache, by running sel on samples once (write-code-cache.ts, run by src/cli/bundle.mjs
 * with the binary's flags), and writes it beside the bundle. A one-event run measured ~40-60 ms
 * shorter (docs/performance.md, "Start-up"). Node.js 20 has no such cache for ES modules
 * (module.enableCompileCache is Node.js 22), so the bundle is CommonJS and is compiled here as
 * a function, as Node.js compiles a CommonJS module.
 *
 * What V8 checks of a cache is not enough to use one safely, so a cache is given to V8 only when
 * its header says it was made for exactly this (a mismatch is 'stale', and the bundle is
 * compiled from source, as without a cache):
 * - V8 checks its own version, its flags and the source's length, not the source's content: a
 *   bundle edited to the same length ran the old bytecode. The header's first digest covers
 *   the bundle's bytes (SHA-256, ~1.5 ms for 1.3 MB);
 * - and the Node.js release, the CPU architecture (V8's version check leaves out Node.js's own
 *   patches to it) and the bundle's real path (V8 takes the script's name from the cache: a
 *   cache made in one directory made stack traces name that directory after the install moved);
 * - V8 (Node.js 20's, in release builds) does not checksum the data: one flipped bit crashed
 *   node (a failed check, exit 133, or a segmentation fault) or ran code other than the
 *   bundle's. The header's second digest covers the data (~1 ms for 1 MB).
 * So a damaged, stale or foreign cache only costs the compile it would have saved. A cache is as
 * trusted as the bundle beside it: whoever can write that directory can change what sel runs,
 * cache or not; the checks are against accidents (a moved install, a half-written file, a
 * different node), not against the install's own owner.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { describeIoError } from '../errors.js';

/**
 * The bundle `name` beside the module at `moduleUrl`, where that module really is: node gives a
 * link's own path with --preserve-symlinks-main (node_modules/.bin/sel is a link). For the
 * binary (main.ts) and the worker (worker-main.ts).
 */
export function bundleBeside(moduleUrl: string, name: string): string {
  return join(dirname(realpathSync(fileURLToPath(moduleUrl))), name);
}

/**
 * Why `bundle` could not be loaded, in one sentence: a file that could not be read (an install
 * that lacks its bundle: a build that did not finish, a copy of sel.js alone), with the fix when
 * it is missing, or the load's own error.
 */
export function cannotLoad(bundle: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why = typeof code === 'string' ? describeIoError(e) : e instanceof Error ? e.message : String(e);
  return `cannot load ${bundle} (${why})${code === 'ENOENT' ? '; run npm run build' : ''}`;
}

/**
 * What became of the cache: given to V8 and taken; refused by V8; made for other bytes, another
 * node or place, or damaged; none.
 */
export type CacheUse = 'used' | 'rejected' | 'stale' | 'none';

/**
 * Which of a bundle's caches: 'all', what the build's runs of every kind of command compiled;
 * 'integrity', what its `sel verify` without `--repo` had compiled when it ended. V8 reads a
 * cache whole before anything runs, so a smaller one starts sooner: the integrity check, most
 * of nightly CI's runs and the one whose start-up the bench's 30 MB ratio measures, takes its
 * own (333 KB against 1.1 MB: a one-event run ~2 ms sooner), and the rest take one holding
 * replay, git, the ledger and the forensic commands too (a three-event replay ~11 ms sooner than
 * with a cache of `sel verify` and `sel policy eval` alone; docs/performance.md, "Start-up").
 */
export type CacheVariant = 'all' | 'integrity';

/**
 * The cache for a command line (the arguments after the binary's name): 'integrity' for `sel
 * verify` without `--repo`, else 'all'. Only a guess at what the run will compile: either
 * cache is checked and used the same way, so a wrong guess costs start-up time, never a result.
 */
export function cacheVariantOf(args: readonly string[]): CacheVariant {
  if (args[0] !== 'verify') return 'all';
  for (const a of args) {
    if (a === '--') break;
    if (a === '--repo' || a.startsWith('--repo=')) return 'all';
  }
  return 'integrity';
}

/** A bundle compiled, not yet run. */
export interface CompiledBundle {
  readonly cache: CacheUse;
  /** The cache looked for, and the one writeCodeCache writes by default. */
  readonly variant: CacheVariant;
  /** For writeCodeCache. */
  readonly script: Script;
  /** What the cache header's first digest must be for this bundle here (cacheKey). */
  readonly key: Buffer;
  /** The bundle's real path: its name in stack traces, and where its cache is. */
  readonly file: string;
}

export interface LoadedBundle<T> extends CompiledBundle {
  readonly exports: T;
}

const DIGEST_BYTES = 32;
/** The header: the key (cacheKey), then the SHA-256 of the V8 data that follows. */
const HEADER_BYTES = 2 * DIGEST_BYTES;

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/**
 * The bytes of the regular file at `path`; anything else (a FIFO, a device, a directory) is
 * thrown as a system error is, with a `code` (cannotLoad, worker-main.ts). readFileSync of a
 * FIFO put where a cache or the bundle was waited for a writer that never came, and of a link
 * to /dev/zero read until memory ran out: sel hung, with no word (found by review). Opened
 * without blocking (a FIFO's open waits for a writer too), read to the size fstat gave.
 */
function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR', path });
    if (!stat.isFile()) throw Object.assign(new Error('it is not a regular file'), { code: 'SEL_NOT_REGULAR_FILE', path });
    const bytes = Buffer.allocUnsafe(stat.size);
    let at = 0;
    for (let n; at < bytes.length && (n = readSync(fd, bytes, at, bytes.length - at, null)) > 0; ) at += n;
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of the bundle's bytes and of what else a cache must have been made for. */
function cacheKey(bytes: Buffer, file: string): Buffer {
  const made = JSON.stringify([process.version, process.arch, process.versions.v8, file]);
  return createHash('sha256').update(sha256(bytes)).update(made).digest();
}

/** Node.js's CommonJS module wrapper, on the module's first line so that its line numbers hold. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

/**
 * A CommonJS module's text as loadBundle compiles it: in Node.js's wrapper, written so by the
 * build. Wrapping at each load instead made V8 keep a flattened copy of the whole text: peak
 * RSS +6 MB on a 30 MB log (66 -> 72 MB, three runs each).
 */
export function wrapCommonJs(text: string): string {
  return `${WRAPPER_HEAD}${text}\n})`;
}

/** The cache beside a bundle: BUNDLE.v8cache ('all'), BUNDLE.integrity.v8cache. */
export function cacheFileOf(bundle: string, variant: CacheVariant = 'all'): string {
  return variant === 'all' ? `${bundle}.v8cache` : `${bundle}.${variant}.v8cache`;
}

/**
 * The node flags the binary starts node with, from its text: its second line is `//bin/sh -c :;
 * exec node FLAGS "$0" "$@"` (main.ts). The cache is made under them (bundle.mjs), and bench/
 * measures with them; null when the text does not start so.
 */
export function binaryNodeFlags(binary: string): string[] | null {
  const lines = binary.split('\n', 2);
  const m = /^\/\/bin\/sh -c :; exec node(.*) "\$0" "\$@"$/.exec(lines[1] ?? '');
  return lines[0] === '#!/bin/sh' && m !== null ? m[1]!.split(' ').filter((f) => f !== '') : null;
}

/**
 * Compiles a CommonJS bundle (wrapCommonJs), with its `variant` cache when that cache was made
 * for exactly these bytes, here (cacheKey), and is whole. A bundle that cannot be read, or is
 * not wrapped, is thrown; a cache that cannot be read is none.
 */
export function compileBundle(bundle: string, variant: CacheVariant = 'all'): CompiledBundle {
  const file = realpathSync(bundle);
  const bytes = readRegularFile(file);
  const key = cacheKey(bytes, file);
  let cachedData: Buffer | undefined;
  let cache: CacheUse = 'none';
  try {
    const stored = readRegularFile(cacheFileOf(file, variant));
    const data = stored.subarray(HEADER_BYTES);
    if (stored.length > HEADER_BYTES && stored.subarray(0, DIGEST_BYTES).equals(key) && stored.subarray(DIGEST_BYTES, HEADER_BYTES).equals(sha256(data))) cachedData = data;
    else cache = 'stale';
  } catch {
    // No cache (or none readable, or not a regular file): compiled from source, as without one.
  }
  const source = bytes.toString('utf8');
  if (!source.startsWith(WRAPPER_HEAD)) throw new Error(`${file} is not a module wrapped by wrapCommonJs`);
  const script = new Script(source, cachedData === undefined ? { filename: file } : { filename: file, cachedData });
  if (cachedData !== undefined) cache = script.cachedDataRejected === true ? 'rejected' : 'used';
  return { cache, variant, script, key, file };
}

/**
 * Compiles (compileBundle) and runs a CommonJS bundle as Node.js would run it as a module; the
 * bundle's own errors are thrown.
 */
export function loadBundle<T>(bundle: string, variant: CacheVariant = 'all'): LoadedBundle<T> {
  const compiled = compileBundle(bundle, variant);
  const { file } = compiled;
  const wrapper: unknown = compiled.script.runInThisContext();
  if (typeof wrapper !== 'function') throw new Error(`${file} is not a module wrapped by wrapCommonJs`);
  const module = { exports: {} };
  (wrapper as (e: object, r: NodeJS.Require, m: { exports: object }, f: string, d: string) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { ...compiled, exports: module.exports as T };
}

/**
 * Writes a cache of a compiled bundle: its header, then the bytecode V8 holds for it now (the
 * functions compiled so far: after a run, those it used; before, its top level only). Written
 * whole or not at all. One process may write several variants, as its runs go on.
 */
export function writeCodeCache(compiled: CompiledBundle, variant: CacheVariant = compiled.variant): number {
  const data = compiled.script.createCachedData();
  const file = cacheFileOf(compiled.file, variant);
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, Buffer.concat([compiled.key, sha256(data), data]));
  renameSync(partial, file);
  return HEADER_BYTES + data.length;
}
