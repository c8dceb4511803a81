/**
 * The worker pool for `--jobs N`: batches go round-robin to N workers; results come back as
 * promises, which the verifier applies in submission order, so the output does not depend
 * on which worker finished first. A worker that dies fails the run (an internal error).
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
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed: Error | null = null;

  constructor(jobs: number, init: WorkerInit) {
    const script = workerScript();
    for (let i = 0; i < jobs; i++) {
      // A bounded young generation keeps each worker's heap, and so the process's RSS, flat.
      const w = new Worker(script, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      w.on('message', (r: BatchResult) => {
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

  get size(): number {
    return this.workers.length;
  }

  run(req: BatchRequest): Promise<BatchResult> {
    if (this.failed !== null) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      const w = this.workers[this.next++ % this.workers.length]!;
      w.postMessage(req, [req.buf, req.offsets.buffer, req.fileIdx.buffer, req.lines.buffer, req.ordinals.buffer] as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
