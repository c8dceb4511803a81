// The binary compiles its bundle with the V8 code cache the build made (src/cli/code-cache.ts).
// A cache is a speed-up only: one made for other bytes, another place, or damaged, is not used.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { binaryNodeFlags, cacheFileOf, cacheVariantOf, cannotLoad, compileBundle, loadBundle, wrapCommonJs, writeCodeCache, type CacheUse, type CacheVariant } from '../../src/cli/code-cache.js';
import { CLI } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sel-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = join(import.meta.dirname, '..', '..');
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };

/** The node flags of the binary's second line. */
function binaryFlags(): string[] {
  const flags = binaryNodeFlags(readFileSync(CLI, 'utf8'));
  if (flags === null) throw new Error(`${CLI} does not start node with its flags on its second line`);
  return flags;
}

/**
 * Loads `bundle` in a new node process (V8 keeps compiled scripts per process, which would
 * answer before any cache is looked at) and gives what became of its cache and its `v`.
 */
function loadFresh(bundle: string, flags: readonly string[] = [], variant: CacheVariant = 'all', prelude = ''): { cache: CacheUse; v: unknown } {
  const loader = pathToFileURL(join(root, 'dist', 'src', 'cli', 'code-cache.js')).href;
  const script = `${prelude}const { loadBundle } = await import(${JSON.stringify(loader)}); const l = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(variant)}); console.log(JSON.stringify({ cache: l.cache, v: l.exports.v ?? null }));`;
  // A load that hangs (a FIFO read as a file) is killed and fails here, instead of blocking the run.
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 120_000 });
  expect(r.signal, 'killed: the load hung').toBeNull();
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { cache: CacheUse; v: unknown };
}

/** A bundle that exports `v`, and its cache, made by running it as the build does. */
function bundleWithCache(name: string, v: string): string {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, wrapCommonJs(`"use strict";\nexports.v = ${JSON.stringify(v)};\nexports.f = function () { return exports.v.length; };\n`));
  const loaded = loadBundle<{ f(): number }>(file);
  loaded.exports.f();
  writeCodeCache(loaded);
  return file;
}

