// `npm run fuzz`: the long fuzz run of issue 13. Several thousand mutated patches (our fixtures,
// the example series and the hostile shapes of scripts/hostile-inputs.mjs, mutated with a seeded
// PRNG) go through the built review pipeline in one process: a worker thread reviews, the main
// thread is the watchdog. It fails (exit 1) on any abort (the worker dies), internal error (an
// exception that is not an input error, or a rule that crashed), input over 10 s, or process RSS
// over 1 GB while an input is reviewed, and prints the numbers for bench/RESULTS.md.
//
// Time is measured twice per input: wall time, and the CPU time the process spent on it (the
// main thread only samples memory, so this is the review's own cost). The 10 s limit applies to
// CPU time, since on a shared machine wall time also counts other people's work; an input whose
// wall time passes 30 s is stopped and counted as a hang whatever its CPU time.
//
// Memory is measured per input as what the process needs with that input alone: the RSS of the
// process with a warm worker and no input (measured once), plus how far RSS rose above its level
// when the input started. Process RSS itself only shows the largest input so far, since memory
// a review freed stays mapped in the process; it is printed too. The worker is replaced after an
// input that raised RSS by over 200 MiB.
//
//   npm run build && npm run fuzz               # 5000 inputs, seed 13
//   FUZZ_RUNS=20000 FUZZ_SEED=7 npm run fuzz    # longer, another seed
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { hostileInputs, mutate, prng } from './hostile-inputs.mjs';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const LIMIT_MS = 10_000;
const HANG_MS = 30_000;
const LIMIT_RSS = 1024 * 1024 * 1024;
const RECYCLE_GROWTH = 200 * 1024 * 1024;

/** Errors in a result that are our failures, not statements about the input. */
const INTERNAL = /\bfailed on\b|internal error|Maximum call stack|TypeError|ReferenceError|Cannot read properties|is not a function|undefined/;

