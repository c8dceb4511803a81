/**
 * The governance state at a ref, built once per run: every policy bundle reachable from the
 * ref, by hash, with the commits that hold it; and the ledger (reviews, exceptions, anchors)
 * as it is at the ref. Policy trees are deduplicated by object id, so a repository with
 * thousands of commits but few policy changes is indexed in a few object reads per change.
 */
import { loadBundle, MAX_POLICY_FILE_BYTES, type LoadedBundle, type PolicyProblem } from '../policy/bundle.js';
import { buildLedger, MAX_ARTIFACT_BYTES, MAX_LEDGER_DEPTH, notUsed, type Ledger, type LedgerProblem } from '../policy/ledger.js';
import { CompiledCache, compiledOnDemand, COMPILED_KEPT } from '../policy/on-demand.js';
import { GitFailure, LEDGER_DIR, type GitRepo, type TreeEntry } from './git.js';
import { OperatorError } from '../errors.js';

export interface BundleVersion {
  readonly hash: string;
  /** Valid: compiled with the reserved names its history adds (`inherited`). */
  readonly loaded: LoadedBundle;
  /** Commits whose policy/ is this bundle, oldest first. */
  readonly commits: readonly string[];
  /**
   * Reserved tool names (skeleton, names.ts; as first written) that versions before this one's
   * commits reserved and it lacks: reserved names are only ever added, so they still hold.
   */
  readonly inherited: readonly (readonly [string, string])[];
}

export interface PolicyIndex {
  readonly byHash: ReadonlyMap<string, BundleVersion>;
  /** Commits whose policy/ could not be hashed (a file that is not JSON, a symlink, ...). */
  readonly unhashable: readonly { readonly commit: string; readonly problems: readonly PolicyProblem[] }[];
  readonly commitsScanned: number;
  readonly policyTrees: number;
  /**
   * The versions (by hash, sorted) that inherit more reserved names than they did as of commit
   * `at` of the history: a version restored after a later one reserved a name (a rollback)
   * inherits it from then on, and an event under it that registered the name, replayed before
   * that against `at` as it was recorded, now diverges. Absent where the history was not read
   * (a worker's index).
   */
  readonly inheritedSince?: (at: string) => string[];
  /** Commits (in history order) whose policy/ is a tree entry of a mode git does not write: no bundle is read there. */
  readonly oddPolicy?: readonly { readonly commit: string; readonly mode: string }[];
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
  readonly status: 'M' | 'D' | 'T';
}

/** Limits on what a hostile repository can make the verifier read. */
/**
 * The most entries (files, directories, anything) and directories sel reads of a ledger. Past
 * either, the run stops with exit status 2: a ledger read in part would drop what comes after,
 * anchors among it (200 000 empty files added in a directory sorted first hid an anchor, and
 * the truncated log passed; found by review), and the same subtree named 60 times at each of 4
 * levels made a 140 KB repository take hours.
 */
const MAX_LEDGER_ENTRIES = 200_000;
const MAX_LEDGER_TREES = 10_000;

/** `flag`: what named `ref`, for the error when it names no commit. */
export async function readGovernance(repo: GitRepo, ref: string, flag = '--ref'): Promise<Governance> {
  const commit = await repo.resolveCommit(ref, flag);
  // The commit itself read once, so that its content is checked to hash to its id (GitRepo.read):
  // the ledger read at it is then the one its id names.
  // With --ref a commit id, every commit and tree of its history too (checkHistory): a branch or
  // a tag, whoever can write the repository can move to another history, so checking the
  // objects under it proves nothing more; a commit id pinned from elsewhere only an object
  // rewritten in place can change.
  // git reads a full id in upper case as the same id: pinned too (it was not, and its history's
  // objects went unchecked; mutation review, git2 second pass).
  const pinned = repo.isFullId(ref.toLowerCase());
  const [index, ledger, replace, ledgerRewrites] = await Promise.all([
    indexPolicies(repo, commit), readLedger(repo, commit), repo.replaceRefs(), repo.changedOrDeleted(commit, LEDGER_DIR), repo.read(commit),
    pinned ? repo.revList(commit).then((h) => checkHistory(repo, h.map((x) => x.commit))) : null,
  ]);
  const notes = replace.length > 0 ? [`${replace.length} replace ref(s) under refs/replace/ were ignored: the history verified is the one the objects record`] : [];
  const odd = index.oddPolicy ?? [];
  if (odd.length > 0) notes.push(`${odd.length} commit(s) hold policy/ as a tree entry of mode ${odd[0]!.mode}, which git does not write (git fsck zeroPaddedFilemode), and no bundle is read there: an event naming only such a version is POLICY_UNKNOWN (the first: commit ${odd[0]!.commit})`);
  return { repo, ref, commit, index, ledger, notes, ledgerRewrites };
}

