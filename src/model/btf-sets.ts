// Reads kfunc sets from the visible lines of one image with a small line tokenizer (the C
// grammar turns these macro blocks into one bogus declaration without an ERROR node):
//
//   BTF_KFUNCS_START(bpf_memcontrol_kfuncs)
//   BTF_ID_FLAGS(func, bpf_get_mem_cgroup, KF_ACQUIRE | KF_RET_NULL | KF_RCU)
//   BTF_KFUNCS_END(bpf_memcontrol_kfuncs)
//   static const struct btf_kfunc_id_set bpf_memcontrol_kfunc_set = { .owner = THIS_MODULE, .set = &bpf_memcontrol_kfuncs };
//   register_btf_kfunc_id_set(BPF_PROG_TYPE_UNSPEC, &bpf_memcontrol_kfunc_set);
//
// BTF id lists that are not kfunc sets are read too (`BTF_ID_LIST(special_kfunc_list)` /
// `BTF_SET_START(x)` followed by `BTF_ID(func, name)` lines), and X-macro registration
// templates (`#define M(_, name) BTF_ID_FLAGS(func, name, FLAGS)` + a list macro) are expanded
// through a resolver that finds the list macro's body (src/model/xmacro.ts).
import type { VisibleLine } from './preproc.js';
import { expandedFlags, expandedName, templatesIn, type XTemplate } from './xmacro.js';

export interface RawEntry {
  kfunc: string;
  flags: string[];
  set: string | null;
  line: number;
  /** An X-macro expansion: how it was found, and the other lines (template, list entry) it comes from. */
  via?: string;
  from?: { file: string | null; line: number }[];
}
/** A `BTF_ID(func, name)` in a BTF id list or set (not a kfunc set): e.g. the verifier's special-kfunc list. */
export interface RawBtfId {
  name: string;
  /** The BTF_ID_LIST / BTF_SET_START name, null when its start is not visible. */
  list: string | null;
  macro: 'BTF_ID_LIST' | 'BTF_SET' | 'BTF_ID_LIST_SINGLE' | null;
  line: number;
  via?: string;
  from?: { file: string | null; line: number }[];
}
/** One call of a template, found through a list macro (or directly): its arguments and where the call is. */
export interface XCall {
  args: string[];
  /** File of the call: null for the file being read. */
  file: string | null;
  line: number;
}
/** Finds the calls of `t` that list macro `list` makes; null when the list's definition is not visible. */
export type ListResolver = (list: string, t: XTemplate) => { calls: XCall[]; where: string } | null;
/** A template applied to a list macro whose definition is not visible here (the tree may know it). */
export interface PendingExpansion {
  template: XTemplate;
  templateLine: number;
  list: string;
  line: number;
  set: string | null;
}
export interface RawSet {
  name: string;
  macro: 'BTF_KFUNCS' | 'BTF_SET8';
  line: number;
  endLine: number | null;
  entries: string[];
}
export interface RawIdSet {
  name: string;
  set: string | null;
  filter: string | null;
  owner: string | null;
  line: number;
  /** Declared `static` (no other file can register it). */
  isStatic: boolean;
  /** Lines where `&name` is taken outside a recognised register_btf_* call (a helper or an array registers it). */
  uses: number[];
  /** Every designated member of the initialiser (`.owner = THIS_MODULE`), in order. */
  members: { name: string; value: string; line: number }[];
}
export interface RawRegister {
  fn: 'register_btf_kfunc_id_set' | 'register_btf_fmodret_id_set' | 'register_btf_id_dtor_kfuncs';
  progType: string | null;
  idSet: string;
  line: number;
}

export interface SetFacts {
  entries: RawEntry[];
  sets: RawSet[];
  idSets: RawIdSet[];
  registers: RawRegister[];
  ids: RawBtfId[];
  pending: PendingExpansion[];
}

/** Lines further apart than this do not share an open set (the start was not shown). */
const MAX_SET_GAP = 200;

