// What we know about the KF_* kfunc flags: which kernel trees define each one, what it
// means to the verifier, and what changing it does to BPF programs that already load.
//
// This is the one place version facts about flags live. Rules import it instead of keeping
// their own lists, so a correction (a flag turns out to be merged earlier, a proposal lands)
// is made once. The facts come from our research notes (kernel 6.1 and 6.12 source trees
// compared side by side, plus bpf-next commit mails up to the v7.0 merge window); entries
// marked `inferred` are bracketed by two trees rather than read from a release tag, so rules
// should word them as "from about X.Y".
import type { FileModel, PatchModel } from '../model/model.js';
import type { TargetTree } from '../model/target.js';
import { compareVersion } from '../model/target.js';

/** A kernel release, e.g. { major: 6, minor: 13 }. */
export interface KernelVersion {
  major: number;
  minor: number;
}

export type FlagStatus =
  /** Defined in mainline from `since` (and until `until`, when set). */
  | 'merged'
  /** Documented somewhere but never defined in include/linux/btf.h. */
  | 'never-defined'
  /** Seen in patches on the list; not known to be merged anywhere. */
  | 'proposal';

export interface FlagFact {
  name: string;
  status: FlagStatus;
  /** First release that defines the flag (null: never). */
  since: KernelVersion | null;
  /** First release that no longer defines it (null: still there). */
  until: KernelVersion | null;
  /** True when a version above is bracketed by two trees rather than read from a tag. */
  inferred: boolean;
  /** One sentence: what the flag does, or why it is missing (our wording of the evidence). */
  note: string;
  /** What to write instead when the flag does not exist on a tree. */
  advice?: string;
}

const v = (major: number, minor: number): KernelVersion => ({ major, minor });

/**
 * Every KF_* name the bot recognises. The 6.0 flags replaced the separate acquire/release/
 * ret_null id sets of 5.18/5.19; later flags were appended bit by bit.
 */
