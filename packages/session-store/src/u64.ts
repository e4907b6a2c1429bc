/**
 * u64 fields (sequence numbers, offsets) as JS values. Canonical form: a `number` when the
 * value is a safe integer, a `bigint` otherwise. Because the form is canonical, `===`
 * compares two u64s correctly and `<`/`<=` work across the two types.
 */
export type U64 = number | bigint;

export const U64_MAX = (1n << 64n) - 1n;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

export function u64FromBigInt(v: bigint): U64 {
  return v <= MAX_SAFE_BIG ? Number(v) : v;
}

/** a + b, or `undefined` when the sum exceeds u64 (Rust's `checked_add`). */
export function checkedAddU64(a: U64, b: U64): U64 | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= Number.MAX_SAFE_INTEGER) return s;
  }
  const s = BigInt(a) + BigInt(b);
  return s > U64_MAX ? undefined : u64FromBigInt(s);
}

/** a + b clamped to u64::MAX (Rust's `saturating_add`). */
export function saturatingAddU64(a: U64, b: U64): U64 {
  return checkedAddU64(a, b) ?? U64_MAX;
}

/** a - b clamped at 0 (Rust's `saturating_sub`). */
export function saturatingSubU64(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') return a > b ? a - b : 0;
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? 0 : u64FromBigInt(d);
}

export function isU64(v: unknown): v is U64 {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
  if (typeof v === 'bigint') return v >= 0n && v <= U64_MAX;
  return false;
}

/** Normalizes a number/bigint/decimal string to canonical U64, or `undefined` if it is not one. */
export function toU64(v: unknown): U64 | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'bigint') return v >= 0n && v <= U64_MAX ? u64FromBigInt(v) : undefined;
  if (typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v)) {
    const b = BigInt(v);
    return b <= U64_MAX ? u64FromBigInt(b) : undefined;
  }
  return undefined;
}

/** `{seq:016}`: decimal, zero-padded to at least 16 digits. */
export function pad16(v: U64): string {
  return String(v).padStart(16, '0');
}
