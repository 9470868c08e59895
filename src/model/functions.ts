// Function definitions and enums from one parsed (masked) C text. Positions are real lines of
// the image because masking and padding preserve offsets.
import type { SyntaxNode } from './c-parser.js';
import type { FunctionDef, Param } from './model.js';
import { ARG_SUFFIX_RE } from './arg-suffix-names.js';

/** What one parse tells of a definition; build-model.ts adds file, side and preprocessor facts. */
export type RawFunction = Pick<
  FunctionDef,
  'name' | 'line' | 'endLine' | 'returnType' | 'params' | 'isStatic' | 'isInline' | 'isKfunc' | 'body'
> & {
  /** 1-based line where the definition starts (its return type). */
  startLine: number;
  /** Offset of the `__bpf_kfunc` marker that makes it a kfunc, or null. */
  markerAt: number | null;
};

export interface RawEnum {
  name: string;
  members: { name: string; value: bigint | null }[];
  line: number;
}

function norm(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\s*\*\s*/g, ' *')
    .replace(/\* \*/g, '**')
    .trim();
}

/** Unwraps pointer/array/parenthesized declarators down to the function_declarator. */
function functionDeclarator(decl: SyntaxNode | null): { fd: SyntaxNode; stars: number } | null {
  let stars = 0;
  let d = decl;
  while (d) {
    if (d.type === 'function_declarator') return { fd: d, stars };
    if (d.type === 'pointer_declarator') stars++;
    else if (d.type !== 'parenthesized_declarator' && d.type !== 'attributed_declarator') return null;
    d = d.childForFieldName('declarator') ?? d.namedChildren[0] ?? null;
  }
  return null;
}

function innermostIdentifier(n: SyntaxNode | null): SyntaxNode | null {
  let d = n;
  while (d && d.type !== 'identifier' && d.type !== 'field_identifier') {
    d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return d;
}

function readParams(list: SyntaxNode, original: string): Param[] {
  const out: Param[] = [];
  for (const p of list.namedChildren) {
    if (p.type === 'variadic_parameter') {
      out.push({ name: '...', type: '...', suffix: '', pointer: false });
      continue;
    }
    if (p.type !== 'parameter_declaration') continue;
    const decl = p.childForFieldName('declarator');
    const text = original.slice(p.startIndex, p.endIndex);
    if (!decl) {
      if (norm(text) === 'void') continue;
      out.push({ name: '', type: norm(text), suffix: '', pointer: text.includes('*') });
      continue;
    }
    const id = innermostIdentifier(decl);
    const name = id ? id.text : '';
    const type = id ? norm(text.slice(0, id.startIndex - p.startIndex) + text.slice(id.endIndex - p.startIndex)) : norm(text);
    out.push({ name, type, suffix: ARG_SUFFIX_RE.exec(name)?.[0] ?? '', pointer: /\*|\[/.test(type) });
  }
  return out;
}

/**
 * Reads every function definition of a tree. `original` is the unmasked text at the same
 * offsets (for types that keep `__user`); `markers` are offsets of `__bpf_kfunc` tokens;
 * `regionStart` is where the parsed text starts (nothing before it belongs to this tree).
 */
export function readFunctions(root: SyntaxNode, masked: string, original: string, markers: number[], regionStart = 0): RawFunction[] {
  const out: RawFunction[] = [];
  for (const def of root.descendantsOfType('function_definition')) {
    const body = def.childForFieldName('body');
    const found = functionDeclarator(def.childForFieldName('declarator'));
    if (!body || !found) continue;
    const nameNode = found.fd.childForFieldName('declarator');
    const params = found.fd.childForFieldName('parameters');
    if (!nameNode || nameNode.type !== 'identifier' || !params) continue;
    const declStart = def.childForFieldName('declarator')!.startIndex;
    const head = masked.slice(def.startIndex, declStart);
    const isStatic = /\bstatic\b/.test(head);
    const isInline = /\b(inline|__always_inline)\b/.test(head);
    const returnType = norm(head.replace(/\b(static|inline|__always_inline|extern)\b/g, '') + '*'.repeat(found.stars));
    const prev = def.previousSibling;
    const from = prev ? prev.endIndex : Math.max(regionStart, def.startIndex - 400);
    const first = firstAtOrAfter(markers, from);
    const markerAt = first < markers.length && markers[first] < nameNode.startIndex ? markers[first] : null;
    const isKfunc = markerAt !== null;
    out.push({
      name: nameNode.text,
      line: nameNode.startPosition.row + 1,
      startLine: def.startPosition.row + 1,
      endLine: def.endPosition.row + 1,
      returnType,
      params: readParams(params, original),
      isStatic,
      isInline,
      isKfunc,
      body,
      markerAt,
    });
  }
  return out;
}

/** Index of the first of the ascending `sorted` that is >= `x` (binary search). */
function firstAtOrAfter(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function literal(text: string): bigint | null {
  const t = text.replace(/[uUlL]+$/, '').trim();
  try {
    if (/^-?\s*(0x[0-9a-f]+|\d+)$/i.test(t)) return t.startsWith('-') ? -BigInt(t.slice(1).trim()) : BigInt(t);
  } catch {
    /* not a literal */
  }
  const shift = /^\(?\s*1\s*<<\s*(\d+)\s*\)?$/.exec(t);
  return shift ? 1n << BigInt(shift[1]) : null;
}

export function readEnums(root: SyntaxNode): RawEnum[] {
  const out: RawEnum[] = [];
  for (const e of root.descendantsOfType('enum_specifier')) {
    const name = e.childForFieldName('name');
    const body = e.childForFieldName('body');
    if (!name || !body) continue;
    const members: RawEnum['members'] = [];
    let next: bigint | null = 0n;
    for (const m of body.namedChildren) {
      if (m.type !== 'enumerator') continue;
      const n = m.childForFieldName('name');
      const v = m.childForFieldName('value');
      if (!n) continue;
      const value: bigint | null = v ? literal(v.text) : next;
      members.push({ name: n.text, value });
      next = value === null ? null : value + 1n;
    }
    out.push({ name: name.text, members, line: e.startPosition.row + 1 });
  }
  return out;
}

/** Offsets of standalone `__bpf_kfunc` tokens (not `__bpf_kfunc_start_defs`). */
export function kfuncMarkers(original: string): number[] {
  const out: number[] = [];
  const re = /\b__bpf_kfunc\b/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(original))) out.push(m.index);
  return out;
}
