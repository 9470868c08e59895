// Parameter typing and the entry of the index rules' syntax layer: which kfunc parameters are
// BPF-controlled scalars, their C type, and every sink each one reaches.
// C semantics decide the guards: an enum without negative enumerators is unsigned, so `e >= N`
// is complete; an `int` also needs `< 0` or a `(u32)` cast. ./chain.ts follows the value,
// ./sinks.ts names each use, ./guards.ts reads the guards in front of it; the semantics engine
// (../semantics) then confirms or refutes. Rules get both through ../context.ts.
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { classifyType, type CType, enumIsSigned } from '../semantics/index.js';
import { type FlowContext, type ParamFlow, type Sink, type Var, emptyFacts } from './flow-types.js';
import { walk } from './chain.js';
import { type SizedArg, sizedArgs } from './sized-args.js';

export type { GuardFacts, GuardStatus, ParamFlow, Sink, SinkKind } from './flow-types.js';
export type { SizedAccess, SizedArg } from './sized-args.js';

export class IndexFlowAnalyzer implements FlowContext {
  private readonly enumSigned: (name: string) => boolean | undefined;

  constructor(readonly model: PatchModel) {
    this.enumSigned = (name) => enumIsSigned(name, model.enums);
  }

  ctype(type: string): CType {
    return classifyType(type, this.enumSigned);
  }

  /** Domain of a parameter type in words, for evidence. */
  domain(type: string): string {
    const t = this.ctype(type);
    if (t.kind === 'enum') {
      const known = enumIsSigned(t.enumName!, this.model.enums) !== undefined;
      return t.signed
        ? `s32 (enum ${t.enumName} has a negative enumerator, so it is signed)`
        : `u32 (enum ${t.enumName} ${known ? 'has no negative enumerators' : 'is not visible; GCC/Clang make an enum without negative enumerators'}, so it is unsigned int; the verifier does not check the enum range)`;
    }
    return `${t.signed ? 's' : 'u'}${t.bits} (any value of the low ${t.bits} bits of the BPF register${t.signed ? ', read as signed' : ''})`;
  }

  /** Scalar parameters of `fn` that BPF controls, with every sink they reach. */
  flows(fn: FunctionDef): ParamFlow[] {
    const out: ParamFlow[] = [];
    const scalars = fn.params.filter((p) => {
      if (p.pointer) return false;
      const ct = this.ctype(p.type);
      return ct.kind === 'int' || ct.kind === 'enum';
    });
    for (const p of scalars) {
      const ct = this.ctype(p.type);
      // The other BPF-controlled scalars: a bound made of them is a relation, not a cap. A
      // `__sz`/`__szk` size is the verified size of its buffer, so a bound by it is a cap.
      const others = new Set(scalars.filter((q) => q.name !== p.name && q.suffix !== '__sz' && q.suffix !== '__szk').map((q) => q.name));
      const sinks: Sink[] = [];
      const vars = new Map<string, Var>([[p.name, { root: p.name, ctype: ct, nonneg: !ct.signed, exact: true }]]);
      walk(
        this,
        { fn, vars, chain: `${fn.name}(${p.name})`, depth: 0, inherited: emptyFacts(), signed: ct.signed, others },
        sinks,
        new Set([fn.name]),
      );
      out.push({ name: p.name, type: p.type, suffix: p.suffix, ctype: ct, domain: this.domain(p.type), sinks });
    }
    return out;
  }

  /** The struct-pointer + `__sz` pairs of `fn` and the size checks in front of each field access. */
  sizedArgs(fn: FunctionDef): SizedArg[] {
    return sizedArgs(this, fn);
  }
}
