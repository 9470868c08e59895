// One input text → the patches and replies it holds: splits an mbox, decodes each mail
// (postal-mime: MIME, quoted-printable, RFC 2047 subjects), cuts the commit message from the
// diff the way `git mailinfo` does, and reads the diff.
import { splitMbox } from './mbox.js';
import { parseSubject, type SubjectTag } from './subject.js';
import { scanDiff } from './diff-scan.js';
import { readDiff, type FileDiff } from './diff.js';
import { InputRejected } from './decode.js';
import { LIMITS } from './limits.js';

/** One mailbox of an address header, decoded. */
export interface MailAddress {
  name: string;
  address: string;
}

export interface PatchRecord {
  subject: string;
  tag: SubjectTag;
  from: string;
  /** From, To and Cc as mailboxes (what a reply is addressed to); empty when the input had none. */
  addresses?: { from: MailAddress[]; to: MailAddress[]; cc: MailAddress[] };
  /** The mail's References header, oldest first. */
  references?: string[];
  date: string | null;
  messageId: string | null;
  commitMessage: string;
  files: FileDiff[];
  recovered: boolean;
  warnings: string[];
  /** Taken from a reply (`Re:`) that carries a patch below its discussion, as `git am`/b4 would. */
  fromReply?: boolean;
  /** What of this patch could not be read and was not reviewed (one line each, naming the input). */
  skipped: string[];
}

export interface MailRecord {
  subject: string;
  from: string;
  messageId: string | null;
  inReplyTo: string | null;
  body: string;
}

export interface SeriesRecord {
  patches: PatchRecord[];
  cover: MailRecord | null;
  /** Replies and the discussion text that follows a patch (quoted reviews, author answers). */
  discussion: MailRecord[];
  /** Mails that look like patches but whose diff could not be read: not reviewed, and said so. */
  skipped: string[];
}

const HEADER_LINE = /^[A-Za-z][\w-]*:[ \t]?/;

function hasMailHeaders(msg: string): boolean {
  const head = msg.split('\n\n', 1)[0] ?? '';
  const first = head.split('\n')[0] ?? '';
  return HEADER_LINE.test(first) && /^(subject|from|date|message-id):/im.test(head);
}

/** git's patchbreak: the first `---` line, or a line starting `diff -` or `Index: `. */
export function splitPatchBreak(body: string): { message: string; diff: string } {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^---\s*$/.test(l) || /^diff -/.test(l) || /^Index: /.test(l));
  if (at < 0) return { message: body, diff: '' };
  return { message: lines.slice(0, at).join('\n'), diff: lines.slice(at).join('\n') };
}

interface DecodedMail {
  subject: string;
  from: string;
  date: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  addresses: { from: MailAddress[]; to: MailAddress[]; cc: MailAddress[] };
  body: string;
  /** Text attachments (a patch sent as `git format-patch` output attached to a mail). */
  attachments: string[];
}

/** True when the mail needs a MIME decoder: encoded body or words, multipart, a non-UTF-8 charset. */
function needsMime(head: string): boolean {
  return (
    /^content-transfer-encoding:\s*(quoted-printable|base64)/im.test(head) ||
    /^content-type:\s*multipart\//im.test(head) ||
    /=\?[^?\s]+\?[bq]\?/i.test(head) ||
    /charset="?(?!utf-?8|us-ascii)[\w-]+/i.test(head)
  );
}

/**
 * A plain git format-patch mail (7bit/8bit UTF-8 text) is read directly: loading the MIME
 * decoder costs ~25 ms of start-up that a one-patch run would spend for nothing.
 */
async function readPlainMail(raw: string): Promise<DecodedMail> {
  const cut = raw.indexOf('\n\n');
  const head = (cut < 0 ? raw : raw.slice(0, cut)).replace(/\n[ \t]+/g, ' ');
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1].trim() ?? null;
  const id = (v: string | null) => (v ? (/<[^>]+>/.exec(v)?.[0] ?? v) : null);
  return {
    subject: (field('subject') ?? '').replace(/\s+/g, ' '),
    from: field('from') ?? '',
    date: field('date'),
    messageId: id(field('message-id')),
    inReplyTo: id(field('in-reply-to')),
    references: messageIds(field('references')),
    addresses: await plainAddresses(field('from'), field('to'), field('cc')),
    body: cut < 0 ? '' : raw.slice(cut + 2),
    attachments: [],
  };
}

