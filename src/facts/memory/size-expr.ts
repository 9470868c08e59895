// Byte sizes as the memory facts compare them. A C size expression becomes one of:
//   const  - a value the visible constants and struct layouts fix (`sizeof(struct x)`, `16`);
//   bits   - ceil(N / round) units of `unitBytes` bytes for a bit count N (`bitmap_size(n)`,
//            `BITS_TO_LONGS(n) * sizeof(long)`, `BITS_TO_BYTES(n)`, or a count such as
//            `BITS_TO_LONGS(n)` used as a byte count: unitBytes 1);
//   scaled - N elements of `elem` bytes (`n * sizeof(u64)`);
//   sizeof - the size of a type the model cannot see, by its spelling;
//   bytes  - anything else, by its text.
// `covers(a, b)` says whether a region of size a is certainly at least b bytes long.
import type { SyntaxNode } from '../../model/c-parser.js';
import { BIT_DIVISORS, SIZE_HELPERS } from '../../knowledge/size-units.js';
import type { CValues } from './c-values.js';
import { strip } from '../index/syntax.js';
import { normText } from '../expr-text.js';

export type SizeExpr =
  | { kind: 'const'; value: number; text: string }
  | { kind: 'bits'; n: string; round: number; unitBytes: number; text: string }
  | { kind: 'scaled'; n: string; elem: number; text: string }
  | { kind: 'sizeof'; type: string; text: string }
  | { kind: 'bytes'; text: string };

const fold = (n: SyntaxNode) => n.text.replace(/\s+/g, ' ');

/** Reads a size expression; `resolve` may replace a local by the expression it was set from. */
export function parseSize(
  n: SyntaxNode,
  cv: CValues,
  typeOf?: (name: string) => string | null,
  resolve?: (id: SyntaxNode) => SyntaxNode | null,
  depth = 0,
): SizeExpr {
  let e = strip(n);
  while (e.type === 'cast_expression') e = strip(e.childForFieldName('value')!);
  const text = fold(e);
  if (e.type === 'identifier' && resolve && depth < 3) {
    const r = resolve(e);
    if (r) {
      const inner = parseSize(r, cv, typeOf, resolve, depth + 1);
      return { ...inner, text: `${text} (= ${inner.text})` } as SizeExpr;
    }
  }
  const v = cv.evaluate(e, typeOf);
  if (v !== null && v >= 0n && v < 1n << 40n) return { kind: 'const', value: Number(v), text };
  if (e.type === 'call_expression') {
    const fn = e.childForFieldName('function')?.text ?? '';
    const args = e.childForFieldName('arguments')?.namedChildren ?? [];
    const h = SIZE_HELPERS[fn];
    if (h && args.length === 1)
      return { kind: 'bits', n: normText(args[0]!.text), round: h.round, unitBytes: h.count ? 1 : h.unitBytes, text };
    if (fn === 'DIV_ROUND_UP' && args.length === 2) {
      const d = BIT_DIVISORS[normText(args[1]!.text)];
      if (d) return { kind: 'bits', n: normText(args[0]!.text), round: d.round, unitBytes: 1, text };
    }
  }
  if (e.type === 'sizeof_expression') {
    const ty = e.childForFieldName('type');
    const val = e.childForFieldName('value');
    const t = ty ? ty.text : val ? cv.typeOfExpr(strip(val), typeOf) : null;
    if (t) return { kind: 'sizeof', type: t.replace(/\s+/g, ' ').replace(/^const /, ''), text };
  }
  if (e.type === 'binary_expression') {
    const o = e.childForFieldName('operator')?.text;
    const l = e.childForFieldName('left')!;
    const r = e.childForFieldName('right')!;
    if (o === '*') {
      for (const [a, b] of [
        [l, r],
        [r, l],
      ] as const) {
        const k = cv.evaluate(strip(b), typeOf);
        if (k === null || k <= 0n) continue;
        const inner = parseSize(a, cv, typeOf, resolve, depth + 1);
        if (inner.kind === 'bits' && inner.unitBytes === 1) return { ...inner, unitBytes: inner.unitBytes * Number(k), text };
        if (inner.kind !== 'const') return { kind: 'scaled', n: normText(a.text), elem: Number(k), text };
      }
    }
    // (n + 7) / 8 and friends: bits rounded to bytes.
    if (o === '/') {
      const d = BIT_DIVISORS[normText(r.text)];
      const s = strip(l);
      if (d && s.type === 'binary_expression' && s.childForFieldName('operator')?.text === '+') {
        const add = cv.evaluate(strip(s.childForFieldName('right')!));
        if (add !== null && Number(add) === d.round - 1)
          return { kind: 'bits', n: normText(s.childForFieldName('left')!.text), round: d.round, unitBytes: 1, text };
      }
    }
  }
  return { kind: 'bytes', text };
}

/** Bytes of a bits expression for N bits. */
const bitsBytes = (s: { round: number; unitBytes: number }, n: number) => Math.ceil(n / s.round) * s.unitBytes;

/**
 * Is a region of `have` bytes certainly at least `need` bytes? 'unknown' when the two cannot be
 * compared (different quantities the model cannot evaluate).
 */
export function covers(have: SizeExpr, need: SizeExpr): 'yes' | 'no' | 'unknown' {
  if (have.kind === 'const' && need.kind === 'const') return have.value >= need.value ? 'yes' : 'no';
  if (have.kind === 'bits' && need.kind === 'bits' && have.n === need.n) {
    // Both are step functions of N with periods dividing 64: comparing N = 1..128 decides it.
    for (let n = 1; n <= 128; n++) if (bitsBytes(have, n) < bitsBytes(need, n)) return 'no';
    return 'yes';
  }
  if (have.kind === 'scaled' && need.kind === 'scaled' && have.n === need.n) return have.elem >= need.elem ? 'yes' : 'no';
  if (have.kind === 'sizeof' && need.kind === 'sizeof') return have.type === need.type ? 'yes' : 'unknown';
  if (normText(have.text) === normText(need.text)) return 'yes';
  return 'unknown';
}

/** How a size reads in words, for evidence: `bitmap_size(n)` = whole longs for n bits. */
export function describeSize(s: SizeExpr): string {
  switch (s.kind) {
    case 'const':
      return `\`${s.text}\` = ${s.value} bytes`;
    case 'bits': {
      const unit = s.round === 8 ? 'bytes' : s.round === 32 ? 'u32 words' : 'longs';
      const per =
        s.unitBytes === (s.round === 8 ? 1 : s.round / 8) ? '' : `, counted as ${s.unitBytes} byte${s.unitBytes > 1 ? 's' : ''} each`;
      return `\`${s.text}\` = ${s.n} bits rounded up to whole ${unit}${per}`;
    }
    case 'scaled':
      return `\`${s.text}\` = ${s.n} elements of ${s.elem} bytes`;
    default:
      return `\`${s.text}\` bytes`;
  }
}

/** The first bit count where `have` falls short of `need` (for evidence), or null. */
export function shortfall(have: SizeExpr, need: SizeExpr): { n: number; have: number; need: number } | null {
  if (have.kind !== 'bits' || need.kind !== 'bits') return null;
  // Prefer a count past one long (65 bits reads better than 1), else the first that falls short.
  for (const n of [65, ...Array.from({ length: 128 }, (_, i) => i + 1)]) {
    const a = bitsBytes(have, n);
    const b = bitsBytes(need, n);
    if (a < b) return { n, have: a, need: b };
  }
  return null;
}
