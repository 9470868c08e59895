#!/usr/bin/env node
// `npm run bench`: kfunc-review against checkpatch.pl on the same patches, the whole-tree audit
// cold and warm, peak RSS, and the audit's precision on Linux 6.12. Writes bench/out/RESULTS.md
// and bench/out/results.json; with --write (`npm run bench -- --write`) the report replaces the
// tracked bench/RESULTS.md. Uses only public tools: node, perl, tar, apt-get, /usr/bin/time.
//
// Environment:
//   LINUX_TREE=DIR   an unpacked linux-source-6.12 tree (else bench/out/linux-source-6.12, else
//                    /usr/src/linux-source-6.12.tar.xz is unpacked there, installing the Debian
//                    package linux-source-6.12 with apt-get first when it is missing)
//   BENCH_RUNS=N     runs per measurement, medians reported (default 3)
//   BENCH_MAX_TREE_PATCHES=N  cap on the patches generated from the tree (default: all)
//   BENCH_ONLY=audit  keep the review timings of the last full run, redo the audit ones (and 4)
//   BENCH_ONLY=report  only rewrite RESULTS.md from bench/out (verdicts/analysis edits)
//   BENCH_ONLY=precision  keep the timings of the last full run (bench/out/results.json) and
//                    redo only the audit's precision section (after rules changed)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { cpus, totalmem, loadavg, release, tmpdir, platform, arch, availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MAXRSS_HOOK = join(ROOT, 'bench', 'maxrss.mjs');
// The tracked report changes only when asked: a run to look at numbers leaves the checkout clean.
const WRITE = process.argv.includes('--write');
const RESULTS_MD = WRITE ? join(ROOT, 'bench', 'RESULTS.md') : join(OUT, 'RESULTS.md');
const RESULTS_NAME = relative(ROOT, RESULTS_MD);

const log = (s) => process.stderr.write(`bench: ${s}\n`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x, d = 3) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

// ---------------------------------------------------------------- setup

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) throw r.error;
  return r;
}

function ensureBuilt() {
  log('building (tsc)');
  // Type errors elsewhere in the tree do not stop tsc from emitting; the run only needs dist.
  sh('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  sh('node', ['scripts/link-bin.mjs'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(CLI)) throw new Error('dist/src/cli/main.js is missing after the build');
}

function findTree() {
  const candidates = [process.env.LINUX_TREE, join(OUT, 'linux-source-6.12')].filter(Boolean);
  for (const c of candidates) if (existsSync(join(c, 'Makefile')) && existsSync(join(c, 'scripts', 'checkpatch.pl'))) return c;
  const tarball = '/usr/src/linux-source-6.12.tar.xz';
  if (!existsSync(tarball)) {
    log('installing linux-source-6.12 with apt-get');
    const r = sh('apt-get', ['install', '-y', 'linux-source-6.12'], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(tarball)) throw new Error('could not get linux-source-6.12 (apt-get install linux-source-6.12 failed; set LINUX_TREE)');
  }
  log(`unpacking ${tarball} into bench/out (about a minute)`);
  mkdirSync(OUT, { recursive: true });
  const r = sh('tar', ['-xJf', tarball, '-C', OUT], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tar failed');
  return join(OUT, 'linux-source-6.12');
}

/** checkpatch.pl with the two data files it reads next to itself, for --no-tree runs. */
function setupCheckpatch(tree) {
  const dir = join(OUT, 'checkpatch');
  mkdirSync(dir, { recursive: true });
  for (const f of ['checkpatch.pl', 'spelling.txt', 'const_structs.checkpatch']) copyFileSync(join(tree, 'scripts', f), join(dir, f));
  return join(dir, 'checkpatch.pl');
}

function walk(dir, pred, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, out);
    else if (e.isFile() && pred(p)) out.push(p);
  }
  return out;
}

