// A small fixed pool of worker threads with a shared queue. Results come back by request id, so
// callers place them by index and the output never depends on which worker finished first.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../core/version.js';
import type { WorkerReply } from './worker.js';

type Pending = { msg: Record<string, unknown>; resolve: (v: unknown) => void; reject: (e: Error) => void };

/** The compiled worker script (under vitest this module is .ts, the worker must be the built .js). */
export function workerScript(): string | null {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(PACKAGE_ROOT, 'dist', 'src', 'pipeline', 'audit', 'worker.js');
  return existsSync(built) ? built : null;
}

export class Pool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: Pending[] = [];
  private inflight = new Map<number, Pending>();
  private nextId = 1;
  private failed: Error | null = null;

  constructor(size: number, script: string) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.on('message', (reply: WorkerReply) => {
        const p = this.inflight.get(reply.id);
        this.inflight.delete(reply.id);
        this.idle.push(w);
        if (p) {
          if (reply.ok) p.resolve(reply.result);
          else p.reject(new Error(reply.error));
        }
        this.pump();
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`audit worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  private closing = false;

  private fail(err: Error): void {
    this.failed = err;
    for (const p of this.inflight.values()) p.reject(err);
    for (const p of this.queue) p.reject(err);
    this.inflight.clear();
    this.queue = [];
  }

  run<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ msg, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      const id = this.nextId++;
      this.inflight.set(id, p);
      w.postMessage({ ...p.msg, id });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
