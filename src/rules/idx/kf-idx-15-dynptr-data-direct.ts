// KF-IDX-15: reach the memory behind a dynptr argument through the dynptr accessors. Reads the
// kfunc body: `ptr->data` of a dynptr argument (or of a local cast from it) used as memory
// (pointer arithmetic, a copy or fill, a dereference) in a kfunc that never asks which kind of
// dynptr it has (knowledge/dynptr-memory.ts).
import type { SyntaxNode } from '../../model/c-parser.js';
import type { KfuncDef } from '../../model/model.js';
import { reviewedKfuncs, snippet } from '../../model/c-query.js';
import { DYNPTR_ACCESSORS, DYNPTR_DATA_FIELD, DYNPTR_TYPES, KIND_AWARE, NONCONTIGUOUS_KINDS } from '../../knowledge/dynptr-memory.js';
import { defineRule } from '../contract.js';

/** The dynptr parameters of `k` and the locals that alias them (`kern = (struct bpf_dynptr_kern *)p`). */
function dynptrNames(k: KfuncDef): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of k.params) if (p.pointer && DYNPTR_TYPES.test(p.type.trim())) out.set(p.name, p.name);
  if (!out.size) return out;
  for (const d of k.body.descendantsOfType(['init_declarator', 'assignment_expression'])) {
    const l = d.childForFieldName(d.type === 'init_declarator' ? 'declarator' : 'left');
    const r = d.childForFieldName(d.type === 'init_declarator' ? 'value' : 'right');
    const name = l?.type === 'pointer_declarator' ? l.childForFieldName('declarator') : l;
    if (name?.type !== 'identifier' || !r) continue;
    let v = r;
    while (v.type === 'cast_expression' || v.type === 'parenthesized_expression')
      v = v.type === 'cast_expression' ? v.childForFieldName('value')! : v.namedChildren[0]!;
    const from = v.type === 'identifier' ? out.get(v.text) : undefined;
    if (from) out.set(name.text, from);
  }
  return out;
}

/** How `ptr->data` is used as memory, or null for a test (`!ptr->data`, `ptr->data == NULL`) or a plain copy of the pointer. */
function memoryUse(fe: SyntaxNode): string | null {
  let n = fe;
  while (n.parent?.type === 'parenthesized_expression' || n.parent?.type === 'cast_expression') n = n.parent;
  const p = n.parent;
  if (!p) return null;
  if (p.type === 'binary_expression' && ['+', '-'].includes(p.childForFieldName('operator')?.text ?? ''))
    return `offset into it: \`${snippet(p, 60)}\``;
  if (p.type === 'pointer_expression' && p.childForFieldName('operator')?.text === '*') return `dereferenced: \`${snippet(p, 60)}\``;
  if (p.type === 'subscript_expression' && p.childForFieldName('argument')?.id === n.id) return `indexed: \`${snippet(p, 60)}\``;
  if (p.type === 'argument_list') {
    const call = p.parent!;
    const name = call.childForFieldName('function')?.text ?? '';
    if (/^(mem(cpy|move|set|cmp)|str\w*cpy\w*|copy_\w+)$/.test(name)) return `passed to ${name}(): \`${snippet(call, 60)}\``;
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'KF-IDX-15',
    severity: 'warning',
    description: 'Reach the memory behind a dynptr argument through the dynptr accessors',
    rationale:
      "A dynptr's `data` field points at its bytes only for the local and ring-buffer kinds; for skb and xdp dynptrs it points at the sk_buff or xdp_buff, and the bytes may be spread over fragments. A kfunc that reads or writes `ptr->data + offset` without checking the kind corrupts the skb/xdp object, or touches the wrong memory, when a program passes such a dynptr.",
    kernels: '>=6.2',
    messages: {
      dataDirect:
        "{name}() uses the memory behind dynptr {param} through ->data directly, but never checks the dynptr's kind: for skb and xdp dynptrs that is the packet object, not its bytes. Go through {accessor} or handle each kind",
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      const names = dynptrNames(k);
      if (!names.size || KIND_AWARE.test(k.body.text)) continue;
      for (const fe of k.body.descendantsOfType('field_expression')) {
        if (fe.childForFieldName('field')?.text !== DYNPTR_DATA_FIELD) continue;
        const base = fe.childForFieldName('argument')!;
        const param = names.get(base.text.trim());
        if (!param) continue;
        const how = memoryUse(fe);
        if (!how) continue;
        const line = fe.startPosition.row + 1;
        report({
          messageId: 'dataDirect',
          kfunc: k.name,
          file: k.file,
          line,
          key: param,
          data: { name: k.name, param, accessor: DYNPTR_ACCESSORS.slice(0, 2).join('/') },
          evidence: [
            `${base.text.trim()}->data ${how} at ${k.file}:${line}`,
            `${k.name}() never calls bpf_dynptr_get_type() nor names a BPF_DYNPTR_TYPE_* kind`,
            `for ${NONCONTIGUOUS_KINDS.join(' and ')} dynptrs ->data is the sk_buff/xdp_buff (kernel/bpf/helpers.c reaches their bytes with __bpf_skb_*/__bpf_xdp_* helpers)`,
            `fix: use ${DYNPTR_ACCESSORS.join(', ')}, which handle every kind, or switch on bpf_dynptr_get_type()`,
          ],
        });
        break;
      }
    }
  },
});
