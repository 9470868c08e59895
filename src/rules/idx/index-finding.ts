// Which of the unchecked-index rules owns a parameter, and the finding it reports: KF-IDX-01
// (unchecked, direct), KF-IDX-02 (unchecked, through a callee) or KF-IDX-04 (incomplete guard).
// `indexFindingFor` is a pure decision over the facts: the three rules report what it decides,
// and KF-IDX-03 calls it too and yields wherever it decides something.
//
// Verdict policy (docs/rules/KF-IDX-01.md):
//   confirmed       error, with the model's witness (value, config, array, bound)
//   warn-reachable  no index finding; KF-RET-01 reports the WARN (also when confirmed + warn)
//   refuted         dropped
//   unconfirmed     warning when the syntax evidence is strong (visible unguarded access, or a
//                   known indexing callee), else nothing
import type { KfuncDef, PatchModel } from '../../model/model.js';
import type { Facts } from '../../facts/context.js';
import { type GuardStatus, type ParamFlow, type Sink, INDEX_KINDS, chainCallees } from '../../facts/index/flow-types.js';
import type { ArgVerdict } from '../../facts/semantics/index.js';
import type { Report } from '../contract.js';
import { sameBound } from '../../facts/index/arrays.js';
import { bare, guardPlace } from './shared.js';

export interface IndexFinding {
  rule: 'KF-IDX-01' | 'KF-IDX-02' | 'KF-IDX-04';
  /** The least guarded index sink (the shallowest on a tie); none when only the verdict speaks. */
  worst: Sink | undefined;
  status: GuardStatus;
  v: ArgVerdict | undefined;
}

const RANK: Record<GuardStatus, number> = { none: 0, 'lower-only': 1, 'upper-only': 2, 'off-by-one': 2, complete: 3 };

/** The index finding on parameter `f` of `k`, and which rule reports it; null when there is none. */
export function indexFindingFor(facts: Facts, k: KfuncDef, f: ParamFlow): IndexFinding | null {
  const v = facts.verdicts(k).get(f.name);
  const sinks = f.sinks.filter((s) => INDEX_KINDS.has(s.kind));
  const worst = [...sinks].sort((x, y) => RANK[x.status] - RANK[y.status] || x.depth - y.depth)[0];
  const verdict = v?.verdict;
  if (verdict === 'warn-reachable' || verdict === 'refuted') return null;
  if (verdict !== 'confirmed' && (!worst || worst.status === 'complete')) return null;
  const status = worst?.status ?? 'none';
  let rule: IndexFinding['rule'];
  if (status === 'none') {
    const direct = worst ? worst.depth === 0 && worst.kind !== 'callee' : false;
    rule = direct ? 'KF-IDX-01' : 'KF-IDX-02';
  } else rule = 'KF-IDX-04';
  return { rule, worst, status, v };
}

/** First meaningful word of a callee name: `memcg_events` -> memcg. */
function calleeFamily(name: string): string | null {
  const w = name
    .replace(/^_+/, '')
    .split('_')
    .find((x) => x && !/^(bpf|get|put|read|write|do|the|atomic|READ|WRITE)$/.test(x));
  return w ?? null;
}

/**
 * Is the sibling's guard on `q` complete: the syntax sees both bounds, and the semantics model
 * does not contradict it (an out-of-bounds read or a reachable WARN past the guard)? Only such a
 * guard is worth suggesting as a fix.
 */
export function completeSiblingGuard(facts: Facts, s: KfuncDef, q: ParamFlow, x: Sink): boolean {
  return x.facts.texts.length > 0 && siblingGap(facts, s, q, x) === null;
}

/** Why a sibling's guard is not complete, or null when it is. */
function siblingGap(facts: Facts, s: KfuncDef, q: ParamFlow, x: Sink): string | null {
  const v = facts.verdicts(s).get(q.name)?.verdict;
  if (v === 'confirmed') return 'the semantics model still reads out of bounds past it';
  if (v === 'warn-reachable') return 'the semantics model still reaches a WARN past it: it does not reject untracked items';
  if (x.status === 'upper-only') return `it lets negative values of the signed ${q.name} through`;
  if (x.status === 'off-by-one') return `it lets ${q.name} equal the bound`;
  if (x.status !== 'complete') return 'it has no upper bound';
  return null;
}

/** A sibling that guards a parameter of the same enum, name or callee family: its check is the suggested fix. */
function siblingGuard(
  facts: Facts,
  model: PatchModel,
  k: KfuncDef,
  f: ParamFlow,
): { name: string; param: string; guard: string; where: string; gap: string | null } | null {
  const myCallees = new Set(f.sinks.flatMap(chainCallees));
  const myFamilies = new Set([...myCallees].map(calleeFamily).filter((x): x is string => !!x));
  let incomplete: { name: string; param: string; guard: string; where: string; gap: string | null } | null = null;
  for (const s of model.kfuncs) {
    if (s.side !== 'new' || s.name === k.name || s.file !== k.file) continue;
    for (const q of facts.flows(s)) {
      const guarded =
        q.sinks.find((x) => INDEX_KINDS.has(x.kind) && completeSiblingGuard(facts, s, q, x)) ??
        q.sinks.find((x) => INDEX_KINDS.has(x.kind) && x.status !== 'none' && x.facts.texts.length);
      if (!guarded) continue;
      const sameEnum = q.ctype.kind === 'enum' && q.type === f.type;
      const sameName = q.name === f.name && q.type === f.type;
      const theirs = q.sinks.flatMap(chainCallees);
      const sameFamily = theirs.some((c) => myCallees.has(c) || myFamilies.has(calleeFamily(c) ?? '\0'));
      if (!sameEnum && !sameName && !sameFamily) continue;
      const t = guarded.facts.texts[0]!;
      const found = { name: s.name, param: q.name, guard: bare(t), where: guardPlace(s, t), gap: siblingGap(facts, s, q, guarded) };
      if (!found.gap) return found;
      incomplete ??= found;
    }
  }
  // Only a complete guard is suggested; an incomplete one is named so nobody copies it.
  return incomplete;
}