export async function indexPolicies(repo: GitRepo, head: string): Promise<PolicyIndex> {
  const history = await repo.revList(head);
  const commits = history.map((h) => h.commit);
  // Absent only (GitRepo.info): a policy/ whose tree is gone reads as none here.
  const infos = await Promise.all(commits.map((c) => repo.info(`${c}:policy`, true)));
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
  // `<commit>:policy` resolves a gitlink (a submodule's entry) too, to its id: one whose id is a
  // tree this repository holds (a policy/ from a branch --ref does not reach, never reviewed as
  // files) was read as a version of this history (found by review). Git's history holds no
  // bundle in a submodule (docs/policy.md): commits are dropped until one holds the tree as a
  // directory (one look at the root per tree, as a rule).
  // A policy/ entry of a mode git does not write (040000, zero-padded) resolves as a tree too:
  // no bundle is read there either, and an event naming only such a version is POLICY_UNKNOWN,
  // "names no bundle": the report's notes say why (found by review).
  const oddPolicy: { commit: string; mode: string }[] = [];
  await Promise.all([...byTree].map(async ([tree, holding]) => {
    let i = 0;
    while (i < holding.length) {
      const e = await rootEntry(repo, holding[i]!, 'policy');
      if (e?.kind === 'tree') break;
      if (e?.kind === 'other') oddPolicy.push({ commit: holding[i]!, mode: e.mode });
      treeOf.delete(holding[i++]!);
    }
    if (i === holding.length) byTree.delete(tree);
    else if (i > 0) byTree.set(tree, holding.slice(i));
  }));
  const versions = new Map<string, { hash: string; read: Indexed; commits: string[]; inherited: (readonly [string, string])[] }>();
  const unhashable: { commit: string; problems: readonly PolicyProblem[] }[] = [];
  const order = new Map(commits.map((c, i) => [c, i]));
  const loadedTrees = new Map<string, Indexed>();
  await pipelined([...byTree.keys()], TREES_AHEAD, (tree) => readBundle(repo, tree), (tree, loaded) => {
    // A valid bundle's compiled policy is not kept (compiledOnDemand): ~25 KB a version, and
    // the index held every version of the history compiled (16 000 versions peaked at 660 MB).
    loadedTrees.set(tree, loaded.ok ? { ok: true, hash: loaded.hash, texts: loaded.texts, reserved: loaded.policy.reserved } : loaded);
  });
  const before = reservedBefore(history, loadedTrees, treeOf);
  for (const [tree, holding] of byTree) {
    const read = loadedTrees.get(tree)!;
    if (read.hash === null) {
      unhashable.push({ commit: holding[0]!, problems: read.ok ? [] : read.problems });
      continue;
    }
    const v = versions.get(read.hash);
    if (v === undefined) versions.set(read.hash, { hash: read.hash, read, commits: [...holding], inherited: [] });
    else v.commits.push(...holding);
  }
  // A bundle with a file that is not strict JSON (a duplicate key) has no hash, but a producer
  // that read it with JSON.parse named it by one: an event under it is POLICY_INVALID, naming
  // the commit and the file (docs/findings.md), not POLICY_UNKNOWN, "no commit holds it"
  // (found by review). Never in place of a bundle that has that hash.
  const lenient = new Map<string, { hash: string; read: Indexed; commits: string[]; inherited: (readonly [string, string])[] }>();
  for (const [tree, holding] of byTree) {
    const read = loadedTrees.get(tree)!;
    if (read.ok || read.hash !== null || read.lenientHash === undefined || versions.has(read.lenientHash)) continue;
    const v = lenient.get(read.lenientHash);
    if (v === undefined) lenient.set(read.lenientHash, { hash: read.lenientHash, read, commits: [...holding], inherited: [] });
    else v.commits.push(...holding);
  }
  for (const [h, v] of lenient) versions.set(h, v);
  /** Each valid version's own reserved names, before what it inherits is added (inheritedSince). */
  const ownReserved = new Map<string, ReadonlyMap<string, string>>();
  const compiled = new CompiledCache(COMPILED_KEPT);
  const byHash = new Map<string, BundleVersion>();
  for (const v of versions.values()) {
    v.commits.sort((a, b) => order.get(a)! - order.get(b)!);
    const read = v.read;
    if (!read.ok) {
      byHash.set(v.hash, { hash: v.hash, loaded: read, commits: v.commits, inherited: v.inherited });
      continue;
    }
    // The names any commit holding this bundle inherited and it lacks, made part of it.
    const own = read.reserved;
    ownReserved.set(v.hash, own);
    const extra = new Map<string, string>();
    for (const c of v.commits) for (const [n, name] of before.get(c) ?? []) if (!own.has(n) && !extra.has(n)) extra.set(n, name);
    if (extra.size > 0) v.inherited = [...extra].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    byHash.set(v.hash, { hash: v.hash, loaded: compiledOnDemand(read.hash, read.texts, v.inherited, compiled), commits: v.commits, inherited: v.inherited });
  }
  const parents = new Map(history.map((h) => [h.commit, h.parents]));
  const inheritedSince = (at: string): string[] => {
    const reached = new Set<string>();
    const todo = parents.has(at) ? [at] : [];
    for (let c = todo.pop(); c !== undefined; c = todo.pop()) {
      if (reached.has(c)) continue;
      reached.add(c);
      for (const p of parents.get(c) ?? []) if (!reached.has(p)) todo.push(p);
    }
    const out: string[] = [];
    for (const v of versions.values()) {
      if (v.inherited.length === 0) continue;
      const own = ownReserved.get(v.hash) ?? new Map<string, string>();
      const then = new Set<string>();
      let held = false;
      for (const c of v.commits) {
        if (!reached.has(c)) continue;
        held = true;
        for (const [n] of before.get(c) ?? []) if (!own.has(n)) then.add(n);
      }
      // A version no commit held then named no bundle then: its events were POLICY_UNKNOWN.
      if (held && then.size < v.inherited.length) out.push(v.hash);
    }
    return out.sort();
  };
  oddPolicy.sort((a, b) => order.get(a.commit)! - order.get(b.commit)!);
  return { byHash, unhashable, commitsScanned: commits.length, policyTrees: byTree.size, inheritedSince, oddPolicy };
}

