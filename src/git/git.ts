/**
 * The only code that talks to Git. It runs the real `git` binary with `spawn` (never `exec`,
 * whose output is capped), pinned to safe behaviour whatever the user's or the repository's
 * configuration says:
 *  - no system or global config (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null), hooks off
 *    (core.hooksPath=/dev/null), no fsmonitor, no credential or terminal prompts, no
 *    signature checks (log.showSignature in a repository's config ran its gpg.program);
 *  - replace refs, grafts and the commit-graph file ignored (GIT_NO_REPLACE_OBJECTS,
 *    GIT_GRAFT_FILE=/dev/null, core.commitGraph=false): the history verified is the one the
 *    objects record (a commit-graph file is a cache of parents that git trusts: one edited to
 *    give a commit another parent acted as a graft, found by review);
 *  - what a merge shows in `git log` fixed (log.diffMerges=separate): a repository's own
 *    `first-parent` or `combined` hid a deletion made in a merge (found by review);
 *  - no GIT_DIR, GIT_WORK_TREE or other GIT_* from the caller's environment;
 *  - pathspecs literal (--literal-pathspecs): a log's path that starts with `:(` is no pathspec magic;
 *  - only plumbing commands, so no alias can stand in for them.
 * Object reads go through one long-lived `git cat-file --batch` process (framed by byte
 * count) and one `--batch-check` process for sizes, so large blobs are never read blind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { lstat, open as openFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { OperatorError } from '../errors.js';

export interface GitObject {
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly size: number;
}

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
  readonly kind: 'file' | 'executable' | 'symlink' | 'tree' | 'submodule' | 'other';
}

const SAFE_CONFIG = [
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.untrackedCache=false',
  '-c', 'safe.directory=*',
  '-c', 'credential.helper=',
  '-c', 'protocol.allow=never',
  // A repository's own config must not make `git log` verify signatures: that runs the
  // program gpg.program names.
  '-c', 'log.showSignature=false',
  '-c', 'core.commitGraph=false',
  '-c', 'log.diffMerges=separate',
  // GIT_GRAFT_FILE makes git print a deprecation hint first on standard error, which stood
  // in for the real error in sel's one sentence.
  '-c', 'advice.graftFileDeprecated=false',
];

/**
 * The environment every git process runs in: no user or system configuration, no replace
 * objects or grafts, no prompts. Exported for bench/, which builds its repositories with it.
 */
export function safeEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_GRAFT_FILE: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_ATTR_NOSYSTEM: '1',
  };
}

/** The first line of git's standard error that is not a hint (what a person needs to see). */
export function firstErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.find((l) => l.length > 0 && !l.startsWith('hint:')) ?? lines[0] ?? '';
}

