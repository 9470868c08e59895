// KF-REG-01: a __bpf_kfunc definition that no BTF_ID_FLAGS entry registers.
import { defineRule } from '../contract.js';
import { callsIn, isAudit, isReviewed } from '../../model/c-query.js';
import { isDestructorStub, isImplAnchor } from '../../knowledge/stub-names.js';

export default defineRule({
  meta: {
    id: 'KF-REG-01',
    severity: 'warning',
    description: 'Report __bpf_kfunc definitions that are registered in no kfunc set',
    rationale:
      'A kfunc that is in no BTF_KFUNCS set is invisible to BPF programs: either the registration was forgotten or the function is dead code that still carries the kfunc marker.',
    kernels: '>=6.4',
    messages: {
      unregistered: '{name}() is defined with __bpf_kfunc but no BTF_ID_FLAGS(func, {name}, ...) entry registers it',
      unregisteredPartial:
        '{name}() is defined with __bpf_kfunc but no visible BTF_ID_FLAGS entry registers it (the rest of {file} was not visible)',
      calledByKernel:
        '{name}() is defined with __bpf_kfunc but no BTF_ID_FLAGS entry registers it; kernel code calls it ({caller}()), so the marker may only keep it out of line as a tracing attach target. Register it if BPF programs should call it',
    },
  },
  check({ model, report }) {
    const registered = new Set(model.registrations.filter((r) => !r.removed).map((r) => r.kfunc));
    // In an audit every definition is reviewed, against the registrations of the whole tree
    // (a kfunc may be registered in another file: bpf_iter_* in kernel/bpf/helpers.c). A
    // `--tree` review with the audit cache has the tree index too (with the patch's changes).
    const audit = isAudit(model);
    const tree = model.treeIndex;
    // Without the tree's registrations, an audit cannot tell "registered elsewhere" from "never".
    if (audit && !tree) return;
    for (const k of model.kfuncs) {
      if (k.side !== 'new' || !isReviewed(model, k.name) || registered.has(k.name) || tree?.registered(k.name)) continue;
      // Destructor stubs are referenced from BTF_ID(func, ...) dtor lists, not kfunc sets.
      if (isDestructorStub(k.name) || isImplAnchor(k.name)) continue;
      const file = model.files.find((f) => f.path === k.file);
      const full = file?.visibility === 'full';
      const sets = model.sets.filter((s) => s.file === k.file).map((s) => s.name);
      // Called by the kernel itself (test runners call fentry targets such as bpf_fentry_test*):
      // the marker's noinline/__used may be the point, so say it, but not as a defect.
      const caller = [...model.functions.values()].find(
        (f) => f.file === k.file && f.name !== k.name && !f.isKfunc && callsIn(f.body).some((c) => c.name === k.name),
      );
      const at = caller && callsIn(caller.body).find((c) => c.name === k.name);
      const setsLine = sets.length
        ? `kfunc sets in ${k.file}: ${sets.join(', ')} (none lists ${k.name})`
        : `no kfunc set is visible in ${k.file}`;
      const treeLine = tree
        ? [`no BTF_ID_FLAGS entry in the tree's ${tree.files} kfunc files names ${k.name} (X-macro registration lists expanded)`]
        : [];
      report({
        messageId: caller ? 'calledByKernel' : full ? 'unregistered' : 'unregisteredPartial',
        severity: caller || !full ? 'info' : 'warning',
        data: { name: k.name, file: k.file, caller: caller?.name ?? '' },
        kfunc: k.name,
        file: k.file,
        line: k.line,
        evidence: [
          `definition: ${k.file}:${k.line}`,
          ...(caller && at ? [`called from ${caller.name}() at ${caller.file}:${at.line}, a function BPF programs do not call`] : []),
          setsLine,
          ...treeLine,
        ],
      });
    }
  },
});
