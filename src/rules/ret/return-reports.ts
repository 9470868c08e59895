// Reports on return conventions: KF-RET-01 (a WARN the model reaches, or a failure 0 that a
// success can also return), KF-RET-02 (-errno from an unsigned type), KF-RET-03 (siblings disagree).
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, KfuncDef } from '../../model/model.js';
import { snippet } from '../../model/c-query.js';
import { type ArgVerdict, classifyType } from '../../facts/semantics/index.js';
import type { ParamFlow } from '../../facts/index/args.js';
import { INDEX_KINDS, type PlanContext } from '../idx/plan-context.js';
import { neverZero } from '../../facts/return-sign.js';

const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ERANGE: 34, ENOSYS: 38, ENODATA: 61,
  EOVERFLOW: 75, EOPNOTSUPP: 95, ENOTSUPP: 524,
};

function familyOf(name: string): string {
  return name.split('_').filter(Boolean).slice(0, 2).join('_');
}

/** The statement an `if` consequence ends with: itself, or the last of its block. */
function finalStatement(cons: SyntaxNode | null): SyntaxNode | null | undefined {
  return cons?.type === 'return_statement' ? cons : cons?.type === 'compound_statement' ? cons.namedChildren.filter((c) => c.type !== 'comment').at(-1) : null;
}

// ------------------------------------------------------------ KF-RET-01 (model)

export function warnRule(cx: PlanContext, k: KfuncDef, f: ParamFlow, v: ArgVerdict | undefined): void {
  if (!v?.warn || (v.verdict !== 'confirmed' && v.verdict !== 'warn-reachable')) return;
  const w = v.warn;
  const entry = f.sinks.find((s) => s.depth === 0 || s.entryLine)?.entryLine ?? k.line;
  const guard = v.guard;
  const ev = [
    `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
    `chain: ${w.chain}`,
    `input (${w.config}): ${f.name} = ${w.label} -> WARN_ONCE "${w.message}", returns ${w.returnsText}` + (w.returns === 'zero' ? ' (a real counter can be 0; the error value of these kfuncs is -1)' : ''),
  ];
  if (w.reach) ev.push(`reach: ${w.reach} hit the WARN on ${w.config}`);
  ev.push(guard ? `guard: \`${guard}\` keeps ${f.name} inside ${v.array ?? 'the table'} but does not reject untracked items` : `no guard: ${v.verdict === 'confirmed' ? 'a plain range check would stop the out-of-bounds read (KF-IDX-01/02) but not this WARN' : 'nothing rejects untracked items'}`);
  ev.push(`fix: also reject items the table does not track (e.g. a *_valid() helper that tests the 0xFF sentinel) and return -1`);
  ev.push(`per config: ${Object.entries(v.perConfig).map(([c, x]) => `${c} ${x}`).join(', ')}`);
  cx.push('KF-RET-01', {
    messageId: 'warnReachable', kfunc: k.name, file: k.file, line: entry, key: `warn:${f.name}`, severity: 'warning',
    verdict: 'warn-reachable',
    data: { name: k.name, param: f.name, value: w.name ? `${w.value} (${w.name})` : w.value, message: w.message, returns: w.returnsText },
    evidence: ev,
    claims: cx.claims(f, guard, 'warn-reachable', guard ? 'complete' : 'none'),
  });
}

// ------------------------------------------------------------ KF-RET-01 (syntax)

export function ambiguousZero(cx: PlanContext, k: KfuncDef, flows: ParamFlow[]): void {
  const rt = classifyType(k.returnType);
  if (rt.kind !== 'int') return;
  const indexed = flows.filter((f) => f.sinks.some((s) => INDEX_KINDS.has(s.kind) || s.kind === 'call'));
  if (!indexed.length) return;
  // 0 is only ambiguous when some success path (a non-constant return) can produce it.
  const successes = k.body.descendantsOfType('return_statement').filter((r) => {
    const e = r.namedChildren[0];
    return e && !/^\(?\s*-?\s*(\d+|[A-Z_][A-Z0-9_]*|true|false)\s*\)?$/.test(e.text);
  });
  if (!successes.length || successes.every((r) => neverZero(r))) return;
  for (const s of k.body.namedChildren) {
    if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
    const ret = finalStatement(s.childForFieldName('consequence'));
    if (!ret || ret.type !== 'return_statement' || !/^(0|0[uU][lL]*)$/.test(ret.namedChildren[0]?.text ?? '')) continue;
    const cond = s.childForFieldName('condition')!;
    const f = indexed.find((x) => cond.descendantsOfType('identifier').some((i) => i.text === x.name));
    if (!f) continue;
    cx.push('KF-RET-01', {
      messageId: 'ambiguousZero', kfunc: k.name, file: k.file, line: ret.startPosition.row + 1, key: `zero:${f.name}`,
      data: { name: k.name, param: f.name, guard: snippet(cond, 80).replace(/^\((.*)\)$/, '$1') },
      evidence: [
        `guard: \`if ${snippet(cond, 80)}\` returns 0 at ${k.file}:${ret.startPosition.row + 1}`,
        `other paths return a value read for ${f.name} (return type \`${k.returnType}\`), so 0 is also a valid result`,
        `fix: return an out-of-band value, e.g. \`(${k.returnType})-1\` as the memcg stat kfuncs do, or -EINVAL from an int kfunc, and document it under Return:`,
      ],
    });
  }
}

