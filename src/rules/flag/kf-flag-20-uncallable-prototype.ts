// KF-FLAG-20: a kfunc prototype the verifier cannot map onto BPF registers. Registration
// accepts it; every program that calls it is rejected at load (or, for a misplaced size
// argument, the buffer goes unchecked).
import { defineRule } from '../contract.js';
import { bareType, fileFullyVisible, isFmodretEntry, registrationsOf, reviewedKfuncs } from '../../model/c-query.js';
import type { Param } from '../../model/model.js';
import type { Severity } from '../contract.js';
import { isSizeSuffix, RET_BUF_SIZE_NAMES, suffixesWhere } from '../../knowledge/arg-suffixes.js';
import { MAX_BPF_FUNC_REG_ARGS } from '../../knowledge/bpf-call-abi.js';
import { CTX_ARG_KFUNCS } from '../../knowledge/special-kfuncs.js';
import { isDestructorStub } from '../../knowledge/stub-names.js';
import { bpfParams } from './shared.js';

/** Suffixes that give a `void *` argument a meaning without a size. */
const VOID_OK_SUFFIX = suffixesWhere((s) => s.voidOk);

function isFunctionPointer(type: string): boolean {
  return type.includes('(');
}

function byValueAggregate(type: string): boolean {
  const t = bareType(type);
  return /^(struct|union) \w+$/.test(t);
}

function isVoidPointer(type: string): boolean {
  return bareType(type) === 'void *';
}

function isPointerToPointer(type: string): boolean {
  return !isFunctionPointer(type) && /\*\s*\*/.test(bareType(type).replace(/\s+/g, ''));
}

