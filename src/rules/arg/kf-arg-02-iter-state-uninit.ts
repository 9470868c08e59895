// KF-ARG-02: an iterator constructor that returns before it has written its state.
import { defineRule } from '../contract.js';
import { hasFlag, registrationsOf, reviewedKfuncs, structPointee } from '../../model/c-query.js';
import { isIterStruct, iterKfuncName, iterKfuncParts, iterStructType } from '../../knowledge/iterator-naming.js';
import { iterInit } from '../../facts/arg-contracts/iter-init.js';

export default defineRule({
  meta: {
    id: 'KF-ARG-02',
    severity: 'error',
    description: 'Report iterator constructors that return without initialising the iterator state',
    rationale:
      "The verifier marks the program's iterator slots initialised whatever the KF_ITER_NEW kfunc returns (process_iter_arg() in kernel/bpf/verifier.c), and open-coded loops call _next() and _destroy() after a failed _new() too. A return that leaves the state unwritten hands them whatever was on the BPF stack: a garbage pointer to follow or free.",
    kernels: '>=6.4',
    messages: {
      uninit:
        '{name}() can return ({ret}) before it writes the iterator state {state}: {next}() and {destroy}() still run on it after a failed constructor; set the state (e.g. clear the pointer they test) before the first return',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      const regs = registrationsOf(model, k.name);
      const byName = iterKfuncParts(k.name)?.kind === 'new';
      if (!byName && !regs.some((r) => hasFlag(r, 'KF_ITER_NEW'))) continue;
      const state = k.params.find((p) => {
        const s = structPointee(p.type);
        return !!s && isIterStruct(s);
      });
      if (!state) continue;
      const init = iterInit(k, state.name);
      const first = init.unwritten[0];
      if (!first) continue;
      const type = iterStructType(structPointee(state.type)!) ?? '';
      report({
        messageId: 'uninit',
        data: {
          name: k.name,
          ret: first.text,
          state: state.name,
          next: iterKfuncName(type, 'next'),
          destroy: iterKfuncName(type, 'destroy'),
        },
        kfunc: k.name,
        file: k.file,
        line: first.line,
        evidence: [
          ...init.unwritten.slice(0, 3).map((r) => `${r.text} at ${k.file}:${r.line}: no write to ${init.names.join('/')} on the way here`),
          init.firstWrite
            ? `the state is first written by ${init.firstWrite.text} at ${k.file}:${init.firstWrite.line}`
            : 'the state is never written',
          'kernel/bpf/verifier.c process_iter_arg(): the iterator slots are marked initialised for a KF_ITER_NEW call whatever it returns',
        ],
      });
    }
  },
});
