// How much memory kernel callees read or write through their pointer arguments: the table the
// memory rules use to tell whether a size check covers what a callee really touches. An extent
// is either a byte count taken from another argument (`len`), a number of bits rounded up to the
// unit the callee moves (`bits`), or a NUL-terminated string read (`string`, at most `len` bytes
// when a count argument bounds it).
//
// Where it comes from (6.12):
//   mem*/copy_* / str*cpy  - the C library contracts and include/linux/string.h, lib/string.c,
//                            include/linux/uaccess.h, mm/maccess.c (copy_from_kernel_nofault),
//                            lib/strncpy_from_user.c; the count is a byte count.
//   bitmap_copy/zero/fill  - include/linux/bitmap.h:231-262: memcpy/memset of bitmap_size(nbits),
//                            whole longs (or one long when nbits is a small constant).
//   bitmap_and/or/xor/andnot/complement/equal/weight - lib/bitmap.c: __bitmap_and() and
//                            friends loop over BITS_TO_LONGS(bits) words, the last one whole.
//   bitmap_from_arr32/to_arr32 - lib/bitmap.c:788-826: DIV_ROUND_UP(nbits, 32) u32 words of buf.
//   bitmap_from_arr64/to_arr64 - include/linux/bitmap.h:315-318: bitmap_copy_clear_tail() on
//                            64-bit, whole u64 words.
//   d_path                 - fs/d_path.c: writes at most buflen bytes into buf.
//   strcpy/strcat/sprintf  - lib/string.c, lib/vsprintf.c: write until the source (or the
//                            formatted text) ends, bounded by nothing.

export type Extent =
  { kind: 'len'; arg: number } | { kind: 'bits'; arg: number; round: 8 | 32 | 64; unitBytes: 1 | 4 | 8 } | { kind: 'string'; arg?: number };

export interface MemoryArg {
  arg: number;
  mode: 'read' | 'write';
  extent: Extent;
}

const len = (arg: number, mode: 'read' | 'write', n: number): MemoryArg => ({ arg, mode, extent: { kind: 'len', arg: n } });
const longs = (arg: number, mode: 'read' | 'write', n: number): MemoryArg => ({
  arg,
  mode,
  extent: { kind: 'bits', arg: n, round: 64, unitBytes: 8 },
});
const u32s = (arg: number, mode: 'read' | 'write', n: number): MemoryArg => ({
  arg,
  mode,
  extent: { kind: 'bits', arg: n, round: 32, unitBytes: 4 },
});
const str = (arg: number, bound?: number): MemoryArg => ({ arg, mode: 'read', extent: { kind: 'string', arg: bound } });

export const MEMORY_CALLEES: Readonly<Record<string, readonly MemoryArg[]>> = {
  memcpy: [len(0, 'write', 2), len(1, 'read', 2)],
  memmove: [len(0, 'write', 2), len(1, 'read', 2)],
  memset: [len(0, 'write', 2)],
  memcmp: [len(0, 'read', 2), len(1, 'read', 2)],
  memcpy_fromio: [len(0, 'write', 2)],
  memcpy_toio: [len(1, 'read', 2)],
  copy_from_user: [len(0, 'write', 2)],
  __copy_from_user: [len(0, 'write', 2)],
  copy_to_user: [len(1, 'read', 2)],
  __copy_to_user: [len(1, 'read', 2)],
  copy_from_kernel_nofault: [len(0, 'write', 2)],
  copy_from_user_nofault: [len(0, 'write', 2)],
  strncpy_from_user: [len(0, 'write', 2)],
  strncpy_from_user_nofault: [len(0, 'write', 2)],
  strncpy_from_kernel_nofault: [len(0, 'write', 2)],
  strscpy: [len(0, 'write', 2), str(1, 2)],
  strscpy_pad: [len(0, 'write', 2), str(1, 2)],
  strncpy: [len(0, 'write', 2), str(1, 2)],
  kmemdup: [len(0, 'read', 1)],
  // No count at all: as many bytes as the source string (or the formatted text) has.
  strcpy: [{ arg: 0, mode: 'write', extent: { kind: 'string' } }],
  strcat: [{ arg: 0, mode: 'write', extent: { kind: 'string' } }],
  sprintf: [{ arg: 0, mode: 'write', extent: { kind: 'string' } }],
  d_path: [len(1, 'write', 2)],
  bitmap_copy: [longs(0, 'write', 2), longs(1, 'read', 2)],
  bitmap_copy_clear_tail: [longs(0, 'write', 2), longs(1, 'read', 2)],
  bitmap_zero: [longs(0, 'write', 1)],
  bitmap_fill: [longs(0, 'write', 1)],
  bitmap_and: [longs(0, 'write', 3), longs(1, 'read', 3), longs(2, 'read', 3)],
  bitmap_or: [longs(0, 'write', 3), longs(1, 'read', 3), longs(2, 'read', 3)],
  bitmap_xor: [longs(0, 'write', 3), longs(1, 'read', 3), longs(2, 'read', 3)],
  bitmap_andnot: [longs(0, 'write', 3), longs(1, 'read', 3), longs(2, 'read', 3)],
  bitmap_complement: [longs(0, 'write', 2), longs(1, 'read', 2)],
  bitmap_equal: [longs(0, 'read', 2), longs(1, 'read', 2)],
  bitmap_weight: [longs(0, 'read', 1)],
  bitmap_from_arr32: [longs(0, 'write', 2), u32s(1, 'read', 2)],
  bitmap_to_arr32: [u32s(0, 'write', 2), longs(1, 'read', 2)],
  bitmap_from_arr64: [longs(0, 'write', 2), longs(1, 'read', 2)],
  bitmap_to_arr64: [longs(0, 'write', 2), longs(1, 'read', 2)],
};

