// Markdown rendering for everything posted to GitHub: inline comments, the review summary,
// check run text and the job summary. Finding text is kernel C (`__bpf_kfunc`, `*ptr`), which
// GitHub would turn into bold/italic or HTML, so prose outside code spans is escaped.
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../core/types.js';
import type { InputError } from '../core/report-input.js';
import { countBySeverity, type Counts } from '../core/policy.js';
import type { PatchSection } from './pr-review.js';

const MARK_PREFIX = 'kfunc-review:fp=';
const STALE_NOTE = '<!-- kfunc-review:stale -->';
const SUMMARY_PREFIX = 'kfunc-review:summary state=';

/** GitHub rejects bodies over 65536 characters; keep room for the markers. */
export const BODY_LIMIT = 60000;

const SEVERITY_ICON: Record<Severity, string> = { error: '🛑', warning: '⚠️', info: 'ℹ️' };

/** Escapes markdown/HTML outside `code` spans; code spans are kept as written. */
export function mdText(s: string): string {
  return s
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_[\]<>|#~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))))
    .join('');
}

/** Fingerprints go inside an HTML comment; anything that could close it is dropped. */
export function safeFp(fp: string): string {
  return fp.replace(/[^A-Za-z0-9_.:+=/-]/g, '').replace(/-{2,}/g, '-');
}

export function fingerprintMarker(fp: string): string {
  return `<!-- ${MARK_PREFIX}${safeFp(fp)} -->`;
}

/** The fingerprint a body carries, or null when it is not one of ours. */
export function readFingerprint(body: string | null | undefined): string | null {
  if (!body) return null;
  const m = /<!-- kfunc-review:fp=([A-Za-z0-9_.:+=/-]*) -->/.exec(body);
  return m ? (m[1] ?? null) : null;
}

export function isStaleMarked(body: string): boolean {
  return body.includes(STALE_NOTE);
}

export function inlineBody(f: Finding): string {
  const head = `${SEVERITY_ICON[f.severity]} **${f.severity}** \`${f.rule}\`${f.kfunc ? ` in \`${f.kfunc}\`` : ''}`;
  const parts = [head, '', mdText(f.message)];
  if (f.verdict) parts.push('', `Verdict: \`${f.verdict}\``);
  if (f.evidence.length > 0) {
    parts.push('', '<details><summary>Evidence</summary>', '', ...f.evidence.map((e) => `- ${mdText(e)}`), '', '</details>');
  }
  parts.push('', fingerprintMarker(f.fingerprint));
  return clip(parts.join('\n'));
}

/** A comment whose finding went away but that a human answered: keep the thread, say so. */
export function staleBody(oldBody: string, headSha: string): string {
  return clip(`${STALE_NOTE}\n> **No longer reported** at ${headSha.slice(0, 12)}; kept because the thread has replies.\n\n${oldBody}`);
}