/**
 * A policy tree's bundle as the index holds it while it is built: a valid one with its reserved
 * names in place of its compiled policy (compiledOnDemand).
 */
type Indexed =
  | Exclude<LoadedBundle, { readonly ok: true }>
  | { readonly ok: true; readonly hash: string; readonly texts: ReadonlyMap<string, string>; readonly reserved: ReadonlyMap<string, string> };

/**
 * Reads whole, so that each is checked to hash to its id (GitRepo.read), every commit of the
 * history and every tree it holds: git log, which finds the commits that changed or deleted a
 * ledger artifact or a committed log (LEDGER_REWRITTEN), reads them unchecked. An older commit's
 * loose object, or a tree of it, rewritten in place to hold an exception as a later commit
 * changed it (its expiry moved), or a committed log as it was before a commit cut it back, made
 * that change vanish from the history, and the run passed (found by review; git fsck:
 * hash-path mismatch). Each tree is read once; blobs are compared by id.
 */
async function checkHistory(repo: GitRepo, commits: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  const walk = async (tree: string): Promise<void> => {
    if (seen.has(tree)) return;
    seen.add(tree);
    const entries = await repo.tree(tree);
    // Every entry git reads as a directory, of any mode whose type bits are a directory's (git's
    // canon_mode): one of mode 040000 (zero-padded, git fsck: zeroPaddedFilemode) is a directory
    // to git log, and its tree, not read here, was rewritten in place to hide a ledger rewrite
    // (found by mutation testing, fourth pass).
    await Promise.all(entries.filter((e) => (parseInt(e.mode, 8) & 0o170000) === 0o040000).map((e) => walk(e.oid)));
  };
  await Promise.all(commits.map(async (commit) => {
    const body = await repo.read(commit);
    const end = body.indexOf(0x0a);
    const first = body.subarray(0, end < 0 ? body.length : end).toString('latin1');
    if (first.startsWith('tree ')) await walk(first.slice(5));
  }));
}

