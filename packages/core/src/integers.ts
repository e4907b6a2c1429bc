import { CoreCode, type FormatName, LogspecError } from './errors.js';

/** The u64/i64 ranges as bigints, and u64 values given as decimal strings, numbers or bigints. */

export const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
export const U64_MAX = (1n << 64n) - 1n;
export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;

export function toBigInt(v: number, format: FormatName): bigint {
  if (!Number.isSafeInteger(v)) {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `not a safe integer: ${v}; pass a bigint`);
  }
  return BigInt(v);
}

/**
 * Parses a u64 given as a decimal string of digits only (the wire form of u64 in logspec's
 * canonical JSON: no sign, spaces, `0x` or exponent), a safe integer number, or a bigint.
 */
export function parseU64(s: string | number | bigint, format: FormatName = 'core'): bigint {
  let v: bigint;
  try {
    if (typeof s === 'string' && !/^[0-9]{1,20}$/.test(s)) throw new Error('not decimal');
    v = typeof s === 'bigint' ? s : typeof s === 'number' ? toBigInt(s, format) : BigInt(s);
  } catch {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `not an integer: ${String(s)}`);
  }
  if (v < 0n || v > U64_MAX) throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `u64 out of range: ${v}`);
  return v;
}
