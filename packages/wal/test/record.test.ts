import { readFileSync } from 'node:fs';
import { crc32, hexDecode, hexEncode, isLogspecError, type LogspecError } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  encodedSize,
  encodeRecord,
  encodeRecordInto,
  formatTraceId,
  fromCanonicalRecord,
  HEADER_SIZE,
  MIN_RECORD_SIZE,
  maxEncodedSize,
  newTraceId,
  nowNs,
  recordLengthAt,
  toCanonicalRecord,
  traceIdBytes,
  traceIdHex,
  WalCode,
  type WalRecord,
  WalRecords,
  WalRecordType,
} from '../src/index.js';
import { corpus, GOLDEN_DIR } from './golden.js';

const TRACE = 'f88bb8a8-724c-41ec-9b39-896a51a8749b';

function nodeDone(): WalRecord {
  return WalRecords.nodeDone(TRACE, 7, 4096n, 256, 3735928559n, { timestampNs: 1760000000000002000n });
}

function codeOf(f: () => unknown): { code: string; offset: number | undefined } {
  try {
    f();
  } catch (e) {
    if (isLogspecError(e)) return { code: e.code, offset: e.offset };
    throw e;
  }
  throw new Error('expected a LogspecError');
}

describe('record layout', () => {
  it('encodes every reference record byte for byte (all_types.log)', () => {
    const file = new Uint8Array(readFileSync(`${GOLDEN_DIR}all_types.log`));
    const entry = corpus.entries.find((e) => e.path === 'all_types.log');
    let at = 0;
    for (const op of entry?.recipe.ops ?? []) {
      const bytes = encodeRecord(fromCanonicalRecord(op.record));
      expect(hexEncode(bytes)).toBe(hexEncode(file.subarray(at, at + bytes.length)));
      at += bytes.length;
    }
    expect(at).toBe(file.length);
  });

  it('puts each field where the spec says', () => {
    const b = encodeRecord(nodeDone());
    const v = new DataView(b.buffer);
    expect(b.length).toBe(MIN_RECORD_SIZE);
    expect(v.getUint32(0, true)).toBe(69);
    expect(v.getUint32(4, true)).toBe(crc32(b, 29, 69));
    expect(b[8]).toBe(WalRecordType.NodeDone);
    expect(hexEncode(b.subarray(9, 25))).toBe(TRACE.replace(/-/g, ''));
    expect(v.getUint32(25, true)).toBe(7);
    expect(v.getBigUint64(29, true)).toBe(1760000000000002000n);
    expect(v.getBigUint64(37, true)).toBe(4096n);
    expect(v.getUint32(45, true)).toBe(256);
    expect(v.getBigUint64(49, true)).toBe(3735928559n);
    expect(v.getUint32(57, true)).toBe(0);
    expect(v.getUint32(61, true)).toBe(0);
    expect(v.getUint32(65, true)).toBe(0);
    expect(recordLengthAt(b)).toBe(69);
    expect(recordLengthAt(b, 67)).toBe(-1);
  });

  it('round-trips u64 extremes and u32 maxima', () => {
    const r: WalRecord = {
      ...nodeDone(),
      nodeId: 0xffffffff,
      timestampNs: (1n << 64n) - 1n,
      outputOffset: (1n << 63n) + 1n,
      outputSize: 0xffffffff,
      schemaHash: (1n << 64n) - 1n,
      iteration: 0xffffffff,
    };
    expect(decodeRecord(encodeRecord(r))).toEqual(r);
  });

  it('accepts safe-integer numbers for u64 fields', () => {
    const a = encodeRecord({ ...nodeDone(), outputOffset: 2 ** 53 - 1, timestampNs: 5 });
    const b = encodeRecord({ ...nodeDone(), outputOffset: 2n ** 53n - 1n, timestampNs: 5n });
    expect(a).toEqual(b);
  });

  it('writes Some("") exactly as none, and reads it back as null', () => {
    const some = encodeRecord({ ...nodeDone(), errorMessage: '', metadata: '' });
    const none = encodeRecord({ ...nodeDone(), errorMessage: null, metadata: null });
    expect(some).toEqual(none);
    expect(decodeRecord(some)).toMatchObject({ errorMessage: null, metadata: null });
  });

  it('encodes strings as UTF-8 with u32 length prefixes', () => {
    const r = { ...nodeDone(), errorMessage: 'é€😀', metadata: '{"a":1}' };
    const b = encodeRecord(r);
    expect(b.length).toBe(69 + 9 + 7);
    expect(encodedSize(r)).toBe(b.length);
    expect(maxEncodedSize(r)).toBeGreaterThanOrEqual(b.length);
    expect(new DataView(b.buffer).getUint32(29 + 32, true)).toBe(9);
    expect(decodeRecord(b)).toEqual(r);
  });

  it('decodes invalid UTF-8 lossily like from_utf8_lossy and ignores trailing payload bytes', () => {
    const file = new Uint8Array(readFileSync(`${GOLDEN_DIR}lossy_utf8.log`));
    const r = decodeRecord(file);
    expect(r.errorMessage).toBe('bad \uFFFD\uFFFD utf8 \uFFFD');
    expect(r.metadata).toBe('\uFFFD(');
  });

  it('encodeRecordInto writes at an offset and returns the end', () => {
    const r = { ...nodeDone(), metadata: 'meta' };
    const out = new Uint8Array(200);
    const end = encodeRecordInto(r, out, 10);
    expect(end).toBe(10 + 73);
    expect(out.subarray(10, end)).toEqual(encodeRecord(r));
    const exact = new Uint8Array(73);
    expect(encodeRecordInto(r, exact, 0)).toBe(73);
    expect(codeOf(() => encodeRecordInto(r, new Uint8Array(72), 0)).code).toBe(WalCode.INVALID_FIELD);
    expect(codeOf(() => encodeRecordInto(r, out, 201)).code).toBe(WalCode.INVALID_FIELD);
  });
});

