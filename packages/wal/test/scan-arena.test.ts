// Scans of ARENA_SCAN_FROM bytes and more read into a CRC arena and check each CRC in place;
// they must find exactly what the in-memory scan (plain buffer, core crc32) finds.
import { ARENA_SCAN_FROM } from '@logspec/core';
import { SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { encodeRecord, readWalBytes, type WalRecord, WalRecords } from '../src/index.js';
import { readWal, ScanBuffer, walEntries } from '../src/store.js';
import { plainEntries } from './arbitraries.js';

const T = '6e19905d-cbe5-41df-8fa9-fa7324851729';
const rec = (i: number): WalRecord =>
  WalRecords.nodeDone(T, i % 40, BigInt(i) * 64n, 256, 0xabcdn, {
    timestampNs: 1_760_000_000_000_000_000n + BigInt(i),
    // 60–2,060 bytes of metadata; record 5 is larger than the scan's chunk.
    metadata: `{"i":${i},"pad":"${'p'.repeat(i === 5 ? 1_200_000 : 60 + ((i * 7919) % 2000))}"}`,
  });

function bigWal(): { bytes: Uint8Array; count: number } {
  const parts: Uint8Array[] = [];
  let n = 0;
  let count = 0;
  while (n < 2 * ARENA_SCAN_FROM + 300_000) {
    const r = encodeRecord(rec(count++));
    parts.push(r);
    n += r.length;
  }
  const bytes = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, count };
}

describe('chunked scan over a CRC arena', () => {
  const { bytes, count } = bigWal();
  const damaged = bytes.slice();
  // A metadata byte of a record in the last third: that record fails its CRC and is skipped.
  const flip = Math.floor(bytes.length * 0.8);
  damaged[flip] = (damaged[flip] as number) ^ 0x01;
  const torn = bytes.slice(0, bytes.length - 10);

  for (const [name, file] of [
    ['clean', bytes],
    ['one CRC-damaged record', damaged],
    ['torn tail', torn],
  ] as const) {
    it(`${name}: records, skips and file end equal the in-memory scan, in both modes`, async () => {
      const fs = new SimFs();
      fs.mkdir('/w', { recursive: true });
      fs.put('/w/wal_0000000000000000.log', file);
      for (const mode of ['logspec', 'original'] as const) {
        // The original's reader aborts on a torn tail: both scans must throw the same error.
        const outcome = <T>(f: () => T): T | { threw: unknown } => {
          try {
            return f();
          } catch (e) {
            return { threw: { code: (e as { code: string }).code, offset: (e as { offset: number }).offset } };
          }
        };
        const mem = outcome(() => {
          const r = readWalBytes(file, { mode, file: 'wal_0000000000000000.log' });
          return { records: plainEntries(r.records), skipped: r.skipped, end: r.files[0]?.end };
        });
        const got = outcome(() => {
          const r = readWal('/w', { fs, mode, chunkSize: ARENA_SCAN_FROM });
          return { records: plainEntries(r.records), skipped: r.skipped, end: r.files[0]?.end };
        });
        expect(got).toEqual(mem);
        if ('threw' in mem) {
          expect(mode === 'original' && name === 'torn tail').toBe(true);
          continue;
        }
        const streamed = [];
        for await (const e of walEntries('/w', { fs, mode, chunkSize: ARENA_SCAN_FROM })) streamed.push(e);
        expect(plainEntries(streamed)).toEqual(mem.records);
      }
    });
  }

  it('scan buffers of ARENA_SCAN_FROM bytes and more are CRC arenas; smaller ones are plain', () => {
    const b = new ScanBuffer(64);
    expect(b.arena).toBeUndefined();
    b.ensure(ARENA_SCAN_FROM);
    expect(b.arena?.bytes).toBe(b.bytes);
    expect(b.arena?.wasm).toBe(true);
  });

  it('the fixture is what it claims: past ARENA_SCAN_FROM, a record larger than the chunk, one skip when damaged', () => {
    expect(bytes.length).toBeGreaterThan(2 * ARENA_SCAN_FROM);
    expect(readWalBytes(bytes).records).toHaveLength(count);
    const d = readWalBytes(damaged);
    expect(d.skipped.map((s) => s.reason)).toEqual(['crc_mismatch']);
    expect(d.records).toHaveLength(count - 1);
  });
});
