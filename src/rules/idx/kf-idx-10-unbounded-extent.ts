// KF-IDX-10: bound an argument before storing it as an offset or size of a memory object. Reads
// the 'store' sinks of the scalar-parameter flows (src/facts/index) whose field names an extent
// (`offset`, `off`, `size`, `len`, ...), with the guards in front of each.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';
import { bare } from './shared.js';

/** Fields that say where a memory region starts or how long it is. */
const EXTENT_FIELD = /(^|_)(offset|off|size|sz|len|length)$|len$/;

export default defineRule({
  meta: {
    id: 'KF-IDX-10',
    severity: 'warning',
    description: 'Bound an argument before storing it as the offset or size of a memory object',
    rationale:
      "Storing a BPF-controlled value into the offset or length of an object (`ptr->offset += start`, `buf->len = n`) moves or grows the region later reads and writes go to. Unless the value was compared with the object's real size first, the object now describes memory past its end. A comparison with another argument (`start > end`) orders the two but bounds neither.",
    kernels: 'all',
    messages: {
      unboundedExtent:
        '{name}() stores {param} into {field} without comparing it to the size of the object first, so {field} can point past its end; bound {param} by the object size',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        const open = f.sinks.filter(
          (s) =>
            s.kind === 'store' &&
            s.status !== 'complete' &&
            s.status !== 'off-by-one' &&
            EXTENT_FIELD.test(/(\w+)\s*$/.exec(s.target)?.[1] ?? ''),
        );
        if (!open.length) continue;
        const s = open[0]!;
        const rel = s.facts.bounds.filter((b) => b.relative);
        report({
          messageId: 'unboundedExtent',
          kfunc: k.name,
          file: k.file,
          line: s.entryLine,
          key: f.name,
          data: { name: k.name, param: f.name, field: s.target },
          evidence: [
            `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
            ...open.slice(0, 3).map((x) => `store: \`${x.text}\` at ${x.file}:${x.line} (${x.chain})`),
            rel.length
              ? `guard: \`${bare(rel[0]!.text)}\` only relates ${f.name} to another argument; nothing compares it with the object's size`
              : s.facts.texts.length
                ? `guard: \`${bare(s.facts.texts[0]!)}\` gives no upper bound`
                : `guard: none compares ${f.name} with the object's size before the store`,
            `fix: reject ${f.name} larger than the object's current size (e.g. \`if (${f.name} > size) return -ERANGE;\`) before the store`,
          ],
        });
      }
    }
  },
});
