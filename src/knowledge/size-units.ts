// The kernel's size helpers and the unit each one answers in. A size checked with one helper and
// used with another is a classic off-by-units bug: `BITS_TO_BYTES(n)` bytes is not enough for a
// callee that moves whole longs (`bitmap_size(n)`), and `BITS_TO_LONGS(n)` is a count of longs,
// not bytes. Each helper turns a number of bits N into ceil(N / round) units of `unitBytes`
// bytes; a helper whose result is a count of elements (not bytes) has `count: true`, and its
// value only becomes bytes once multiplied by the element size.
//
// Where it comes from (6.12): include/linux/bitops.h:11-14 defines BITS_TO_LONGS, BITS_TO_U64,
// BITS_TO_U32 and BITS_TO_BYTES as __KERNEL_DIV_ROUND_UP(nr, BITS_PER_TYPE(T)) (a count of
// T-sized units); include/linux/bitmap.h:229 defines bitmap_size(nbits) as
// ALIGN(nbits, BITS_PER_LONG) / BITS_PER_BYTE (bytes of whole longs). The kernels we review are
// 64-bit (LP64), so BITS_PER_LONG is 64.

export interface SizeHelper {
  /** Bits per unit the helper rounds up to. */
  round: 8 | 32 | 64;
  /** Bytes per unit: the result counts units of this size. */
  unitBytes: 1 | 4 | 8;
  /** The result is a count of units (multiply by unitBytes for bytes), not a byte count. */
  count: boolean;
  evidence: string;
}

export const SIZE_HELPERS: Readonly<Record<string, SizeHelper>> = {
  BITS_TO_BYTES: { round: 8, unitBytes: 1, count: false, evidence: 'include/linux/bitops.h:14: bytes for nr bits' },
  BITS_TO_U32: { round: 32, unitBytes: 4, count: true, evidence: 'include/linux/bitops.h:13: number of u32 words for nr bits' },
  BITS_TO_U64: { round: 64, unitBytes: 8, count: true, evidence: 'include/linux/bitops.h:12: number of u64 words for nr bits' },
  BITS_TO_LONGS: { round: 64, unitBytes: 8, count: true, evidence: 'include/linux/bitops.h:11: number of longs for nr bits' },
  bitmap_size: {
    round: 64,
    unitBytes: 8,
    count: false,
    evidence: 'include/linux/bitmap.h:229: ALIGN(nbits, BITS_PER_LONG) / BITS_PER_BYTE, bytes of whole longs',
  },
};

/**
 * `DIV_ROUND_UP(nbits, D)` (include/linux/math.h) with a divisor that is a bit count of a unit:
 * the same rounding as the helper of that unit, as a count.
 */
export const BIT_DIVISORS: Readonly<Record<string, { round: 8 | 32 | 64; unitBytes: 1 | 4 | 8 }>> = {
  '8': { round: 8, unitBytes: 1 },
  BITS_PER_BYTE: { round: 8, unitBytes: 1 },
  '32': { round: 32, unitBytes: 4 },
  '64': { round: 64, unitBytes: 8 },
  BITS_PER_LONG: { round: 64, unitBytes: 8 },
};
