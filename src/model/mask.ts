// Offset-preserving masking of kernel macros that trip the C grammar. Every masked character
// becomes a space (newlines are kept), so every tree-sitter position is still a real position
// of the patched file.
//
//   __bpf_kfunc struct cgroup *bpf_cgroup_from_id(u64 cgid)   -> the marker masked, so the
//   definition parses with its real return type instead of an ERROR node;
//   BTF_ID_FLAGS(func, bpf_foo, KF_ACQUIRE)                     -> masked; sets are read by
//   btf-sets.ts, which tokenizes lines.

const WORDS = [
  '__bpf_kfunc',
  '__user',
  '__rcu',
  '__iomem',
  '__percpu',
  '__force',
  '__must_check',
  '__maybe_unused',
  '__weak',
  'noinline',
  '__init',
  '__exit',
  '__cold',
  'notrace',
  '__noclone',
  '__used',
  '__retain',
  '__always_unused',
  '__read_mostly',
  '__ro_after_init',
  '__nocast',
  '__bitwise',
  '__private',
  '__nocfi',
];
const WORD_RE = new RegExp(`\\b(?:${WORDS.join('|')})\\b`, 'g');
/** Statement-like macros that sit at top level between definitions. */
const LINE_MACRO_RE =
  /^[ \t]*(?:BTF_[A-Z0-9_]+|__bpf_kfunc_start_defs|__bpf_kfunc_end_defs|__bpf_hook_start|__bpf_hook_end|__diag_push|__diag_pop|__diag_ignore_all|__diag_ignore|EXPORT_SYMBOL\w*|ALLOW_ERROR_INJECTION)\s*\(/;
const ATTR_RE = /\b(?:__aligned|__attribute__|__printf|__section)\s*\(/g;
const PREPROC_COND_RE = /^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif|else|endif)\b/;

/**
 * For each '(' at an index of `opens`, the index just past its matching ')', or -1 when it is
 * never closed. One pass with a stack, so masking stays linear on a line of a thousand
 * unclosed groups (a scan per group was quadratic).
 */
function closeParens(text: string, opens: number[]): Map<number, number> {
  const wanted = new Set(opens);
  const out = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) stack.push(i);
    else if (c === 41 /* ) */ && stack.length) {
      const o = stack.pop()!;
      if (wanted.has(o)) out.set(o, i + 1);
    }
  }
  return out;
}

/** Blanks [from, to) of `chars` except newlines; `done` is how far earlier ranges reached (nested ones are skipped). */
function blank(chars: string[], from: number, to: number, done: number): number {
  for (let i = Math.max(from, done); i < to; i++) if (chars[i] !== '\n') chars[i] = ' ';
  return Math.max(done, to);
}

export function maskKernelC(text: string): string {
  let out = text.replace(WORD_RE, (w) => ' '.repeat(w.length));
  // Attribute groups with arguments: mask the name and its balanced parentheses.
  let m: RegExpExecArray | null;
  const attr = new RegExp(ATTR_RE.source, 'g');
  const chars = out.split('');
  const found: { at: number; open: number }[] = [];
  while ((m = attr.exec(out))) found.push({ at: m.index, open: m.index + m[0].length - 1 });
  const attrEnds = closeParens(
    out,
    found.map((f) => f.open),
  );
  let done = 0;
  for (const f of found) {
    const end = attrEnds.get(f.open) ?? -1;
    if (end >= 0) done = blank(chars, f.at, end, done);
  }
  out = chars.join('');
  // Line macros (possibly spanning lines) and preprocessor conditionals.
  const lines = out.split('\n');
  let offset = 0;
  const starts: number[] = [];
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  // Last line of each line's backslash continuation, from the bottom up (one pass).
  const contEnd = new Array<number>(lines.length);
  for (let k = lines.length - 1; k >= 0; k--) contEnd[k] = lines[k].endsWith('\\') && k + 1 < lines.length ? contEnd[k + 1] : k;
  const macroOpens: number[] = [];
  for (let li = 0; li < lines.length; li++) {
    if (PREPROC_COND_RE.test(lines[li])) continue;
    const mm = LINE_MACRO_RE.exec(lines[li]);
    if (mm) macroOpens.push(starts[li] + mm[0].length - 1);
  }
  const macroEnds = closeParens(out, macroOpens);
  const res = out.split('');
  done = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (PREPROC_COND_RE.test(line)) {
      // conditionals are tracked by preproc.ts; hiding them keeps hunk fragments parseable
      const k = contEnd[li];
      done = blank(res, starts[li], starts[k] + lines[k].length, done);
      continue;
    }
    const mm = LINE_MACRO_RE.exec(line);
    if (!mm) continue;
    let end = macroEnds.get(starts[li] + mm[0].length - 1) ?? -1;
    if (end < 0) end = starts[li] + line.length;
    if (out[end] === ';') end++;
    done = blank(res, starts[li], end, done);
  }
  return res.join('');
}
