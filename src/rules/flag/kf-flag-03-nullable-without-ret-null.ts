// KF-FLAG-03: a kfunc whose pointer return can be NULL but that is registered without KF_RET_NULL.
import { defineRule } from '../contract.js';
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import {
  bareType,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  pointerReturningKfuncs,
  registrationsOf,
  returnsIn,
  snippet,
  usesOf,
} from '../../model/c-query.js';
import { NULL_ON_MISS_CALLEE } from '../../knowledge/nullable-callees.js';

function strip(n: SyntaxNode): SyntaxNode {
  let x = n;
  for (;;) {
    if (x.type === 'parenthesized_expression' && x.namedChildren.length === 1) x = x.namedChildren[0];
    else if (x.type === 'cast_expression' && x.childForFieldName('value')) x = x.childForFieldName('value')!;
    else return x;
  }
}

function isNullValue(n: SyntaxNode): boolean {
  const x = strip(n);
  return x.type === 'null' || (x.type === 'identifier' && x.text === 'NULL') || (x.type === 'number_literal' && /^0+[uUlL]*$/.test(x.text));
}

/** The expression can evaluate to NULL: a NULL literal or a conditional with a NULL branch. */
function nullBranch(n: SyntaxNode): boolean {
  const x = strip(n);
  if (isNullValue(x)) return true;
  if (x.type === 'conditional_expression') {
    const a = x.childForFieldName('consequence');
    const b = x.childForFieldName('alternative');
    return (!!a && nullBranch(a)) || (!!b && nullBranch(b));
  }
  return false;
}

function calleeName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  if (!fn) return '';
  return fn.type === 'field_expression' ? (fn.childForFieldName('field')?.text ?? '') : fn.text;
}

/** Why a callee's result may be NULL, or null when it is not known to be nullable. */
function nullableCallee(model: PatchModel, name: string): string | null {
  if (!name) return null;
  if (registrationsOf(model, name).some((r) => hasFlag(r, 'KF_RET_NULL'))) return `${name}() is itself registered with KF_RET_NULL`;
  if (NULL_ON_MISS_CALLEE.test(name)) return `${name}() returns NULL when nothing is found`;
  return null;
}

/** A use of `v` inside a condition (if/while/for/?:, && or ||): the author looked at it. */
function isChecked(body: SyntaxNode, v: string): boolean {
  for (const use of usesOf(body, v)) {
    for (let a: SyntaxNode | null = use.parent; a && a.id !== body.id; a = a.parent) {
      const p = a.parent;
      if (
        p &&
        ['if_statement', 'while_statement', 'for_statement', 'do_statement', 'conditional_expression'].includes(p.type) &&
        p.childForFieldName('condition')?.id === a.id
      )
        return true;
      if (a.type === 'binary_expression' && /^(&&|\|\|)$/.test(a.childForFieldName('operator')?.text ?? '')) return true;
    }
  }
  return false;
}

/** Locals of the body assigned from a nullable call: name → (callee reason, line). */
function nullableLocals(model: PatchModel, body: SyntaxNode): Map<string, { why: string; line: number }> {
  const out = new Map<string, { why: string; line: number }>();
  const note = (v: SyntaxNode | null, value: SyntaxNode | null) => {
    if (!v || v.type !== 'identifier' || !value) return;
    const x = strip(value);
    if (x.type !== 'call_expression') return;
    const why = nullableCallee(model, calleeName(x));
    if (why && !out.has(v.text)) out.set(v.text, { why, line: x.startPosition.row + 1 });
  };
  for (const d of body.descendantsOfType('init_declarator')) {
    let decl = d.childForFieldName('declarator');
    while (decl && decl.type === 'pointer_declarator') decl = decl.childForFieldName('declarator');
    note(decl, d.childForFieldName('value'));
  }
  for (const a of body.descendantsOfType('assignment_expression')) {
    if (a.childForFieldName('operator')?.text !== '=') continue;
    note(a.childForFieldName('left'), a.childForFieldName('right'));
  }
  return out;
}

interface NullPath {
  messageId: 'returnsNull' | 'uncheckedLookup';
  line: number;
  evidence: string;
}

function nullPath(model: PatchModel, def: FunctionDef): NullPath | null {
  const locals = nullableLocals(model, def.body);
  let lookup: NullPath | null = null;
  for (const r of returnsIn(def.body)) {
    if (!r.expr) continue;
    if (nullBranch(r.expr)) return { messageId: 'returnsNull', line: r.line, evidence: `\`${snippet(r.node)}\` at ${def.file}:${r.line}` };
    if (lookup) continue;
    const x = strip(r.expr);
    if (x.type === 'call_expression') {
      const why = nullableCallee(model, calleeName(x));
      if (why) lookup = { messageId: 'uncheckedLookup', line: r.line, evidence: `\`${snippet(r.node)}\` at ${def.file}:${r.line}: ${why}` };
    } else if (x.type === 'identifier' && locals.has(x.text) && !isChecked(def.body, x.text)) {
      const l = locals.get(x.text)!;
      lookup = {
        messageId: 'uncheckedLookup',
        line: r.line,
        evidence: `\`${snippet(r.node)}\` at ${def.file}:${r.line} returns \`${x.text}\`, assigned at line ${l.line} where ${l.why}, and never checked`,
      };
    }
  }
  return lookup;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-03',
    severity: 'error',
    description: 'Require KF_RET_NULL on kfuncs whose pointer return can be NULL',
    rationale:
      'Without KF_RET_NULL the verifier types the returned pointer as non-NULL and lets the program dereference it or pass it to other kfuncs unchecked. When the kfunc does return NULL on some path, that is a kernel NULL-pointer dereference reachable from BPF.',
    kernels: '>=6.0',
    messages: {
      returnsNull:
        '{name}() returns NULL on some path but its BTF_ID_FLAGS entry lacks KF_RET_NULL: BPF programs may use the result without a NULL check. Add KF_RET_NULL',
      uncheckedLookup:
        '{name}() returns the unchecked result of a lookup that can fail, but its BTF_ID_FLAGS entry lacks KF_RET_NULL: BPF programs may use a NULL result without a check. Add KF_RET_NULL',
    },
  },
  check({ model, report }) {
    for (const { name, def } of pointerReturningKfuncs(model)) {
      // Iterator `next` kfuncs are KF-FLAG-10's business.
      const regs = registrationsOf(model, name).filter((r) => !hasFlag(r, 'KF_RET_NULL') && !hasFlag(r, 'KF_ITER_NEXT'));
      if (!regs.length) continue;
      const path = nullPath(model, def);
      if (!path) continue;
      for (const r of regs) {
        const at = flagFindingAnchor(r, def);
        report({
          messageId: path.messageId,
          data: { name },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: r.set ?? r.file,
          evidence: [
            `NULL path: ${path.evidence}`,
            `flags without KF_RET_NULL: ${describeRegistration(r)}`,
            `return type: \`${bareType(def.returnType)}\``,
          ],
        });
      }
    }
  },
});
