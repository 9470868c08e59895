// The App's engine: reviews run in a worker thread, so a CPU-heavy pull request never delays the
// answer to a webhook (GitHub gives up after 10 s) or a ping. One worker reviews one diff at a
// time; a review that runs past its time or memory limit ends the worker (a new one starts for
// the next review) and comes back as an error naming what happened, which the pipeline
// publishes as a failing check. Results are plain data (./review-worker.ts).
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../core/version.js';
import type { RuleMeta } from '../core/types.js';
import type { ReviewOptions } from '../pipeline/review.js';
import { emptyResult, type ReviewResult } from '../pipeline/review-result.js';
import type { Engine } from './engine.js';
import type { ReviewWorkerReply } from './review-worker.js';

export interface WorkerEngineOptions {
  /** The worker script (default: the built ./review-worker.js). */
  script?: string;
  /** Longest one review may run (default 120 s). */
  timeoutMs?: number;
  /** Heap of the worker (default 1024 MB): past it the review fails, the App stays up. */
  maxOldGenerationSizeMb?: number;
}

export interface WorkerEngine extends Engine {
  close(): Promise<void>;
}

/** The compiled worker script (under vitest this module is .ts, the worker must be the built .js). */
export function reviewWorkerScript(): string | null {
  const here = fileURLToPath(new URL('./review-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(PACKAGE_ROOT, 'dist', 'src', 'github', 'review-worker.js');
  return existsSync(built) ? built : null;
}

interface Job {
  msg: Record<string, unknown>;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Starts the worker and reads the rule metadata from it (SARIF needs it in this thread). */
export async function workerEngine(o: WorkerEngineOptions = {}): Promise<WorkerEngine> {
  const script = o.script ?? reviewWorkerScript();
  if (!script) throw new Error('the review worker is not built (npm run build)');
  const timeoutMs = o.timeoutMs ?? 120_000;
  let worker: Worker | null = null;
  let current: { id: number; job: Job; timer: NodeJS.Timeout } | null = null;
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (reply: { ok: true; result: unknown } | { ok: false; error: string }) => {
    if (!current) return;
    const { job, timer } = current;
    clearTimeout(timer);
    current = null;
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new Error(reply.error));
    pump();
  };

  const start = (): Worker => {
    const w = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: o.maxOldGenerationSizeMb ?? 1024 } });
    w.on('message', (reply: ReviewWorkerReply) => {
      if (current && reply.id === current.id) finish(reply);
    });
    w.on('error', (err: Error & { code?: string }) => {
      worker = null;
      const why = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the review ran out of memory' : `the review worker failed: ${err.message}`;
      finish({ ok: false, error: why });
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      if (current) finish({ ok: false, error: 'the review worker stopped' });
    });
    w.unref();
    return w;
  };

  const pump = () => {
    if (current || closed || !queue.length) return;
    const job = queue.shift()!;
    worker ??= start();
    const w = worker;
    const id = nextId++;
    const timer = setTimeout(() => {
      // A review past its time: stop the worker (the next review gets a fresh one).
      worker = null;
      void w.terminate();
      finish({ ok: false, error: `the review took longer than ${Math.round(timeoutMs / 1000)} s and was stopped` });
    }, timeoutMs);
    current = { id, job, timer };
    w.postMessage({ ...job.msg, id });
  };

  const call = (msg: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new Error('the review engine is closed'));
      queue.push({ msg, resolve, reject });
      pump();
    });

  const rules = (await call({ type: 'rules' })) as RuleMeta[];
  return {
    rules,
    review: async (text: string, name: string, opts: ReviewOptions): Promise<ReviewResult> => {
      try {
        return (await call({ type: 'review', text, name, opts })) as ReviewResult;
      } catch (err) {
        // The review did not finish: a result that says so (the check fails and shows why).
        const r = emptyResult();
        r.errors.push({ input: name, message: `${name}: not reviewed: ${err instanceof Error ? err.message : String(err)}` });
        return r;
      }
    },
    close: async () => {
      closed = true;
      for (const j of queue.splice(0)) j.reject(new Error('the review engine is closed'));
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
