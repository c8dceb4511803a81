/**
 * `npm run demo`: runs `sel verify` on the shipped samples, as a user would, and shows the
 * output: a clean log (exit 0) and a tampered one (exit 1, with its findings).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
function run(args, expectStatus) {
    process.stdout.write(`\n$ sel ${args.join(' ')}\n`);
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
    process.stdout.write(`(exit status ${r.status})\n`);
    return r.status === expectStatus;
}
const logs = relative(root, join(root, 'ledger-samples', 'logs'));
const ok = [
    run(['verify', join(logs, 'clean')], 0),
    run(['verify', join(logs, 'rotated')], 0),
    run(['verify', join(logs, 'incident')], 1),
].every(Boolean);
process.stdout.write(ok ? '\ndemo: every result as expected\n' : '\ndemo: a result was not as expected\n');
process.exitCode = ok ? 0 : 1;
//# sourceMappingURL=demo.js.map