import fc from 'fast-check';
import type { WalRecord } from '../src/index.js';
import { formatTraceId, MAX_RECORD_TYPE, type WalRecordType } from '../src/index.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Any well-formed string (no lone surrogates), ASCII-heavy or full Unicode. */
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constant(''));

export const arbRecord: fc.Arbitrary<WalRecord> = fc.record({
  recordType: fc.integer({ min: 0, max: MAX_RECORD_TYPE }).map((n) => n as WalRecordType),
  traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatTraceId(b)),
  nodeId: u32,
  timestampNs: u64,
  outputOffset: u64,
  outputSize: u32,
  schemaHash: u64,
  iteration: u32,
  errorMessage: fc.option(text, { nil: null }),
  metadata: fc.option(text, { nil: null }),
});

/** What a record reads back as: the format stores `Some("")` as none. */
export function normalized(r: WalRecord): WalRecord {
  return { ...r, errorMessage: r.errorMessage || null, metadata: r.metadata || null };
}
