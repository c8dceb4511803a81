/**
 * The worker pool for `--jobs N`: N threads check units (byte ranges of the logs), and the
 * main thread is one of them. It also cuts the units and stitches their records into the
 * chains, so it checks a unit itself (units.ts) only when every one of the N-1 worker threads
 * already has units waiting: the share balances itself to what each thread can do. On a
 * machine with N cores this keeps N threads busy rather than N+1 fighting for them. Results
 * come back as promises, which are applied in unit order, so the output does not depend on
 * which thread finished first. A worker that dies fails the run (an internal error).
 *
 * A worker takes ~50-120 ms to start (Node's internals are compiled again in each thread, and
 * the line check's modules loaded), so the CLI starts the pool as soon as it knows a run
 * will be parallel (`prestartPool`), before it loads the rest of itself, and hands the set-up
 * data over later (`takePool`). This module imports nothing heavy for that reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../assets.js';
import { OperatorError } from '../errors.js';
import { detachEarly, INSTALL_ERROR, type ToWorker, type UnitRequest, type UnitResult, type WorkerInit } from './worker-protocol.js';

/** The compiled worker script: beside this module, or in dist/ when running from sources. */
function workerScript(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(packageRoot(), 'dist', 'src', 'verify', 'worker.js');
  if (existsSync(built)) return built;
  throw new Error('the worker script is not built: run npm run build');
}

/**
 * Each worker's young generation, in MB. Bounded so that the process's RSS stays flat (and
 * under 200 MB with --jobs 2); 16 rather than 4 since units replaced batches: with 4 the
 * worker spent ~0.3 s of a 300 MB run collecting (profile), with 16 ~0.08 s, for ~10 MB more.
 */
const WORKER_YOUNG_MB = 16;

export class LinePool {
  /**
   * A worker with this many units is busy enough: the main thread checks the next one. One of
   * them is being checked, so with 2 a worker ran dry whenever the main thread's own unit took
   * longer than the worker's one queued unit: ~0.1 s of idle gaps in a 300 MB run (measured);
   * with 4, ~0.01 s.
   */
  static readonly QUEUED = 4;
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: UnitResult) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;
  private closing = false;
  /** Units sent to each worker and not yet answered. */
  private readonly pending: number[] = [];

  /** Starts `threads` workers; they wait for `init` before checking anything. */
  constructor(readonly threads: number) {
    const script = workerScript();
    // This thread transfers spare buffers to the workers (worker-protocol.ts).
    detachEarly();
    for (let i = 0; i < threads; i++) {
      const w = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      this.pending.push(0);
      w.on('message', (r: UnitResult) => {
        this.pending[i]!--;
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        p?.resolve(r);
      });
      const fail = (e: Error) => {
        // The first failure is the cause: a worker that throws (or cannot load) exits after
        // it, and that exit must not replace it for the units sent later.
        this.failed ??= e;
        for (const p of this.waiting.values()) p.reject(this.failed);
        this.waiting.clear();
      };
      w.on('error', (e: Error & { code?: unknown }) => fail(e.code === INSTALL_ERROR ? new OperatorError(e.message) : e));
      // A result that cannot be cloned into this thread fires only this: without it, its unit
      // would wait forever.
      w.on('messageerror', fail);
      // A worker that ends before the pool is closed fails the run, even between units: a
      // unit sent to it later would never be answered.
      w.on('exit', (code) => {
        if (!this.closing) fail(new Error(`a verification worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** Hands the workers their set-up data. Until then a pool does not keep the process alive. */
  init(init: WorkerInit): void {
    for (const w of this.workers) {
      w.ref();
      w.postMessage({ kind: 'init', init } satisfies ToWorker);
    }
  }

  /** Lets the process exit even though these workers run (a started pool nobody took). */
  unref(): void {
    for (const w of this.workers) w.unref();
  }

  /** Threads checking lines, the main thread included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Every worker has QUEUED units waiting: the caller checks the next unit itself. */
  get saturated(): boolean {
    return this.pending.every((n) => n >= LinePool.QUEUED);
  }

  /** Sends a unit to the least busy worker, with a result buffer to reuse (transferred). */
  run(req: UnitRequest, spare: ArrayBuffer | null = null): Promise<UnitResult> {
    if (this.failed !== null) return Promise.reject(this.failed);
    let k = 0;
    for (let i = 1; i < this.pending.length; i++) if (this.pending[i]! < this.pending[k]!) k = i;
    this.pending[k]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      this.workers[k]!.postMessage({ kind: 'unit', unit: req, spare } satisfies ToWorker, spare === null ? [] : [spare]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let started: LinePool | null = null;

/**
 * Starts the workers of a `--jobs` run early, while the caller still loads and prepares. The
 * pool does not keep the process alive until it is taken, so one that is never taken (the
 * run turned out not to be parallel, or failed first) costs nothing but its start.
 */
export function prestartPool(jobs: number): void {
  if (jobs < 2 || started !== null) return;
  started = new LinePool(jobs - 1);
  started.unref();
}

/** The pool for a run with `jobs` threads: the one started early if it fits, else a new one. */
export function takePool(jobs: number, init: WorkerInit): LinePool {
  let pool = started;
  started = null;
  if (pool === null || pool.threads !== jobs - 1) {
    void pool?.close();
    pool = new LinePool(jobs - 1);
  }
  pool.init(init);
  return pool;
}
