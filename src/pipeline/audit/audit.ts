// Whole-tree audit: every kfunc of a kernel tree as it stands, not a diff.
//
//   walk  → every .c/.h path with its stat
//   scan  → read each file once: kfunc candidates (.c with a marker) + function-definition index
//           (skipped when the cached scan's stats match the tree exactly)
//   reach → per candidate, the function bodies of other files its kfuncs reach (callee context)
//   analyse → parse + model + rules per candidate (worker threads), cached by content hash
//   merge → results in path order, so --jobs N and --jobs 1 print the same bytes
import { byText } from '../../core/engine.js';
import { statSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { detectTarget, makefileRelease, type TargetTree } from '../../model/target.js';
import { readTreeMakefile } from '../../tree/makefile.js';
import { readTreeTextOrNull } from '../../tree/contained.js';
import { TOOL } from '../../core/version.js';
import type { Finding } from '../../core/types.js';
import type { AuditStats } from '../../core/audit-stats.js';
import type { Config } from '../../core/config.js';
import { finalFindings } from '../../core/policy.js';
import type { KfuncJson, RegistrationJson, SetJson } from '../../core/summary.js';
import picomatch from 'picomatch';
import { walkTree, scanFiles, type TreeFile, type ScanChunk } from '../../tree/scan.js';
import { buildDefIndex, reachedRegions, FileCache, type Region } from '../../tree/callees.js';
import { analyse, type AnalyseResult, type AnalyseTask } from './analyse.js';
import { AuditCache, defaultCacheDir, ruleSetHash, sha256 } from '../../tree/cache.js';
import { defsRecord, isScanRecord, scanKeyOf, type DefsRecord, type ScanRecord, type TreeRecord } from '../../tree/records.js';
import { Pool, workerScript } from './pool.js';
import { indexTreeFiles, mergeTreeIndex, type TreeIndexData } from '../../tree/tree-index.js';

export interface AuditProgress {
  /** `counting` names what update()'s second number counts (kfunc files, kfuncs). */
  start(phase: string, total: number, counting: string): void;
  update(value: number, kfuncs?: number): void;
  stop(): void;
}

export interface AuditOptions {
  /** Worker threads for scan and parse; 1 = everything in this thread. Default: defaultJobs(). */
  jobs?: number;
  /** false disables the persistent cache (--no-cache). */
  cache?: boolean;
  cacheDir?: string;
  /** How many calls deep to follow kfuncs into other files (0 = none). Default 2. */
  calleeDepth?: number;
  /** Cap on callee regions per kfunc file. */
  maxRegions?: number;
  kernel?: string;
  /** Rule levels and dispositions, applied to the merged findings (results stay cacheable). */
  config?: Config;
  /** Globs of tree paths to leave out (--exclude), matched against the path in the tree. */
  exclude?: string[];
  progress?: AuditProgress;
}

export type { AuditStats } from '../../core/audit-stats.js';

export interface AuditResult {
  tool: { name: string; version: string };
  tree: { path: string; version: string | null; target: TargetTree };
  kfuncs: KfuncJson[];
  registrations: RegistrationJson[];
  sets: SetJson[];
  findings: Finding[];
  errors: { input: string; message: string }[];
  stats: AuditStats;
}

function isAnalyseResult(p: unknown): p is AnalyseResult {
  const r = p as AnalyseResult;
  return (
    !!r &&
    typeof r.path === 'string' &&
    Array.isArray(r.kfuncs) &&
    Array.isArray(r.registrations) &&
    Array.isArray(r.sets) &&
    Array.isArray(r.findings) &&
    Array.isArray(r.errors) &&
    typeof r.calleeFunctions === 'number' &&
    typeof r.registerCalls === 'number' &&
    r.findings.every(
      (f) =>
        f && typeof f.rule === 'string' && typeof f.file === 'string' && typeof f.line === 'number' && typeof f.fingerprint === 'string',
    )
  );
}

const SCAN_CHUNK = 400;

function sameFiles(a: TreeFile[], b: ScanRecord['files']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (x.rel !== y[0] || x.size !== y[1] || x.mtimeMs !== y[2] || x.ino !== y[3]) return false;
  }
  return true;
}

/** A file of the tree as text, or null when it cannot be read (or a cache record points out of the tree). */
function readText(root: string, rel: string): string | null {
  try {
    return readTreeTextOrNull(root, rel);
  } catch {
    return null;
  }
}

