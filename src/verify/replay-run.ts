/**
 * `sel verify LOG... --repo DIR [--ref REF]`: integrity and replay in one pass over the logs.
 * The governance state (policy index, ledger) is built once, before the logs are read.
 */
import { GitRepo } from '../git/git.js';
import { readGovernance, type Governance } from '../git/history.js';
import { committedPathOf, deletedCommittedLogs, deletedLogRewrite, findRewrites, workingCopyDifference, workingCopyRewrite } from '../git/append-only.js';
import { makeFinding } from '../findings/finding.js';
import { Replayer, type AnchorSummary, type ReplayCounts } from '../replay/replay.js';
import { resolveSources } from '../ingest/sources.js';
import { verifyLogs, type RunOptions } from './run.js';
import type { IntegrityResult } from './verifier.js';
import type { PlacedEvent } from '../envelope/types.js';
import { replayData } from './replay-data.js';
import type { NoteSpec } from './notes.js';
import type { EventFilter } from '../envelope/filter.js';
import type { AnchorArtifact } from '../policy/ledger.js';

export interface ReplaySummary {
  readonly performed: true;
  readonly repo: string;
  readonly ref: string;
  readonly commit: string;
  /** Distinct valid and invalid bundles in the history reachable from the ref. */
  readonly bundles: number;
  readonly commitsScanned: number;
  readonly events: ReplayCounts;
  readonly anchors: readonly AnchorSummary[];
  readonly notes: readonly string[];
}

/** What sees every accepted event of a replay besides the replayer. */
export interface ReplayTap {
  readonly onEvent: (rec: PlacedEvent) => void;
  /**
   * Each event of a fork branch (never a copy), or arrived late, which replay evaluates too: a
   * gate counts what it notes of them. `time`: the time replay judges the review or exception
   * its decision relied on at (Replayer.timeBeforeBranch).
   */
  readonly onBranch?: (rec: PlacedEvent, late: boolean, time: { readonly ts: string; readonly seq: number } | undefined) => void;
  /**
   * Set when the tap reads of an event only what it notes (src/verify/notes.ts, `rec.note`):
   * with --jobs N, replay then stays in the workers, which make the notes. Without this or
   * sendWhole, the workers hand every event whole to this thread, which replays them.
   */
  readonly note?: NoteSpec;
  /**
   * Set when the tap reads whole only the events that match (sel explain: one seq): with
   * --jobs N, replay stays in the workers, which send those events whole.
   */
  readonly sendWhole?: EventFilter;
}

/**
 * A checkpoint's word on replay (src/verify/checkpoint.ts): the commit its events were replayed
 * against, or null when they were not (a run without --repo, or a sel.checkpoint/1 file, which
 * does not say). `label` names the checkpoint in the note a fresh start gives.
 */
export interface ResumeReplay {
  readonly at: string | null;
  readonly label: string;
}