/**
 * Callees that read argument `arg` as a NUL-terminated C string: they run until the NUL, so the
 * verifier must have checked the whole string (a `__str` constant string, or a `__sz` buffer the
 * kfunc terminates). `bound` is the count argument that caps the read, when there is one (a
 * count of 1 reads one byte). C library contracts (lib/string.c, lib/kstrtox.c, lib/vsprintf.c);
 * bpf_bprintf_prepare(): kernel/bpf/helpers.c:816-830 (6.12) scans fmt with strnchr(fmt,
 * fmt_size, 0) and then walks it byte by byte.
 */
export const STRING_READERS: Readonly<Record<string, readonly { arg: number; bound?: number }[]>> = {
  strlen: [{ arg: 0 }],
  strnlen: [{ arg: 0, bound: 1 }],
  strcmp: [{ arg: 0 }, { arg: 1 }],
  strncmp: [
    { arg: 0, bound: 2 },
    { arg: 1, bound: 2 },
  ],
  strcasecmp: [{ arg: 0 }, { arg: 1 }],
  strncasecmp: [
    { arg: 0, bound: 2 },
    { arg: 1, bound: 2 },
  ],
  strcpy: [{ arg: 1 }],
  strcat: [{ arg: 0 }, { arg: 1 }],
  strscpy: [{ arg: 1, bound: 2 }],
  strscpy_pad: [{ arg: 1, bound: 2 }],
  strncpy: [{ arg: 1, bound: 2 }],
  strlcpy: [{ arg: 1 }],
  strchr: [{ arg: 0 }],
  strrchr: [{ arg: 0 }],
  strnchr: [{ arg: 0, bound: 1 }],
  strstr: [{ arg: 0 }, { arg: 1 }],
  strpbrk: [{ arg: 0 }, { arg: 1 }],
  strsep: [{ arg: 1 }],
  strim: [{ arg: 0 }],
  skip_spaces: [{ arg: 0 }],
  kstrdup: [{ arg: 0 }],
  kstrdup_const: [{ arg: 0 }],
  kstrndup: [{ arg: 0, bound: 1 }],
  kstrtoint: [{ arg: 0 }],
  kstrtouint: [{ arg: 0 }],
  kstrtol: [{ arg: 0 }],
  kstrtoul: [{ arg: 0 }],
  kstrtoll: [{ arg: 0 }],
  kstrtoull: [{ arg: 0 }],
  kstrtos32: [{ arg: 0 }],
  kstrtou32: [{ arg: 0 }],
  kstrtos64: [{ arg: 0 }],
  kstrtou64: [{ arg: 0 }],
  kstrtobool: [{ arg: 0 }],
  simple_strtol: [{ arg: 0 }],
  simple_strtoul: [{ arg: 0 }],
  simple_strtoll: [{ arg: 0 }],
  simple_strtoull: [{ arg: 0 }],
  sscanf: [{ arg: 0 }, { arg: 1 }],
  sysfs_streq: [{ arg: 0 }, { arg: 1 }],
  match_string: [{ arg: 2 }],
  bpf_bprintf_prepare: [{ arg: 0, bound: 1 }],
  lookup_one_len: [{ arg: 0, bound: 2 }],
  kern_path: [{ arg: 0 }],
  filp_open: [{ arg: 0 }],
  request_module: [{ arg: 0 }],
};

/**
 * Formatters whose format string is argument `fmt` and whose `%s` conversions read the matching
 * variadic argument as a C string (lib/vsprintf.c; printk and the pr_* wrappers take the format
 * first). Positions are of the format argument.
 */
export const FORMATTERS: Readonly<Record<string, number>> = {
  printk: 0,
  pr_info: 0,
  pr_warn: 0,
  pr_err: 0,
  pr_debug: 0,
  pr_notice: 0,
  pr_cont: 0,
  sprintf: 1,
  snprintf: 2,
  scnprintf: 2,
  kasprintf: 1,
  seq_printf: 1,
  trace_printk: 0,
};
