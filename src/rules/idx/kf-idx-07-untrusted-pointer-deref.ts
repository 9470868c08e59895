// KF-IDX-07: do not dereference __ign or __user kfunc arguments directly.
// Reads the kfunc body: every direct read of such a pointer parameter is reported.
import { reviewedKfuncs, snippet } from '../../model/c-query.js';
import { defineRule } from '../contract.js';

/** Callees that read the memory a pointer argument points to, without a fault handler. */
const READERS =
  /^(memcpy|memmove|memcmp|memchr|strcpy|strncpy|strscpy|strscpy_pad|strlcpy|strlen|strnlen|strcmp|strncmp|strchr|strstr|kstrdup|kstrndup|kmemdup|sprintf|snprintf|sscanf|simple_strtoul|kstrto\w+)$/;

export default defineRule({
  meta: {
    id: 'KF-IDX-07',
    severity: 'error',
    description: 'Do not dereference __ign or __user kfunc arguments directly',
    rationale:
      'A parameter marked __ign is not type-checked by the verifier, and a __user pointer points into user space: dereferencing either directly (or handing it to memcpy/strlen) can fault or read arbitrary kernel memory. Use copy_from_user()/strncpy_from_user() or the *_nofault readers.',
    kernels: 'all',
    messages: {
      untrustedDeref: '{name}() reads {param} directly although the verifier did not check it; use a fault-tolerant reader',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const p of k.params) {
        if (!p.pointer) continue;
        const user = /\b__user\b/.test(p.type);
        if (p.suffix !== '__ign' && !user) continue;
        const why = user
          ? `\`${p.type}\` is a user-space pointer`
          : `${p.name} carries __ign, so the verifier did not check what it points to`;
        for (const id of k.body.descendantsOfType('identifier')) {
          if (id.text !== p.name) continue;
          let n = id;
          while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'cast_expression')) n = n.parent;
          const par = n.parent;
          if (!par) continue;
          let how: string | null = null;
          if (par.type === 'pointer_expression' && par.childForFieldName('operator')?.text === '*')
            how = `dereferenced: \`${snippet(par, 60)}\``;
          else if (par.type === 'field_expression' && par.childForFieldName('argument')?.id === n.id)
            how = `dereferenced: \`${snippet(par, 60)}\``;
          else if (par.type === 'subscript_expression' && par.childForFieldName('argument')?.id === n.id)
            how = `indexed: \`${snippet(par, 60)}\``;
          else if (par.type === 'argument_list') {
            const call = par.parent!;
            const name = call.childForFieldName('function')?.text ?? '';
            if (READERS.test(name)) how = `passed to ${name}(), which reads kernel memory directly: \`${snippet(call, 60)}\``;
          }
          if (!how) continue;
          const line = par.startPosition.row + 1;
          report({
            messageId: 'untrustedDeref',
            kfunc: k.name,
            file: k.file,
            line,
            key: p.name,
            data: { name: k.name, param: p.name },
            evidence: [
              why,
              `${p.name} is ${how} at ${k.file}:${line}`,
              user
                ? 'fix: use copy_from_user()/strncpy_from_user() (sleepable) or the *_nofault variants'
                : 'fix: read it with copy_from_kernel_nofault()/copy_from_user_nofault() (or strncpy_from_*_nofault) and handle the fault',
            ],
          });
        }
      }
    }
  },
});
