// Reads of packet fragment memory through its CPU address (knowledge/frag-memory.ts): where a
// function takes a fragment's address (skb_frag_address(), page_address(skb_frag_page())) and
// reads or writes through it, and whether it first made sure the memory is readable (a
// readability test anywhere on the way, or a NULL test of the address it got).
//
// Followed: locals that hold the address, pointer arithmetic on it, and visible helpers called
// from the function (depth two); a readability test in any of them counts for all.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { FRAG_ADDRESS, FRAG_READABLE_CHECK, FRAG_READABLE_TEXT, MEMORY_ACCESS_CALL, PAGE_TO_ADDRESS } from '../../knowledge/frag-memory.js';
import { calleeOf, declaredName, fold, lineOf } from './syntax.js';

export interface FragSite {
  text: string;
  file: string;
  line: number;
  chain: string[];
}

export interface FragReads {
  /** Accesses through a fragment address that no NULL test of that address guards. */
  reads: { access: FragSite; address: FragSite }[];
  /** A readability test seen on the way, or null. */
  readable: FragSite | null;
}

const MAX_DEPTH = 2;

/** Climb through parentheses, casts, address arithmetic and page->address conversions. */
function climb(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (;;) {
    const p = cur.parent;
    if (!p) return cur;
    if (p.type === 'parenthesized_expression' || p.type === 'cast_expression') cur = p;
    else if (
      p.type === 'binary_expression' &&
      /^[+-]$/.test(p.childForFieldName('operator')?.text ?? '') &&
      p.childForFieldName('left')?.id === cur.id
    )
      cur = p;
    else if (p.type === 'argument_list' && p.parent && PAGE_TO_ADDRESS.test(calleeOf(p.parent))) cur = p.parent;
    else return cur;
  }
}

/** True when the node at `top` (an address) is tested for NULL right there. */
function isNullTest(top: SyntaxNode): boolean {
  const p = top.parent;
  if (!p) return false;
  if (p.type === 'unary_expression' && p.child(0)?.text === '!') return true;
  if (p.type === 'binary_expression' && /^(==|!=|&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? '')) return true;
  if ((p.type === 'if_statement' || p.type === 'conditional_expression') && p.childForFieldName('condition')?.id === top.id) return true;
  if (p.type === 'argument_list' && p.parent && /^(likely|unlikely|WARN_ON\w*|IS_ERR_OR_NULL)$/.test(calleeOf(p.parent))) return true;
  return false;
}

/** What is done at `top` with an address: an access through it, or null. */
function accessAt(top: SyntaxNode): SyntaxNode | null {
  const p = top.parent;
  if (!p) return null;
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression' && MEMORY_ACCESS_CALL.test(calleeOf(p.parent))) return p.parent;
  if (p.type === 'pointer_expression' && p.child(0)?.text === '*') return p;
  if (p.type === 'subscript_expression' && p.childForFieldName('argument')?.id === top.id) return p;
  if (p.type === 'field_expression' && p.childForFieldName('argument')?.id === top.id) return p;
  return null;
}

function scan(model: PatchModel, fn: FunctionDef, chain: string[], out: FragReads, seen: Set<string>): void {
  if (seen.has(fn.name)) return;
  seen.add(fn.name);
  const site = (n: SyntaxNode): FragSite => ({ text: fold(n), file: fn.file, line: lineOf(n), chain });
  const calls = fn.body.descendantsOfType('call_expression');
  for (const c of calls) if (!out.readable && FRAG_READABLE_CHECK.test(calleeOf(c))) out.readable = site(c);
  if (!out.readable)
    for (const n of fn.body.descendantsOfType(['field_expression', 'identifier']))
      if (FRAG_READABLE_TEXT.test(n.text) && n.text.length < 80) {
        out.readable = site(n);
        break;
      }
  for (const c of calls) {
    if (!FRAG_ADDRESS.test(calleeOf(c))) continue;
    const top = climb(c);
    if (isNullTest(top)) continue;
    const direct = accessAt(top);
    if (direct) {
      out.reads.push({ access: site(direct), address: site(c) });
      continue;
    }
    // Kept in a local: its accesses count unless a NULL test of it comes first.
    const p = top.parent;
    let local: string | null = null;
    if (p?.type === 'init_declarator' && p.childForFieldName('value')?.id === top.id)
      local = declaredName(p.childForFieldName('declarator'));
    if (
      p?.type === 'assignment_expression' &&
      p.childForFieldName('right')?.id === top.id &&
      p.childForFieldName('left')?.type === 'identifier'
    )
      local = p.childForFieldName('left')!.text;
    if (!local) continue;
    for (const id of fn.body.descendantsOfType('identifier')) {
      if (id.text !== local || id.startIndex <= c.startIndex) continue;
      const t = climb(id);
      if (isNullTest(t)) break;
      const a = accessAt(t);
      if (a) {
        out.reads.push({ access: site(a), address: site(c) });
        break;
      }
    }
  }
  if (chain.length > MAX_DEPTH) return;
  for (const c of calls) {
    const def = model.functions.get(calleeOf(c));
    if (def && def.side === 'new' && !def.isKfunc && def.name !== fn.name) scan(model, def, [...chain, def.name], out, seen);
  }
}

/** Fragment memory `fn` (and the visible helpers it calls) reads by address. */
export function fragReads(model: PatchModel, fn: FunctionDef): FragReads {
  const out: FragReads = { reads: [], readable: null };
  scan(model, fn, [fn.name], out, new Set());
  return out;
}
