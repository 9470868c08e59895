// KF-IDX-05: pair a copy length with its buffer through the __sz convention, or bound it.
// Reads the length sinks of the scalar-parameter flows (src/facts/index) and the parameter list.
import type { KfuncDef } from '../../model/model.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import type { ParamFlow } from '../../facts/index/flow-types.js';
import { defineRule, type Report } from '../contract.js';
import { LENGTH_DEST } from '../../knowledge/indexing-callees.js';
import { bare, pairedBuffer, paramBefore } from './shared.js';

type Reporter = (r: Report & { messageId: 'unpairedLength' | 'szNotAfterPointer' | 'fixedDestination' }) => void;

/** A length sink the verifier never compared with a buffer. */
function unpairedLengths(report: Reporter, k: KfuncDef, f: ParamFlow): void {
  // A __k argument is a verifier-known constant (e.g. the type size bpf_obj_new_impl gets).
  if (f.suffix === '__k') return;
  const buf = pairedBuffer(k, f);
  for (const s of f.sinks) {
    if (s.status === 'complete' || s.kind !== 'length') continue;
    // The destination was produced for exactly this length (a slice, a buffer allocated for it).
    if (s.sizedBy) continue;
    const destPos = LENGTH_DEST[s.target];
    const dest = destPos !== undefined ? s.args?.[destPos] : undefined;
    // The buffer itself, not a member of the same name (`un->sun_path` is not `sun_path`).
    const names = (t: string | undefined) => !!buf && !!t && new RegExp(`(?<![\\w>.])${buf}\\b`).test(t);
    if (buf && s.depth === 0 && dest !== undefined && !names(dest) && names(s.text)) {
      // The verifier sized the BPF side of the copy; the kernel destination got no check.
      report({
        messageId: 'fixedDestination',
        kfunc: k.name,
        file: k.file,
        line: s.entryLine,
        key: `${f.name}:${s.target}:dest`,
        data: { name: k.name, param: f.name, callee: s.target, dest, buf },
        evidence: [
          `parameter ${f.name}: \`${f.type}\` -> ${f.domain}; it is the __sz of ${buf}`,
          `copy: \`${s.text}\` at ${s.file}:${s.line} writes ${f.name} bytes into \`${dest}\`, which is not ${buf}`,
          `the verifier checked ${f.name} against ${buf} only; nothing compares it with the size of \`${dest}\``,
          s.facts.texts.length ? `guard: \`${bare(s.facts.texts[0]!)}\` gives no upper bound` : 'guard: none before the copy',
          `fix: \`if (${f.name} > sizeof(${dest})) return -EINVAL;\` (or the destination's documented maximum) before the copy`,
        ],
      });
      continue;
    }
    // A paired __sz length is verified for its own buffer only.
    if (buf && (s.depth > 0 || names(s.text))) continue;
    report({
      messageId: 'unpairedLength',
      kfunc: k.name,
      file: k.file,
      line: s.entryLine,
      key: `${f.name}:${s.target}`,
      data: { name: k.name, param: f.name, callee: s.target },
      evidence: [
        `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
        `length sink: \`${s.text}\` at ${s.file}:${s.line} (${s.chain})`,
        buf
          ? `${f.name} is the __sz of ${buf}, but the copy does not use ${buf}: the verifier checked only ${buf}`
          : `${f.name} has no __sz/__szk suffix after a buffer parameter, so the verifier did not check any region against it`,
        s.status === 'upper-only'
          ? `guard: \`${bare(s.facts.texts[0]!)}\` misses negative values (${f.type} is signed; a negative length becomes a huge size_t)`
          : 'guard: none limits it to the size of the object copied',
        `fix: pass it as \`void *buf, u32 buf__sz\`, or check \`${f.name} <= sizeof(...)\` first`,
      ],
    });
  }
}

/** `__sz` on a parameter that does not follow a pointer. */
function szPairing(report: Reporter, k: KfuncDef): void {
  k.params.forEach((p, i) => {
    if (p.suffix !== '__sz' && p.suffix !== '__szk') return;
    const prev = paramBefore(k, i);
    if (prev?.pointer) return;
    report({
      messageId: 'szNotAfterPointer',
      kfunc: k.name,
      file: k.file,
      line: k.line,
      key: `sz:${p.name}`,
      data: { name: k.name, param: p.name },
      evidence: [
        `parameter ${i + 1} \`${p.type} ${p.name}\` carries ${p.suffix}`,
        prev ? `the parameter before it, \`${prev.type} ${prev.name}\`, is not a pointer` : 'it is the first parameter',
        'the verifier pairs a __sz/__szk size with the pointer right before it; here it checks no buffer',
      ],
    });
  });
}

export default defineRule({
  meta: {
    id: 'KF-IDX-05',
    severity: 'error',
    description: 'Pair a copy length with its buffer through the __sz convention, or bound it',
    rationale:
      'The verifier checks a memory region only for a size argument named *__sz/*__szk that directly follows its pointer. Any other length reaching memcpy/copy_*/strscpy/memset was never compared with a buffer, so BPF chooses how many bytes are copied.',
    kernels: 'all',
    messages: {
      unpairedLength:
        '{name}() uses {param} as the length of {callee}() although the verifier has not checked it against any buffer; pair it as a __sz argument or bound it first',
      fixedDestination:
        '{name}() copies {param} bytes into `{dest}` with {callee}(), but {param} was checked only against {buf}; bound it by the size of `{dest}` first',
      szNotAfterPointer:
        '{name}() marks {param} with __sz/__szk but it does not follow a pointer parameter, so the verifier checks no buffer against it; move it right after its buffer',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) unpairedLengths(report, k, f);
      szPairing(report, k);
    }
  },
});
