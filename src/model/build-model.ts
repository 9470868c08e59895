// Builds the PatchModel from the visible images of the touched files: parses C (masked) with
// tree-sitter, reads kfunc definitions, sets, registrations and enums, and marks what the
// patch adds or removes.
import { parseC, PARSE_LIMITS, type SyntaxNode } from './c-parser.js';
import { maskKernelC } from './mask.js';
import { readFunctions, readEnums, kfuncMarkers, type RawFunction } from './functions.js';
import { parseFlags, readSets, type ListResolver, type PendingExpansion } from './btf-sets.js';
import { legacyKfuncs } from './legacy-kfunc-sets.js';
import { invocations, macroBody } from './xmacro.js';
import { preprocFacts, type VisibleLine } from './preproc.js';
import { bodyTouched, callsIn } from './c-query.js';
import { regionsOf, type FileSource, type ImageView } from '../intake/source.js';
import { LIMITS, spellBytes } from '../intake/limits.js';
import type { EnumDef, FileModel, FunctionDef, KfuncDef, LineStatus, PatchModel, Registration, TreeIndex } from './model.js';
import type { TargetTree } from './target.js';

const C_FILE = /\.(c|h)$/;

interface ImageFacts {
  functions: RawFunction[];
  enums: ReturnType<typeof readEnums>;
  /** Names declared by a prototype (a declaration, not a definition), with their lines. */
  prototypes: { name: string; line: number }[];
  visible: VisibleLine[];
  /** Lines of `__bpf_kfunc` markers no parsed definition claims, where the C did not parse. */
  hidden: { line: number; end: number; why: string; cut?: boolean }[];
  /** Regions without a marker that were not parsed (the time ran out), said once. */
  unparsed?: string;
}

/** Highest visible line number (a loop: a spread of 150k arguments overflows the stack). */
function lastLine(view: ImageView): number {
  let max = 0;
  for (const n of view.lines.keys()) if (n > max) max = n;
  return max;
}

/**
 * Parses each visible region of an image on its own. The regions share one text in which every
 * line sits at its real row (gaps are empty lines), and each parse covers only its region
 * (tree-sitter's included ranges): positions are real line numbers without padding each region
 * with the lines before it, which cost time and memory per hunk.
 */
