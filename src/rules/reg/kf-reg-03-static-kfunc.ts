// KF-REG-03: a kfunc (marked or registered) declared static.
import { defineRule } from '../contract.js';
import { isFmodretEntry, isReviewed } from '../../model/c-query.js';

export default defineRule({
  meta: {
    id: 'KF-REG-03',
    severity: 'error',
    description: 'Report kfuncs that are declared static',
    rationale:
      'A kfunc must have extern linkage so the compiler keeps a symbol resolve_btfids can find. A static function without __bpf_kfunc may be inlined or dropped (unresolved BTF ID, whole set rejected); a static __bpf_kfunc survives only through __used and can clash with same-named statics elsewhere in BTF.',
    kernels: '>=6.4',
    messages: {
      staticRegistered:
        '{name}() is used as a kfunc but declared {how}: the compiler may inline or drop it, its BTF ID resolves to 0 and the whole set fails to register; make it a global, non-inline __bpf_kfunc function',
      staticMarked:
        '{name}() is a __bpf_kfunc but declared static: kfuncs need extern linkage; drop static and keep the definition between __bpf_kfunc_start_defs() and __bpf_kfunc_end_defs()',
    },
  },
  check({ model, report }) {
    const live = model.registrations.filter((r) => !r.removed && r.side === 'new' && !isFmodretEntry(model, r));
    const seen = new Set<string>();
    for (const def of model.functions.values()) {
      if (def.side !== 'new' || !def.isStatic) continue;
      const regs = live.filter((r) => r.kfunc === def.name);
      if (!def.isKfunc && regs.length === 0) continue;
      const isNew = def.status === 'added';
      const reviewed = isReviewed(model, def.name);
      if (!reviewed || seen.has(def.name)) continue;
      seen.add(def.name);
      const inline = def.isInline ? ' inline' : '';
      const entry = regs[0]
        ? `entry: BTF_ID_FLAGS(func, ${def.name}) in ${regs[0].set ? `set ${regs[0].set}` : 'a kfunc set'} at ${regs[0].file}:${regs[0].line}`
        : `no visible set entry for ${def.name}()`;
      if (!def.isKfunc || def.isInline) {
        report({
          messageId: 'staticRegistered',
          data: { name: def.name, how: def.isInline ? 'static inline' : 'static without __bpf_kfunc' },
          kfunc: def.name,
          file: def.file,
          line: def.line,
          evidence: [
            `static${inline} definition: ${def.file}:${def.line}${def.isKfunc ? ' (marked __bpf_kfunc, but inline contradicts its noinline)' : ''}`,
            entry,
          ],
        });
        continue;
      }
      // A static __bpf_kfunc links (the marker carries __used), as the older TCP congestion
      // control kfuncs show: only question new ones, as a warning.
      if (!isNew) continue;
      report({
        messageId: 'staticMarked',
        severity: 'warning',
        data: { name: def.name },
        kfunc: def.name,
        file: def.file,
        line: def.line,
        evidence: [
          `static __bpf_kfunc definition added: ${def.file}:${def.line}`,
          entry,
          'Documentation/bpf/kfuncs.rst: wrapper kfuncs should have extern linkage; wrap them in __bpf_kfunc_start_defs()/__bpf_kfunc_end_defs() instead of making them static',
        ],
      });
    }
  },
});
