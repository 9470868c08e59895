// Audit reports: JSON (the review JSON's kfunc/registration/set/finding shapes under a tree
// header), text (checkpatch-like findings, then a summary table) and SARIF.
import { formatFinding } from './text.js';
import { formatSarif } from './sarif.js';
import type { RuleMeta, Severity } from '../core/types.js';
import { findingsOf, type AuditReport, type ReportInput } from '../core/report-input.js';

function auditOf(input: ReportInput): AuditReport {
  if (!input.audit) throw new Error('an audit report needs the audit header (pipeline/report-input.ts auditReport)');
  return input.audit;
}

export function formatAuditJson(input: ReportInput, _rules: RuleMeta[]): string {
  const a = auditOf(input);
  return (
    JSON.stringify(
      {
        tool: input.tool,
        tree: a.tree,
        kfuncs: a.kfuncs,
        registrations: a.registrations,
        sets: a.sets,
        findings: findingsOf(input),
        errors: input.errors,
        stats: a.stats,
      },
      null,
      2,
    ) + '\n'
  );
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

export function formatAuditText(input: ReportInput, _rules: RuleMeta[]): string {
  const a = auditOf(input);
  const findings = findingsOf(input);
  const out: string[] = [];
  const view = { verbose: input.output?.verbose ?? false, seen: new Set<string>() };
  for (const f of input.findings) out.push(formatFinding(f, view));
  if (findings.length) out.push('');
  for (const e of input.errors) out.push(`tool error: ${e.input}: ${e.message}`);
  if (input.errors.length) out.push('');
  const s = a.stats;
  out.push(
    `kfunc-review audit of ${a.tree.path} (Linux ${a.tree.version ?? 'unknown'}; target ${a.tree.target.version}: ${a.tree.target.reason})`,
  );
  out.push(
    ...table([
      ['', 'count'],
      ['.c files', String(s.files)],
      ['kfunc files (parsed / cached)', `${s.candidates} (${s.parsed} / ${s.candidates - s.parsed})`],
      ['kfunc definitions', String(s.kfuncs)],
      ['BTF_ID_FLAGS entries', String(s.registrations)],
      ['kfunc sets', String(s.sets)],
      ['register calls', String(s.registerCalls)],
      ['callee regions (other files)', String(s.calleeRegions)],
    ]),
  );
  out.push('');
  const sev: Severity[] = ['error', 'warning', 'info'];
  const rows: string[][] = [['rule', ...sev, 'total']];
  for (const [rule, c] of Object.entries(s.findings.byRule))
    rows.push([rule, ...sev.map((x) => String(c[x])), String(c.error + c.warning + c.info)]);
  rows.push(['total', ...sev.map((x) => String(s.findings.bySeverity[x])), String(s.findings.total)]);
  out.push(...table(rows));
  out.push('');
  const cache = s.cache.enabled
    ? `cache ${s.cache.hits} hit(s), ${s.cache.misses} miss(es)${s.cache.corrupt ? `, ${s.cache.corrupt} corrupt record(s) ignored` : ''}${s.cache.scanReused ? ', scan reused' : ''}`
    : 'cache off';
  out.push(
    `time: ${(s.ms.total / 1000).toFixed(2)} s (walk ${s.ms.walk} ms, scan ${s.ms.scan} ms, reach ${s.ms.reach} ms, analyse ${s.ms.analyse} ms); ${s.jobs} job(s); ${cache}`,
  );
  return out.join('\n') + '\n';
}

export function formatAuditSarif(input: ReportInput, rules: RuleMeta[]): string {
  return formatSarif(input, rules);
}
