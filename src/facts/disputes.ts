// Known disputed claims about kfunc index findings, with our assessment. Rules attach the
// claims that touch a finding (Finding.claims) so a reply like "false positive, the verifier
// enforces the enum range" can be answered with evidence instead of a re-review.
// docs/disputes.md explains each entry; keep the two in step.
import type { Verdict } from './semantics/verdict-type.js';
import { type CType, TY, classifyType, commonType, literalType } from './semantics/ctype.js';
import { type PatchEnums, enumIsSigned } from './semantics/conversions.js';

export interface DisputedClaim {
  id: string;
  claim: string;
  /** Does the claim hold in general? */
  holds: boolean;
  why: string;
  evidence: string[];
  /** Phrases in a reply that invoke this claim. */
  patterns: RegExp[];
}

export const DISPUTES: DisputedClaim[] = [
  {
    id: 'verifier-range-checks-enum',
    claim: 'The BPF verifier range-checks enum (or other scalar) kfunc arguments.',
    holds: false,
    why:
      'For a scalar or enum parameter the verifier only requires a SCALAR_VALUE register. Only a `__k` suffix adds a ' +
      'check, and that one demands a known constant, not a value inside the enum. The kfunc has to validate the index itself.',
    evidence: [
      'kernel/bpf/verifier.c check_kfunc_args(): the scalar branch tests reg->type == SCALAR_VALUE, plus the __k constant and *_buf_size cases',
      'Documentation/bpf/kfuncs.rst: __k makes the argument a verifier-known constant; no range semantics are documented',
      'memcg stat kfuncs, bpf-next Dec 2025: the author first cited the verifier, then retracted and added range checks in v3',
    ],
    patterns: [
      /verifier\s+(?:\w+\s+){0,3}(?:enforc|check|validat|guarantee|ensure|bound|constrain|reject|range)/i,
      /enforced\s+by\s+(?:the\s+)?(?:bpf\s+)?verifier/i,
      /based on (?:the )?(?:btf |enum )?type information/i,
      /enums?\s+(?:are|is)\s+(?:fully\s+)?(?:covered|checked|validated)/i,
      /enum\s+range/i,
    ],
  },
  {
    id: 'signed-enum-bypass',
    claim: 'Enums are signed, so -1 gets past an `e >= N` check.',
    holds: false,
    why:
      'An enum with no negative enumerator has underlying type unsigned int under GCC and Clang. `e >= N` then compares ' +
      'unsigned and rejects 0xFFFFFFFF. The claim is true for a parameter declared `int`/`s32`/`long` that is checked ' +
      'only with `>= N`: it needs `< 0` too, or a `(u32)` cast.',
    evidence: [
      'GCC manual, implementation-defined behaviour of enumerations: unsigned int when no value is negative',
      'GCC 12, x86-64: `enum_param >= ENUM_CONST` compiles to an unsigned compare (seta)',
      'semantics engine: comparisons follow the usual arithmetic conversions (src/facts/semantics/ctype.ts)',
    ],
    patterns: [
      /signed\s+enum|enums?\s+(?:is|are)\s+signed|enum\s+(?:can|could)\s+be\s+negative/i,
      /negative\s+(?:enum|event|index|value)s?\s+(?:bypass|pass|get|slip)/i,
      /-1\s+(?:bypass|pass|gets?\s+(?:through|past))/i,
    ],
  },
  {
    id: 'trusted-args-constrain-scalars',
    claim: 'KF_TRUSTED_ARGS (or KF_RCU) also constrains the scalar arguments.',
    holds: false,
    why: 'Trusted, RCU and release semantics apply to pointer arguments only: non-NULL, referenced or RCU-protected. They say nothing about integers.',
    evidence: ['kernel/bpf/verifier.c: is_kfunc_trusted_args() is consulted for pointer arguments only'],
    patterns: [/(?:KF_TRUSTED_ARGS|KF_RCU|trusted\s+args?)\b.{0,60}\b(?:index|idx|event|scalar|range|value)/i],
  },
  {
    id: 'vmlinux-constants-only',
    claim: 'BPF programs only ever pass valid enumerators (from vmlinux.h or CO-RE).',
    holds: false,
    why:
      'Nothing enforces that. A program can pass a value from a map, a computation, or a constant compiled against ' +
      'another kernel. Enumerator values move between configs (NR_VM_EVENT_ITEMS is 49 to 121 across profiles), so ' +
      'a stale vmlinux.h constant can be out of range with no malice involved.',
    evidence: [
      'semantics model profiles: OOM_KILL is 52 on distro-x86_64 and 41 on minimal, where NR_VM_EVENT_ITEMS is 49',
      'memcg selftests later moved from literal enum values to bpf_core_enum_value()',
    ],
    patterns: [/vmlinux\.h|\bCO-?RE\b|bpf_core_enum_value|only\s+(?:pass|use)s?\s+(?:valid|defined|known)/i],
  },
  {
    id: 'range-check-sufficient',
    claim: 'A range check against the table size makes the memcg stat index safe.',
    holds: false,
    why:
      'An index that is in range but not tracked per memcg maps to the 0xFF slot and hits WARN_ONCE inside the ' +
      'accessor. The kfunc then returns 0, not -1. The merged kfuncs also check BAD_STAT_IDX through memcg_*_valid().',
    evidence: ['memcg model: 90 of 121 vm events and 18 of 58 stat items are untracked on distro-x86_64'],
    patterns: [/(?:range|bounds?)\s+check\s+(?:is\s+)?(?:enough|sufficient|all\s+we\s+need)/i],
  },
  {
    id: 'warn-is-harmless',
    claim: 'A WARN_ONCE reachable from BPF is harmless.',
    holds: false,
    why: 'With panic_on_warn it crashes the machine, and fuzzers report it as a bug. A verified program must not be able to trigger kernel warnings.',
    evidence: ['kfunc-rules.md §4.5 (return and sentinel values): a BPF-reachable WARN_ONCE-and-return-0 is reported'],
    patterns: [/WARN(?:_ONCE|_ON)?\s+(?:is\s+)?(?:harmless|benign|fine|just\s+a\s+warning|not\s+a\s+(?:bug|problem))/i],
  },
];

