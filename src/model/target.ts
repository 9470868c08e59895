// Which kernel tree a patch targets, and why: gates version-dependent rules.
import { landingRelease } from './kernel-releases.js';

export interface TargetTree {
  /** 'X.Y' or null when unknown. */
  version: string | null;
  major: number;
  minor: number;
  /** Where the version came from. */
  source: 'flag' | 'tree' | 'series' | 'code' | 'default';
  /** One sentence for the report: "--kernel 6.12", "Makefile of /src/linux says 6.12", ... */
  reason: string;
  /**
   * For a target read from a mailed series: the mail date (YYYY-MM-DD). The tree then is the
   * development tree of that day, which may not yet have everything its release has.
   */
  asOf?: string;
}

/** Compare the target with X.Y: negative when older, 0 equal, positive when newer. */
export function compareVersion(t: TargetTree, major: number, minor: number): number {
  return t.major !== major ? t.major - major : t.minor - minor;
}

/**
 * True when the target tree has something that appeared in `major.minor`, merged into the
 * development trees on `merged` (YYYY-MM-DD): a series mailed before that day targets its
 * release without it.
 */
export function treeHas(t: TargetTree, major: number, minor: number, merged: string): boolean {
  const c = compareVersion(t, major, minor);
  if (c !== 0) return c > 0;
  return !t.asOf || t.asOf >= merged;
}

/** KF_TRUSTED_ARGS became the default (and the flag was deleted) in v7.0. */
export function trustedArgsIsDefault(t: TargetTree): boolean {
  return compareVersion(t, 7, 0) >= 0;
}

export function parseVersion(text: string): { major: number; minor: number } | null {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

export interface TargetHints {
  /** --kernel X.Y */
  kernelFlag?: string;
  /** VERSION/PATCHLEVEL read from the --tree Makefile. */
  treeMakefile?: string;
  treePath?: string;
  /** Tree named in the subject tag, e.g. 'bpf-next'. */
  subjectTree?: string | null;
  /** Mail date (ISO). */
  date?: string | null;
  /** Every visible line of the touched files (context tells what the base tree has). */
  codeLines?: string[];
}

const DEFAULT: TargetTree = {
  version: '6.12',
  major: 6,
  minor: 12,
  source: 'default',
  reason: 'no --kernel, --tree or series hint: assumed 6.12',
};

/** The date bpf-next dropped KF_TRUSTED_ARGS (it became the default in v7.0). */
const TRUSTED_DEFAULT_DATE = '2026-01-02';

function make(version: string, source: TargetTree['source'], reason: string): TargetTree {
  const v = parseVersion(version) ?? { major: 6, minor: 12 };
  return { version: `${v.major}.${v.minor}`, major: v.major, minor: v.minor, source, reason };
}

export function makefileVersion(text: string): string | null {
  const v = /^VERSION\s*=\s*(\d+)/m.exec(text);
  const p = /^PATCHLEVEL\s*=\s*(\d+)/m.exec(text);
  return v && p ? `${v[1]}.${p[1]}` : null;
}

/** The full release of a Makefile, `X.Y` or `X.Y.Z` (a SUBLEVEL of 0 is left out). */
export function makefileRelease(text: string): string | null {
  const base = makefileVersion(text);
  const s = /^SUBLEVEL\s*=\s*(\d+)/m.exec(text);
  return base && s && s[1] !== '0' ? `${base}.${s[1]}` : base;
}

function compareVersionText(a: string, b: string): number {
  const x = parseVersion(a)!,
    y = parseVersion(b)!;
  return x.major !== y.major ? x.major - y.major : x.minor - y.minor;
}

/** Decides the base kernel, strongest hint first, and says why. */
export function detectTarget(h: TargetHints): TargetTree {
  if (h.kernelFlag && parseVersion(h.kernelFlag)) return make(h.kernelFlag, 'flag', `--kernel ${h.kernelFlag}`);
  if (h.treeMakefile) {
    const v = makefileVersion(h.treeMakefile);
    if (v) return make(v, 'tree', `the Makefile of ${h.treePath ?? 'the tree'} says ${v}`);
  }
  const when = h.date ? new Date(h.date) : null;
  if (h.subjectTree && /^bpf(-next)?$/.test(h.subjectTree) && when && !Number.isNaN(when.getTime())) {
    const day = when.toISOString().slice(0, 10);
    const fixes = h.subjectTree === 'bpf';
    const lands = landingRelease(day, fixes ? 'fixes' : 'next');
    const into = fixes ? 'the bpf tree (fixes for the current cycle)' : 'bpf-next';
    if (lands && compareVersionText(lands, '7.0') >= 0) {
      return day >= TRUSTED_DEFAULT_DATE
        ? make(lands, 'series', `[PATCH ${h.subjectTree}] mailed ${day}: ${into} then targeted v${lands} (trusted args by default)`)
        : make('6.19', 'series', `[PATCH ${h.subjectTree}] mailed ${day}: ${into} before KF_TRUSTED_ARGS became the default (v7.0)`);
    }
    if (lands) return { ...make(lands, 'series', `[PATCH ${h.subjectTree}] mailed ${day}: ${into} then targeted v${lands}`), asOf: day };
  }
  const code = h.codeLines ?? [];
  if (code.some((l) => /\bKF_IMPLICIT_ARGS\b/.test(l))) return make('7.0', 'code', 'the code uses KF_IMPLICIT_ARGS (v7.0+)');
  if (code.some((l) => /\bKF_TRUSTED_ARGS\b/.test(l))) {
    return code.some((l) => /\bBTF_KFUNCS_START\b/.test(l))
      ? make('6.19', 'code', 'the code uses KF_TRUSTED_ARGS (before v7.0) and BTF_KFUNCS_START (6.9+): assumed 6.19')
      : make('6.12', 'code', 'the code uses KF_TRUSTED_ARGS (before v7.0): assumed 6.12');
  }
  if (code.some((l) => /\bBTF_KFUNCS_START\b/.test(l))) return make('6.12', 'code', 'the code uses BTF_KFUNCS_START (6.9+): assumed 6.12');
  return DEFAULT;
}
