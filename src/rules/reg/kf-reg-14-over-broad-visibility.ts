// KF-REG-14: a kfunc with context assumptions registered for every program type or every
// tracing program, without a .filter.
import { defineRule } from '../contract.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { callsIn, idSetsOf, isAudit, reviewedKfuncs, type CallSite } from '../../model/c-query.js';

/** Program types whose programs run in any context: every type (UNSPEC) and the tracing family. */
const BROAD = new Set([
  'BPF_PROG_TYPE_UNSPEC', 'BPF_PROG_TYPE_TRACING', 'BPF_PROG_TYPE_TRACEPOINT', 'BPF_PROG_TYPE_PERF_EVENT',
  'BPF_PROG_TYPE_KPROBE', 'BPF_PROG_TYPE_RAW_TRACEPOINT',
]);

/** Lock assertions: only in the kfunc's own body (a callee may assert a lock its caller just took). */
const LOCK_ASSERTS = /^(lockdep_assert\w*|lockdep_is_held\w*)$/;
/** Checks that the caller is a particular struct_ops callback (sched_ext style). */
const OPS_CHECKS = /^\w+_kf_allowed\w*$/;
/** Context probes: an assumption only when asserted (inside WARN_ON()/BUG_ON()), not when handled. */
const PROBES = /^(in_task|in_interrupt|in_irq|in_hardirq|in_softirq|in_serving_softirq|in_nmi|in_atomic|irqs_disabled|preemptible)$/;
const WARNS = /^(WARN|WARN_ON|WARN_ONCE|WARN_ON_ONCE|BUG_ON|VM_WARN_ON\w*|RCU_LOCKDEP_WARN)$/;

interface Assumption { what: string; chain: string }

function asserts(c: CallSite, direct: boolean): boolean {
  if (OPS_CHECKS.test(c.name) || (direct && LOCK_ASSERTS.test(c.name))) return true;
  if (!PROBES.test(c.name)) return false;
  for (let n = c.node.parent; n; n = n.parent) {
    if (n.type === 'call_expression' && WARNS.test(n.childForFieldName('function')?.text ?? '')) return true;
    if (n.type === 'compound_statement') return false;
  }
  return false;
}

/** First context assumption in `fn`, or in a visible non-kfunc callee one level down. */
function assumptionIn(model: PatchModel, fn: FunctionDef): Assumption | null {
  const calls = callsIn(fn.body);
  for (const c of calls) if (asserts(c, true)) return { what: `${c.name}()`, chain: `${fn.name}() calls ${c.name}() at ${fn.file}:${c.line}` };
  for (const c of calls) {
    const callee = model.functions.get(c.name);
    if (!callee || callee === fn || callee.isKfunc || callee.side !== 'new') continue;
    for (const d of callsIn(callee.body)) {
      if (asserts(d, false)) return { what: `${d.name}()`, chain: `${fn.name}() → ${callee.name}() (${fn.file}:${c.line}) → ${d.name}() at ${callee.file}:${d.line}` };
    }
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'KF-REG-14',
    severity: 'info',
    description: 'Question kfuncs with context assumptions that are registered for all or all tracing programs without a filter',
    rationale: 'A set registered for BPF_PROG_TYPE_UNSPEC is callable from every program type, and one registered for tracing from any kprobe, tracepoint or fentry, in any context. A kfunc that asserts a lock is held, a process context or a struct_ops call site breaks those assumptions unless a .filter narrows where it may be called.',
    kernels: '>=6.5',
    messages: {
      broad: '{name}() assumes its calling context ({what}) but set {set} is registered for {progType} without a .filter in {idSet}: check the assumption holds for every such program or add a filter',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const reviewed = new Set(reviewedKfuncs(model).map((k) => k.name));
    for (const r of model.registrations) {
      if (r.removed || r.side !== 'new' || !r.set) continue;
      const def = model.functions.get(r.kfunc);
      if (!def || def.side !== 'new') continue;
      for (const { idSet, calls } of idSetsOf(model, r.set, r.file)) {
        if (idSet.filter) continue;
        const broad = calls.filter((c) => c.fn === 'register_btf_kfunc_id_set' && c.progType && BROAD.has(c.progType));
        if (broad.length === 0) continue;
        if (!(audit || reviewed.has(r.kfunc) || r.added || broad.some((c) => c.added) || idSet.added)) continue;
        const found = assumptionIn(model, def);
        if (!found) continue;
        const progType = [...new Set(broad.map((c) => c.progType!))].join('/');
        report({
          messageId: 'broad',
          data: { name: r.kfunc, what: found.what, set: r.set, progType, idSet: idSet.name },
          kfunc: r.kfunc, file: def.file, line: def.line, key: idSet.name,
          evidence: [
            `assumption: ${found.chain}`,
            `set ${r.set} (entry at ${r.file}:${r.line}) wrapped by ${idSet.name} at ${idSet.file}:${idSet.line}, which has no .filter`,
            ...broad.map((c) => `registered for ${c.progType} at ${c.file}:${c.line}`),
          ],
        });
      }
    }
  },
});
