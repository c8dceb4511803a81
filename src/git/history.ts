/**
 * The governance state at a ref, built once per run: every policy bundle reachable from the
 * ref, by hash, with the commits that hold it; and the ledger (reviews, exceptions, anchors)
 * as it is at the ref. Policy trees are deduplicated by object id, so a repository with
 * thousands of commits but few policy changes is indexed in a few object reads per change.
 */
import { loadBundle, MAX_POLICY_FILE_BYTES, type LoadedBundle, type PolicyProblem } from '../policy/bundle.js';
import { buildLedger, MAX_ARTIFACT_BYTES, type Ledger, type LedgerProblem } from '../policy/ledger.js';
import type { GitRepo, TreeEntry } from './git.js';

export interface BundleVersion {
  readonly hash: string;
  readonly loaded: LoadedBundle;
  /** Commits whose policy/ is this bundle, oldest first. */
  readonly commits: readonly string[];
}

export interface PolicyIndex {
  readonly byHash: ReadonlyMap<string, BundleVersion>;
  /** Commits whose policy/ could not be hashed (a file that is not JSON, a symlink, ...). */
  readonly unhashable: readonly { readonly commit: string; readonly problems: readonly PolicyProblem[] }[];
  readonly commitsScanned: number;
  readonly policyTrees: number;
  /** Commits whose policy dropped reserved tool names (reported once per run). */
  readonly reservedRemovals: readonly ReservedRemoval[];
  /** Per commit of the history, the reserved names (normalised -> as written) of its ancestors. */
  readonly reservedBefore: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export interface Governance {
  readonly repo: GitRepo;
  readonly ref: string;
  readonly commit: string;
  readonly index: PolicyIndex;
  readonly ledger: Ledger;
  /** Things about the repository worth saying that are not findings (replace refs ignored). */
  readonly notes: readonly string[];
  /** Ledger files a commit in the history changed or deleted: the ledger is only ever added to. */
  readonly ledgerRewrites: readonly LedgerRewrite[];
}

export interface LedgerRewrite {
  readonly commit: string;
  readonly path: string;
  readonly status: 'M' | 'D';
}

/** Limits on what a hostile repository can make the verifier read. */
const MAX_LEDGER_FILES = 200_000;
const MAX_LEDGER_DEPTH = 4;

/** `flag`: what named `ref`, for the error when it names no commit. */
export async function readGovernance(repo: GitRepo, ref: string, flag = '--ref'): Promise<Governance> {
  const commit = await repo.resolveCommit(ref, flag);
  const [index, ledger, replace, ledgerRewrites] = await Promise.all([indexPolicies(repo, commit), readLedger(repo, commit), repo.replaceRefs(), repo.changedOrDeleted(commit, 'ledger')]);
  const notes = replace.length > 0 ? [`${replace.length} replace ref(s) under refs/replace/ were ignored: the history verified is the one the objects record`] : [];
  return { repo, ref, commit, index, ledger, notes, ledgerRewrites };
}

export async function indexPolicies(repo: GitRepo, head: string): Promise<PolicyIndex> {
  const history = await repo.revList(head);
  const commits = history.map((h) => h.commit);
  const infos = await Promise.all(commits.map((c) => repo.info(`${c}:policy`)));
  const byTree = new Map<string, string[]>();
  const treeOf = new Map<string, string>();
  commits.forEach((c, i) => {
    const o = infos[i];
    if (o === null || o === undefined || o.type !== 'tree') return;
    treeOf.set(c, o.oid);
    const list = byTree.get(o.oid) ?? [];
    list.push(c);
    byTree.set(o.oid, list);
  });
  const versions = new Map<string, { hash: string; loaded: LoadedBundle; commits: string[] }>();
  const unhashable: { commit: string; problems: readonly PolicyProblem[] }[] = [];
  const order = new Map(commits.map((c, i) => [c, i]));
  const loadedTrees = new Map<string, LoadedBundle>();
  for (const tree of byTree.keys()) loadedTrees.set(tree, await readBundle(repo, tree));
  const { removals, reservedBefore } = reservedRemovals(history, treeOf, loadedTrees);
  for (const [tree, holding] of byTree) {
    const loaded = loadedTrees.get(tree)!;
    if (loaded.hash === null) {
      unhashable.push({ commit: holding[0]!, problems: loaded.ok ? [] : loaded.problems });
      continue;
    }
    const v = versions.get(loaded.hash);
    if (v === undefined) versions.set(loaded.hash, { hash: loaded.hash, loaded, commits: [...holding] });
    else v.commits.push(...holding);
  }
  for (const v of versions.values()) v.commits.sort((a, b) => order.get(a)! - order.get(b)!);
  return { byHash: versions, unhashable, commitsScanned: commits.length, policyTrees: byTree.size, reservedRemovals: removals, reservedBefore };
}

/** A commit whose policy drops reserved tool names its history had reserved. */
export interface ReservedRemoval {
  readonly commit: string;
  /** The names dropped, as first written. */
  readonly names: readonly string[];
}

/**
 * Reserved tool names may be added by a later policy version, never removed (the
 * tool-registry schema). Walking the history oldest first, each commit carries the names any
 * valid bundle at or before it reserved (an invalid bundle in between does not reset them,
 * and a merge carries both sides'). Every commit that changes policy/ relative to a parent
 * and whose valid bundle lacks one of the names its parents carry is a removal: a finding
 * of the history, whichever branch brought the tree and in whichever parent order. The bundle
 * itself is not made invalid: the same content may have been a valid version before (a
 * rollback), and events decided under it then were decided rightly.
 */
function reservedRemovals(
  history: readonly { commit: string; parents: readonly string[] }[],
  treeOf: ReadonlyMap<string, string>,
  loaded: ReadonlyMap<string, LoadedBundle>,
): { removals: ReservedRemoval[]; reservedBefore: Map<string, ReadonlyMap<string, string>> } {
  const removals: ReservedRemoval[] = [];
  const none: ReadonlyMap<string, string> = new Map();
  // Per commit: the names reserved at or before it (normalised -> as first written), and the
  // names already reported dropped on its way (one removal, one finding, not one per later
  // edit). Maps are shared between commits until they grow.
  const names = new Map<string, ReadonlyMap<string, string>>();
  const reported = new Map<string, ReadonlyMap<string, string>>();
  const reservedBefore = new Map<string, ReadonlyMap<string, string>>();
  const union = (maps: readonly ReadonlyMap<string, string>[]): ReadonlyMap<string, string> => {
    let out = none;
    for (const m of maps) {
      if (m.size === 0 || m === out) continue;
      if (out.size === 0) out = m;
      else {
        const merged = new Map(out);
        for (const [n, name] of m) if (!merged.has(n)) merged.set(n, name);
        out = merged;
      }
    }
    return out;
  };
  for (const { commit, parents } of history) {
    const before = union(parents.map((p) => names.get(p) ?? none));
    let dropped = union(parents.map((p) => reported.get(p) ?? none));
    reservedBefore.set(commit, before);
    const tree = treeOf.get(commit);
    const bundle = tree === undefined ? undefined : loaded.get(tree);
    const changes = tree !== undefined && (parents.length === 0 || parents.some((p) => treeOf.get(p) !== tree));
    if (changes && bundle?.ok) {
      const gone = [...before].filter(([n]) => !bundle.policy.reserved.has(n) && !dropped.has(n));
      if (gone.length > 0) {
        removals.push({ commit, names: gone.map(([, name]) => name) });
        dropped = union([dropped, new Map(gone)]);
      }
    }
    let mine = before;
    if (bundle?.ok) {
      for (const [n, name] of bundle.policy.reserved) {
        if (mine.has(n)) continue;
        if (mine === before) mine = new Map(before);
        (mine as Map<string, string>).set(n, name);
      }
    }
    names.set(commit, mine);
    reported.set(commit, dropped);
  }
  return { removals, reservedBefore };
}

/**
 * Names that appear more than once in a tree. Git never writes such a tree, but one can be
 * made by hand, and tools disagree on which entry it means (git show takes the first, a map
 * the last): a policy or ledger file of such a name is refused, never guessed.
 */
function duplicateNames(entries: readonly TreeEntry[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const e of entries) (seen.has(e.name) ? twice : seen).add(e.name);
  return twice;
}

/** The bundle in one policy/ tree: its *.json regular files; anything else there is refused. */
async function readBundle(repo: GitRepo, tree: string): Promise<LoadedBundle> {
  const entries = await repo.tree(tree);
  const files = new Map<string, Uint8Array>();
  const refused: PolicyProblem[] = [];
  const twice = duplicateNames(entries);
  for (const e of entries.filter((x: TreeEntry) => x.name.endsWith('.json'))) {
    if (twice.has(e.name)) {
      if (!refused.some((r) => r.file === e.name)) refused.push({ kind: 'not-json', file: e.name, pointer: '', message: `policy/${e.name} appears more than once in the commit's tree (git fsck: duplicateEntries): which one is the bundle is not defined` });
      continue;
    }
    if (e.kind !== 'file' && e.kind !== 'executable') {
      refused.push({ kind: 'not-json', file: e.name, pointer: '', message: `policy/${e.name} is a ${e.kind === 'symlink' ? 'symbolic link' : e.kind}, not a file: a bundle is what its files say` });
      continue;
    }
    const info = await repo.info(e.oid);
    if (info === null || info.size > MAX_POLICY_FILE_BYTES) {
      refused.push({ kind: 'too-large', file: e.name, pointer: '', message: `policy/${e.name} is ${info?.size ?? '?'} bytes, more than the ${MAX_POLICY_FILE_BYTES} a policy file may have` });
      continue;
    }
    files.set(e.name, await repo.read(e.oid));
  }
  const loaded = loadBundle(files);
  if (refused.length === 0) return loaded;
  // A file that could not be read leaves the bundle without a hash (SPEC.md §3 hashes every
  // policy/*.json file), so no event can name it.
  return { ok: false, hash: null, problems: [...refused, ...(loaded.ok ? [] : loaded.problems)], texts: loaded.texts };
}

/** ledger/ at the commit: every regular file, by repository-relative path. */
async function readLedger(repo: GitRepo, commit: string): Promise<Ledger> {
  const root = await repo.info(`${commit}:ledger`);
  const files = new Map<string, Uint8Array>();
  const problems: LedgerProblem[] = [];
  if (root !== null && root.type === 'tree') {
    const walk = async (oid: string, path: string, depth: number): Promise<void> => {
      const entries = await repo.tree(oid);
      const twice = duplicateNames(entries);
      for (const e of entries) {
        const p = `${path}/${e.name}`;
        if (files.size + problems.length >= MAX_LEDGER_FILES) return;
        if (twice.has(e.name)) {
          if (!problems.some((x) => x.path === p)) problems.push({ path: p, message: 'the name appears more than once in its tree (git fsck: duplicateEntries): which artifact it is is not defined, so neither is used' });
        } else if (e.kind === 'tree') {
          if (depth < MAX_LEDGER_DEPTH) await walk(e.oid, p, depth + 1);
          else problems.push({ path: p, message: 'the directory is nested too deep to be part of the ledger' });
        } else if (e.kind === 'file' || e.kind === 'executable') {
          const info = await repo.info(e.oid);
          if (info === null || info.size > MAX_ARTIFACT_BYTES) problems.push({ path: p, message: `the artifact is ${info?.size ?? '?'} bytes, more than ${MAX_ARTIFACT_BYTES}` });
          else files.set(p, await repo.read(e.oid));
        } else {
          problems.push({ path: p, message: `a ${e.kind === 'symlink' ? 'symbolic link' : e.kind} is not a ledger artifact; it is not used` });
        }
      }
    };
    await walk(root.oid, 'ledger', 0);
  }
  const ledger = buildLedger(files);
  return { ...ledger, problems: [...problems, ...ledger.problems] };
}

/** The bundle in policy/ at a ref (what `--policy-at REF` and `--policy REF` name). */
export async function bundleAtRef(repo: GitRepo, ref: string, flag: string): Promise<{ commit: string; loaded: LoadedBundle | null }> {
  const commit = await repo.resolveCommit(ref, flag);
  const tree = await repo.info(`${commit}:policy`);
  if (tree === null || tree.type !== 'tree') return { commit, loaded: null };
  return { commit, loaded: await readBundle(repo, tree.oid) };
}
