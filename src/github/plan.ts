// Decides, without any I/O, what one run does to the PR's review comments: which findings
// become new inline comments, which existing bot comments are edited, deleted or left alone,
// and which findings only go into the summary. Keeping it pure makes re-run behaviour
// (no duplicates, stale cleanup) testable without a server.
import { byText } from '../core/engine.js';
import type { Finding } from '../core/types.js';
import { SEVERITY_RANK } from '../core/types.js';
import { isCommentable, type DiffLines } from './diff-lines.js';
import { inlineBody, isStaleMarked, readFingerprint, safeFp, staleBody } from './markdown.js';

/** The fields of a GitHub pull request review comment this layer reads. */
export interface ExistingComment {
  id: number;
  body: string;
  path: string;
  /** Null when GitHub considers the comment outdated (its line left the diff). */
  line: number | null;
  side?: 'LEFT' | 'RIGHT' | null;
  in_reply_to_id?: number;
  user?: { login?: string; type?: string } | null;
}

export interface NewComment {
  path: string;
  body: string;
  line: number;
  side: 'LEFT' | 'RIGHT';
  start_line?: number;
  start_side?: 'LEFT' | 'RIGHT';
}

/** A finding may carry a range start; the shared Finding type has only `line` today. */
export type RangedFinding = Finding & { startLine?: number };

export interface CommentPlan {
  create: { finding: Finding; comment: NewComment }[];
  update: { id: number; body: string; fingerprint: string }[];
  remove: { id: number; fingerprint: string }[];
  /** Findings reported only in the summary (not in the diff, or over the cap). */
  summaryOnly: Finding[];
  /** Findings that have an inline comment after this run (kept, edited or new). */
  inline: Finding[];
}

export interface PlanInput {
  findings: Finding[];
  diffLines: DiffLines;
  existing: ExistingComment[];
  maxInline: number;
  headSha: string;
}

export function isOwnComment(c: ExistingComment): boolean {
  // A human quoting our marker in a reply must never be treated as ours (and deleted).
  return readFingerprint(c.body) !== null && c.in_reply_to_id === undefined && c.user?.type !== 'User';
}

/** Most severe first, then by place: the inline cap keeps the findings that matter most. */
export function orderFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true)));
  return unique.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      Number(b.onAddedLine) - Number(a.onAddedLine) ||
      byText(a.file, b.file) ||
      a.line - b.line,
  );
}

export function planComments(input: PlanInput): CommentPlan {
  const plan: CommentPlan = { create: [], update: [], remove: [], summaryOnly: [], inline: [] };
  const replied = new Set<number>();
  for (const c of input.existing) if (c.in_reply_to_id !== undefined) replied.add(c.in_reply_to_id);

  // Several own comments with one fingerprint can exist after a crashed run; the first is canonical.
  const own = new Map<string, ExistingComment[]>();
  for (const c of input.existing) {
    if (!isOwnComment(c)) continue;
    const fp = readFingerprint(c.body) as string;
    own.set(fp, [...(own.get(fp) ?? []), c]);
  }
  const dropOrMarkStale = (c: ExistingComment, fp: string) => {
    if (!replied.has(c.id)) plan.remove.push({ id: c.id, fingerprint: fp });
    else if (!isStaleMarked(c.body)) plan.update.push({ id: c.id, body: staleBody(c.body, input.headSha), fingerprint: fp });
  };

  let inlineCount = 0;
  const wanted = new Set<string>();
  const pending: Finding[] = [];

  for (const f of orderFindings(input.findings)) {
    // A finding the user marked not-a-bug (and nothing contradicts) is listed, never commented on.
    if (f.disposition && !f.disposition.contradicted) {
      plan.summaryOnly.push(f);
      continue;
    }
    const fp = safeFp(f.fingerprint);
    wanted.add(fp);
    const side = f.side === 'old' ? 'LEFT' : 'RIGHT';
    const [first, ...dups] = own.get(fp) ?? [];
    for (const d of dups) dropOrMarkStale(d, fp);
    if (first) {
      const samePlace = first.path === f.file && first.line === f.line && (first.side ?? 'RIGHT') === side;
      if (samePlace || replied.has(first.id)) {
        // Keep the thread (moving a replied-to comment would orphan the discussion).
        const body = inlineBody(f);
        if (body !== first.body) plan.update.push({ id: first.id, body, fingerprint: fp });
        plan.inline.push(f);
        inlineCount++;
        continue;
      }
      plan.remove.push({ id: first.id, fingerprint: fp });
    }
    pending.push(f);
  }

  for (const f of pending) {
    const side = f.side === 'old' ? 'LEFT' : 'RIGHT';
    const start = (f as RangedFinding).startLine;
    const ranged = start !== undefined && start < f.line;
    if (inlineCount < input.maxInline && isCommentable(input.diffLines, f.file, f.line, side, ranged ? start : undefined)) {
      const comment: NewComment = { path: f.file, body: inlineBody(f), line: f.line, side };
      if (ranged) {
        comment.start_line = start;
        comment.start_side = side;
      }
      plan.create.push({ finding: f, comment });
      plan.inline.push(f);
      inlineCount++;
    } else {
      plan.summaryOnly.push(f);
    }
  }

  for (const [fp, comments] of own) {
    if (wanted.has(fp)) continue;
    for (const c of comments) dropOrMarkStale(c, fp);
  }
  return plan;
}
