/**
 * The long fuzz run (not in CI): `npm run fuzz -- [--seed N] [--count N]`. Runs the fuzzing
 * properties with many more cases than the test suite and prints what it ran and found.
 */
import fc from 'fast-check';
import { cleanChainsAreClean, neverThrowsOnBytes, reportsEveryMutation } from './properties.js';
import { fastPathAgrees, fastPathStats, scannerStats } from './fast-path.js';
import { fuzzDir, unitsAgree, unitStats } from './units.js';
import { bytesDamaged, columnsDamaged, metaDamaged, shardFixture, shardsAgree, shardStats } from './shards.js';
import { importAgrees, importStats } from './import.js';
import { disorderAgrees, disorderStats } from './disorder.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v)) {
    process.stderr.write(`${name} takes a whole number\n`);
    process.exit(2);
  }
  return v;
}

const seed = arg('--seed', Date.now() % 2 ** 31);
const count = arg('--count', 20_000);
let failed = false;
const props: [string, fc.IPropertyWithHooks<unknown[]> | fc.IProperty<unknown[]>, number][] = [
  ['never throws on arbitrary bytes', neverThrowsOnBytes as fc.IProperty<unknown[]>, count],
  ['reports every mutation of a valid chain', reportsEveryMutation as fc.IProperty<unknown[]>, count],
  ['clean interleaved chains give no finding', cleanChainsAreClean as fc.IProperty<unknown[]>, Math.max(1, Math.floor(count / 20))],
  ['the line check\'s fast path answers only as the full check does', fastPathAgrees as fc.IProperty<unknown[]>, count],
];
const units = fuzzDir();
// Each case runs the verifier twice, and starts worker threads: a fiftieth of the cases.
props.push(['--jobs gives the one-thread result and notes on every mutation, whatever the cuts', unitsAgree(units.dir) as unknown as fc.IProperty<unknown[]>, Math.max(1, Math.floor(count / 50))]);
// Each case writes a shard result and merges it (~1 ms): half the cases.
const shards = await shardFixture();
const shardRuns = Math.max(1, Math.floor(count / 2));
props.push(['a shard result with any column byte changed (resealed) is merged or refused', columnsDamaged(shards) as unknown as fc.IProperty<unknown[]>, shardRuns]);
props.push(['a shard result with any byte changed or cut anywhere is merged or refused', bytesDamaged(shards) as unknown as fc.IProperty<unknown[]>, shardRuns]);
props.push(['a shard result with any meta value changed (resealed) is merged or refused', metaDamaged(shards) as unknown as fc.IProperty<unknown[]>, shardRuns]);
// Each case runs one verification and up to 6 shards and a merge: a fiftieth of the cases.
props.push(['shards + merge give one run\'s report on every mutation, whatever the cuts', shardsAgree(units.dir) as unknown as fc.IProperty<unknown[]>, Math.max(1, Math.floor(count / 50))]);
// Each case runs two verifications, starts worker threads, and runs up to 6 shards and a merge,
// on logs of up to ~390 events (~0.6 s): a two-hundredth of the cases, about as long as --jobs's.
props.push(['--jobs and shards + merge give one thread\'s report on heavily disordered logs', disorderAgrees(units.dir) as unknown as fc.IProperty<unknown[]>, Math.max(1, Math.floor(count / 200))]);
// Each case imports one small document: as many cases as the others.
props.push(['sel import reads what JSON.parse reads, and of a broken document every element before the damage', importAgrees as unknown as fc.IProperty<unknown[]>, count]);
process.stdout.write(`sel fuzz: seed ${seed}, ${count} runs per property\n`);
for (const [name, prop, runs] of props) {
  const t = Date.now();
  const r = await fc.check(prop, { seed, numRuns: runs });
  const secs = ((Date.now() - t) / 1000).toFixed(1);
  if (r.failed) {
    failed = true;
    process.stdout.write(`FAIL  ${name}: ${r.numRuns} runs, counterexample ${JSON.stringify(r.counterexample)} (seed ${r.seed}, path ${r.counterexamplePath})\n  ${String(r.errorInstance)}\n`);
  } else {
    const extra = prop === (fastPathAgrees as unknown) ? `, ${fastPathStats.accepted} lines accepted by the fast path; of ${scannerStats.lines} scanned, ${scannerStats.text} proven by the text scanner, ${scannerStats.wasm} (all also by the text scanner) by the WebAssembly one`
      : name.includes('disordered') ? `, ${disorderStats.logs} disordered logs compared (${disorderStats.findings} findings, ${disorderStats.shards} shards in all)`
      : name.startsWith('--jobs') ? `, ${unitStats.logs} mutated logs compared (${unitStats.findings} findings, ${unitStats.notes} gate notes in all)`
      : name.startsWith('shards + merge') ? `, ${shardStats.logs} mutated logs compared (${shardStats.shards} shards in all)`
      : name.startsWith('sel import') ? `, ${importStats.whole} documents read whole, ${importStats.broken} broken (${importStats.lines} lines written)`
      : '';
    process.stdout.write(`ok    ${name}: ${r.numRuns} runs (${r.numSkips} skipped)${extra}, ${secs} s\n`);
  }
}
units.remove();
shards.remove();
process.exitCode = failed ? 1 : 0;
