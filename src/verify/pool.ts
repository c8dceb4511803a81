/**
 * The worker pool for `--jobs N`: N threads check lines, and the main thread is one of them.
 * It also reads, splits and stitches the chains, so it checks a batch itself (verifier.ts)
 * only when every one of the N-1 worker threads already has batches waiting: the share
 * balances itself to what each thread can do. On a machine with N cores this keeps N threads
 * busy rather than N+1 fighting for them. Results come back as promises, which the verifier
 * applies in submission order, so the output does not depend on which thread finished first.
 * A worker that dies fails the run (an internal error).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../assets.js';
import type { BatchRequest, BatchResult, WorkerInit } from './worker-protocol.js';

/** The compiled worker script: beside this module, or in dist/ when running from sources. */
function workerScript(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(packageRoot(), 'dist', 'src', 'verify', 'worker.js');
  if (existsSync(built)) return built;
  throw new Error('the worker script is not built: run npm run build');
}

export class LinePool {
  /**
   * A worker with this many batches waiting is busy enough: the main thread checks the next
   * one. 4, not 2: the main thread learns that a worker finished only between reads, so with
   * 2 the worker sat idle ~16% of a run (profile) while the main thread checked a batch.
   * With the main thread's share checked directly (verifier.ts), --jobs 2 / --jobs 1 on the
   * 300 MB bench log went from ~1.05-1.1x to ~1.2-1.3x; 8 gained no more.
   */
  static readonly QUEUED = 4;
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;
  /** Batches sent to each worker and not yet answered. */
  private readonly pending: number[] = [];

  constructor(jobs: number, init: WorkerInit) {
    const script = workerScript();
    const threads = Math.max(1, jobs - 1);
    for (let i = 0; i < threads; i++) {
      // A bounded young generation keeps each worker's heap, and so the process's RSS, flat.
      // 16 MB was tried: maybe ~10% faster (3 pairs, within this VM's noise), but --jobs 2
      // then peaked at 186-195 MB on the 300 MB bench log against 168-182 MB with 4.
      const w = new Worker(script, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      this.pending.push(0);
      w.on('message', (r: BatchResult) => {
        this.pending[i]!--;
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        p?.resolve(r);
      });
      const fail = (e: Error) => {
        this.failed = e;
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && this.waiting.size > 0) fail(new Error(`a verification worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** Threads checking lines, the main thread included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Every worker has QUEUED batches waiting: the caller checks the next batch itself, on the
   * main thread, directly into records (no copy into a request, no columns to decode).
   */
  get saturated(): boolean {
    return this.pending.every((n) => n >= LinePool.QUEUED);
  }

  /** Sends a batch to the least busy worker. */
  run(req: BatchRequest): Promise<BatchResult> {
    if (this.failed !== null) return Promise.reject(this.failed);
    let k = 0;
    for (let i = 1; i < this.pending.length; i++) if (this.pending[i]! < this.pending[k]!) k = i;
    this.pending[k]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      const w = this.workers[k]!;
      w.postMessage(req, [req.buf, req.offsets.buffer, req.fileIdx.buffer, req.lines.buffer, req.ordinals.buffer] as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
