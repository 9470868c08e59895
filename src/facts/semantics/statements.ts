// Statements in the interpreter: blocks with kernel-style `goto`, if/switch/loops, declarations,
// and the completions (return, break, continue, goto) they end with.
import { TY } from './ctype.js';
import { compareValues, convertValue } from './conversions.js';
import { condition, evalExpr, stripParens } from './expressions.js';
import type { Interpreter } from './interpreter.js';
import type { LNode } from './lnode.js';
import { type Value, VOID, opaque } from './values.js';

const MAX_LOOP = 256;

export type Completion = { k: 'normal' } | { k: 'return'; v: Value } | { k: 'break' } | { k: 'continue' } | { k: 'goto'; label: string };

const NORMAL: Completion = { k: 'normal' };

export function execFunctionBody(it: Interpreter, body: LNode): Completion {
  const c = execBlock(it, body);
  if (c.k === 'goto') it.abort(`goto ${c.label}: label not found at block level`);
  return c;
}

function execBlock(it: Interpreter, block: LNode): Completion {
  const stmts = block.namedChildren;
  let i = 0;
  while (i < stmts.length) {
    const c = exec(it, stmts[i]!);
    if (c.k === 'goto') {
      // Kernel `goto out;` style: continue at a label of this block, if it is here.
      const j = stmts.findIndex((s) => s.type === 'labeled_statement' && s.childForFieldName('label')?.text === c.label);
      if (j < 0) return c;
      i = j;
      continue;
    }
    if (c.k !== 'normal') return c;
    i++;
  }
  return NORMAL;
}

function exec(it: Interpreter, n: LNode): Completion {
  it.tick();
  switch (n.type) {
    case 'compound_statement':
      return execBlock(it, n);
    case 'expression_statement': {
      const e = n.namedChild(0);
      if (e) evalExpr(it, e);
      return NORMAL;
    }
    case 'declaration':
      declare(it, n);
      return NORMAL;
    case 'return_statement': {
      const e = n.namedChild(0);
      return { k: 'return', v: e ? evalExpr(it, e) : VOID };
    }
    case 'if_statement': {
      const cond = n.childForFieldName('condition')!;
      if (condition(it, cond)) return exec(it, n.childForFieldName('consequence')!);
      const alt = n.childForFieldName('alternative');
      if (!alt) return NORMAL;
      return exec(it, alt.type === 'else_clause' ? alt.namedChild(0)! : alt);
    }
    case 'labeled_statement': {
      const s = n.namedChildren.filter((c) => c.type !== 'statement_identifier').at(-1);
      return s ? exec(it, s) : NORMAL;
    }
    case 'goto_statement':
      return { k: 'goto', label: n.childForFieldName('label')?.text ?? '' };
    case 'break_statement':
      return { k: 'break' };
    case 'continue_statement':
      return { k: 'continue' };
    case 'while_statement':
    case 'do_statement':
    case 'for_statement':
      return loop(it, n);
    case 'switch_statement':
      return switchStmt(it, n);
    case 'comment':
    case ';':
      return NORMAL;
    default:
      if (n.type.startsWith('preproc')) {
        it.unknown(`preprocessor block inside a function body is skipped`, false);
        return NORMAL;
      }
      it.unknown(`unsupported statement ${n.type}`, false);
      return NORMAL;
  }
}

function loop(it: Interpreter, n: LNode): Completion {
  const init = n.childForFieldName('initializer');
  if (init?.type === 'declaration') declare(it, init);
  else if (init) evalExpr(it, init);
  const cond = n.childForFieldName('condition');
  const update = n.childForFieldName('update');
  const body = n.childForFieldName('body');
  let first = n.type === 'do_statement';
  for (let i = 0; i < MAX_LOOP; i++) {
    if (!first && cond && !condition(it, cond)) return NORMAL;
    first = false;
    const c = body ? exec(it, body) : NORMAL;
    if (c.k === 'break') return NORMAL;
    if (c.k === 'return' || c.k === 'goto') return c;
    if (update) evalExpr(it, update);
  }
  it.abort('loop iteration budget');
}

function switchStmt(it: Interpreter, n: LNode): Completion {
  const v = evalExpr(it, n.childForFieldName('condition')!);
  const body = n.childForFieldName('body');
  if (!body) return NORMAL;
  const cases = body.namedChildren.filter((c) => c.type === 'case_statement');
  let start = -1;
  if (v.k === 'int') {
    start = cases.findIndex((c) => {
      const val = c.childForFieldName('value');
      if (!val) return false;
      const cv = evalExpr(it, val);
      return compareValues('==', v, cv) === true;
    });
    if (start < 0) start = cases.findIndex((c) => !c.childForFieldName('value'));
    if (start < 0) return NORMAL;
  } else {
    it.unknown(`switch on an unknown value \`${stripParens(n.childForFieldName('condition')!.text)}\``, v.taint);
    it.abort('switch on unknown value');
  }
  for (let i = start; i < cases.length; i++) {
    for (const s of cases[i]!.namedChildren) {
      if (s === cases[i]!.childForFieldName('value')) continue;
      const c = exec(it, s);
      if (c.k === 'break') return NORMAL;
      if (c.k !== 'normal') return c;
    }
  }
  return NORMAL;
}

function declare(it: Interpreter, n: LNode): void {
  const baseType = n.childForFieldName('type')?.text ?? 'int';
  for (const d of n.childrenForFieldName('declarator')) {
    let decl = d;
    let init: LNode | null = null;
    if (d.type === 'init_declarator') {
      decl = d.childForFieldName('declarator')!;
      init = d.childForFieldName('value');
    }
    const isPtr = decl.type === 'pointer_declarator' || decl.type === 'array_declarator';
    const name = identifierOf(decl);
    if (!name) continue;
    const t = isPtr ? TY.ptr : it.type(baseType);
    const v = init ? convertValue(evalExpr(it, init), t) : opaque('unknown', `uninitialised ${name}`, false, t);
    it.frame().locals.set(name, { t, v });
  }
}

function identifierOf(n: LNode): string | null {
  if (n.type === 'identifier') return n.text;
  const inner = n.childForFieldName('declarator');
  return inner ? identifierOf(inner) : null;
}
