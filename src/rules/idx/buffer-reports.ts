// Reports on the sizes and pointers BPF hands in: KF-IDX-05 (a length no __sz pairs with a
// buffer), KF-IDX-06 (an unbounded allocation or loop count), KF-IDX-07 (an unchecked pointer read).
import type { KfuncDef } from '../../model/model.js';
import { snippet } from '../../model/c-query.js';
import type { ParamFlow } from '../../facts/index/args.js';
import { type PlanContext, bare } from './plan-context.js';

/** The parameter before the `i`-th one, where `__sz` pairs. */
const paramBefore = (k: KfuncDef, i: number) => (i > 0 ? k.params[i - 1] : undefined);

// ------------------------------------------------------------ KF-IDX-05/06

function paired(k: KfuncDef, f: ParamFlow): string | null {
  if (f.suffix !== '__sz' && f.suffix !== '__szk') return null;
  const prev = paramBefore(k, k.params.findIndex((p) => p.name === f.name));
  return prev?.pointer ? prev.name : null;
}

export function sizeRules(cx: PlanContext, k: KfuncDef, f: ParamFlow): void {
  // A __k argument is a verifier-known constant (e.g. the type size bpf_obj_new_impl gets).
  if (f.suffix === '__k') return;
  const buf = paired(k, f);
  for (const s of f.sinks) {
    if (s.status === 'complete') continue;
    if (s.kind === 'length') {
      // A paired __sz length is verified for its own buffer only.
      if (buf && (s.depth > 0 || new RegExp(`\\b${buf}\\b`).test(s.text))) continue;
      cx.push('KF-IDX-05', {
        messageId: 'unpairedLength', kfunc: k.name, file: k.file, line: s.entryLine, key: `${f.name}:${s.target}:${s.line}`,
        data: { name: k.name, param: f.name, callee: s.target },
        evidence: [
          `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
          `length sink: \`${s.text}\` at ${s.file}:${s.line} (${s.chain})`,
          buf ? `${f.name} is the __sz of ${buf}, but the copy does not use ${buf}: the verifier checked only ${buf}` : `${f.name} has no __sz/__szk suffix after a buffer parameter, so the verifier did not check any region against it`,
          s.status === 'upper-only' ? `guard: \`${bare(s.facts.texts[0]!)}\` misses negative values (${f.type} is signed; a negative length becomes a huge size_t)` : 'guard: none limits it to the size of the object copied',
          `fix: pass it as \`void *buf, u32 buf__sz\`, or check \`${f.name} <= sizeof(...)\` first`,
        ],
      });
    } else if (s.kind === 'alloc' || s.kind === 'loop') {
      if (buf) continue;
      cx.push('KF-IDX-06', {
        messageId: s.kind === 'alloc' ? 'unboundedAlloc' : 'unboundedLoop', kfunc: k.name, file: k.file, line: s.entryLine,
        key: `${f.name}:${s.kind}:${s.line}`,
        data: { name: k.name, param: f.name, callee: s.target },
        evidence: [
          `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
          `${s.kind === 'alloc' ? 'allocation size' : 'loop bound'}: \`${s.text}\` at ${s.file}:${s.line} (${s.chain})`,
          s.facts.texts.length ? `guard: \`${bare(s.facts.texts[0]!)}\` is not a complete cap` : 'guard: no maximum before it',
          s.kind === 'alloc' ? 'fix: cap it (e.g. `if (n > MAX_X) return -E2BIG;`) and use kcalloc()/array_size() for products' : 'fix: cap the count (cf. bpf_iter_num_new() and BPF_MAX_LOOPS) so a BPF program cannot stall the CPU',
        ],
      });
    }
  }
}

/** KF-IDX-05: `__sz` on a parameter that does not follow a pointer. */
export function szPairing(cx: PlanContext, k: KfuncDef): void {
  k.params.forEach((p, i) => {
    if (p.suffix !== '__sz' && p.suffix !== '__szk') return;
    const prev = paramBefore(k, i);
    if (prev?.pointer) return;
    cx.push('KF-IDX-05', {
      messageId: 'szNotAfterPointer', kfunc: k.name, file: k.file, line: k.line, key: `sz:${p.name}`,
      data: { name: k.name, param: p.name },
      evidence: [
        `parameter ${i + 1} \`${p.type} ${p.name}\` carries ${p.suffix}`,
        prev ? `the parameter before it, \`${prev.type} ${prev.name}\`, is not a pointer` : 'it is the first parameter',
        'the verifier pairs a __sz/__szk size with the pointer right before it; here it checks no buffer',
      ],
    });
  });
}

// ------------------------------------------------------------ KF-IDX-07

export function untrustedPointers(cx: PlanContext, k: KfuncDef): void {
  const READERS = /^(memcpy|memmove|memcmp|memchr|strcpy|strncpy|strscpy|strscpy_pad|strlcpy|strlen|strnlen|strcmp|strncmp|strchr|strstr|kstrdup|kstrndup|kmemdup|sprintf|snprintf|sscanf|simple_strtoul|kstrto\w+)$/;
  for (const p of k.params) {
    if (!p.pointer) continue;
    const user = /\b__user\b/.test(p.type);
    if (p.suffix !== '__ign' && !user) continue;
    const why = user ? `\`${p.type}\` is a user-space pointer` : `${p.name} carries __ign, so the verifier did not check what it points to`;
    for (const id of k.body.descendantsOfType('identifier')) {
      if (id.text !== p.name) continue;
      let n = id;
      while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'cast_expression')) n = n.parent;
      const par = n.parent;
      if (!par) continue;
      let how: string | null = null;
      if (par.type === 'pointer_expression' && par.childForFieldName('operator')?.text === '*') how = `dereferenced: \`${snippet(par, 60)}\``;
      else if (par.type === 'field_expression' && par.childForFieldName('argument')?.id === n.id) how = `dereferenced: \`${snippet(par, 60)}\``;
      else if (par.type === 'subscript_expression' && par.childForFieldName('argument')?.id === n.id) how = `indexed: \`${snippet(par, 60)}\``;
      else if (par.type === 'argument_list') {
        const call = par.parent!;
        const name = call.childForFieldName('function')?.text ?? '';
        if (READERS.test(name)) how = `passed to ${name}(), which reads kernel memory directly: \`${snippet(call, 60)}\``;
      }
      if (!how) continue;
      const line = par.startPosition.row + 1;
      cx.push('KF-IDX-07', {
        messageId: 'untrustedDeref', kfunc: k.name, file: k.file, line, key: `${p.name}:${line}`,
        data: { name: k.name, param: p.name },
        evidence: [why, `${p.name} is ${how} at ${k.file}:${line}`, user ? 'fix: use copy_from_user()/strncpy_from_user() (sleepable) or the *_nofault variants' : 'fix: read it with copy_from_kernel_nofault()/copy_from_user_nofault() (or strncpy_from_*_nofault) and handle the fault'],
      });
    }
  }
}
