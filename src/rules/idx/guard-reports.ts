// Reports on unchecked and half-checked indexes: KF-IDX-01 (direct), -02 (through a callee),
// -04 (incomplete guard) and -03 (a sibling kfunc checks the same role, this one does not).
import type { KfuncDef } from '../../model/model.js';
import type { ArgVerdict } from '../../facts/semantics/index.js';
import type { GuardStatus, ParamFlow, Sink } from '../../facts/index/args.js';
import { INDEX_KINDS, type PlanContext, bare, chainCallees, guardPlace } from './plan-context.js';

const RANK: Record<GuardStatus, number> = { none: 0, 'lower-only': 1, 'upper-only': 2, complete: 3 };

/** Callees that only print or trace a value. */
const LOGGING = /^(printk|pr_\w+|dev_\w+|WARN\w*|BUG\w*|trace_\w+|\w*_error|\w*_err|\w*_warn\w*|\w*_dbg|\w*_info|bpf_log|verbose|snprintf|scnprintf|seq_printf)$/;

/** First meaningful word of a callee name: `memcg_events` -> memcg. */
function calleeFamily(name: string): string | null {
  const w = name.replace(/^_+/, '').split('_').find((x) => x && !/^(bpf|get|put|read|write|do|the|atomic|READ|WRITE)$/.test(x));
  return w ?? null;
}

// ------------------------------------------------------------ KF-IDX-01/02/04

/** A sibling that guards a parameter of the same enum, name or callee family: its check is the suggested fix. */
function siblingGuard(cx: PlanContext, k: KfuncDef, f: ParamFlow): { name: string; param: string; guard: string; where: string } | null {
  const myCallees = new Set(f.sinks.flatMap(chainCallees));
  const myFamilies = new Set([...myCallees].map(calleeFamily).filter((x): x is string => !!x));
  for (const s of cx.model.kfuncs) {
    if (s.side !== 'new' || s.name === k.name || s.file !== k.file) continue;
    for (const q of cx.flows(s)) {
      const guarded = q.sinks.find((x) => x.status !== 'none' && x.facts.texts.length);
      if (!guarded) continue;
      const sameEnum = q.ctype.kind === 'enum' && q.type === f.type;
      const sameName = q.name === f.name && q.type === f.type;
      const theirs = q.sinks.flatMap(chainCallees);
      const sameFamily = theirs.some((c) => myCallees.has(c) || myFamilies.has(calleeFamily(c) ?? '\0'));
      if (!sameEnum && !sameName && !sameFamily) continue;
      const t = guarded.facts.texts[0]!;
      return { name: s.name, param: q.name, guard: bare(t), where: guardPlace(s, t) };
    }
  }
  return null;
}

