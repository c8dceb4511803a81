/**
 * Bundles the `sel` binary (run by `npm run build`, after tsc) into dist/sel/:
 * - sel.js, the binary: src/cli/main.ts, a few lines that start node with sel's flags and load
 *   sel.cjs with its code cache (code-cache.ts);
 * - sel.cjs, the command line: src/cli/run.ts with its dependencies (commander, chalk,
 *   ipaddr.js, ...; ajv's generated validators still load two small runtime helpers from
 *   node_modules, through createRequire), one CommonJS file, as V8's code cache needs, in
 *   Node.js's module wrapper (code-cache.ts, wrapCommonJs);
 * - worker.js and worker.cjs, the `--jobs` worker, the same way (src/cli/worker-main.ts loading
 *   src/verify/worker.ts);
 * - their caches, made last under the binary's flags (write-code-cache.ts): sel.cjs.v8cache by
 *   running sel's commands on the samples (the sample log, the sample policy, and the sample
 *   governance repository built in a temporary directory for replay and the forensic
 *   commands), sel.cjs.integrity.v8cache of `sel verify` alone (code-cache.ts, CacheVariant),
 *   worker.cjs.v8cache of the worker's top level. They are this machine's: V8 refuses them
 *   under another Node.js, and sel then compiles the bundles from source, as it did before
 *   the caches. Without git (the sample repository is made with it), sel.cjs.v8cache holds
 *   no replay, with a warning.
 * One file instead of ~100 modules made a command start 1.17x faster (a one-event `sel verify`)
 * and a replay 1.23x (three events with `--repo`): Node.js resolved, read and compiled each
 * module on its own; the cache then took ~40 ms more off each start (docs/performance.md,
 * "Start-up"). The library (`import ... from 'sel'`) stays tsc's modules in dist/src; the
 * tests of the command line run the binary, which is what ships.
 *
 * The worker is found beside the module that starts it (src/verify/pool.ts, by
 * import.meta.url: in sel.cjs, the bundle's own URL, so dist/sel/worker.js), and the package
 * root (schemas/) by walking up from it (src/assets.ts). The first two lines of
 * src/cli/main.ts (sh, then node with sel's flags; see there) are put back on top: esbuild
 * keeps a `#!` line but drops comments. dist/sel/BUILD names the build: `sha256:` and the
 * SHA-256 of {"sel.js": digest, "sel.cjs": digest, "worker.js": digest, "worker.cjs": digest}
 * (hex digests of the files as written, JSON in that order); the caches, which are the
 * machine's, are not in it.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { binaryNodeFlags, cacheFileOf, wrapCommonJs } from '../../dist/src/cli/code-cache.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'sel');
// Outputs are kept in memory and each written whole (a temporary name, then renamed): a sel run,
// or another build, during this one never reads a file half made or not yet wrapped.
const common = { absWorkingDir: root, outdir: out, bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', write: false };
/** @type {Map<string, string>} file name in dist/sel -> text */
const files = new Map();
const keep = (result) => {
  for (const f of result.outputFiles) files.set(basename(f.path), f.text);
};

