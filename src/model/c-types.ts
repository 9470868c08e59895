// How C and the kernel spell the integer scalar types, grouped by what they are on the 64-bit
// kernels we review (LP64: long and pointers are 64 bits). The one table of scalar spellings:
// c-query's isScalarType(), the struct-pointer checks of the flag rules and the semantics
// engine's type classifier all read it.
//
// Where the facts come from: C11 6.2.5/6.7.2 for the standard spellings; include/linux/types.h
// and include/uapi/asm-generic/int-ll64.h (6.12) for the kernel typedefs (u8..u64 and
// __u8..__u64, size_t/ssize_t/loff_t/uintptr_t as unsigned long/long, pid_t as int, gfp_t as
// unsigned int). `char` is listed as signed, the x86-64 ABI default; note that the kernel
// builds with -funsigned-char since 6.2.
//
// It sits in the model layer, not in knowledge/, because c-query (the model's rule SDK) needs it
// and layers only import downward; the flag rules and the semantics engine import it from here.

/** Group keys name the kernel's fixed-width typedef of the group. */
export type ScalarGroup = 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'bool';

/** Every spelling of each group, with white space folded to single spaces. */
export const SCALAR_SPELLINGS: Readonly<Record<ScalarGroup, readonly string[]>> = {
  s8: ['char', 'signed char', 's8', '__s8', 'int8_t'],
  u8: ['unsigned char', 'u8', '__u8', 'uint8_t'],
  s16: ['short', 'short int', 'signed short', 'signed short int', 's16', '__s16', 'int16_t'],
  u16: ['unsigned short', 'unsigned short int', 'u16', '__u16', 'uint16_t'],
  s32: ['int', 'signed', 'signed int', 's32', '__s32', 'int32_t', 'pid_t'],
  u32: ['unsigned', 'unsigned int', 'u32', '__u32', 'uint32_t', 'gfp_t'],
  s64: [
    'long',
    'long int',
    'long long',
    'long long int',
    'signed long',
    'signed long int',
    'signed long long',
    'signed long long int',
    's64',
    '__s64',
    'int64_t',
    'ssize_t',
    'loff_t',
  ],
  u64: [
    'unsigned long',
    'unsigned long int',
    'unsigned long long',
    'unsigned long long int',
    'u64',
    '__u64',
    'uint64_t',
    'size_t',
    'uintptr_t',
  ],
  bool: ['bool', '_Bool'],
};

const GROUP_OF = new Map<string, ScalarGroup>(
  (Object.entries(SCALAR_SPELLINGS) as [ScalarGroup, readonly string[]][]).flatMap(([g, names]) =>
    names.map((n) => [n, g] as [string, ScalarGroup]),
  ),
);

/** The group of a spelling (qualifiers already stripped, white space folded), or undefined. */
export function scalarGroup(spelling: string): ScalarGroup | undefined {
  return GROUP_OF.get(spelling);
}

/**
 * True for a scalar type as written (qualifiers already stripped, white space folded): an
 * integer or bool spelling of the table, or any `enum X` (the verifier passes enums as scalars).
 */
export function isScalarSpelling(spelling: string): boolean {
  return GROUP_OF.has(spelling) || /^enum \w+$/.test(spelling);
}