/** The kfunc files of the tree by plain grep, and the reference counts of the issue. */
function grepTree(tree) {
  const files = walk(tree, (p) => p.endsWith('.c')).sort();
  const kfuncFiles = [];
  let defs = 0, entries = 0, defineEntries = 0;
  const defNames = [];
  const entryNames = [];
  for (const f of files) {
    const buf = readFileSync(f);
    if (buf.indexOf('__bpf_kfunc') < 0 && buf.indexOf('BTF_ID_FLAGS') < 0) continue;
    kfuncFiles.push(f);
    const lines = buf.toString('utf8').split('\n');
    lines.forEach((l, i) => {
      if (/^\s*__bpf_kfunc\b(?!_)/.test(l)) {
        defs++;
        // the name: first identifier followed by '(' on this line or the next
        const m = /(\w+)\s*\(/.exec(l.replace(/^\s*__bpf_kfunc\b/, '')) ?? /^\s*\**(\w+)\s*\(/.exec(lines[i + 1] ?? '');
        defNames.push(`${relative(tree, f)}:${m ? m[1] : '?'}`);
      }
      if (/BTF_ID_FLAGS\(\s*func\s*,/.test(l)) {
        if (/^\s*#\s*define\b/.test(l)) { defineEntries++; return; }
        entries++;
        entryNames.push(`${relative(tree, f)}:${/BTF_ID_FLAGS\(\s*func\s*,\s*(\w+)/.exec(l)[1]}`);
      }
    });
  }
  return { kfuncFiles, defs, entries, defineEntries, defNames, entryNames };
}

function writePatches(tree, kfuncFiles) {
  const dir = join(OUT, 'patches');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'fixtures'), { recursive: true });
  mkdirSync(join(dir, 'tree'), { recursive: true });
  const fixtures = walk(join(ROOT, 'fixtures'), (p) => p.endsWith('.patch') && !p.includes(`${join('fixtures', '_audit')}`)).sort();
  const out = { fixtures: [], tree: [] };
  fixtures.forEach((p, i) => {
    const name = `${String(i).padStart(3, '0')}-${relative(join(ROOT, 'fixtures'), p).replace(/[\\/]/g, '_')}`;
    copyFileSync(p, join(dir, 'fixtures', name));
    out.fixtures.push(join(dir, 'fixtures', name));
  });
  const cap = Number(process.env.BENCH_MAX_TREE_PATCHES ?? Infinity);
  kfuncFiles.slice(0, cap).forEach((f, i) => {
    const rel = relative(tree, f);
    const text = readFileSync(f, 'utf8');
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    const patch = [
      'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
      'From: Bench Robot <bench@example.org>',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      `Subject: [PATCH] bench: add ${rel}`,
      '',
      `Adds ${rel} as a new file, generated by bench/run.mjs to time reviews`,
      'of a whole kfunc file.',
      '',
      'Signed-off-by: Bench Robot <bench@example.org>',
      '---',
      `diff --git a/${rel} b/${rel}`,
      'new file mode 100644',
      'index 0000000000000..1111111111111',
      '--- /dev/null',
      `+++ b/${rel}`,
      `@@ -0,0 +1,${lines.length} @@`,
      ...lines.map((l) => `+${l}`),
      '-- ',
      '2.39.5',
      '',
    ].join('\n');
    const name = `${String(i).padStart(3, '0')}-${rel.replace(/[\\/]/g, '_')}.patch`;
    writeFileSync(join(dir, 'tree', name), patch);
    out.tree.push(join(dir, 'tree', name));
  });
  return out;
}

// ---------------------------------------------------------------- timing

/** Runs a command once: wall seconds, peak RSS (KiB, or null), exit code. */
function timed(cmd, args, env = {}) {
  const isNode = cmd === process.execPath;
  let rssFile = null;
  let argv = [cmd, ...args];
  if (!TIME && isNode) {
    rssFile = join(tmpdir(), `kfr-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
    argv = [cmd, '--import', MAXRSS_HOOK, ...args];
  }
  const full = TIME ? [TIME, '-v', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), {
    encoding: 'utf8', maxBuffer: 1 << 30, cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, ...(rssFile ? { KFR_BENCH_MAXRSS: rssFile } : {}) },
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  let rss = null;
  if (TIME) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
    if (m) rss = Number(m[1]);
  } else if (rssFile && existsSync(rssFile)) {
    rss = Number(readFileSync(rssFile, 'utf8'));
    rmSync(rssFile, { force: true });
  }
  return { wall, rss, code: r.status, stderr: TIME ? (r.stderr ?? '').split('\tCommand being timed')[0] : r.stderr };
}

function reviewArgs(patches) {
  return [CLI, '--format', 'json', '--fail-level', 'none', '-q', ...patches];
}

function measurePatches(label, patches, checkpatch) {
  log(`${label}: ${patches.length} patches x ${RUNS} runs`);
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    let cpEach = 0, oursEach = 0, cpRss = 0, oursRss = 0, failures = [];
    for (const p of patches) {
      const c = timed('perl', [checkpatch, '--no-tree', '--no-color', p]);
      cpEach += c.wall; cpRss = Math.max(cpRss, c.rss ?? 0);
      const o = timed(process.execPath, reviewArgs([p]));
      oursEach += o.wall; oursRss = Math.max(oursRss, o.rss ?? 0);
      if (o.code === 2) failures.push(`${relative(OUT, p)}: ${o.stderr.trim().split('\n')[0]}`);
    }
    const cb = timed('perl', [checkpatch, '--no-tree', '--no-color', ...patches]);
    const ob = timed(process.execPath, reviewArgs(patches));
    runs.push({ cpEach, oursEach, cpBatch: cb.wall, oursBatch: ob.wall, cpRss, oursRss, oursBatchRss: ob.rss, cpBatchRss: cb.rss, failures });
    log(`  run ${r + 1}: checkpatch ${cpEach.toFixed(2)} s (${cb.wall.toFixed(2)} s batch), ours ${oursEach.toFixed(2)} s per-process, ${ob.wall.toFixed(2)} s batch`);
  }
  const n = patches.length;
  const m = (k) => median(runs.map((x) => x[k]));
  return {
    label, n,
    checkpatchPerPatch: m('cpEach') / n,
    checkpatchBatchPerPatch: m('cpBatch') / n,
    oursPerProcessPerPatch: m('oursEach') / n,
    oursBatchPerPatch: m('oursBatch') / n,
    ratioPerProcess: m('oursEach') / m('cpEach'),
    ratioBatch: m('oursBatch') / m('cpEach'),
    ratioBatchVsCheckpatchBatch: m('oursBatch') / m('cpBatch'),
    rss: { checkpatch: Math.max(...runs.map((x) => x.cpRss)), oursPerProcess: Math.max(...runs.map((x) => x.oursRss)), oursBatch: Math.max(...runs.map((x) => x.oursBatchRss ?? 0)) },
    failures: runs[0].failures,
    runs,
  };
}

function measureStartup() {
  const node = [], version = [];
  for (let r = 0; r < Math.max(5, RUNS); r++) {
    node.push(timed(process.execPath, ['-e', '0']).wall);
    version.push(timed(process.execPath, [CLI, '--version']).wall);
  }
  return { node: median(node), cliVersion: median(version) };
}

function measureAudit(tree) {
  log(`audit: cold and warm x ${RUNS}`);
  const cold = [], warm = [], coldStats = [], warmStats = [];
  let cold1 = null;
  for (let r = 0; r < RUNS; r++) {
    const cache = mkdtempSync(join(tmpdir(), 'kfr-bench-cache-'));
    const jsonCold = join(cache, 'cold.json');
    const c = timed(process.execPath, [CLI, 'audit', tree, '--format', 'json', '--fail-level', 'none', '-q', '-o', jsonCold], { KFUNC_REVIEW_CACHE: join(cache, 'c') });
    const jsonWarm = join(cache, 'warm.json');
    const w = timed(process.execPath, [CLI, 'audit', tree, '--format', 'json', '--fail-level', 'none', '-q', '-o', jsonWarm], { KFUNC_REVIEW_CACHE: join(cache, 'c') });
    if (c.code === 2 || w.code === 2 || !existsSync(jsonCold) || !existsSync(jsonWarm)) {
      throw new Error(`audit failed (exit ${c.code}/${w.code}): ${c.stderr}${w.stderr}`);
    }
    cold.push(c); warm.push(w);
    coldStats.push(JSON.parse(readFileSync(jsonCold, 'utf8')).stats);
    const wj = JSON.parse(readFileSync(jsonWarm, 'utf8'));
    warmStats.push(wj.stats);
    if (r === RUNS - 1) writeFileSync(join(OUT, 'audit-6.12.json'), JSON.stringify(wj, null, 2));
    log(`  run ${r + 1}: cold ${c.wall.toFixed(2)} s, warm ${w.wall.toFixed(2)} s`);
    rmSync(cache, { recursive: true, force: true });
  }
  {
    // the other threading choice, once: workers if the default ran without, else --jobs 1
    const other = coldStats[0].jobs === 1 ? String(Math.max(2, availableParallelism())) : '1';
    const cache = mkdtempSync(join(tmpdir(), 'kfr-bench-cache-'));
    const json = join(cache, 'j1.json');
    const c = timed(process.execPath, [CLI, 'audit', tree, '--format', 'json', '--fail-level', 'none', '-q', '--jobs', other, '-o', json], { KFUNC_REVIEW_CACHE: join(cache, 'c') });
    cold1 = { wall: c.wall, rss: c.rss, stats: JSON.parse(readFileSync(json, 'utf8')).stats };
    log(`  cold --jobs ${other}: ${c.wall.toFixed(2)} s`);
    rmSync(cache, { recursive: true, force: true });
  }
  const pick = (xs, stats) => { const w = median(xs.map((x) => x.wall)); const i = xs.findIndex((x) => x.wall === w); return stats[i >= 0 ? i : 0]; };
  return {
    cold: median(cold.map((x) => x.wall)), warm: median(warm.map((x) => x.wall)),
    coldRss: Math.max(...cold.map((x) => x.rss ?? 0)) || null, warmRss: Math.max(...warm.map((x) => x.rss ?? 0)) || null,
    coldAll: cold.map((x) => x.wall), warmAll: warm.map((x) => x.wall),
    coldStats: pick(cold, coldStats), warmStats: pick(warm, warmStats), cold1,
  };
}

// ---------------------------------------------------------------- report

function machine() {
  const cpu = cpus();
  const perl = sh('perl', ['-e', 'print $^V']).stdout;
  const os = existsSync('/etc/os-release') ? (/PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '') : '';
  return {
    cpu: cpu[0]?.model ?? 'unknown', cores: availableParallelism(), memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `${os} (${platform()} ${release()} ${arch()})`, node: process.version, perl, loadStart: loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

function verdicts() {
  const p = join(ROOT, 'bench', 'verdicts.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {};
}

function holds(value, target, unit, lowerIsBetter = true) {
  if (value === null || value === undefined) return 'not measured';
  const ok = lowerIsBetter ? value <= target : value >= target;
  return ok ? `**holds** (${fmt(value, 2)}${unit} vs ${target}${unit})` : `**misses** by ${fmt(value / target, 1)}x (${fmt(value, 2)}${unit} vs ${target}${unit})`;
}

function precision(tree, grep, audit) {
  const found = new Set(audit.kfuncs.map((k) => `${k.file}:${k.name}`));
  const missingDefs = grep.defNames.filter((d) => !found.has(d));
  const regs = new Map();
  for (const r of audit.registrations) regs.set(`${r.file}:${r.kfunc}`, (regs.get(`${r.file}:${r.kfunc}`) ?? 0) + 1);
  const missingEntries = grep.entryNames.filter((e) => { const n = regs.get(e) ?? 0; if (n > 0) { regs.set(e, n - 1); return false; } return true; });
  return { missingDefs, missingEntries };
}

function writeResults(all) {
  const { mach, grep, patchSets, startup, audit, auditJson, prec, startedAt, wallMin } = all;
  const V = verdicts();
  const lines = [];
  const p = (s = '') => lines.push(s);
  const batchAll = patchSets.find((x) => x.label === 'all');
  p('# Benchmark results');
  p();
  p(`Generated by \`npm run bench\` (bench/run.mjs) on ${startedAt}; the run took ${wallMin.toFixed(1)} min. Do not edit by hand:`);
  p('verdicts on findings live in bench/verdicts.json and the discussion in bench/analysis.md, both merged in here.');
  if (all.auditAt) p(`Sections 2-4 (audit timings, RSS, precision) were re-run on ${all.auditAt} with \`BENCH_ONLY=audit\` (load average then: ${all.auditLoad}); section 1 is from the full run.`);
  if (all.precisionAt) p(`Section 4 (precision) was regenerated on ${all.precisionAt} with \`BENCH_ONLY=precision\` (the rules changed after the timed run).`);
  p();
  p('## Machine');
  p();
  p(`| | |\n|---|---|\n| CPU | ${mach.cpu}, ${mach.cores} cores |\n| memory | ${mach.memGiB} GiB |\n| OS | ${mach.os} |\n| node / perl | ${mach.node} / ${mach.perl} |\n| load average at start | ${mach.loadStart} |\n| runs per measurement | ${RUNS} (medians) |\n| RSS from | ${TIME ? '/usr/bin/time -v (max RSS of the process tree leader, KiB)' : 'process.resourceUsage() via bench/maxrss.mjs (node only)'} |`);
  p();
  p('## Targets');
  p();
  p('| target | result |');
  p('|---|---|');
  p(`| batch review ≤ 0.1x checkpatch per patch | ${holds(batchAll.ratioBatch, 0.1, 'x')} |`);
  p(`| one process per patch ≤ 1x checkpatch | ${holds(batchAll.ratioPerProcess, 1, 'x')} over all patches; ${patchSets.filter((x) => x.label !== 'all').map((x) => `${x.label} only: ${holds(x.ratioPerProcess, 1, 'x')}`).join('; ')} |`);
  p(`| (batch, per patch set) | ${patchSets.filter((x) => x.label !== 'all').map((x) => `${x.label} only: ${holds(x.ratioBatch, 0.1, 'x')}`).join('; ')} |`);
  p(`| audit of 6.12 cold < 20 s | ${holds(audit.cold, 20, ' s')} |`);
  p(`| audit of 6.12 warm < 3 s | ${holds(audit.warm, 3, ' s')} |`);
  const peak = Math.max(audit.coldRss ?? 0, audit.warmRss ?? 0, ...patchSets.map((x) => Math.max(x.rss.oursBatch, x.rss.oursPerProcess))) / 1024;
  p(`| peak RSS < 1 GB | ${holds(peak, 1024, ' MiB')} |`);
  p();
  p('## 1. Review time per patch against `checkpatch.pl --no-tree`');
  p();
  p('Same patch files for both tools. "per process" starts one process per patch (how checkpatch is');
  p('usually run, and how a mail hook would run us); "batch" gives all patches to one process. Ratios');
  p('divide our time by checkpatch\'s one-process-per-patch time (the last column compares batch with');
  p('checkpatch given all patches in one process too).');
  p();
  p('| patch set | patches | checkpatch s/patch | ours per process s/patch | ratio | ours batch s/patch | ratio | checkpatch batch s/patch | batch vs batch |');
  p('|---|---|---|---|---|---|---|---|---|');
  for (const s of patchSets) {
    p(`| ${s.label} | ${s.n} | ${fmt(s.checkpatchPerPatch)} | ${fmt(s.oursPerProcessPerPatch)} | ${fmt(s.ratioPerProcess, 2)}x | ${fmt(s.oursBatchPerPatch, 4)} | ${fmt(s.ratioBatch, 3)}x | ${fmt(s.checkpatchBatchPerPatch)} | ${fmt(s.ratioBatchVsCheckpatchBatch, 3)}x |`);
  }
  p();
  p(`Patch sets: "fixtures" = our rule fixtures (fixtures/**/*.patch, small hunks); "tree" = each of the ${grep.kfuncFiles.length} kfunc files of the tree as a new-file patch (${fmt(patchSets.find((x) => x.label === 'tree')?.bytes / 2 ** 20, 2)} MiB in all); "all" = both.`);
  p(`Fixed cost of one process: \`node -e 0\` ${fmt(startup.node)} s, \`kfunc-review --version\` ${fmt(startup.cliVersion)} s (module loading).`);
  const failures = patchSets.find((x) => x.label === 'all').failures;
  if (failures.length) { p(); p(`Inputs our CLI rejected (exit 2): ${failures.length}`); for (const f of failures.slice(0, 20)) p(`- ${f}`); }
  p();
  p('## 2. Whole-tree audit');
  p();
  p(`Tree: ${auditJson.tree.path} (Linux ${auditJson.tree.version}). "cold" = empty kfunc-review cache (the OS page cache is warm: the tree was just read); "warm" = second run on the same cache.`);
  p();
  const ms = (s) => `walk ${s.ms.walk} ms, scan ${s.ms.scan} ms, reach ${s.ms.reach} ms, analyse ${s.ms.analyse} ms`;
  p('| run | median wall s | all runs s | phases (median run, in-process) | peak RSS MiB |');
  p('|---|---|---|---|---|');
  p(`| cold, --jobs ${audit.coldStats.jobs} | ${fmt(audit.cold, 2)} | ${audit.coldAll.map((x) => fmt(x, 2)).join(', ')} | ${ms(audit.coldStats)} | ${fmt((audit.coldRss ?? NaN) / 1024, 0)} |`);
  p(`| warm, --jobs ${audit.warmStats.jobs} | ${fmt(audit.warm, 2)} | ${audit.warmAll.map((x) => fmt(x, 2)).join(', ')} | ${ms(audit.warmStats)} | ${fmt((audit.warmRss ?? NaN) / 1024, 0)} |`);
  p(`| cold, --jobs ${audit.cold1.stats.jobs} (once) | ${fmt(audit.cold1.wall, 2)} | | ${ms(audit.cold1.stats)} | ${fmt((audit.cold1.rss ?? NaN) / 1024, 0)} |`);
  p();
  const st = audit.coldStats;
  p(`Cold scan read ${st.filesScanned} .c/.h files (${fmt(st.bytesScanned / 2 ** 20, 0)} MiB) once each; ${st.candidates} kfunc files and ${st.calleeRegions} callee regions (function bodies in other files the kfuncs reach within 2 calls) were parsed. Warm: ${audit.warmStats.cache.hits} cache hits, ${audit.warmStats.parsed} files parsed, scan ${audit.warmStats.cache.scanReused ? 'reused (every stat matched)' : 'redone'}.`);
  p();
  p('## 3. Peak RSS');
  p();
  p('| process | peak RSS MiB |');
  p('|---|---|');
  p(`| checkpatch.pl, one patch (max) | ${fmt(batchAll.rss.checkpatch / 1024, 0)} |`);
  p(`| kfunc-review, one patch (max) | ${fmt(batchAll.rss.oursPerProcess / 1024, 0)} |`);
  p(`| kfunc-review, all ${batchAll.n} patches in one process | ${fmt(batchAll.rss.oursBatch / 1024, 0)} |`);
  p(`| audit cold | ${fmt((audit.coldRss ?? NaN) / 1024, 0)} |`);
  p(`| audit warm | ${fmt((audit.warmRss ?? NaN) / 1024, 0)} |`);
  p();
  p(`## 4. Whole-tree precision on Linux ${auditJson.tree.version}`);
  p();
  p('| | plain grep | audit |');
  p('|---|---|---|');
  p(`| kfunc files (.c with \`__bpf_kfunc\` or \`BTF_ID_FLAGS\`) | ${grep.kfuncFiles.length} | ${auditJson.stats.candidates} candidates (the scan also keys on \`BTF_KFUNCS_START\` and \`register_btf_kfunc_id_set\`) |`);
  p(`| \`__bpf_kfunc\` definitions | ${grep.defs} | ${auditJson.kfuncs.length} |`);
  p(`| \`BTF_ID_FLAGS(func, ...)\` entries | ${grep.entries} (+${grep.defineEntries} inside a \`#define\`) | ${auditJson.registrations.length} |`);
  {
    // Definitions no literal entry names (tree-wide), and how the audit accounts for each.
    const entryNames = new Set(grep.entryNames.map((e) => e.replace(/^.*:/, '')));
    const unreg = [...new Set(grep.defNames.map((d) => d.replace(/^.*:/, '')))].filter((n) => !entryNames.has(n)).sort();
    const expanded = (auditJson.stats.treeIndex?.expanded ?? []).map(([n]) => n);
    const reg01 = auditJson.findings.filter((f) => f.rule === 'KF-REG-01').map((f) => f.kfunc);
    const dtors = unreg.filter((n) => /_dtor$|_impl$/.test(n));
    const rest = unreg.filter((n) => !dtors.includes(n) && !expanded.includes(n) && !reg01.includes(n));
    p(`| \`__bpf_kfunc\` definitions no entry of the tree names | ${unreg.length}: ${unreg.join(', ')} | ${expanded.length} registered through an X-macro list (${expanded.join(', ') || 'none'}); ${dtors.length} \`*_dtor\` stubs (not kfuncs, excluded by KF-REG-01); ${reg01.length} reported by KF-REG-01 (${reg01.join(', ') || 'none'})${rest.length ? `; unaccounted: ${rest.join(', ')}` : ''} |`);
  }
  p(`| kfunc sets (BTF_KFUNCS/BTF_SET8) | | ${auditJson.sets.length} |`);
  p(`| register_btf_*_id_set / dtor calls | | ${auditJson.stats.registerCalls} |`);
  p();
  p(prec.missingDefs.length ? `Definitions grep sees and the audit does not: ${prec.missingDefs.join(', ')}` : 'Every definition grep sees is in the audit (matched by file and name).');
  p(prec.missingEntries.length ? `Entries grep sees and the audit does not: ${prec.missingEntries.join(', ')}` : 'Every BTF_ID_FLAGS entry grep sees is in the audit (matched by file and name).');
  p();
  p('### Findings by rule');
  p();
  p('| rule | error | warning | info |');
  p('|---|---|---|---|');
  for (const [rule, c] of Object.entries(auditJson.stats.findings.byRule)) p(`| ${rule} | ${c.error} | ${c.warning} | ${c.info} |`);
  const t = auditJson.stats.findings.bySeverity;
  p(`| **total** | ${t.error} | ${t.warning} | ${t.info} |`);
  p();
  p('### Error-level findings and verdicts');
  p();
  const errors = auditJson.findings.filter((f) => f.severity === 'error');
  if (!errors.length) p('None.');
  else {
    p('| rule | kfunc | where | message | verdict |');
    p('|---|---|---|---|---|');
    for (const f of errors) {
      const v = V[`${f.rule} ${f.kfunc}`] ?? V[f.fingerprint];
      const verdict = v ? `**${v.verdict}**: ${v.why}` : '**UNEXPLAINED** (no entry in bench/verdicts.json)';
      p(`| ${f.rule} | ${f.kfunc} | ${f.file}:${f.line} | ${f.message.replace(/\|/g, '\\|')} | ${verdict.replace(/\|/g, '\\|')} |`);
    }
  }
  const analysis = join(ROOT, 'bench', 'analysis.md');
  if (existsSync(analysis)) { p(); p(readFileSync(analysis, 'utf8').trim()); }
  p();
  mkdirSync(dirname(RESULTS_MD), { recursive: true });
  writeFileSync(RESULTS_MD, lines.join('\n'));
}

// ---------------------------------------------------------------- main

/** Re-runs the audit for section 4 only; the timings stay those of the last full run. */
function precisionOnly() {
  const prev = JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8'));
  ensureBuilt();
  const tree = findTree();
  const grep = grepTree(tree);
  const cache = mkdtempSync(join(tmpdir(), 'kfr-bench-cache-'));
  const json = join(OUT, 'audit-6.12.json');
  const r = timed(process.execPath, [CLI, 'audit', tree, '--format', 'json', '--fail-level', 'none', '-q', '-o', json], { KFUNC_REVIEW_CACHE: join(cache, 'c') });
  rmSync(cache, { recursive: true, force: true });
  if (r.code === 2) throw new Error(`audit failed: ${r.stderr}`);
  const auditJson = JSON.parse(readFileSync(json, 'utf8'));
  const prec = precision(tree, grep, auditJson);
  const results = { ...prev, prec, precisionAt: new Date().toISOString() };
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  writeResults({ ...results, grep, auditJson });
  log(`rewrote ${RESULTS_NAME} (precision section only)`);
}

/** Re-times the audit (section 2, RSS) and redoes section 4; review timings stay as they were. */
function auditOnly() {
  const prev = JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8'));
  ensureBuilt();
  const tree = findTree();
  const grep = grepTree(tree);
  const audit = measureAudit(tree);
  const auditJson = JSON.parse(readFileSync(join(OUT, 'audit-6.12.json'), 'utf8'));
  const prec = precision(tree, grep, auditJson);
  const results = { ...prev, audit, prec, auditAt: new Date().toISOString(), auditLoad: loadavg().map((x) => x.toFixed(2)).join(' ') };
  delete results.precisionAt;
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  writeResults({ ...results, grep, auditJson });
  log(`rewrote ${RESULTS_NAME} (audit and precision sections)`);
}

/** Rewrites RESULTS.md from the stored results (after editing verdicts.json or analysis.md). */
function reportOnly() {
  const results = JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8'));
  const auditJson = JSON.parse(readFileSync(join(OUT, 'audit-6.12.json'), 'utf8'));
  writeResults({ ...results, grep: { ...results.grep, kfuncFiles: results.grep.kfuncFiles }, auditJson });
  log(`rewrote ${RESULTS_NAME} from bench/out/results.json`);
}

async function main() {
  if (process.env.BENCH_ONLY === 'report') return reportOnly();
  if (process.env.BENCH_ONLY === 'precision') return precisionOnly();
  if (process.env.BENCH_ONLY === 'audit') return auditOnly();
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  mkdirSync(OUT, { recursive: true });
  const mach = machine();
  ensureBuilt();
  const tree = findTree();
  log(`tree: ${tree}`);
  const checkpatch = setupCheckpatch(tree);
  const grep = grepTree(tree);
  log(`grep: ${grep.kfuncFiles.length} kfunc files, ${grep.defs} __bpf_kfunc, ${grep.entries} BTF_ID_FLAGS(func`);
  const patches = writePatches(tree, grep.kfuncFiles);
  const startup = measureStartup();
  const sets = [
    measurePatches('fixtures', patches.fixtures, checkpatch),
    measurePatches('tree', patches.tree, checkpatch),
  ];
  // "all": per-process numbers are the two sets' medians combined; batch is one process over
  // every patch (ours and checkpatch), timed again.
  const [a, b] = sets;
  const sum = (k) => (a[k] * a.n + b[k] * b.n) / (a.n + b.n);
  const everything = [...patches.fixtures, ...patches.tree];
  log(`all: one process over ${everything.length} patches x ${RUNS}`);
  const ob = [], cb = [];
  for (let r = 0; r < RUNS; r++) {
    ob.push(timed(process.execPath, reviewArgs(everything)));
    cb.push(timed('perl', [checkpatch, '--no-tree', '--no-color', ...everything]));
    log(`  run ${r + 1}: ours ${ob[r].wall.toFixed(2)} s, checkpatch ${cb[r].wall.toFixed(2)} s`);
  }
  const all = {
    label: 'all', n: everything.length,
    checkpatchPerPatch: sum('checkpatchPerPatch'), checkpatchBatchPerPatch: median(cb.map((x) => x.wall)) / everything.length,
    oursPerProcessPerPatch: sum('oursPerProcessPerPatch'), oursBatchPerPatch: median(ob.map((x) => x.wall)) / everything.length,
    rss: { checkpatch: Math.max(a.rss.checkpatch, b.rss.checkpatch), oursPerProcess: Math.max(a.rss.oursPerProcess, b.rss.oursPerProcess), oursBatch: Math.max(...ob.map((x) => x.rss ?? 0)) },
    failures: [...a.failures, ...b.failures],
  };
  all.ratioPerProcess = all.oursPerProcessPerPatch / all.checkpatchPerPatch;
  all.ratioBatch = all.oursBatchPerPatch / all.checkpatchPerPatch;
  all.ratioBatchVsCheckpatchBatch = all.oursBatchPerPatch / all.checkpatchBatchPerPatch;
  sets.push(all);
  sets[1].bytes = patches.tree.reduce((n, p) => n + statSync(p).size, 0);
  const audit = measureAudit(tree);
  const auditJson = JSON.parse(readFileSync(join(OUT, 'audit-6.12.json'), 'utf8'));
  const prec = precision(tree, grep, auditJson);
  const results = { mach, grep: { ...grep, kfuncFiles: grep.kfuncFiles.map((f) => relative(tree, f)) }, patchSets: sets.map(({ runs, ...x }) => x), startup, audit, prec, startedAt, wallMin: (Date.now() - t0) / 60000 };
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  writeResults({ ...results, grep, patchSets: sets, auditJson });
  log(`wrote ${RESULTS_NAME} (${results.wallMin.toFixed(1)} min)${WRITE ? '' : '; --write replaces bench/RESULTS.md with it'}`);
}

main().catch((err) => { log(`failed: ${err instanceof Error ? err.stack : err}`); process.exitCode = 1; });