export const KF_FLAGS: readonly FlagFact[] = [
  {
    name: 'KF_ACQUIRE',
    status: 'merged',
    since: v(6, 0),
    until: null,
    inferred: false,
    note: 'returns a referenced struct pointer that the program must release',
  },
  {
    name: 'KF_RELEASE',
    status: 'merged',
    since: v(6, 0),
    until: null,
    inferred: false,
    note: 'releases the one refcounted pointer argument; before v7.0 it also implied trusted arguments',
  },
  {
    name: 'KF_RET_NULL',
    status: 'merged',
    since: v(6, 0),
    until: null,
    inferred: false,
    note: 'the returned pointer may be NULL and must be checked by the program',
  },
  {
    name: 'KF_KPTR_GET',
    status: 'merged',
    since: v(6, 0),
    until: v(6, 4),
    inferred: true,
    note: 'took a reference from a kptr stored in a map; 6.1 still defines it, 6.12 no longer does (bit 3 is unused since)',
    advice: 'load the kptr with bpf_kptr_xchg() or an RCU-protected read and take the reference with a KF_ACQUIRE kfunc',
  },
  {
    name: 'KF_TRUSTED_ARGS',
    status: 'merged',
    since: v(6, 0),
    until: v(7, 0),
    inferred: false,
    note: 'pointer arguments must be trusted and non-NULL; bpf-next made this the default for every kfunc and deleted the flag in the v7.0 merge window (January 2026)',
    advice: 'delete the flag (trusted arguments are the default); use KF_RCU where RCU-protected pointers must still be accepted',
  },
  {
    name: 'KF_SLEEPABLE',
    status: 'merged',
    since: v(6, 0),
    until: null,
    inferred: false,
    note: 'the kfunc may sleep, so only sleepable programs may call it, and never inside an RCU, preempt-off or IRQ-off section',
  },
  {
    name: 'KF_DESTRUCTIVE',
    status: 'merged',
    since: v(6, 0),
    until: null,
    inferred: false,
    note: 'the kfunc can crash or reboot the machine; loading a caller needs CAP_SYS_BOOT',
  },
  {
    name: 'KF_RCU',
    status: 'merged',
    since: v(6, 2),
    until: null,
    inferred: true,
    note: 'pointer arguments may be trusted or RCU-protected; absent in 6.1, present in 6.12',
  },
  {
    name: 'KF_ITER_NEW',
    status: 'merged',
    since: v(6, 4),
    until: null,
    inferred: true,
    note: 'open-coded iterator constructor; checked at registration',
  },
  {
    name: 'KF_ITER_NEXT',
    status: 'merged',
    since: v(6, 4),
    until: null,
    inferred: true,
    note: 'open-coded iterator step; checked at registration',
  },
  {
    name: 'KF_ITER_DESTROY',
    status: 'merged',
    since: v(6, 4),
    until: null,
    inferred: true,
    note: 'open-coded iterator destructor; checked at registration',
  },
  {
    name: 'KF_RCU_PROTECTED',
    status: 'merged',
    since: v(6, 7),
    until: null,
    inferred: true,
    note: 'must be called inside an RCU read-side section; first used by the task and css iterators, honoured for other kfuncs only from about 6.18',
  },
  {
    name: 'KF_FASTCALL',
    status: 'merged',
    since: v(6, 13),
    until: null,
    inferred: false,
    note: 'the kfunc keeps the bpf_fastcall register contract; only valid for kfuncs the verifier or JIT inlines',
  },
  {
    name: 'KF_ARENA_RET',
    status: 'merged',
    since: v(6, 15),
    until: null,
    inferred: true,
    note: 'the return value is an arena pointer (BTF gets the arena address space)',
  },
  { name: 'KF_ARENA_ARG1', status: 'merged', since: v(6, 15), until: null, inferred: true, note: 'argument 1 is an arena pointer' },
  { name: 'KF_ARENA_ARG2', status: 'merged', since: v(6, 15), until: null, inferred: true, note: 'argument 2 is an arena pointer' },
  {
    name: 'KF_IMPLICIT_ARGS',
    status: 'merged',
    since: v(7, 0),
    until: null,
    inferred: false,
    note: 'the verifier supplies a trailing struct bpf_prog_aux * argument that BPF does not pass; it replaced the __prog suffix in v7.0',
  },
  {
    name: 'KF_DEPRECATED',
    status: 'never-defined',
    since: null,
    until: null,
    inferred: false,
    note: 'kfuncs.rst describes deprecation under this name, but include/linux/btf.h has never defined it',
    advice: "document the deprecation in the kfunc's kernel-doc instead",
  },
  {
    name: 'KF_RET_RCU',
    status: 'proposal',
    since: null,
    until: null,
    inferred: false,
    note: 'proposed on the list as an RCU-protected-return variant; not known to be merged',
  },
  {
    name: 'KF_DYNPTR_XDP',
    status: 'proposal',
    since: null,
    until: null,
    inferred: false,
    note: 'part of a proposed dynptr-flag series; not known to be merged',
  },
  {
    name: 'KF_DYNPTR_SKB',
    status: 'proposal',
    since: null,
    until: null,
    inferred: false,
    note: 'part of a proposed dynptr-flag series; not known to be merged',
  },
  {
    name: 'KF_DYNPTR_SKB_META',
    status: 'proposal',
    since: null,
    until: null,
    inferred: false,
    note: 'part of a proposed dynptr-flag series; not known to be merged',
  },
  {
    name: 'KF_MAGIC_ARGS',
    status: 'proposal',
    since: null,
    until: null,
    inferred: false,
    note: 'an earlier spelling of what was merged as KF_IMPLICIT_ARGS (v7.0)',
  },
  {
    name: 'KF_IMPLICIT_PROG_AUX_ARG',
    status: 'proposal',
    since: null,
    until: null,
    inferred: false,
    note: 'an earlier spelling of what was merged as KF_IMPLICIT_ARGS (v7.0)',
  },
];

/** The arena argument flags and the argument (counting from 1) each one marks. */
export const ARENA_ARG_FLAGS: readonly (readonly [flag: string, index: number])[] = [
  ['KF_ARENA_ARG1', 1],
  ['KF_ARENA_ARG2', 2],
];

/**
 * With KF_IMPLICIT_ARGS the verifier supplies a trailing argument of this type (the calling
 * program's aux data) and BPF programs do not pass it.
 */
export const IMPLICIT_ARG_TYPE = 'struct bpf_prog_aux *';

const BY_NAME = new Map(KF_FLAGS.map((f) => [f.name, f]));

