// checkpatch-like text: `path:line: severity: message [RULE-ID]`, indented evidence, then a
// one-line summary per patch. Control bytes from the input (an escape sequence in a subject or
// a quoted line) are shown as `?`, never sent to the reader's terminal.
import type { Finding, RuleMeta } from '../core/types.js';
import { findingsOf, findingsOfPatch, type ReportInput } from '../core/report-input.js';

function count(findings: Finding[], sev: Finding['severity']): number {
  return findings.filter((f) => f.severity === sev).length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatFinding(f: Finding): string {
  const where = f.side === 'old' ? `${f.file}:${f.line} (removed line)` : `${f.file}:${f.line}`;
  const lines = [`${where}: ${f.severity}: ${f.message} [${f.rule}]`];
  if (f.verdict) lines.push(`    verdict: ${f.verdict}`);
  for (const e of f.evidence) lines.push(`    ${e}`);
  // The two most relevant claims (rules list them first); the rest stay in the JSON.
  const claims = f.claims ?? [];
  for (const c of claims.slice(0, 2)) lines.push(`    claim "${c.claim}": ${c.holds ? 'holds here' : 'does not hold'}: ${c.why}`);
  if (claims.length > 2) lines.push(`    (${claims.length - 2} more known claims answered in --format json)`);
  if (f.disposition)
    lines.push(`    disposition: not-a-bug (${f.disposition.reason})${f.disposition.contradicted ? ' - disputed, model contradicts' : ''}`);
  return lines.join('\n');
}

export function formatText(input: ReportInput, _rules: RuleMeta[]): string {
  const out: string[] = [];
  for (const { key, summary: p } of input.patches) {
    const mine = findingsOfPatch(input, key)
      .map((x) => x.finding)
      .filter((f) => !f.disposition);
    out.push(p.subject || p.input);
    for (const f of mine) out.push(formatFinding(f));
    const kinds = `${plural(p.kfuncs.filter((k) => k.added).length, 'new kfunc')}, ${plural(p.registrations.filter((r) => r.added).length, 'new registration')}`;
    for (const n of p.notes) out.push(`note: ${n}`);
    out.push(
      `total: ${plural(count(mine, 'error'), 'error')}, ${plural(count(mine, 'warning'), 'warning')}, ${plural(count(mine, 'info'), 'info')}; ${kinds}; target ${p.target.version} (${p.target.reason})`,
    );
    out.push('');
  }
  const disputed = findingsOf(input).filter((f) => f.disposition);
  if (disputed.length) {
    out.push('Marked not-a-bug by a disposition:');
    for (const f of disputed)
      out.push(
        `  ${f.file}:${f.line}: ${f.rule} ${f.kfunc}: ${f.disposition!.reason}${f.disposition!.contradicted ? ' (disputed, model contradicts)' : ''}`,
      );
    out.push('');
  }
  // eslint-disable-next-line no-control-regex
  return out.join('\n').replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, '?');
}
