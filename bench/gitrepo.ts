/**
 * Deterministic governance repositories for the benchmark, built with `git fast-import`.
 *
 * fast-import writes a whole history from one stream in one process (1 000 commits in well
 * under a second, where `git add` + `git commit` per commit would spawn thousands of
 * processes), and with fixed author and committer dates the commit ids are a pure function
 * of the stream: the same on every machine and every run. The result is an ordinary repository
 * with one pack, like a fresh clone; HEAD's tree is checked out so it is a normal work tree.
 *
 * Caching: bench/data/<name>.meta.json records the SHA-256 of the stream and the HEAD commit;
 * the repository is rebuilt when either differs (a changed sample policy changes the stream).
 * Git runs with no user or system configuration and hooks off, as
 * ledger-samples/governance.ts does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { DATA_DIR } from './generate.js';
import { safeEnv } from '../src/git/git.js';

/** Bump when the way repositories are written changes. */
const REPO_BUILDER_VERSION = 1;

export interface PlannedCommit {
  /** Seconds since the epoch (UTC); author and committer date alike. */
  readonly when: number;
  readonly message: string;
  /** Path → new content; null deletes the path. Unlisted paths keep their content. */
  readonly files: Readonly<Record<string, string | null>>;
}

/** Runs git in `dir`; throws with git's stderr on failure. stdout as a string. */
export function git(dir: string, args: readonly string[], input?: Buffer): string {
  const r = spawnSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgSign=false', '-C', dir, ...args], {
    env: safeEnv(),
    input,
    maxBuffer: 64 << 20,
  });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr.toString('utf8').trim()}`);
  return r.stdout.toString('utf8');
}

const IDENT = 'Governance Bot <governance@example.com>';

/** The fast-import stream for a linear history on refs/heads/main. */
export function fastImportStream(commits: readonly PlannedCommit[]): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, 'utf8'));
  const data = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    text(`data ${b.length}\n`);
    parts.push(b);
    text('\n');
  };
  commits.forEach((c, i) => {
    text(`commit refs/heads/main\nmark :${i + 1}\n`);
    text(`author ${IDENT} ${c.when} +0000\ncommitter ${IDENT} ${c.when} +0000\n`);
    data(c.message);
    if (i > 0) text(`from :${i}\n`);
    for (const path of Object.keys(c.files).sort()) {
      const content = c.files[path];
      if (content === null || content === undefined) text(`D ${path}\n`);
      else {
        text(`M 100644 inline ${path}\n`);
        data(content);
      }
    }
    text('\n');
  });
  return Buffer.concat(parts);
}

interface RepoMeta {
  readonly builderVersion: number;
  readonly streamDigest: string;
  readonly commits: number;
  readonly head: string;
}

function readMeta(path: string): RepoMeta | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RepoMeta;
  } catch {
    return null;
  }
}

function headOf(dir: string): string | null {
  try {
    return git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).trim();
  } catch {
    return null;
  }
}

/**
 * bench/data/<name>/: a repository holding exactly `commits`, rebuilt only when missing or
 * stale. Built under a temporary name and renamed, so an interrupted build is never reused.
 */
export function ensureRepo(name: string, commits: readonly PlannedCommit[], opts: { readonly force?: boolean } = {}): { dir: string; head: string } {
  mkdirSync(DATA_DIR, { recursive: true });
  const dir = join(DATA_DIR, name);
  const metaPath = join(DATA_DIR, `${name}.meta.json`);
  const stream = fastImportStream(commits);
  const streamDigest = `sha256:${hash('sha256', stream, 'hex')}`;
  const meta = readMeta(metaPath);
  if (
    opts.force !== true &&
    meta !== null &&
    meta.builderVersion === REPO_BUILDER_VERSION &&
    meta.streamDigest === streamDigest &&
    existsSync(dir) &&
    headOf(dir) === meta.head
  ) {
    return { dir, head: meta.head };
  }
  const started = process.hrtime.bigint();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    git(tmp, ['init', '-q', '-b', 'main']);
    git(tmp, ['fast-import', '--quiet', '--done'], Buffer.concat([stream, Buffer.from('done\n')]));
    git(tmp, ['reset', '-q', '--hard', 'refs/heads/main']);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const head = headOf(dir);
  if (head === null) throw new Error(`${dir}: no HEAD after fast-import`);
  const out: RepoMeta = { builderVersion: REPO_BUILDER_VERSION, streamDigest, commits: commits.length, head };
  writeFileSync(metaPath, `${JSON.stringify(out, null, 2)}\n`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`  built ${dir}: ${commits.length} commits, HEAD ${head.slice(0, 12)} in ${seconds.toFixed(1)} s\n`);
  return { dir, head };
}

/** Pretty JSON as a person commits it. */
export const pretty = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
