// The documented input limits (README, "Limits"). Past one of them an input is refused with one
// line that names it, before any work is sized by the offending number: a 7 KB patch must not
// be able to ask for gigabytes (a hunk at line 10^8) or minutes (a header that lies by millions).

export const LIMITS = {
  /** Bytes of one input (a file, stdin, a PR diff): a kfunc series is a few hundred KB. */
  inputBytes: 8 * 1024 * 1024,
  /**
   * Bytes of C parsed for one image of one file (tree-sitter's tree takes ~50x the text; the
   * largest kfunc file of Linux 6.12 is 350 KB). A file read from --tree over it is reviewed
   * from its hunks.
   */
  parseBytes: 4 * 1024 * 1024,
  /** Highest line number a hunk may reach (Linux's longest file has ~223k lines). */
  lineNumber: 1_000_000,
  /** Hunks in one input, all its patches together. */
  hunks: 20_000,
  /**
   * kfunc definitions, and BTF_ID_FLAGS entries, in one unit (a patch, or a file of an audit):
   * Linux 6.12 has 270 kfuncs in all. Some rules compare every kfunc with its siblings.
   */
  kfuncs: 2_000,
  entries: 4_000,
  /** Dropped blank context lines re-inserted in one hunk of a damaged copy; more reads as truncated. */
  blankReinsert: 64,
  /** Lines of a hunk that blank lines are re-inserted into (web copies are patch-sized). */
  reinsertHunkLines: 5_000,
} as const;

/** `16 MiB`, `1,000,000`: a limit as messages and the README spell it. */
export function spellBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}
