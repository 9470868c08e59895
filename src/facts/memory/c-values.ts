// Compile-time values the memory facts need to compare sizes: integer constants (`#define`s and
// enumerators, anonymous enums included), the layout of visible structs (offset and size of each
// member, LP64 with natural alignment) and a small constant evaluator over those (`sizeof`,
// `offsetof`, `offsetofend`, `sizeof_field`, arithmetic). Anything it cannot see is null: the
// callers then fall back to comparing the expressions as written.
import { parseC, type SyntaxNode, type Tree } from '../../model/c-parser.js';
import { maskKernelC } from '../../model/mask.js';
import { scalarGroup } from '../../model/c-types.js';
import type { PatchModel } from '../../model/model.js';

export interface Member {
  name: string;
  /** Byte offset in the struct. */
  offset: number;
  size: number;
}

export interface Layout {
  name: string;
  /** The members whose offset is known, in order (a member of unknown size ends the list). */
  members: Member[];
  /** sizeof(struct name), when every member is known. */
  size: number | null;
  /** Where the definition is, for evidence. */
  file: string;
  line: number;
}

const SCALAR_BYTES: Record<string, number> = { s8: 1, u8: 1, s16: 2, u16: 2, s32: 4, u32: 4, s64: 8, u64: 8, bool: 1 };
/** Kernel typedefs of fixed-size integers that c-types does not list (include/linux/types.h, 6.12). */
const OTHER_BYTES: Record<string, number> = {
  __be16: 2,
  __le16: 2,
  __be32: 4,
  __le32: 4,
  __be64: 8,
  __le64: 8,
  __wsum: 4,
  __sum16: 2,
  umode_t: 2,
  dev_t: 4,
  uid_t: 4,
  gid_t: 4,
  phys_addr_t: 8,
  dma_addr_t: 8,
};

