// Input bytes -> text, refusing what is not a text patch with one line that names the input.
import { LIMITS, spellBytes } from './limits.js';

/** An input that cannot be reviewed (empty, binary, no patch in it): a one-line reason. */
export class InputRejected extends Error {
  override name = 'InputRejected';
}

/** Decodes input bytes, refusing what is not a text patch. */
export function decodeInput(buf: Buffer, name: string): string {
  if (buf.length === 0) throw new InputRejected(`${name}: empty input`);
  if (buf.length > LIMITS.inputBytes) throw tooLarge(name, buf.length);
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

/** The one message for an input over the size limit (the readers check before reading it all). */
export function tooLarge(name: string, bytes: number | null): InputRejected {
  const size = bytes === null ? '' : ` ${(bytes / (1024 * 1024)).toFixed(1)} MiB,`;
  return new InputRejected(`${name}: input is${size} over the ${spellBytes(LIMITS.inputBytes)} limit`);
}
