// The one input every report format takes (text, JSON, SARIF, email and the audit formats):
// plain data, computed before formatting. A formatter only prints; it never reads a model,
// matches a reply or guesses which patch a finding belongs to.
//
// Every format has the signature `(input: ReportInput, rules: RuleMeta[]) => string`.
import type { AuditStats } from './audit-stats.js';
import type { KfuncJson, PatchSummary, RegistrationJson, SetJson } from './summary.js';
import type { TargetTree } from '../model/target.js';
import type { ClaimAssessment } from '../facts/disputes.js';
import type { Finding, RuleMeta } from './types.js';
import type { MailAddress } from '../intake/patch-mail.js';

export type { MailAddress } from '../intake/patch-mail.js';

export type { AuditStats } from './audit-stats.js';

export interface InputError {
  input: string;
  message: string;
}

/** Where a patch sits: the input it was read from and its position in that input's series. */
export interface PatchId {
  input: string;
  position: number;
}

/** The stable key of a patch within a report (the subject is not unique; this is). */
export function patchKey(id: PatchId): string {
  return `${id.input}#${id.position}`;
}

/** A claim as the email answer states it: the claim, whether it holds here, and why. */
export type StatedClaim = Pick<ClaimAssessment, 'claim' | 'holds' | 'why'>;

/** A reply in the thread that calls a proven finding a false positive, already matched. */
export interface DisputeAnswer {
  /** The disputing words of the reply (up to three lines, joined). */
  said: string;
  /** The finding the reply disputes (confirmed or with a reachable WARN). */
  finding: Finding;
  /** The claims the reply relies on, then the finding's own claim that fails here. */
  claims: StatedClaim[];
  /** Another finding on the same kfunc with a reachable WARN: a range check alone would not fix it. */
  warn?: Finding;
}

/** What the email reply to one patch needs besides its findings. */
export interface PatchMail {
  /** Message-ID of the patch mail, for In-Reply-To. */
  messageId: string | null;
  /** The patch mail's References (its thread), oldest first: the reply's References continue it. */
  references?: string[];
  /** The patch mail's From, To and Cc (the reply goes to its author, copying the rest). */
  addresses?: { from: MailAddress[]; to: MailAddress[]; cc: MailAddress[] };
  /** With nothing to report: the first added kfunc's line, quoted ("> +..."). */
  firstAdded: string | null;
  /** Answers to replies that dispute this patch's findings, in thread order. */
  disputes: DisputeAnswer[];
}

export interface ReportPatch {
  /** patchKey() of the patch. */
  key: string;
  summary: PatchSummary;
  mail: PatchMail;
}

export interface ReportFinding {
  finding: Finding;
  /** Key of the patch the finding came from; null for a whole-tree audit. */
  patch: string | null;
  /** The patch lines the finding concerns, quoted for an email reply ("> +..."). */
  quote: string[];
  /** The line numbers of `quote`, one each (on the finding's side), so replies can merge quotes of one hunk. */
  quoteLines?: number[];
  /** The hunk the finding's line is in (`path:first line`), so a reply quotes each hunk once. */
  hunk?: string;
  /** The finding's own line as a diff shows it ("+code", " code", "-code"), when it is visible. */
  source?: string;
}

/** How a front door asked for the report (the formats that have choices read them). */
export interface OutputOptions {
  /** text: one line per finding. */
  terse?: boolean;
  /** text: every evidence line, repeats included, and the answers to known disputed claims. */
  verbose?: boolean;
  /** email: the From of the replies ("Name <addr>"). */
  from?: string;
  /** email: reply to patches with nothing to report too. */
  emailAll?: boolean;
}

/** The audit's header and totals (a whole-tree audit has no patches). */
export interface AuditReport {
  tree: { path: string; version: string | null; target: TargetTree };
  kfuncs: KfuncJson[];
  registrations: RegistrationJson[];
  sets: SetJson[];
  stats: AuditStats;
}

export interface ReportInput {
  tool: { name: string; version: string };
  patches: ReportPatch[];
  /** In report order (what JSON and SARIF list). */
  findings: ReportFinding[];
  errors: InputError[];
  /** What the review could not see or had to repair (recovered input, partial visibility). */
  notes: string[];
  audit?: AuditReport;
  output?: OutputOptions;
}

export type ReportFormat = (input: ReportInput, rules: RuleMeta[]) => string;

/** The findings alone, in report order. */
export function findingsOf(input: ReportInput): Finding[] {
  return input.findings.map((f) => f.finding);
}

const byPatch = new WeakMap<ReportFinding[], Map<string | null, ReportFinding[]>>();

/** The findings of one patch, in report order (grouped once per report: linear in the findings). */
export function findingsOfPatch(input: ReportInput, key: string): ReportFinding[] {
  let groups = byPatch.get(input.findings);
  if (!groups) {
    groups = new Map();
    for (const f of input.findings) {
      const list = groups.get(f.patch);
      if (list) list.push(f);
      else groups.set(f.patch, [f]);
    }
    byPatch.set(input.findings, groups);
  }
  return groups.get(key) ?? [];
}
