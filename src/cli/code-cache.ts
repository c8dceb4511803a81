/**
 * Loading the command line's bundle (dist/sel/sel.cjs) with V8's code cache.
 *
 * Compiling the bundle (~1.3 MB of JavaScript: the verifier, the policy evaluator, the schema
 * validators, the public suffix list, commander) was the largest single cost of a short run:
 * ~38 ms of a one-event `sel verify` (a CPU profile), every run. V8 can instead take the
 * bytecode it made in an earlier run of the same source (`cachedData`); `npm run build` makes
 * that cache, by running `sel verify` on a sample log once (write-code-cache.ts, run by
 * src/cli/bundle.mjs with the binary's flags), and writes it beside the bundle. A one-event
 * run measured ~50 ms shorter (docs/performance.md, "Start-up"). Node.js 20 has no such cache
 * for ES modules (module.enableCompileCache is Node.js 22), so the bundle is CommonJS and is
 * compiled here as a function, as Node.js compiles a CommonJS module.
 *
 * V8 checks a cache against its own version and flags and against the length of the source,
 * not its content: a bundle edited to the same length would run the old bytecode. So the cache
 * file starts with the SHA-256 of the bundle it was made from (~1.5 ms for 1.3 MB), and a cache
 * of other bytes is not given to V8 at all. A cache V8 refuses (another Node.js, other flags)
 * or none costs only the compile it would have saved: the bundle runs the same either way.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What became of the cache: given to V8 and taken; refused by V8; made from other bytes; none. */
export type CacheUse = 'used' | 'rejected' | 'stale' | 'none';

/** A bundle compiled, not yet run. */
export interface CompiledBundle {
  readonly cache: CacheUse;
  /** For writeCodeCache. */
  readonly script: Script;
  /** SHA-256 of the bundle's bytes. */
  readonly digest: Buffer;
}

export interface LoadedBundle<T> extends CompiledBundle {
  readonly exports: T;
}

const DIGEST_BYTES = 32;

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

/** The cache beside a bundle. */
export function cacheFileOf(bundle: string): string {
  return `${bundle}.v8cache`;
}

/**
 * Compiles a CommonJS bundle (wrapCommonJs), with the cache beside it when that cache was made
 * from exactly these bytes. A bundle that cannot be read, or is not wrapped, is thrown; a cache
 * that cannot be read is none.
 */
export function compileBundle(bundle: string): CompiledBundle {
  const bytes = readFileSync(bundle);
  const digest = createHash('sha256').update(bytes).digest();
  let cachedData: Buffer | undefined;
  let cache: CacheUse = 'none';
  try {
    const stored = readFileSync(cacheFileOf(bundle));
    if (stored.length > DIGEST_BYTES && stored.subarray(0, DIGEST_BYTES).equals(digest)) cachedData = stored.subarray(DIGEST_BYTES);
    else cache = 'stale';
  } catch {
    // No cache (or none readable): compiled from source, as without one.
  }
  const source = bytes.toString('utf8');
  if (!source.startsWith(WRAPPER_HEAD)) throw new Error(`${bundle} is not a module wrapped by wrapCommonJs`);
  const script = new Script(source, cachedData === undefined ? { filename: bundle } : { filename: bundle, cachedData });
  if (cachedData !== undefined) cache = script.cachedDataRejected === true ? 'rejected' : 'used';
  return { cache, script, digest };
}

/**
 * Compiles (compileBundle) and runs a CommonJS bundle as Node.js would run it as a module; the
 * bundle's own errors are thrown.
 */
export function loadBundle<T>(bundle: string): LoadedBundle<T> {
  const compiled = compileBundle(bundle);
  const wrapper: unknown = compiled.script.runInThisContext();
  if (typeof wrapper !== 'function') throw new Error(`${bundle} is not a module wrapped by wrapCommonJs`);
  const module = { exports: {} };
  (wrapper as (e: object, r: NodeJS.Require, m: { exports: object }, f: string, d: string) => void).call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { ...compiled, exports: module.exports as T };
}

/**
 * Writes the cache of a compiled bundle: its digest, then the bytecode V8 holds for it now (the
 * functions compiled so far: after a run, those it used; before, its top level only). Written
 * whole or not at all.
 */
export function writeCodeCache(bundle: string, loaded: CompiledBundle): number {
  const data = Buffer.concat([loaded.digest, loaded.script.createCachedData()]);
  const file = cacheFileOf(bundle);
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, file);
  return data.length;
}
