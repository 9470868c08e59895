// What the findings mean for a run, decided once for every front door: the config's rule levels
// and dispositions, whether the run fails at a fail level, and counts by severity.
import { applyConfig, emptyConfig, type Config } from './config.js';
import { SEVERITY_RANK, type Finding, type Severity } from './types.js';

export type FailLevel = Severity | 'none';

export const FAIL_LEVELS: readonly FailLevel[] = ['error', 'warning', 'info', 'none'];

/** Rule levels, dispositions and the selftest policy from the config (none: the defaults). */
export function finalFindings(findings: Finding[], config: Config | undefined): Finding[] {
  return applyConfig(findings, config ?? emptyConfig());
}

/** True when some finding not disposed as not-a-bug is at or above `level`. */
export function fails(findings: Finding[], level: FailLevel): boolean {
  if (level === 'none') return false;
  const threshold = SEVERITY_RANK[level];
  return findings.some((f) => !f.disposition && SEVERITY_RANK[f.severity] >= threshold);
}

export type Counts = Record<Severity, number>;

/** Findings by severity, disposed ones left out. */
export function countBySeverity(findings: Finding[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) if (!f.disposition) c[f.severity]++;
  return c;
}
