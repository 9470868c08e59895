// KF-REG-02: a BTF_ID_FLAGS entry whose function is not defined, or is defined without __bpf_kfunc.
import { defineRule } from '../types.js';
import { bodyTouched, fileFullyVisible, isAudit, isFmodretEntry } from '../analysis/c-query.js';

export default defineRule({
  meta: {
    id: 'KF-REG-02',
    severity: 'error',
    description: 'Report kfunc set entries whose function is missing or lacks __bpf_kfunc',
    rationale: 'resolve_btfids gives an entry whose symbol it cannot find (undefined, inlined, cloned or dropped by the compiler) BTF ID 0; since 6.4 register_btf_kfunc_id_set() then rejects the whole set, so none of its kfuncs are callable.',
    kernels: '>=6.4',
    messages: {
      missingMarker: '{name}() is registered as a kfunc but defined without __bpf_kfunc: the compiler may inline, clone or drop it, leaving an unresolved BTF ID that fails the whole set; add __bpf_kfunc to the definition',
      definitionRemoved: '{name}() is still registered in {set} but this patch removes its definition: its BTF ID becomes 0 and the whole set fails to register; drop the BTF_ID_FLAGS entry too',
      misspelt: '{name}() is registered but not defined in {file}, while the patch defines {candidate}() there without registering it: rename the entry or the function so they match',
      notDefined: '{name}() is registered but no definition is visible in the patch: if it is not an existing global, non-inline kernel function the set will fail to register',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const live = model.registrations.filter((r) => !r.removed && r.side === 'new');
    const registered = new Set(live.map((r) => r.kfunc));
    for (const r of live) {
      if (isFmodretEntry(model, r)) continue;
      const where = `${r.set ? `set ${r.set}` : 'a kfunc set'} at ${r.file}:${r.line}`;
      const def = model.functions.get(r.kfunc);
      if (def && def.side === 'new') {
        // Static definitions are KF-REG-03's; marked ones are fine.
        if (def.isKfunc || def.isStatic) continue;
        const reviewed = audit || r.added || def.status === 'added' || bodyTouched(model, def);
        if (!reviewed) continue;
        const isNew = def.status === 'added';
        report({
          messageId: 'missingMarker',
          severity: isNew ? 'error' : 'warning',
          data: { name: r.kfunc },
          kfunc: r.kfunc, file: def.file, line: def.line,
          evidence: [
            `entry: BTF_ID_FLAGS(func, ${r.kfunc}${r.flags.length ? `, ${r.flags.join(' | ')}` : ''}) in ${where}`,
            `definition without __bpf_kfunc: ${def.file}:${def.line}${def.isInline ? ' (declared inline)' : ''}`,
            isNew
              ? 'the definition is new in this patch: mark it __bpf_kfunc (__used noinline __noclone)'
              : 'the definition predates this patch: an existing global function, but nothing stops the compiler from inlining or cloning it',
          ],
        });
        continue;
      }
      const removedDef = model.kfuncs.find((k) => k.side === 'old' && k.name === r.kfunc && k.status === 'removed');
      if (removedDef) {
        report({
          messageId: 'definitionRemoved',
          data: { name: r.kfunc, set: r.set ?? 'its set' },
          kfunc: r.kfunc, file: r.file, line: r.line,
          evidence: [`entry kept: ${where}`, `definition removed: ${removedDef.file}:${removedDef.line} (pre-image)`],
        });
        continue;
      }
      if (!r.added) continue;
      // A kfunc the patch adds in the same file that no entry lists: a misspelt or renamed entry.
      const candidate = model.kfuncs.find((k) => k.side === 'new' && k.status === 'added' && k.file === r.file && !registered.has(k.name) && !/_dtor$|_impl$/.test(k.name));
      if (candidate) {
        const full = fileFullyVisible(model, r.file);
        report({
          messageId: 'misspelt',
          severity: full ? 'error' : 'warning',
          data: { name: r.kfunc, file: r.file, candidate: candidate.name },
          kfunc: r.kfunc, file: r.file, line: r.line,
          evidence: [
            `entry: ${where}`,
            `unregistered __bpf_kfunc added by the patch: ${candidate.name}() at ${candidate.file}:${candidate.line}`,
            full ? `${r.file} is fully visible and defines no ${r.kfunc}()` : `only the hunks of ${r.file} were visible`,
          ],
        });
        continue;
      }
      // Without the whole file, a missing definition is no evidence (it may sit in unseen lines).
      if (!fileFullyVisible(model, r.file)) continue;
      report({
        messageId: 'notDefined',
        severity: 'info',
        data: { name: r.kfunc },
        kfunc: r.kfunc, file: r.file, line: r.line,
        evidence: [
          `entry: ${where}`,
          `no definition of ${r.kfunc}() in the files of this patch; an existing kernel function registered directly (e.g. one defined in another file or an earlier patch) must stay global and must not be inline`,
        ],
      });
    }
  },
});