keep(await build({
  ...common,
  entryPoints: { sel: 'dist/src/cli/main.js', worker: 'dist/src/cli/worker-main.js' },
  format: 'esm',
}));
keep(await build({
  ...common,
  entryPoints: { sel: 'dist/src/cli/run.js', worker: 'dist/src/verify/worker.js' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // stream-chain (under stream-json's tokenizer, `sel import`) loads node:string_decoder with
  // import() when its module is evaluated: written as require(), which a bundle without a module
  // loader has (the check below refuses any import() left).
  supported: { 'dynamic-import': false },
  // A CommonJS module has no import.meta; sel's modules use only its url (assets.ts, pool.ts),
  // declared below.
  define: { 'import.meta.url': '__selModuleUrl' },
}));

const source = readFileSync(join(root, 'src', 'cli', 'main.ts'), 'utf8');
const nodeFlags = binaryNodeFlags(source);
if (nodeFlags === null) throw new Error('src/cli/main.ts no longer starts with the two lines the bundle copies');
const header = source.split('\n', 2);
const main = files.get('sel.js');
if (!main.startsWith('#!/bin/sh\n')) throw new Error('esbuild did not keep the #! line of src/cli/main.ts');
files.set('sel.js', `${header.join('\n')}\n${main.slice('#!/bin/sh\n'.length)}`);

// sel.cjs and worker.cjs are compiled without a module loader (code-cache.ts): an import() left
// in them would fail at run time, so every module they load must be in them. Each is written in
// Node.js's module wrapper, as the binary compiles it (wrapCommonJs), and strict, as sel's ES
// modules are: "use strict" must come first in the function, before anything a banner would
// add (a banner once put it second, which made it a plain string).
const moduleUrl = 'const __selModuleUrl = require("node:url").pathToFileURL(__filename).href;\n';
for (const name of ['sel.cjs', 'worker.cjs']) {
  const text = files.get(name);
  if (/\bimport\(/.test(text)) throw new Error(`dist/sel/${name} has an import() that esbuild did not bundle`);
  if (!text.startsWith('"use strict";\n')) throw new Error(`esbuild's dist/sel/${name} no longer starts with "use strict"`);
  files.set(name, wrapCommonJs(`"use strict";\n${moduleUrl}${text.slice('"use strict";\n'.length)}`));
}

// The build's id (src/version.ts, buildId): a digest of the four files, as they are run. A shard
// result records it, and a merge refuses results of another build.
const hex = (name) => createHash('sha256').update(files.get(name)).digest('hex');
const ids = JSON.stringify({ 'sel.js': hex('sel.js'), 'sel.cjs': hex('sel.cjs'), 'worker.js': hex('worker.js'), 'worker.cjs': hex('worker.cjs') });
files.set('BUILD', `sha256:${createHash('sha256').update(ids).digest('hex')}\n`);

mkdirSync(out, { recursive: true });
for (const [name, text] of files) {
  const partial = join(out, `.${name}.${process.pid}.tmp`);
  writeFileSync(partial, text);
  if (name === 'sel.js') chmodSync(partial, 0o755);
  renameSync(partial, join(out, name));
}

// The code caches (code-cache.ts), under the flags of the binary's second line (node FLAGS "$0"
// "$@") and without NODE_OPTIONS: V8 refuses a cache made under flags that change its hash, and
// the binary does not run under the builder's. A build that cannot make them still builds: sel
// runs without them, ~40 ms slower to start, and says so here; the tests insist on them.
const env = { ...process.env };
delete env.NODE_OPTIONS;
const bundles = [join(out, 'sel.cjs'), join(out, 'worker.cjs')];
// Each cache the build makes: its bundle and variant (code-cache.ts, CacheVariant).
const caches = [[bundles[0], 'all'], [bundles[0], 'integrity'], [bundles[1], 'all']];
for (const [bundle, variant] of caches) rmSync(cacheFileOf(bundle, variant), { force: true });
const warn = (why) => process.stderr.write(`bundle.mjs: warning: ${why}; sel runs without a code cache, ~40 ms slower to start\n`);
// The sample evaluation's event: the first line of the sample log.
const log = join(root, 'ledger-samples', 'logs', 'clean');
const scratch = mkdtempSync(join(tmpdir(), 'sel-build-'));
try {
  const event = join(scratch, 'event.json');
  writeFileSync(event, readFileSync(join(log, 'audit.jsonl'), 'utf8').split('\n', 1)[0]);
  makeCaches(event, sampleRepo(await import(pathToFileURL(join(root, 'dist', 'ledger-samples', 'governance.js')).href)));
} catch (e) {
  warn(`making the code caches failed (${e instanceof Error ? e.message : String(e)})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** The sample governance repository, built in the scratch directory: [REPO, its log], or none without it. */
function sampleRepo(governance) {
  try {
    const gov = governance.buildGovernanceRepo(join(scratch, 'governance'));
    return [gov.repo, gov.clean];
  } catch (e) {
    process.stderr.write(`bundle.mjs: warning: the sample governance repository could not be built (${e instanceof Error ? e.message.split('\n', 1)[0] : String(e)}); the code cache holds no replay, which then starts ~10 ms slower\n`);
    return [];
  }
}

function makeCaches(event, repo) {
  const made = spawnSync(
    process.execPath,
    [...nodeFlags, join(root, 'dist', 'src', 'cli', 'write-code-cache.js'), ...bundles, log, join(root, 'ledger-samples', 'policy'), event, ...repo],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (made.status !== 0) {
    warn(`making the code caches failed (${made.error?.message ?? `exit status ${made.status}`}): ${made.stderr.trim()}`);
  } else {
    // Taken, by a new node as the binary starts it?
    const loader = pathToFileURL(join(root, 'dist', 'src', 'cli', 'code-cache.js')).href;
    const check = `const { compileBundle } = await import(${JSON.stringify(loader)}); console.log(${JSON.stringify(caches)}.map(([b, v]) => compileBundle(b, v).cache).join(' '));`;
    const taken = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', check], { cwd: root, env, encoding: 'utf8' });
    if (taken.stdout.trim() !== caches.map(() => 'used').join(' ')) warn(`the code caches made are not taken (${taken.stdout.trim() || taken.stderr.trim()})`);
  }
}