export function flagFact(name: string): FlagFact | undefined {
  return BY_NAME.get(name);
}

/** `6.13`, or `7.0`. */
export function versionText(k: KernelVersion): string {
  return `${k.major}.${k.minor}`;
}

/** `6.15` or `about 6.15` for inferred dates. */
export function sinceText(f: FlagFact, which: 'since' | 'until' = 'since'): string {
  const k = f[which];
  if (!k) return 'never';
  return f.inferred ? `about ${versionText(k)}` : versionText(k);
}

export type FlagAvailability =
  | { state: 'available'; fact: FlagFact }
  | { state: 'not-yet'; fact: FlagFact }
  | { state: 'removed'; fact: FlagFact }
  | { state: 'never-defined'; fact: FlagFact }
  | { state: 'proposal'; fact: FlagFact }
  | { state: 'unknown'; fact: null };

/** Does the target tree define `name`? Only KF_* names are asked about. */
export function flagAvailability(name: string, target: TargetTree): FlagAvailability {
  const fact = flagFact(name);
  if (!fact) return { state: 'unknown', fact: null };
  if (fact.status === 'never-defined') return { state: 'never-defined', fact };
  if (fact.status === 'proposal') return { state: 'proposal', fact };
  if (fact.since && compareVersion(target, fact.since.major, fact.since.minor) < 0) return { state: 'not-yet', fact };
  if (fact.until && compareVersion(target, fact.until.major, fact.until.minor) >= 0) return { state: 'removed', fact };
  return { state: 'available', fact };
}

/** True when the target tree is at least `k`. */
export function atLeast(target: TargetTree, k: KernelVersion): boolean {
  return compareVersion(target, k.major, k.minor) >= 0;
}

/**
 * KF_RCU_PROTECTED started as an iterator-only flag (6.7: an iterator built outside an RCU
 * section is marked untrusted). About 6.18 the verifier began to honour it on any kfunc:
 * calls outside an RCU section are rejected and the returned pointer is typed RCU. Before
 * that, on a non-iterator kfunc it is accepted and ignored.
 */
export const RCU_PROTECTED_ANY_KFUNC: KernelVersion = v(6, 18);

/** Whether KF_RCU_PROTECTED changes anything for a kfunc with these flags on the target. */
export function rcuProtectedEffective(flags: readonly string[], target: TargetTree): boolean {
  if (flags.includes('KF_ITER_NEW')) return atLeast(target, v(6, 7));
  return atLeast(target, RCU_PROTECTED_ANY_KFUNC);
}

/** One evidence line that says which tree the finding assumes and why. */
export function targetEvidence(target: TargetTree): string {
  return `target tree: ${target.version ?? 'unknown'} (${target.reason})`;
}

/**
 * True when the target version is a guess: no --kernel, --tree or series hint, or only a
 * code hint (a macro the patch uses puts a floor under the version, not a number on it).
 */
export function targetAssumed(target: TargetTree): boolean {
  return target.source === 'default' || target.source === 'code';
}

export type ChangeKind = 'breaking' | 'relaxing' | 'none';

/**
 * What adding or removing a flag on an existing kfunc does to BPF programs that were
 * written (and verified) against the old flags. 'breaking': some programs that loaded
 * before are rejected now. 'relaxing': old programs still load, but the kernel side must
 * now cope with more (NULL or untrusted pointers, atomic context...). 'none': no
 * observable change on the target tree.
 */
