import { readFileSync } from 'node:fs';
import { hexEncode } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, WalCode, type WalRecord, WalRecordType } from '../src/index.js';

const SPEC = readFileSync(new URL('../../../spec/wal.md', import.meta.url), 'utf8');

/** The first hex dump (`00000000: …` lines) after the "Worked example" heading. */
function workedExampleBytes(): Uint8Array {
  const section = SPEC.slice(SPEC.indexOf('## 4. Worked example'));
  const dump = section.slice(section.indexOf('```'), section.indexOf('```', section.indexOf('```') + 3));
  const bytes = dump
    .split('\n')
    .filter((l) => /^[0-9a-f]{8}: /.test(l))
    .flatMap((l) => l.slice(10).trim().split(/\s+/))
    .map((h) => Number.parseInt(h, 16));
  return new Uint8Array(bytes);
}

const EXAMPLE: WalRecord = {
  recordType: WalRecordType.NodeError,
  traceId: 'f88bb8a8-724c-41ec-9b39-896a51a8749b',
  nodeId: 8,
  timestampNs: 1760000000000003000n,
  outputOffset: 4096n,
  outputSize: 256,
  schemaHash: 0xdeadbeefn,
  iteration: 2,
  errorMessage: 'oom',
  metadata: '{"a":1}',
};

describe('spec/wal.md worked example', () => {
  it('is what the encoder writes', () => {
    const dump = workedExampleBytes();
    expect(dump.length).toBe(79);
    expect(hexEncode(encodeRecord(EXAMPLE))).toBe(hexEncode(dump));
    expect(decodeRecord(dump, { mode: 'strict' })).toEqual(EXAMPLE);
  });

  it('states the CRC the bytes carry', () => {
    expect(SPEC).toContain('0xD9512EA8');
    expect(new DataView(workedExampleBytes().buffer).getUint32(4, true)).toBe(0xd9512ea8);
  });

  it('lists every exported error code in its table, and nothing else', () => {
    const table = SPEC.slice(SPEC.indexOf('## 8. Error codes'), SPEC.indexOf('## 9.'));
    const listed = [...table.matchAll(/^\| `(WAL_[A-Z_]+)` *\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.values(WalCode).sort());
  });

  it('gives every requirement ID once', () => {
    const ids = [...SPEC.matchAll(/\*\*(WAL-[WRS]-\d{3})\*\*/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(25);
  });
});