/** Bytes of a scalar type as written (`u32`, `unsigned long`, `__be32`), or null. */
export function scalarBytes(type: string): number | null {
  const t = type
    .replace(/\b(const|volatile)\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const g = scalarGroup(t);
  if (g) return SCALAR_BYTES[g]!;
  if (/^enum \w+$/.test(t)) return 4;
  return OTHER_BYTES[t] ?? null;
}

const cache = new WeakMap<PatchModel, CValues>();

/** The compile-time values visible in `model` (one per model). */
export function cValues(model: PatchModel): CValues {
  let v = cache.get(model);
  if (!v) {
    v = new CValues(model);
    cache.set(model, v);
  }
  return v;
}

export class CValues {
  private trees: { tree: Tree; file: string }[] | null = null;
  private consts: Map<string, SyntaxNode | bigint> | null = null;
  private structs: Map<string, { node: SyntaxNode; file: string }> | null = null;
  private layouts = new Map<string, Layout | null>();
  private evaluating = new Set<string>();

  constructor(private readonly model: PatchModel) {}

  /** Every parsed region the model can see: the trees its functions come from, and files without functions parsed once. */
  private visible(): { tree: Tree; file: string }[] {
    if (this.trees) return this.trees;
    const seen = new Set<Tree>();
    const out: { tree: Tree; file: string }[] = [];
    const withFns = new Set<string>();
    for (const f of this.model.functions.values()) {
      withFns.add(f.file);
      if (seen.has(f.body.tree)) continue;
      seen.add(f.body.tree);
      out.push({ tree: f.body.tree, file: f.file });
    }
    for (const f of this.model.files) {
      if (withFns.has(f.path) || !/\.(c|h)$/.test(f.path)) continue;
      const lines: string[] = [];
      for (const [a, b] of f.shownRanges) {
        while (lines.length < a - 1) lines.push('');
        for (let n = a; n <= b; n++) lines[n - 1] = f.lineText(n) ?? '';
      }
      const tree = lines.length ? parseC(maskKernelC(lines.join('\n'))) : null;
      if (tree) out.push({ tree, file: f.path });
    }
    this.trees = out;
    return out;
  }

  private index(): void {
    if (this.consts) return;
    this.consts = new Map();
    this.structs = new Map();
    for (const { tree, file } of this.visible()) {
      for (const d of tree.rootNode.descendantsOfType('preproc_def')) {
        const name = d.childForFieldName('name')?.text;
        const value = d.childForFieldName('value')?.text;
        if (!name || !value || this.consts.has(name)) continue;
        const expr = parseC(`int __v = ${value.replace(/\\\n/g, ' ')};`)
          ?.rootNode.descendantsOfType('init_declarator')[0]
          ?.childForFieldName('value');
        if (expr) this.consts.set(name, expr);
      }
      for (const body of tree.rootNode.descendantsOfType('enumerator_list')) {
        let next: bigint | null = 0n;
        for (const e of body.namedChildren) {
          if (e.type !== 'enumerator') continue;
          const n = e.childForFieldName('name')?.text;
          const v = e.childForFieldName('value');
          const val: bigint | null = v ? this.evaluate(v) : next;
          if (n && val !== null && !this.consts.has(n)) this.consts.set(n, val);
          next = val === null ? null : val + 1n;
        }
      }
      for (const s of tree.rootNode.descendantsOfType('struct_specifier')) {
        const name = s.childForFieldName('name')?.text;
        if (name && s.childForFieldName('body') && !this.structs.has(name)) this.structs.set(name, { node: s, file });
      }
    }
  }

  /** The value of an integer constant (a `#define` or an enumerator), or null. */
  constant(name: string): bigint | null {
    this.index();
    const c = this.consts!.get(name);
    if (c === undefined) return null;
    if (typeof c === 'bigint') return c;
    if (this.evaluating.has(name)) return null;
    this.evaluating.add(name);
    const v = this.evaluate(c);
    this.evaluating.delete(name);
    return v;
  }

  /** The layout of `struct name` when its definition is visible. */
  layout(name: string): Layout | null {
    if (this.layouts.has(name)) return this.layouts.get(name)!;
    this.layouts.set(name, null);
    this.index();
    const def = this.structs!.get(name);
    const out = def ? this.computeLayout(name, def.node, def.file) : null;
    this.layouts.set(name, out);
    return out;
  }

  /** `sizeof(type)` for a type as written (`struct x`, `u64`, `char`), or null. */
  typeSize(type: string): number | null {
    const t = type.replace(/\s+/g, ' ').trim();
    if (/\*$/.test(t)) return 8;
    const s = /^(?:const )?struct (\w+)$/.exec(t);
    if (s) return this.layout(s[1]!)?.size ?? null;
    return scalarBytes(t);
  }

  private alignOf(type: string): number {
    const s = /^(?:const )?struct (\w+)$/.exec(type.trim());
    if (!s) return Math.min(8, this.typeSize(type) ?? 8);
    const l = this.layout(s[1]!);
    return l ? Math.max(1, ...l.members.map((m) => this.alignOfMember(l, m))) : 8;
  }

  private memberAlign = new Map<string, number>();
  private alignOfMember(l: Layout, m: Member): number {
    return this.memberAlign.get(`${l.name}.${m.name}`) ?? Math.min(8, m.size || 1);
  }

  private computeLayout(name: string, node: SyntaxNode, file: string): Layout {
    const body = node.childForFieldName('body')!;
    // Packing and alignment attributes change offsets (the masked text hides them): read the
    // original lines, and give up on such a struct.
    const fm = this.model.files.find((f) => f.path === file);
    for (let l = node.startPosition.row + 1; fm && l <= node.endPosition.row + 2; l++) {
      if (/\b(__packed|packed|__aligned|aligned|__attribute__)\b/.test(fm.lineText(l) ?? ''))
        return { name, members: [], size: null, file, line: node.startPosition.row + 1 };
    }
    const members: Member[] = [];
    let off = 0;
    let maxAlign = 1;
    let complete = true;
    for (const f of body.namedChildren) {
      if (f.type !== 'field_declaration') continue;
      const typeNode = f.childForFieldName('type');
      if (!typeNode || f.descendantsOfType('bitfield_clause').length) {
        complete = false;
        break;
      }
      const base = typeNode.type === 'struct_specifier' && typeNode.childForFieldName('body') ? null : typeNode.text;
      const decls = f.childrenForFieldName('declarator');
      let stop = false;
      for (const d of decls) {
        let n: SyntaxNode | null = d;
        let count = 1;
        let pointer = false;
        let fieldName: string | null = null;
        while (n) {
          if (n.type === 'field_identifier') {
            fieldName = n.text;
            break;
          }
          if (n.type === 'pointer_declarator') pointer = true;
          if (n.type === 'array_declarator') {
            const sz = n.childForFieldName('size');
            const v = sz ? this.evaluate(sz) : null;
            if (v === null) {
              count = -1;
              break;
            }
            count *= Number(v);
          }
          n = n.childForFieldName('declarator');
        }
        const elem = pointer ? 8 : base ? this.typeSize(base) : null;
        if (!fieldName || count < 0 || elem === null) {
          stop = true;
          break;
        }
        const align = pointer ? 8 : this.alignOf(base!);
        maxAlign = Math.max(maxAlign, align);
        off = Math.ceil(off / align) * align;
        members.push({ name: fieldName, offset: off, size: elem * count });
        this.memberAlign.set(`${name}.${fieldName}`, align);
        off += elem * count;
      }
      if (stop) {
        complete = false;
        break;
      }
    }
    const size = complete ? Math.ceil(off / maxAlign) * maxAlign : null;
    return { name, members, size, file, line: node.startPosition.row + 1 };
  }

  /** `offsetofend(struct s, field)`: the first byte after the member, or null. */
  endOf(struct: string, field: string): number | null {
    const m = this.layout(struct)?.members.find((x) => x.name === field);
    return m ? m.offset + m.size : null;
  }

  /**
   * The value of a constant expression, or null. `typeOf` gives the declared type of a variable
   * (for `sizeof(*p)`, `sizeof(p->f)`).
   */
  evaluate(n: SyntaxNode, typeOf?: (name: string) => string | null): bigint | null {
    switch (n.type) {
      case 'number_literal': {
        const t = n.text.replace(/[uUlL]+$/, '');
        try {
          return /^0[xX]/.test(t) ? BigInt(t) : /^0\d+$/.test(t) ? BigInt('0o' + t.slice(1)) : /^\d+$/.test(t) ? BigInt(t) : null;
        } catch {
          return null;
        }
      }
      case 'identifier':
        return this.constant(n.text);
      case 'parenthesized_expression':
        return n.namedChildren.length === 1 ? this.evaluate(n.namedChildren[0]!, typeOf) : null;
      case 'cast_expression':
        return this.evaluate(n.childForFieldName('value')!, typeOf);
      case 'unary_expression': {
        const v = this.evaluate(n.childForFieldName('argument')!, typeOf);
        const o = n.childForFieldName('operator')?.text;
        if (v === null) return null;
        return o === '-' ? -v : o === '+' ? v : o === '~' ? ~v : null;
      }
      case 'binary_expression': {
        const a = this.evaluate(n.childForFieldName('left')!, typeOf);
        const b = this.evaluate(n.childForFieldName('right')!, typeOf);
        if (a === null || b === null) return null;
        switch (n.childForFieldName('operator')?.text) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return b === 0n ? null : a / b;
          case '%':
            return b === 0n ? null : a % b;
          case '<<':
            return a << b;
          case '>>':
            return a >> b;
          case '|':
            return a | b;
          case '&':
            return a & b;
          default:
            return null;
        }
      }
      case 'sizeof_expression': {
        const s = this.sizeOf(n, typeOf);
        return s === null ? null : BigInt(s);
      }
      case 'call_expression':
        return this.callValue(n, typeOf);
      default:
        return null;
    }
  }

  /** `sizeof(T)` / `sizeof(*p)` / `sizeof(p->f)` / `sizeof x` in bytes, or null. */
  sizeOf(n: SyntaxNode, typeOf?: (name: string) => string | null): number | null {
    const ty = n.childForFieldName('type');
    if (ty) return this.typeSize(ty.text);
    let v = n.childForFieldName('value');
    while (v?.type === 'parenthesized_expression' && v.namedChildren.length === 1) v = v.namedChildren[0]!;
    if (!v) return null;
    const t = this.typeOfExpr(v, typeOf);
    return t ? this.typeSize(t) : null;
  }

  /** The type of a simple expression (`u64` as a type name, `*p`, `p->f`, `x`), or null. */
  typeOfExpr(v: SyntaxNode, typeOf?: (name: string) => string | null): string | null {
    if (v.type === 'identifier') {
      if (scalarBytes(v.text) !== null) return v.text;
      return typeOf?.(v.text) ?? null;
    }
    if (v.type === 'pointer_expression' && v.childForFieldName('operator')?.text === '*') {
      const inner = v.childForFieldName('argument');
      const t = inner ? this.typeOfExpr(inner, typeOf) : null;
      return t && t.endsWith('*') ? t.slice(0, -1).trim() : null;
    }
    if (v.type === 'field_expression') {
      const base = v.childForFieldName('argument');
      const field = v.childForFieldName('field')?.text;
      let t = base ? this.typeOfExpr(base, typeOf) : null;
      if (!t || !field) return null;
      if (v.childForFieldName('operator')?.text === '->') t = t.endsWith('*') ? t.slice(0, -1).trim() : null;
      const s = t ? /^(?:const )?struct (\w+)$/.exec(t) : null;
      const def = s ? this.memberType(s[1]!, field) : null;
      return def;
    }
    return null;
  }

  /** The declared type of a member (`u32`, `struct x`, `char *`), arrays not included. */
  memberType(struct: string, field: string): string | null {
    this.index();
    const def = this.structs!.get(struct);
    if (!def) return null;
    for (const f of def.node.childForFieldName('body')!.namedChildren) {
      if (f.type !== 'field_declaration') continue;
      for (const d of f.childrenForFieldName('declarator')) {
        let n: SyntaxNode | null = d;
        let stars = '';
        let array = false;
        while (n && n.type !== 'field_identifier') {
          if (n.type === 'pointer_declarator') stars += '*';
          if (n.type === 'array_declarator') array = true;
          n = n.childForFieldName('declarator');
        }
        if (n?.text === field && !array) return `${f.childForFieldName('type')!.text}${stars ? ' ' + stars : ''}`;
      }
    }
    return null;
  }

  private callValue(n: SyntaxNode, typeOf?: (name: string) => string | null): bigint | null {
    const text = n.text.replace(/\s+/g, ' ');
    const off = /^(offsetofend|offsetof|sizeof_field)\s*\(\s*(?:struct\s+)?(\w+)\s*,\s*(\w+)\s*\)$/.exec(text);
    if (off) {
      const m = this.layout(off[2]!)?.members.find((x) => x.name === off[3]);
      if (!m) return null;
      return BigInt(off[1] === 'offsetof' ? m.offset : off[1] === 'sizeof_field' ? m.size : m.offset + m.size);
    }
    const fn = n.childForFieldName('function')?.text;
    const args = n.childForFieldName('arguments')?.namedChildren ?? [];
    // min_t(type, a, b): the first argument is a type.
    const a = (/^(min|max)_t$/.test(fn ?? '') ? args.slice(1) : args).map((x) => this.evaluate(x, typeOf));
    if (a.some((x) => x === null)) return null;
    const v = a as bigint[];
    const up = (x: bigint, d: bigint) => (x + d - 1n) / d;
    switch (fn) {
      case 'BIT':
      case 'BIT_ULL':
        return 1n << v[0]!;
      case 'DIV_ROUND_UP':
        return v[1] ? up(v[0]!, v[1]) : null;
      case 'ALIGN':
      case 'round_up':
        return v[1] ? up(v[0]!, v[1]) * v[1] : null;
      case 'min':
      case 'min_t':
        return v.length ? v.reduce((x, y) => (x < y ? x : y)) : null;
      case 'max':
      case 'max_t':
        return v.length ? v.reduce((x, y) => (x > y ? x : y)) : null;
      case 'BITS_TO_BYTES':
        return up(v[0]!, 8n);
      case 'BITS_TO_U32':
        return up(v[0]!, 32n);
      case 'BITS_TO_U64':
      case 'BITS_TO_LONGS':
        return up(v[0]!, 64n);
      default:
        return null;
    }
  }
}