function parseImage(view: ImageView, changedLines: Set<number>, onlyRegionsWith?: Set<number>): ImageFacts {
  const facts: ImageFacts = { functions: [], enums: [], visible: [], prototypes: [], hidden: [] };
  const last = lastLine(view);
  const regions = view.full ? [[1, last] as [number, number]] : regionsOf(view);
  const original: string[] = new Array<string>(last).fill('');
  const masked: string[] = new Array<string>(last).fill('');
  const wanted: [number, number][] = [];
  for (const [start, end] of regions) {
    if (start < 1 || end < start) continue;
    for (let n = start; n <= end; n++) {
      const t = view.lines.get(n) ?? '';
      original[n - 1] = t;
      facts.visible.push({ line: n, text: t });
    }
    if (onlyRegionsWith && !anyIn(onlyRegionsWith, start, end)) continue;
    // Masking is per region, as each region is parsed on its own.
    const m = maskKernelC(original.slice(start - 1, end).join('\n')).split('\n');
    // A hunk that starts inside a block comment (kernel-doc above a kfunc, most often) shows its
    // tail: ` * ...` lines up to a `*/`. Blank them, or the parser reads prose as C.
    const tail = view.full ? 0 : commentTail(original, start, end);
    for (let k = 0; k < tail; k++) m[k] = ' '.repeat(m[k].length);
    for (let k = 0; k < m.length; k++) masked[start - 1 + k] = m[k];
    wanted.push([start, end]);
  }
  if (!wanted.length) return facts;
  let size = 0;
  for (const [start, end] of wanted) for (let n = start; n <= end; n++) size += original[n - 1].length + 1;
  if (size > LIMITS.parseBytes) {
    // Not parsed at all: every kfunc in it goes unreviewed, and the report says so.
    facts.unparsed = `${spellBytes(size)} of C, over the ${spellBytes(LIMITS.parseBytes)} parse limit`;
    return facts;
  }
  const offsets = new Array<number>(last + 1);
  let at = 0;
  for (let k = 0; k < last; k++) {
    offsets[k] = at;
    at += original[k].length + 1;
  }
  offsets[last] = at;
  const originalText = original.join('\n');
  const maskedText = masked.join('\n');
  const lineOf = (offset: number) => upperBound(offsets, offset);
  // Parse time for the image in all; past it the remaining regions are not parsed (and said so).
  let budget = PARSE_LIMITS.imageBudgetMs;
  const unparsed: [number, number][] = [];
  for (const [start, end] of wanted) {
    const range = {
      startIndex: offsets[start - 1],
      endIndex: offsets[end] - 1,
      startRow: start - 1,
      endRow: end - 1,
      endColumn: original[end - 1].length,
    };
    const markers = kfuncMarkers(originalText.slice(range.startIndex, range.endIndex)).map((o) => o + range.startIndex);
    const began = Date.now();
    const tree = budget > 0 ? parseC(maskedText, range, Math.min(PARSE_LIMITS.timeoutMs, budget)) : null;
    budget -= Date.now() - began;
    if (!tree) {
      for (const o of markers) facts.hidden.push({ line: lineOf(o), end, why: `the C of lines ${start}-${end} did not parse in time` });
      if (!markers.length) unparsed.push([start, end]);
      continue;
    }
    const fns = readFunctions(tree.rootNode, maskedText, originalText, markers, range.startIndex);
    for (const f of fns) facts.functions.push(f);
    for (const e of readEnums(tree.rootNode)) facts.enums.push(e);
    for (const n of prototypeNames(tree.rootNode)) facts.prototypes.push(n);
    // A marker no definition claims, inside C the grammar could not read: a kfunc the rules never see.
    if (markers.length > fns.filter((f) => f.isKfunc).length && tree.rootNode.hasError) {
      for (const o of markers) {
        if (fns.some((f) => f.isKfunc && f.markerAt === o)) continue;
        if (!errorAfter(tree.rootNode, o)) continue;
        // Hunks only: a body whose unchanged lines alone leave braces open where the region ends
        // is cut short by the hunk (both images are), not C the patch broke.
        const cut = !view.full && openBraces(masked, lineOf(o), end, changedLines) > 0;
        facts.hidden.push({ line: lineOf(o), end, why: 'the C after its __bpf_kfunc marker did not parse', cut });
      }
    }
  }
  if (unparsed.length) {
    const [a, b] = unparsed[0];
    const more = unparsed.length > 1 ? ` and ${unparsed.length - 1} more region(s)` : '';
    facts.unparsed = `lines ${a}-${b}${more} did not parse in time`;
  }
  return facts;
}

function anyIn(set: Set<number>, start: number, end: number): boolean {
  for (const n of set) if (n >= start && n <= end) return true;
  return false;
}

/** 1-based line of `offset`: the number of line starts at or before it. */
function upperBound(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when a syntax error (ERROR or MISSING node) starts at or after `offset` within the next lines. */
/** Lines at the start of a region that are the end of a block comment begun before it (0 if none). */
function commentTail(lines: string[], start: number, end: number): number {
  for (let n = start; n <= end && n - start < 400; n++) {
    const t = lines[n - 1];
    if (t.includes('/*')) return 0;
    if (t.includes('*/')) return n - start + 1;
    if (t.trim() !== '' && !/^\s*\*/.test(t)) return 0;
  }
  return 0;
}

/** Braces opened and not closed on the unchanged lines `from`..`to` of masked text (comments and strings are masked). */
function openBraces(masked: string[], from: number, to: number, changed: Set<number>): number {
  let depth = 0;
  for (let n = from; n <= to; n++) {
    if (changed.has(n)) continue;
    const t = masked[n - 1] ?? '';
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 123) depth++;
      else if (c === 125 && depth > 0) depth--;
    }
  }
  return depth;
}

