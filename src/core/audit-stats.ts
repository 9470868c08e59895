// The counts and timings of a whole-tree audit: plain data the audit pipeline fills and the
// audit report prints (kept in core so the report layer does not import the pipeline).
import type { Severity } from './types.js';

export interface AuditStats {
  files: number;
  filesScanned: number;
  bytesScanned: number;
  candidates: number;
  parsed: number;
  calleeRegions: number;
  calleeFunctions: number;
  kfuncs: number;
  registrations: number;
  sets: number;
  registerCalls: number;
  /** The tree index: names some entry registers, and those only an X-macro list registers ([name, how]). */
  treeIndex: { registered: number; expanded: [string, string][] };
  findings: { total: number; bySeverity: Record<Severity, number>; byRule: Record<string, Record<Severity, number>> };
  cache: { enabled: boolean; dir: string | null; scanReused: boolean; hits: number; misses: number; corrupt: number; writes: number };
  jobs: number;
  ms: { walk: number; scan: number; reach: number; analyse: number; total: number };
}