const GENERIC = /false[\s-]+positive|not\s+a\s+(?:real\s+)?(?:bug|problem|issue)|this\s+is\s+(?:fine|safe)|can(?:'|no)t\s+happen/i;

export interface ClaimAssessment {
  id: string;
  claim: string;
  /** Whether the claim holds for this parameter and finding. */
  holds: boolean;
  why: string;
}

export interface ClaimContext {
  /** C type of the parameter as written. */
  paramType: string;
  /** Kfunc argument suffix (`__k`, ...), if any. */
  suffix?: string;
  /** Guard text the semantics engine found, if any. */
  guard?: string | null;
  verdict?: Verdict;
  /** Enums the patch defines (PatchModel.enums): one with a negative enumerator is signed. */
  enums?: PatchEnums;
  /**
   * The caller's flow analysis found that the guards bound the value on both sides (an
   * unsigned comparison through a local copy, a validator, a clamp, a whitelist). The guard
   * text alone cannot always show that.
   */
  guardComplete?: boolean;
}

/** Kernel values of unsigned type that bounds are compared against. */
const UNSIGNED_OPERANDS: Record<string, CType> = {
  nr_cpu_ids: TY.u32,
  nr_node_ids: TY.u32,
  nr_cpumask_bits: TY.u32,
  'num_possible_cpus()': TY.u32,
  'num_online_cpus()': TY.u32,
  'num_present_cpus()': TY.u32,
  U8_MAX: TY.u32,
  U16_MAX: TY.u32,
  U32_MAX: TY.u32,
  UINT_MAX: TY.u32,
  U64_MAX: TY.ulong,
  ULONG_MAX: TY.ulong,
};

/** C type of a bound operand as written, when it can be told from the text. */
function operandType(text: string, enums?: PatchEnums): CType | null {
  const t = text.trim().replace(/\s+/g, ' ');
  const known = UNSIGNED_OPERANDS[t.replace(/\s+/g, '')];
  if (known) return known;
  if (/^(sizeof\b|ARRAY_SIZE\s*\()/.test(t)) return TY.ulong;
  const lit = literalType(t);
  if (lit) return lit.type;
  const cast = /^\(\s*([A-Za-z_][\w ]*?)\s*\)\s*\S/.exec(t);
  if (cast) {
    const ct = classifyType(cast[1]!, (n) => enumIsSigned(n, enums));
    if (ct.kind === 'int' || ct.kind === 'enum' || ct.kind === 'bool') return ct;
  }
  return null;
}

/**
 * Does the guard reject negative values of a parameter of type `param`? Either explicitly
 * (`x < 0`, `x >= 0`, a validator, array_index_nospec) or because one of its comparisons is
 * done in an unsigned type after the usual arithmetic conversions: a `(u32)` cast of the
 * value, or a bound of unsigned type (`nr_cpu_ids`, `10U`, `sizeof`) at least as wide.
 */
export function guardRejectsNegative(guard: string, param: CType, enums?: PatchEnums): boolean {
  if (/<\s*0\b|<=\s*-1\b|>=\s*0\b|array_index_nospec|_valid\s*\(/.test(guard)) return true;
  const flat = guard.replace(/->/g, '.').replace(/\b(?:un)?likely\s*\(|\bWARN_ON(?:_ONCE)?\s*\(/g, '(');
  for (const part of flat.split(/\|\||&&/)) {
    const m = /^(.*?[^<>])(<=|>=|<|>)([^<>=].*)$/.exec(part);
    if (!m) continue;
    const [l, r] = [unwrap(m[1]!), unwrap(m[3]!)];
    for (const [value, bound] of [
      [l, r],
      [r, l],
    ] as const) {
      const cast = /^\(\s*[A-Za-z_][\w ]*\)\s*[A-Za-z_]\w*$/.test(value);
      // `(u32)idx` compares in its cast type; a plain name has the parameter's type.
      const vt = cast ? operandType(value, enums) : /^[A-Za-z_]\w*$/.test(value) ? param : null;
      if (!vt) continue;
      if (cast && !vt.signed) return true;
      const bt = operandType(bound, enums);
      if (bt && !commonType(vt, bt).signed) return true;
    }
  }
  return false;
}

/** One side of a comparison without a leading `!` and unbalanced outer parentheses. */
function unwrap(side: string): string {
  let t = side.trim().replace(/^!\s*/, '');
  const count = (c: string) => t.split(c).length - 1;
  while (t.startsWith('(') && count('(') > count(')')) t = t.slice(1).trim();
  while (t.endsWith(')') && count(')') > count('(')) t = t.slice(0, -1).trim();
  return t;
}

function byId(id: string): DisputedClaim {
  const c = DISPUTES.find((d) => d.id === id);
  if (!c) throw new Error(`unknown dispute ${id}`);
  return c;
}

/** The disputed claims relevant to an index finding on this parameter, assessed here. */
export function claimsFor(ctx: ClaimContext): ClaimAssessment[] {
  const t = classifyType(ctx.paramType, (n) => enumIsSigned(n, ctx.enums));
  const out: ClaimAssessment[] = [];
  const verifier = byId('verifier-range-checks-enum');
  out.push({
    id: verifier.id,
    claim: verifier.claim,
    holds: false,
    why:
      ctx.suffix === '__k'
        ? 'The `__k` suffix makes the verifier require a known constant, but it still does not compare it with the table size.'
        : verifier.why,
  });

  const signed = byId('signed-enum-bypass');
  const guard = ctx.guard ?? '';
  const complete = !!guard && ctx.guardComplete === true;
  const lower = complete || (!!guard && guardRejectsNegative(guard, t, ctx.enums));
  if (t.kind === 'enum' && !t.signed) {
    out.push({
      id: signed.id,
      claim: signed.claim,
      holds: false,
      why: `enum ${t.enumName} has no negative enumerator: its type is unsigned int, so \`>= N\` also rejects (u32)-1.`,
    });
  } else if (t.kind === 'enum') {
    out.push({
      id: signed.id,
      claim: signed.claim,
      holds: !lower,
      why: lower
        ? `enum ${t.enumName} has a negative enumerator, so it is signed, but the guard \`${guard}\` compares unsigned or also rejects negative values.`
        : `enum ${t.enumName} has a negative enumerator, so it is signed and \`>= N\` alone lets negative values through.`,
    });
  } else if (t.kind === 'int' && t.signed) {
    // (An unknown typedef classifies as a signed 64-bit placeholder: no claim about it.)
    out.push({
      id: signed.id,
      claim: signed.claim,
      holds: !lower,
      why: lower
        ? `\`${ctx.paramType}\` is signed, but the guard \`${guard}\` ${complete ? 'compares unsigned or also rejects negative values' : 'also rejects negative values'}.`
        : `\`${ctx.paramType}\` is signed and ${guard ? `the guard \`${guard}\`` : 'nothing'} rejects negative values: -1 gets through.`,
    });
  }

  const vm = byId('vmlinux-constants-only');
  out.push({ id: vm.id, claim: vm.claim, holds: false, why: vm.why });

  if (ctx.verdict === 'warn-reachable' || ctx.verdict === 'refuted') {
    const rc = byId('range-check-sufficient');
    out.push({
      id: rc.id,
      claim: rc.claim,
      holds: ctx.verdict === 'refuted',
      why:
        ctx.verdict === 'refuted'
          ? 'Here the guard covers both the table bound and the untracked-item sentinel: no probe reaches a WARN.'
          : rc.why,
    });
    if (ctx.verdict === 'warn-reachable') {
      const w = byId('warn-is-harmless');
      out.push({ id: w.id, claim: w.claim, holds: false, why: w.why });
    }
  }
  return out;
}

export interface DisputeMatch {
  id: string;
  claim: string;
  holds: boolean;
  /** The reply text that matched. */
  matched: string;
  /** True when only a generic "false positive" was found and the claim was inferred from context. */
  inferred: boolean;
}

/**
 * Does a reply dispute a finding, and on which known claim? A bare "false positive" on a
 * finding about a scalar/enum parameter is mapped to the verifier claim (the usual basis).
 */
export function matchDisputeReply(text: string, ctx?: { paramType?: string }): { disputes: boolean; claims: DisputeMatch[] } {
  const claims: DisputeMatch[] = [];
  for (const d of DISPUTES)
    for (const p of d.patterns) {
      const m = p.exec(text);
      if (m) {
        claims.push({ id: d.id, claim: d.claim, holds: d.holds, matched: m[0], inferred: false });
        break;
      }
    }
  const generic = GENERIC.exec(text);
  if (!claims.length && generic && ctx?.paramType) {
    const d = byId('verifier-range-checks-enum');
    claims.push({ id: d.id, claim: d.claim, holds: d.holds, matched: generic[0], inferred: true });
  }
  return { disputes: claims.length > 0 || generic !== null, claims };
}
