// Build FunctionDefs from a C snippet (tests, docs examples, `model` CLI experiments).
// The patch pipeline has its own extractor; this one only fills what the engine reads.
import type { SyntaxNode } from 'tree-sitter';
import { parseC } from '../../model/c-parser.js';
import { maskKernelC } from '../../model/mask.js';
import type { FunctionDef, Param } from '../../model/model.js';

const SUFFIX_RE = /__(k|sz|szk|ign|nullable|str|uninit|opt|refcounted_kptr|prog|map|irq_flag)$/;

function declaratorName(n: SyntaxNode | null): { name: string; pointer: boolean } {
  let pointer = false;
  let cur = n;
  while (cur && cur.type !== 'identifier' && cur.type !== 'field_identifier') {
    if (cur.type === 'pointer_declarator' || cur.type === 'array_declarator') pointer = true;
    cur = cur.childForFieldName('declarator');
  }
  return { name: cur?.text ?? '', pointer };
}

function params(list: SyntaxNode | null): Param[] {
  const out: Param[] = [];
  for (const p of list?.namedChildren ?? []) {
    if (p.type !== 'parameter_declaration') continue;
    const { name, pointer } = declaratorName(p.childForFieldName('declarator'));
    if (!name) continue;
    const base = (p.childForFieldName('type')?.text ?? '').replace(/\s+/g, ' ');
    out.push({ name, type: pointer ? `${base} *` : base, suffix: SUFFIX_RE.exec(name)?.[0] ?? '', pointer });
  }
  return out;
}

/** Every function definition in `source`, keyed by name. `__bpf_kfunc` marks kfuncs. */
export function parseSnippet(source: string, file = 'snippet.c'): Map<string, FunctionDef> {
  const tree = parseC(maskKernelC(source));
  const out = new Map<string, FunctionDef>();
  if (!tree) return out; // did not parse in time: no definitions
  for (const fn of tree.rootNode.descendantsOfType('function_definition')) {
    const body = fn.childForFieldName('body');
    let decl = fn.childForFieldName('declarator');
    let pointerRet = false;
    while (decl && decl.type === 'pointer_declarator') {
      pointerRet = true;
      decl = decl.childForFieldName('declarator');
    }
    if (!body || !decl || decl.type !== 'function_declarator') continue;
    const name = decl.childForFieldName('declarator')?.text ?? '';
    const head = source.slice(fn.startIndex, decl.startIndex);
    const ret = (fn.childForFieldName('type')?.text ?? 'int').replace(/\s+/g, ' ');
    out.set(name, {
      name,
      file,
      line: fn.startPosition.row + 1,
      endLine: fn.endPosition.row + 1,
      returnType: pointerRet ? `${ret} *` : ret,
      params: params(decl.childForFieldName('parameters')),
      isStatic: /\bstatic\b/.test(head),
      isInline: /\binline\b/.test(head),
      isKfunc: /\b__bpf_kfunc\b/.test(head),
      body,
      side: 'new',
      status: 'added',
      ifdefs: [],
      inDefsBlock: null,
      doc: null,
    });
  }
  return out;
}
