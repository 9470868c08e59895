// KF-REG-10: a __bpf_kfunc definition outside __bpf_kfunc_start_defs()/__bpf_kfunc_end_defs().
import { defineRule } from '../contract.js';
import { isAudit, isReviewed, reviewedKfuncs } from '../../model/c-query.js';
import { DEFS_BLOCK_CLOSERS, LEGACY_DEFS_CLOSER } from '../../model/defs-block-markers.js';

/** A line that closes a definitions block. */
const BLOCK_END = new RegExp(`^\\s*(${[...DEFS_BLOCK_CLOSERS, LEGACY_DEFS_CLOSER].join('|')})\\s*\\(`);

export default defineRule({
  meta: {
    id: 'KF-REG-10',
    severity: 'warning',
    description: 'Report new kfunc definitions placed outside __bpf_kfunc_start_defs()/__bpf_kfunc_end_defs()',
    rationale:
      'Wrapper kfuncs are global functions without a prototype in any header. Outside the defs block (or the legacy __diag_push() block) they trip -Wmissing-prototypes / -Wmissing-declarations, which breaks CONFIG_WERROR and W=1 builds.',
    kernels: '>=6.7',
    messages: {
      outsideBlock:
        '{name}() is defined after {marker} closed the kfunc definitions block: move it between __bpf_kfunc_start_defs() and __bpf_kfunc_end_defs() to avoid -Wmissing-prototypes',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    for (const k of reviewedKfuncs(model)) {
      // null: no marker visible before it, so nothing is known; static functions need no
      // prototype; an existing definition already builds; a visible prototype (e.g. in a header
      // the patch touches) silences the warning too.
      if (k.inDefsBlock !== false || k.isStatic || !isReviewed(model, k.name) || model.prototypes?.has(k.name)) continue;
      // In an audit the definition already exists: it only warns when no header the file
      // includes declares it (the tree index looks two include levels deep). A review with the
      // tree index (audit cache) is silenced by such a prototype too.
      const header = model.treeIndex?.declaredIn(k.name);
      if (header || (audit && !model.treeIndex)) continue;
      const file = model.files.find((f) => f.path === k.file);
      // The closing marker the definition follows, for the evidence.
      let end: { line: number; text: string } | null = null;
      for (let n = k.line - 1; n > 0 && file; n--) {
        const t = file.lineText(n);
        if (t === undefined) break;
        if (BLOCK_END.test(t)) {
          end = { line: n, text: t.trim() };
          break;
        }
      }
      const marker = end ? end.text.replace(/\s*;$/, '') : '__bpf_kfunc_end_defs()';
      report({
        messageId: 'outsideBlock',
        data: { name: k.name, marker },
        kfunc: k.name,
        file: k.file,
        line: k.line,
        evidence: [
          `definition: ${k.file}:${k.line}`,
          end ? `block closed by ${end.text} at ${k.file}:${end.line}` : 'the last visible block marker before it closes the block',
          ...(model.treeIndex ? [`no prototype of ${k.name}() in the headers ${k.file} includes (two levels deep)`] : []),
        ],
      });
    }
  },
});