/** KF-IDX-01/02/04; true when it reported, which leaves KF-IDX-03 out for this parameter. */
export function indexRules(cx: PlanContext, k: KfuncDef, f: ParamFlow, v: ArgVerdict | undefined): boolean {
  const sinks = f.sinks.filter((s) => INDEX_KINDS.has(s.kind));
  const worst = [...sinks].sort((x, y) => RANK[x.status] - RANK[y.status] || x.depth - y.depth)[0];
  const verdict = v?.verdict;
  if (verdict === 'warn-reachable' || verdict === 'refuted') return false;
  if (verdict !== 'confirmed' && (!worst || worst.status === 'complete')) return false;

  const guard = worst && worst.facts.texts.length ? bare(worst.facts.texts[0]!) : null;
  const status = worst?.status ?? 'none';
  let rule: string;
  let messageId: string;
  if (status === 'none') {
    const direct = worst ? worst.depth === 0 && worst.kind !== 'callee' : false;
    rule = direct ? 'KF-IDX-01' : 'KF-IDX-02';
    messageId = direct ? 'unchecked' : 'uncheckedCallee';
  } else {
    rule = 'KF-IDX-04';
    messageId = 'incompleteGuard';
  }
  const confirmed = verdict === 'confirmed';
  const severity = confirmed ? 'error' : 'warning';
  const line = worst?.entryLine ?? k.line;
  const chain = confirmed && v ? v.chain : worst?.chain ?? `${k.name}(${f.name})`;
  let target = worst ? (worst.kind === 'callee' || worst.depth > 0 ? worst.chain.split(' -> ')[1]!.replace(/\(.*$/, '') : worst.target) : v?.array ?? '?';
  if (worst?.kind === 'bit' && worst.depth === 0) target = `a bitmap (${worst.target}())`;
  const sib = status === 'none' ? siblingGuard(cx, k, f) : null;

  const consequence = confirmed && v?.witness
    ? `the memcg semantics model reads ${v.array ?? 'the table'} out of bounds with ${f.name} = ${v.witness.argValue} (${v.witness.config})`
    : `the verifier passes any ${f.ctype.signed ? 'signed' : 'unsigned'} ${f.ctype.bits}-bit value, so nothing stops an out-of-range ${f.name}`;
  let gap = '';
  if (status === 'upper-only') gap = `does not reject negative values (${f.name} is \`${f.type}\`, so the comparison is signed)`;
  else if (status === 'lower-only') gap = 'has no upper bound';
  else if (status === 'complete') gap = `does not hold on every kernel config (the bound it uses is not the size of ${v?.array ?? 'the table'} everywhere)`;
  const fix = status === 'upper-only'
    ? `add \`${f.name} < 0 ||\` or compare \`(u32)${f.name}\``
    : status === 'lower-only' ? `add the upper bound` : `compare against ${v?.bound?.name ?? 'the real table size'}`;

  const ev: string[] = [];
  ev.push(`parameter ${f.name}: \`${f.type}\` -> ${f.domain}`);
  ev.push(`chain: ${chain}`);
  if (worst) ev.push(`sink: \`${worst.text}\` at ${worst.file}:${worst.line}`);
  if (confirmed && v) ev.push(...v.evidence.filter((e) => !e.startsWith('parameter ') && !e.startsWith('chain: ')));
  else ev.push(`verdict: ${verdict ?? 'unconfirmed'} (no semantics model covers ${worst?.target ?? 'this access'}; the finding rests on the syntax)`);
  if (guard) ev.push(`guard found: \`${guard}\` -- it ${gap}`);
  else ev.push(`guard: none before the access (no early return on a bound, no clamp/array_index_nospec, no validator)`);
  if (worst?.facts.assumed.length) ev.push(`validator trusted by name (body not visible): ${worst.facts.assumed.join(', ')}`);
  if (sib) ev.push(`sibling ${sib.name}() validates ${sib.param} with \`${sib.guard}\` (${sib.where}); a similar check here is the suggested fix`);
  const data: Record<string, string> = { name: k.name, param: f.name, target, consequence, guard: guard ?? '', gap, fix };
  cx.push(rule, {
    messageId, data, kfunc: k.name, file: k.file, line, evidence: ev, severity, key: f.name,
    verdict: verdict ?? 'unconfirmed', claims: cx.claims(f, guard ?? v?.guard ?? null, verdict ?? 'unconfirmed', status),
  });
  return true;
}

// ------------------------------------------------------------ KF-IDX-03

/**
 * A sibling that bounds a parameter of the same role: the same enum type reaching an index,
 * or the same callee/array reached with an upper-bound check in the sibling.
 */
function strictSibling(cx: PlanContext, k: KfuncDef, f: ParamFlow, open: Sink[]): { sink: Sink; name: string; param: string; guard: string; where: string } | null {
  for (const s of cx.model.kfuncs) {
    if (s.side !== 'new' || s.name === k.name || s.file !== k.file) continue;
    for (const q of cx.flows(s)) {
      for (const g of q.sinks) {
        if (g.status !== 'complete' && g.status !== 'upper-only') continue;
        if (!g.facts.upper && !g.facts.complete) continue;
        const t = g.facts.texts.find((x) => x.includes(`(${s.name}:`));
        if (!t) continue;
        const mine = open.find((o) => (o.target === g.target && o.kind === g.kind) || (q.ctype.kind === 'enum' && q.type === f.type && INDEX_KINDS.has(g.kind)));
        if (!mine) continue;
        return { sink: mine, name: s.name, param: q.name, guard: bare(t), where: guardPlace(s, t) };
      }
    }
  }
  return null;
}

export function siblingRule(cx: PlanContext, k: KfuncDef, f: ParamFlow, v: ArgVerdict | undefined, covered: boolean): void {
  if (covered || v?.verdict === 'refuted' || v?.verdict === 'warn-reachable') return;
  if (/flags?$/.test(f.name) || f.suffix === '__sz' || f.suffix === '__szk') return;
  const open = f.sinks.filter((s) => (INDEX_KINDS.has(s.kind) || s.kind === 'call') && s.status === 'none' && !LOGGING.test(s.target));
  if (!open.length) return;
  const sib = strictSibling(cx, k, f, open);
  if (!sib) return;
  const s = sib.sink;
  cx.push('KF-IDX-03', {
    messageId: 'siblingChecks', kfunc: k.name, file: k.file, line: s.entryLine, key: f.name, severity: 'warning',
    data: { name: k.name, param: f.name, target: s.target, sibling: sib.name, sibParam: sib.param, guard: sib.guard },
    verdict: v?.verdict ?? 'unconfirmed',
    evidence: [
      `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
      `${f.name} reaches \`${s.text}\` (${s.file}:${s.line}) with no check: ${s.chain}`,
      `sibling ${sib.name}() validates ${sib.param} with \`${sib.guard}\` (${sib.where}); suggested fix: the same check before ${s.target}()`,
      `verdict: ${v?.verdict ?? 'unconfirmed'} (${s.target}() is not visible and no model describes it)`,
    ],
    claims: cx.claims(f, null, v?.verdict ?? 'unconfirmed', 'none'),
  });
}
