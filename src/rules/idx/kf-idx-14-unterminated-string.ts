// KF-IDX-14: leave a string copied into a fixed-size buffer NUL-terminated. Reads the kfunc body:
// a copy that does not terminate on truncation (knowledge/indexing-callees.ts UNTERMINATED_COPY)
// given the whole size of its destination (the `__sz`/`__szk` of a BPF buffer, or sizeof() of an
// array), with no NUL written into the destination after it.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { KfuncDef } from '../../model/model.js';
import { callsIn, reviewedKfuncs, snippet } from '../../model/c-query.js';
import { UNTERMINATED_COPY } from '../../knowledge/indexing-callees.js';
import { defineRule } from '../contract.js';

/** `x` without parentheses and casts. */
function bare(n: SyntaxNode): SyntaxNode {
  let x = n;
  while (x.type === 'parenthesized_expression' || x.type === 'cast_expression')
    x = x.type === 'cast_expression' ? x.childForFieldName('value')! : x.namedChildren[0]!;
  return x;
}

/** The size that covers all of `dst`: its `__sz`/`__szk` partner, or `sizeof(dst)`. */
function fullSize(k: KfuncDef, dst: string): string[] {
  const out = [`sizeof(${dst})`, `sizeof ${dst}`];
  const i = k.params.findIndex((p) => p.name === dst && p.pointer);
  const q = i >= 0 ? k.params[i + 1] : undefined;
  if (q && (q.suffix === '__sz' || q.suffix === '__szk')) out.push(q.name);
  return out;
}

/** Is a NUL written into `dst` after `after` (`dst[n] = '\0'`, `*(dst + n) = 0`, a terminating copy)? */
function terminatedAfter(k: KfuncDef, dst: string, after: SyntaxNode): boolean {
  for (const a of k.body.descendantsOfType('assignment_expression')) {
    if (a.startIndex < after.endIndex) continue;
    const l = a.childForFieldName('left')!;
    const r = bare(a.childForFieldName('right')!);
    if (!/^('\\0'|0)$/.test(r.text)) continue;
    if (
      (l.type === 'subscript_expression' || l.type === 'pointer_expression') &&
      l.descendantsOfType('identifier').some((i) => i.text === dst)
    )
      return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'KF-IDX-14',
    severity: 'warning',
    description: 'Leave a string copied into a fixed-size buffer NUL-terminated',
    rationale:
      'strncpy_from_user() and strncpy() copy `count` bytes and add no NUL when the source string is that long or longer. Given the whole size of a BPF buffer, they leave the program a "string" without terminator; a string helper reading it then runs past the buffer. Copy at most size - 1 bytes and write the NUL, or use a copier that always terminates.',
    kernels: 'all',
    messages: {
      unterminated:
        '{name}() copies a string into {dst} with {callee}(..., {count}), the whole buffer, and never terminates it: a source of {count} bytes or more leaves {dst} without a NUL. Copy {count} - 1 bytes and set the last byte to 0',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const c of callsIn(k.body)) {
        const spec = UNTERMINATED_COPY[c.name];
        if (!spec) continue;
        const d = c.args[spec.dst];
        const n = c.args[spec.count];
        if (!d || !n) continue;
        const dst = bare(d);
        if (dst.type !== 'identifier') continue;
        const count = bare(n).text.replace(/\s+/g, ' ');
        if (!fullSize(k, dst.text).includes(count)) continue;
        if (terminatedAfter(k, dst.text, c.node)) continue;
        report({
          messageId: 'unterminated',
          kfunc: k.name,
          file: k.file,
          line: c.line,
          key: `${dst.text}:${c.name}`,
          data: { name: k.name, dst: dst.text, callee: c.name, count },
          evidence: [
            `copy: \`${snippet(c.node, 80)}\` at ${k.file}:${c.line}`,
            `${count} is the whole size of ${dst.text}, so a long source fills it completely`,
            `${c.name}() adds no NUL when it truncates (it returns ${count} then)`,
            `no \`${dst.text}[...] = '\\0'\` after the copy`,
            `fix: \`ret = ${c.name}(${dst.text}, ..., ${count} - 1);\` then \`((char *)${dst.text})[ret] = '\\0'\` on success, or reject ret == ${count}`,
          ],
        });
      }
    }
  },
});