// ------------------------------------------------------------ KF-RET-02

export function errnoFromUnsigned(cx: PlanContext, k: KfuncDef): void {
  const rt = classifyType(k.returnType);
  if ((rt.kind !== 'int' && rt.kind !== 'bool') || (rt.kind === 'int' && rt.signed)) return;
  for (const r of k.body.descendantsOfType('return_statement')) {
    const e = r.namedChildren[0];
    if (!e) continue;
    const x = e.type === 'parenthesized_expression' ? e.namedChildren[0]! : e;
    if (x.type !== 'unary_expression' || x.childForFieldName('operator')?.text !== '-') continue;
    const name = x.childForFieldName('argument')?.text ?? '';
    if (!/^E[A-Z0-9]+$/.test(name)) continue;
    const n = ERRNO[name];
    const seen = rt.kind === 'bool' ? 'true' : n !== undefined ? `${(1n << BigInt(rt.bits)) - BigInt(n)}` : `a huge positive value`;
    cx.push('KF-RET-02', {
      messageId: 'errnoFromUnsigned', kfunc: k.name, file: k.file, line: r.startPosition.row + 1, key: `${name}:${r.startPosition.row + 1}`,
      data: { name: k.name, value: `-${name}`, type: k.returnType, seen },
      evidence: [
        `return type \`${k.returnType}\` is ${rt.kind === 'bool' ? 'bool' : `unsigned (${rt.bits} bits)`}`,
        `\`return -${name};\` at ${k.file}:${r.startPosition.row + 1} reaches BPF as ${seen}`,
        `fix: return an int (negative errno) or document an unsigned sentinel such as \`(${k.returnType})-1\``,
      ],
    });
  }
}

// ------------------------------------------------------------ KF-RET-03

/** Failure values a kfunc returns when a scalar-parameter check fails. */
function failureClass(k: FunctionDef): { cls: string; text: string; line: number } | null {
  const scal = new Set(k.params.filter((p) => !p.pointer).map((p) => p.name));
  if (!scal.size) return null;
  for (const s of k.body.namedChildren) {
    if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
    const cond = s.childForFieldName('condition')!;
    if (!cond.descendantsOfType('identifier').some((i) => scal.has(i.text))) continue;
    const ret = finalStatement(s.childForFieldName('consequence'));
    const e = ret?.type === 'return_statement' ? ret.namedChildren[0] : null;
    if (!e) continue;
    const t = e.text.replace(/\s+/g, '');
    let cls: string;
    if (/^(\([\w ]+\))?-1$|^(U8|U16|U32|U64|ULONG|UINT|ULLONG|S64|LONG)_MAX$|^~0[uUlL]*$/.test(t)) cls = '-1 (all ones)';
    else if (/^(0|false|NULL)$/.test(t)) cls = '0';
    else if (/^-E[A-Z0-9]+$/.test(t)) cls = '-errno';
    else continue;
    return { cls, text: e.text, line: e.startPosition.row + 1 };
  }
  return null;
}

export function sentinelConsistency(cx: PlanContext, k: KfuncDef): void {
  const mine = failureClass(k);
  if (!mine) return;
  const sibs = cx.model.kfuncs.filter((s) => s.side === 'new' && s.file === k.file && s.name !== k.name && familyOf(s.name) === familyOf(k.name) && s.returnType === k.returnType);
  const classes = sibs.map((s) => ({ s, c: failureClass(s) })).filter((x) => x.c);
  const other = classes.filter((x) => x.c!.cls !== mine.cls);
  if (!other.length) return;
  const same = classes.length - other.length + 1;
  const counts = new Map<string, number>();
  for (const x of other) counts.set(x.c!.cls, (counts.get(x.c!.cls) ?? 0) + 1);
  const [topCls, topN] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  // Report the odd one out; on a tie, the later definition.
  const ref = other.find((x) => x.c!.cls === topCls)!;
  if (same > topN || (same === topN && k.line < ref.s.line)) return;
  cx.push('KF-RET-03', {
    messageId: 'inconsistentSentinel', kfunc: k.name, file: k.file, line: mine.line, key: 'sentinel',
    data: { name: k.name, mine: mine.text, sibling: ref.s.name, theirs: ref.c!.text },
    evidence: [
      `${k.name}() returns \`${mine.text}\` (${mine.cls}) when its argument check fails (${k.file}:${mine.line})`,
      ...other.slice(0, 3).map((x) => `sibling ${x.s.name}() returns \`${x.c!.text}\` (${x.c!.cls}) on the same kind of failure (${x.s.file}:${x.c!.line})`),
      `fix: use one documented failure value across the ${familyOf(k.name)}_* family`,
    ],
  });
}
