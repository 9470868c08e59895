// The persistent audit cache. Two kinds of records, each one JSON file written atomically:
//
//   results/<k0k1>/<key>.json  analysis of one kfunc file; key = sha256 of the tool version, the
//                              rule-set hash, the target version, the file's content and the
//                              content of every callee region it was analysed with.
//   scan/<sha(root)>.json      the last scan of a tree: each file's size/mtime/inode and
//                              which files are kfunc candidates (a stat-keyed accelerator like
//                              git's index; results themselves are always content-keyed), and
//                              the tree index per kfunc file.
//   tree/<sha(root)>.json      the tree index with each kfunc file's part and stat, written
//                              with the scan record: what a `--tree` review of a patch reads.
//   defs/<sha(root)>.json      where the tree's global functions are defined (name → files),
//                              written with the scan record: a `--tree` review of a patch finds
//                              the callees of its kfuncs in other files through it.
//
// Every record is an envelope {format, tool, rules, kind, key, checksum, payload}; `rules` is
// the hash of the code the record depends on (rules + analysis for results, the scan code for
// scan records). A record whose JSON, shape, format, tool version, code hash, key or checksum
// does not match is ignored (counted as corrupt) and rewritten: the cache is never trusted,
// only reused.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, renameSync, readdirSync, statSync, rmSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../rules/index.js';
import { TOOL } from '../core/version.js';

export const CACHE_FORMAT = 1;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** $KFUNC_REVIEW_CACHE, else the platform's user cache directory + /kfunc-review. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KFUNC_REVIEW_CACHE) return env.KFUNC_REVIEW_CACHE;
  const home = homedir();
  if (platform() === 'darwin') return join(home, 'Library', 'Caches', 'kfunc-review');
  if (platform() === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'kfunc-review', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'kfunc-review');
}

const memo = new Map<string, string>();

/** Hash of the code (as loaded: .js from dist, .ts under vitest) in some src/ directories and files. */
function codeHash(dirs: string[], files: string[], extra = ''): string {
  const key = `${dirs.join(',')}|${files.join(',')}|${extra}`;
  const known = memo.get(key);
  if (known) return known;
  const h = createHash('sha256').update(extra);
  const src = join(dirname(fileURLToPath(import.meta.url)), '..');
  const found: string[] = [];
  const collect = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) collect(p);
      else if (/\.(js|ts)$/.test(n) && !n.endsWith('.d.ts')) found.push(p);
    }
  };
  for (const d of dirs) collect(join(src, d));
  for (const f of files)
    for (const ext of ['.js', '.ts']) {
      try {
        statSync(join(src, f + ext));
        found.push(join(src, f + ext));
      } catch {
        /* other flavour */
      }
    }
  // Bundled (the Action's release layout is one file): no source tree beside it, so the bundle
  // itself is the code. Without this the key would not change between releases.
  if (!found.length) found.push(fileURLToPath(import.meta.url));
  for (const f of found) h.update(f.slice(src.length)).update('\0').update(readFileSync(f)).update('\0');
  const out = h.digest('hex').slice(0, 32);
  memo.set(key, out);
  return out;
}

/**
 * Hash of what decides findings besides the input: rule metadata and the code of the rules,
 * every layer below the tree service, and the pipeline.
 */
export function ruleSetHash(): string {
  return codeHash(['intake', 'model', 'knowledge', 'facts', 'rules', 'core', 'pipeline'], [], JSON.stringify(registry.map((r) => r.meta)));
}

/** Hash of the code that produces scan and defs records (walk, byte scan, callee reach, tree index). */
export function scanCodeHash(): string {
  return codeHash([], ['tree/scan', 'tree/callees', 'pipeline/audit/audit', 'tree/tree-index']);
}

interface Envelope<T> {
  format: number;
  tool: string;
  rules: string;
  kind: string;
  key: string;
  checksum: string;
  payload: T;
}

export interface CacheStats {
  hits: number;
  misses: number;
  corrupt: number;
  writes: number;
}

export class AuditCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0 };
  private readonly salts: Record<string, string>;
  /** `salts` per record kind: results depend on the rule set, scan records on the scan code. */
  constructor(
    readonly dir: string,
    private readonly toolVersion = TOOL.version,
    salts?: Record<string, string>,
  ) {
    this.salts = salts ?? { result: ruleSetHash(), scan: scanCodeHash(), defs: scanCodeHash(), tree: scanCodeHash() };
  }

  private salt(kind: string): string {
    return this.salts[kind] ?? '';
  }

  private path(kind: string, key: string): string {
    return kind === 'result'
      ? join(this.dir, `v${CACHE_FORMAT}`, 'results', key.slice(0, 2), `${key}.json`)
      : join(this.dir, `v${CACHE_FORMAT}`, kind, `${key}.json`);
  }

  /** A record file exists under (kind, key) (not checked: get() does that). */
  has(kind: string, key: string): boolean {
    try {
      return statSync(this.path(kind, key)).isFile();
    } catch {
      return false;
    }
  }

  /** The payload stored under (kind, key), or null when absent or not trustworthy. */
  get<T>(kind: string, key: string, valid: (p: unknown) => p is T): T | null {
    const p = this.path(kind, key);
    let raw: string;
    try {
      raw = readFileSync(p, 'utf8');
    } catch {
      this.stats.misses++;
      return null;
    }
    try {
      const env = JSON.parse(raw) as Partial<Envelope<unknown>>;
      if (
        !env ||
        typeof env !== 'object' ||
        env.format !== CACHE_FORMAT ||
        env.tool !== this.toolVersion ||
        env.rules !== this.salt(kind) ||
        env.kind !== kind ||
        env.key !== key ||
        typeof env.checksum !== 'string' ||
        env.checksum !== sha256(JSON.stringify(env.payload ?? null)) ||
        !valid(env.payload)
      ) {
        throw new Error('invalid');
      }
      this.stats.hits++;
      return env.payload;
    } catch {
      this.stats.corrupt++;
      this.stats.misses++;
      try {
        rmSync(p, { force: true });
      } catch {
        /* read-only cache: just ignore it */
      }
      return null;
    }
  }

  put<T>(kind: string, key: string, payload: T): void {
    const p = this.path(kind, key);
    const env: Envelope<T> = {
      format: CACHE_FORMAT,
      tool: this.toolVersion,
      rules: this.salt(kind),
      kind,
      key,
      checksum: sha256(JSON.stringify(payload ?? null)),
      payload,
    };
    try {
      mkdirSync(dirname(p), { recursive: true });
      const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, JSON.stringify(env));
      renameSync(tmp, p);
      this.stats.writes++;
    } catch {
      // An unwritable cache costs speed, never correctness.
    }
  }
}
