import fc from 'fast-check';
import {
  MAX_EPOCH_SECONDS,
  type Message,
  MIN_EPOCH_SECONDS,
  type Timestamp,
  type TransactionMarker,
} from '../src/index.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Mostly small values (the common 1–3 byte varints), sometimes anything. */
export const arbU64 = fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 1n << 35n }), u64);

export const arbTimestamp: fc.Arbitrary<Timestamp> = fc.oneof(
  fc.record({
    epochSeconds: fc.bigInt({ min: BigInt(MIN_EPOCH_SECONDS), max: BigInt(MAX_EPOCH_SECONDS) }),
    nanos: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 999 }).map((n) => n * 1_000_000),
      fc.integer({ min: 0, max: 999_999_999 }),
    ),
  }),
  // Around now, millisecond precision (the common case).
  fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }).map((ms) => ({
    epochSeconds: BigInt(Math.floor(ms / 1000)),
    nanos: (ms % 1000) * 1_000_000,
  })),
  // Leap seconds: chrono keeps them as second 59 with nanos >= 1e9.
  fc
    .record({ minute: fc.integer({ min: -1_000_000, max: 1_000_000 }), frac: fc.integer({ min: 0, max: 999_999_999 }) })
    .map(({ minute, frac }) => ({ epochSeconds: BigInt(minute * 60 + 59), nanos: 1_000_000_000 + frac })),
);

const bytes = (max: number) => fc.uint8Array({ maxLength: max });

export const arbMessage: fc.Arbitrary<Message> = fc.record({
  offset: arbU64,
  key: fc.option(bytes(40), { nil: null }),
  value: fc.oneof(bytes(64), bytes(300)),
  timestamp: arbTimestamp,
  headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: bytes(20) }), {
    maxLength: 4,
  }),
  producerId: fc.option(arbU64, { nil: null }),
  producerEpoch: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: null }),
  transactionMarker: fc.option(fc.constantFrom<TransactionMarker>('Commit', 'Abort'), { nil: null }),
  isTransactional: fc.boolean(),
});

/** Plain-data view for deep equality (Uint8Array views compare by content). */
export function plain(m: Message): unknown {
  return {
    ...m,
    key: m.key === null ? null : [...m.key],
    value: [...m.value],
    headers: m.headers.map((h) => ({ key: h.key, value: [...h.value] })),
  };
}