/** Identity of what the summary says; an unchanged state means no new review is needed. */
export function summaryState(findings: Finding[], errors: InputError[]): string {
  const lines = findings
    .map(
      (f) => `${f.fingerprint}|${f.severity}|${f.file}|${f.line}|${f.message}|${f.disposition ? `not-a-bug:${f.disposition.reason}` : ''}`,
    )
    .sort();
  lines.push(...errors.map((e) => `E|${e.input}|${e.message}`).sort());
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

export function readSummaryState(body: string | null | undefined): string | null {
  if (!body) return null;
  const m = /<!-- kfunc-review:summary state=([0-9a-f]+) -->/.exec(body);
  return m ? (m[1] ?? null) : null;
}

/** "1 error(s), 0 warning(s), 2 note(s)"; the counts leave out findings disposed as not-a-bug. */
export function countLine(c: Counts): string {
  return `${c.error} error(s), ${c.warning} warning(s), ${c.info} note(s)`;
}

/** One table row per finding; used where inline comments are not possible. */
export function findingTable(findings: Finding[], inline?: (f: Finding) => boolean): string {
  if (findings.length === 0) return '';
  const rows = findings.map((f) => {
    const ev = f.evidence.length ? `<br>${f.evidence.map((e) => mdText(e)).join('<br>')}` : '';
    const disposed = f.disposition ? `<br>**marked not-a-bug**: ${mdText(f.disposition.reason).replace(/\n/g, ' ')}` : '';
    const where = `\`${f.file}:${f.line}\`${f.side === 'old' ? ' (removed line)' : ''}${inline?.(f) ? '<br>inline comment' : ''}`;
    return `| ${SEVERITY_ICON[f.severity]} ${f.severity} | \`${f.rule}\` | ${where} | ${mdText(f.message).replace(/\n/g, ' ')}${disposed}${ev} |`;
  });
  return ['| severity | rule | location | finding |', '|---|---|---|---|', ...rows].join('\n');
}

export interface SummaryInput {
  all: Finding[];
  /** Findings that are not (or could not be) inline comments. */
  summaryOnly: Finding[];
  inlineCount: number;
  errors: InputError[];
  notes: string[];
  headSha: string;
  state: string;
  /** A series reviewed commit by commit: the summary lists each patch's findings under its subject. */
  patches?: PatchSection[] | null;
  /** Fingerprints with an inline comment after this run. */
  inlineFps?: Set<string>;
}

/**
 * Each patch of a series under its subject, with its findings at the lines of its own commit.
 * Lines a later commit changes have no inline comment; the table is where they are reported.
 */
export function patchSections(patches: PatchSection[], inlineFps: Set<string> = new Set()): string[] {
  const parts = ['', `Findings per patch (${patches.length} commits, each reviewed as its own patch; lines are the commit's):`];
  for (const p of patches) {
    parts.push(
      '',
      `#### ${mdText(`[${p.index}/${p.total}] ${p.subject}`)}`,
      '',
      `Commit \`${p.sha.slice(0, 12)}\`: ${countLine(countBySeverity(p.findings))}`,
    );
    if (p.findings.length)
      parts.push(
        '',
        findingTable(p.findings, (f) => !f.disposition && inlineFps.has(f.fingerprint)),
      );
  }
  return parts;
}

export function reviewSummaryBody(s: SummaryInput): string {
  const parts = [`### kfunc-review: ${countLine(countBySeverity(s.all))} at ${s.headSha.slice(0, 12)}`];
  if (s.all.length === 0 && s.errors.length === 0) parts.push('', 'No findings.');
  if (s.inlineCount > 0) parts.push('', `${s.inlineCount} finding(s) are inline comments on the diff.`);
  if (s.patches) parts.push(...patchSections(s.patches, s.inlineFps));
  else if (s.summaryOnly.length > 0) {
    parts.push('', 'Findings outside the diff or over the inline-comment limit:', '', findingTable(s.summaryOnly));
  }
  appendErrorsAndNotes(parts, s.errors, s.notes);
  parts.push('', `<!-- ${SUMMARY_PREFIX}${s.state} -->`);
  return clip(parts.join('\n'));
}

export function jobSummaryMarkdown(
  title: string,
  findings: Finding[],
  errors: SummaryInput['errors'],
  notes: string[],
  extra: string[] = [],
  patches: PatchSection[] | null = null,
): string {
  const parts = [`## ${title}`, '', countLine(countBySeverity(findings))];
  if (patches) parts.push(...patchSections(patches));
  else if (findings.length > 0) parts.push('', findingTable(findings));
  appendErrorsAndNotes(parts, errors, notes);
  if (extra.length) parts.push('', ...extra);
  return clip(parts.join('\n')) + '\n';
}

function appendErrorsAndNotes(parts: string[], errors: SummaryInput['errors'], notes: string[]): void {
  if (errors.length > 0) {
    // Fail closed: say what was not reviewed and why, so a quiet summary never passes for a clean review.
    parts.push('', '**Not reviewed in full:**', '', ...errors.map((e) => `- \`${e.input.replace(/[`\n]/g, "'")}\`: ${mdText(e.message)}`));
  }
  if (notes.length > 0) parts.push('', '<details><summary>Notes</summary>', '', ...notes.map((n) => `- ${mdText(n)}`), '', '</details>');
}

function clip(s: string): string {
  if (s.length <= BODY_LIMIT) return s;
  // Keep the tail: it carries the hidden markers that make re-runs idempotent.
  const at = s.lastIndexOf('\n<!--');
  const tail = at >= 0 ? s.slice(at) : '';
  return `${s.slice(0, BODY_LIMIT - tail.length - 40)}\n\n…(truncated)${tail}`;
}
