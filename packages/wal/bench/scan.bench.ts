/**
 * Recovery scan: every record of a WAL of ~200-byte records read with its CRC checked, warm
 * (the files were just written, so they are in the page cache). 1 GiB at
 * LOGSPEC_BENCH_SCALE=1 (16 files of 64 MiB, as the writer rotates them). Baseline: a plain
 * loop that reads each file in 4 MiB chunks and checks each record's CRC, nothing else.
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { concatBytes, crc32 } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { encodeRecord, WalRecords } from '../src/index.js';
import { readRecordFields } from '../src/record-reader.js';
import { scanWal, walFileName } from '../src/store.js';

const scale = Number(process.env.LOGSPEC_BENCH_SCALE ?? 1);
const TOTAL = Math.max(8 << 20, Math.round((1 << 30) * scale));
const FILE = 64 << 20;
const BLOCK = 4 << 20;
const CHUNK = 4 << 20;

const root = nfs.mkdtempSync(join(tmpdir(), 'wal-bench-scan-'));
const fs = new NodeFs();

/** A block of whole records of 190–210 bytes that fits in BLOCK bytes. */
function block(): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; ; i++) {
    const r = encodeRecord(
      WalRecords.nodeDone('f3b84800-0000-4000-8000-000000000001', i % 50, BigInt(i) * 64n, 256, 0xabcdn, {
        timestampNs: 1_760_000_000_000_000_000n + BigInt(i),
        metadata: `{"step":${i % 1000},"pad":"${'p'.repeat(90 + (i % 21))}"}`,
      }),
    );
    if (n + r.length > BLOCK) break;
    parts.push(r);
    n += r.length;
  }
  return concatBytes(parts);
}

const blk = block();
let bytes = 0;
let records = 0;
{
  const perBlock = new DataView(blk.buffer);
  let count = 0;
  for (let p = 0; p < blk.length; p += perBlock.getUint32(p, true)) count++;
  const blocksPerFile = Math.floor(FILE / blk.length);
  const files = Math.max(1, Math.round(TOTAL / (blocksPerFile * blk.length)));
  for (let f = 0; f < files; f++) {
    const fd = nfs.openSync(join(root, walFileName(BigInt(f))), 'w');
    const n = Math.min(blocksPerFile, Math.ceil(TOTAL / blk.length) - f * blocksPerFile);
    for (let b = 0; b < n; b++) nfs.writeSync(fd, blk);
    nfs.closeSync(fd);
    bytes += n * blk.length;
    records += n * count;
  }
}
const label = `${(bytes / 2 ** 30).toFixed(2)} GiB, ${records.toLocaleString('en')} records of ~${Math.round(bytes / records)} B`;

/** Plain read + CRC loop: the least a reader that checks every CRC must do. */
function plainReadCrc(): number {
  const buf = new Uint8Array(CHUNK + 4096);
  const view = new DataView(buf.buffer);
  let ok = 0;
  for (const name of nfs.readdirSync(root).sort()) {
    const fd = nfs.openSync(join(root, name), 'r');
    const size = nfs.fstatSync(fd).size;
    let filePos = 0;
    let have = 0;
    for (;;) {
      const n = nfs.readSync(fd, buf, have, Math.min(CHUNK, size - filePos), filePos);
      filePos += n;
      have += n;
      let p = 0;
      while (have - p >= 4) {
        const len = view.getUint32(p, true);
        if (len > have - p) break;
        if (crc32(buf, p + 29, p + len) === view.getUint32(p + 4, true)) ok++;
        p += len;
      }
      buf.copyWithin(0, p, have);
      have -= p;
      if (filePos >= size) break;
    }
    nfs.closeSync(fd);
  }
  return ok;
}

function logspecScan(): number {
  let ok = 0;
  scanWal(
    root,
    {
      record() {
        ok++;
      },
    },
    { fs },
  );
  return ok;
}

function logspecScanDecode(): number {
  let ts = 0n;
  scanWal(
    root,
    {
      record(b, s) {
        ts += readRecordFields(b, new DataView(b.buffer, b.byteOffset, b.byteLength), s).timestampNs & 1n;
      },
    },
    { fs },
  );
  return Number(ts);
}

if (plainReadCrc() !== records || logspecScan() !== records) throw new Error('bench setup: record counts differ');

await suite(`recovery scan, warm, every CRC checked: ${label}`, {
  unit: 'bytes',
  baseline: { name: 'plain readSync 4 MiB + CRC loop', units: bytes, fn: plainReadCrc },
  cases: [
    { name: 'logspec scanWal (logspec mode)', units: bytes, fn: logspecScan },
    { name: 'logspec scanWal + decode every record', units: bytes, fn: logspecScanDecode },
  ],
  timeMs: 6000,
});

nfs.rmSync(root, { recursive: true, force: true });