describe('the code cache', () => {
  it('the one the build made is taken, under the flags of the binary’s second line', () => {
    const bundle = join(root, 'dist', 'sel', 'sel.cjs');
    expect(binaryFlags()).toEqual(['--single-threaded-gc']);
    expect(loadFresh(bundle, binaryFlags()).cache).toBe('used');
    expect(loadFresh(bundle, binaryFlags(), 'integrity').cache).toBe('used');
    // And so without them: the one flag does not change V8's flag hash (main.ts).
    expect(loadFresh(bundle).cache).toBe('used');
  });

  it('the build made two for the command line: the integrity check\'s holds less, to start sooner', () => {
    const bundle = join(root, 'dist', 'sel', 'sel.cjs');
    const all = readFileSync(cacheFileOf(bundle)).length;
    const integrity = readFileSync(cacheFileOf(bundle, 'integrity')).length;
    // What `sel verify` compiles, and what replay, git, the ledger and the forensic commands add:
    // built without the sample governance repository (no git), 'all' would hold ~0.96 MB.
    expect(integrity).toBeLessThan(all / 2);
    expect(all).toBeGreaterThan(1_100_000);
  });

  it('the binary reads the integrity check\'s for `sel verify` without --repo, the other for the rest', () => {
    const bundle = join(root, 'dist', 'sel', 'sel.cjs');
    const data = (variant: CacheVariant) => readFileSync(cacheFileOf(bundle, variant)).length - 64;
    // V8 prints the size of each code cache it reads (the header is sel's, 64 bytes).
    const read = (args: string[]): number[] => {
      const r = spawnSync(process.execPath, [...binaryFlags(), '--profile-deserialization', CLI, ...args], { env, encoding: 'utf8' });
      return [...r.stdout.matchAll(/^\[Deserializing from (\d+) bytes/gm)].map((m) => Number(m[1]));
    };
    const log = join(root, 'ledger-samples', 'logs', 'clean');
    expect(read(['verify', log])).toContain(data('integrity'));
    expect(read(['verify', log])).not.toContain(data('all'));
    // Chosen before anything runs: a --repo that is no repository still names a replay.
    expect(read(['verify', log, '--repo', dir])).toContain(data('all'));
    expect(read(['--version'])).toContain(data('all'));
    // And a --jobs worker reads the worker's (from mutation testing).
    const worker = readFileSync(cacheFileOf(join(root, 'dist', 'sel', 'worker.cjs'))).length - 64;
    expect(read(['verify', log, '--jobs', '2'])).toContain(worker);
  });

  it('is chosen by the command line: the integrity check\'s for `sel verify` without --repo', () => {
    const cases: [string[], CacheVariant][] = [
      [['verify', 'a.jsonl'], 'integrity'],
      [['verify', 'logs', '--jobs', '2', '--format', 'json'], 'integrity'],
      [['verify', 'a.jsonl', '--shard', '1/4', '--shard-out', 's1'], 'integrity'],
      // A file named --repo after `--` is a log, not the option.
      [['verify', '--', '--repo'], 'integrity'],
      [['verify', 'a.jsonl', '--repo', 'gov'], 'all'],
      [['verify', '--repo=gov', 'a.jsonl'], 'all'],
      [['gate', 'a.jsonl', '--repo', 'gov', '--no-divergence'], 'all'],
      [['timeline', 'a.jsonl'], 'all'],
      [['policy', 'check', 'policy'], 'all'],
      [['--version'], 'all'],
      [[], 'all'],
    ];
    for (const [args, variant] of cases) expect(cacheVariantOf(args), args.join(' ')).toBe(variant);
  });

  it('is beside its bundle under the names the build and the docs give (from mutation testing)', () => {
    expect(cacheFileOf('/opt/sel/dist/sel/sel.cjs')).toBe('/opt/sel/dist/sel/sel.cjs.v8cache');
    expect(cacheFileOf('/opt/sel/dist/sel/sel.cjs', 'integrity')).toBe('/opt/sel/dist/sel/sel.cjs.integrity.v8cache');
  });

  it('the worker\'s is taken in a worker thread as the pool starts one (src/verify/pool.ts)', () => {
    const loader = pathToFileURL(join(root, 'dist', 'src', 'cli', 'code-cache.js')).href;
    const inWorker = `const { compileBundle } = await import(${JSON.stringify(loader)}); const { parentPort } = await import('node:worker_threads'); parentPort.postMessage(compileBundle(${JSON.stringify(join(root, 'dist', 'sel', 'worker.cjs'))}).cache);`;
    const script = `import { Worker } from 'node:worker_threads'; const w = new Worker(${JSON.stringify(inWorker)}, { eval: true, type: 'module', resourceLimits: { maxYoungGenerationSizeMb: 16 } }); w.once('message', (m) => { console.log(m); w.terminate(); });`;
    const r = spawnSync(process.execPath, [...binaryFlags(), '--input-type=module', '-e', script], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('used');
  });

  it('is of bundles that run as strict code, as sel\'s ES modules did', () => {
    for (const name of ['sel.cjs', 'worker.cjs']) {
      const text = readFileSync(join(root, 'dist', 'sel', name), 'utf8');
      expect(text.startsWith(`${wrapCommonJs('').slice(0, -3)}"use strict";\n`)).toBe(true);
    }
  });

  it('is taken for the bundle it was made from', () => {
    const file = bundleWithCache('same', 'one');
    expect(loadFresh(file)).toEqual({ cache: 'used', v: 'one' });
  });

  it('is not given to V8 for a bundle edited since, even to the same length (V8 would run the old code)', () => {
    const file = bundleWithCache('edited', 'one');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"one"', '"two"'));
    expect(readFileSync(file).length).toBe(Buffer.byteLength(text));
    expect(loadFresh(file)).toEqual({ cache: 'stale', v: 'two' });
  });

  it('that V8 refuses (other flags), or none, or one cut short, still runs the bundle', () => {
    const file = bundleWithCache('refused', 'one');
    // V8 checks a hash of its flags; --stack-size is in it.
    expect(loadFresh(file, ['--stack-size=2000'])).toEqual({ cache: 'rejected', v: 'one' });
    const cache = readFileSync(cacheFileOf(file));
    writeFileSync(cacheFileOf(file), cache.subarray(0, 40));
    expect(loadFresh(file)).toEqual({ cache: 'stale', v: 'one' });
    writeFileSync(cacheFileOf(file), cache.subarray(0, cache.length - 1));
    expect(loadFresh(file)).toEqual({ cache: 'stale', v: 'one' });
    rmSync(cacheFileOf(file));
    expect(loadFresh(file)).toEqual({ cache: 'none', v: 'one' });
  });

  it('damaged anywhere in its data is not given to V8 (a flipped bit crashed node, or ran other code)', () => {
    const file = bundleWithCache('flipped', 'one');
    const cache = readFileSync(cacheFileOf(file));
    // The header (64 bytes), then V8's own: every 97th byte of it, and its first and last.
    const at = [64, cache.length - 1];
    for (let i = 64; i < cache.length; i += 97) at.push(i);
    for (const i of at) {
      const bad = Buffer.from(cache);
      bad[i]! ^= 0x10;
      writeFileSync(cacheFileOf(file), bad);
      expect(loadFresh(file), `byte ${i}`).toEqual({ cache: 'stale', v: 'one' });
    }
    writeFileSync(cacheFileOf(file), cache);
    expect(loadFresh(file)).toEqual({ cache: 'used', v: 'one' });
  });

  it('names the bundle\'s real path in stack traces, with its cache as without (from mutation testing)', () => {
    const file = join(dir, 'trace.cjs');
    writeFileSync(file, wrapCommonJs('"use strict";\nexports.v = new Error("here").stack.split("\\n")[1].trim();\n'));
    writeCodeCache(loadBundle(file));
    const used = loadFresh(file);
    expect(used.cache).toBe('used');
    expect(used.v).toBe(`at Object.<anonymous> (${file}:2:13)`);
    // V8 takes the name from a cache it takes; from the source's options when it refuses one.
    expect(loadFresh(file, ['--stack-size=2000'])).toEqual({ cache: 'rejected', v: `at Object.<anonymous> (${file}:2:13)` });
    rmSync(cacheFileOf(file));
    expect(loadFresh(file)).toEqual({ cache: 'none', v: `at Object.<anonymous> (${file}:2:13)` });
  });

  it('written by default as the variant its bundle was compiled for (from mutation testing)', () => {
    const file = bundleWithCache('variant', 'one');
    rmSync(cacheFileOf(file));
    writeCodeCache(compileBundle(file, 'integrity'));
    expect(loadFresh(file, [], 'integrity')).toEqual({ cache: 'used', v: 'one' });
    expect(loadFresh(file)).toEqual({ cache: 'none', v: 'one' });
  });

  it('leaves no file open, cache or none (from mutation testing)', () => {
    const file = bundleWithCache('fds', 'one');
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 5; i++) compileBundle(file);
    rmSync(cacheFileOf(file));
    mkdirSync(cacheFileOf(file));
    for (let i = 0; i < 5; i++) compileBundle(file);
    expect(open()).toBe(before);
  });

  it('made in another directory is not used (V8 would name that directory in stack traces)', () => {
    const file = bundleWithCache('moved', 'one');
    const elsewhere = mkdtempSync(join(dir, 'moved-'));
    copyFileSync(file, join(elsewhere, 'moved.cjs'));
    copyFileSync(cacheFileOf(file), cacheFileOf(join(elsewhere, 'moved.cjs')));
    expect(loadFresh(join(elsewhere, 'moved.cjs'))).toEqual({ cache: 'stale', v: 'one' });
    // A link to the bundle is the bundle: its real path is what the cache was made for.
    symlinkSync(file, join(elsewhere, 'link.cjs'));
    expect(loadFresh(join(elsewhere, 'link.cjs'))).toEqual({ cache: 'used', v: 'one' });
  });

  it('the binary without its bundle says so in one sentence, exit status 2', () => {
    const alone = mkdtempSync(join(dir, 'alone-'));
    copyFileSync(CLI, join(alone, 'sel.js'));
    const r = spawnSync(process.execPath, [join(alone, 'sel.js'), '--version'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe(`sel: cannot load ${join(alone, 'sel.cjs')} (it does not exist); run npm run build\n`);
    expect(r.status).toBe(2);
    mkdirSync(join(alone, 'sel.cjs'));
    const d = spawnSync(process.execPath, [join(alone, 'sel.js'), '--version'], { env, encoding: 'utf8' });
    expect(d.stderr).toBe(`sel: cannot load ${join(alone, 'sel.cjs')} (it is a directory)\n`);
    expect(d.status).toBe(2);
  });

  it('that is not a regular file (a FIFO, a device) is none, and never waited on: sel hung reading a FIFO (found by review)', () => {
    const file = bundleWithCache('fifo', 'one');
    rmSync(cacheFileOf(file));
    expect(spawnSync('mkfifo', [cacheFileOf(file)]).status).toBe(0);
    expect(loadFresh(file)).toEqual({ cache: 'none', v: 'one' });
    rmSync(cacheFileOf(file));
    symlinkSync('/dev/null', cacheFileOf(file));
    expect(loadFresh(file)).toEqual({ cache: 'none', v: 'one' });
    rmSync(cacheFileOf(file));
    mkdirSync(cacheFileOf(file));
    expect(loadFresh(file)).toEqual({ cache: 'none', v: 'one' });
  });

  // A file of /sys is regular and says it holds 4096 bytes, but reads fewer.
  const sysfs = '/sys/kernel/mm/transparent_hugepage/enabled';
  it.skipIf(!existsSync(sysfs))('that reads shorter than its size is read to its end, and stale (from mutation testing)', () => {
    const file = bundleWithCache('short', 'one');
    rmSync(cacheFileOf(file));
    symlinkSync(sysfs, cacheFileOf(file));
    expect(loadFresh(file)).toEqual({ cache: 'stale', v: 'one' });
  });

  it('the binary whose worker\'s bundle throws as it loads: that error, as sel\'s own, not as an install\'s (from mutation testing)', () => {
    const install = mkdtempSync(join(root, 'dist', 'test-throws-'));
    try {
      for (const f of readdirSync(join(root, 'dist', 'sel'))) copyFileSync(join(root, 'dist', 'sel', f), join(install, f));
      writeFileSync(join(install, 'worker.cjs'), wrapCommonJs('"use strict";\nthrow new TypeError("boom");\n'));
      const log = join(root, 'ledger-samples', 'logs', 'clean');
      const r = spawnSync(process.execPath, [join(install, 'sel.js'), 'verify', log, '--jobs', '2'], { env, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('sel: internal error, verification not completed: boom. Please report it; set SEL_DEBUG=1 for a stack trace.\n');
      expect(r.status).toBe(2);
    } finally {
      rmSync(install, { recursive: true, force: true });
    }
  });

  it('the binary whose bundle or whose cache is a FIFO: one sentence, or a run without the cache, never a hang (found by review)', () => {
    const install = mkdtempSync(join(root, 'dist', 'test-fifo-'));
    try {
      for (const f of readdirSync(join(root, 'dist', 'sel'))) copyFileSync(join(root, 'dist', 'sel', f), join(install, f));
      const log = join(root, 'ledger-samples', 'logs', 'clean');
      for (const cache of ['sel.cjs.integrity.v8cache', 'worker.cjs.v8cache']) {
        rmSync(join(install, cache));
        expect(spawnSync('mkfifo', [join(install, cache)]).status).toBe(0);
      }
      const ok = spawnSync(process.execPath, [join(install, 'sel.js'), 'verify', log, '--jobs', '2', '--format', 'json'], { env, encoding: 'utf8', timeout: 120_000 });
      expect(ok.signal, 'killed: sel hung').toBeNull();
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      rmSync(join(install, 'worker.cjs'));
      expect(spawnSync('mkfifo', [join(install, 'worker.cjs')]).status).toBe(0);
      const w = spawnSync(process.execPath, [join(install, 'sel.js'), 'verify', log, '--jobs', '2'], { env, encoding: 'utf8', timeout: 120_000 });
      expect(w.signal, 'killed: sel hung').toBeNull();
      expect(w.stderr).toBe(`sel: cannot load ${join(install, 'worker.cjs')} (it is not a regular file)\n`);
      expect(w.status).toBe(2);
      rmSync(join(install, 'sel.cjs'));
      expect(spawnSync('mkfifo', [join(install, 'sel.cjs')]).status).toBe(0);
      const r = spawnSync(process.execPath, [join(install, 'sel.js'), '--version'], { env, encoding: 'utf8', timeout: 120_000 });
      expect(r.signal, 'killed: sel hung').toBeNull();
      expect(r.stderr).toBe(`sel: cannot load ${join(install, 'sel.cjs')} (it is not a regular file)\n`);
      expect(r.status).toBe(2);
    } finally {
      rmSync(install, { recursive: true, force: true });
    }
  });

  it('the binary without its worker\'s bundle says so in one sentence when it needs it, exit status 2', () => {
    // Under the package root, where sel finds its schemas.
    const install = mkdtempSync(join(root, 'dist', 'test-install-'));
    try {
      for (const f of readdirSync(join(root, 'dist', 'sel'))) if (f !== 'worker.cjs') copyFileSync(join(root, 'dist', 'sel', f), join(install, f));
      const log = join(root, 'ledger-samples', 'logs', 'clean');
      expect(spawnSync(process.execPath, [join(install, 'sel.js'), 'verify', log, '--jobs', '1'], { env, encoding: 'utf8' }).status).toBe(0);
      const r = spawnSync(process.execPath, [join(install, 'sel.js'), 'verify', log, '--jobs', '2'], { env, encoding: 'utf8' });
      expect(r.stderr).toBe(`sel: cannot load ${join(install, 'worker.cjs')} (it does not exist); run npm run build\n`);
      expect(r.status).toBe(2);
    } finally {
      rmSync(install, { recursive: true, force: true });
    }
  });

  it('the binary is found beside its real path, also when node keeps the link\'s (--preserve-symlinks-main)', () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    symlinkSync(CLI, join(bin, 'sel'));
    const r = spawnSync(process.execPath, ['--preserve-symlinks-main', join(bin, 'sel'), '--version'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('made by another Node.js release, architecture or V8 is not given to V8 (from mutation testing)', () => {
    const file = bundleWithCache('release', 'one');
    expect(loadFresh(file)).toEqual({ cache: 'used', v: 'one' });
    // V8 checks its own version only, not Node.js's patches to it: each is in the header's key.
    for (const prelude of [
      "Object.defineProperty(process, 'version', { value: 'v20.0.0-other' });",
      "Object.defineProperty(process, 'arch', { value: process.arch === 'x64' ? 'arm64' : 'x64' });",
      "Object.defineProperty(process.versions, 'v8', { value: '0.0.0-other' });",
    ]) {
      expect(loadFresh(file, [], 'all', prelude), prelude).toEqual({ cache: 'stale', v: 'one' });
    }
  });

  it('of a header and no data is not given to V8, even with the right digests (from mutation testing)', () => {
    const file = bundleWithCache('empty-data', 'one');
    const key = compileBundle(file).key;
    writeFileSync(cacheFileOf(file), Buffer.concat([key, createHash('sha256').digest()]));
    expect(loadFresh(file)).toEqual({ cache: 'stale', v: 'one' });
  });

  it('is written whole under a new name: a reader that opened the old one reads the old one, and no partial file is left (from mutation testing)', () => {
    const file = bundleWithCache('atomic', 'one');
    const old = Buffer.from('an older cache');
    writeFileSync(cacheFileOf(file), old);
    const fd = openSync(cacheFileOf(file), 'r');
    try {
      const size = writeCodeCache(loadBundle(file));
      // The size written is the file's: the header and V8's data.
      expect(size).toBe(readFileSync(cacheFileOf(file)).length);
      expect(size).toBeGreaterThan(64);
      const seen = Buffer.alloc(old.length + 1);
      expect(seen.subarray(0, readSync(fd, seen, 0, seen.length, 0))).toEqual(old);
    } finally {
      closeSync(fd);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('atomic.cjs') && f.endsWith('.tmp'))).toEqual([]);
    expect(loadFresh(file)).toEqual({ cache: 'used', v: 'one' });
  });

  it('is only of a bundle in the CommonJS wrapper: one not so is thrown, also before it runs (from mutation testing)', () => {
    const plain = join(dir, 'plain.cjs');
    writeFileSync(plain, '"use strict";\nexports.v = 1;\n');
    expect(() => compileBundle(plain)).toThrow(`${plain} is not a module wrapped by wrapCommonJs`);
    expect(() => loadBundle(plain)).toThrow(`${plain} is not a module wrapped by wrapCommonJs`);
    // Starts as the wrapper does, but is not one function.
    const odd = join(dir, 'odd.cjs');
    writeFileSync(odd, wrapCommonJs('});\n({'));
    expect(() => loadBundle(odd)).toThrow(`${odd} is not a module wrapped by wrapCommonJs`);
  });

  it('runs its bundle as Node.js runs a CommonJS module: this, __filename, __dirname, require (from mutation testing)', () => {
    const sub = mkdtempSync(join(dir, 'module-'));
    const file = join(sub, 'module.cjs');
    writeFileSync(file, wrapCommonJs('"use strict";\nexports.self = this === exports;\nexports.filename = __filename;\nexports.dirname = __dirname;\nexports.sep = require("node:path").sep;\nexports.beside = require("./beside.cjs").v;\n'));
    // require() resolves from the bundle, as a module's own does.
    writeFileSync(join(sub, 'beside.cjs'), 'exports.v = "beside";\n');
    const { exports } = loadBundle<{ self: boolean; filename: string; dirname: string; sep: string; beside: string }>(file);
    expect(exports).toEqual({ self: true, filename: file, dirname: sub, sep: '/', beside: 'beside' });
  });

  it('reads the node flags only from a binary that starts as sel.js does (from mutation testing)', () => {
    const second = '//bin/sh -c :; exec node --single-threaded-gc --stack-size=2000 "$0" "$@"';
    expect(binaryNodeFlags(`#!/bin/sh\n${second}\nrest`)).toEqual(['--single-threaded-gc', '--stack-size=2000']);
    expect(binaryNodeFlags('#!/bin/sh\n//bin/sh -c :; exec node "$0" "$@"\n')).toEqual([]);
    expect(binaryNodeFlags(`#!/usr/bin/env node\n${second}\n`)).toBeNull();
    expect(binaryNodeFlags(`${second}\n`)).toBeNull();
    expect(binaryNodeFlags(`#!/bin/sh\n${second} extra\n`)).toBeNull();
  });

  it('cannot load: the load\'s own error is its message, what was thrown that is no Error as it is (from mutation testing)', () => {
    expect(cannotLoad('/x/sel.cjs', new SyntaxError('Unexpected token'))).toBe('cannot load /x/sel.cjs (Unexpected token)');
    expect(cannotLoad('/x/sel.cjs', 'odd')).toBe('cannot load /x/sel.cjs (odd)');
  });

  it('the build\'s cache writer makes its caches, status 0, also when a sample no longer verifies clean (from mutation testing)', () => {
    // Under the package root, where sel finds its schemas.
    const install = mkdtempSync(join(root, 'dist', 'test-writer-'));
    try {
      for (const f of ['sel.cjs', 'worker.cjs']) copyFileSync(join(root, 'dist', 'sel', f), join(install, f));
      const event = join(install, 'event.json');
      writeFileSync(event, readFileSync(join(root, 'ledger-samples', 'logs', 'clean', 'audit.jsonl'), 'utf8').split('\n', 1)[0]!);
      const writer = join(root, 'dist', 'src', 'cli', 'write-code-cache.js');
      const tampered = join(root, 'ledger-samples', 'logs', 'tampered');
      const r = spawnSync(process.execPath, [...binaryFlags(), writer, join(install, 'sel.cjs'), join(install, 'worker.cjs'), tampered, join(root, 'ledger-samples', 'policy'), event], { env, encoding: 'utf8' });
      expect(r.status).toBe(0);
      // Taken by a new node, as the build checks them (compiled, not run: the worker's needs a parent thread).
      const loader = pathToFileURL(join(root, 'dist', 'src', 'cli', 'code-cache.js')).href;
      const caches = [[join(install, 'sel.cjs'), 'all'], [join(install, 'sel.cjs'), 'integrity'], [join(install, 'worker.cjs'), 'all']];
      const check = `const { compileBundle } = await import(${JSON.stringify(loader)}); console.log(${JSON.stringify(caches)}.map(([b, v]) => compileBundle(b, v).cache).join(' '));`;
      const taken = spawnSync(process.execPath, [...binaryFlags(), '--input-type=module', '-e', check], { env, encoding: 'utf8' });
      expect(taken.stderr).toBe('');
      expect(taken.stdout.trim()).toBe('used used used');
    } finally {
      rmSync(install, { recursive: true, force: true });
    }
  });

  it('the build makes its caches under the binary\'s flags, not under the builder\'s NODE_OPTIONS (from mutation testing)', () => {
    // The build's last step (src/cli/bundle.mjs) in a copy of the package, not to touch the dist/ the other tests run.
    const copy = mkdtempSync(join(dir, 'build-'));
    mkdirSync(join(copy, 'src', 'cli'), { recursive: true });
    for (const f of ['bundle.mjs', 'main.ts']) copyFileSync(join(root, 'src', 'cli', f), join(copy, 'src', 'cli', f));
    for (const d of ['src', 'ledger-samples']) cpSync(join(root, 'dist', d), join(copy, 'dist', d), { recursive: true });
    for (const f of ['node_modules', 'ledger-samples', 'schemas', 'package.json', 'tsconfig.json']) symlinkSync(join(root, f), join(copy, f));
    // A flag V8 checks a cache against (as --stack-size, which NODE_OPTIONS does not take).
    const built = spawnSync(process.execPath, [join(copy, 'src', 'cli', 'bundle.mjs')], { env: { ...env, NODE_OPTIONS: '--max-old-space-size=300' }, encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const loader = pathToFileURL(join(copy, 'dist', 'src', 'cli', 'code-cache.js')).href;
    const caches = [[join(copy, 'dist', 'sel', 'sel.cjs'), 'all'], [join(copy, 'dist', 'sel', 'sel.cjs'), 'integrity'], [join(copy, 'dist', 'sel', 'worker.cjs'), 'all']];
    const check = `const { compileBundle } = await import(${JSON.stringify(loader)}); console.log(${JSON.stringify(caches)}.map(([b, v]) => compileBundle(b, v).cache).join(' '));`;
    const taken = spawnSync(process.execPath, [...binaryFlags(), '--input-type=module', '-e', check], { env, encoding: 'utf8' });
    expect(taken.stderr).toBe('');
    expect(taken.stdout.trim()).toBe('used used used');
  });

  it('the build\'s cache writer refuses a repository without its log, or too few arguments, writing nothing (from mutation testing)', () => {
    const none = join(dir, 'no-such');
    const writer = join(root, 'dist', 'src', 'cli', 'write-code-cache.js');
    const args = [`${none}.cjs`, `${none}-worker.cjs`, 'log', 'policy', 'event', 'repo'];
    // And each of the five it needs, missing.
    for (const n of [6, 4, 3, 2, 1, 0]) {
      const r = spawnSync(process.execPath, [writer, ...args.slice(0, n)], { env, encoding: 'utf8' });
      expect(r.stderr, `${n} arguments`).toBe('usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE WORKER LOG POLICY EVENT [REPO REPO_LOG]\n');
      expect(r.status).toBe(2);
    }
  });
});