describe('trace ids', () => {
  it('accepts dashed, plain and 16-byte forms and gives the dashed lowercase form', () => {
    const plain = TRACE.replace(/-/g, '').toUpperCase();
    expect(formatTraceId(plain)).toBe(TRACE);
    expect(formatTraceId(traceIdBytes(TRACE))).toBe(TRACE);
    expect(traceIdHex(TRACE)).toBe(plain.toLowerCase());
    expect(hexEncode(traceIdBytes(TRACE))).toBe(plain.toLowerCase());
    expect(decodeRecord(encodeRecord({ ...nodeDone(), traceId: traceIdBytes(TRACE) })).traceId).toBe(TRACE);
  });

  it('stays right when many ids share the memo of parsed ids (2500 ids, 256 slots)', () => {
    const id = (i: number) => `${i.toString(16).padStart(8, '0')}-724c-41ec-9b39-896a51a8749b`;
    for (const round of [0, 1]) {
      for (let i = 0; i < 2500; i += round ? 7 : 1) {
        const back = decodeRecord(encodeRecord({ ...nodeDone(), traceId: id(i) }));
        expect(back.traceId).toBe(id(i));
      }
    }
    // Not every 36-character string is an id, before or after it has been seen.
    const bad = `${id(1).slice(0, 35)}g`;
    for (let k = 0; k < 2; k++) {
      expect(codeOf(() => encodeRecord({ ...nodeDone(), traceId: bad })).code).toBe(WalCode.INVALID_FIELD);
    }
  });

  it.each([['short'], ['g88bb8a8-724c-41ec-9b39-896a51a8749b'], [new Uint8Array(15)], [42]])('rejects %s', (id) => {
    expect(codeOf(() => encodeRecord({ ...nodeDone(), traceId: id as string })).code).toBe(WalCode.INVALID_FIELD);
  });
});

