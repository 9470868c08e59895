// Expressions compared as text: bounds, sizes and lengths are matched after folding away what
// does not change their value.

/** Text with white space, redundant parentheses and integer casts removed, for comparison. */
export function normText(s: string): string {
  let t = s.replace(/\s+/g, '');
  for (;;) {
    const n = t
      .replace(/^\((?:u8|u16|u32|u64|s8|s16|s32|s64|int|unsignedint|unsignedlong|long|size_t)\)/, '')
      .replace(/^\(([^()]*)\)$/, '$1');
    if (n === t) return t;
    t = n;
  }
}