function messageIds(v: string | null | undefined): string[] {
  return v ? (v.match(/<[^<>\s]+>/g) ?? []) : [];
}

/**
 * The address headers of a plain mail as mailboxes. A single `Name <addr>` or bare address is
 * read here; a list (commas, quotes, groups) goes to postal-mime's address parser, loaded only then.
 */
async function plainAddresses(from: string | null, to: string | null, cc: string | null): Promise<DecodedMail['addresses']> {
  const simple = (v: string): MailAddress | null => {
    const m = /^([^",;:<>@()]*?)\s*<([^<>\s,;]+@[^<>\s,;]+)>$/.exec(v) ?? /^()([^<>\s,;"]+@[^<>\s,;"]+)$/.exec(v);
    return m ? { name: m[1]!.trim(), address: m[2]! } : null;
  };
  const read = async (v: string | null): Promise<MailAddress[]> => {
    if (!v) return [];
    const one = simple(v.trim());
    if (one) return [one];
    const { addressParser } = await import('postal-mime');
    return mailboxes(addressParser(v, { flatten: true }));
  };
  return { from: await read(from), to: await read(to), cc: await read(cc) };
}

/** Mailboxes of a parsed address list, groups flattened, entries without an address dropped. */
function mailboxes(list: { name?: string; address?: string; group?: { name?: string; address?: string }[] }[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list ?? []) {
    for (const m of a.group ?? [a]) if (m.address) out.push({ name: (m.name ?? '').trim(), address: m.address });
  }
  return out;
}

async function decode(raw: string): Promise<DecodedMail> {
  if (!hasMailHeaders(raw))
    return {
      subject: '',
      from: '',
      date: null,
      messageId: null,
      inReplyTo: null,
      references: [],
      addresses: { from: [], to: [], cc: [] },
      body: raw,
      attachments: [],
    };
  const head = raw.split('\n\n', 1)[0] ?? '';
  if (!needsMime(head)) return readPlainMail(raw);
  const { default: PostalMime } = await import('postal-mime');
  const mail = await PostalMime.parse(raw, { attachmentEncoding: 'utf8' });
  const body = (mail.text ?? '').replace(/\r\n?/g, '\n');
  const attachments = mail.attachments
    .filter((a) => typeof a.content === 'string' && /^(text\/|application\/(x-)?(patch|diff|octet-stream|mbox))/i.test(a.mimeType ?? ''))
    .map((a) => (a.content as string).replace(/\r\n?/g, '\n'));
  const from = mail.from ? (mail.from.name ? `${mail.from.name} <${mail.from.address ?? ''}>` : (mail.from.address ?? '')) : '';
  return {
    subject: (mail.subject ?? '').replace(/\s+/g, ' ').trim(),
    from,
    date: mail.date ?? null,
    messageId: mail.messageId ?? null,
    inReplyTo: mail.inReplyTo ?? null,
    references: messageIds(mail.references),
    addresses: { from: mailboxes(mail.from ? [mail.from] : []), to: mailboxes(mail.to), cc: mailboxes(mail.cc) },
    body,
    attachments,
  };
}

/** git's scissors line (`-- >8 --`, `--8<--`): what follows it is the patch mail. */
const SCISSORS = /^[ \t]*(?:-[ \t]*){2,}(?:>8|8<)(?:[ \t]*-)+[ \t]*$/m;

/** In-body headers at the top of a message (`Subject:`, `From:`, `Date:`), as git am reads them. */
function inBodyHeaders(text: string): { headers: Map<string, string>; rest: string } {
  const lines = text.replace(/^\n+/, '').split('\n');
  const headers = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^(Subject|From|Date):[ \t]*(.*)$/i.exec(lines[i]!);
    if (!m) break;
    headers.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  if (headers.size && lines[i] === '') i++;
  return { headers, rest: lines.slice(i).join('\n') };
}

/**
 * A reply that carries a patch: discussion, then a scissors line or the patch's own `---`, then
 * the diff. The patch is what follows the scissors (its in-body Subject: names it) or, without
 * one, the reply's subject without `Re:`; the text above stays discussion.
 */
function patchFromReply(mail: DecodedMail): { subject: string; message: string; discussion: string } {
  const cut = SCISSORS.exec(mail.body);
  const reSubject = mail.subject.replace(/^\s*((re|aw|sv)\s*:\s*)+/i, '');
  if (!cut) {
    const { message } = splitPatchBreak(mail.body);
    return { subject: reSubject, message, discussion: message };
  }
  const after = mail.body.slice(cut.index + cut[0].length);
  const { headers, rest } = inBodyHeaders(after);
  return {
    subject: headers.get('subject') ?? reSubject,
    message: splitPatchBreak(rest).message,
    discussion: mail.body.slice(0, cut.index),
  };
}
/** A diff in the raw mail text, whatever its MIME wrapping did to it. */
const RAW_DIFF = /^(diff --git |@@ -\d+(,\d+)? \+\d+(,\d+)? @@)/m;

/** The first non-empty line of a commit message: the subject of a headerless patch. */
function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

export async function readSeries(text: string, inputName: string): Promise<SeriesRecord> {
  const normalised = text.replace(/\r\n?/g, '\n');
  const series: SeriesRecord = { patches: [], cover: null, discussion: [], skipped: [] };
  let hunks = 0;
  for (const raw of splitMbox(normalised)) {
    const mail = await decode(raw);
    const tag = parseSubject(mail.subject);
    const split = splitPatchBreak(mail.body);
    let message = split.message;
    let scan = scanDiff(split.diff, inputName);
    // A patch sent as an attachment: the body is the message, the attachment holds the diff.
    for (const a of mail.attachments) {
      if (scan.diff || tag.isReply) break;
      const part = splitPatchBreak(a);
      const s = scanDiff(part.diff, inputName);
      if (!s.diff) continue;
      scan = s;
      if (!message.trim()) message = part.message;
    }
    hunks += scan.hunks;
    if (hunks > LIMITS.hunks) throw new InputRejected(`${inputName}: more than ${LIMITS.hunks.toLocaleString('en-US')} hunks (the limit)`);
    const files = scan.diff ? readDiff(scan.diff) : [];
    const record: MailRecord = {
      subject: mail.subject,
      from: mail.from,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      body: mail.body,
    };
    if (files.length === 0) {
      if (tag.isPatch && tag.index === 0 && !tag.isReply) series.cover = record;
      else series.discussion.push(record);
      // Hunks that were there but unreadable, or a diff the MIME decoding lost, are not discussion.
      if (!tag.isReply) {
        series.skipped.push(...scan.skipped);
        const lost = !scan.skipped.length && RAW_DIFF.test(raw) && !RAW_DIFF.test(mail.body);
        if (lost)
          series.skipped.push(
            `${inputName}: ${describe(mail.subject)}: holds a diff that could not be decoded (broken MIME?); not reviewed`,
          );
      }
      continue;
    }
    if (tag.isReply) {
      // The diff lines are not quoted (a quoted diff is never read as one): the reply carries a
      // patch of its own. Review it like `git am` would take it, and keep the discussion.
      const r = patchFromReply(mail);
      series.discussion.push({ ...record, body: r.discussion });
      series.patches.push({
        subject: r.subject,
        tag: parseSubject(r.subject),
        from: mail.from,
        addresses: mail.addresses,
        references: mail.references,
        date: mail.date,
        messageId: mail.messageId,
        commitMessage: r.message,
        files,
        recovered: scan.recovered,
        warnings: [`${inputName}: patch taken from a reply ("${mail.subject}"), as git am would take it`, ...scan.warnings],
        skipped: scan.skipped,
        fromReply: true,
      });
      continue;
    }
    series.patches.push({
      subject: mail.subject || firstLine(message),
      tag,
      from: mail.from,
      addresses: mail.addresses,
      references: mail.references,
      date: mail.date,
      messageId: mail.messageId,
      commitMessage: message,
      files,
      recovered: scan.recovered,
      warnings: scan.warnings,
      skipped: scan.skipped,
    });
    if (scan.trailing.trim()) {
      series.discussion.push({
        subject: `Re: ${mail.subject || firstLine(message)}`,
        from: '',
        messageId: null,
        inReplyTo: mail.messageId,
        body: scan.trailing,
      });
    }
  }
  series.patches.sort((a, b) => a.tag.index - b.tag.index);
  return series;
}

/** A mail as messages name it: its subject, quoted and cut short. */
function describe(subject: string): string {
  if (!subject) return 'a mail';
  return `mail "${subject.length > 80 ? `${subject.slice(0, 77)}...` : subject}"`;
}
