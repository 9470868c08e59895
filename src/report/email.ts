// An mbox of LKML-style replies, one per patch with findings (every patch with --email-all),
// that `git send-email` or a mail client sends as it is: `Subject: Re: <subject>`, threaded
// under the patch (In-Reply-To, References), to its author with its To and Cc copied, from
// --from (or git's identity, looked up by the CLI). Each hunk is quoted once with `> `, the
// findings on it below it: each a short paragraph of prose (at most 8 lines, wrapped at 72
// columns), then its evidence. The quotes and the dispute answers come computed
// (src/pipeline/reply-data.ts).
// Every header we write is sanitised: a decoded subject, address or Message-ID that carries
// CR/LF must not add headers (a `Bcc:`) to our reply; words outside ASCII are RFC 2047 encoded;
// the body carries no terminal control bytes.
import type { Finding, RuleMeta } from '../core/types.js';
import { findingsOfPatch, type DisputeAnswer, type MailAddress, type ReportFinding, type ReportInput } from '../core/report-input.js';

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

const PROSE_LINES = 8;

/**
 * A finding as a reviewer writes it: the message (at most PROSE_LINES lines), then the evidence,
 * leaving out lines an earlier finding on the same kfunc already gave (`seen`, updated).
 */
function findingProse(f: Finding, seen: Set<string>): string[] {
  const prose = wrap(`${f.severity === 'info' ? "This isn't a bug, but: " : ''}${f.message}. [${f.rule}]`);
  const out = prose.slice(0, PROSE_LINES);
  const rest = prose.slice(PROSE_LINES).join(' ');
  const fresh = f.evidence.filter((e) => {
    const key = `${f.file}\0${f.kfunc}\0${e}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const evidence = rest ? [`(continued) ${rest}`, ...fresh] : fresh;
  if (evidence.length) {
    out.push('');
    for (const e of evidence) out.push(...wrap(e, WIDTH - 2).map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)));
  }
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

/** An RFC 2047 encoded word sequence for text outside ASCII (each word at most 75 characters). */
export function encodeWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 12 = "=?UTF-8?B?" + "?=": 45 bytes of UTF-8 give 60 base64 characters.
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

/** A mailbox as a header writes it, or null when its address is not one plain addr-spec. */
export function mailboxText(m: MailAddress): string | null {
  const address = headerText(m.address);
  if (!/^[^\s<>@,;:"()[\]\\]+@[^\s<>@,;:"()[\]\\]+$/.test(address)) return null;
  const name = headerText(m.name);
  if (!name) return address;
  const phrase = /[^\x20-\x7e]/.test(name)
    ? encodeWords(name)
    : /^[\w !#$%&'*+\-/=?^`{|}~]+$/.test(name)
      ? name
      : `"${name.replace(/["\\]/g, '\\$&')}"`;
  return `${phrase} <${address}>`;
}

/** "Name <addr>" (or a bare address) given on the command line, or null when it is not one. */
export function parseMailbox(text: string): MailAddress | null {
  const m = /^\s*(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(text);
  if (!m) return null;
  const mailbox = { name: (m[1] ?? '').trim(), address: m[2] ?? m[3]! };
  return mailboxText(mailbox) ? mailbox : null;
}

/** A header line folded at spaces so each line stays within 78 columns where the words allow (RFC 5322). */
export function foldHeader(name: string, value: string): string {
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of value.split(' ').filter(Boolean)) {
    if (line.length + 1 + word.length > 78 && line !== `${name}:`) {
      lines.push(line);
      line = ` ${word}`;
    } else line = `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The quoted lines of one hunk: every line the findings on it quote, once, in line order, gaps marked. */
function hunkQuote(group: ReportFinding[]): string[] {
  const byLine = new Map<number, string>();
  const loose: string[] = [];
  for (const x of group) {
    if (!x.quoteLines || x.quoteLines.length !== x.quote.length) {
      for (const q of x.quote) if (!loose.includes(q)) loose.push(q);
      continue;
    }
    x.quoteLines.forEach((n, i) => byLine.set(n, x.quote[i]!));
  }
  const out: string[] = [];
  let last = -1;
  for (const n of [...byLine.keys()].sort((a, b) => a - b)) {
    if (last >= 0 && n > last + 1) out.push('> [ ... ]');
    out.push(byLine.get(n)!);
    last = n;
  }
  return [...out, ...loose];
}

/**
 * The findings of a patch by the code they quote, in report order of first appearance: findings
 * of one hunk whose quoted lines overlap or touch share one quote (each line is quoted once);
 * disjoint parts of a long hunk (a new file is one hunk) are quoted apart, each over its findings.
 */
function byQuote(findings: ReportFinding[]): ReportFinding[][] {
  const hunks = new Map<string, ReportFinding[]>();
  findings.forEach((x, i) => {
    const key = x.hunk ?? `#${i}`;
    const g = hunks.get(key);
    if (g) g.push(x);
    else hunks.set(key, [x]);
  });
  const out: ReportFinding[][] = [];
  for (const group of hunks.values()) {
    const span = (x: ReportFinding) =>
      x.quoteLines?.length ? [x.quoteLines[0]!, x.quoteLines[x.quoteLines.length - 1]!] : [x.finding.line, x.finding.line];
    const sorted = [...group].sort((a, b) => span(a)[0]! - span(b)[0]! || span(a)[1]! - span(b)[1]!);
    let cluster: ReportFinding[] = [];
    let end = -Infinity;
    for (const x of sorted) {
      const [a, b] = span(x) as [number, number];
      if (cluster.length && a > end + 1) {
        out.push(cluster);
        cluster = [];
      }
      cluster.push(x);
      end = Math.max(end, b);
    }
    if (cluster.length) out.push(cluster);
  }
  return out;
}

