/**
 * Data for the policy-indexing benchmark: governance repositories with a long history, and
 * a tiny log naming the last bundle, so that `sel verify TINY --repo REPO` spends its time
 * indexing the history (rev-list, one `<commit>:policy` lookup per commit, then reading and
 * compiling each distinct policy tree once).
 *
 * Two shapes, both `commits` long (1 000 by default), built with `git fast-import`
 * (bench/gitrepo.ts) from the v3 bench bundle (bench/policies.ts):
 *   every  every commit changes the bundle: cap.coder's request cap is a counter (200 + i),
 *          and every 10th commit also reserves one more tool name; `commits` distinct bundles
 *   few    only `policyChanges` (10) commits change the bundle, evenly spread (the first
 *          creates it); the others edit docs/changes.md. The index deduplicates policy
 *          trees, so this is the cheap case
 */
import { join } from 'node:path';
import { DATA_DIR } from './generate.js';
import { ensureRepo, type PlannedCommit } from './gitrepo.js';
import { benchPolicy, compileFiles, type PolicyFiles } from './policies.js';
import { tinyLog } from './replay-data.js';

export type IndexShape = 'every' | 'few';

export interface IndexRepo {
  readonly name: string;
  readonly shape: IndexShape;
  readonly dir: string;
  readonly head: string;
  readonly commits: number;
  /** Commits that change policy/ (the first creates it). */
  readonly policyCommits: number;
  /** Distinct bundles in the history: what sel should report as `bundles`. */
  readonly bundles: number;
  /** A few events under the bundle at HEAD. */
  readonly tinyLog: string;
}

/** The bundle after `change` policy changes (0 = as first committed). */
function policyAt(base: PolicyFiles, change: number): PolicyFiles {
  const p = structuredClone(base);
  const coder = p['capabilities.json'].grants.find((g: { id: string }) => g.id === 'cap.coder');
  coder.caps.requests = 200 + change;
  for (let i = 10; i <= change; i += 10) p['tool-registry.json'].reserved.push(`bench.tool-${String(i).padStart(4, '0')}`);
  return p;
}

const texts = (files: PolicyFiles): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`policy/${k}`, `${JSON.stringify(v, null, 2)}\n`]));

export function ensureIndexRepo(shape: IndexShape, commits: number, opts: { readonly force?: boolean; readonly policyChanges?: number } = {}): IndexRepo {
  const base = benchPolicy(3);
  const changes = shape === 'every' ? commits : Math.min(commits, opts.policyChanges ?? 10);
  const every = Math.max(1, Math.floor(commits / changes));
  const start = Date.UTC(2025, 0, 1, 8) / 1000;
  const planned: PlannedCommit[] = [];
  let change = -1;
  let last: Record<string, string> = {};
  for (let i = 0; i < commits; i++) {
    const when = start + i * 3600;
    const policyCommit = shape === 'every' || (i % every === 0 && change + 1 < changes);
    if (policyCommit) {
      change++;
      const next = texts(policyAt(base, change));
      // Only the files that changed, as a person's commit would touch them.
      const files = Object.fromEntries(Object.entries(next).filter(([k, t]) => last[k] !== t));
      last = next;
      planned.push({
        when,
        message: change === 0 ? 'policy: initial bundle' : `policy: cap.coder request cap ${200 + change}${change % 10 === 0 ? `, reserve bench.tool-${String(change).padStart(4, '0')}` : ''}`,
        files: i === 0 ? { 'README.md': '# Governance repository (bench: indexing)\n', ...files } : files,
      });
    } else {
      planned.push({ when, message: `docs: change ${i}`, files: { 'docs/changes.md': `# Changes\n\nLast change: ${i}\n` } });
    }
  }
  const name = `index-${commits}-${shape === 'every' ? 'all' : changes}`;
  const { dir, head } = ensureRepo(name, planned, opts);
  const lastPolicy = compileFiles(policyAt(base, change)).policy;
  const tiny = join(DATA_DIR, `${name}-tiny.jsonl`);
  tinyLog(tiny, lastPolicy);
  return { name, shape, dir, head, commits, policyCommits: change + 1, bundles: change + 1, tinyLog: tiny };
}
