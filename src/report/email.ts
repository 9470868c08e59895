// An LKML-style reply to each reviewed patch: `Subject: Re: <subject>`, the relevant patch
// lines quoted with `> `, each finding written under the line it concerns, wrapped at 72
// columns, questions rather than verdicts, no line numbers in the prose.
import type { ReviewResult } from '../review.js';
import type { PatchModel } from '../analysis/model.js';
import type { Finding } from '../types.js';

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
    const lines = [`Subject: Re: ${p.subject || p.input}`];
    const msgId = result.series.flatMap((s) => s.patches).find((x) => x.subject === p.subject)?.messageId;
    if (msgId) lines.push(`In-Reply-To: ${msgId.startsWith('<') ? msgId : `<${msgId}>`}`);
    lines.push('', ...body, '', '-- ', `kfunc-review ${p.target.version ? `(target ${p.target.version})` : ''}`.trim());
    mails.push(lines.join('\n'));
  });
  return mails.join('\n\n') + '\n';
}