/** git itself failed mid-run (a corrupt object store, a git that exits early): not a bug of ours. */
export class GitFailure extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${code}): ${firstErrorLine(stderr)}`);
    this.name = 'GitFailure';
  }
}

/**
 * The largest tree, commit or tag sel reads (each is read whole and parsed). A ledger at its
 * limit of 200 000 entries named by 64-digit hashes is a tree of ~20 MB; the largest trees of
 * large public repositories are a few megabytes.
 */
export const MAX_STRUCTURE_BYTES = 64 * 2 ** 20;

/** A git command under way: its stdout, and how to make it hold the process open. */
interface Started {
  readonly output: Promise<Buffer>;
  readonly hold: () => void;
  /** Stops the command if it still runs. */
  readonly stop: () => void;
}

/**
 * Starts a git command; stdout as a Buffer, GitFailure on non-zero exit. `held`: whether the
 * process waits for it (a prefetched command does not, until a caller asks for its output).
 */
function start(dir: string, args: readonly string[], input: string | undefined, held: boolean): Started {
  commandsStarted++;
  let child: ChildProcessWithoutNullStreams | null = null;
  const output = new Promise<Buffer>((resolve, reject) => {
    try {
      child = spawnGit(dir, args);
    } catch (e) {
      reject(e);
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new OperatorError('git is not installed or not on PATH: sel reads policy history with the git binary') : e);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitFailure(args, code, Buffer.concat(err).toString('utf8')));
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
  const c = child as ChildProcessWithoutNullStreams | null;
  if (c !== null && !held) holdOpen(c, false);
  return {
    output,
    hold: () => { if (c !== null) holdOpen(c, true); },
    stop: () => { if (c !== null) stopChild(c); },
  };
}

/** git processes that have not exited. */
const live = new Set<ChildProcessWithoutNullStreams>();
/** The one-shot commands among them (all but cat-file): signals are listened for while one runs. */
const oneShots = new Set<ChildProcessWithoutNullStreams>();

/**
 * Starts git with the safe configuration and environment; it is stopped if sel ends first.
 * `oneShot`: a command that runs to its end by itself; cat-file, which lives as long as the
 * run, is not one.
 */
function spawnGit(
  dir: string,
  args: readonly string[],
  oneShot = true,
): ChildProcessWithoutNullStreams {
  stopAllOnExit();
  // Listened for before git starts: a signal that came once it had, but before the listener,
  // ended sel and left git running (found by a test).
  if (oneShot) watchSignals();
  let child: ChildProcessWithoutNullStreams;
  try {
    // --literal-pathspecs: a path is the path. A committed log at the root named `:(icase)a.jsonl`
    // was read as pathspec magic matching no file, and its history, cut back, went unchecked
    // (found by review).
    child = spawn('git', ['--literal-pathspecs', ...SAFE_CONFIG, '-C', dir, ...args], { env: safeEnv(), stdio: 'pipe' });
  } catch (e) {
    if (oneShot && oneShots.size === 0) setImmediate(unwatchIfIdle);
    throw e;
  }
  live.add(child);
  if (oneShot) oneShots.add(child);
  const gone = () => {
    live.delete(child);
    // On the next turn, not now: a signal caught with the exit (SIGCHLD comes through the same
    // channel) and not yet handed to its listener would be dropped with the listener.
    if (oneShots.delete(child) && oneShots.size === 0) setImmediate(unwatchIfIdle);
  };
  child.once('exit', gone);
  child.once('error', gone);
  return child;
}

const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * git must not outlive sel: a prefetch nobody took, or a command under way when sel stopped
 * (an error, a CI job cancelled, a pod stopped), would go on working (a rev-list of a long
 * history) after sel has gone. On exit every git still running is stopped; on SIGINT, SIGTERM
 * or SIGHUP too, and then the signal is raised again, so that sel ends as the signal says
 * (status 128 + its number), as it did without these handlers. Before, only untaken
 * prefetches were stopped, and only on exit, which a signal does not give (found by review).
 *
 * The signals are listened for only while a one-shot command runs. A listener makes a busy
 * thread answer a signal late (Node.js runs it between two tasks, not at once): with one
 * installed for the whole run, as before, a 100 MB replay with --jobs 2 ended 170 ms after
 * SIGTERM at the median and up to 2.4 s (found by review; 80-1019 ms and up to 5.1 s on a
 * loaded 2-core VM, where it now ends in 9-17 ms, at most 74 ms): without one, the signal's
 * default action ends sel at once. cat-file, the one git that lives as long as the run, needs no
 * listener: it ends by itself when sel's end closes its standard input (a test holds it to
 * that), or, writing an answer, when its standard output has no reader any more.
 */
let watchingExit = false;
function stopAllOnExit(): void {
  if (watchingExit) return;
  watchingExit = true;
  process.once('exit', stopAll);
}

const signalHandlers = new Map<NodeJS.Signals, () => void>();
function watchSignals(): void {
  // Signals reach the main thread only.
  if (!isMainThread || signalHandlers.size > 0) return;
  for (const sig of STOPPING_SIGNALS) {
    signalHandlers.set(sig, () => {
      stopAll();
      unwatchSignals();
      // With no listener left, the signal's default action applies: sel ends by it.
      process.kill(process.pid, sig);
    });
  }
  for (const [s, h] of signalHandlers) process.on(s, h);
}

function unwatchIfIdle(): void {
  if (oneShots.size === 0) unwatchSignals();
}

function unwatchSignals(): void {
  for (const [s, h] of signalHandlers) process.removeListener(s, h);
  signalHandlers.clear();
}

function stopAll(): void {
  for (const c of live) stopChild(c);
}

/** Kills a child process that still runs. */
function stopChild(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode === null && child.signalCode === null) child.kill();
}

/**
 * Whether a child process keeps this process running: a prefetched command does not until
 * a caller takes it, so that one nobody takes never delays the exit.
 */
function holdOpen(child: ChildProcessWithoutNullStreams, held: boolean): void {
  // The pipes are sockets (net.Socket), which the stream types do not say.
  for (const h of [child, child.stdout, child.stderr, child.stdin] as unknown as { ref(): unknown; unref(): unknown }[]) {
    if (held) h.ref();
    else h.unref();
  }
}

/**
 * Commands started before anything asked for them (prefetchGovernance), by directory and
 * arguments. Each output goes to the first call of the same command, and only to that one.
 */
const prefetched = new Map<string, Started>();
const commandKey = (dir: string, args: readonly string[]): string => JSON.stringify([dir, args]);

/** cat-file processes started by prefetchGovernance, by directory and command, each for the first repository opened there. */
const prefetchedCatFiles = new Map<string, CatFile>();
const catFileArgs = (withBody: boolean): string[] => ['cat-file', withBody ? '--batch' : '--batch-check'];

/** What was prefetched under `key`, now taken: it holds the process open again, and goes to no one else. */
function take<T extends { hold(): void }>(map: Map<string, T>, key: string): T | undefined {
  const early = map.get(key);
  if (early === undefined) return undefined;
  map.delete(key);
  early.hold();
  return early;
}

function prefetch(dir: string, args: readonly string[]): Promise<Buffer> {
  const key = commandKey(dir, args);
  const known = prefetched.get(key);
  if (known !== undefined) return known.output;
  const s = start(dir, args, undefined, false);
  // A prefetch nobody takes fails unheard; the caller that takes it sees the failure.
  s.output.catch(() => {});
  prefetched.set(key, s);
  return s.output;
}

/**
 * Prefetches `open` (OPEN_ARGS) and `resolve` (resolveArgs) with one git process instead of
 * two: `git rev-parse` answers the first's questions and then the second's revision, one line
 * each (spawn blocks this thread ~8 ms a process, at the moment it is loading sel). Each
 * output is the bytes the command gives alone: the last line is the commit, the lines before
 * it open's (four in a bare repository, five elsewhere). When the pair does not end in a
 * commit id (the ref names none, or git fails), each command runs on its own, so a caller
 * gets exactly its success or failure.
 */
function prefetchPair(dir: string, open: readonly string[], resolve: readonly string[]): [Promise<Buffer>, Promise<Buffer>] {
  const both = start(dir, [...open, ...resolve.slice(1)], undefined, false);
  const parts = both.output.then(splitResolved, () => null);
  const part = (args: readonly string[], k: 0 | 1): Promise<Buffer> => {
    const key = commandKey(dir, args);
    const known = prefetched.get(key);
    if (known !== undefined) return known.output;
    let alone: Started | null = null;
    let held = false;
    const output = parts.then((p) => {
      if (p !== null) return p[k];
      alone = start(dir, args, undefined, held);
      return alone.output;
    });
    // A prefetch nobody takes fails unheard; the caller that takes it sees the failure.
    output.catch(() => {});
    prefetched.set(key, {
      output,
      hold: () => {
        held = true;
        both.hold();
        alone?.hold();
      },
      stop: () => {
        both.stop();
        alone?.stop();
      },
    });
    return output;
  };
  return [part(open, 0), part(resolve, 1)];
}

/** Open's output and resolve's, from the pair's: null unless its last line is a commit id. */
function splitResolved(out: Buffer): [Buffer, Buffer] | null {
  if (out.length < 2 || out[out.length - 1] !== 0x0a) return null;
  const at = out.lastIndexOf(0x0a, out.length - 2) + 1;
  if (at === 0 || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})\n$/.test(out.toString('latin1', at))) return null;
  return [out.subarray(0, at), out.subarray(at)];
}

/** Runs a git command to completion; stdout as a Buffer. Throws GitFailure on non-zero exit. */
function run(dir: string, args: readonly string[], input?: string): Promise<Buffer> {
  const early = input === undefined ? take(prefetched, commandKey(dir, args)) : undefined;
  return (early ?? start(dir, args, input, true)).output;
}

/** git commands started so far, cat-file processes aside (for tests). */
let commandsStarted = 0;
export function gitCommandsStarted(): number {
  return commandsStarted;
}

/** Prefetched commands and cat-file processes nothing has taken yet (for tests). */
export function prefetchesPending(): number {
  return prefetched.size + prefetchedCatFiles.size;
}

// The commands a run begins with, built in one place for the run and for prefetchGovernance.
// --git-dir, not --absolute-git-dir: `.` exactly in a bare repository itself (GitRepo.open).
const OPEN_ARGS = [
  'rev-parse', '--is-shallow-repository', '--show-object-format', '--is-bare-repository',
  '--git-dir', '--show-cdup',
];
const resolveArgs = (ref: string): string[] => ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`];
/**
 * The refs a short name could mean (git's rules: refs/X, refs/tags/X, refs/heads/X,
 * refs/remotes/X, refs/remotes/X/HEAD), for a short name or an expression that starts with one
 * (`main~2`, `v1.0^{}`: the name before the first `~ ^ @ : {`); null for a full ref name, a
 * commit id or HEAD. git takes the first that exists, so a tag `main` stood in for the branch
 * `main` (found by review): where branches are protected and tags are not, anyone who can push
 * a tag chose the history verified.
 */
