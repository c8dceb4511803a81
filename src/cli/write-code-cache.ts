/**
 * Makes the code caches of the binary's bundles (code-cache.ts), as the last step of `npm run
 * build` (src/cli/bundle.mjs runs it with the flags of the binary's second line: V8 refuses a
 * cache made under flags that change its hash).
 *
 * Usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE WORKER LOG POLICY EVENT [REPO REPO_LOG]
 *
 * It loads BUNDLE as the binary does and runs sel's commands with it (`--format json` where
 * they take one; the reports go to standard output, which the build discards), so that the
 * caches hold what the runs compiled, not only the bundle's top level:
 * - `sel verify LOG`, then it writes the 'integrity' cache (what `sel verify` without --repo
 *   takes: the smaller cache starts it ~2 ms sooner);
 * - `sel policy eval POLICY --event EVENT`, and with REPO (a governance repository; bundle.mjs
 *   builds the sample one) `sel verify REPO_LOG --repo REPO`, `gate`, `explain`, `timeline`
 *   and `impact` on it; then the 'all' cache, which every other command takes. With the
 *   evaluation in it, a three-event replay started 1.18x faster and a one-event verify 0.96x;
 *   with the replay and the forensic commands too, the replay ~8% less CPU and `sel explain`
 *   ~6% (alternating pairs, docs/performance.md).
 * What the runs find does not matter: a cache is of the bundle's code, whatever path through
 * it they took; a sample that no longer verifies clean makes a smaller cache, not a failed
 * build (which would also stop `npm run samples` from making it again).
 * WORKER, the worker's bundle, is compiled and not run (its top level needs a parent thread):
 * its cache holds that top level.
 */
import { compileBundle, loadBundle, writeCodeCache } from './code-cache.js';

const [bundle, worker, log, policy, event, repo, repoLog] = process.argv.slice(2);
if (bundle === undefined || worker === undefined || log === undefined || policy === undefined || event === undefined || (repo !== undefined && repoLog === undefined)) {
  process.stderr.write('usage: node FLAGS dist/src/cli/write-code-cache.js BUNDLE WORKER LOG POLICY EVENT [REPO REPO_LOG]\n');
  process.exit(2);
}
writeCodeCache(compileBundle(worker));
const loaded = loadBundle<{ run(argv: readonly string[]): Promise<number> }>(bundle);
const sel = (...args: string[]): Promise<number> => loaded.exports.run([process.execPath, 'sel', ...args]);
await sel('verify', log, '--format', 'json');
writeCodeCache(loaded, 'integrity');
await sel('policy', 'eval', policy, '--event', event, '--format', 'json');
if (repo !== undefined && repoLog !== undefined) {
  await sel('verify', repoLog, '--repo', repo, '--format', 'json');
  await sel('gate', repoLog, '--repo', repo, '--no-divergence', '--format', 'json');
  await sel('explain', repoLog, '--repo', repo, '--seq', '1');
  await sel('timeline', repoLog);
  await sel('impact', repoLog, '--repo', repo, '--policy', 'HEAD~1');
}
writeCodeCache(loaded, 'all');
process.exitCode = 0;
