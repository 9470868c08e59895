// An LKML-style reply to each reviewed patch: `Subject: Re: <subject>`, the relevant patch
// lines quoted with `> `, each finding written under the line it concerns, wrapped at 72
// columns, questions rather than verdicts, no line numbers in the prose.
import type { ReviewResult } from '../review.js';
import type { PatchModel } from '../analysis/model.js';
import type { Finding } from '../types.js';
import type { MailRecord } from '../analysis/patch-mail.js';
import { matchDisputeReply, DISPUTES } from '../analysis/disputes.js';
import { isScalarType } from '../analysis/c-query.js';

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
  const out = wrap(f.severity === 'info' ? `This isn't a bug, but: ${f.message}.` : `${f.message}?`.replace(/\.\?$/, '?'));
  if (f.evidence.length) {
    out.push('');
    for (const e of f.evidence) out.push(...wrap(e, WIDTH - 2).map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)));
  }
  for (const c of f.claims ?? []) {
    out.push('');
    out.push(...wrap(`On the claim "${c.claim}": ${c.holds ? 'it holds here' : 'it does not hold here'}. ${c.why}`));
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
 */
function disputeAnswers(model: PatchModel | undefined, mine: Finding[], discussion: MailRecord[]): string[] {
  const out: string[] = [];
  const proven = mine.filter((f) => f.verdict === 'confirmed' || f.verdict === 'warn-reachable');
  const answered = new Set<string>();
  for (const d of discussion) {
    const own = d.body.split('\n').filter((l) => !/^\s*>/.test(l));
    for (const f of proven) {
      if (answered.has(f.kfunc) || !d.body.includes(f.kfunc)) continue;
      const k = model?.kfuncs.find((x) => x.name === f.kfunc);
      const paramType = k?.params.find((p) => isScalarType(p.type))?.type;
      const match = matchDisputeReply(own.join('\n'), { paramType });
      if (!match.disputes) continue;
      // The disputed words: a line invoking a known claim, else one saying "false positive".
      // (A bot footer's "why it's not a bug" is not a dispute.)
      const specific = match.claims.find((c) => !c.inferred);
      let at = specific ? own.findIndex((l) => l.includes(specific.matched)) : -1;
      if (at < 0) at = own.findIndex((l) => /false[\s-]+positive/i.test(l));
      if (at < 0) continue;
      const quoted: string[] = [];
      for (let i = at; i < own.length && own[i].trim() !== '' && quoted.length < 4; i++) quoted.push(`> ${own[i].trim()}`);
      answered.add(f.kfunc);
      if (out.length) out.push('', '[ ... ]', '');
      out.push(...quoted, '');
      out.push(...wrap(`This reply calls the ${f.rule} finding on ${f.kfunc}() a false positive. The model disagrees (verdict: ${f.verdict}).`));
      const claims = f.claims?.length ? f.claims : match.claims.map((c) => ({ id: c.id, claim: c.claim, holds: c.holds, why: DISPUTES.find((x) => x.id === c.id)?.why ?? '' }));
      for (const c of claims) {
        out.push('', ...wrap(`The claim "${c.claim}" ${c.holds ? 'holds here' : 'does not hold here'}: ${c.why}`));
      }
      out.push('', 'Witness:');
      for (const e of proofLines(f)) out.push(...wrap(e, WIDTH - 2).map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)));
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