function errorAfter(root: SyntaxNode, offset: number): boolean {
  const cursor = root.walk();
  // Iterative pre-order walk: a tree of 100k nested braces must not exhaust the stack.
  for (;;) {
    const n = cursor.currentNode;
    if (n.endIndex > offset && (n.type === 'ERROR' || n.isMissing) && n.startIndex - offset < 2000) return true;
    const descend = n.endIndex > offset && n.hasError && cursor.gotoFirstChild();
    if (descend) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return false;
  }
}

/** Functions declared by prototypes (`int foo(void);`, `struct x *bar(int);`), with their lines. */
function prototypeNames(root: SyntaxNode): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  for (const d of root.descendantsOfType('declaration')) {
    for (const decl of d.childrenForFieldName('declarator')) {
      let n: SyntaxNode | null = decl;
      while (n && n.type === 'pointer_declarator') n = n.childForFieldName('declarator');
      if (n?.type !== 'function_declarator') continue;
      const id = n.childForFieldName('declarator');
      if (id?.type === 'identifier') out.push({ name: id.text, line: d.startPosition.row + 1 });
    }
  }
  return out;
}

/** The kernel-doc comment that ends right above `line`, if any. */
function docAbove(view: ImageView, line: number): string | null {
  let n = line - 1;
  // the marker may sit alone on the line(s) above the name: `__bpf_kfunc struct foo *\nbpf_foo(`
  while (
    n > 0 &&
    /^\s*(__bpf_kfunc\b.*|[\w\s*]+)$/.test(view.lines.get(n) ?? '') &&
    !/\*\/\s*$/.test(view.lines.get(n) ?? '') &&
    line - n < 3
  )
    n--;
  if (!/\*\/\s*$/.test(view.lines.get(n) ?? '')) return null;
  const out: string[] = [];
  for (let k = n; k > 0 && k > n - 80; k--) {
    const t = view.lines.get(k);
    if (t === undefined) return null;
    out.unshift(t);
    if (/^\s*\/\*\*/.test(t)) return out.join('\n');
    if (/^\s*\/\*[^*]/.test(t)) return null;
  }
  return null;
}

/** How a model is reviewed: a patch (what it adds or changes) or a tree as it stands (an audit). */
export type ModelMode = 'patch' | 'tree';

/**
 * What the model knows beyond its own files, decided once the draft model is read: the tree
 * index, callee bodies of other files (context only) and notes about that context.
 */
export interface ModelContext {
  treeIndex?: TreeIndex;
  /** Visible regions of other files: their functions, enums and prototypes become visible. */
  sources?: FileSource[];
  notes?: string[];
}

export interface ModelMeta {
  subject: string;
  index: number;
  total: number;
  target: TargetTree;
  mode: ModelMode;
  /**
   * The kfuncs to review (patch mode). Default: what the patch touches. The baseline review of a
   * patch's pre-image passes the post-image's focus, so both review the same kfuncs.
   */
  focus?: ReadonlySet<string>;
  /**
   * Tree context. A function, because what to follow (callees of the kfuncs the patch
   * touches) depends on the draft model; it runs once, before the model is frozen.
   */
  context?: (draft: PatchModel) => ModelContext;
  /**
   * A kernel tree was given (--tree): a file still seen through its hunks only could not be
   * applied to it (a warning says why), so the notes do not ask for --tree.
   */
  treeGiven?: boolean;
}

