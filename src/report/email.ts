// An LKML-style reply to each reviewed patch: `Subject: Re: <subject>`, the relevant patch
// lines quoted with `> `, each finding written under the line it concerns, wrapped at 72
// columns, questions rather than verdicts, no line numbers in the prose.
// The quotes and the dispute answers come computed (src/pipeline/reply-data.ts).
// Every header we write is sanitised: a decoded subject or Message-ID that carries CR/LF must
// not add headers (a `Bcc:`) to our reply, and the body carries no terminal control bytes.
import type { Finding, RuleMeta } from '../core/types.js';
import { findingsOfPatch, type DisputeAnswer, type ReportInput } from '../core/report-input.js';

const WIDTH = 72;

export function wrap(text: string, width = WIDTH): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
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

/** The answer to one reply that disputes a proven finding: the disputed words, then the witness. */
function disputeAnswer(a: DisputeAnswer): string[] {
  const f = a.finding;
  const out = [...wrap(a.said, WIDTH - 2).map((x) => `> ${x}`), ''];
  out.push(...wrap(`This calls the ${f.rule} finding on ${f.kfunc}() a false positive. The model disagrees (verdict: ${f.verdict}).`));
  for (const c of a.claims.slice(0, 2))
    out.push('', ...wrap(`The claim "${c.claim}" ${c.holds ? 'holds here' : 'does not hold here'}: ${c.why}`));
  out.push('', 'Witness:');
  for (const e of proofLines(f)) out.push(...wrap(e, WIDTH - 2).map((x, n) => (n === 0 ? `  ${x}` : `    ${x}`)));
  if (a.warn) out.push('', ...wrap(`Even with a range check, ${a.warn.message} [${a.warn.rule}].`));
  return out;
}

/** A header value on one line: line breaks and control characters become spaces (no header injection). */
export function headerText(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\x00-\x1f\x7f\u0085\u2028\u2029]+/g, ' ').trim();
}

/** `<id@host>` for In-Reply-To, or null when the id is not one printable token (then no header is better than a wrong one). */
export function messageIdHeader(id: string | null): string | null {
  if (!id) return null;
  const v = headerText(id);
  const m = /^<?([^<>\s]+)>?$/.exec(v);
  return m ? `<${m[1]}>` : null;
}

/** A body line without terminal control bytes (escape sequences in a patch must not drive the reader's terminal). */
function bodyText(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, '?');
}

export function formatEmail(input: ReportInput, _rules: RuleMeta[]): string {
  const mails: string[] = [];
  for (const { key, summary: p, mail } of input.patches) {
    const mine = findingsOfPatch(input, key).filter((x) => !x.finding.disposition);
    const body: string[] = [];
    if (mine.length === 0) {
      if (mail.firstAdded) body.push(mail.firstAdded, '');
      body.push(
        ...wrap(
          `kfunc-review found nothing to report in ${p.kfuncs.filter((k) => k.added).length} new kfunc(s) and ${p.registrations.filter((r) => r.added).length} new registration(s) of this patch.`,
        ),
      );
    } else {
      for (const { finding: f, quote } of mine) {
        if (body.length) body.push('', '[ ... ]', '');
        body.push(...quote, '', ...findingProse(f));
      }
    }
    for (const a of mail.disputes) body.push('', '[ ... ]', '', ...disputeAnswer(a));
    const lines = [`Subject: ${headerText(`Re: ${p.subject || p.input}`)}`];
    const msgId = messageIdHeader(mail.messageId);
    if (msgId) lines.push(`In-Reply-To: ${msgId}`);
    lines.push('', ...body.map(bodyText), '', '-- ', `kfunc-review ${p.target.version ? `(target ${p.target.version})` : ''}`.trim());
    mails.push(lines.join('\n'));
  }
  return mails.join('\n\n') + '\n';
}
