// The project config file, `.kfunc-review.json`: rule levels and user dispositions.
//
//   {
//     "rules": { "<rule id>": "off", "<another rule id>": "info" },
//     "dispositions": [
//       { "fingerprint": "3f2a9c0d1e2b4a5c", "status": "not-a-bug",
//         "reason": "checked in the caller", "link": "https://lore.kernel.org/..." }
//     ],
//     "selftests": "info"
//   }
//
// "selftests" says what becomes of findings on code under tools/testing/ (selftest kfuncs, many
// broken on purpose): "info" (the default) shows them as info, "off" drops them, "keep" leaves
// them as the rules report them. An unknown rule id or level is an error that names it.
//
// Rule ids are the names of the pages in docs/rules/. A disposition matches a finding by
// fingerprint (rule + kfunc + what), so it survives line moves and new versions of the patch.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Severity } from './types.js';
import { RULE_IDS } from '../rules/ids.js';

export interface Disposition {
  fingerprint: string;
  status: 'not-a-bug';
  reason: string;
  link?: string;
}
export type SelftestPolicy = 'info' | 'off' | 'keep';
export const SELFTEST_POLICIES: readonly SelftestPolicy[] = ['info', 'off', 'keep'];

export interface Config {
  rules: Record<string, Severity | 'off'>;
  dispositions: Disposition[];
  /** Findings on code under tools/testing/ (default info). */
  selftests?: SelftestPolicy;
}

const LEVELS = ['off', 'info', 'warning', 'error'];

/** Where selftest code lives in a kernel tree: its kfuncs are often broken on purpose. */
export function isSelftestPath(path: string): boolean {
  return /^(?:\.\/)?tools\/testing\//.test(path);
}

/** A kernel version as --kernel (or the Action's `kernel` input) takes it: X.Y, X.Y.Z or X.Y-rcN, a leading v allowed. */
export function kernelVersion(value: string, name = '--kernel'): string {
  const m = /^v?(\d+\.\d+)(?:\.\d+)?(?:-rc\d+)?$/.exec(value.trim());
  if (!m) throw new ConfigError(`${name} ${JSON.stringify(value)} is not a kernel version (X.Y, e.g. 6.12)`);
  return m[1]!;
}

export const DEFAULT_CONFIG_FILE = '.kfunc-review.json';

export class ConfigError extends Error {}

export function emptyConfig(): Config {
  return { rules: {}, dispositions: [] };
}

/**
 * The config every front door uses: `explicit` (--config, the Action's `config` input) must
 * exist; otherwise `.kfunc-review.json` in `dir` when present; otherwise none.
 */
export function resolveConfig(explicit: string | undefined, dir = '.'): Config | undefined {
  if (explicit) return loadConfig(explicit);
  const path = join(dir, DEFAULT_CONFIG_FILE);
  return existsSync(path) ? loadConfig(path) : undefined;
}

/** Reads and validates a config file; every problem names the file and the field. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: ${existsSync(path) ? `cannot read (${(err as Error).message})` : 'no such file'}`);
  }
  return parseConfig(text, path);
}

/**
 * Validates config text read from anywhere (a file, the GitHub contents API); `name` says where
 * it came from in every error.
 */
export function parseConfig(text: string, name: string): Config {
  const path = name;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${path}: must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  const cfg = emptyConfig();
  for (const key of Object.keys(obj))
    if (!['rules', 'dispositions', 'selftests', '$schema'].includes(key)) throw new ConfigError(`${path}: unknown key "${key}"`);
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules))
      throw new ConfigError(`${path}: "rules" must be an object`);
    for (const [id, level] of Object.entries(obj.rules)) {
      if (!RULE_IDS.includes(id)) throw new ConfigError(`${path}: rules: unknown rule id "${id}" (the rules are listed in docs/rules/)`);
      if (!LEVELS.includes(level as string))
        throw new ConfigError(`${path}: rules.${id}: unknown level ${JSON.stringify(level)} (off, info, warning or error)`);
      cfg.rules[id] = level as Severity | 'off';
    }
  }
  if (obj.selftests !== undefined) {
    if (!SELFTEST_POLICIES.includes(obj.selftests as SelftestPolicy))
      throw new ConfigError(`${path}: selftests: unknown value ${JSON.stringify(obj.selftests)} (info, off or keep)`);
    cfg.selftests = obj.selftests as SelftestPolicy;
  }
  if (obj.dispositions !== undefined) {
    if (!Array.isArray(obj.dispositions)) throw new ConfigError(`${path}: "dispositions" must be an array`);
    obj.dispositions.forEach((d: unknown, i) => {
      const e = d as Record<string, unknown>;
      if (!e || typeof e.fingerprint !== 'string' || !/^[0-9a-f]{8,64}$/.test(e.fingerprint))
        throw new ConfigError(`${path}: dispositions[${i}].fingerprint must be a finding fingerprint`);
      if (e.status !== 'not-a-bug') throw new ConfigError(`${path}: dispositions[${i}].status must be "not-a-bug"`);
      if (typeof e.reason !== 'string' || !e.reason.trim()) throw new ConfigError(`${path}: dispositions[${i}].reason is required`);
      if (e.link !== undefined && typeof e.link !== 'string') throw new ConfigError(`${path}: dispositions[${i}].link must be a string`);
      cfg.dispositions.push({
        fingerprint: e.fingerprint,
        status: 'not-a-bug',
        reason: e.reason,
        ...(e.link ? { link: e.link as string } : {}),
      });
    });
  }
  return cfg;
}

/**
 * Applies rule levels and dispositions. A disposed finding stays in the result (marked) so
 * the summary can say "disputed, model contradicts" when the model confirmed the bug.
 */
export function applyConfig(findings: Finding[], cfg: Config): Finding[] {
  const out: Finding[] = [];
  const selftests = cfg.selftests ?? 'info';
  for (const f of findings) {
    const level = cfg.rules[f.rule];
    if (level === 'off') continue;
    const selftest = selftests !== 'keep' && isSelftestPath(f.file);
    if (selftest && selftests === 'off') continue;
    const g: Finding = level ? { ...f, severity: level } : { ...f };
    if (selftest && g.severity !== 'info') {
      g.evidence = [
        ...g.evidence,
        `selftest: ${f.file} is under tools/testing/ (shown as info; config "selftests": "keep" reports it as ${g.severity})`,
      ];
      g.severity = 'info';
    }
    const d = cfg.dispositions.find((x) => f.fingerprint.startsWith(x.fingerprint));
    if (d)
      g.disposition = {
        reason: d.reason,
        ...(d.link ? { link: d.link } : {}),
        contradicted: f.verdict === 'confirmed' || f.verdict === 'warn-reachable',
      };
    out.push(g);
  }
  return out;
}
