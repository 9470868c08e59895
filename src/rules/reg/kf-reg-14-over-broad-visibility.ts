// KF-REG-14: a kfunc with context assumptions registered for every program type or every
// tracing program, without a .filter.
import { defineRule } from '../contract.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { callsIn, idSetsOf, isAudit, reviewedKfuncs, type CallSite } from '../../model/c-query.js';
import { CONTEXT_PROBE, LOCK_ASSERT, OPS_CALLER_CHECK, WARN_MACRO } from '../../knowledge/context-assertions.js';
import { ANY_CONTEXT_PROG_TYPES } from '../../knowledge/prog-types.js';

interface Assumption {
  what: string;
  chain: string;
}

/**
 * A call that states a context assumption. Lock assertions count only in the kfunc's own body
 * (`direct`: a callee may assert a lock its caller just took); context probes only when
 * asserted inside a WARN/BUG, not when the code handles both answers.
 */
function asserts(c: CallSite, direct: boolean): boolean {
  if (OPS_CALLER_CHECK.test(c.name) || (direct && LOCK_ASSERT.test(c.name))) return true;
  if (!CONTEXT_PROBE.test(c.name)) return false;
  for (let n = c.node.parent; n; n = n.parent) {
    if (n.type === 'call_expression' && WARN_MACRO.test(n.childForFieldName('function')?.text ?? '')) return true;
    if (n.type === 'compound_statement') return false;
  }
  return false;
}

/** First context assumption in `fn`, or in a visible non-kfunc callee one level down. */
function assumptionIn(model: PatchModel, fn: FunctionDef): Assumption | null {
  const calls = callsIn(fn.body);
  for (const c of calls)
    if (asserts(c, true)) return { what: `${c.name}()`, chain: `${fn.name}() calls ${c.name}() at ${fn.file}:${c.line}` };
  for (const c of calls) {
    const callee = model.functions.get(c.name);
    if (!callee || callee === fn || callee.isKfunc || callee.side !== 'new') continue;
    for (const d of callsIn(callee.body)) {
      if (asserts(d, false))
        return {
          what: `${d.name}()`,
          chain: `${fn.name}() → ${callee.name}() (${fn.file}:${c.line}) → ${d.name}() at ${callee.file}:${d.line}`,
        };
    }
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'KF-REG-14',
    severity: 'info',
    description: 'Question kfuncs with context assumptions that are registered for all or all tracing programs without a filter',
    rationale:
      'A set registered for BPF_PROG_TYPE_UNSPEC is callable from every program type, and one registered for tracing from any kprobe, tracepoint or fentry, in any context. A kfunc that asserts a lock is held, a process context or a struct_ops call site breaks those assumptions unless a .filter narrows where it may be called.',
    kernels: '>=6.5',
    messages: {
      broad:
        '{name}() assumes its calling context ({what}) but set {set} is registered for {progType} without a .filter in {idSet}: check the assumption holds for every such program or add a filter',
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
        const broad = calls.filter((c) => c.fn === 'register_btf_kfunc_id_set' && c.progType && ANY_CONTEXT_PROG_TYPES.has(c.progType));
        if (broad.length === 0) continue;
        if (!(audit || reviewed.has(r.kfunc) || r.added || broad.some((c) => c.added) || idSet.added)) continue;
        const found = assumptionIn(model, def);
        if (!found) continue;
        const progType = [...new Set(broad.map((c) => c.progType!))].join('/');
        report({
          messageId: 'broad',
          data: { name: r.kfunc, what: found.what, set: r.set, progType, idSet: idSet.name },
          kfunc: r.kfunc,
          file: def.file,
          line: def.line,
          key: idSet.name,
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
