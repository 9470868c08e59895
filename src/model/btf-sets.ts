// Reads kfunc sets from the visible lines of one image with a small line tokenizer (the C
// grammar turns these macro blocks into one bogus declaration without an ERROR node):
//
//   BTF_KFUNCS_START(bpf_memcontrol_kfuncs)
//   BTF_ID_FLAGS(func, bpf_get_mem_cgroup, KF_ACQUIRE | KF_RET_NULL | KF_RCU)
//   BTF_KFUNCS_END(bpf_memcontrol_kfuncs)
//   static const struct btf_kfunc_id_set bpf_memcontrol_kfunc_set = { .owner = THIS_MODULE, .set = &bpf_memcontrol_kfuncs };
//   register_btf_kfunc_id_set(BPF_PROG_TYPE_UNSPEC, &bpf_memcontrol_kfunc_set);
import type { VisibleLine } from './preproc.js';

export interface RawEntry {
  kfunc: string;
  flags: string[];
  set: string | null;
  line: number;
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
export function readSets(lines: VisibleLine[], sections: Map<number, string> = new Map()): SetFacts {
  const facts: SetFacts = { entries: [], sets: [], idSets: [], registers: [] };
  let open: RawSet | null = null;
  /** Name of a set whose START is not visible but known from a hunk header. */
  let implied: string | null = null;
  let prev = -1;
  let inDefine = false;
  for (let i = 0; i < lines.length; i++) {
    const { line, text } = lines[i];
    if (prev >= 0 && line - prev > MAX_SET_GAP) {
      open = null;
      implied = null;
    }
    if (prev < 0 || line !== prev + 1) {
      const hint = /^BTF_(?:KFUNCS|SET8)_START\s*\(\s*(\w+)\s*\)/.exec(sections.get(line) ?? '');
      if (hint && !open) implied = hint[1];
    }
    prev = line;
    const t = text.trim();
    // Macro bodies (`#define XDP_METADATA_KFUNC(...) BTF_ID_FLAGS(func, name, ...)`) are templates, not entries.
    if (/^#\s*define\b/.test(t) || inDefine) {
      inDefine = t.endsWith('\\');
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^BTF_(KFUNCS|SET8)_START\s*\(\s*(\w+)\s*\)/.exec(t))) {
      implied = null;
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
