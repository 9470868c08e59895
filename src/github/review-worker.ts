// Worker thread entry of the App's engine (./worker-engine.ts): reviews one pull request diff at
// a time off the webhook thread and posts back plain data. Models and series hold tree-sitter
// nodes, which cannot cross threads; the GitHub layer never reads them.
import { parentPort } from 'node:worker_threads';
import type { ReviewOptions } from '../pipeline/review.js';
import { loadEngine } from './engine.js';

export type ReviewWorkerRequest =
  { id: number; type: 'rules' } | { id: number; type: 'review'; text: string; name: string; opts: ReviewOptions };

export type ReviewWorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const engine = loadEngine();

parentPort?.on('message', (msg: ReviewWorkerRequest) => {
  void (async () => {
    let reply: ReviewWorkerReply;
    try {
      const e = await engine;
      if (msg.type === 'rules') reply = { id: msg.id, ok: true, result: e.rules };
      else {
        const r = await e.review(msg.text, msg.name, msg.opts);
        reply = { id: msg.id, ok: true, result: { ...r, models: [], series: [] } };
      }
    } catch (err) {
      reply = { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    parentPort!.postMessage(reply);
  })();
});
