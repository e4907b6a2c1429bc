import fc from 'fast-check';
import type { TraceIdInput, WalEntry, WalRecord, WalRecordInput } from '../src/index.js';
import { formatTraceId, MAX_RECORD_TYPE, RECORD_TYPE_NAMES, type WalRecordType } from '../src/index.js';

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

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const u64Input = fc.oneof(u64, fc.maxSafeNat());

/** Every form the encoder accepts for a field: names or codes, numbers or bigints, ids as strings of any case or bytes. */
export const arbRecordInput: fc.Arbitrary<WalRecordInput> = fc.record(
  {
    recordType: fc.oneof(
      fc.integer({ min: 0, max: MAX_RECORD_TYPE }).map((n) => n as WalRecordType),
      fc.constantFrom(...RECORD_TYPE_NAMES),
    ),
    traceId: fc
      .uint8Array({ minLength: 16, maxLength: 16 })
      .chain((b) =>
        fc.constantFrom<TraceIdInput>(
          formatTraceId(b),
          formatTraceId(b).toUpperCase(),
          hexOf(b),
          hexOf(b).toUpperCase(),
          b,
        ),
      ),
    nodeId: u32,
    timestampNs: u64Input,
    outputOffset: u64Input,
    outputSize: u32,
    schemaHash: u64Input,
    iteration: u32,
    errorMessage: fc.option(text, { nil: undefined }),
    metadata: fc.option(text, { nil: null }),
  },
  { requiredKeys: ['recordType', 'traceId', 'timestampNs'] },
);

/** A value that is wrong for some field (or right: the mix keeps both paths busy). */
export const arbFieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -5, max: 20 }),
  fc.double(),
  fc.bigInt({ min: -2n, max: 1n << 65n }),
  fc.constantFrom(2 ** 32, 2 ** 53, -1n, (1n << 64n) - 1n, 1n << 64n, null, undefined, '', 'LoopExit', 'Nope'),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('a\ud800b', '\udc00', 'ok\ud83d\ude00'),
  fc.stringMatching(/^[0-9a-fA-Fg-]{30,38}$/),
  fc.uint8Array({ minLength: 14, maxLength: 17 }),
);

/** Entries as plain data, records decoded: readers decode on access, so compare this. */
export function plainEntries(entries: readonly WalEntry[]) {
  return entries.map((e) => ({ file: e.file, offset: e.offset, totalLen: e.totalLen, record: e.record }));
}