export function parseFlags(expr: string): string[] {
  return expr
    .split('|')
    .map((f) => f.replace(/[()\s;]/g, ''))
    .filter((f) => f !== '' && f !== '0');
}

/**
 * `sections` maps the first line of a hunk to git's function-context text; a hunk headed
 * `@@ -85,6 +136,11 @@ BTF_KFUNCS_START(foo_kfunc_ids)` sits inside set foo_kfunc_ids even
 * though its START line is not shown.
 */
export function readSets(lines: VisibleLine[], sections: Map<number, string> = new Map(), resolve?: ListResolver): SetFacts {
  const facts: SetFacts = { entries: [], sets: [], idSets: [], registers: [], ids: [], pending: [] };
  let open: RawSet | null = null;
  /** Name of a set whose START is not visible but known from a hunk header. */
  let implied: string | null = null;
  /** The BTF id list (not a kfunc set) the following BTF_ID lines belong to. */
  let list: { name: string; macro: 'BTF_ID_LIST' | 'BTF_SET' } | null = null;
  /** The registration template in force (between its #define and #undef). */
  let template: { t: XTemplate; line: number } | null = null;
  let prev = -1;
  let inDefine = false;
  const expand = (t: XTemplate, templateLine: number, calls: XCall[], where: string, at: number) => {
    for (const c of calls) {
      const name = expandedName(t, c.args);
      if (!name) continue;
      const via = `${t.macro}() template at line ${templateLine}, expanded by ${where}`;
      const from = [
        { file: null, line: templateLine },
        { file: c.file, line: c.line },
      ];
      if (t.kind === 'BTF_ID') {
        facts.ids.push({ name, list: list?.name ?? null, macro: list?.macro ?? null, line: at, via, from });
        continue;
      }
      const entry: RawEntry = { kfunc: name, flags: parseFlags(expandedFlags(t, c.args)), set: open?.name ?? implied, line: at, via, from };
      open?.entries.push(name);
      facts.entries.push(entry);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const { line, text } = lines[i];
    if (prev >= 0 && line - prev > MAX_SET_GAP) {
      open = null;
      implied = null;
      list = null;
      template = null;
    }
    if (prev < 0 || line !== prev + 1) {
      // An id list has no marker to recover it from: after unseen lines its extent is unknown.
      list = null;
      const hint = /^BTF_(?:KFUNCS|SET8)_START\s*\(\s*(\w+)\s*\)/.exec(sections.get(line) ?? '');
      if (hint && !open) implied = hint[1];
    }
    prev = line;
    const t = text.trim();
    // Macro bodies (`#define XDP_METADATA_KFUNC(...) BTF_ID_FLAGS(func, name, ...)`) are templates, not entries.
    if (/^#\s*define\b/.test(t) || inDefine) {
      if (!inDefine) {
        const tm = templatesIn(t)[0];
        if (tm) template = { t: tm, line };
      }
      inDefine = t.endsWith('\\');
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^#\s*undef\s+(\w+)/.exec(t))) {
      if (template?.t.macro === m[1]) template = null;
      continue;
    }
    if (template) {
      const tm = template.t;
      if (new RegExp(`^${tm.macro}\\s*\\(`).test(t)) {
        // A direct call of the template, possibly over several lines.
        let joined = t;
        let k = i;
        while (depth(joined) > 0 && k + 1 < lines.length && lines[k + 1].line === lines[k].line + 1) {
          k++;
          joined += ' ' + lines[k].text.trim();
        }
        i = k;
        const inner = joined.slice(joined.indexOf('(') + 1, joined.lastIndexOf(')'));
        expand(tm, template.line, [{ args: splitArgs(inner), file: null, line }], `the call at line ${line}`, line);
        continue;
      }
      if ((m = /^([A-Za-z_]\w*)\s*$/.exec(t)) && !/^(BTF_ID_UNUSED|else|endif)$/.test(m[1])) {
        const found = resolve?.(m[1], tm);
        if (found) expand(tm, template.line, found.calls, `${m[1]} (${found.where})`, line);
        else if (tm.kind === 'BTF_ID_FLAGS')
          facts.pending.push({ template: tm, templateLine: template.line, list: m[1], line, set: open?.name ?? implied });
        continue;
      }
    }
    if ((m = /^BTF_(KFUNCS|SET8)_START\s*\(\s*(\w+)\s*\)/.exec(t))) {
      implied = null;
      list = null;
      open = { name: m[2], macro: m[1] === 'KFUNCS' ? 'BTF_KFUNCS' : 'BTF_SET8', line, endLine: null, entries: [] };
      facts.sets.push(open);
      continue;
    }
    if ((m = /^BTF_(KFUNCS|SET8)_END\s*\(\s*(\w+)\s*\)/.exec(t))) {
      // An END whose START is not visible records no set: its start line and entries are unknown.
      if (open && open.name === m[2]) open.endLine = line;
      open = null;
      implied = null;
      continue;
    }
    if ((m = /^BTF_ID_LIST\s*\(\s*(\w+)\s*\)/.exec(t))) {
      list = { name: m[1], macro: 'BTF_ID_LIST' };
      continue;
    }
    if ((m = /^BTF_SET_START\s*\(\s*(\w+)\s*\)/.exec(t))) {
      list = { name: m[1], macro: 'BTF_SET' };
      continue;
    }
    if (/^BTF_SET_END\s*\(/.test(t)) {
      list = null;
      continue;
    }
    if ((m = /^BTF_ID\s*\(\s*func\s*,\s*(\w+)\s*\)/.exec(t))) {
      facts.ids.push({ name: m[1], list: list?.name ?? null, macro: list?.macro ?? null, line });
      continue;
    }
    if ((m = /^BTF_ID_LIST(?:_GLOBAL)?_SINGLE\s*\(\s*(\w+)\s*,\s*func\s*,\s*(\w+)\s*\)/.exec(t))) {
      facts.ids.push({ name: m[2], list: m[1], macro: 'BTF_ID_LIST_SINGLE', line });
      continue;
    }
    // A BTF_ID_LIST has no end marker: it ends at the first line that is not part of it.
    if (list?.macro === 'BTF_ID_LIST' && t !== '' && !/^(BTF_ID\w*\b|#|\/\*|\*|\/\/)/.test(t)) list = null;
    if (/^BTF_ID_FLAGS\s*\(/.test(t)) {
      // An entry may continue on the next visible lines until its parentheses close.
      let joined = t;
      let unclosed = depth(t);
      let k = i;
      // Bounded: an entry that never closes stops after a screenful, not at the end of the file.
      while (unclosed > 0 && k - i < 40 && k + 1 < lines.length && lines[k + 1].line === lines[k].line + 1) {
        k++;
        const more = lines[k].text.trim();
        unclosed += depth(more);
        joined += ' ' + more;
      }
      i = k;
      const inner = joined.slice(joined.indexOf('(') + 1, joined.lastIndexOf(')'));
      const parts = inner.split(',').map((p) => p.trim());
      if (parts[0] !== 'func' || !parts[1]) continue;
      const entry: RawEntry = { kfunc: parts[1], flags: parseFlags(parts.slice(2).join(',')), set: open?.name ?? implied, line };
      open?.entries.push(entry.kfunc);
      facts.entries.push(entry);
    }
  }
  const refs: { name: string; line: number }[] = [];
  readStructsAndCalls(lines, facts, refs);
  const byName = new Map<string, number[]>();
  for (const r of refs) {
    const list = byName.get(r.name);
    if (list) list.push(r.line);
    else byName.set(r.name, [r.line]);
  }
  for (const s of facts.idSets) s.uses = (byName.get(s.name) ?? []).slice();
  return facts;
}

/** Top-level comma-separated arguments of a macro call's inner text. */
function splitArgs(inner: string): string[] {
  const out: string[] = [];
  let d = 0,
    start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(') d++;
    else if (c === ')') d--;
    else if (c === ',' && d === 0) {
      out.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(inner.slice(start).trim());
  return out;
}

function depth(s: string): number {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    else if (c === ')') d--;
  }
  return d;
}

/** Joins runs of consecutive lines so multi-line initialisers and calls match one regex. */
function readStructsAndCalls(lines: VisibleLine[], facts: SetFacts, refs: { name: string; line: number }[]): void {
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1].line === lines[j].line + 1) j++;
    const run = lines.slice(i, j + 1);
    const starts: number[] = [];
    let text = '';
    for (const l of run) {
      starts.push(text.length);
      text += l.text + '\n';
    }
    const lineAt = (off: number) => {
      // The last start at or before `off` (binary search: a run may be a whole file).
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= off) lo = mid;
        else hi = mid - 1;
      }
      return run[lo].line;
    };
    // Initialisers are short: a bounded body keeps an unclosed `{` from costing a scan per match.
    const structRe = /struct\s+btf_kfunc_id_set\s+(\w+)\s*=\s*\{([^}]{0,4000})\}/g;
    let m: RegExpExecArray | null;
    while ((m = structRe.exec(text))) {
      const body = m[2];
      facts.idSets.push({
        name: m[1],
        set: /\.set\s*=\s*&?\s*(\w+)/.exec(body)?.[1] ?? null,
        filter: /\.filter\s*=\s*&?\s*(\w+)/.exec(body)?.[1] ?? null,
        owner: /\.owner\s*=\s*(\w+)/.exec(body)?.[1] ?? null,
        line: lineAt(m.index),
        isStatic: /\bstatic\b[^;{}]*$/.test(text.slice(text.lastIndexOf('\n', m.index) + 1, m.index)),
        uses: [],
        members: [...body.matchAll(/\.\s*(\w+)\s*=\s*([^,}]*)/g)].map((mm) => ({
          name: mm[1],
          value: mm[2].trim(),
          line: lineAt(m!.index + m![0].indexOf('{') + 1 + mm.index!),
        })),
      });
    }
    const spans: [number, number][] = [];
    const regRe = /register_btf_kfunc_id_set\s*\(\s*(\w+)\s*,\s*&\s*(\w+)\s*\)/g;
    while ((m = regRe.exec(text))) {
      spans.push([m.index, m.index + m[0].length]);
      facts.registers.push({ fn: 'register_btf_kfunc_id_set', progType: m[1], idSet: m[2], line: lineAt(m.index) });
    }
    const fmodRe = /register_btf_fmodret_id_set\s*\(\s*&\s*(\w+)\s*\)/g;
    while ((m = fmodRe.exec(text))) {
      spans.push([m.index, m.index + m[0].length]);
      facts.registers.push({ fn: 'register_btf_fmodret_id_set', progType: null, idSet: m[1], line: lineAt(m.index) });
    }
    const dtorRe = /register_btf_id_dtor_kfuncs\s*\(\s*(\w+)/g;
    while ((m = dtorRe.exec(text)))
      facts.registers.push({ fn: 'register_btf_id_dtor_kfuncs', progType: null, idSet: m[1], line: lineAt(m.index) });
    const addrRe = /&\s*(\w+)/g;
    spans.sort((a, b) => a[0] - b[0]);
    let s = 0;
    while ((m = addrRe.exec(text))) {
      const at = m.index;
      // Matches come in order: skip the spans that end before this one (spans do not overlap).
      while (s < spans.length && spans[s][1] <= at) s++;
      if (!(s < spans.length && at >= spans[s][0] && at < spans[s][1])) refs.push({ name: m[1], line: lineAt(at) });
    }
    i = j + 1;
  }
}
