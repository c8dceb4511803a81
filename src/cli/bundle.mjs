/**
 * Bundles the `sel` binary (run by `npm run build`, after tsc): dist/sel/sel.js, the command
 * line, and dist/sel/worker.js, the `--jobs` worker, each one file with its dependencies
 * (commander, chalk, ipaddr.js, ...; ajv's generated validators still load two small runtime
 * helpers from node_modules, through createRequire). A command starts 1.17x faster (a one-event
 * `sel verify`) and a replay 1.23x (three events with `--repo`): Node.js loads two files
 * instead of ~100 modules, resolving each import, reading and compiling each on its own
 * (docs/performance.md, "Start-up"). The library (`import ... from 'sel'`) stays tsc's
 * modules in dist/src; the tests of the command line run the bundle, which is what ships.
 *
 * The worker is found beside the module that starts it (src/verify/pool.ts, by
 * import.meta.url: here dist/sel/worker.js), and the package root (schemas/) by walking up
 * from it (src/assets.ts). The first two lines of src/cli/main.ts (sh, then node with sel's
 * flags; see there) are put back on top: esbuild keeps a `#!` line but drops comments.
 * dist/sel/BUILD names the build: `sha256:` and the SHA-256 of {"sel.js": digest, "worker.js":
 * digest} (hex digests of the files as written, JSON in that order).
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'sel');

await build({
  absWorkingDir: root,
  entryPoints: { sel: 'dist/src/cli/main.js', worker: 'dist/src/verify/worker.js' },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (commander, ajv) call require() for Node's modules; esbuild's
  // ES-module output calls a global require, which an ES module does not have.
  banner: { js: "import { createRequire as __selCreateRequire } from 'node:module'; const require = __selCreateRequire(import.meta.url);" },
  logLevel: 'warning',
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

// The build's id (src/version.ts, buildId): a digest of the two files, as they are run. A shard
// result records it, and a merge refuses results of another build.
const digest = (file) => createHash('sha256').update(readFileSync(join(out, file))).digest('hex');
const files = JSON.stringify({ 'sel.js': digest('sel.js'), 'worker.js': digest('worker.js') });
writeFileSync(join(out, 'BUILD'), `sha256:${createHash('sha256').update(files).digest('hex')}\n`);
