/**
 * The governance ledger (SPEC.md §5) from its files: review and exception artifacts by path,
 * each parsed strictly and checked against its schema. Pure: the caller supplies the bytes
 * (from a directory or from Git). A malformed artifact is a problem, and is not used.
 */
import { isUtf8 } from 'node:buffer';
import { scanStrict } from '../canonical/scan.js';
import { describeSchemaError } from '../envelope/schema.js';
import { validateAnchor, validateException, validateReview, type Validator } from '../schemas/validators.js';
import type { ExceptionArtifact, LedgerView, ReviewArtifact } from './types.js';

export interface AnchorArtifact {
  readonly v: 'sel.anchor/1';
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
  readonly ts: string;
}

export interface LedgerProblem {
  readonly path: string;
  readonly message: string;
}

export interface Ledger extends LedgerView {
  /** The files it was built from, by path (worker threads rebuild it from these). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly reviews: ReadonlyMap<string, ReviewArtifact>;
  readonly exceptions: ReadonlyMap<string, ExceptionArtifact>;
  /** Anchors by path (ledger/anchors/<chain>/<seq>.json). */
  readonly anchors: ReadonlyMap<string, AnchorArtifact>;
  readonly problems: readonly LedgerProblem[];
}

const REVIEW_PATH = /^ledger\/reviews\/([0-9a-f]{64})\.json$/;
const EXCEPTION_PATH = /^ledger\/exceptions\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})\.json$/;
const ANCHOR_PATH = /^ledger\/anchors\/([A-Za-z0-9][A-Za-z0-9._-]*)\/(0|[1-9]\d{0,15})\.json$/;

/** Largest ledger artifact accepted. */
export const MAX_ARTIFACT_BYTES = 256 * 1024;
/** Directories below ledger/ that are read, from Git (src/git/history.ts) or a directory (ledger-dir.ts). */
export const MAX_LEDGER_DEPTH = 4;

/** Why a file under ledger/ is not used, said alike by both readers. */
export const notUsed = {
  tooLarge: (bytes: number | string) => `the artifact is ${bytes} bytes, more than ${MAX_ARTIFACT_BYTES}`,
  tooDeep: 'the directory is nested too deep to be part of the ledger',
  notAFile: (what: string) => `a ${what} is not a ledger artifact; it is not used`,
} as const;

function parseArtifact(path: string, bytes: Uint8Array, validate: Validator, problems: LedgerProblem[]): unknown {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length > MAX_ARTIFACT_BYTES) {
    problems.push({ path, message: notUsed.tooLarge(b.length) });
    return null;
  }
  if (!isUtf8(b)) {
    problems.push({ path, message: 'the artifact is not UTF-8' });
    return null;
  }
  const text = b.toString('utf8');
  const scan = scanStrict(text);
  if (!scan.ok) {
    problems.push({ path, message: `the artifact is not strict JSON: ${scan.reason.replace(/-/g, ' ')}` });
    return null;
  }
  const value = JSON.parse(text) as unknown;
  if (!validate(value)) {
    const e = describeSchemaError(validate.errors?.[0]);
    problems.push({ path, message: `${e.pointer === '' ? 'the artifact' : e.pointer} ${e.message}` });
    return null;
  }
  return value;
}

/** Where reviews, exceptions and anchors are: a file there is an artifact, or a problem. */
const ARTIFACT_DIR = /^ledger\/(?:reviews|exceptions|anchors)\//;

/** Builds the ledger from files keyed by repository-relative path (ledger/...). */
export function buildLedger(files: ReadonlyMap<string, Uint8Array>): Ledger {
  const reviews = new Map<string, ReviewArtifact>();
  const exceptions = new Map<string, ExceptionArtifact>();
  const anchors = new Map<string, AnchorArtifact>();
  const problems: LedgerProblem[] = [];
  for (const path of [...files.keys()].sort()) {
    const bytes = files.get(path)!;
    let m: RegExpExecArray | null;
    if ((m = REVIEW_PATH.exec(path)) !== null) {
      const r = parseArtifact(path, bytes, validateReview, problems) as ReviewArtifact | null;
      if (r === null) continue;
      if (r.request_fingerprint !== `sha256:${m[1]}`) {
        problems.push({ path, message: `the artifact is for ${r.request_fingerprint}, not the fingerprint its path names` });
        continue;
      }
      reviews.set(path, r);
    } else if ((m = EXCEPTION_PATH.exec(path)) !== null) {
      const x = parseArtifact(path, bytes, validateException, problems) as ExceptionArtifact | null;
      if (x === null) continue;
      if (x.id !== m[1]) {
        problems.push({ path, message: `the artifact's id ${x.id} is not the one its path names` });
        continue;
      }
      exceptions.set(path, x);
    } else if ((m = ANCHOR_PATH.exec(path)) !== null) {
      const a = parseArtifact(path, bytes, validateAnchor, problems) as AnchorArtifact | null;
      if (a === null) continue;
      if (a.chain !== m[1] || String(a.seq) !== m[2]) {
        problems.push({ path, message: `the anchor is for ${a.chain}/${a.seq}, not the chain and seq its path names` });
        continue;
      }
      anchors.set(path, a);
    } else if (path.startsWith('ledger/') && path.endsWith('.json')) {
      problems.push({ path, message: 'the file is not where a review, exception or anchor may be (see SPEC.md section 5)' });
    } else if (ARTIFACT_DIR.test(path) && !path.slice(path.lastIndexOf('/') + 1).startsWith('.')) {
      // An anchor written as 60.JSON, or without its extension, was not read and not reported:
      // the truncation it would show went unseen (found by review). A dot file (.gitkeep) is not
      // an artifact's name in any form.
      problems.push({ path, message: 'the file is in a directory of artifacts, but its name is not an artifact\'s (SPEC.md section 5: <64 hex>.json, <id>.json, <chain>/<seq>.json): it is not used' });
    }
  }
  return {
    files,
    reviews,
    exceptions,
    anchors,
    problems,
    review: (fp) => reviews.get(`ledger/reviews/${fp.startsWith('sha256:') ? fp.slice(7) : fp}.json`) ?? null,
    exception: (path) => exceptions.get(path) ?? null,
    reviewAt: (path) => reviews.get(path) ?? null,
  };
}

export const EMPTY_FILES: ReadonlyMap<string, Uint8Array> = new Map();
