// KF-REG-17: a kfunc set registered for several program types whose .filter decides by
// prog->expected_attach_type without checking prog->type: an attach type only means something
// for the program type it belongs to, so a program of the other registered type that claims
// that attach type passes the filter.
import { defineRule } from '../contract.js';
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { callsIn, isAudit, snippet } from '../../model/c-query.js';

const line = (n: SyntaxNode) => n.startPosition.row + 1;

/** `x->field` / `x.field` nodes of `fn` reading `field`. */
function fieldReads(fn: FunctionDef, field: string): SyntaxNode[] {
  return fn.body.descendantsOfType('field_expression').filter((f) => f.childForFieldName('field')?.text === field);
}

/** Does `fn` test the program type (prog->type, resolve_prog_type())? */
function readsProgType(fn: FunctionDef): boolean {
  return fieldReads(fn, 'type').length > 0 || callsIn(fn.body).some((c) => /prog_type/.test(c.name));
}

/** The filter and the visible functions it calls, two calls deep. */
function reached(model: PatchModel, filter: FunctionDef): FunctionDef[] {
  const out = [filter];
  let level = [filter];
  for (let depth = 0; depth < 2; depth++) {
    const next: FunctionDef[] = [];
    for (const fn of level)
      for (const c of callsIn(fn.body)) {
        const f = model.functions.get(c.name);
        if (f && f.side === 'new' && !out.includes(f)) {
          out.push(f);
          next.push(f);
        }
      }
    level = next;
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'KF-REG-17',
    severity: 'warning',
    description: 'Check the program type, not only the attach type, in the filter of a set registered for several program types',
    rationale:
      'A kfunc set registered for two program types (say KPROBE and TRACING) is offered to both, and its .filter decides per program. expected_attach_type is a number the loader chooses and the kernel validates only for some program types, and the same value means different things under different types, so a filter that compares it without prog->type lets a program of the other type in by claiming the attach type.',
    kernels: '>=6.5',
    messages: {
      attachTypeOnly:
        '{name}() is registered through {idSet} for {progTypes}, and its filter {filter}() accepts programs by expected_attach_type (`{test}`) without checking prog->type: a program of another registered type that claims that attach type passes; compare the program type together with the attach type',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    for (const s of model.idSets) {
      if (!s.filter || !s.set) continue;
      const calls = model.registerCalls.filter((c) => c.idSet === s.name && c.fn === 'register_btf_kfunc_id_set' && c.progType);
      const types = [...new Set(calls.map((c) => c.progType!))];
      if (types.length < 2) continue;
      const filter = model.functions.get(s.filter);
      if (!filter || filter.side !== 'new') continue;
      const file = model.files.find((f) => f.path === filter.file);
      const touched =
        s.added || calls.some((c) => c.added) || [...(file?.addedLines ?? [])].some((n) => n >= filter.line && n <= filter.endLine);
      if (!audit && !touched) continue;
      // An attach-type test in a function that never looks at the program type.
      let test: { fn: FunctionDef; node: SyntaxNode } | null = null;
      for (const fn of reached(model, filter)) {
        if (readsProgType(fn)) continue;
        const reads = fieldReads(fn, 'expected_attach_type');
        if (reads.length) {
          test = { fn, node: reads[0] };
          break;
        }
      }
      if (!test) continue;
      const at = test.node.parent?.type === 'binary_expression' ? test.node.parent : test.node;
      const set = model.sets.find((x) => x.name === s.set && x.file === s.file);
      const kfuncs = set?.entries.length
        ? set.entries
        : model.registrations.filter((r) => r.set === s.set && r.file === s.file && r.side === 'new').map((r) => r.kfunc);
      for (const name of [...new Set(kfuncs)]) {
        report({
          messageId: 'attachTypeOnly',
          data: {
            name,
            idSet: s.name,
            progTypes: types.join(' and '),
            filter: filter.name,
            test: snippet(at, 70),
          },
          kfunc: name,
          file: test.fn.file,
          line: line(test.node),
          key: s.name,
          evidence: [
            `registered for ${types.join(', ')}: ${calls.map((c) => `${c.file}:${c.line}`).join(', ')}`,
            `filter: .filter = ${filter.name} in ${s.name} (${s.file}:${s.line})`,
            `attach-type test without a program-type test: \`${snippet(at, 90)}\` in ${test.fn.name}() at ${test.fn.file}:${line(test.node)}`,
            `no read of prog->type in ${test.fn.name}()${test.fn === filter ? '' : ` (called from ${filter.name}())`}`,
          ],
        });
      }
    }
  },
});
