// A stand-in for the App's review worker (src/github/review-worker.ts, same messages) whose
// review burns the CPU for BUSY_MS: what a pathological pull request does to the real one.
import { parentPort } from 'node:worker_threads';

const BUSY_MS = 3000;

parentPort.on('message', (msg) => {
  if (msg.type === 'rules') return parentPort.postMessage({ id: msg.id, ok: true, result: [] });
  const until = Date.now() + BUSY_MS;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  parentPort.postMessage({
    id: msg.id,
    ok: true,
    result: {
      patches: [],
      findings: [],
      errors: [],
      warnings: [`busy ${x > 0}`],
      models: [],
      series: [],
      report: { patches: [], findings: [] },
    },
  });
});
