// Which kernel tree a patch targets, and why: gates version-dependent rules.

export interface TargetTree {
  /** 'X.Y' or null when unknown. */
  version: string | null;
  major: number;
  minor: number;
  /** Where the version came from. */
  source: 'flag' | 'tree' | 'series' | 'code' | 'default';
  /** One sentence for the report: "--kernel 6.12", "Makefile of /src/linux says 6.12", ... */
  reason: string;
}

/** Compare the target with X.Y: negative when older, 0 equal, positive when newer. */
export function compareVersion(t: TargetTree, major: number, minor: number): number {
  return t.major !== major ? t.major - major : t.minor - minor;
}

/** KF_TRUSTED_ARGS became the default (and the flag was deleted) in v7.0. */
export function trustedArgsIsDefault(t: TargetTree): boolean {
  return compareVersion(t, 7, 0) >= 0;
}

export function parseVersion(text: string): { major: number; minor: number } | null {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}
