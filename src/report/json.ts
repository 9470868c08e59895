// The JSON contract (documented in README.md): tool, patches, findings, errors.
import type { RuleMeta } from '../core/types.js';
import { findingsOf, type ReportInput } from '../core/report-input.js';

export function formatJson(input: ReportInput, _rules: RuleMeta[]): string {
  return (
    JSON.stringify(
      {
        tool: input.tool,
        patches: input.patches.map((p) => p.summary),
        findings: findingsOf(input),
        errors: input.errors,
      },
      null,
      2,
    ) + '\n'
  );
}
