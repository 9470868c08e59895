// Parents of syntax nodes, fast. tree-sitter's `parent` walks down from the root each time, so
// climbing from deep in 100k nested parentheses costs depth x depth; c-parser.ts makes every
// node's `parent` answer from here, so no caller (fact, rule) can fall back into that cost.
import type { SyntaxNode, TreeCursor } from 'tree-sitter';
import { chargeWork } from './work.js';

let nativeGetter: ((this: SyntaxNode) => SyntaxNode | null) | null = null;

/** tree-sitter's own answer (a walk from the root): for what the cursor cannot place. */
function nativeParent(node: SyntaxNode): SyntaxNode | null {
  return nativeGetter ? nativeGetter.call(node) : node.parent;
}

/**
 * Makes `parent` of every node of this tree-sitter binding answer through parentOf. Called once,
 * with a node of the first parsed tree (the class is only reachable through an instance).
 */
export function installParentMemo(sample: SyntaxNode): void {
  if (nativeGetter) return;
  // Nodes are instances of per-node-type subclasses: the getter lives on their common base.
  let proto = Object.getPrototypeOf(sample) as object | null;
  while (proto && !Object.getOwnPropertyDescriptor(proto, 'parent')) proto = Object.getPrototypeOf(proto) as object | null;
  const desc = proto ? Object.getOwnPropertyDescriptor(proto, 'parent') : undefined;
  if (!proto || !desc?.get) return;
  nativeGetter = desc.get as (this: SyntaxNode) => SyntaxNode | null;
  Object.defineProperty(proto, 'parent', {
    configurable: true,
    get(this: SyntaxNode) {
      return parentOf(this);
    },
  });
}

/** A node of the cursor's path with its range (read once: every read of a node's field is a native call). */
interface PathNode {
  node: SyntaxNode;
  start: number;
  end: number;
}

/** Per tree: the parents found so far, and a cursor left where the last walk ended with the nodes from the root to it. */
interface ParentMemo {
  parent: Map<number, SyntaxNode | null>;
  cursor: TreeCursor | null;
  path: PathNode[];
}

const parents = new WeakMap<object, ParentMemo>();

/**
 * The parent of `node`, remembered per tree. tree-sitter's `parent` walks down from the root
 * each time, so climbing from deep in 100k nested parentheses costs depth x depth. Here a miss
 * moves one cursor from where the last walk ended: up to the first node whose range holds
 * `node`, forward among siblings, then down, remembering the parent of every node it enters.
 * Uses are asked about in source order, so the walks together cost about the size of the tree.
 * Charges the running work budget per step.
 */
export function parentOf(node: SyntaxNode): SyntaxNode | null {
  chargeWork();
  let memo = parents.get(node.tree);
  if (!memo) {
    memo = { parent: new Map(), cursor: null, path: [] };
    parents.set(node.tree, memo);
  }
  const id = node.id;
  let p = memo.parent.get(id);
  if (p === undefined) {
    p = walkTo(node, id, memo);
    memo.parent.set(id, p);
  }
  return p;
}

/** Moves the memo's cursor to `node`, remembering parents; tree-sitter's answer when it cannot. */
function walkTo(node: SyntaxNode, id: number, memo: ParentMemo): SyntaxNode | null {
  const s = node.startIndex;
  const e = node.endIndex;
  // An empty range (a MISSING node) has no single chain of nodes holding it.
  if (s >= e) return nativeParent(node);
  if (!memo.cursor) {
    const root = node.tree.rootNode;
    if (root.id === id) return null;
    memo.cursor = root.walk();
    memo.path = [{ node: root, start: root.startIndex, end: root.endIndex }];
  }
  const c = memo.cursor;
  const path = memo.path;
  const holds = (a: number, b: number) => a <= s && b >= e;
  const enter = (parent: SyntaxNode): PathNode => {
    const child = c.currentNode;
    memo.parent.set(child.id, parent);
    return { node: child, start: c.startIndex, end: c.endIndex };
  };
  // Up: to the first node that holds `node`, or to a sibling before it under a node that does.
  while (path.length > 1 && !holds(path[path.length - 1].start, path[path.length - 1].end)) {
    chargeWork();
    const up = path[path.length - 2];
    if (path[path.length - 1].end <= s && holds(up.start, up.end)) {
      let found = false;
      while (c.gotoNextSibling()) {
        chargeWork();
        if (holds(c.startIndex, c.endIndex)) {
          found = true;
          break;
        }
      }
      if (found) {
        path[path.length - 1] = enter(up.node);
        break;
      }
    }
    c.gotoParent();
    path.pop();
  }
  // Down: into the child that holds `node` until it is reached.
  for (;;) {
    const top = path[path.length - 1];
    if (top.start === s && top.end === e && top.node.id === id) return path.length > 1 ? path[path.length - 2].node : null;
    chargeWork();
    // The binding returns the child's index (-1 for none), though its types say boolean.
    const k = c.gotoFirstChildForIndex(s) as unknown as number | boolean;
    let found = typeof k === 'number' ? k >= 0 : k;
    while (found && !holds(c.startIndex, c.endIndex)) found = c.gotoNextSibling();
    if (!found) {
      memo.cursor = null;
      return nativeParent(node);
    }
    path.push(enter(top.node));
  }
}
