// The ReportInput of a review or an audit: what every report format prints
// (src/core/report-input.ts). The review builds the per-patch parts as it goes (review.ts); this
// adds the tool and the run's errors and notes. An audit has no patches: its findings belong
// to the tree, and its header and totals ride along.
import { TOOL } from '../core/version.js';
import type { ReportInput } from '../core/report-input.js';
import type { ReviewResult } from './review.js';
import type { AuditResult } from './audit/audit.js';

export function reviewReport(r: ReviewResult): ReportInput {
  return { tool: TOOL, patches: r.report.patches, findings: r.report.findings, errors: r.errors, notes: r.warnings };
}

export function auditReport(r: AuditResult): ReportInput {
  return {
    tool: r.tool,
    patches: [],
    findings: r.findings.map((finding) => ({ finding, patch: null, quote: [] })),
    errors: r.errors,
    notes: [],
    audit: { tree: r.tree, kfuncs: r.kfuncs, registrations: r.registrations, sets: r.sets, stats: r.stats },
  };
}
