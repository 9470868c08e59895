// A memoising view of tree-sitter syntax nodes for the interpreter. Every property access
// on a native tree-sitter node crosses into C++ and allocates a fresh JS object; the engine
// walks the same small bodies thousands of times (one run per path, probe and profile), so
// each node is wrapped once and its type, text, children and fields are cached.
import type { SyntaxNode } from 'tree-sitter';

export class LNode {
  readonly type: string;
  private textMemo: string | undefined;
  private namedMemo: LNode[] | undefined;
  private childMemo: LNode[] | undefined;
  private readonly fields = new Map<string, LNode | null>();
  private readonly fieldLists = new Map<string, LNode[]>();

  constructor(
    private readonly node: SyntaxNode,
    private readonly all: Map<number, LNode>,
  ) {
    this.type = node.type;
  }

  private wrap(n: SyntaxNode): LNode {
    let w = this.all.get(n.id);
    if (!w) {
      w = new LNode(n, this.all);
      this.all.set(n.id, w);
    }
    return w;
  }

  get text(): string {
    return (this.textMemo ??= this.node.text);
  }

  get namedChildren(): LNode[] {
    return (this.namedMemo ??= this.node.namedChildren.map((c) => this.wrap(c)));
  }

  namedChild(i: number): LNode | null {
    return this.namedChildren[i] ?? null;
  }

  child(i: number): LNode | null {
    this.childMemo ??= this.node.children.map((c) => this.wrap(c));
    return this.childMemo[i] ?? null;
  }

  childForFieldName(name: string): LNode | null {
    if (this.fields.has(name)) return this.fields.get(name)!;
    const c = this.node.childForFieldName(name);
    const w = c ? this.wrap(c) : null;
    this.fields.set(name, w);
    return w;
  }

  childrenForFieldName(name: string): LNode[] {
    let l = this.fieldLists.get(name);
    if (!l) {
      l = this.node.childrenForFieldName(name).map((c) => this.wrap(c));
      this.fieldLists.set(name, l);
    }
    return l;
  }
}

const roots = new WeakMap<SyntaxNode, LNode>();

/** The cached view of a function body (keyed by the body node object the FunctionDef holds). */
export function lnode(n: SyntaxNode): LNode {
  let w = roots.get(n);
  if (!w) {
    w = new LNode(n, new Map());
    roots.set(n, w);
  }
  return w;
}
