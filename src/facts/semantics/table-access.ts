// `table[index]` on an array a model describes: bound check against the config's length,
// a Read effect with the exact overrun in bytes, and the element value (known contents,
// a counter, or an unknown byte the model tells us how to fork on).
import { TY, type CType } from './ctype.js';
import type { ElemType, TableSpec } from './model-types.js';
import type { Interpreter } from './interpreter.js';
import { tableContents } from './registry.js';
import { type Value, describe, int, opaque } from './values.js';

const ELEM: Record<ElemType, { bytes: bigint; type: CType }> = {
  u8: { bytes: 1n, type: TY.u8 },
  u32: { bytes: 4n, type: TY.u32 },
  int: { bytes: 4n, type: TY.int },
  long: { bytes: 8n, type: TY.long },
  ulong: { bytes: 8n, type: TY.ulong },
  atomic_long: { bytes: 8n, type: TY.long },
};

export function accessTable(m: Interpreter, spec: TableSpec, index: Value, indexText: string, access: 'read' | 'write' | 'address'): Value {
  const chain = [...m.chain(), `${spec.name}[${indexText}] (${spec.elem}[${spec.len}])`];
  const len = m.world.constant(spec.len);
  if (index.k !== 'int' || len === undefined) {
    const what =
      index.k !== 'int' ? `index ${indexText} of ${spec.name}[] is not a known value` : `length ${spec.len} is unknown in this config`;
    m.unknown(what, index.taint);
    return opaque(index.taint ? 'garbage' : 'unknown', `${spec.name}[${indexText}]`, index.taint);
  }
  // The index keeps its C type: a negative int indexes before the array, an unsigned
  // (enum) value is zero-extended and can reach 4 GiB past it.
  const i = index.v;
  const { bytes, type } = ELEM[spec.elem];
  const inBounds = i >= 0n && i < len;
  const oob = inBounds
    ? undefined
    : i < 0n
      ? { side: 'before' as const, bytes: -i * bytes }
      : { side: 'after' as const, bytes: (i - len + 1n) * bytes };

  let value: Value;
  if (access === 'write') value = opaque('unknown', 'store', index.taint);
  else if (inBounds) {
    const contents = tableContents(m.world, spec);
    const known = contents?.[Number(i)];
    value = known !== undefined ? int(known, type, index.taint) : opaque('counter', `${spec.name}[${i}]`, index.taint, type);
  } else {
    const forks = spec.oobFork?.(m.world);
    if (forks && forks.length > 0) {
      // Record the read first, then fork: each path sees one representative byte.
      m.effects.push(readEffect(m, spec, access, indexText, i, len, oob, index.taint, chain, '<unknown byte>'));
      const pick = m.choose(
        forks.map((f) => `${spec.name}[${i}] holds ${f.label}`),
        'byte',
      );
      return int(forks[pick]!.value, type, index.taint);
    }
    value = opaque('garbage', `${spec.name}[${i}] (out of bounds)`, index.taint, type);
  }
  m.effects.push(readEffect(m, spec, access, indexText, i, len, oob, index.taint, chain, describe(value)));
  return value;
}

function readEffect(
  m: Interpreter,
  spec: TableSpec,
  access: 'read' | 'write' | 'address',
  indexText: string,
  index: bigint,
  bound: bigint,
  oob: { side: 'after' | 'before'; bytes: bigint } | undefined,
  tainted: boolean,
  chain: string[],
  value: string,
) {
  return {
    kind: 'read' as const,
    depth: Math.max(0, m.chain().length - 1),
    access,
    array: spec.name,
    elem: spec.elem,
    indexText,
    index,
    bound,
    boundName: spec.len,
    status: oob ? ('oob' as const) : ('in-bounds' as const),
    ...(oob ? { oob } : {}),
    tainted,
    chain,
    value,
  };
}
