#!/usr/bin/env node
// `npm run bench:action`: how long the GitHub Action takes from `node` start to its first API
// call, as the runner starts it (`node <action>/action/index.mjs`), before and after the
// prebuilt release layout:
//   plain   a plain checkout of the source (what `uses: owner/kfunc-review@<sha>` fetches):
//           the bootstrap runs `npm ci` (whose prepare script runs tsc), then the action;
//   release the layout of `npm run build:action` (what a release tag holds): the bundle starts.
// Each run starts with a cold page cache when this process may drop it (root: `sync; echo 3 >
// /proc/sys/vm/drop_caches`); otherwise it says so. A local HTTP server stands in for the API
// and records when the first request arrives (it answers 404, so the action then stops).
// Prints a Markdown table; writes nothing in the repository.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } } });
const RUNS = Number(values.runs);

function dropCaches() {
  try {
    execFileSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const work = mkdtempSync(join(tmpdir(), 'kfr-action-start-'));
let firstAt = null;
const server = createServer((req, res) => {
  firstAt ??= performance.now();
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'Not Found (bench stand-in)' }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const api = `http://127.0.0.1:${server.address().port}`;

const event = join(work, 'event.json');
writeFileSync(
  event,
  JSON.stringify({ repository: { full_name: 'o/r' }, pull_request: { number: 1, head: { sha: 'a'.repeat(40) }, base: { sha: 'b'.repeat(40) } } }),
);
mkdirSync(join(work, 'tmp'));
const env = {
  ...process.env,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: event,
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_API_URL: api,
  RUNNER_TEMP: join(work, 'tmp'),
  INPUT_TOKEN: 'bench-token',
  KFUNC_REVIEW_RETRY_BASE_MS: '1',
  KFUNC_REVIEW_THROTTLE: 'off',
};

/** One start: ms from spawn to the first API request, and to the process's exit. */
async function start(actionDir) {
  firstAt = null;
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(actionDir, 'action', 'index.mjs')], { cwd: work, env, stdio: 'ignore' });
  const code = await new Promise((r) => child.on('exit', r));
  const end = performance.now();
  if (firstAt === null) throw new Error(`${actionDir}: no API request (exit ${code})`);
  return { first: firstAt - t0, exit: end - t0 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
let cold = true;

async function measure(name, prepare) {
  const firsts = [];
  const exits = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = prepare(i);
    cold = dropCaches() && cold;
    const r = await start(dir);
    firsts.push(r.first);
    exits.push(r.exit);
    process.stderr.write(`${name} run ${i + 1}: first API call ${(r.first / 1000).toFixed(2)} s\n`);
  }
  rows.push({ name, first: median(firsts), all: firsts, exit: median(exits) });
}

const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
if (values.only !== 'release') {
  // A fresh copy of the committed source each run: a new runner has neither node_modules nor dist.
  await measure('plain checkout (npm ci + tsc, then the action)', (i) => {
    const dir = join(work, `plain-${i}`);
    mkdirSync(dir);
    execFileSync('sh', ['-c', `git -C "${ROOT}" archive HEAD | tar -x -C "${dir}"`]);
    return dir;
  });
}
if (values.only !== 'plain') {
  const dir = join(work, 'release');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-action.mjs'), '--out', dir], { stdio: 'ignore' });
  await measure('release layout (prebuilt bundle)', () => dir);
}
server.close();
rmSync(work, { recursive: true, force: true });

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`Action start time, ${new Date().toISOString().slice(0, 10)}, commit ${commit}, node ${process.version}, ${RUNS} runs each (median),`);
console.log(cold ? 'page cache dropped before every run (sync; echo 3 > /proc/sys/vm/drop_caches).' : 'page cache NOT dropped (no permission): warm-ish disk cache.');
console.log('');
console.log('| how the action is fetched | node start → first API call | runs | until exit |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | **${s(r.first)}** | ${r.all.map(s).join(', ')} | ${s(r.exit)} |`);