export async function verifyWithReplay(
  logs: readonly string[],
  repoDir: string,
  ref: string,
  options: Partial<RunOptions> & { readonly resumeReplay?: ResumeReplay } = {},
  /** Sees every accepted event too (release gates collect what their assertions need). */
  tap?: ReplayTap,
): Promise<{ result: IntegrityResult; replay: ReplaySummary; governance: Governance; fresh: string | null }> {
  const repo = await GitRepo.open(repoDir);
  try {
    const gov = await readGovernance(repo, ref);
    const repoLabel = repoDir;
    // A resume skips what the checkpoint covers: its events must have been replayed, against
    // this history (the commit verified now or an ancestor of it). Events verified by a run
    // without --repo were never replayed, nor their anchors checked; a history rewritten since
    // is not the one they were replayed against. Then everything is verified from the start.
    /** Why a resume was dropped (said in the report's notes, and by the command on standard error). */
    let fresh: string | null = null;
    const rr = options.resumeReplay;
    if (options.resume != null && rr !== undefined && !(rr.at !== null && (await repo.isAncestor(rr.at, gov.commit)))) {
      options = { ...options, resume: null };
      fresh = rr.at === null
        ? `checkpoint ${rr.label} covers events that were not replayed (written by a run without --repo, or by an older sel): verifying everything from the start`
        : `checkpoint ${rr.label} covers events replayed against commit ${rr.at}, which is not in the history of ${gov.commit}: verifying everything from the start`;
    } else if (options.resume != null && rr !== undefined && rr.at !== null && gov.ledgerRewrites.length > 0) {
      // A ledger artifact a commit changed or deleted (LEDGER_REWRITTEN): a checkpoint is written
      // only after a run without errors, so the commit came after the checkpoint's. A review
      // deleted, an exception cut short, an anchor moved onto another hash: each decides again
      // events the checkpoint covers (REVIEW_MISSING, EXCEPTION_EXPIRED, ANCHOR_MISMATCH in a
      // full run), which a resumed run never reads: it reported the LEDGER_REWRITTEN alone
      // (found by review). Such a run fails whatever it reads; it reports what a full run does.
      const paths = [...new Set(gov.ledgerRewrites.map((x) => x.path))].sort();
      options = { ...options, resume: null };
      fresh = `checkpoint ${rr.label} covers events replayed against commit ${rr.at}, but the ledger at ${gov.commit} has artifacts a commit changed or deleted since (${shown(paths)}): verifying everything from the start`;
    } else if (options.resume != null && rr !== undefined && rr.at !== null && rr.at !== gov.commit) {
      // The replayer checks no anchor before a chain's start (the events it names are not read).
      // Those the ledger held at the checkpoint's commit were checked by the runs it covers; one
      // added since, for an event the checkpoint covers, never would be by a resumed run, while a
      // full run checks it (an anchoring job that lags the checkpoint is the usual case).
      const added = await anchorsAddedSince(repo, rr.at, gov.ledger.anchors, options.resume.starts);
      if (added.length > 0) {
        options = { ...options, resume: null };
        fresh = `checkpoint ${rr.label} covers events replayed against commit ${rr.at}, but the ledger at ${gov.commit} has anchors for them added since (${shown(added)}): verifying everything from the start`;
      } else {
        // So with a review or exception added since that was in force before the latest time of
        // the events the checkpoint covers: an artifact is judged by its own dates, not by when it
        // was committed (docs/policy.md), so it may decide an event replayed without it (a
        // `review` recorded, and a review dated back before it: DECISION_DIVERGENCE in a full
        // run, which the resumed run never replayed; found by review).
        const artifacts = await artifactsAddedSince(repo, rr.at, gov.ledger, options.resume.starts);
        if (artifacts.length > 0) {
          options = { ...options, resume: null };
          fresh = `checkpoint ${rr.label} covers events replayed against commit ${rr.at}, but the ledger at ${gov.commit} has reviews or exceptions added since, in force before the latest of those events (${shown(artifacts)}): verifying everything from the start`;
        } else {
          // So with a policy version that inherits reserved names it did not then: one restored
          // after a later version reserved a name holds it from then on (docs/policy.md, "Reserved
          // names"), and an event under it that registered the name, which matched then, is a
          // DECISION_DIVERGENCE in a full run (found by review).
          const grown = gov.index.inheritedSince?.(rr.at) ?? [];
          if (grown.length > 0) {
            options = { ...options, resume: null };
            fresh = `checkpoint ${rr.label} covers events replayed against commit ${rr.at}, but policy ${grown.length === 1 ? 'version' : 'versions'} ${shown(grown)} now ${grown.length === 1 ? 'inherits' : 'inherit'} reserved tool names that ${grown.length === 1 ? 'it' : 'they'} did not then (restored after a later version reserved them): verifying everything from the start`;
          }
        }
      }
    }
    let replayer: Replayer | null = null;
    let anchors: AnchorSummary[] = [];
    const rewrites = await committedLogRewrites(repo, gov.commit, repoDir, logs);
    // So with a committed log rewritten (in the history, or in the working copy read): the part
    // the checkpoint covers may be what changed (an event edited in the middle, its length kept:
    // a full run's HASH_MISMATCH), which a resumed run never reads (found by review).
    if (options.resume != null && rr !== undefined && rewrites.length > 0) {
      const files = [...new Set(rewrites.map((x) => x.location?.file ?? ''))].sort();
      options = { ...options, resume: null };
      fresh = `checkpoint ${rr.label} covers events of a committed log that was rewritten since (LEDGER_REWRITTEN: ${shown(files)}): verifying everything from the start`;
    }
    const jobs = Math.max(1, options.jobs ?? 1);
    const note = tap?.note;
    const sendWhole = tap?.sendWhole;
    // Unless the tap reads every event whole, replay runs where events are parsed, and reads
    // requests only through the evaluator, member by member.
    const byName = tap === undefined || note !== undefined || sendWhole !== undefined;
    const result = await verifyLogs(logs, options, {
      ...(jobs > 1 && byName ? { workerReplay: replayData(gov) } : {}),
      ...(note === undefined ? {} : { note }),
      ...(sendWhole === undefined ? {} : { sendWhole }),
      requestsByName: byName,
      onEvent: (rec) => {
        replayer!.onEvent(rec);
        tap?.onEvent(rec);
      },
      // The tap first: a gate learns an event came late before replay reports its decision,
      // which then counts wherever the event's seq is (GateCollector.noteLate).
      onBranch: (rec, late) => {
        tap?.onBranch?.(rec, late, replayer!.timeBeforeBranch(rec));
        replayer!.onBranch(rec, late);
      },
      begin: (report) => {
        replayer = new Replayer({ index: gov.index, ledger: gov.ledger, repoLabel, starts: options.resume?.starts ?? [], ledgerRewrites: gov.ledgerRewrites }, report);
        replayer.ledgerFindings();
        for (const r of rewrites) report(r);
      },
      finish: (_report, chains) => {
        anchors = replayer!.finish(chains);
      },
    });
    return {
      result,
      governance: gov,
      replay: {
        performed: true,
        repo: repoDir,
        ref,
        commit: gov.commit,
        bundles: gov.index.byHash.size,
        commitsScanned: gov.index.commitsScanned,
        events: (replayer as Replayer | null)?.replayCounts() ?? { events: 0, replayed: 0, matched: 0, diverged: 0, unverifiable: 0, skipped: 0 },
        anchors,
        notes: fresh === null ? gov.notes : [...gov.notes, fresh],
      },
      fresh,
    };
  } finally {
    repo.close();
  }
}

