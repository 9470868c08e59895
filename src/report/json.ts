// The JSON contract (documented in README.md): tool, patches, findings, errors.
import type { ReviewResult } from '../pipeline/review.js';
import { TOOL } from '../core/version.js';

export function formatJson(result: ReviewResult): string {
  return JSON.stringify({
    tool: TOOL,
    patches: result.patches,
    findings: result.findings,
    errors: result.errors,
  }, null, 2) + '\n';
}