/** The report of an index finding, without its message id (each of the three rules adds its own). */
export function indexReport(facts: Facts, model: PatchModel, k: KfuncDef, f: ParamFlow, d: IndexFinding): Omit<Report, 'messageId'> {
  const { worst, status, v } = d;
  const verdict = v?.verdict;
  const confirmed = verdict === 'confirmed';
  // Off by one: the syntax saw `v > N` before an array of N (or a count N), or the model read
  // past a table whose bound is the very N the guard lets through.
  const modelBound = v?.bound?.name;
  const inclusive = worst?.facts.bounds.find((b) => b.inclusive && !b.relative && !!modelBound && sameBound(b.rhs, modelBound));
  const obo =
    status === 'off-by-one' && worst?.facts.offByOne
      ? worst.facts.offByOne
      : confirmed && status === 'complete' && inclusive
        ? { bound: inclusive.rhs, size: modelBound!, text: inclusive.text }
        : null;
  const guard = obo ? bare(obo.text) : worst && worst.facts.texts.length ? bare(worst.facts.texts[0]!) : null;
  const severity = confirmed || obo?.size ? 'error' : 'warning';
  const line = worst?.entryLine ?? k.line;
  const chain = confirmed && v ? v.chain : (worst?.chain ?? `${k.name}(${f.name})`);
  let target = worst
    ? worst.kind === 'callee' || worst.depth > 0
      ? worst.chain.split(' -> ')[1]!.replace(/\(.*$/, '')
      : worst.target
    : (v?.array ?? '?');
  if (worst?.kind === 'bit' && worst.depth === 0) target = `a bitmap (${worst.target}())`;
  const sib = status === 'none' ? siblingGuard(facts, model, k, f) : null;

  const consequence = obo
    ? confirmed && v?.witness
      ? `the memcg semantics model reads ${v.array ?? 'the table'} out of bounds with ${f.name} = ${v.witness.argValue} (${v.witness.config})`
      : obo.size
        ? `${target} is declared with ${obo.size} elements, so ${f.name} = ${obo.bound} is one past its end`
        : `${obo.bound} is a count, so ${f.name} = ${obo.bound} is one past the last valid index`
    : confirmed && v?.witness
      ? `the memcg semantics model reads ${v.array ?? 'the table'} out of bounds with ${f.name} = ${v.witness.argValue} (${v.witness.config})`
      : `the verifier passes any ${f.ctype.signed ? 'signed' : 'unsigned'} ${f.ctype.bits}-bit value, so nothing stops an out-of-range ${f.name}`;
  let gap = '';
  if (obo) gap = `lets ${f.name} = ${obo.bound} through (\`>\` where \`>=\` is needed)`;
  else if (status === 'upper-only') gap = `does not reject negative values (${f.name} is \`${f.type}\`, so the comparison is signed)`;
  else if (status === 'lower-only') gap = 'has no upper bound';
  else if (status === 'complete')
    gap = `does not hold on every kernel config (the bound it uses is not the size of ${v?.array ?? 'the table'} everywhere)`;
  const fix = obo
    ? `reject \`${f.name} >= ${obo.bound}\``
    : status === 'upper-only'
      ? `add \`${f.name} < 0 ||\` or compare \`(u32)${f.name}\``
      : status === 'lower-only'
        ? `add the upper bound`
        : `compare against ${v?.bound?.name ?? 'the real table size'}`;

  const ev: string[] = [];
  ev.push(`parameter ${f.name}: \`${f.type}\` -> ${f.domain}`);
  ev.push(`chain: ${chain}`);
  if (worst) ev.push(`sink: \`${worst.text}\` at ${worst.file}:${worst.line}`);
  if (confirmed && v) ev.push(...v.evidence.filter((e) => !e.startsWith('parameter ') && !e.startsWith('chain: ')));
  else
    ev.push(
      `verdict: ${verdict ?? 'unconfirmed'} (no semantics model covers ${worst?.target ?? 'this access'}; the finding rests on the syntax)`,
    );
  if (guard) ev.push(`guard found: \`${guard}\` -- it ${gap}`);
  else ev.push(`guard: none before the access (no early return on a bound, no clamp/array_index_nospec, no validator)`);
  if (worst?.facts.assumed.length) ev.push(`validator trusted by name (body not visible): ${worst.facts.assumed.join(', ')}`);
  if (sib && !sib.gap)
    ev.push(`sibling ${sib.name}() validates ${sib.param} with \`${sib.guard}\` (${sib.where}); a similar check here is the suggested fix`);
  else if (sib)
    ev.push(
      `sibling ${sib.name}() checks ${sib.param} with \`${sib.guard}\` (${sib.where}), but that check is incomplete (${sib.gap}): do not copy it as the fix`,
    );
  const data: Record<string, string> = { name: k.name, param: f.name, target, consequence, guard: guard ?? '', gap, fix };
  return {
    data,
    kfunc: k.name,
    file: k.file,
    line,
    evidence: ev,
    severity,
    key: f.name,
    verdict: verdict ?? 'unconfirmed',
    claims: facts.claims(f, guard ?? v?.guard ?? null, verdict ?? 'unconfirmed', status),
  };
}
