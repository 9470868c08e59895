// The kernel model of one patch (or one tree file set): what rules read. Built once by
// src/model/build-model.ts; rules never parse, fetch or print.
import type { SyntaxNode } from 'tree-sitter';
import type { TargetTree } from './target.js';

/** Where a line of a patched file stands in the diff. */
export type LineStatus = 'added' | 'context' | 'removed' | 'unseen';

export interface Param {
  name: string;
  /** C type as written, normalised to single spaces, e.g. `struct mem_cgroup *`, `enum vm_event_item`. */
  type: string;
  /** Kfunc argument suffix such as `__sz`, `__k`, `__ign`, `__nullable`, or '' when none. */
  suffix: string;
  pointer: boolean;
}

/** Any C function definition visible in the model (kfuncs and their static helpers). */
export interface FunctionDef {
  name: string;
  file: string;
  line: number;
  endLine: number;
  returnType: string;
  params: Param[];
  isStatic: boolean;
  isInline: boolean;
  /** Carries the `__bpf_kfunc` marker. */
  isKfunc: boolean;
  /** The compound_statement body; positions are real lines of the (pre- or post-) image. */
  body: SyntaxNode;
  /** Which image the definition was parsed from. */
  side: 'new' | 'old';
  status: LineStatus;
  /** `#if`/`#ifdef` conditions enclosing the definition, outermost first. */
  ifdefs: string[];
  /** True inside __bpf_kfunc_start_defs/end_defs (or a legacy __diag_push block); null when not visible. */
  inDefsBlock: boolean | null;
  /** Kernel-doc comment right above the definition, if any. */
  doc: string | null;
}

export interface KfuncDef extends FunctionDef {
  isKfunc: true;
}

/** One `BTF_ID_FLAGS(func, name, flags)` entry. */
export interface Registration {
  kfunc: string;
  flags: string[];
  /** Name of the enclosing BTF_KFUNCS_START/BTF_SET8_START set; null when the start is not visible. */
  set: string | null;
  file: string;
  line: number;
  side: 'new' | 'old';
  added: boolean;
  removed: boolean;
  ifdefs: string[];
  /** For a changed entry: the flags on the removed line it replaces. */
  oldFlags?: string[];
}

export interface KfuncSet {
  name: string;
  macro: 'BTF_KFUNCS' | 'BTF_SET8';
  file: string;
  line: number;
  endLine: number | null;
  added: boolean;
  entries: string[];
}

/** `static const struct btf_kfunc_id_set X = { .owner, .set = &S, .filter = F }`. */
export interface IdSetStruct {
  name: string;
  set: string | null;
  filter: string | null;
  owner: string | null;
  file: string;
  line: number;
  added: boolean;
  /** Declared `static` (no other file can register it). */
  isStatic?: boolean;
  /** Lines where `&name` is taken outside a recognised register_btf_* call (registered through a helper or an array). */
  uses?: number[];
}

/** `register_btf_kfunc_id_set(BPF_PROG_TYPE_X, &id_set)` and friends. */
export interface RegisterCall {
  fn: 'register_btf_kfunc_id_set' | 'register_btf_fmodret_id_set' | 'register_btf_id_dtor_kfuncs';
  progType: string | null;
  idSet: string;
  file: string;
  line: number;
  added: boolean;
}

/** An enum definition seen in the visible code (signedness matters for guards). */
export interface EnumDef {
  name: string;
  members: { name: string; value: bigint | null }[];
  hasNegative: boolean;
  file: string;
  line: number;
}

export interface FileModel {
  path: string;
  /** 'unit': a file of the patch (or the audited file); 'context': callee regions of other files. */
  role: 'unit' | 'context';
  /** 'full' when the whole post-image file was read (--tree/audit); 'hunks' when only the diff was seen. */
  visibility: 'full' | 'hunks';
  isNew: boolean;
  isDeleted: boolean;
  /** Status of each post-image line (1-based); lines not shown in the diff are 'unseen' in hunk mode. */
  lineStatus(line: number): LineStatus;
  /** Text of post-image line `line` (1-based), or undefined when not visible. */
  lineText(line: number, side?: 'new' | 'old'): string | undefined;
  /** Post-image line ranges that the diff shows, [start, end] inclusive. */
  shownRanges: [number, number][];
  /** Line numbers of added lines in the post-image. */
  addedLines: Set<number>;
  /** Line numbers of removed lines in the pre-image. */
  removedLines: Set<number>;
}

/**
 * What an audit knows about the whole tree beyond the files in one model: every BTF_ID_FLAGS
 * entry and every __bpf_kfunc definition of every kfunc file (X-macro registration lists
 * expanded). Audits set it, and `--tree` reviews when an audit cache of the tree exists.
 */
export interface TreeIndex {
  /** Some BTF_ID_FLAGS(func, name, ...) entry anywhere in the tree names `name`. */
  registered(name: string): boolean;
  /** Where `name` is defined in the tree (first definition found), when known. */
  defined(name: string): { file: string; isKfunc: boolean } | undefined;
  /** True when defined() also knows plain functions of every file, so undefined means absent. */
  complete: boolean;
  /** Header with a prototype of kfunc `name`, among those its defining file includes (two levels deep). */
  declaredIn(name: string): string | undefined;
  /** How an entry that is not a literal BTF_ID_FLAGS line was found (X-macro expansion), for evidence. */
  via(name: string): string | undefined;
  /** Number of kfunc files indexed. */
  files: number;
}

/**
 * Built once by buildModel and frozen: nothing changes it afterwards. `mode` says how it is
 * reviewed: 'patch' (the kfuncs a patch adds or changes) or 'tree' (every kfunc, an audit).
 */
export interface PatchModel {
  /** Patch subject (`[PATCH bpf-next v2 4/7] mm: ...`) or '' in audits. */
  subject: string;
  mode: 'patch' | 'tree';
  /** Position in the series (1-based), 0 for a single patch. */
  index: number;
  total: number;
  files: FileModel[];
  /** Post-image kfunc definitions (added and context) plus removed ones (side 'old'). */
  kfuncs: KfuncDef[];
  /** Every function definition visible, by name (post-image first). */
  functions: Map<string, FunctionDef>;
  registrations: Registration[];
  sets: KfuncSet[];
  idSets: IdSetStruct[];
  registerCalls: RegisterCall[];
  enums: Map<string, EnumDef>;
  /** Macro constants seen (`#define NAME value` or enum members), for bound names. */
  target: TargetTree;
  /** What the model could not see (hunk-only files), said once in the report. */
  notes: string[];
  /**
   * What of the unit could not be read and so was not reviewed (C that did not parse in time,
   * a kfunc definition hidden by a parse error), one line each: reported as errors, so a run
   * that missed something never passes as a clean review.
   */
  skipped: string[];
  /** Functions declared by a prototype in the visible lines (e.g. a header the patch touches). */
  prototypes?: Set<string>;
  /** Tree-wide registrations and definitions (a kfunc defined in one file and registered in another), when known. */
  treeIndex?: TreeIndex;
}
