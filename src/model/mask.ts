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

/** Index just past the parenthesis group that starts at `open` ('('), or -1 when unbalanced. */
function closeParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

export function maskKernelC(text: string): string {
  let out = text.replace(WORD_RE, (w) => ' '.repeat(w.length));
  // Attribute groups with arguments: mask the name and its balanced parentheses.
  let m: RegExpExecArray | null;
  const attr = new RegExp(ATTR_RE.source, 'g');
  const chars = out.split('');
  while ((m = attr.exec(out))) {
    const open = m.index + m[0].length - 1;
    const end = closeParen(out, open);
    if (end < 0) continue;
    for (let i = m.index; i < end; i++) if (chars[i] !== '\n') chars[i] = ' ';
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
  const res = out.split('');
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (PREPROC_COND_RE.test(line)) {
      // conditionals are tracked by preproc.ts; hiding them keeps hunk fragments parseable
      let end = starts[li] + line.length;
      let k = li;
      while (lines[k].endsWith('\\') && k + 1 < lines.length) {
        k++;
        end = starts[k] + lines[k].length;
      }
      for (let i = starts[li]; i < end; i++) if (res[i] !== '\n') res[i] = ' ';
      continue;
    }
    const mm = LINE_MACRO_RE.exec(line);
    if (!mm) continue;
    const open = starts[li] + mm[0].length - 1;
    let end = closeParen(out, open);
    if (end < 0) end = starts[li] + line.length;
    if (out[end] === ';') end++;
    for (let i = starts[li]; i < end; i++) if (res[i] !== '\n') res[i] = ' ';
  }
  return res.join('');
}
