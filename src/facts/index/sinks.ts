// Sink detection: what one use of the parameter's value is (a subscript, pointer offset, bit,
// loop bound, or an argument to an indexing, copy, allocation or visible helper callee).
import type { SyntaxNode } from '../../model/c-parser.js';
import { parentOf, snippet } from '../../model/c-query.js';
import type { FunctionDef } from '../../model/model.js';
import {
  ALLOC_CALLEES,
  BIT_CALLEES,
  INDEXING_CALLEES,
  LENGTH_CALLEES,
  SAFE_CALLEE,
  SANITISER,
  TRANSPARENT,
} from '../../knowledge/indexing-callees.js';
import type { Frame, SinkKind } from './flow-types.js';
import { ARITH, CMP, callArgs, callName, op } from './syntax.js';

/** A use that ends at a sink: `node` is where its guards are looked up. */
export interface SinkUse {
  kind: SinkKind;
  node: SyntaxNode;
  target: string;
  /** Last link of the sink's chain, e.g. `tbl[idx]`. */
  chainEnd: string;
}

/** A use that passes the value as argument `k` of a visible helper, to follow into. */
export interface HelperUse {
  callee: FunctionDef;
  call: SyntaxNode;
  name: string;
  k: number;
  /** The argument expression carrying the value. */
  arg: SyntaxNode;
  callText: string;
}

/** Where a climb through value-preserving wrappers ends: the outermost wrapper, or null when masked. */
interface Climb {
  top: SyntaxNode | null;
  viaArith: boolean;
}

/** Climbs already made, per tree and start node: every use of a 1,000-term sum shares one climb. */
const climbs = new WeakMap<object, Map<number, Climb>>();

/** One step up through a value-preserving wrapper, 'masked', or null at the last wrapper. */
function wrapperStep(node: SyntaxNode): { up: SyntaxNode; arith: boolean } | 'masked' | 'root' | null {
  const p = parentOf(node);
  if (!p) return 'root';
  if (p.type === 'parenthesized_expression' || p.type === 'cast_expression') return { up: p, arith: false };
  if (p.type === 'binary_expression') {
    const o = op(p);
    if (ARITH.has(o)) return { up: p, arith: true };
    if (o === '&') return 'masked'; // bounded by the mask
    return null;
  }
  if (p.type === 'unary_expression' && ['-', '~', '+'].includes(op(p))) return { up: p, arith: false };
  if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id !== node.id) return { up: p, arith: false };
  return null;
}

/** The climb from `id` through value-preserving wrappers, sharing what earlier climbs found. */
function climbFrom(id: SyntaxNode): Climb {
  let memo = climbs.get(id.tree);
  if (!memo) {
    memo = new Map();
    climbs.set(id.tree, memo);
  }
  const path: { node: SyntaxNode; arith: boolean }[] = [];
  let node = id;
  let end: Climb;
  for (;;) {
    const known = memo.get(node.id);
    if (known) {
      end = known;
      break;
    }
    const step = wrapperStep(node);
    if (step === 'masked' || step === 'root') {
      end = { top: null, viaArith: false };
      path.push({ node, arith: false });
      break;
    }
    if (step === null) {
      end = { top: node, viaArith: false };
      path.push({ node, arith: false });
      break;
    }
    path.push({ node, arith: step.arith });
    node = step.up;
  }
  // Each node on the path ends where this climb ends, via arithmetic if any step above it was.
  let arith = end.viaArith;
  for (let k = path.length - 1; k >= 0; k--) {
    arith = arith || path[k].arith;
    memo.set(path[k].node.id, { top: end.top, viaArith: arith });
  }
  return memo.get(id.id)!;
}

/** Classify one use `id` of a tainted variable: a sink, a helper to follow, or neither. */
export function classifyUse(
  functions: Map<string, FunctionDef>,
  frame: Frame,
  id: SyntaxNode,
  seen: Set<string>,
): SinkUse | HelperUse | null {
  // Climb through value-preserving wrappers.
  const climb = climbFrom(id);
  if (!climb.top) return null;
  const node = climb.top;
  const viaArith = climb.viaArith;
  const p = parentOf(node)!;
  const sink = (kind: SinkKind, sinkNode: SyntaxNode, target: string, chainEnd: string): SinkUse => ({
    kind,
    node: sinkNode,
    target,
    chainEnd,
  });
  if (p.type === 'subscript_expression' && p.childForFieldName('index')?.id === node.id) {
    const arr = p.childForFieldName('argument')?.text ?? '?';
    return sink('subscript', p, arr, `${arr}[${id.text}]`);
  }
  if (p.type === 'pointer_expression' && op(p) === '*' && viaArith) {
    return sink('offset', p, node.text, p.text.replace(/\s+/g, ' '));
  }
  if (p.type === 'binary_expression' && CMP.has(op(p))) {
    const loop = parentOf(p);
    if (loop && (loop.type === 'for_statement' || loop.type === 'while_statement') && loop.childForFieldName('condition')?.id === p.id) {
      const other = p.childForFieldName('left')?.id === node.id ? p.childForFieldName('right') : p.childForFieldName('left');
      // `i < n` with n tainted: n is the loop count.
      if (other && !frame.vars.has(other.text)) return sink('loop', p, other.text, `loop ${snippet(p, 40)}`);
    }
    return null;
  }
  if (p.type !== 'argument_list') return null;
  const call = parentOf(p)!;
  const name = callName(call);
  const args = callArgs(call);
  const k = args.findIndex((a) => a.id === node.id);
  if (k < 0) return null;
  const callText = `${name}(${args.map((a) => snippet(a, 30)).join(', ')})`;
  if (SANITISER.test(name) || (SAFE_CALLEE.test(name) && !(name in INDEXING_CALLEES))) return null;
  if (name in BIT_CALLEES && BIT_CALLEES[name] === k) return sink('bit', call, name, callText);
  const callee = functions.get(name);
  if (callee && callee.body && frame.depth < 4 && !seen.has(name) && k < callee.params.length) {
    return { callee, call, name, k, arg: node, callText };
  }
  if (INDEXING_CALLEES[name]?.includes(k)) return sink('callee', call, name, callText);
  if (LENGTH_CALLEES[name] === k) return sink('length', call, name, callText);
  if (ALLOC_CALLEES[name]?.includes(k)) return sink('alloc', call, name, callText);
  if (!TRANSPARENT.test(name)) return sink('call', call, name, callText);
  return null;
}
