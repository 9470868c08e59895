// What a kfunc set's .filter callback looks at in the program it is given: its type
// (`prog->type`, resolve_prog_type()) and its expected attach type (`prog->expected_attach_type`),
// directly or through visible helpers it hands the program to (`is_kprobe_session(prog)`),
// to a depth of two.
import type { SyntaxNode } from '../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../model/model.js';
import { ATTACH_TYPE_FIELD, PROG_TYPE_CALL, PROG_TYPE_FIELD, STRUCT_OPS_FIELD } from '../knowledge/attach-types.js';

export interface FilterSite {
  text: string;
  file: string;
  line: number;
  chain: string[];
}

export interface FilterTests {
  progType: FilterSite | null;
  attachType: FilterSite | null;
  /** Which struct_ops (or which of its callbacks) the program implements: `prog->aux->st_ops`. */
  structOps: FilterSite | null;
}

const MAX_DEPTH = 2;

function scan(model: PatchModel, fn: FunctionDef, prog: string, chain: string[], out: FilterTests, seen: Set<string>): void {
  if (seen.has(fn.name)) return;
  seen.add(fn.name);
  const site = (n: SyntaxNode): FilterSite => ({ text: n.text.replace(/\s+/g, ' '), file: fn.file, line: n.startPosition.row + 1, chain });
  for (const fe of fn.body.descendantsOfType('field_expression')) {
    const arg = fe.childForFieldName('argument');
    const field = fe.childForFieldName('field')?.text ?? '';
    // `prog->aux->st_ops`: a member of the program's aux data.
    if (STRUCT_OPS_FIELD.test(field) && arg?.type === 'field_expression' && arg.childForFieldName('argument')?.text === prog)
      out.structOps ??= site(fe);
    if (arg?.type !== 'identifier' || arg.text !== prog) continue;
    if (PROG_TYPE_FIELD.test(field)) out.progType ??= site(fe);
    if (ATTACH_TYPE_FIELD.test(field)) out.attachType ??= site(fe);
  }
  for (const c of fn.body.descendantsOfType('call_expression')) {
    const name = c.childForFieldName('function')?.text ?? '';
    const args = c.childForFieldName('arguments')?.namedChildren ?? [];
    const at = args.findIndex((a) => a.type === 'identifier' && a.text === prog);
    if (at < 0) continue;
    if (PROG_TYPE_CALL.test(name)) out.progType ??= site(c);
    const def = model.functions.get(name);
    if (def && def.side === 'new' && chain.length <= MAX_DEPTH && def.params[at]?.name)
      scan(model, def, def.params[at].name, [...chain, def.name], out, seen);
  }
}

/** What filter `fn` tests of its program argument (its first parameter). */
export function filterTests(model: PatchModel, fn: FunctionDef): FilterTests {
  const out: FilterTests = { progType: null, attachType: null, structOps: null };
  const prog = fn.params[0]?.name;
  if (prog) scan(model, fn, prog, [fn.name], out, new Set());
  return out;
}
