// Input bytes -> text, refusing what is not a text patch with one line that names the input.

/** An input that cannot be reviewed (empty, binary, no patch in it): a one-line reason. */
export class InputRejected extends Error {
  override name = 'InputRejected';
}

/** Decodes input bytes, refusing what is not a text patch. */
export function decodeInput(buf: Buffer, name: string): string {
  if (buf.length === 0) throw new InputRejected(`${name}: empty input`);
  if (buf.includes(0)) throw new InputRejected(`${name}: binary data, not a patch`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    // 8-bit mails declare their charset; postal-mime decodes the body from the raw bytes.
    const latin = buf.toString('latin1');
    if (!/charset="?(iso-8859|latin|windows-125)/i.test(latin)) throw new InputRejected(`${name}: not UTF-8 text`);
    text = latin;
  }
  if (text.trim() === '') throw new InputRejected(`${name}: empty input`);
  return text;
}
