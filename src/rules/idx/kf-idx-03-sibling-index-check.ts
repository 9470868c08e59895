// KF-IDX-03: validate an argument the way sibling kfuncs of the same family validate theirs.
// Yields to the other index rules: a parameter that ./index-finding.ts gives to KF-IDX-01/02/04
// is reported there, with the sibling's check as the suggested fix.
import type { KfuncDef, PatchModel } from '../../model/model.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import type { Facts } from '../../facts/context.js';
import { type ParamFlow, type Sink, INDEX_KINDS } from '../../facts/index/flow-types.js';
import { defineRule } from '../contract.js';
import { completeSiblingGuard, indexFindingFor } from './index-finding.js';
import { bare, guardPlace } from './shared.js';

/** Callees that only print or trace a value. */
const LOGGING =
  /^(printk|pr_\w+|dev_\w+|WARN\w*|BUG\w*|trace_\w+|\w*_error|\w*_err|\w*_warn\w*|\w*_dbg|\w*_info|bpf_log|verbose|snprintf|scnprintf|seq_printf)$/;

/**
 * A sibling that bounds a parameter of the same role: the same enum type reaching an index,
 * or the same callee/array reached with an upper-bound check in the sibling.
 */
function strictSibling(
  facts: Facts,
  model: PatchModel,
  k: KfuncDef,
  f: ParamFlow,
  open: Sink[],
): { sink: Sink; name: string; param: string; guard: string; where: string } | null {
  for (const s of model.kfuncs) {
    if (s.side !== 'new' || s.name === k.name || s.file !== k.file) continue;
    for (const q of facts.flows(s)) {
      for (const g of q.sinks) {
        if (!completeSiblingGuard(facts, s, q, g)) continue;
        const t = g.facts.texts.find((x) => x.includes(`(${s.name}:`));
        if (!t) continue;
        const mine = open.find(
          (o) => (o.target === g.target && o.kind === g.kind) || (q.ctype.kind === 'enum' && q.type === f.type && INDEX_KINDS.has(g.kind)),
        );
        if (!mine) continue;
        return { sink: mine, name: s.name, param: q.name, guard: bare(t), where: guardPlace(s, t) };
      }
    }
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'KF-IDX-03',
    severity: 'warning',
    description: 'Validate an argument the way sibling kfuncs of the same family validate theirs',
    rationale:
      "When one kfunc of a family checks an index of a given role and its sibling does not, the sibling is usually the bug (the seed case: page_state checked its idx, vm_events did not). The sibling's check is also the natural fix.",
    kernels: 'all',
    messages: {
      siblingChecks:
        '{name}() passes {param} to {target}() unchecked, while its sibling {sibling}() validates {sibParam} with `{guard}`; add the same validation',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        if (indexFindingFor(facts, k, f)) continue;
        const v = facts.verdicts(k).get(f.name);
        if (v?.verdict === 'refuted' || v?.verdict === 'warn-reachable') continue;
        if (/flags?$/.test(f.name) || f.suffix === '__sz' || f.suffix === '__szk') continue;
        const open = f.sinks.filter(
          (s) => (INDEX_KINDS.has(s.kind) || s.kind === 'call') && s.status === 'none' && !LOGGING.test(s.target),
        );
        if (!open.length) continue;
        const sib = strictSibling(facts, model, k, f, open);
        if (!sib) continue;
        const s = sib.sink;
        report({
          messageId: 'siblingChecks',
          kfunc: k.name,
          file: k.file,
          line: s.entryLine,
          key: f.name,
          severity: 'warning',
          data: { name: k.name, param: f.name, target: s.target, sibling: sib.name, sibParam: sib.param, guard: sib.guard },
          verdict: v?.verdict ?? 'unconfirmed',
          evidence: [
            `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
            `${f.name} reaches \`${s.text}\` (${s.file}:${s.line}) with no check: ${s.chain}`,
            `sibling ${sib.name}() validates ${sib.param} with \`${sib.guard}\` (${sib.where}); suggested fix: the same check before ${s.target}()`,
            `verdict: ${v?.verdict ?? 'unconfirmed'} (${s.target}() is not visible and no model describes it)`,
          ],
          claims: facts.claims(f, null, v?.verdict ?? 'unconfirmed', 'none'),
        });
      }
    }
  },
});
