// An LKML-style reply to each reviewed patch: `Subject: Re: <subject>`, the relevant patch
// lines quoted with `> `, each finding written under the line it concerns, wrapped at 72
// columns, questions rather than verdicts, no line numbers in the prose.
import type { ReviewResult } from '../pipeline/review.js';
import type { PatchModel } from '../model/model.js';
import type { Finding } from '../core/types.js';
import type { MailRecord } from '../intake/patch-mail.js';
import { matchDisputeReply, DISPUTES } from '../facts/disputes.js';
import { isScalarType } from '../model/c-query.js';

const WIDTH = 72;

export function wrap(text: string, width = WIDTH): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) { out.push(line); line = word; }
      else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/** The quoted patch lines for a finding: from its kfunc's first line (or a few lines up) to its line. */
function quoteFor(model: PatchModel, f: Finding): string[] {
  const file = model.files.find((x) => x.path === f.file);
  if (!file) return [];
  const def = model.kfuncs.find((k) => k.name === f.kfunc && k.file === f.file && k.side === f.side);
  let from = def && f.line >= def.line && f.line - def.line <= 12 ? def.line : f.line - 2;
  const out: string[] = [];
  for (let n = Math.max(1, from); n <= f.line; n++) {
    const text = file.lineText(n, f.side);
    if (text === undefined) { from = n + 1; continue; }
    const mark = f.side === 'old' ? '-' : file.lineStatus(n) === 'added' ? '+' : ' ';
    out.push(`> ${mark}${text}`.trimEnd());
  }
  return out;
}

function findingProse(f: Finding): string[] {
  const out = wrap(f.severity === 'info' ? `This isn't a bug, but: ${f.message}.` : `${f.message}.`);
  if (f.evidence.length) {
    out.push('');
    for (const e of f.evidence) out.push(...wrap(e, WIDTH - 2).map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)));
  }
  out.push('', `[${f.rule}]`);
  return out;
}

/** Evidence lines that prove a finding: the witness, the reachable WARN, the chain. */
function proofLines(f: Finding): string[] {
  const strong = f.evidence.filter((e) => /^(witness|WARN reachable|chain|array)/.test(e.trim()));
  return strong.length ? strong : f.evidence.slice(0, 4);
}

/**
 * Answers replies in the thread that dispute a finding ("false positive, the verifier
 * enforces the enum range"): quotes the disputed words and gives the model's witness.
 * The disputed kfunc is the one whose definition the reply quotes last before its answer.
 */
function disputeAnswers(model: PatchModel | undefined, mine: Finding[], discussion: MailRecord[]): string[] {
  const out: string[] = [];
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
      const k = model?.kfuncs.find((x) => x.name === target);
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
      if (out.length) out.push('', '[ ... ]', '');
      out.push(...wrap(said.join(' '), WIDTH - 2).map((x) => `> ${x}`), '');
      out.push(...wrap(`This calls the ${f.rule} finding on ${f.kfunc}() a false positive. The model disagrees (verdict: ${f.verdict}).`));
      // The claims the reply relies on, then the finding's own claim that fails here.
      const claims = match.claims.map((c) => ({ claim: c.claim, holds: c.holds, why: f.claims?.find((x) => x.id === c.id)?.why ?? DISPUTES.find((x) => x.id === c.id)?.why ?? '' }));
      const extra = f.claims?.find((c) => !c.holds && !match.claims.some((m) => m.id === c.id));
      if (extra) claims.push(extra);
      for (const c of claims.slice(0, 2)) out.push('', ...wrap(`The claim "${c.claim}" ${c.holds ? 'holds here' : 'does not hold here'}: ${c.why}`));
      out.push('', 'Witness:');
      for (const e of proofLines(f)) out.push(...wrap(e, WIDTH - 2).map((x, n) => (n === 0 ? `  ${x}` : `    ${x}`)));
      const warn = mine.find((x) => x !== f && x.kfunc === f.kfunc && x.verdict === 'warn-reachable');
      if (warn) out.push('', ...wrap(`Even with a range check, ${warn.message} [${warn.rule}].`));
    }
  }
  return out;
}

export function formatEmail(result: ReviewResult): string {
  const mails: string[] = [];
  result.patches.forEach((p, i) => {
    const model = result.models[i];
    const mine = result.findings.filter((f) => f.patch === p.subject && f.patchIndex === p.index && !f.disposition);
    const body: string[] = [];
    if (mine.length === 0) {
      const first = model?.kfuncs.find((k) => k.status === 'added');
      if (first) body.push(`> +${model.files.find((x) => x.path === first.file)?.lineText(first.line) ?? first.name}`.trimEnd(), '');
      body.push(...wrap(`kfunc-review found nothing to report in ${p.kfuncs.filter((k) => k.added).length} new kfunc(s) and ${p.registrations.filter((r) => r.added).length} new registration(s) of this patch.`));
    } else {
      for (const f of mine) {
        const q = model ? quoteFor(model, f) : [];
        if (body.length) body.push('', '[ ... ]', '');
        body.push(...q, '', ...findingProse(f));
      }
    }
    const series = result.series.find((x) => x.patches.some((q) => q.subject === p.subject));
    const answers = disputeAnswers(model, mine, series?.discussion ?? []);
    if (answers.length) body.push('', '[ ... ]', '', ...answers);
    const lines = [`Subject: Re: ${p.subject || p.input}`];
    const msgId = result.series.flatMap((s) => s.patches).find((x) => x.subject === p.subject)?.messageId;
    if (msgId) lines.push(`In-Reply-To: ${msgId.startsWith('<') ? msgId : `<${msgId}>`}`);
    lines.push('', ...body, '', '-- ', `kfunc-review ${p.target.version ? `(target ${p.target.version})` : ''}`.trim());
    mails.push(lines.join('\n'));
  });
  return mails.join('\n\n') + '\n';
}