export function flagChangeImpact(
  flag: string,
  change: 'added' | 'removed',
  target: TargetTree,
  flags: readonly string[] = [],
): { kind: ChangeKind; why: string } {
  const trustedDefault = atLeast(target, v(7, 0));
  const table: Record<string, { added: [ChangeKind, string]; removed: [ChangeKind, string] }> = {
    KF_ACQUIRE: {
      added: ['breaking', 'programs that never released the result now fail with "Unreleased reference"'],
      removed: ['breaking', 'programs that pass the result to the release kfunc are now rejected'],
    },
    KF_RELEASE: {
      added: ['breaking', 'callers must now pass a referenced pointer, and the pointer is dead after the call'],
      removed: ['breaking', 'programs relying on it to drop their reference now fail with "Unreleased reference"'],
    },
    KF_RET_NULL: {
      added: ['breaking', 'programs that use the result without a NULL check are now rejected'],
      removed: ['relaxing', 'the verifier now assumes a non-NULL result; the kfunc must never return NULL'],
    },
    KF_TRUSTED_ARGS: {
      added: trustedDefault
        ? ['none', 'trusted arguments are already the default']
        : ['breaking', 'programs passing walked, untrusted or possibly-NULL pointers are now rejected'],
      removed: trustedDefault
        ? ['none', 'trusted arguments are the default on this tree']
        : ['relaxing', 'the kfunc now receives untrusted or NULL pointers and must check them'],
    },
    KF_RCU: {
      added: ['relaxing', 'RCU-protected pointers (refcount possibly zero) are now accepted; the body must cope with a dying object'],
      removed: ['breaking', 'programs passing RCU-protected pointers are now rejected'],
    },
    KF_SLEEPABLE: {
      added: ['breaking', 'non-sleepable programs (XDP, tc, kprobes, most tracing) can no longer call it'],
      removed: ['relaxing', 'atomic-context programs may now call it; nothing it calls may sleep'],
    },
    KF_DESTRUCTIVE: {
      added: ['breaking', 'loading a caller now needs CAP_SYS_BOOT'],
      removed: ['relaxing', 'callers no longer need CAP_SYS_BOOT'],
    },
    KF_RCU_PROTECTED: {
      added: rcuProtectedEffective(flags, target)
        ? ['breaking', 'calls outside an RCU read-side section are now rejected']
        : ['none', 'ignored for non-iterator kfuncs on this tree'],
      removed: ['relaxing', 'callers outside an RCU section are now accepted; the body must take rcu_read_lock() itself'],
    },
    KF_ITER_NEW: {
      added: ['breaking', 'the call now needs an uninitialised iterator on the stack'],
      removed: ['breaking', 'iterator programs using it are now rejected'],
    },
    KF_ITER_NEXT: {
      added: ['breaking', 'the call now needs an initialised iterator on the stack'],
      removed: ['breaking', 'iterator programs using it are now rejected'],
    },
    KF_ITER_DESTROY: {
      added: ['breaking', 'the call now needs an initialised iterator on the stack'],
      removed: ['breaking', 'iterator programs now fail with an unreleased iterator'],
    },
    KF_FASTCALL: {
      added: ['none', 'no program-visible change (it is only valid on kfuncs the verifier or JIT inlines)'],
      removed: ['none', 'no program-visible change'],
    },
  };
  const row = table[flag];
  // Arena and implicit-argument flags change the types or the prototype BPF programs see.
  if (!row) return { kind: 'breaking', why: 'changes the prototype or the types that BPF programs were compiled against' };
  const [kind, why] = change === 'added' ? row.added : row.removed;
  return { kind, why };
}

/** Every post-image line of a file the model can read, as [line, text]. */
function* readableLines(file: FileModel): Generator<[number, string]> {
  if (file.visibility === 'full') {
    for (let n = 1; ; n++) {
      const t = file.lineText(n);
      if (t === undefined) return;
      yield [n, t];
    }
  }
  for (const [a, b] of file.shownRanges) {
    for (let n = a; n <= b; n++) {
      const t = file.lineText(n);
      if (t !== undefined) yield [n, t];
    }
  }
}

/**
 * Where the visible code defines `#define <flag>` (added by the patch or already there), or
 * null. A series that adds a flag to btf.h may use it in the same series.
 */
export function flagDefinitionIn(model: PatchModel, flag: string): { file: string; line: number; added: boolean } | null {
  const re = new RegExp(`^\\s*#\\s*define\\s+${flag}\\b`);
  for (const file of model.files) {
    for (const [n, text] of readableLines(file)) {
      if (re.test(text)) return { file: file.path, line: n, added: file.addedLines.has(n) };
    }
  }
  return null;
}

/**
 * A BTF_ID_FLAGS entry that the base tree already has (a context or removed line) and that
 * uses `flag`: proof that the tree the patch applies to defines the flag.
 */
export function baseTreeUse(model: PatchModel, flag: string): { file: string; line: number; kfunc: string } | null {
  const r = model.registrations.find((x) => !x.added && x.flags.includes(flag));
  return r ? { file: r.file, line: r.line, kfunc: r.kfunc } : null;
}