describe("record builders (xerv's WalRecord constructors)", () => {
  const t = { timestampNs: 5n, metadata: 'm' };
  const zero = { outputOffset: 0n, outputSize: 0, schemaHash: 0n, iteration: 0, errorMessage: null };
  const id = TRACE.toUpperCase().replace(/-/g, '');
  it.each([
    ['traceStart', WalRecords.traceStart(id, t), { recordType: 0, nodeId: 0 }],
    ['nodeStart', WalRecords.nodeStart(id, 3, t), { recordType: 1, nodeId: 3 }],
    [
      'nodeDone',
      WalRecords.nodeDone(id, 3, 9n, 8, 7n, t),
      { recordType: 2, nodeId: 3, outputOffset: 9n, outputSize: 8, schemaHash: 7n },
    ],
    ['nodeError', WalRecords.nodeError(id, 3, 'e', t), { recordType: 3, nodeId: 3, errorMessage: 'e' }],
    ['traceComplete', WalRecords.traceComplete(id, t), { recordType: 4, nodeId: 0 }],
    ['traceFailed', WalRecords.traceFailed(id, 'f', t), { recordType: 5, nodeId: 0, errorMessage: 'f' }],
    ['traceSuspended', WalRecords.traceSuspended(id, 3, t), { recordType: 6, nodeId: 3 }],
    ['traceResumed', WalRecords.traceResumed(id, t), { recordType: 7, nodeId: 0 }],
    ['checkpoint', WalRecords.checkpoint(id, 3, t), { recordType: 8, nodeId: 3 }],
    ['loopIteration', WalRecords.loopIteration(id, 3, 4, t), { recordType: 9, nodeId: 3, iteration: 4 }],
    ['loopExit', WalRecords.loopExit(id, 3, t), { recordType: 10, nodeId: 3 }],
  ])('%s', (_name, got, fields) => {
    // Every field present, in the record's order, with the dashed lowercase trace id.
    expect(Object.keys(got)).toEqual(Object.keys(nodeDone()));
    expect(got).toEqual({ ...zero, traceId: TRACE, timestampNs: 5n, metadata: 'm', ...fields });
  });

  it('timestamps default to now, in ns at ms resolution', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const a = WalRecords.traceStart(TRACE).timestampNs;
    const b = nowNs();
    const after = BigInt(Date.now()) * 1_000_000n;
    for (const x of [a, b]) {
      expect(x % 1_000_000n).toBe(0n);
      expect(x >= before && x <= after).toBe(true);
    }
    expect(WalRecords.traceStart(TRACE).metadata).toBeNull();
  });

  it('newTraceId gives version-4 ids, and a canonical id string comes back as it is', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newTraceId()));
    expect(ids.size).toBe(100);
    for (const x of ids) {
      expect(x).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(formatTraceId(x)).toBe(x);
      expect(WalRecords.nodeStart(x, 1).traceId).toBe(x);
    }
  });
});

describe('encoder input checks', () => {
  const bad: [string, Partial<Record<keyof WalRecord, unknown>>][] = [
    ['unknown type', { recordType: 11 }],
    ['type name', { recordType: 'Nope' }],
    ['negative node', { nodeId: -1 }],
    ['node over u32', { nodeId: 2 ** 32 }],
    ['fractional size', { outputSize: 1.5 }],
    ['u64 over max', { timestampNs: 1n << 64n }],
    ['negative u64', { schemaHash: -1n }],
    ['unsafe number u64', { outputOffset: 2 ** 60 }],
    ['lone surrogate', { errorMessage: 'a\ud800b' }],
    ['non-string metadata', { metadata: 5 }],
  ];
  it.each(bad)('WAL-W-006: %s → WAL_INVALID_FIELD', (_name, patch) => {
    expect(codeOf(() => encodeRecord({ ...nodeDone(), ...(patch as object) })).code).toBe(WalCode.INVALID_FIELD);
  });

  it('takes type names', () => {
    expect(encodeRecord({ ...nodeDone(), recordType: 'LoopExit' })[8]).toBe(10);
  });
});