function isPointer(p: Param | undefined): boolean {
  return !!p && (p.pointer || /\*|\[/.test(p.type));
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-20',
    severity: 'error',
    description: 'Reject kfunc prototypes that BPF programs cannot call',
    rationale:
      'The verifier maps kfunc arguments onto R1-R5 and types each one from BTF: more than five arguments, aggregates by value, untyped void pointers, pointers to pointers, two constant (__k) or two return-size arguments all make every call fail to load, although registration succeeds. A __sz/__szk size is only paired with the pointer right before it; anywhere else it is an unchecked number.',
    kernels: '>=6.0',
    messages: {
      tooManyArgs:
        '{name}() takes {count} arguments, but BPF passes at most 5: every program calling it is rejected. Pass the extra values in a struct through a pointer with a __sz size',
      byValue:
        '{name}() takes argument {param} as `{type}` by value: BPF can pass only scalars and pointers, so every call is rejected. Pass a pointer instead',
      voidPointer:
        '{name}() takes `void *{param}` without a size argument right after it or a suffix that types it: the verifier rejects the call. Follow it with `u32 {param}__sz`, use a typed pointer, or a suffix such as __map/__ign',
      pointerToPointer:
        '{name}() takes argument {param} as `{type}`, a pointer to a pointer: the verifier cannot type it, so every call is rejected. Pass the object pointer itself',
      twoConstants:
        '{name}() has two __k constant arguments ({params}): the verifier allows only one and fails every call with an internal error. Keep one __k argument',
      twoBufSizes:
        '{name}() has two return-size arguments ({params}): the verifier allows one rdonly_buf_size/rdwr_buf_size and rejects every call. Keep one',
      sizeNotAfterPointer:
        '{name}() has size argument {param} but the argument before it ({prev}) is not a pointer: the verifier pairs __sz/__szk only with the pointer right before, so here it is an unchecked number. Move it right after its buffer',
    },
  },
  check({ model, report }) {
    for (const def of reviewedKfuncs(model)) {
      const name = def.name;
      // Destructor stubs and _impl anchors are not called from BPF under their own prototype.
      if (isDestructorStub(name)) continue;
      const regs = registrationsOf(model, name);
      // An fmod_ret attach list (register_btf_fmodret_id_set) names functions BPF attaches to, never calls.
      if (regs.length && regs.every((r) => isFmodretEntry(model, r))) continue;
      // Unregistered in a fully visible file: not callable at all, which is KF-REG-01's finding.
      if (!regs.length && fileFullyVisible(model, def.file)) continue;
      const severity: Severity | undefined = regs.length ? undefined : 'info';
      const flags = regs[0]?.flags ?? [];
      const params = bpfParams(
        def.params.filter((p) => p.name !== '...'),
        flags,
      );
      const where = `definition: ${def.file}:${def.line}`;
      const regLine = regs.length
        ? `registered: BTF_ID_FLAGS(func, ${name}${regs[0].flags.length ? `, ${regs[0].flags.join(' | ')}` : ''}) at ${regs[0].file}:${regs[0].line}`
        : `no BTF_ID_FLAGS entry for ${name} is visible (${def.file} was only seen as diff hunks), so this is reported as info`;
      const at = { kfunc: name, file: def.file, line: def.line, severity };
      const proto = `prototype: ${name}(${def.params.map((p) => `${p.type} ${p.name}`.trim()).join(', ') || 'void'})`;

      if (params.length > MAX_BPF_FUNC_REG_ARGS) {
        report({
          messageId: 'tooManyArgs',
          data: { name, count: params.length },
          ...at,
          key: 'count',
          evidence: [proto, where, regLine, `MAX_BPF_FUNC_REG_ARGS is ${MAX_BPF_FUNC_REG_ARGS} (R1-R5)`],
        });
      }
      params.forEach((p, i) => {
        const label = p.name || `#${i + 1}`;
        if (isFunctionPointer(p.type)) return;
        if (byValueAggregate(p.type)) {
          report({
            messageId: 'byValue',
            data: { name, param: label, type: bareType(p.type) },
            ...at,
            key: `value:${label}`,
            evidence: [proto, where, regLine, 'the verifier accepts only scalar (int/enum) and pointer arguments'],
          });
          return;
        }
        if (isPointerToPointer(p.type)) {
          report({
            messageId: 'pointerToPointer',
            data: { name, param: label, type: bareType(p.type).replace(/\* \*/g, '**') },
            ...at,
            key: `ptrptr:${label}`,
            evidence: [proto, where, regLine, 'a pointer argument must point to a struct, a scalar or a struct of scalars'],
          });
          return;
        }
        const next = params[i + 1];
        const sized = !!next && isSizeSuffix(next.suffix);
        if (isVoidPointer(p.type) && !sized && !VOID_OK_SUFFIX.has(p.suffix) && !CTX_ARG_KFUNCS.includes(name)) {
          report({
            messageId: 'voidPointer',
            data: { name, param: label },
            ...at,
            key: `void:${label}`,
            evidence: [
              proto,
              where,
              regLine,
              '`void *` is only accepted as the buffer of a __sz/__szk pair or with a suffix that types it',
            ],
          });
        }
        if (isSizeSuffix(p.suffix) && !isPointer(params[i - 1])) {
          const prev = params[i - 1];
          report({
            messageId: 'sizeNotAfterPointer',
            data: { name, param: label, prev: prev ? `${prev.name}: ${bareType(prev.type)}` : 'none, it is the first argument' },
            ...at,
            severity: severity ?? 'warning',
            key: `size:${label}`,
            evidence: [
              proto,
              where,
              regLine,
              'the verifier checks [ptr, ptr + size) only when the size argument immediately follows the pointer',
            ],
          });
        }
      });
      const constants = params.filter((p) => p.suffix === '__k');
      if (constants.length > 1) {
        report({
          messageId: 'twoConstants',
          data: { name, params: constants.map((p) => p.name).join(', ') },
          ...at,
          key: 'k',
          evidence: [proto, where, regLine, 'the verifier records one constant argument per call'],
        });
      }
      const bufSizes = params.filter((p) => RET_BUF_SIZE_NAMES.includes(p.name));
      if (bufSizes.length > 1) {
        report({
          messageId: 'twoBufSizes',
          data: { name, params: bufSizes.map((p) => p.name).join(', ') },
          ...at,
          key: 'bufsz',
          evidence: [proto, where, regLine, 'one rdonly_buf_size/rdwr_buf_size sets the size of the returned memory'],
        });
      }
    }
  },
});