/**
 * The entry `name` in the root tree of `commit`, when the tree holds exactly one entry of that
 * name (one named twice is which one is not defined, git fsck: duplicateEntries); else undefined.
 */
async function rootEntry(repo: GitRepo, commit: string, name: string): Promise<TreeEntry | undefined> {
  const top = await repo.info(`${commit}^{tree}`);
  if (top === null || top.type !== 'tree') return undefined;
  const found = (await repo.tree(top.oid)).filter((e) => e.name === name);
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Reserved tool names may be added by a later policy version, never removed (the
 * tool-registry schema). Per commit, the names (skeleton -> as first written) that valid
 * versions of its ancestors reserved, across merges and through invalid versions. A version
 * that lacks one is evaluated as if it held it (indexPolicies), so a registration of a name
 * the history reserved is blocked whatever a later commit dropped: the decision that
 * recorded it allowed diverges, on that event. (Judging the version instead made a merge
 * caught or not by its parents' order.) A version is compiled with what any of its commits
 * inherited (indexPolicies): an event names a bundle, not a commit, so a version restored
 * after a later one reserved a name (a rollback) holds it for its earlier events too, and one
 * that registered the name before it was reserved diverges (docs/policy.md says so; a resumed
 * run replays everything again when that changed since its checkpoint, inheritedSince). Maps
 * are shared between commits until one gains a name.
 */
function reservedBefore(
  history: readonly { commit: string; parents: readonly string[] }[],
  loaded: ReadonlyMap<string, Indexed>,
  treeOf: ReadonlyMap<string, string>,
): Map<string, ReadonlyMap<string, string>> {
  const none: ReadonlyMap<string, string> = new Map();
  const atOrBefore = new Map<string, ReadonlyMap<string, string>>();
  const before = new Map<string, ReadonlyMap<string, string>>();
  const add = (into: ReadonlyMap<string, string>, from: Iterable<readonly [string, string]>): ReadonlyMap<string, string> => {
    let out = into;
    for (const [n, name] of from) {
      if (out.has(n)) continue;
      if (out === into) out = new Map(into);
      (out as Map<string, string>).set(n, name);
    }
    return out;
  };
  for (const { commit, parents } of history) {
    let mine = none;
    for (const p of parents) mine = mine.size === 0 ? (atOrBefore.get(p) ?? none) : add(mine, atOrBefore.get(p) ?? none);
    const tree = treeOf.get(commit);
    if (tree !== undefined) before.set(commit, mine); // read only for commits that hold a bundle
    const bundle = tree === undefined ? undefined : loaded.get(tree);
    atOrBefore.set(commit, bundle?.ok ? add(mine, bundle.reserved) : mine);
  }
  return before;
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
  await pipelined(entries.filter((x: TreeEntry) => x.name.endsWith('.json')), BLOBS_AHEAD, (e) => (readable(e, twice) ? readUpTo(repo, e.oid, MAX_POLICY_FILE_BYTES) : NOTHING), (e, got) => {
    if (twice.has(e.name)) {
      if (!refused.some((r) => r.file === e.name)) refused.push({ kind: 'not-json', file: e.name, pointer: '', message: `policy/${e.name} appears more than once in the commit's tree (git fsck: duplicateEntries): which one is the bundle is not defined` });
    } else if (!readable(e, twice)) {
      refused.push({ kind: 'not-json', file: e.name, pointer: '', message: `policy/${e.name} is a ${entryKind(e)}, not a file: a bundle is what its files say` });
    } else if (got.bytes === null) {
      refused.push({ kind: 'too-large', file: e.name, pointer: '', message: `policy/${e.name} is ${got.size ?? '?'} bytes, more than the ${MAX_POLICY_FILE_BYTES} a policy file may have` });
    } else {
      files.set(e.name, got.bytes);
    }
  });
  const loaded = loadBundle(files);
  if (refused.length === 0) return loaded;
  // A file that could not be read leaves the bundle without a hash (SPEC.md §3 hashes every
  // policy/*.json file), so no event can name it.
  return { ok: false, hash: null, problems: [...refused, ...(loaded.ok ? [] : loaded.problems)], texts: loaded.texts };
}

/**
 * Policy trees read ahead of the one being recorded, and blobs of one tree: enough to keep git
 * busy (1 000 versions: 1.05 s with none ahead, 0.83 s with 2, 0.77 s with 16), few enough to
 * hold: a tree's files are held until its bundle is loaded, so at most three trees' at once.
 */
const TREES_AHEAD = 2;
const BLOBS_AHEAD = 64;

/**
 * What a tree entry that is not a regular file is, for a message: one of a mode git does not
 * write (040000, zero-padded, which git itself reads as a directory) was "a other", or, for
 * ledger/, "a file" (found by review).
 */
function entryKind(e: TreeEntry): string {
  switch (e.kind) {
    case 'symlink': return 'symbolic link';
    case 'other': return `tree entry of mode ${e.mode} (a mode git does not write: git fsck zeroPaddedFilemode, badFilemode)`;
    default: return e.kind;
  }
}

/** A tree entry whose content is read: a regular file whose name the tree holds once. */
function readable(e: TreeEntry, twice: ReadonlySet<string>): boolean {
  return !twice.has(e.name) && (e.kind === 'file' || e.kind === 'executable');
}

/** A blob's size (null: no such object), and its bytes when it has at most `max`. */
interface Blob {
  readonly size: number | null;
  readonly bytes: Buffer | null;
}

const NOTHING: Promise<Blob> = Promise.resolve({ size: null, bytes: null });

async function readUpTo(repo: GitRepo, oid: string, max: number): Promise<Blob> {
  const info = await repo.info(oid);
  // A tree names it and the repository does not hold it: damaged (or a partial clone). Not a
  // file too large, as it was reported, nor a policy version without a hash: exit status 2.
  if (info === null) throw new GitFailure(['cat-file', oid], null, `object ${oid} is missing (a damaged repository, or a partial clone)`);
  if (info.size > max) return { size: info.size, bytes: null };
  return { size: info.size, bytes: await repo.read(oid) };
}

/**
 * `start` for each item, up to `ahead` items before the one being finished, and `finish` for
 * each in order (so what it records is in the items' order, as if read one by one). Git's
 * cat-file answers requests in the order they were written, so the reads overlap: one by one,
 * indexing 1 000 policy versions spent half its time waiting for git's answers (profile).
 * `finish` returning false stops the walk (reads already asked for are answered and dropped).
 */
async function pipelined<T, R>(
  items: readonly T[],
  ahead: number,
  start: (item: T) => Promise<R>,
  finish: (item: T, result: R) => Promise<boolean | void> | boolean | void,
): Promise<void> {
  // A finished read is let go (null): the array held every result until the walk ended, and an
  // index of 16 000 policy versions held each one's files, parsed values and compiled policy
  // (520 MB live at its end).
  const started: (Promise<R> | null)[] = [];
  for (let i = 0; i < items.length; i++) {
    while (started.length < items.length && started.length <= i + ahead) {
      const p = start(items[started.length]!);
      p.catch(() => undefined); // awaited in turn; one left behind by a stop must not go unhandled
      started.push(p);
    }
    const got = await started[i]!;
    started[i] = null;
    if ((await finish(items[i]!, got)) === false) return;
  }
}

const SAME_PATH = 'another tree entry names the same path (git fsck: fullPathname): which artifact it is is not defined, so neither is used';

/** A tree entry's name that makes exactly one path component (git fsck refuses the others). */
function nameIsPlain(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !name.includes('/');
}

/** ledger/ at the commit: every regular file, by repository-relative path. */
async function readLedger(repo: GitRepo, commit: string): Promise<Ledger> {
  // The root tree's entry, not `<commit>:ledger`, which resolves a gitlink to a tree this
  // repository holds too: a submodule's entry was read as the ledger (found by review).
  const top = await repo.info(`${commit}^{tree}`);
  const named = top === null ? [] : (await repo.tree(top.oid)).filter((e) => e.name === LEDGER_DIR);
  const root = named.length === 1 && named[0]!.kind === 'tree' ? named[0]! : null;
  const files = new Map<string, Uint8Array>();
  const problems: LedgerProblem[] = [];
  if (named.length > 1) {
    problems.push({ path: LEDGER_DIR, message: `${LEDGER_DIR} appears more than once in the commit's tree (git fsck: duplicateEntries): which one is the ledger is not defined, so none of the anchors, reviews and exceptions they may hold is read` });
  } else if (root !== null) {
    let entriesRead = 0;
    let treesRead = 0;
    const tooLarge = (what: string, max: number): OperatorError =>
      new OperatorError(`the ledger at commit ${commit.slice(0, 12)} holds more than ${String(max).replace(/\B(?=(\d{3})+$)/g, ' ')} ${what}; sel does not verify against part of a ledger`);
    /** Paths named twice (by a tree entry whose name holds a slash, or twice in one tree): neither is used. */
    const ambiguous = new Set<string>();
    const walk = async (oid: string, path: string, depth: number): Promise<void> => {
      if (++treesRead > MAX_LEDGER_TREES) throw tooLarge('directories', MAX_LEDGER_TREES);
      const entries = await repo.tree(oid);
      entriesRead += entries.length;
      if (entriesRead > MAX_LEDGER_ENTRIES) throw tooLarge('entries', MAX_LEDGER_ENTRIES);
      const twice = duplicateNames(entries);
      const usable = (e: TreeEntry): boolean => readable(e, twice) && nameIsPlain(e.name);
      await pipelined(entries, BLOBS_AHEAD, (e) => (usable(e) ? readUpTo(repo, e.oid, MAX_ARTIFACT_BYTES) : NOTHING), async (e, got) => {
        const p = `${path}/${e.name}`;
        if (!nameIsPlain(e.name)) {
          // git fsck: fullPathname, hasDot, hasDotdot, emptyName. A name `reviews/x.json` in
          // ledger/ named the same path as the real reviews/x.json, and the later one won.
          problems.push({ path: p, message: 'the tree entry\'s name is empty, `.`, `..` or holds a slash (git fsck: fullPathname): the path it would make is not defined, so it is not used' });
          if (files.delete(p)) problems.push({ path: p, message: SAME_PATH });
          ambiguous.add(p);
        } else if (twice.has(e.name)) {
          if (!problems.some((x) => x.path === p)) problems.push({ path: p, message: 'the name appears more than once in its tree (git fsck: duplicateEntries): which artifact it is is not defined, so neither is used' });
        } else if (e.kind === 'tree') {
          if (depth < MAX_LEDGER_DEPTH) await walk(e.oid, p, depth + 1);
          else problems.push({ path: p, message: notUsed.tooDeep });
        } else if (readable(e, twice)) {
          if (got.bytes === null) problems.push({ path: p, message: notUsed.tooLarge(got.size ?? '?') });
          else if (ambiguous.has(p)) problems.push({ path: p, message: SAME_PATH });
          else files.set(p, got.bytes);
        } else {
          problems.push({ path: p, message: notUsed.notAFile(entryKind(e)) });
        }
        return true;
      });
    };
    await walk(root.oid, LEDGER_DIR, 0);
  } else {
    // A ledger that is a symbolic link, a submodule or a file holds nothing sel reads: said, not
    // taken for no ledger at all (its anchors, reviews and exceptions were dropped without a
    // word, and a truncated log passed: found by review). A submodule's commit is not in this
    // repository, so the entry is looked up in the commit's own tree.
    const entry = named[0];
    if (entry !== undefined && entry.kind !== 'tree') {
      const what = entry.kind === 'file' || entry.kind === 'executable' ? 'a file' : `a ${entryKind(entry)}`;
      problems.push({ path: LEDGER_DIR, message: `${LEDGER_DIR} is ${what}, not a directory of the repository: none of the anchors, reviews and exceptions it may hold is read` });
    }
  }
  const ledger = buildLedger(files);
  return { ...ledger, problems: [...problems, ...ledger.problems] };
}

/** The bundle in policy/ at a ref (what `--policy-at REF` and `--policy REF` name). */
export async function bundleAtRef(repo: GitRepo, ref: string, flag: string): Promise<{ commit: string; loaded: LoadedBundle | null }> {
  const commit = await repo.resolveCommit(ref, flag);
  const entry = await rootEntry(repo, commit, 'policy');
  if (entry === undefined || entry.kind !== 'tree') return { commit, loaded: null };
  return { commit, loaded: await readBundle(repo, entry.oid) };
}
