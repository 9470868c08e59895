// What an email reply to one patch prints besides the findings, computed from the patch model
// and the mail thread while they are at hand: the patch lines each finding concerns, and the
// replies that dispute a proven finding (which reply, which finding, which claims). The email
// formatter only lays this out.
import type { PatchModel } from '../model/model.js';
import { isScalarType } from '../model/c-query.js';
import type { MailRecord } from '../intake/patch-mail.js';
import { matchDisputeReply, DISPUTES } from '../facts/disputes.js';
import type { Finding } from '../core/types.js';
import type { DisputeAnswer, StatedClaim } from '../core/report-input.js';

/** The quoted patch lines for a finding (with their line numbers): from its kfunc's first line (or a few lines up) to its line. */
export function quoteWithLines(model: PatchModel, f: Finding): { quote: string[]; quoteLines: number[] } {
  const file = model.files.find((x) => x.path === f.file);
  if (!file) return { quote: [], quoteLines: [] };
  const def = model.kfuncs.find((k) => k.name === f.kfunc && k.file === f.file && k.side === f.side);
  const from = def && f.line >= def.line && f.line - def.line <= 12 ? def.line : f.line - 2;
  const quote: string[] = [];
  const quoteLines: number[] = [];
  for (let n = Math.max(1, from); n <= f.line; n++) {
    const text = file.lineText(n, f.side);
    if (text === undefined) continue;
    quote.push(`> ${diffMark(model, f, n)}${text}`.trimEnd());
    quoteLines.push(n);
  }
  return { quote, quoteLines };
}

function diffMark(model: PatchModel, f: Finding, n: number): string {
  const file = model.files.find((x) => x.path === f.file);
  return f.side === 'old' ? '-' : file?.lineStatus(n) === 'added' ? '+' : ' ';
}

/** The quoted patch lines for a finding: from its kfunc's first line (or a few lines up) to its line. */
export function quoteFor(model: PatchModel, f: Finding): string[] {
  return quoteWithLines(model, f).quote;
}

/** The finding's own line as a diff shows it ("+code"), or undefined when the review did not see it. */
export function sourceLine(model: PatchModel, f: Finding): string | undefined {
  const text = model.files.find((x) => x.path === f.file)?.lineText(f.line, f.side);
  return text === undefined ? undefined : `${diffMark(model, f, f.line)}${text}`;
}

/** The hunk (diff range) the finding's line is in, as `path:first line`; a line outside every hunk is its own. */
export function hunkOf(model: PatchModel, f: Finding): string {
  const file = model.files.find((x) => x.path === f.file);
  if (f.side === 'old') return `${f.file}:-`;
  const range = file?.shownRanges.find(([a, b]) => f.line >= a && f.line <= b);
  return `${f.file}:${range ? range[0] : f.line}`;
}

/** The first added kfunc's line, quoted: what a reply with nothing to report quotes. */
export function firstAddedLine(model: PatchModel): string | null {
  const first = model.kfuncs.find((k) => k.status === 'added');
  if (!first) return null;
  return `> +${model.files.find((x) => x.path === first.file)?.lineText(first.line) ?? first.name}`.trimEnd();
}

/**
 * Replies in the thread that dispute one of `mine` (the patch's findings a reply would discuss)
 * ("false positive, the verifier enforces the enum range"). Only proven findings are answered,
 * each kfunc once. The disputed kfunc is the one whose definition the reply quotes last before
 * its answer, else the last one it names.
 */
export function disputeAnswers(model: PatchModel, mine: Finding[], discussion: MailRecord[]): DisputeAnswer[] {
  const out: DisputeAnswer[] = [];
  const rank = (f: Finding) => (f.verdict === 'confirmed' ? 2 : 1) + (f.severity === 'error' ? 2 : 0);
  const proven = mine.filter((f) => f.verdict === 'confirmed' || f.verdict === 'warn-reachable').sort((a, b) => rank(b) - rank(a));
  const names = [...new Set(proven.map((f) => f.kfunc))];
  const answered = new Set<string>();
  for (const d of discussion) {
    const lines = d.body.split('\n');
    let lastQuotedDef: string | null = null;
    let lastMention: string | null = null;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const quoted = /^\s*>/.test(l);
      const def = /__bpf_kfunc\b.*?\b(\w+)\s*\(/.exec(l);
      if (quoted && def && names.includes(def[1])) lastQuotedDef = def[1];
      for (const n of names) if (l.includes(n)) lastMention = n;
      if (quoted) continue;
      const target = lastQuotedDef ?? lastMention;
      if (!target || answered.has(target)) continue;
      const k = model.kfuncs.find((x) => x.name === target);
      const paramType = k?.params.find((p) => isScalarType(p.type))?.type;
      const match = matchDisputeReply(l, { paramType });
      // A line invoking a known claim, or saying "false positive" (a bot footer's "why it's
      // not a bug" is not a dispute).
      const specific = match.claims.filter((c) => !c.inferred);
      if (!specific.length && !/false[\s-]+positive/i.test(l)) continue;
      const f = proven.find((x) => x.kfunc === target)!;
      answered.add(target);
      const said: string[] = [];
      for (let j = i; j < lines.length && said.length < 3; j++) {
        const t = lines[j].trim();
        if (t === '' || /^>/.test(t) || /wrote:|writes:/.test(t) || t.length > 200) break;
        said.push(t);
      }
      // The claims the reply relies on, then the finding's own claim that fails here.
      const claims: StatedClaim[] = match.claims.map((c) => ({
        claim: c.claim,
        holds: c.holds,
        why: f.claims?.find((x) => x.id === c.id)?.why ?? DISPUTES.find((x) => x.id === c.id)?.why ?? '',
      }));
      const extra = f.claims?.find((c) => !c.holds && !match.claims.some((m) => m.id === c.id));
      if (extra) claims.push({ claim: extra.claim, holds: extra.holds, why: extra.why });
      const warn = mine.find((x) => x !== f && x.kfunc === f.kfunc && x.verdict === 'warn-reachable');
      out.push({ said: said.join(' '), finding: f, claims, ...(warn ? { warn } : {}) });
    }
  }
  return out;
}