/** Builds the model of one unit (a patch or a tree file) and freezes it: rules only read it. */
export function buildModel(sources: FileSource[], meta: ModelMeta): PatchModel {
  const model: PatchModel = {
    subject: meta.subject,
    index: meta.index,
    total: meta.total,
    mode: meta.mode,
    focus: null,
    files: [],
    kfuncs: [],
    functions: new Map(),
    preImage: new Map(),
    registrations: [],
    btfIds: [],
    declarations: [],
    sets: [],
    idSets: [],
    registerCalls: [],
    enums: new Map(),
    target: meta.target,
    notes: [],
    skipped: [],
    prototypes: new Set(),
  };
  const pending: Pending[] = [];
  addSources(model, sources, false, pending, meta.treeGiven ?? false);
  linkChangedRegistrations(model);
  if (meta.mode === 'patch') model.focus = meta.focus ?? touchedKfuncs(model);
  if (meta.context) {
    const ctx = meta.context(model);
    if (ctx.sources?.length) addSources(model, ctx.sources, true);
    if (ctx.treeIndex) model.treeIndex = ctx.treeIndex;
    if (ctx.notes) model.notes.push(...ctx.notes);
  }
  expandFromTree(model, pending, !meta.focus);
  return freeze(model);
}

/** Shallow-freezes the model and its lists: a rule that tries to change it fails loudly. */
function freeze(model: PatchModel): PatchModel {
  for (const v of Object.values(model)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(model);
}

/**
 * Adds the files of `sources` to a draft model. With `context`, they are context only (callee
 * regions of other files): their functions, enums and prototypes become visible (after the
 * model's own, which win a name clash), but they add no kfuncs, registrations, sets or notes.
 */
function addSources(model: PatchModel, sources: FileSource[], context = false, pending: Pending[] = [], treeGiven = false): void {
  const n = {
    kfuncs: model.kfuncs.length,
    notes: model.notes.length,
    skipped: model.skipped.length,
    registrations: model.registrations.length,
    btfIds: model.btfIds.length,
    declarations: model.declarations.length,
    sets: model.sets.length,
    idSets: model.idSets.length,
    registerCalls: model.registerCalls.length,
  };
  const macros = { new: macroTexts(sources, 'new'), old: macroTexts(sources, 'old') };
  for (const src of sources) {
    model.files.push(fileModel(src, context));
    if (!C_FILE.test(src.path)) continue;
    if (!src.post.full && !src.isDeleted)
      model.notes.push(`${src.path}: only the diff hunks were visible${treeGiven ? '' : ' (give --tree for whole-file context)'}`);
    addImage(model, src, 'new', macros.new, pending, treeGiven);
    if (src.removed.size) addImage(model, src, 'old', macros.old, pending, treeGiven);
  }
  if (context) for (const k of Object.keys(n) as (keyof typeof n)[]) model[k].length = n[k];
}

function addImage(
  model: PatchModel,
  src: FileSource,
  side: 'new' | 'old',
  macros: MacroText[],
  pending: Pending[],
  treeGiven = false,
): void {
  const view = side === 'new' ? src.post : src.pre;
  const changed = side === 'new' ? src.added : src.removed;
  const facts = parseImage(view, changed, side === 'old' ? src.removed : undefined);
  // What the parser could not read is not reviewed: say so where it matters (a whole-tree
  // audit, or a change from the marker on in the same region), never in silence. A definition
  // the hunk cuts short after an unchanged marker is context, not a parse failure.
  const changedFrom = (line: number, end: number) => {
    for (let n = line; n <= Math.min(end, line + 200); n++) if (changed.has(n)) return true;
    return false;
  };
  for (const h of facts.hidden) {
    if (h.cut && changedFrom(h.line, h.end))
      model.notes.push(
        `${src.path}:${h.line}: the hunk ends inside this __bpf_kfunc definition, so it was not reviewed${treeGiven ? '' : ': give --tree for the whole function'}`,
      );
    else if (model.mode === 'tree' || changedFrom(h.line, h.end))
      model.skipped.push(`${src.path}:${h.line}: a __bpf_kfunc definition was not reviewed: ${h.why}`);
  }
  if (facts.unparsed && (model.mode === 'tree' || changed.size)) model.skipped.push(`${src.path}: ${facts.unparsed}; not reviewed`);
  const pp = preprocFacts(facts.visible);
  const status = (line: number): LineStatus => {
    if (changed.has(line)) return side === 'new' ? 'added' : 'removed';
    return view.lines.has(line) ? 'context' : 'unseen';
  };
  // Sets of the API before the marker existed register kfuncs that carry no marker.
  const legacy = legacyKfuncs(facts.visible);
  for (const l of legacy.values()) {
    const st = status(l.line);
    if (side === 'old' && st !== 'removed') continue;
    // The flags are the sets it is a member of, spelled as today's KF_* flags: no KF_* macro is written.
    const via = `a kfunc set of the API before BTF_ID_FLAGS (${l.via}); flags from its set memberships, not KF_* macros`;
    const reg = { kfunc: l.name, flags: l.flags, set: l.set, file: src.path, line: l.line, side, ifdefs: pp.ifdefsAt(l.line), via };
    model.registrations.push({ ...reg, added: st === 'added', removed: st === 'removed' });
  }
  for (const f of facts.functions) {
    // On the old side only removed definitions matter; unchanged ones are already on the new side.
    // A definition whose body loses lines is kept apart as the pre-image of that function.
    const changed = side === 'old' && [...src.removed].some((l) => l >= f.startLine && l <= f.endLine);
    if (side === 'old' && status(f.line) !== 'removed' && !changed) continue;
    const def: FunctionDef = {
      name: f.name,
      file: src.path,
      line: f.line,
      endLine: f.endLine,
      returnType: f.returnType,
      params: f.params,
      isStatic: f.isStatic,
      isInline: f.isInline,
      isKfunc: f.isKfunc || legacy.has(f.name),
      body: f.body,
      side,
      status: status(f.line),
      ifdefs: pp.ifdefsAt(f.startLine),
      inDefsBlock: pp.inDefsBlockAt(f.startLine),
      doc: docAbove(view, f.startLine),
    };
    if (side === 'new') {
      const had = model.functions.get(def.name);
      if (!had || (isConfigStub(had) && !isConfigStub(def))) model.functions.set(def.name, def);
      model.declarations.push({
        name: def.name,
        kind: 'definition',
        file: src.path,
        line: f.line,
        ifdefs: def.ifdefs,
        added: def.status === 'added',
      });
    }
    if (changed && !model.preImage.has(def.name)) model.preImage.set(def.name, def);
    if (side === 'old' && status(f.line) !== 'removed') continue;
    if (def.isKfunc) model.kfuncs.push(def as KfuncDef);
  }
  if (side === 'new') {
    for (const p of facts.prototypes) {
      model.prototypes?.add(p.name);
      model.declarations.push({
        name: p.name,
        kind: 'prototype',
        file: src.path,
        line: p.line,
        ifdefs: pp.ifdefsAt(p.line),
        added: status(p.line) === 'added',
      });
    }
    for (const e of facts.enums) {
      if (model.enums.has(e.name)) continue;
      const def: EnumDef = {
        name: e.name,
        members: e.members,
        hasNegative: e.members.some((m) => m.value !== null && m.value < 0n),
        file: src.path,
        line: e.line,
      };
      model.enums.set(e.name, def);
    }
  }
  const sets = readSets(facts.visible, side === 'new' ? src.sections.new : src.sections.old, listResolver(src.path, macros));
  // An expanded entry changes when its template, its list entry or the list's use changes.
  const changedAt = (from: { file: string | null; line: number }[] | undefined, line: number): LineStatus => {
    const own = status(line);
    if (own !== 'context' || !from) return own;
    const hit = from.some((f) => macros.find((m) => m.path === (f.file ?? src.path))?.changed.has(f.line));
    return hit ? (side === 'new' ? 'added' : 'removed') : own;
  };
  // Where an entry stands and what the patch did to it; a macro expansion says where it came from.
  const placed = (e: { line: number; via?: string }, st: LineStatus) => ({
    file: src.path,
    line: e.line,
    side,
    added: st === 'added',
    removed: st === 'removed',
    ifdefs: pp.ifdefsAt(e.line),
    ...(e.via ? { via: e.via.replace(/ at line (\d+)/, ` at ${src.path}:$1`) } : {}),
  });
  for (const e of sets.entries) {
    const st = changedAt(e.from, e.line);
    if (side === 'old' && st !== 'removed') continue;
    model.registrations.push({ kfunc: e.kfunc, flags: e.flags, set: e.set, ...placed(e, st) });
  }
  for (const e of sets.ids) {
    const st = changedAt(e.from, e.line);
    if (side === 'old' && st !== 'removed') continue;
    model.btfIds.push({ name: e.name, list: e.list, macro: e.macro, ...placed(e, st) });
  }
  if (side === 'new')
    for (const p of sets.pending)
      pending.push({
        ...p,
        file: src.path,
        ifdefs: pp.ifdefsAt(p.line),
        changed: status(p.templateLine) === 'added' || status(p.line) === 'added',
      });
  if (side === 'old') return;
  for (const s of sets.sets)
    model.sets.push({
      name: s.name,
      macro: s.macro,
      file: src.path,
      line: s.line,
      endLine: s.endLine,
      added: status(s.line) === 'added',
      entries: s.entries,
    });
  for (const s of sets.idSets) model.idSets.push({ ...s, file: src.path, added: status(s.line) === 'added' });
  for (const r of sets.registers) model.registerCalls.push({ ...r, file: src.path, added: status(r.line) === 'added' });
}

/**
 * A header's `static inline` whose body is empty or one `return CONSTANT;`: the stub a header
 * gives for a disabled config (`#else /* CONFIG_X *\/`). When the patch also shows the real
 * definition (in a .c file), that one is the function the name means.
 */
function isConfigStub(f: FunctionDef): boolean {
  if (!f.file.endsWith('.h') || !f.isInline) return false;
  const kids = f.body.namedChildren.filter((c) => c.type !== 'comment');
  if (kids.length === 0) return true;
  if (kids.length !== 1 || kids[0]!.type !== 'return_statement') return false;
  const e = kids[0]!.namedChildren[0];
  return !e || /^\(?\s*-?\s*(\d+[uUlL]*|[A-Z_][A-Z0-9_]*|true|false|NULL)\s*\)?$/.test(e.text);
}

/**
 * What a patch touches: kfuncs whose definition it adds, removes or edits (an added line inside
 * it, or a deletion inside its body), and kfuncs whose BTF_ID_FLAGS entry it adds, removes or
 * changes.
 */
function touchedKfuncs(model: PatchModel): Set<string> {
  const out = new Set<string>();
  const fileOf = new Map(model.files.map((f) => [f.path, f]));
  const touched = (fn: FunctionDef): boolean => {
    if (fn.status === 'added' || fn.status === 'removed') return true;
    return fn.side === 'new' && fileOf.has(fn.file) && bodyTouched(model, fn);
  };
  for (const k of model.kfuncs) if (touched(k)) out.add(k.name);
  for (const r of model.registrations) if (r.added || r.removed) out.add(r.kfunc);
  // A kfunc behaves differently when a helper of its file that it calls directly changes.
  const helpers = new Set([...model.functions.values()].filter((f) => !f.isKfunc && touched(f)).map((f) => f.name));
  if (helpers.size) {
    for (const k of model.kfuncs) {
      if (k.side === 'new' && !out.has(k.name) && callsIn(k.body).some((c) => helpers.has(c.name))) out.add(k.name);
    }
  }
  return out;
}

/** The visible text of one image of a file, for finding X-macro list definitions. */
interface MacroText {
  path: string;
  text: string;
  /** Line of each line start in `text` (visible lines joined in order). */
  lines: number[];
  starts: number[];
  changed: ReadonlySet<number>;
}

function macroTexts(sources: FileSource[], side: 'new' | 'old'): MacroText[] {
  const out: MacroText[] = [];
  for (const src of sources) {
    if (!C_FILE.test(src.path)) continue;
    const view = side === 'new' ? src.post : src.pre;
    const nums = [...view.lines.keys()].sort((a, b) => a - b);
    const starts: number[] = [];
    let text = '';
    for (const n of nums) {
      starts.push(text.length);
      text += (view.lines.get(n) ?? '') + '\n';
    }
    // Headers first: a list macro is usually defined in one.
    out.push({ path: src.path, text, lines: nums, starts, changed: side === 'new' ? src.added : src.removed });
  }
  return out.sort((a, b) => Number(b.path.endsWith('.h')) - Number(a.path.endsWith('.h')));
}

/** Resolves a list macro from the visible text of the file itself, then of the other files of the patch. */
function listResolver(path: string, macros: MacroText[]): ListResolver {
  const order = [...macros.filter((m) => m.path === path), ...macros.filter((m) => m.path !== path)];
  return (list, t) => {
    for (const m of order) {
      const body = macroBody(m.text, list);
      if (!body) continue;
      const lineOf = (off: number) => {
        let k = 0;
        while (k + 1 < m.starts.length && m.starts[k + 1] <= off) k++;
        return m.lines[k] ?? 0;
      };
      const calls = invocations(body.body, t.macro).map((c) => ({
        args: c.args,
        file: m.path === path ? null : m.path,
        line: lineOf(body.index + c.index),
      }));
      return { calls, where: `${m.path}:${lineOf(body.index)}` };
    }
    return null;
  };
}

/** A list macro no file of the patch defines, to be expanded from the tree index. */
interface Pending extends PendingExpansion {
  file: string;
  ifdefs: string[];
  /** The template line or the list's use is added by the patch. */
  changed: boolean;
}

/**
 * Expands, from the tree index (which read the tree's headers), the X-macro lists that no file
 * of the patch defines. Flags that name a template parameter cannot be known and are dropped.
 */
function expandFromTree(model: PatchModel, pending: Pending[], ownFocus: boolean): void {
  const tree = model.treeIndex;
  if (!tree?.expandedAt) return;
  for (const p of pending) {
    const names = tree.expandedAt(p.file, p.templateLine);
    if (!names) continue;
    const flags = parseFlags(p.template.flags).filter((f) => !p.template.params.includes(f));
    const set = model.sets.find((s) => s.name === p.set && s.file === p.file);
    for (const name of names) {
      if (model.registrations.some((r) => r.kfunc === name && r.file === p.file && r.line === p.line && r.side === 'new')) continue;
      model.registrations.push({
        kfunc: name,
        flags,
        set: p.set,
        file: p.file,
        line: p.line,
        side: 'new',
        added: p.changed,
        removed: false,
        ifdefs: p.ifdefs,
        via: `${p.template.macro}() template at ${p.file}:${p.templateLine}, expanded by ${p.list} (${tree.via(name)?.replace(/^.*expanded by [^(]*\(([^)]*)\).*$/, '$1') ?? 'a header of the tree'})`,
      });
      set?.entries.push(name);
      if (p.changed && ownFocus && model.focus) (model.focus as Set<string>).add(name);
    }
  }
}

/** A removed and an added entry for the same kfunc in one file is a flag change. */
function linkChangedRegistrations(model: PatchModel): void {
  const removed = model.registrations.filter((r) => r.removed);
  for (const r of model.registrations) {
    if (!r.added) continue;
    const old = removed.find((o: Registration) => o.kfunc === r.kfunc && o.file === r.file);
    if (old) r.oldFlags = old.flags;
  }
}

function fileModel(src: FileSource, context: boolean): FileModel {
  return {
    path: src.path,
    role: context ? 'context' : 'unit',
    visibility: src.post.full ? 'full' : 'hunks',
    isNew: src.isNew,
    isDeleted: src.isDeleted,
    lineStatus: (line) => (src.added.has(line) ? 'added' : src.post.lines.has(line) ? 'context' : 'unseen'),
    lineText: (line, side = 'new') => (side === 'new' ? src.post : src.pre).lines.get(line),
    shownRanges: src.shown,
    addedLines: src.added,
    removedLines: src.removed,
    deletedAt: src.deletedAt,
  };
}
