// The ranges a function's kernel-doc promises for its parameters: `@perf: level [0, %MAX]`,
// `@n: number of slots, at most %NR_SLOTS`, `@i: index, must be less than @count`. A kfunc's
// kernel-doc is the only place a BPF author learns what it accepts, so the code must enforce it.
import type { FunctionDef } from '../model/model.js';

export interface DocRange {
  param: string;
  /** The upper end as the comment writes it, kernel-doc markup removed (`SCX_CPUPERF_ONE`). */
  upper: string;
  /** The upper end is a valid value (`[0, N]`, "at most N") rather than excluded (`[0, N)`, "less than N"). */
  inclusive: boolean;
  /** The description line, for evidence. */
  text: string;
}

/** A value the comment can bound with: a number or a constant/parameter name. */
const VALUE = String.raw`[%@&]?(?:0x[0-9a-fA-F]+|\d+|[A-Za-z_]\w*(?:\(\))?)`;

const PATTERNS: { re: RegExp; inclusive: (m: RegExpExecArray) => boolean }[] = [
  // [0, N] / [0, N) / [0 .. N]
  { re: new RegExp(String.raw`\[\s*${VALUE}\s*(?:,|\.\.)\s*(${VALUE})\s*([\])])`), inclusive: (m) => m[2] === ']' },
  { re: new RegExp(String.raw`\bbetween\s+${VALUE}\s+and\s+(${VALUE})`, 'i'), inclusive: () => true },
  { re: new RegExp(String.raw`\b(?:less|smaller|lower) than\s+(${VALUE})`, 'i'), inclusive: () => false },
  {
    re: new RegExp(String.raw`\b(?:at most|no (?:more|greater|larger) than|must not exceed|not exceeding)\s+(${VALUE})`, 'i'),
    inclusive: () => true,
  },
];

/** The documented ranges of `fn`'s parameters, one per parameter that has one. */
export function documentedRanges(fn: FunctionDef): DocRange[] {
  if (!fn.doc) return [];
  const out: DocRange[] = [];
  // Parameter descriptions may wrap: a line starting with ` * @name:` runs until the next `@x:` or a blank line.
  const lines = fn.doc.split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, ''));
  let cur: { name: string; text: string } | null = null;
  const flush = () => {
    if (!cur || !fn.params.some((p) => p.name === cur!.name)) return;
    for (const { re, inclusive } of PATTERNS) {
      const m = re.exec(cur.text);
      if (!m) continue;
      const upper = m[1]!.replace(/^[%@&]/, '');
      if (/^(the|a|an|this|that|it|its)$/i.test(upper)) continue;
      out.push({ param: cur.name, upper, inclusive: inclusive(m), text: `@${cur.name}: ${cur.text.trim().replace(/\s+/g, ' ')}` });
      return;
    }
  };
  for (const l of lines) {
    const m = /^@(\w+)\s*:(.*)$/.exec(l.trim());
    if (m) {
      flush();
      cur = { name: m[1]!, text: m[2]! };
    } else if (cur && l.trim() && !/^\w[\w ]*:/.test(l.trim())) cur.text += ` ${l.trim()}`;
    else {
      flush();
      cur = null;
    }
  }
  flush();
  return out;
}
