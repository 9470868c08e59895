// Every output format by name, all with the one signature `(input: ReportInput, rules) => string`
// (src/core/report-input.ts), so a front door picks a format and never adapts its input.
import type { ReportFormat } from '../core/report-input.js';
import { formatText } from './text.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatEmail } from './email.js';
import { formatAuditJson, formatAuditSarif, formatAuditText } from './audit.js';

export const REVIEW_FORMATS = { text: formatText, json: formatJson, sarif: formatSarif, email: formatEmail } satisfies Record<
  string,
  ReportFormat
>;
export const AUDIT_FORMATS = { text: formatAuditText, json: formatAuditJson, sarif: formatAuditSarif } satisfies Record<
  string,
  ReportFormat
>;

export type ReviewFormatName = keyof typeof REVIEW_FORMATS;
export type AuditFormatName = keyof typeof AUDIT_FORMATS;
