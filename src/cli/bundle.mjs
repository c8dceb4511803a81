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
 * - sel.cjs.v8cache and worker.cjs.v8cache, their caches, made last under the binary's flags
 *   (write-code-cache.ts): sel.cjs's by running `sel verify` on a sample log and `sel policy
 *   eval` of its first event under the sample policy, worker.cjs's of its top level. They are this machine's: V8 refuses them under another Node.js, and sel then
 *   compiles the bundles from source, as it did before the caches.
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
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrapCommonJs } from '../../dist/src/cli/code-cache.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'sel');
const common = { absWorkingDir: root, outdir: out, bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { sel: 'dist/src/cli/main.js', worker: 'dist/src/cli/worker-main.js' },
  format: 'esm',
  // CommonJS dependencies (commander, ajv) call require() for Node's modules; esbuild's
  // ES-module output calls a global require, which an ES module does not have.
  banner: { js: "import { createRequire as __selCreateRequire } from 'node:module'; const require = __selCreateRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: { sel: 'dist/src/cli/run.js', worker: 'dist/src/verify/worker.js' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // A CommonJS module has no import.meta; sel's modules use only its url (assets.ts, pool.ts),
  // declared below.
  define: { 'import.meta.url': '__selModuleUrl' },
});

const main = join(out, 'sel.js');
const header = readFileSync(join(root, 'src', 'cli', 'main.ts'), 'utf8').split('\n').slice(0, 2);
if (header[0] !== '#!/bin/sh' || !header[1].startsWith('//bin/sh -c :; exec node ')) {
  throw new Error('src/cli/main.ts no longer starts with the two lines the bundle copies');
}
const text = readFileSync(main, 'utf8');
if (!text.startsWith('#!/bin/sh\n')) throw new Error('esbuild did not keep the #! line of src/cli/main.ts');
writeFileSync(main, `${header.join('\n')}\n${text.slice('#!/bin/sh\n'.length)}`);
chmodSync(main, 0o755);

// sel.cjs and worker.cjs are compiled without a module loader (code-cache.ts): an import() left
// in them would fail at run time, so every module they load must be in them. Each is written in
// Node.js's module wrapper, as the binary compiles it (wrapCommonJs), and strict, as sel's ES
// modules are: "use strict" must come first in the function, before anything a banner would
// add (a banner once put it second, which made it a plain string).
const moduleUrl = 'const __selModuleUrl = require("node:url").pathToFileURL(__filename).href;\n';
for (const name of ['sel.cjs', 'worker.cjs']) {
  const file = join(out, name);
  const text = readFileSync(file, 'utf8');
  if (/\bimport\(/.test(text)) throw new Error(`dist/sel/${name} has an import() that esbuild did not bundle`);
  if (!text.startsWith('"use strict";\n')) throw new Error(`esbuild's dist/sel/${name} no longer starts with "use strict"`);
  writeFileSync(file, wrapCommonJs(`"use strict";\n${moduleUrl}${text.slice('"use strict";\n'.length)}`));
}
const cjs = join(out, 'sel.cjs');

// The build's id (src/version.ts, buildId): a digest of the four files, as they are run. A shard
// result records it, and a merge refuses results of another build.
const digest = (file) => createHash('sha256').update(readFileSync(join(out, file))).digest('hex');
const files = JSON.stringify({ 'sel.js': digest('sel.js'), 'sel.cjs': digest('sel.cjs'), 'worker.js': digest('worker.js'), 'worker.cjs': digest('worker.cjs') });
writeFileSync(join(out, 'BUILD'), `sha256:${createHash('sha256').update(files).digest('hex')}\n`);

// The code cache, under the flags of the binary's second line (node FLAGS "$0" "$@").
const flags = /^\/\/bin\/sh -c :; exec node(.*) "\$0" "\$@"$/.exec(header[1]);
if (flags === null) throw new Error('cannot read the node flags on the second line of src/cli/main.ts');
const worker = join(out, 'worker.cjs');
for (const bundle of [cjs, worker]) rmSync(`${bundle}.v8cache`, { force: true });
// The sample evaluation's event: the first line of the sample log.
const log = join(root, 'ledger-samples', 'logs', 'clean');
const scratch = mkdtempSync(join(tmpdir(), 'sel-build-'));
let made;
try {
  const event = join(scratch, 'event.json');
  writeFileSync(event, readFileSync(join(log, 'audit.jsonl'), 'utf8').split('\n', 1)[0]);
  made = spawnSync(
    process.execPath,
    [...flags[1].split(' ').filter((f) => f !== ''), join(root, 'dist', 'src', 'cli', 'write-code-cache.js'), cjs, worker, log, join(root, 'ledger-samples', 'policy'), event],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (made.status !== 0) throw new Error(`making the code caches of dist/sel/ failed (${made.error?.message ?? `exit status ${made.status}`}): ${made.stderr}`);