describe('decoder errors carry codes and offsets', () => {
  const good = encodeRecord({ ...nodeDone(), errorMessage: 'boom', metadata: 'm' });

  it('fewer than 29 bytes → WAL_RECORD_TOO_SMALL', () => {
    expect(codeOf(() => decodeRecord(good.subarray(0, 28)))).toEqual({ code: WalCode.RECORD_TOO_SMALL, offset: 0 });
  });

  it('total_len below 29 → WAL_BAD_LENGTH (the original from_bytes panics here)', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(0, 12, true);
    expect(codeOf(() => decodeRecord(b))).toEqual({ code: WalCode.BAD_LENGTH, offset: 0 });
    expect(codeOf(() => decodeRecord(b, { mode: 'strict', baseOffset: 100 }))).toEqual({
      code: WalCode.BAD_LENGTH,
      offset: 100,
    });
  });

  it('total_len past the bytes → WAL_RECORD_TRUNCATED, without allocating it', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(0, 0xffffffff, true);
    expect(codeOf(() => decodeRecord(b)).code).toBe(WalCode.RECORD_TRUNCATED);
  });

  it('payload bit flip → WAL_CRC_MISMATCH at the record start', () => {
    const b = good.slice();
    b[HEADER_SIZE + 3] = (b[HEADER_SIZE + 3] as number) ^ 1;
    expect(codeOf(() => decodeRecord(b, { baseOffset: 7 }))).toEqual({ code: WalCode.CRC_MISMATCH, offset: 7 });
  });

  it('unknown type: checked before the CRC in original mode, after it in strict mode', () => {
    const b = good.slice();
    b[8] = 11;
    expect(codeOf(() => decodeRecord(b))).toEqual({ code: WalCode.UNKNOWN_RECORD_TYPE, offset: 8 });
    expect(codeOf(() => decodeRecord(b, { mode: 'strict' })).code).toBe(WalCode.UNKNOWN_RECORD_TYPE);
    b[HEADER_SIZE] = (b[HEADER_SIZE] as number) ^ 1;
    expect(codeOf(() => decodeRecord(b)).code).toBe(WalCode.UNKNOWN_RECORD_TYPE);
    expect(codeOf(() => decodeRecord(b, { mode: 'strict' })).code).toBe(WalCode.CRC_MISMATCH);
  });

  it('payload shorter than its fields → WAL_PAYLOAD_EOF at the field that does not fit', () => {
    // A 12-byte payload with a valid CRC, as the corpus's neg_short_payload sample.
    const raw = hexDecode('29000000b4ba3189003e84ecb1763e49ada90ed476743aae4901000000070707070707070707070707');
    expect(codeOf(() => decodeRecord(raw))).toEqual({ code: WalCode.PAYLOAD_EOF, offset: 29 + 8 });
    // error_len larger than what is left.
    const b = withPayloadPatch(good, (v) => v.setUint32(29 + 32, 1000, true));
    expect(codeOf(() => decodeRecord(b))).toEqual({ code: WalCode.PAYLOAD_EOF, offset: 29 + 36 });
    // meta_len larger than what is left.
    const m = withPayloadPatch(good, (v) => v.setUint32(29 + 36 + 4, 0xffffffff, true));
    expect(codeOf(() => decodeRecord(m))).toEqual({ code: WalCode.PAYLOAD_EOF, offset: 29 + 36 + 4 + 4 });
  });

  it('strict mode rejects bytes after total_len; original ignores them', () => {
    const b = new Uint8Array(good.length + 3);
    b.set(good);
    expect(decodeRecord(b)).toEqual(decodeRecord(good));
    expect(codeOf(() => decodeRecord(b, { mode: 'strict' }))).toEqual({
      code: WalCode.TRAILING_BYTES,
      offset: good.length,
    });
  });
});

/** Patches the payload and fixes the CRC, so only the structure is wrong. */
function withPayloadPatch(rec: Uint8Array, patch: (v: DataView) => void): Uint8Array {
  const b = rec.slice();
  const v = new DataView(b.buffer);
  patch(v);
  v.setUint32(4, crc32(b, 29, b.length), true);
  return b;
}

describe('canonical JSON', () => {
  it('round-trips through the recipe form', () => {
    const r = { ...nodeDone(), errorMessage: 'x', metadata: null };
    expect(fromCanonicalRecord(toCanonicalRecord(r))).toEqual(r);
  });

  it('rejects malformed canonical records with WAL_INVALID_FIELD', () => {
    const c = toCanonicalRecord(nodeDone());
    for (const bad of [
      null,
      [],
      { ...c, record_type: 'Nope' },
      { ...c, record_type_code: 3 },
      { ...c, record_type_code: 99, record_type: undefined },
      { ...c, timestamp_ns: '-1' },
      { ...c, timestamp_ns: '18446744073709551616' },
      { ...c, timestamp_ns: 1.5 },
      { ...c, node_id: -1 },
      { ...c, trace_id: 'xyz' },
      { ...c, metadata: 3 },
      { ...c, record_type: undefined, record_type_code: undefined },
    ]) {
      const e = codeOf(() => fromCanonicalRecord(bad));
      expect((e as { code: string }).code, JSON.stringify(bad)).toBe(WalCode.INVALID_FIELD);
    }
  });
});

describe('errors are LogspecErrors of format wal', () => {
  it('has format and details', () => {
    try {
      decodeRecord(new Uint8Array(3));
    } catch (e) {
      expect((e as LogspecError).format).toBe('wal');
      return;
    }
    throw new Error('no error');
  });
});