function candidateRefs(ref: string, oidHexLength?: number): string[] | null {
  const name = refNameOf(ref);
  // A full commit id is one only at the repository's own length: in a SHA-256 repository 40 hex
  // digits are a ref name, or an abbreviated id (found by review). Unknown (the prefetch): either.
  const fullId = oidHexLength === undefined ? /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/ : new RegExp(`^[0-9a-f]{${oidHexLength}}$`);
  // Any name git could take as a ref (`rel+1`, `renovate/x@y`, a hex-looking branch): a narrower
  // list let `rel+1` name a tag and a branch at once (found by review). A full commit id is one.
  if (name === '' || name.startsWith('refs/') || name === 'HEAD' || name === '@' || fullId.test(name) || /[\x00-\x20\x7f*?[\\]/.test(name)) return null;
  return [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
}
/** The ref name an expression starts from: what comes before its first `~`, `^`, `:` or `@{`. */
function refNameOf(ref: string): string {
  const m = /[~^:]|@\{/.exec(ref);
  return m === null ? ref : ref.slice(0, m.index);
}
const candidateArgs = (candidates: readonly string[]): string[] => ['for-each-ref', '--format=%(refname)', ...candidates];
const revListArgs = (commit: string): string[] => ['rev-list', '--topo-order', '--reverse', '--parents', commit];
const REPLACE_REFS_ARGS = ['for-each-ref', '--format=%(refname)', 'refs/replace/'];
// Every change but an addition (`--diff-filter=a`): a type change (a file made a symlink and
// then a file again, with new content) is a rewrite as much as an edit is (found by review).
// --full-history: no merge is skipped as the same as one parent.
const changedArgs = (commit: string, dir: string): string[] =>
  ['log', '--reverse', '-m', '--full-history', '--no-renames', '--raw', '--no-abbrev', '-z', '--format=commit %H', '--diff-filter=a', commit, '--', `${dir}/`];

/** The directory of the governance ledger in the repository (SPEC.md §5). */
export const LEDGER_DIR = 'ledger';

/**
 * Starts, before the rest of sel has loaded, the git commands that a run with `--repo dir
 * --ref ref` begins with: GitRepo.open's and its two cat-file processes, resolveCommit's, and
 * then the first three that readGovernance (history.ts) asks for. git runs them on another
 * core while this thread loads sel's modules (~100 ms for a replay). The run's own calls take
 * their outputs (run), each once; a command nothing takes does not delay the exit and is
 * stopped then. The outputs are what the same calls would have given ~100 ms later, unless
 * the repository changed in between: the run reads the repository as it was when it started.
 * (A command that opens the repository more than once, as `sel gate --policy-at` does, may
 * read it at two moments anyway.) Resolves once every command it started has ended; never
 * rejects.
 */
export async function prefetchGovernance(dir: string, ref: string): Promise<void> {
  let open: Promise<Buffer>;
  let resolved: Promise<Buffer> | null = null;
  try {
    // A ref that starts with "-" is never given to git (it would be an option).
    if (ref.startsWith('-')) open = prefetch(dir, OPEN_ARGS);
    else [open, resolved] = prefetchPair(dir, OPEN_ARGS, resolveArgs(ref));
    for (const withBody of [false, true]) {
      const key = commandKey(dir, catFileArgs(withBody));
      if (!prefetchedCatFiles.has(key)) prefetchedCatFiles.set(key, new CatFile(dir, withBody, false));
    }
  } catch {
    // spawn itself can throw (no file descriptors left): the run's own calls will say so.
    return;
  }
  const ended = (p: Promise<unknown>): Promise<void> => p.then(() => {}, () => {});
  if (resolved === null) return ended(open);
  const candidates = candidateRefs(ref);
  const named = candidates === null ? Promise.resolve() : ended(prefetch(dir, candidateArgs(candidates)));
  const rest = resolved.then((out) => {
    const commit = out.toString('utf8').trim();
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) return;
    return Promise.all([prefetch(dir, revListArgs(commit)), prefetch(dir, REPLACE_REFS_ARGS), prefetch(dir, changedArgs(commit, LEDGER_DIR))]);
  });
  await Promise.all([ended(open), ended(rest), named]);
}

interface Pending {
  readonly resolve: (v: { header: string; body: Buffer | null }) => void;
  readonly reject: (e: Error) => void;
  readonly withBody: boolean;
}

/**
 * A long-lived `git cat-file --batch` (or `--batch-check`) process. Requests are written one
 * per line; responses come back in order, each a header line and, for --batch, exactly
 * `size` bytes of content and a LF.
 */
class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  /**
   * Requests waiting, from `head` on. A head index, not `shift()`: indexing queues a request
   * per commit at once, and shifting 400 000 of them took minutes (found by review).
   */
  private queue: Pending[] = [];
  private head = 0;
  private buf: Buffer = Buffer.alloc(0);
  /**
   * Chunks held back while an answer's body is still short of `need` bytes (with buf): joined
   * once it is all there. Joined chunk by chunk, a 39 MB tree took 8 s to read (quadratic).
   */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private need = 0;
  private failed: Error | null = null;
  /** Whether the process has ended and its output is all read ('close'): nothing more will be answered. */
  private closed = false;

  constructor(dir: string, private readonly withBody: boolean, held = true) {
    this.child = spawnGit(dir, catFileArgs(withBody), false);
    if (!held) holdOpen(this.child, false);
    const stderr: Buffer[] = [];
    this.child.stderr.on('data', (c: Buffer) => stderr.push(c));
    this.child.stdout.on('data', (c: Buffer) => {
      if (this.buf.length + this.heldBytes + c.length < this.need) {
        this.held.push(c);
        this.heldBytes += c.length;
        return;
      }
      this.buf = this.buf.length === 0 && this.held.length === 0 ? c : Buffer.concat([this.buf, ...this.held, c]);
      this.held = [];
      this.heldBytes = 0;
      this.need = 0;
      this.drain();
    });
    this.child.on('error', (e) => this.fail(e));
    this.child.on('close', (code) => {
      this.closed = true;
      if (this.queue.length > this.head || code !== 0) {
        this.fail(new GitFailure(['cat-file'], code, `git cat-file exited early: ${firstErrorLine(Buffer.concat(stderr).toString('utf8'))}`));
      }
    });
    // A request written once git no longer reads them (it exits: a partial clone's cat-file
    // that could not fetch a blob) fails with EPIPE, often before git's exit is seen. That
    // error says nothing (failing the run with it was an internal error, found by review):
    // the request waits in the queue, and 'close' fails it with git's own error.
    this.child.stdin.on('error', () => {
      if (this.closed) this.fail(new GitFailure(['cat-file'], this.child.exitCode, 'git cat-file exited early'));
    });
  }

  /** Every request waiting and every later one fails with `e`. */
  private fail(e: Error): void {
    this.failed ??= e;
    const waiting = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const p of waiting) p.reject(e);
  }

  private drain(): void {
    for (;;) {
      const p = this.queue[this.head];
      if (p === undefined) return;
      const lf = this.buf.indexOf(0x0a);
      if (lf < 0) return;
      const header = this.buf.subarray(0, lf).toString('utf8');
      if (!p.withBody || header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.next();
        this.buf = this.buf.subarray(lf + 1);
        p.resolve({ header, body: null });
        continue;
      }
      const [oid, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      // A tree (or commit, or tag) is read whole and parsed: one of gigabytes made by a hostile
      // repository was held, then parsed into millions of entries, until the heap ran out (a
      // crash, not a finding; found by mutation testing). The run stops on it in one sentence.
      if (type !== 'blob' && Number.isSafeInteger(size) && size > MAX_STRUCTURE_BYTES) {
        this.fail(new GitFailure(['cat-file', oid ?? ''], null, `object ${oid} is a ${type} of ${size} bytes, more than the ${MAX_STRUCTURE_BYTES / 2 ** 20} MiB sel reads of one: the repository was made to exhaust the verifier's memory, or is damaged`));
        stopChild(this.child);
        return;
      }
      // An answer that is not "<oid> <type> <size>", or whose content does not end where its
      // size says (git sends fewer bytes for a damaged object): from there on nothing marks
      // where an answer starts, so none from this process can be trusted any more.
      if (!Number.isSafeInteger(size) || (this.buf.length >= lf + 1 + size + 1 && this.buf[lf + 1 + size] !== 0x0a)) {
        this.fail(new GitFailure(['cat-file'], null, 'git cat-file sent an answer that is not the size it announced (a damaged object)'));
        return;
      }
      if (this.buf.length < lf + 1 + size + 1) {
        this.need = lf + 1 + size + 1;
        return;
      }
      const body = Buffer.from(this.buf.subarray(lf + 1, lf + 1 + size));
      this.buf = this.buf.subarray(lf + 1 + size + 1);
      this.next();
      p.resolve({ header, body });
    }
  }

  /** The head request is answered: step past it, and drop the answered ones now and then. */
  private next(): void {
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  request(spec: string): Promise<{ header: string; body: Buffer | null }> {
    if (this.failed !== null) return Promise.reject(this.failed);
    // Ended without failing (status 0, nothing asked yet): a request would wait for an answer
    // that never comes, and the run ended silently with exit status 13 (found by review).
    if (this.closed) return Promise.reject((this.failed = new GitFailure(['cat-file'], this.child.exitCode, 'git cat-file exited early')));
    if (/[\n\r]/.test(spec)) return Promise.reject(new Error('object names cannot hold a line break'));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject, withBody: this.withBody });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  /** A prefetched process, taken: it keeps this process running again while it works. */
  hold(): void {
    holdOpen(this.child, true);
  }

  /** A prefetched process nothing took, at exit. */
  stop(): void {
    stopChild(this.child);
  }

  close(): void {
    this.child.stdin.end();
  }
}

function catFile(dir: string, withBody: boolean): CatFile {
  return take(prefetchedCatFiles, commandKey(dir, catFileArgs(withBody))) ?? new CatFile(dir, withBody);
}

/**
 * Refuses `dir`, in which git found a bare repository that is not `dir` itself; `out` is
 * OPEN_ARGS's output there, whose lines after the third are the repository's path (git gives
 * no --show-cdup line in a bare repository, and the path may hold line breaks).
 * A directory whose .git (a `gitdir:` file, a link) leads to a bare repository is refused too:
 * it is neither a repository nor a work tree, and git reads it as that bare repository under
 * another name. A work tree with such a .git is a work tree, and is used.
 */
async function refuseBareFrom(dir: string, out: string): Promise<never> {
  const rest = out.split('\n').slice(3).join('\n').replace(/\n$/, '');
  // Relative (`.git`, when it is a link to the repository) from `dir`; the link followed.
  const named = isAbsolute(rest) ? rest : resolvePath(dir, rest);
  const repo = await realpath(named).catch(() => named);
  const pointer = join(dir, '.git');
  if (await lstat(pointer).then(() => true, () => false)) {
    throw new OperatorError(`${dir} is not a Git repository itself: ${pointer} leads to the `
      + `bare Git repository ${repo}; pass ${repo} as --repo`);
  }
  throw new OperatorError(`${dir} is inside the bare Git repository ${repo}, not the repository `
    + `itself: pass ${repo} as --repo`);
}

export class GitRepo {
  private readonly check: CatFile;
  private readonly batch: CatFile;
  private constructor(
    readonly dir: string,
    /** Length of an object id in hex (40 for SHA-1 repositories, 64 for SHA-256). */
    readonly oidHexLength: number,
  ) {
    this.check = catFile(dir, false);
    this.batch = catFile(dir, true);
  }

  /** Whether `text` is an object id written out in full in this repository's format (not an abbreviation, a ref or an expression). */
  isFullId(text: string): boolean {
    return text.length === this.oidHexLength && /^[0-9a-f]+$/.test(text);
  }

  /** Opens a repository, failing with one actionable sentence when it cannot be used. */
  static async open(dir: string): Promise<GitRepo> {
    // `git -C ''` stays where it is: an empty --repo would be the current directory's repository.
    if (dir === '') throw new OperatorError('--repo is empty: name the governance repository\'s directory');
    let shallow: string | undefined;
    let format: string | undefined;
    try {
      // One process for every run that names a usable repository: --show-cdup is an empty line
      // at a work tree's top level, and no line at all in a bare repository or in .git.
      const out = (await run(dir, OPEN_ARGS)).toString('utf8');
      const lines = out.split('\n');
      let bare: string | undefined;
      let gitDir: string | undefined;
      let cdup: string | undefined;
      [shallow, format, bare, gitDir, cdup] = lines;
      if (bare === 'true') {
        // git finds a bare repository from any directory in it: bare.git/refs would be read as
        // bare.git (found by review), which is not what was named. git -C runs git in `dir`,
        // and --git-dir is `.` there only when `dir` is the repository itself; elsewhere it is
        // the repository's path. Compared with realpath(dir), as before, a path with a line
        // break in it (split over two lines) or, on Windows, C:/ against C:\ refused the
        // repository itself (found by review).
        if (gitDir !== '.') await refuseBareFrom(dir, out);
      } else if (cdup !== '' || lines.length < 6) {
        // policy/ and ledger/ are paths from the repository's root: a subdirectory would be
        // silently read as its enclosing repository, which is not what was named. (Outside a
        // work tree, as in .git, this fails, and the failure is the message.)
        // Only the line break git ends it with: a path may end in white space.
        const top = (await run(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').replace(/\n$/, '');
        const here = await realpath(dir).catch(() => dir);
        // A work tree set elsewhere by the repository's own configuration (core.worktree) is not
        // one `dir` is inside: advice to pass it named another directory (found by review).
        if (here !== top && !here.startsWith(`${top.replace(/\/$/, '')}/`)) {
          throw new OperatorError(`${dir} is a Git repository whose configuration puts its work tree elsewhere (${top}, core.worktree): pass a repository that is its own work tree`);
        }
        if (here !== top) throw new OperatorError(`${dir} is inside the Git repository ${top}, not its top level: pass ${top} as --repo`);
      }
    } catch (e) {
      if (e instanceof OperatorError) throw e;
      // `--repo --format json`: the next option was taken as the directory.
      // A work tree's .git directory: git answers "must be run in a work tree", which does not
      // say what to give instead (found by review).
      const named = dir.replace(/[/\\]+$/, '');
      const hint = dir.startsWith('-') ? '; --repo takes a directory: was its value left out?'
        : basename(named) === '.git' ? `; that is the repository's .git directory: pass its work tree, ${dirname(named) || '.'}` : '';
      if (e instanceof GitFailure) throw new OperatorError(`${dir} is not a Git repository (git rev-parse failed: ${firstErrorLine(e.stderr) || 'no detail'}${hint})`);
      throw new OperatorError(`cannot run git in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (shallow === 'true') {
      throw new OperatorError(`${dir} is a shallow clone, so its policy history is incomplete: fetch the full history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)`);
    }
    return new GitRepo(dir, format === 'sha256' ? 64 : 40);
  }

  /** The commit a ref names; `flag` is the option that named it, for the error. */
  async resolveCommit(ref: string, flag = '--ref'): Promise<string> {
    if (ref.startsWith('-')) throw new OperatorError(`${flag} ${ref} cannot start with "-": give ${flag === '--since' ? 'a seq (0 or more), a time, ' : ''}a branch, a tag or a commit id`);
    // An unset CI variable (--since "$RELEASE_TAG"): named as nothing at all, "  does not name a commit".
    if (ref.length === 0) throw new OperatorError(`${flag} is empty: give a branch, a tag or a commit id`);
    // @{-N} is a branch named by the reflog, which git then resolves as a short name: to a tag
    // of the same name first, where one exists. What it names is this checkout's history, not
    // the repository's; the branch's own name can be checked (found by review).
    if (ref.includes('@{-')) throw new OperatorError(`${flag} ${ref} names a branch through this checkout's reflog (@{-N}), and a tag of the same name would stand in for it: give the branch's name`);
    // Any other @{...} (a reflog entry by date or number, an upstream, a push target) names what
    // this checkout's reflog or configuration says, not the repository's history: in a fresh
    // clone main@{2026-10-02} was HEAD, and a gate from it judged nothing (found by review).
    if (ref.includes('@{')) throw new OperatorError(`${flag} ${ref} names a commit through this checkout's reflog or configuration (@{...}), which another clone does not share: give a branch, a tag or a commit id`);
    const candidates = candidateRefs(ref, this.oidHexLength);
    const [commit, named] = await Promise.all([
      run(this.dir, resolveArgs(ref)).then((out) => out.toString('utf8').trim(), () => null),
      candidates === null ? [] : run(this.dir, candidateArgs(candidates)).then((out) => {
        // for-each-ref also lists refs under a pattern (refs/heads/main/x): only exact names count.
        const listed = new Set(out.toString('utf8').split('\n'));
        return candidates.filter((c) => listed.has(c));
      }),
    ]);
    const short = refNameOf(ref);
    if (named.length > 1) {
      const full = named.find((n) => n.startsWith('refs/heads/')) ?? named[0]!;
      throw new OperatorError(`${flag} ${ref} is ambiguous in ${this.dir}: ${named.join(' and ')} all exist; name the one to verify in full (${flag} ${full}${ref.slice(short.length)})`);
    }
    // git takes a ref over an abbreviated commit id of the same text (and only warns): a tag
    // named 27661b9 would choose the history verified for --ref 27661b9 (found by review).
    // git reads hex digits in either case as an id: a tag named 27661B9 chose the history
    // verified for --ref 27661B9 (mutation review, git2 second pass).
    if (named.length === 1 && /^[0-9a-f]{4,}$/i.test(short) && short.length < this.oidHexLength) {
      throw new OperatorError(`${flag} ${ref} is ambiguous in ${this.dir}: ${named[0]} exists and ${short} also reads as an abbreviated commit id; give the full ref name (${flag} ${named[0]}${ref.slice(short.length)}) or the full commit id`);
    }
    if (commit === null) {
      // A tag of a tree or a blob exists, and fetching it again changes nothing: say what it
      // names (found by review).
      const peeled = named.length === 1 ? await this.info(`${named[0]}^{}`).catch(() => null) : null;
      if (peeled !== null && peeled.type !== 'commit') throw new OperatorError(`${flag} ${ref} names a ${peeled.type} in ${this.dir}, not a commit: give a branch, a tag of a commit or a commit id`);
      throw new OperatorError(`${ref} does not name a commit in ${this.dir} (check ${flag}; in CI, fetch the branch or tag it names)`);
    }
    // rev-parse --verify answers `^main` (a range's excluded end) with `^<id>`, which names no
    // commit: taken for one, the run read no policy version, no ledger and no anchor, and
    // reported every event unverifiable and no truncation (found by review).
    if (!this.isFullId(commit)) {
      throw new OperatorError(`${flag} ${ref} does not name one commit in ${this.dir} (git reads it as ${commit.split('\n')[0]}): give a branch, a tag or a commit id`);
    }
    return commit;
  }

  /**
   * The commits whose id begins with `prefix` (4 or more hex digits, short of a full id), as
   * `git rev-parse --disambiguate` lists the objects so named: a tag of a commit counts as its
   * commit, as it does for `--ref`. At most `limit` objects are looked at.
   */
  async commitsAbbreviatedBy(prefix: string, limit = 16): Promise<string[]> {
    if (!/^[0-9a-f]{4,}$/.test(prefix) || prefix.length >= this.oidHexLength) return [];
    const out = await run(this.dir, ['rev-parse', `--disambiguate=${prefix}`]).then((o) => o.toString('utf8'), () => '');
    const objects = out.split('\n').filter((l) => l.startsWith(prefix)).slice(0, limit);
    const commits = new Set<string>();
    for (const o of objects) {
      const peeled = await this.info(`${o}^{commit}`, true).catch(() => null);
      if (peeled?.type === 'commit') commits.add(peeled.oid);
    }
    return [...commits].sort();
  }

  /**
   * Whether commit `a` is `b` or one of its ancestors. Any failure (`a` unknown to this
   * repository, a damaged object) answers no: the caller then trusts nothing `a` vouched for.
   */
  async isAncestor(a: string, b: string): Promise<boolean> {
    if (a === b) return true;
    // A full id of this repository's own format only: git reads 40 hex digits in a SHA-256
    // repository as a ref name, else an abbreviated id (a checkpoint written against a SHA-1
    // repository), and answered for the commit that names (found by mutation testing).
    if (!this.isFullId(a)) return false;
    return run(this.dir, ['merge-base', '--is-ancestor', a, b]).then(() => true, () => false);
  }

  /** Every commit reachable from `commit` with its parents, oldest first (parents before children). */
  async revList(commit: string): Promise<{ commit: string; parents: string[] }[]> {
    const out = (await run(this.dir, revListArgs(commit))).toString('utf8');
    return out.split('\n').filter((l) => l.length > 0).map((l) => {
      const [c, ...ps] = l.split(' ');
      return { commit: c!, parents: ps };
    });
  }

  /** Parents of every commit reachable from `commit`, for the history of one path. */
  async pathHistory(commit: string, path: string): Promise<{ commit: string; parents: string[] }[]> {
    const out = (await run(this.dir, ['rev-list', '--topo-order', '--reverse', '--parents', '--full-history', commit, '--', path])).toString('utf8');
    return out.split('\n').filter((l) => l.length > 0).map((l) => {
      const [c, ...ps] = l.split(' ');
      return { commit: c!, parents: ps };
    });
  }

  /**
   * Files under `dir` that a commit reachable from `commit` modified or deleted, oldest first,
   * once per path and previous content (a merge shows again what a branch changed).
   */
  async changedOrDeleted(commit: string, dir: string): Promise<{ commit: string; path: string; status: 'M' | 'D' | 'T' }[]> {
    const out = (await run(this.dir, changedArgs(commit, dir))).toString('utf8');
    const found: { commit: string; path: string; status: 'M' | 'D' | 'T' }[] = [];
    const seen = new Set<string>();
    const tokens = out.split('\0');
    let current = '';
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!.replace(/^\n/, '');
      if (t.startsWith('commit ')) current = t.slice(7);
      else if (t.startsWith(':')) {
        const [, , before, , status] = t.slice(1).split(' ');
        const path = tokens[++i] ?? '';
        const key = `${path}\0${before}`;
        // Any status but A is a change (M, D, T; without rename detection there is no R or C,
        // and anything else git may add is counted as a change: fail closed).
        if (status !== undefined && status !== 'A' && !seen.has(key)) {
          seen.add(key);
          found.push({ commit: current, path, status: status === 'D' || status === 'T' ? status : 'M' });
        }
      }
    }
    return found;
  }

  /** One line of metadata per commit: date (ISO 8601 strict), author, subject. */
  async commitInfo(commit: string): Promise<{ date: string; author: string; subject: string }> {
    const out = (await run(this.dir, ['show', '-s', '--no-show-signature', '--format=%cI%x00%an <%ae>%x00%s', commit])).toString('utf8');
    const [date, author, subject] = out.replace(/\n$/, '').split('\0');
    return { date: date ?? '', author: author ?? '', subject: subject ?? '' };
  }

  /** Refs under refs/replace/ (ignored, but worth reporting). */
  async replaceRefs(): Promise<string[]> {
    const out = (await run(this.dir, REPLACE_REFS_ARGS)).toString('utf8');
    return out.split('\n').filter((l) => l.length > 0);
  }

  /**
   * Type and size of an object (`<rev>:<path>` or an oid), or null when it does not exist. A
   * path whose object is gone from the store stops the run (absentFromTree), unless `absentOnly`:
   * the policy index asks of every commit in the history, most of which may have no policy/,
   * and reading each one's root tree for that took a 30 000-commit history from 1.1 s to 4.3 s
   * (found by review); a version whose tree is gone is then one no event can be replayed
   * under (POLICY_UNKNOWN), which fails closed.
   */
  async info(spec: string, absentOnly = false): Promise<GitObject | null> {
    // cat-file reads one name a line: a path with a line break in it (a committed log may be
    // named so) is named by its object id, which rev-parse, given the path as an argument,
    // finds. It was refused as an internal error, and the run stopped (found by mutation testing).
    // The name as given: a path's entry is looked for in its tree when git finds no object.
    const named = spec;
    if (/[\n\r]/.test(spec)) {
      // Exit status 1 with --quiet: no such object. Any other failure is git's, and stops the run.
      const oid = await run(this.dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', spec]).then((out) => out.toString('utf8').trim(), (e: unknown) => {
        if (e instanceof GitFailure && e.code === 1) return null;
        throw e;
      });
      // rev-parse resolves a path to its entry's id whether the object is there or not, and
      // answers status 1 for a path under a tree that is gone: either was taken for a path never
      // committed, and a log named with a line break, cut back, passed once the blob it was cut
      // from was deleted (found by mutation testing, fourth pass).
      if (oid === null || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(oid)) {
        if (!absentOnly) await this.absentFromTree(named);
        return null;
      }
      spec = oid;
    }
    const { header } = await this.check.request(spec);
    if (header.endsWith(' ambiguous')) return null;
    if (header.endsWith(' missing')) {
      if (!absentOnly) await this.absentFromTree(named);
      return null;
    }
    const [oid, type, size] = header.split(' ');
    return { oid: oid!, type: type as GitObject['type'], size: Number(size) };
  }

  /**
   * cat-file says "missing" both of a path its commit does not have and of one whose object is
   * gone from the object store: the second was taken for the first, so a committed log whose
   * blob was deleted from .git/objects read as never committed, and the log sealed again in
   * its place passed (found by mutation testing). For `<commit id>:<path>`, the entry is looked
   * for in its directory's tree: there, the repository is damaged, and the run stops.
   */
  private async absentFromTree(spec: string): Promise<void> {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}):(.+)$/s.exec(spec);
    if (m === null) return;
    // A slash at the end names a directory: git finds no file so (`<c>:a.jsonl/` is "missing"
    // while a.jsonl is there). A path with an empty, `.` or `..` component git does not resolve
    // as written (`<c>:logs//a.jsonl` is "missing"): neither says anything of the store, and both
    // were taken for damage (review).
    const asDir = m[2]!.endsWith('/');
    const path = asDir ? m[2]!.slice(0, -1) : m[2]!;
    if (path.split('/').some((p) => p === '' || p === '.' || p === '..')) return;
    const slash = path.lastIndexOf('/');
    // The directory: absent too, when it is (its own lookup checks it the same way).
    const dir = await this.info(slash < 0 ? `${m[1]}^{tree}` : `${m[1]}:${path.slice(0, slash)}`);
    if (dir === null || dir.type !== 'tree') return;
    // A submodule's commit is never in this repository's store: not damage. Git takes an entry
    // of any mode that is not a file's, a link's or a directory's for a submodule (canon_mode):
    // one of mode 0160000 (git fsck: zeroPaddedFilemode) was taken for damage (review).
    if (this.lastTree?.oid !== dir.oid) this.lastTree = { oid: dir.oid, names: new Map((await this.tree(dir.oid)).flatMap((e) => (gitlinkMode(e.mode) ? [] : [[e.name, (parseInt(e.mode, 8) & 0o170000) === 0o040000] as const]))) };
    const entry = this.lastTree.names.get(path.slice(slash + 1));
    if (entry !== undefined && (!asDir || entry)) {
      throw new GitFailure(['cat-file', spec], null, `the object of ${spec} is missing from the repository: the object store is damaged`);
    }
  }

  /** The entries of the tree absentFromTree read last, a submodule's left out, by name: whether each is a directory (most lookups of one run are in one directory). */
  private lastTree: { readonly oid: string; readonly names: ReadonlyMap<string, boolean> } | null = null;

  /**
   * The content of an object by oid, checked to hash to that oid. git cat-file does not check:
   * a loose object's file rewritten in place (an exception's expiry moved, under the id it had)
   * was read as the history's, and no commit showed the change (found by review; git fsck:
   * hash-path mismatch).
   */
  async read(oid: string): Promise<Buffer> {
    const { header, body } = await this.batch.request(oid);
    if (body === null) throw new GitFailure(['cat-file', oid], null, 'object missing');
    if (this.isFullId(oid)) {
      const type = header.split(' ')[1] ?? '';
      const got = createHash(this.oidHexLength === 64 ? 'sha256' : 'sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
      if (got !== oid) throw new GitFailure(['cat-file', oid], null, `object ${oid} does not hash to its id (its content hashes to ${got}): the object store is damaged or was altered`);
    }
    return body;
  }

  /**
   * The SHA-256 (hex) of blob `blob`'s first `n` bytes (n at most its size): read whole up to
   * `inMemoryBytes`, else a chunk at a time from its own `git cat-file blob`.
   */
  async prefixSha256(blob: GitObject, n: number, inMemoryBytes: number): Promise<string> {
    const h = createHash('sha256');
    if (blob.size <= inMemoryBytes) return h.update((await this.read(blob.oid)).subarray(0, n)).digest('hex');
    const a = blobStream(this.dir, blob);
    try {
      for (let at = 0; at < n; ) {
        const r = await a.chunks.next();
        if (r.done === true) throw await a.failure();
        h.update(r.value.subarray(0, n - at));
        at += r.value.length;
      }
      return h.digest('hex');
    } finally {
      stopChild(a.child);
    }
  }

  /**
   * Where blob `before` stops being the start of blob `now`: the offset of the first byte that
   * differs and its line (1-based), or null when `now` begins with all of `before`. Blobs up to
   * `inMemoryBytes` are read whole through the shared cat-file; larger ones each from its own
   * `git cat-file blob`, a chunk at a time, so memory stays flat whatever the size (a committed
   * log too large to read whole was left unchecked, with no finding and no note; found by
   * mutation testing). A blob git does not give whole, at its size, is a GitFailure, never
   * "unchanged".
   */
  async firstDifference(before: GitObject, now: GitObject, inMemoryBytes: number): Promise<{ at: number; line: number } | null> {
    if (now.size <= inMemoryBytes) {
      const [x, y] = await Promise.all([this.read(before.oid), this.read(now.oid)]);
      const n = Math.min(x.length, y.length);
      const i = firstMismatch(x, y, n);
      return i !== -1 ? { at: i, line: countNewlines(x, i) + 1 } : n === x.length ? null : { at: n, line: countNewlines(x, n) + 1 };
    }
    const a = blobStream(this.dir, before);
    const b = blobStream(this.dir, now);
    try {
      // `now` is at least as long as `before` (the caller's): ending sooner is git's failure.
      const walk = await walkBlob(a, before.size, 0, sequentialReader(b));
      if (walk.diff !== null) return walk.diff;
      // `before` whole, at its size, and nothing more: anything else is git's failure.
      if (walk.at !== before.size || walk.over || (await a.chunks.next()).done !== true || (await a.exit) !== 0) throw await a.failure();
      a.checkHash();
      return null;
    } finally {
      stopChild(a.child);
      stopChild(b.child);
    }
  }

  /**
   * Where the file at `path` first differs from blob `before`, which it must begin with (a
   * committed log read from the working copy may only have grown since the commit): null when
   * it begins with the blob's bytes; the blob's byte and line otherwise, or where the file ends
   * when it is shorter. The blob is read a chunk at a time, as firstDifference reads large ones.
   * `part` compares only the file's bytes [start, end) (a shard's part of it), lines still
   * counted from the blob's start, and where the file ends only when `end` is its size.
   */
  async firstDifferenceFromFile(before: GitObject, path: string, part?: { readonly start: number; readonly end: number }): Promise<{ at: number; line: number } | null> {
    // A part past the committed bytes (events appended since) has nothing to compare.
    if (part !== undefined && part.start >= before.size) return null;
    // Never blocks on a FIFO put where the file was: not a regular file, not compared (the caller's to say).
    const file = await openFile(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const stat = await file.stat().catch(async (e: unknown) => {
      await file.close();
      throw e;
    });
    if (!stat.isFile()) {
      await file.close();
      throw new Error(`${path} is not a regular file`);
    }
    const size = stat.size;
    const start = part?.start ?? 0;
    const end = part?.end ?? size;
    const stop = Math.min(end, before.size);
    const a = blobStream(this.dir, before);
    try {
      const walk = await walkBlob(a, stop, start, async (at, n) => {
        const y = Buffer.alloc(n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await file.read(y, got, n - got, at + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return y.subarray(0, got);
      });
      if (walk.diff !== null) return walk.diff;
      if (walk.at !== stop) throw await a.failure();
      if (end === size && size < before.size) return { at: size, line: walk.newlines + 1 };
      if (stop === before.size && (walk.over || (await a.chunks.next()).done !== true || (await a.exit) !== 0)) throw await a.failure();
      if (stop === before.size) a.checkHash();
      return null;
    } finally {
      stopChild(a.child);
      await file.close();
    }
  }

  /** The entries of a tree object (binary tree format: "<mode> <name>\0<oid bytes>"). */
  async tree(oid: string): Promise<TreeEntry[]> {
    const data = await this.read(oid);
    const bytes = this.oidHexLength / 2;
    const out: TreeEntry[] = [];
    let i = 0;
    while (i < data.length) {
      const sp = data.indexOf(0x20, i);
      const nul = data.indexOf(0x00, sp + 1);
      if (sp < 0 || nul < 0 || nul + 1 + bytes > data.length) throw new GitFailure(['cat-file', oid], null, 'malformed tree object');
      const mode = data.subarray(i, sp).toString('latin1');
      const name = data.subarray(sp + 1, nul).toString('utf8');
      const entryOid = data.subarray(nul + 1, nul + 1 + bytes).toString('hex');
      out.push({ mode, name, oid: entryOid, kind: kindOf(mode) });
      i = nul + 1 + bytes;
    }
    return out;
  }

  close(): void {
    this.check.close();
    this.batch.close();
  }
}

const EMPTY = Buffer.alloc(0);

/** The first offset below `n` where `x` and `y` differ, or -1. */
function firstMismatch(x: Buffer, y: Buffer, n: number): number {
  if (x.subarray(0, n).equals(y.subarray(0, n))) return -1;
  let i = 0;
  while (x[i] === y[i]) i++;
  return i;
}

/** The newlines in `buf` before offset `end`. */
function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < end; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * Walks blob `a` a chunk at a time up to byte `stop`, comparing its bytes from `start` on with
 * `other(at, n)`, the other side's bytes [at, at + n) (fewer where it ends): the first byte
 * that differs, or where the other side ends, with its line in `a`; else null, how far `a` was
 * read, its newlines before that, and whether a chunk went past `stop` (the blob is longer than
 * its size when `stop` is its size). Bytes before `start` are only counted.
 */
async function walkBlob(a: BlobStream, stop: number, start: number, other: (at: number, n: number) => Promise<Buffer>): Promise<{ diff: { at: number; line: number } | null; at: number; newlines: number; over: boolean }> {
  let at = 0;
  let newlines = 0;
  let over = false;
  while (at < stop) {
    const r = await a.chunks.next();
    if (r.done === true) break;
    if (r.value.length > stop - at) over = true;
    const x = r.value.subarray(0, stop - at);
    const from = Math.min(x.length, Math.max(0, start - at));
    const y = await other(at + from, x.length - from);
    const i = firstMismatch(x.subarray(from), y, y.length);
    const d = i !== -1 ? from + i : y.length < x.length - from ? from + y.length : -1;
    if (d !== -1) return { diff: { at: at + d, line: newlines + countNewlines(x, d) + 1 }, at, newlines, over };
    newlines += countNewlines(x, x.length);
    at += x.length;
  }
  return { diff: null, at, newlines, over };
}

/** Blob `b`'s bytes in order, `n` at a time (the offsets asked for are consecutive); ending sooner is git's failure. */
function sequentialReader(b: BlobStream): (at: number, n: number) => Promise<Buffer> {
  let buf: Buffer = EMPTY;
  return async (_at, n) => {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (buf.length === 0) {
        const r = await b.chunks.next();
        if (r.done === true) throw await b.failure();
        buf = r.value;
      }
      const k = Math.min(n - got, buf.length);
      parts.push(buf.subarray(0, k));
      buf = buf.subarray(k);
      got += k;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
  };
}

type BlobStream = ReturnType<typeof blobStream>;

/** A 'readable' listener that reads nothing: the stream keeps what comes until it is read (at most its high-water mark, then the pipe waits). */
const keepBuffered = (): void => {};

/**
 * A blob's bytes as they come from `git cat-file blob`, its exit status, and the failure to throw
 * when it is not whole. Its bytes are hashed as they are read: read to its end, `checkHash`
 * throws unless they hash to its id, as GitRepo.read checks an object read whole. `git cat-file`
 * does not check: a committed log's blob rewritten in place, compared a chunk at a time (with the
 * working copy, or a version over 16 MiB with the next), was read as the history's, and the
 * rewrite it hid passed (found by mutation testing, fourth pass). Exported for its tests.
 */
export function blobStream(dir: string, blob: GitObject) {
  const { oid } = blob;
  const args = ['cat-file', 'blob', oid];
  const child = spawnGit(dir, args);
  commandsStarted++;
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exit = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  child.stdin.end();
  // Read from now on, not from the first next(): an async iterator listens for 'readable' only
  // once it is first asked, and Node.js resumes the stdout nobody listens to when its child
  // exits (child_process flushStdio), its bytes going to no one. firstDifference asks for the
  // second blob once the first has sent a chunk; a git that had exited by then gave nothing,
  // and a committed log compared with itself read "ended before its size" (one run in ten
  // under load; found by a test that failed now and then).
  child.stdout.on('readable', keepBuffered);
  const hash = createHash(oid.length === 64 ? 'sha256' : 'sha1').update(`blob ${blob.size}\0`);
  const raw = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: AsyncIterator<Buffer> = {
    next: async () => {
      const r = await raw.next();
      if (r.done !== true) hash.update(r.value);
      return r;
    },
  };
  return {
    child,
    chunks,
    exit,
    /** Once every byte was read: throws unless they hash to the blob's id. */
    checkHash: (): void => {
      const got = hash.digest('hex');
      if (got !== oid) throw new GitFailure(args, null, `object ${oid} does not hash to its id (its content hashes to ${got}): the object store is damaged or was altered`);
    },
    failure: async () => {
      stopChild(child); // not left writing to a pipe nobody reads
      const code = await exit;
      return new GitFailure(args, code, err.length > 0 ? Buffer.concat(err).toString('utf8') : 'the object ended before its size');
    },
  };
}

/**
 * Whether git reads a tree entry of this mode as a submodule: any mode whose type bits are not a
 * regular file's, a symbolic link's or a directory's (git's canon_mode), 0160000 and 170000 too.
 */
function gitlinkMode(mode: string): boolean {
  const type = parseInt(mode, 8) & 0o170000;
  return type !== 0o100000 && type !== 0o120000 && type !== 0o040000;
}

function kindOf(mode: string): TreeEntry['kind'] {
  switch (mode) {
    case '100644': return 'file';
    case '100755': return 'executable';
    case '120000': return 'symlink';
    case '40000': return 'tree';
    case '160000': return 'submodule';
    default: return 'other';
  }
}