if (!isMainThread) {
  const { reviewText, decodeInput, InputRejected } = await import(join(ROOT, 'dist/src/pipeline/review.js'));
  parentPort.on('message', async ({ i, text }) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let outcome;
    let detail = '';
    try {
      const r = await reviewText(decodeInput(Buffer.from(text, 'utf8'), `fuzz-${i}`), `fuzz-${i}`);
      const bad = r.errors.filter((e) => INTERNAL.test(e.message));
      outcome = bad.length ? 'internal' : r.errors.length ? 'partial' : 'review';
      detail = bad.map((e) => e.message).join(' | ');
    } catch (err) {
      if (err instanceof InputRejected) outcome = 'rejected';
      else {
        outcome = 'internal';
        detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
    const c = process.cpuUsage(c0);
    parentPort.postMessage({ i, outcome, detail, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 });
  });
} else {
  const runs = Number(process.env.FUZZ_RUNS ?? 5000);
  const seed = Number(process.env.FUZZ_SEED ?? 13);
  const rnd = prng(seed);

  // Seeds: every fixture patch, the example series, the hostile shapes.
  const seeds = [];
  const walk = (dir) => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(patch|mbox|eml|txt)$/.test(n)) seeds.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(ROOT, 'fixtures'));
  walk(join(ROOT, 'examples'));
  const hostile = hostileInputs();
  for (const h of hostile) seeds.push(h.text);

  const inputs = [];
  // Every hostile shape once as it is, then mutations of random seeds.
  for (const h of hostile) inputs.push({ name: h.name, text: h.text });
  while (inputs.length < runs) {
    const base = seeds[Math.floor(rnd() * seeds.length)];
    inputs.push({ name: `mutant-${inputs.length}`, text: mutate(base, rnd) });
  }

  const counts = { review: 0, partial: 0, rejected: 0, internal: 0, timeout: 0, aborted: 0, overMemory: 0, slowWall: 0 };
  const problems = [];
  let worst = { ms: 0, name: '' };
  let worstCpu = { ms: 0, name: '' };
  let peakRss = 0;
  let inputPeak = 0;
  const t0 = performance.now();

  let worker = null;
  const startWorker = () => {
    worker = new Worker(fileURLToPath(import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    return worker;
  };

  const sample = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    inputPeak = Math.max(inputPeak, rss);
  }, 50);

  const runOne = (k) =>
    new Promise((resolve) => {
      const w = worker ?? startWorker();
      let done = false;
      const finish = (r) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m) => m.i === k && finish(m);
      const onError = (err) => {
        worker = null;
        finish({ i: k, outcome: 'aborted', detail: `${err.code ?? ''} ${err.message}`, ms: 0 });
      };
      const onExit = (code) => {
        worker = null;
        finish({ i: k, outcome: 'aborted', detail: `worker exited with code ${code}`, ms: 0 });
      };
      // The watchdog: an input over the limit is recorded and its worker replaced.
      const timer = setTimeout(() => {
        worker = null;
        void w.terminate();
        finish({ i: k, outcome: 'timeout', detail: `hung: over ${HANG_MS / 1000} s wall time`, ms: HANG_MS, cpuMs: HANG_MS });
      }, HANG_MS);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ i: k, text: inputs[k].text });
    });

  // Warm up: the worker loads the engine on its first input; the RSS after that is the baseline.
  inputs.unshift({ name: 'warm-up', text: seeds[0] });
  let baseline = 0;
  let worstMemory = { bytes: 0, name: '' };
  for (let k = 0; k < inputs.length; k++) {
    const before = process.memoryUsage().rss;
    inputPeak = before;
    if (k === 1) baseline = before;
    const r = await runOne(k);
    if (k === 0) continue; // the warm-up is not counted
    const name = inputs[k].name;
    const alone = baseline + Math.max(0, inputPeak - before);
    if (alone > worstMemory.bytes) worstMemory = { bytes: alone, name };
    let outcome = r.outcome;
    if (outcome !== 'timeout' && outcome !== 'aborted' && r.cpuMs > LIMIT_MS) {
      outcome = 'timeout';
      r.detail = `${(r.cpuMs / 1000).toFixed(1)} s of CPU`;
    }
    if (r.ms > LIMIT_MS) counts.slowWall++;
    if (alone > LIMIT_RSS) {
      counts.overMemory++;
      problems.push({ name, outcome: 'over 1 GB', detail: `${(alone / 2 ** 20).toFixed(0)} MiB` });
    }
    counts[outcome]++;
    if (r.ms > worst.ms) worst = { ms: r.ms, name };
    if ((r.cpuMs ?? 0) > worstCpu.ms) worstCpu = { ms: r.cpuMs, name };
    if (worker && inputPeak - before > RECYCLE_GROWTH) {
      const w = worker;
      worker = null;
      await w.terminate();
    }
    if (outcome === 'internal' || outcome === 'timeout' || outcome === 'aborted') problems.push({ name, outcome, detail: r.detail });
    if (k % 500 === 0)
      process.stderr.write(
        `fuzz: ${k}/${inputs.length - 1}, worst ${worst.ms.toFixed(0)} ms wall / ${worstCpu.ms.toFixed(0)} ms CPU, worst input ${(worstMemory.bytes / 2 ** 20).toFixed(0)} MiB\n`,
      );
  }
  clearInterval(sample);
  await worker?.terminate();

  const total = (performance.now() - t0) / 1000;
  console.log(`fuzz: ${inputs.length - 1} inputs (seed ${seed}) in ${total.toFixed(1)} s`);
  console.log(
    `outcomes: ${counts.review} reviewed, ${counts.partial} reviewed with an error naming what was not reviewed, ${counts.rejected} refused as input errors`,
  );
  console.log(
    `aborts: ${counts.aborted}; internal errors: ${counts.internal}; over 10 s of CPU or hung: ${counts.timeout}; over 1 GB: ${counts.overMemory}`,
  );
  console.log(
    `worst time: ${(worstCpu.ms / 1000).toFixed(2)} s CPU (${worstCpu.name}), ${(worst.ms / 1000).toFixed(2)} s wall (${worst.name}); inputs over 10 s wall: ${counts.slowWall}`,
  );
  const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `memory: worst input ${mib(worstMemory.bytes)} (${worstMemory.name}; baseline ${mib(baseline)} + its rise); process peak RSS ${mib(peakRss)}`,
  );
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const p of problems.slice(0, 40)) console.log(`  ${p.outcome}: ${p.name}: ${p.detail}`);
  process.exitCode = problems.length ? 1 : 0;
}