/** The first three of `paths`, and how many more, for a note. */
function shown(paths: readonly string[]): string {
  return paths.slice(0, 3).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
}

/**
 * The anchors of `anchors` (by path) for an event before its chain's start in `starts` that the
 * ledger at commit `at` did not hold, sorted. Each is looked up at `at` (git cat-file, piped).
 */
async function anchorsAddedSince(repo: GitRepo, at: string, anchors: ReadonlyMap<string, AnchorArtifact>, starts: readonly { readonly chain: string; readonly next: number }[]): Promise<string[]> {
  const start = new Map(starts.map((p) => [p.chain, p.next]));
  const before = [...anchors].filter(([, a]) => a.seq < (start.get(a.chain) ?? 0)).map(([path]) => path);
  const held = await Promise.all(before.map((path) => repo.info(`${at}:${path}`)));
  return before.filter((_, i) => held[i]?.type !== 'blob').sort();
}

/**
 * The reviews and exceptions of `ledger` (by path) that the ledger at commit `at` did not hold,
 * and whose window opens (reviewed_at, granted_at) at or before the latest ts of the chains in
 * `starts`: one that opens later was in force at no event the checkpoint covers. A chain without
 * a latest ts (none of its events had one) leaves every artifact added since. Sorted.
 */
async function artifactsAddedSince(repo: GitRepo, at: string, ledger: Governance['ledger'], starts: readonly { readonly latest?: { readonly ts: string } }[]): Promise<string[]> {
  let latest: string | null = '';
  for (const p of starts) {
    if (p.latest === undefined) latest = null;
    else if (latest !== null && p.latest.ts > latest) latest = p.latest.ts;
  }
  const held = async (dir: string): Promise<Set<string>> => {
    const t = await repo.info(`${at}:${dir}`);
    if (t === null || t.type !== 'tree') return new Set();
    return new Set((await repo.tree(t.oid)).filter((e) => e.kind === 'file' || e.kind === 'executable').map((e) => `${dir}/${e.name}`));
  };
  const [reviews, exceptions] = await Promise.all([held('ledger/reviews'), held('ledger/exceptions')]);
  const out: string[] = [];
  for (const [path, r] of ledger.reviews) if (!reviews.has(path) && (latest === null || r.reviewed_at <= latest)) out.push(path);
  for (const [path, x] of ledger.exceptions) if (!exceptions.has(path) && (latest === null || x.granted_at <= latest)) out.push(path);
  return out.sort();
}

