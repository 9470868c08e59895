// Worker thread entry of the audit pool: scans chunks of files or analyses one kfunc file, and
// posts back plain data (never tree-sitter nodes).
import { parentPort } from 'node:worker_threads';
import { scanFiles } from '../../tree/scan.js';
import { analyse, type AnalyseTask } from './analyse.js';

export type WorkerRequest =
  { id: number; type: 'scan'; root: string; files: string[]; wantDefs: boolean } | { id: number; type: 'analyse'; task: AnalyseTask };

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

parentPort?.on('message', (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const result = msg.type === 'scan' ? scanFiles(msg.root, msg.files, msg.wantDefs) : analyse(msg.task);
    reply = { id: msg.id, ok: true, result };
  } catch (err) {
    reply = { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
