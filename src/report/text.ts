// checkpatch-like text. Each finding starts with one line `path:line: severity: message [RULE-ID]`
// (never wrapped, so editors' error parsers and grep read it), then the offending line as the
// diff shows it (like checkpatch's `#NN: FILE:LINE` and the line), then the evidence, indented
// and wrapped at 100 columns, each line once per patch. A per-patch summary line closes each
// patch. `--terse` keeps only the first lines. The answers to known disputed claims are shown
// when the input holds a reply that disputes the finding, or with `--verbose`.
// Control bytes from the input (an escape sequence in a subject or a quoted line) are shown
// as `?`, never sent to the reader's terminal.
import type { Finding, RuleMeta } from '../core/types.js';
import { findingsOf, findingsOfPatch, type ReportFinding, type ReportInput } from '../core/report-input.js';

const WIDTH = 100;

function count(findings: Finding[], sev: Finding['severity']): number {
  return findings.filter((f) => f.severity === sev).length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one line that names a finding: `path:line: severity: message [RULE-ID]`. */
export function findingLine(f: Finding): string {
  const where = f.side === 'old' ? `${f.file}:${f.line} (removed line)` : `${f.file}:${f.line}`;
  return `${where}: ${f.severity}: ${f.message} [${f.rule}]`;
}

/**
 * `text` indented by `indent` and wrapped at WIDTH columns on spaces, continuation lines two
 * columns deeper. A word longer than the room stays whole (a path or an expression is not cut).
 */
export function wrapIndented(text: string, indent: number, width = WIDTH): string[] {
  const lead = /^\s*/.exec(text)![0].length;
  const first = ' '.repeat(indent + lead);
  const next = ' '.repeat(indent + lead + 2);
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.trim().split(/ +/)) {
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = next + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
      empty = false;
    }
  }
  out.push(line);
  return out;
}

export interface FindingView {
  /** Every evidence line, repeats included, and every known claim. */
  verbose?: boolean;
  /** The finding is disputed by a reply in the input: show what the known claims say. */
  disputed?: boolean;
  /** Evidence lines already printed, per kfunc (left out when not verbose); updated. */
  seen?: Set<string>;
}

/** A finding as the default text shows it: its line, the offending source line, the evidence. */
export function formatFinding(rf: ReportFinding | Finding, view: FindingView = {}): string {
  const f = 'finding' in rf ? rf.finding : rf;
  const source = 'finding' in rf ? rf.source : undefined;
  const lines = [findingLine(f)];
  if (source !== undefined) lines.push(source.trimEnd());
  const evidence: string[] = [];
  if (f.verdict) evidence.push(`verdict: ${f.verdict}`);
  for (const e of f.evidence) evidence.push(e);
  const seen = view.seen ?? new Set<string>();
  for (const e of evidence) {
    // The same evidence (a parameter's type, the configs checked) under every finding of a
    // kfunc is read once: later findings of that kfunc leave it out.
    const key = `${f.file}\0${f.kfunc}\0${e}`;
    if (!view.verbose && !e.startsWith('verdict: ') && seen.has(key)) continue;
    seen.add(key);
    lines.push(...wrapIndented(e, 4));
  }
  const claims = f.claims ?? [];
  if (view.verbose || view.disputed) {
    for (const c of claims) lines.push(...wrapIndented(`claim "${c.claim}": ${c.holds ? 'holds here' : 'does not hold'}: ${c.why}`, 4));
  }
  if (f.disposition)
    lines.push(
      ...wrapIndented(
        `disposition: not-a-bug (${f.disposition.reason})${f.disposition.contradicted ? ' - disputed, model contradicts' : ''}`,
        4,
      ),
    );
  return lines.join('\n');
}

export function formatText(input: ReportInput, _rules: RuleMeta[]): string {
  const { terse = false, verbose = false } = input.output ?? {};
  const out: string[] = [];
  for (const { key, summary: p, mail } of input.patches) {
    const mine = findingsOfPatch(input, key).filter((x) => !x.finding.disposition);
    if (terse) {
      for (const x of mine) out.push(findingLine(x.finding));
      continue;
    }
    const disputed = new Set(mail.disputes.map((d) => d.finding.fingerprint));
    const seen = new Set<string>();
    out.push(p.subject || p.input);
    for (const x of mine) out.push(formatFinding(x, { verbose, disputed: disputed.has(x.finding.fingerprint), seen }));
    const findings = mine.map((x) => x.finding);
    const kinds = `${plural(p.kfuncs.filter((k) => k.added).length, 'new kfunc')}, ${plural(p.registrations.filter((r) => r.added).length, 'new registration')}`;
    for (const n of p.notes) out.push(...wrapIndented(`note: ${n}`, 0));
    out.push(
      ...wrapIndented(
        `total: ${plural(count(findings, 'error'), 'error')}, ${plural(count(findings, 'warning'), 'warning')}, ${plural(count(findings, 'info'), 'info')}; ${kinds}; target ${p.target.version} (${p.target.reason})`,
        0,
      ),
    );
    out.push('');
  }
  const disposed = findingsOf(input).filter((f) => f.disposition);
  if (disposed.length && !terse) {
    out.push('Marked not-a-bug by a disposition:');
    for (const f of disposed)
      out.push(
        `  ${f.file}:${f.line}: ${f.rule} ${f.kfunc}: ${f.disposition!.reason}${f.disposition!.contradicted ? ' (disputed, model contradicts)' : ''}`,
      );
    out.push('');
  }
  const text = out.length && terse ? `${out.join('\n')}\n` : out.join('\n');
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, '?');
}
