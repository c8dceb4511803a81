/**
 * `npm run demo`: builds the sample governance repository (ledger-samples/governance/, the
 * same commits on every machine) and runs `sel verify` as a user would: the sample logs for
 * integrity, then the committed audit log and an incident log replayed against the
 * repository's policy history and ledger.
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { packageRoot } from '../src/assets.js';
import { buildGovernanceRepo } from './governance.js';

const root = packageRoot();
const cli = join(root, 'dist', 'sel', 'sel.js');
const rel = (p: string) => relative(root, p);

function run(args: string[], expectStatus: number): boolean {
  process.stdout.write(`\n$ sel ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  process.stdout.write(`(exit status ${r.status}${r.status === expectStatus ? '' : `, expected ${expectStatus}`})\n`);
  return r.status === expectStatus;
}

// The sample repository is made with git: without it, say so in one sentence, before anything
// is removed or half built (it was git's ENOENT as a stack trace).
const git = spawnSync('git', ['--version'], { stdio: 'ignore' });
if (git.error !== undefined || git.status !== 0) {
  process.stderr.write(`demo: git is needed to build the sample governance repository, and \`git --version\` ${git.error !== undefined ? 'could not be run' : `exited ${git.status}`}: install git, or run \`npx sel verify ledger-samples/logs/incident\` for integrity alone\n`);
  process.exit(2);
}
const gov = buildGovernanceRepo(join(root, 'ledger-samples', 'governance'));
process.stdout.write(`built the sample governance repository in ${rel(gov.repo)} (git log there shows its history)\n`);
const logs = rel(join(root, 'ledger-samples', 'logs'));
const ok = [
  run(['verify', join(logs, 'rotated')], 0),
  run(['verify', join(logs, 'incident')], 1),
  run(['verify', rel(gov.clean), '--repo', rel(gov.repo)], 0),
  run(['verify', rel(gov.incident), '--repo', rel(gov.repo)], 1),
].every(Boolean);
process.stdout.write(ok ? '\ndemo: every result as expected\n' : '\ndemo: a result was not as expected\n');
process.exitCode = ok ? 0 : 1;