/**
 * Worker threads by default: one per core, at most 8. On a quiet 2-core machine two workers beat
 * the main thread alone (scan and parse overlap); on a heavily loaded one they do not, since each
 * worker spends ~0.2-0.3 s loading tree-sitter and the rules (bench/RESULTS.md).
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export async function runAudit(dir: string, opts: AuditOptions = {}): Promise<AuditResult> {
  const t0 = performance.now();
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir}: not a directory`);
  const root = realpathSync(dir);
  const depth = opts.calleeDepth ?? 2;
  const maxRegions = opts.maxRegions ?? 400;
  let jobs = opts.jobs ?? defaultJobs();
  const script = jobs > 1 ? workerScript() : null;
  if (!script) jobs = 1;
  const progress = opts.progress;
  const cacheOn = opts.cache !== false;
  const cache = cacheOn ? new AuditCache(opts.cacheDir ?? defaultCacheDir()) : null;

  const makefile = readTreeMakefile(root);
  const target = detectTarget({ kernelFlag: opts.kernel, treeMakefile: makefile, treePath: dir });
  const treeVersion = makefile ? makefileRelease(makefile) : null;

  const unreadable: string[] = [];
  // An excluded file is not audited and not in the definitions index either.
  const excluded = opts.exclude?.length ? picomatch(opts.exclude, { dot: true }) : null;
  const files = excluded ? walkTree(root, unreadable).filter((f) => !excluded(f.rel)) : walkTree(root, unreadable);
  const tWalk = performance.now();
  const paths = files.map((f) => f.rel);
  const pool = jobs > 1 ? new Pool(jobs, script!) : null;
  const stats: AuditStats = {
    files: files.filter((f) => f.rel.endsWith('.c')).length,
    filesScanned: 0,
    bytesScanned: 0,
    candidates: 0,
    parsed: 0,
    calleeRegions: 0,
    calleeFunctions: 0,
    kfuncs: 0,
    registrations: 0,
    sets: 0,
    registerCalls: 0,
    treeIndex: { registered: 0, expanded: [] },
    findings: { total: 0, bySeverity: { error: 0, warning: 0, info: 0 }, byRule: {} },
    cache: { enabled: cacheOn, dir: cache?.dir ?? null, scanReused: false, hits: 0, misses: 0, corrupt: 0, writes: 0 },
    jobs,
    ms: { walk: Math.round(tWalk - t0), scan: 0, reach: 0, analyse: 0, total: 0 },
  };

  try {
    // ---- scan (or reuse the cached one when every stat matches) ----
    // A scan with files left out is not the tree's: kept under its own key, so `--tree`
    // reviews (which read the tree's key) never see an index with holes.
    const scanKey = opts.exclude?.length ? scanKeyOf(`${root}\0exclude\0${opts.exclude.join('\0')}`) : scanKeyOf(root);
    const prev = cache?.get('scan', scanKey, isScanRecord) ?? null;
    let defs: DefsRecord | null = null;
    let treeRecord: TreeRecord | null = null;
    let candidates: string[];
    let regionsOf: (rel: string) => Region[];
    let record: ScanRecord | null = null;
    let tree: TreeIndexData;
    let tScan: number;
    let tReach: number;
    // The defs record goes with the scan: without it (deleted as corrupt by a review) rescan.
    if (
      prev &&
      prev.depth === depth &&
      prev.maxRegions === maxRegions &&
      cache!.has('tree', scanKey) &&
      (depth === 0 || cache!.has('defs', scanKey)) &&
      sameFiles(files, prev.files)
    ) {
      stats.cache.scanReused = true;
      candidates = prev.candidates;
      tree = prev.tree;
      const lines = new Map<string, string[]>();
      const linesOf = (rel: string) => {
        let l = lines.get(rel);
        if (!l) {
          l = (readText(root, rel) ?? '').replace(/\r\n?/g, '\n').split('\n');
          lines.set(rel, l);
        }
        return l;
      };
      regionsOf = (rel) =>
        prev.regions[rel].map(([p, s, e]) => ({
          path: p,
          start: s,
          lines: linesOf(p)
            .slice(s - 1, e)
            .map((l) => l.replace(/\b__bpf_kfunc\b(?!_)/g, '           ')),
        }));
      tScan = performance.now();
      tReach = tScan;
    } else {
      progress?.start('scan', files.length, 'kfunc files');
      const chunks: { chunk: ScanChunk; offset: number }[] = [];
      const wantDefs = depth > 0;
      if (pool) {
        let done = 0,
          found = 0;
        const jobsDone: Promise<void>[] = [];
        for (let i = 0; i < paths.length; i += SCAN_CHUNK) {
          const offset = i;
          const slice = paths.slice(i, i + SCAN_CHUNK);
          jobsDone.push(
            pool.run<ScanChunk>({ type: 'scan', root, files: slice, wantDefs }).then((chunk) => {
              chunks.push({ chunk, offset });
              done += slice.length;
              found += chunk.candidates.length;
              progress?.update(done, found);
            }),
          );
        }
        await Promise.all(jobsDone);
        chunks.sort((a, b) => a.offset - b.offset);
      } else {
        chunks.push({
          chunk: scanFiles(root, paths, wantDefs, (k) => {
            if ((k & 255) === 0) progress?.update(k);
          }),
          offset: 0,
        });
      }
      progress?.stop();
      candidates = chunks.flatMap(({ chunk, offset }) => chunk.candidates.map((k) => paths[k + offset]));
      for (const { chunk, offset } of chunks)
        for (const k of chunk.unreadable) unreadable.push(`${paths[k + offset]}: cannot be read; not audited`);
      tScan = performance.now();
      const index = buildDefIndex(chunks);
      const fc = new FileCache(root, paths);
      const byRel = new Map(paths.map((p, i) => [p, i]));
      const computed = new Map<string, Region[]>();
      progress?.start('reach', candidates.length, 'callee regions');
      let regionCount = 0;
      candidates.forEach((c, k) => {
        const rs = reachedRegions(index, paths, fc, byRel.get(c)!, { depth, maxRegions });
        computed.set(c, rs);
        regionCount += rs.length;
        progress?.update(k + 1, regionCount);
      });
      progress?.stop();
      regionsOf = (rel) => computed.get(rel) ?? [];
      // Plain definitions of registered names anywhere in the tree (prefer a global one).
      const lookup = wantDefs
        ? (name: string) => {
            const locs = (index.get(name) ?? []).filter((l) => paths[l.file].endsWith('.c'));
            const l = locs.find((x) => !x.isStatic) ?? locs[0];
            return l ? paths[l.file] : undefined;
          }
        : undefined;
      const perFile = indexTreeFiles(
        root,
        candidates.flatMap((rel) => {
          const text = readText(root, rel);
          return text === null ? [] : [{ rel, text }];
        }),
      );
      tree = mergeTreeIndex(perFile, lookup);
      if (cache && wantDefs) defs = defsRecord(index, paths);
      const statOf = new Map(files.map((f) => [f.rel, f]));
      treeRecord = {
        candidates: candidates.map((c) => {
          const f = statOf.get(c)!;
          return [c, f.size, f.mtimeMs, f.ino];
        }),
        depth,
        maxRegions,
        tree,
        treeFiles: perFile.map(({ rel, x }) => [rel, x]),
      };
      record = {
        tree,
        files: files.map((f) => [f.rel, f.size, f.mtimeMs, f.ino]),
        candidates,
        depth,
        maxRegions,
        regions: Object.fromEntries(
          candidates.map((c) => [
            c,
            computed.get(c)!.map((r) => [r.path, r.start, r.start + r.lines.length - 1] as [string, number, number]),
          ]),
        ),
      };
      tReach = performance.now();
    }
    stats.filesScanned = stats.cache.scanReused ? 0 : files.length;
    stats.bytesScanned = stats.cache.scanReused ? 0 : files.reduce((n, f) => n + f.size, 0);
    stats.candidates = candidates.length;
    stats.ms.scan = Math.round(tScan - tWalk);
    stats.ms.reach = Math.round(tReach - tScan);

    // ---- analyse each candidate (cache → pool → cache) ----
    const rules = ruleSetHash();
    const treeKey = sha256(JSON.stringify(tree));
    stats.treeIndex = { registered: tree.registered.length, expanded: tree.expanded };
    const results: (AnalyseResult | null)[] = new Array(candidates.length).fill(null);
    const todo: { i: number; key: string; task: AnalyseTask }[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const rel = candidates[i];
      const text = readText(root, rel);
      if (text === null) {
        // Unreadable now (or named by a cache record that leaves the tree): an error, not a skip.
        if (!unreadable.some((u) => u.startsWith(`${rel}: `))) unreadable.push(`${rel}: cannot be read; not audited`);
        continue;
      }
      const regions = regionsOf(rel);
      stats.calleeRegions += regions.length;
      const h = createKey(rules, target, depth, rel, text, regions, treeKey);
      const hit = cache?.get('result', h, isAnalyseResult) ?? null;
      if (hit && hit.path === rel) results[i] = hit;
      else todo.push({ i, key: h, task: { path: rel, text, regions, target, tree } });
    }
    progress?.start('parse', candidates.length, 'kfuncs');
    let done = candidates.length - todo.length;
    let kf = results.reduce((n, r) => n + (r?.kfuncs.length ?? 0), 0);
    progress?.update(done, kf);
    const finish = (t: (typeof todo)[number], r: AnalyseResult) => {
      results[t.i] = r;
      cache?.put('result', t.key, r);
      done++;
      kf += r.kfuncs.length;
      progress?.update(done, kf);
    };
    if (pool) {
      // Biggest files first so one large file does not finish last on its own.
      const order = [...todo].sort((a, b) => b.task.text.length - a.task.text.length || a.i - b.i);
      await Promise.all(order.map((t) => pool.run<AnalyseResult>({ type: 'analyse', task: t.task }).then((r) => finish(t, r))));
    } else {
      for (const t of todo) finish(t, analyse(t.task));
    }
    progress?.stop();
    stats.parsed = todo.length;
    if (record && cache) {
      if (defs) cache.put('defs', scanKey, defs);
      if (treeRecord) cache.put('tree', scanKey, treeRecord);
      cache.put('scan', scanKey, record);
    }
    stats.ms.analyse = Math.round(performance.now() - tReach);

    // ---- merge ----
    const out: AuditResult = {
      tool: TOOL,
      tree: { path: dir, version: treeVersion, target },
      kfuncs: [],
      registrations: [],
      sets: [],
      findings: [],
      errors: [],
      stats,
    };
    const seen = new Set<string>();
    for (const message of unreadable) out.errors.push({ input: message.slice(0, message.indexOf(': ')), message });
    for (const r of results) {
      if (!r) continue;
      for (const k of r.kfuncs) out.kfuncs.push(k);
      for (const x of r.registrations) out.registrations.push(x);
      for (const x of r.sets) out.sets.push(x);
      stats.calleeFunctions += r.calleeFunctions;
      stats.registerCalls += r.registerCalls;
      for (const f of r.findings) {
        const k = `${f.file}\0${f.line}\0${f.fingerprint}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.findings.push(f);
      }
      for (const m of r.errors) out.errors.push({ input: r.path, message: m.startsWith(`${r.path}:`) ? m : `${r.path}: ${m}` });
    }
    out.findings = finalFindings(out.findings, opts.config);
    out.findings.sort(
      (a, b) =>
        byText(a.file, b.file) ||
        a.line - b.line ||
        byText(a.rule, b.rule) ||
        byText(a.kfunc, b.kfunc) ||
        byText(a.fingerprint, b.fingerprint),
    );
    stats.kfuncs = out.kfuncs.length;
    stats.registrations = out.registrations.length;
    stats.sets = out.sets.length;
    for (const f of out.findings) {
      stats.findings.total++;
      stats.findings.bySeverity[f.severity]++;
      const r = (stats.findings.byRule[f.rule] ??= { error: 0, warning: 0, info: 0 });
      r[f.severity]++;
    }
    stats.findings.byRule = Object.fromEntries(Object.entries(stats.findings.byRule).sort(([a], [b]) => byText(a, b)));
    if (cache) Object.assign(stats.cache, cache.stats);
    stats.ms.total = Math.round(performance.now() - t0);
    return out;
  } finally {
    progress?.stop();
    await pool?.close();
  }
}

function createKey(
  rules: string,
  target: TargetTree,
  depth: number,
  rel: string,
  text: string,
  regions: Region[],
  treeKey: string,
): string {
  const h = [`${TOOL.version}`, rules, `${target.version}`, String(depth), rel, sha256(text), treeKey];
  for (const r of regions) h.push(`${r.path}:${r.start}:${sha256(r.lines.join('\n'))}`);
  return sha256(h.join('\0'));
}
