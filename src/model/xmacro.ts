// X-macro registration lists, read from plain text: a template
//
//   #define M(_, name) BTF_ID_FLAGS(func, name, KF_TRUSTED_ARGS)
//   LIST_MACRO
//   #undef M
//
// where LIST_MACRO (defined in the same file or a header) is a sequence of `M(a, b)` calls.
// Every call of M, directly or through a list macro, registers its `name` argument with the
// template's flags. Shared by the model (registrations of a patch, with their flags) and the
// tree index (which names an audit counts as registered). No I/O here: callers find the text.

/** A `#define M(params) BTF_ID_FLAGS(func, P, FLAGS)` or `BTF_ID(func, P)` template. */
export interface XTemplate {
  macro: string;
  /** Position of the registered name among M's parameters. */
  namePos: number;
  params: string[];
  /** The FLAGS text of a BTF_ID_FLAGS template ('' when none); '' for BTF_ID. */
  flags: string;
  kind: 'BTF_ID_FLAGS' | 'BTF_ID';
  /** Offset of the `#define` in the text and just past the template's line(s). */
  index: number;
  end: number;
}

const TEMPLATE = /^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)[ \t]*(BTF_ID_FLAGS|BTF_ID)\(\s*func\s*,\s*(\w+)\s*(?:,([^)\n]*))?\)/gm;

/** Every registration template in `text`. */
export function templatesIn(text: string): XTemplate[] {
  const out: XTemplate[] = [];
  for (const m of text.matchAll(TEMPLATE)) {
    const params = m[2].split(',').map((p) => p.trim());
    const namePos = params.indexOf(m[4]);
    if (namePos < 0) continue;
    out.push({
      macro: m[1],
      namePos,
      params,
      flags: (m[5] ?? '').trim(),
      kind: m[3] === 'BTF_ID' ? 'BTF_ID' : 'BTF_ID_FLAGS',
      index: m.index!,
      end: m.index! + m[0].length,
    });
  }
  return out;
}

/** The text a template applies to: from its end to its `#undef` (or the next 2000 characters). */
export function templateScope(text: string, t: XTemplate): { start: number; text: string } {
  const after = text.slice(t.end);
  const undef = new RegExp(`^[ \\t]*#[ \\t]*undef[ \\t]+${t.macro}\\b`, 'm').exec(after);
  return { start: t.end, text: undef ? after.slice(0, undef.index) : after.slice(0, 2000) };
}

/** Arguments of every `M(...)` call in `text` (top-level commas), with the call's offset. */
export function invocations(text: string, macro: string): { args: string[]; index: number }[] {
  const out: { args: string[]; index: number }[] = [];
  const re = new RegExp(`\\b${macro}\\s*\\(`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let depth = 1,
      i = m.index + m[0].length,
      start = i;
    const args: string[] = [];
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (--depth === 0) args.push(text.slice(start, i));
      } else if (c === ',' && depth === 1) {
        args.push(text.slice(start, i));
        start = i + 1;
      }
    }
    out.push({ args: args.map((a) => a.replace(/\\\n/g, ' ').trim()), index: m.index });
  }
  return out;
}

/** Names standing alone on a line of the scope: the list macros a template is applied to. */
export function listMacrosIn(scope: string): string[] {
  return [...new Set([...scope.matchAll(/^[ \t]*([A-Za-z_]\w*)[ \t]*$/gm)].map((m) => m[1]))];
}

/** Body of `#define NAME ...` (continuation lines joined) and its offset, or null. */
export function macroBody(text: string, name: string): { body: string; index: number } | null {
  const m = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}\\b(?!\\()`, 'm').exec(text);
  if (!m) return null;
  let end = m.index + m[0].length;
  for (;;) {
    const nl = text.indexOf('\n', end);
    if (nl < 0) {
      end = text.length;
      break;
    }
    const line = text.slice(end, nl).replace(/\r$/, '');
    end = nl + 1;
    if (!line.endsWith('\\')) break;
  }
  return { body: text.slice(m.index + m[0].length, end), index: m.index + m[0].length };
}

/** The registered name of one call of a template, when it is a plain identifier. */
export function expandedName(t: XTemplate, args: string[]): string | null {
  const name = args[t.namePos];
  return name && /^[A-Za-z_]\w*$/.test(name) ? name : null;
}

/** The template's flags with its parameters replaced by the call's arguments. */
export function expandedFlags(t: XTemplate, args: string[]): string {
  let flags = t.flags;
  t.params.forEach((p, i) => {
    if (p && args[i] !== undefined) flags = flags.replace(new RegExp(`\\b${p}\\b`, 'g'), args[i]);
  });
  return flags;
}

/** 1-based line of offset `pos` in `text`. */
export function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
