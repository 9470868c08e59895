// Reads the bracket tag of a patch subject: `[PATCH bpf-next v2 4/7] mm: ...`.

export interface SubjectTag {
  /** 'bpf-next', 'net', ... when the tag names a tree. */
  tree: string | null;
  version: number;
  index: number;
  total: number;
  isReply: boolean;
  isPatch: boolean;
}

export function parseSubject(subject: string): SubjectTag {
  const isReply = /^\s*(re|aw|sv)\s*:/i.test(subject);
  const m = /\[([^\]]*PATCH[^\]]*)\]/i.exec(subject);
  const tag: SubjectTag = { tree: null, version: 1, index: 0, total: 0, isReply, isPatch: !!m };
  if (!m) return tag;
  for (const word of m[1].split(/\s+/)) {
    const nm = /^(\d+)\/(\d+)$/.exec(word);
    if (nm) {
      tag.index = Number(nm[1]);
      tag.total = Number(nm[2]);
      continue;
    }
    const vm = /^v(\d+)$/i.exec(word);
    if (vm) {
      tag.version = Number(vm[1]);
      continue;
    }
    if (/^(PATCH|RFC|RESEND)$/i.test(word) || word === '') continue;
    if (/^[a-z][\w.-]*$/i.test(word)) tag.tree = tag.tree ?? word;
  }
  return tag;
}
