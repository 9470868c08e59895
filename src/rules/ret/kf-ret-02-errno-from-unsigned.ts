// KF-RET-02: do not return a negative errno from an unsigned or bool kfunc.
// Reads the return type and the `return -E...;` statements of the kfunc body.
import { reviewedKfuncs } from '../../model/c-query.js';
import { classifyType } from '../../facts/semantics/index.js';
import { defineRule } from '../contract.js';

const ERRNO: Record<string, number> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  ENODATA: 61,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ENOTSUPP: 524,
};

export default defineRule({
  meta: {
    id: 'KF-RET-02',
    severity: 'error',
    description: 'Do not return a negative errno from an unsigned or bool kfunc',
    rationale:
      'A negative errno returned through an unsigned or bool return type wraps to a huge positive value or to true, so the BPF program sees success or a plausible value.',
    kernels: 'all',
    messages: {
      errnoFromUnsigned:
        '{name}() returns {value} from a `{type}` function; BPF sees {seen}. Return int, or a documented unsigned sentinel',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      const rt = classifyType(k.returnType);
      if ((rt.kind !== 'int' && rt.kind !== 'bool') || (rt.kind === 'int' && rt.signed)) continue;
      for (const r of k.body.descendantsOfType('return_statement')) {
        const e = r.namedChildren[0];
        if (!e) continue;
        const x = e.type === 'parenthesized_expression' ? e.namedChildren[0]! : e;
        if (x.type !== 'unary_expression' || x.childForFieldName('operator')?.text !== '-') continue;
        const name = x.childForFieldName('argument')?.text ?? '';
        if (!/^E[A-Z0-9]+$/.test(name)) continue;
        const n = ERRNO[name];
        const seen = rt.kind === 'bool' ? 'true' : n !== undefined ? `${(1n << BigInt(rt.bits)) - BigInt(n)}` : `a huge positive value`;
        report({
          messageId: 'errnoFromUnsigned',
          kfunc: k.name,
          file: k.file,
          line: r.startPosition.row + 1,
          key: name,
          data: { name: k.name, value: `-${name}`, type: k.returnType, seen },
          evidence: [
            `return type \`${k.returnType}\` is ${rt.kind === 'bool' ? 'bool' : `unsigned (${rt.bits} bits)`}`,
            `\`return -${name};\` at ${k.file}:${r.startPosition.row + 1} reaches BPF as ${seen}`,
            `fix: return an int (negative errno) or document an unsigned sentinel such as \`(${k.returnType})-1\``,
          ],
        });
      }
    }
  },
});
