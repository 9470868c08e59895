// Splits mbox / `git format-patch` text into messages.
//
// A message starts at a line that git's mailsplit would accept as a "From " separator:
//   From 2c7d0e6a1b0f... Mon Sep 17 00:00:00 2001        (git format-patch)
//   From mboxrd@z Thu Jan  1 00:00:00 1970               (lore mboxrd)
// i.e. "From ", a sender word, and a date that ends in a four-digit year. A bare "From " in
// a commit message does not split (mbox splitters that split on any "From " do).

const FROM_LINE = /^From \S+ +(?:\S+ +)?[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d{2}(?::\d{2})? (?:[+-]\d{4} )?\d{4}\s*$/;

export function isFromLine(line: string): boolean {
  return FROM_LINE.test(line);
}

/** Splits into raw messages (separator lines removed, mboxrd `>From ` unescaped). */
export function splitMbox(text: string): string[] {
  const lines = text.split('\n');
  if (!lines.some(isFromLine)) return [text];
  const out: string[] = [];
  let cur: string[] | null = null;
  const preamble: string[] = [];
  for (const line of lines) {
    if (isFromLine(line)) {
      if (cur) out.push(cur.join('\n'));
      cur = [];
      continue;
    }
    const unescaped = /^>+From /.test(line) ? line.slice(1) : line;
    (cur ?? preamble).push(unescaped);
  }
  if (cur) out.push(cur.join('\n'));
  // Text before the first separator is kept only when it holds something (a pasted diff).
  if (preamble.some((l) => l.trim() !== '')) out.unshift(preamble.join('\n'));
  return out;
}