/**
 * LEDGER_REWRITTEN for each log file that is committed in the repository: rewritten in the
 * history, or read here as other than the version committed at `commit` with events appended.
 * The committed version is evidence of what the log said: a working copy sealed again from an
 * event on (an allowed elevation made a block) passed every check, the history being clean and
 * no anchor covering it (found by review).
 */
export async function committedLogRewrites(repo: GitRepo, commit: string, repoDir: string, logs: readonly string[]) {
  const { sources, skipped } = await resolveSources(logs);
  // Each file's path in the repository, resolved once (links, FIFOs: committedPathOf).
  const files = await Promise.all(sources.flatMap((s) => (s.path === null ? [] : [{ s, path: s.path }])).map(async ({ s, path }) => ({ s, path, gitPath: await committedPathOf(repo, commit, repoDir, path) })));
  const out = await rewritesAt(repo, commit, files.map(({ s, gitPath }) => ({ display: s.display, gitPath })));
  for (const { s, path, gitPath } of files) {
    // A FIFO is read once, as a stream, by the run: not compared. One where a log is committed
    // is not that log (a FIFO put in its place passed a committed log cut back; found by review).
    if (!s.regular) {
      const committed = gitPath === null ? null : await repo.info(`${commit}:${gitPath}`);
      if (committed !== null && committed.type === 'blob') out.push(workingCopyRewrite(s.display, commit, 1, 'it is not a regular file'));
      continue;
    }
    const diff = await workingCopyDifference(repo, commit, gitPath, path);
    if (diff !== null) out.push(workingCopyRewrite(s.display, diff.commit, diff.line));
  }
  const read = files.map((f) => f.gitPath);
  for (const display of await deletedCommittedLogs(repo, commit, repoDir, logs, read, skipped)) out.push(deletedLogRewrite(display, commit));
  return out;
}

/**
 * LEDGER_REWRITTEN for each of `files` (the report's name and its path in the repository, null
 * when it is outside) committed at `commit`. The files need not exist here: a merge has the
 * shards' names and paths, not their logs.
 */
export async function rewritesAt(repo: GitRepo, commit: string, files: readonly { display: string; gitPath: string | null }[]) {
  const out = [];
  for (const { display, gitPath } of files) {
    if (gitPath === null) continue;
    const tracked = await repo.info(`${commit}:${gitPath}`);
    if (tracked === null || tracked.type !== 'blob') continue;
    const { rewrites } = await findRewrites(repo, commit, gitPath);
    for (const r of rewrites) {
      out.push(makeFinding('LEDGER_REWRITTEN', {
        location: { file: display, line: 1 },
        message: r.message,
        detail: { commit: r.commit, parent: r.parent },
      }));
    }
  }
  return out;
}
