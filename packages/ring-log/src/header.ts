import { RingCode, ringError } from './errors.js';
import { HEADER_BYTES, HeaderOffset, MAX_CAPACITY, RING_MAGIC, RING_VERSION } from './layout.js';

/** A decoded ring header. `cursor` is the stored u64 as is; the next slot is `cursor % capacity`. */
export interface RingHeader {
  /** Always 1 once decoded. */
  version: number;
  /** u32, written 0; the original ignores it on read (strict mode requires 0). */
  flags: number;
  /** 1 … 1,048,576. */
  capacity: number;
  /** The stored next-slot cursor, unreduced. */
  cursor: bigint;
}

/** What the encoder takes: the version is implied; cursor and flags default to 0. */
export interface RingHeaderInput {
  capacity: number | bigint;
  cursor?: number | bigint;
  flags?: number;
}

/**
 * `original` accepts what vyre-runtime 0.6.1 accepts; `strict` also refuses what no
 * conforming writer produces (non-zero flags or padding, a cursor ≥ capacity, dirty empty slots).
 */
export type DecodeMode = 'original' | 'strict';

export interface DecodeOptions {
  mode?: DecodeMode;
}

const U64_MAX = (1n << 64n) - 1n;
const MAX_CAPACITY_N = BigInt(MAX_CAPACITY);

/** A u64 given as a number or bigint; `INVALID_VALUE` when it is not one. */
export function toU64(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= U64_MAX) return v;
  } else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
    return BigInt(v);
  }
  throw ringError(RingCode.INVALID_VALUE, `${what} must be a u64 (bigint, or a safe non-negative integer)`, undefined, {
    field: what,
    value: String(v),
  });
}

/**
 * Validates a capacity the way the original's `validate_capacity` does (0 first, then the
 * maximum) and returns it as a number. `offset` is where it was read from, if it was.
 */
export function checkCapacity(value: number | bigint, offset?: number): number {
  const c = toU64(value, 'capacity');
  if (c === 0n) {
    throw ringError(RingCode.ZERO_CAPACITY, 'ring capacity must be > 0', offset, { count: '0' });
  }
  if (c > MAX_CAPACITY_N) {
    throw ringError(RingCode.CAPACITY_OVERFLOW, `ring capacity ${c} exceeds max ${MAX_CAPACITY}`, offset, {
      count: c.toString(),
      max: String(MAX_CAPACITY),
    });
  }
  return Number(c);
}

function truncated(have: number): never {
  throw ringError(RingCode.TRUNCATED_HEADER, `ring header truncated: need ${HEADER_BYTES} bytes, have ${have}`, have, {
    need: HEADER_BYTES,
    have,
  });
}

/**
 * Decodes the header at the start of `bytes` (a whole file or just its first 32 bytes).
 * Checks run in the order the original reads: magic (8 bytes), version (4), then the rest,
 * so a short file gets the same error kind as the original would give.
 */
export function decodeHeader(bytes: Uint8Array, opts: DecodeOptions = {}): RingHeader {
  const have = bytes.length;
  if (have < 8) truncated(have);
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== RING_MAGIC[i]) {
      throw ringError(RingCode.BAD_MAGIC, 'ring header magic is not "VRRL0001"', HeaderOffset.magic, {
        firstDifference: i,
      });
    }
  }
  if (have < 12) truncated(have);
  const view = new DataView(bytes.buffer, bytes.byteOffset, Math.min(have, HEADER_BYTES));
  const version = view.getUint32(HeaderOffset.version, true);
  if (version !== RING_VERSION) {
    throw ringError(
      RingCode.BAD_VERSION,
      `ring header version ${version} is not ${RING_VERSION}`,
      HeaderOffset.version,
      {
        version,
      },
    );
  }
  if (have < HEADER_BYTES) truncated(have);
  const flags = view.getUint32(HeaderOffset.flags, true);
  const capacity = checkCapacity(view.getBigUint64(HeaderOffset.capacity, true), HeaderOffset.capacity);
  const cursor = view.getBigUint64(HeaderOffset.cursor, true);
  if (opts.mode === 'strict') {
    if (flags !== 0) {
      throw ringError(RingCode.NONZERO_FLAGS, `ring header flags are ${flags}, not 0`, HeaderOffset.flags, { flags });
    }
    if (cursor >= BigInt(capacity)) {
      throw ringError(
        RingCode.CURSOR_OUT_OF_RANGE,
        `ring cursor ${cursor} is not below the capacity ${capacity}`,
        HeaderOffset.cursor,
        { cursor: cursor.toString(), capacity },
      );
    }
  }
  return { version, flags, capacity, cursor };
}

/** The slot the next append writes and replay starts from: `cursor % capacity`, as the original. */
export function nextSlotOf(header: Pick<RingHeader, 'capacity' | 'cursor'>): number {
  return Number(header.cursor % BigInt(header.capacity));
}

/**
 * Encodes a header into `into` at `at` (a new 32-byte array by default): version 1, the
 * capacity (1 … 1,048,576), the cursor and flags as given (default 0). It encodes every header
 * `decodeHeader` accepts, so decode and encode are inverses; keeping the cursor below the
 * capacity and flags 0 (RING-W-004) is the writer's job, and the store never writes otherwise.
 */
export function encodeHeader(h: RingHeaderInput, into?: Uint8Array, at = 0): Uint8Array {
  const capacity = checkCapacity(h.capacity);
  const cursor = toU64(h.cursor ?? 0n, 'cursor');
  const flags = h.flags ?? 0;
  if (flags >>> 0 !== flags) {
    throw ringError(RingCode.INVALID_VALUE, 'flags must be a u32', undefined, { field: 'flags', value: String(flags) });
  }
  const out = into ?? new Uint8Array(HEADER_BYTES);
  if (!Number.isInteger(at) || at < 0 || at + HEADER_BYTES > out.length) {
    throw ringError(RingCode.INVALID_VALUE, `no room for a ${HEADER_BYTES}-byte header at ${at}`, undefined, {
      field: 'into',
    });
  }
  out.set(RING_MAGIC, at);
  const view = new DataView(out.buffer, out.byteOffset + at, HEADER_BYTES);
  view.setUint32(HeaderOffset.version, RING_VERSION, true);
  view.setUint32(HeaderOffset.flags, flags, true);
  view.setBigUint64(HeaderOffset.capacity, BigInt(capacity), true);
  view.setBigUint64(HeaderOffset.cursor, cursor, true);
  return out;
}
