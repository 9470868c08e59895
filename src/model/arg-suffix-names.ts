// The kfunc argument suffixes the verifier reads from parameter names (`buf__sz`, `p__map`...):
// the vocabulary the model needs to fill Param.suffix. What each suffix means to the verifier,
// and since when, is knowledge/arg-suffixes.ts, whose table is keyed by exactly these names
// (TypeScript rejects a name without facts or facts without a name). The list sits in the model
// layer because the parser needs it and layers only import downward.
//
// Where it comes from: the btf_param_match_suffix() callers in kernel/bpf/verifier.c (6.12) and
// bpf-next mails for the suffixes added after 6.12; see knowledge/arg-suffixes.ts.

export const ARG_SUFFIX_NAMES = [
  '__sz',
  '__szk',
  '__k',
  '__ign',
  '__uninit',
  '__opt',
  '__nullable',
  '__str',
  '__map',
  '__const_map',
  '__alloc',
  '__refcounted_kptr',
  '__iter',
  '__irq_flag',
  '__prog',
  '__nonown_allowed',
  '__arena',
] as const;

export type ArgSuffixName = (typeof ARG_SUFFIX_NAMES)[number];

/** Matches the suffix at the end of a parameter name; `[0]` is the suffix (`__sz`). */
export const ARG_SUFFIX_RE = new RegExp(`(?:${ARG_SUFFIX_NAMES.join('|')})$`);