/** The mbox separator line git format-patch writes (a fixed date: the output stays deterministic). */
const MBOX_FROM = 'From kfunc-review Mon Sep 17 00:00:00 2001';

export function formatEmail(input: ReportInput, _rules: RuleMeta[]): string {
  const mails: string[] = [];
  const opts = input.output ?? {};
  const sender = opts.from ? parseMailbox(opts.from) : null;
  for (const { key, summary: p, mail } of input.patches) {
    const mine = findingsOfPatch(input, key).filter((x) => !x.finding.disposition);
    if (mine.length === 0 && !mail.disputes.length && !opts.emailAll) continue;
    const body: string[] = [];
    if (mine.length === 0) {
      if (mail.firstAdded) body.push(mail.firstAdded, '');
      body.push(
        ...wrap(
          `kfunc-review found nothing to report in ${p.kfuncs.filter((k) => k.added).length} new kfunc(s) and ${p.registrations.filter((r) => r.added).length} new registration(s) of this patch.`,
        ),
      );
    } else {
      const seen = new Set<string>();
      for (const group of byQuote(mine)) {
        if (body.length) body.push('', '[ ... ]', '');
        body.push(...hunkQuote(group));
        for (const { finding: f } of group) body.push('', ...findingProse(f, seen));
      }
    }
    for (const a of mail.disputes) body.push('', '[ ... ]', '', ...disputeAnswer(a));
    const headers: string[] = [];
    const from = sender ? mailboxText(sender) : null;
    if (from) headers.push(foldHeader('From', from));
    const addrs = mail.addresses ?? { from: [], to: [], cc: [] };
    const to = addrs.from.map(mailboxText).filter((x): x is string => x !== null);
    const seen = new Set([...addrs.from, ...(sender ? [sender] : [])].map((m) => m.address.toLowerCase()));
    const cc: string[] = [];
    for (const m of [...addrs.to, ...addrs.cc]) {
      const text = mailboxText(m);
      if (!text || seen.has(m.address.toLowerCase())) continue;
      seen.add(m.address.toLowerCase());
      cc.push(text);
    }
    if (to.length) headers.push(foldHeader('To', to.join(', ')));
    if (cc.length) headers.push(foldHeader('Cc', cc.join(', ')));
    const subject = headerText(p.subject || p.input);
    headers.push(foldHeader('Subject', encodeWords(/^re:/i.test(subject) ? subject : `Re: ${subject}`)));
    const msgId = messageIdHeader(mail.messageId);
    if (msgId) {
      const refs = (mail.references ?? []).map(messageIdHeader).filter((x): x is string => x !== null && x !== msgId);
      headers.push(`In-Reply-To: ${msgId}`, foldHeader('References', [...refs, msgId].join(' ')));
    }
    headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit');
    const lines = [
      MBOX_FROM,
      ...headers,
      '',
      ...body.map(bodyText),
      '',
      '-- ',
      `kfunc-review ${p.target.version ? `(target ${p.target.version})` : ''}`.trim(),
    ];
    // mboxrd: a body line that starts with "From " (or ">From ") gains a ">", so it never splits the mbox.
    mails.push(lines.map((l, i) => (i > 0 && /^>*From /.test(l) ? `>${l}` : l)).join('\n'));
  }
  return mails.length ? mails.join('\n\n') + '\n' : '';
}
