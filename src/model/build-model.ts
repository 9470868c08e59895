// Builds the PatchModel from the visible images of the touched files: parses C (masked) with
// tree-sitter, reads kfunc definitions, sets, registrations and enums, and marks what the
// patch adds or removes.
import { parseC, type SyntaxNode } from './c-parser.js';
import { maskKernelC } from './mask.js';
import { readFunctions, readEnums, kfuncMarkers, type RawFunction } from './functions.js';
import { readSets } from './btf-sets.js';
import { preprocFacts, type VisibleLine } from './preproc.js';
import { callsIn } from './c-query.js';
import { regionsOf, type FileSource, type ImageView } from '../intake/source.js';
import type { EnumDef, FileModel, FunctionDef, KfuncDef, LineStatus, PatchModel, Registration, TreeIndex } from './model.js';
import type { TargetTree } from './target.js';

const C_FILE = /\.(c|h)$/;

interface ImageFacts {
  functions: RawFunction[];
  enums: ReturnType<typeof readEnums>;
  /** Names declared by a prototype (a declaration, not a definition). */
  prototypes: string[];
  visible: VisibleLine[];
}

/** Parses each visible region of an image on its own, padded so rows are real line numbers. */
function parseImage(view: ImageView, onlyRegionsWith?: Set<number>): ImageFacts {
  const facts: ImageFacts = { functions: [], enums: [], visible: [], prototypes: [] };
  const regions = view.full ? [[1, Math.max(0, ...view.lines.keys())] as [number, number]] : regionsOf(view);
  for (const [start, end] of regions) {
    if (start < 1 || end < start) continue;
    const lines: string[] = [];
    for (let n = start; n <= end; n++) {
      const t = view.lines.get(n) ?? '';
      lines.push(t);
      facts.visible.push({ line: n, text: t });
    }
    if (onlyRegionsWith && ![...onlyRegionsWith].some((n) => n >= start && n <= end)) continue;
    const original = '\n'.repeat(start - 1) + lines.join('\n');
    const masked = maskKernelC(original);
    const tree = parseC(masked);
    facts.functions.push(...readFunctions(tree.rootNode, masked, original, kfuncMarkers(original)));
    facts.enums.push(...readEnums(tree.rootNode));
    facts.prototypes.push(...prototypeNames(tree.rootNode));
  }
  return facts;
}

/** Names of functions declared by prototypes (`int foo(void);`, `struct x *bar(int);`). */
function prototypeNames(root: SyntaxNode): string[] {
  const out: string[] = [];
  for (const d of root.descendantsOfType('declaration')) {
    for (const decl of d.childrenForFieldName('declarator')) {
      let n: SyntaxNode | null = decl;
      while (n && n.type === 'pointer_declarator') n = n.childForFieldName('declarator');
      if (n?.type !== 'function_declarator') continue;
      const id = n.childForFieldName('declarator');
      if (id?.type === 'identifier') out.push(id.text);
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
    sets: [],
    idSets: [],
    registerCalls: [],
    enums: new Map(),
    target: meta.target,
    notes: [],
    prototypes: new Set(),
  };
  addSources(model, sources);
  linkChangedRegistrations(model);
  if (meta.mode === 'patch') model.focus = meta.focus ?? touchedKfuncs(model);
  if (meta.context) {
    const ctx = meta.context(model);
    if (ctx.sources?.length) addSources(model, ctx.sources, true);
    if (ctx.treeIndex) model.treeIndex = ctx.treeIndex;
    if (ctx.notes) model.notes.push(...ctx.notes);
  }
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
function addSources(model: PatchModel, sources: FileSource[], context = false): void {
  const n = {
    kfuncs: model.kfuncs.length,
    notes: model.notes.length,
    registrations: model.registrations.length,
    sets: model.sets.length,
    idSets: model.idSets.length,
    registerCalls: model.registerCalls.length,
  };
  for (const src of sources) {
    model.files.push(fileModel(src, context));
    if (!C_FILE.test(src.path)) continue;
    if (!src.post.full && !src.isDeleted)
      model.notes.push(`${src.path}: only the diff hunks were visible (give --tree for whole-file context)`);
    addImage(model, src, 'new');
    if (src.removed.size) addImage(model, src, 'old');
  }
  if (context) for (const k of Object.keys(n) as (keyof typeof n)[]) model[k].length = n[k];
}

function addImage(model: PatchModel, src: FileSource, side: 'new' | 'old'): void {
  const view = side === 'new' ? src.post : src.pre;
  const changed = side === 'new' ? src.added : src.removed;
  const facts = parseImage(view, side === 'old' ? src.removed : undefined);
  const pp = preprocFacts(facts.visible);
  const status = (line: number): LineStatus => {
    if (changed.has(line)) return side === 'new' ? 'added' : 'removed';
    return view.lines.has(line) ? 'context' : 'unseen';
  };
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
      isKfunc: f.isKfunc,
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
    }
    if (changed && !model.preImage.has(def.name)) model.preImage.set(def.name, def);
    if (side === 'old' && status(f.line) !== 'removed') continue;
    if (def.isKfunc) model.kfuncs.push(def as KfuncDef);
  }
  if (side === 'new') {
    for (const n of facts.prototypes) model.prototypes?.add(n);
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
  const sets = readSets(facts.visible, side === 'new' ? src.sections.new : src.sections.old);
  for (const e of sets.entries) {
    const st = status(e.line);
    if (side === 'old' && st !== 'removed') continue;
    model.registrations.push({
      kfunc: e.kfunc,
      flags: e.flags,
      set: e.set,
      file: src.path,
      line: e.line,
      side,
      added: st === 'added',
      removed: st === 'removed',
      ifdefs: pp.ifdefsAt(e.line),
    });
  }
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
    const f = fileOf.get(fn.file);
    if (!f || fn.side !== 'new') return false;
    for (let n = fn.line; n <= fn.endLine; n++) if (f.addedLines.has(n) || (n > fn.line && f.deletedAt.has(n))) return true;
    return false;
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
