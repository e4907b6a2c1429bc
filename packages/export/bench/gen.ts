/**
 * The benchmark logs: a WAL of ~200-byte records in 64 MiB files (as the writer rotates them)
 * and a hot log with the event-size mix of agent logs, `bytes` each, written in large blocks.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { rng, writeFromPool } from '@logspec/bench/data';
import { concatBytes } from '@logspec/core';
import { encodeRecord as encodeArchive, encodeHotFrame, HOT_HEADER, makeEvent } from '@logspec/frame';
import { encodeRecord, WalRecords } from '@logspec/wal';
import { walFileName } from '@logspec/wal/store';

const BLOCK = 4 << 20;

const TYPES = ['nodeStart', 'nodeDone', 'nodeError', 'traceStart'] as const;

/** A block of whole WAL records of 150–260 bytes, of several types and 64 traces. */
function walBlock(): { bytes: Uint8Array; records: number } {
  const parts: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; ; i++) {
    const trace = `f3b84800-0000-4000-8000-${String(i % 64).padStart(12, '0')}`;
    const o = {
      timestampNs: 1_760_000_000_000_000_000n + BigInt(i) * 1000n,
      metadata: `{"step":${i % 1000},"pad":"${'p'.repeat(60 + (i % 61))}"}`,
    };
    const t = TYPES[i % TYPES.length];
    const r = encodeRecord(
      t === 'nodeDone'
        ? WalRecords.nodeDone(trace, i % 50, BigInt(i) * 64n, 256 + (i % 100), 0xabcdn, o)
        : t === 'nodeError'
          ? WalRecords.nodeError(trace, i % 50, `error ${i % 17}: step failed`, o)
          : t === 'traceStart'
            ? WalRecords.traceStart(trace, o)
            : WalRecords.nodeStart(trace, i % 50, o),
    );
    if (n + r.length > BLOCK) break;
    parts.push(r);
    n += r.length;
  }
  return { bytes: concatBytes(parts), records: parts.length };
}

/** Writes a WAL directory of about `total` bytes; returns its size and record count. */
export function writeWal(dir: string, total: number): { bytes: number; records: number } {
  const blk = walBlock();
  const FILE = 64 << 20;
  const perFile = Math.floor(FILE / blk.bytes.length);
  const blocks = Math.max(1, Math.ceil(total / blk.bytes.length));
  let bytes = 0;
  let records = 0;
  for (let f = 0, left = blocks; left > 0; f++) {
    const fd = openSync(join(dir, walFileName(BigInt(f))), 'w');
    const n = Math.min(perFile, left);
    for (let b = 0; b < n; b++) writeSync(fd, blk.bytes);
    closeSync(fd);
    left -= n;
    bytes += n * blk.bytes.length;
    records += n * blk.records;
  }
  return { bytes, records };
}

/**
 * Writes `<root>/hot/log.bin` of about `total` bytes: a pool of 4000 framed events repeated in
 * a pseudo-random order, 70% small (payload 50–400 B), 25% 1–8 KiB, 5% 16–64 KiB tool results.
 */
export function writeHotLog(root: string, total: number): { bytes: number; records: number } {
  const r = rng(7);
  const words = 'the quick brown fox jumps over lazy dogs while cargo builds src/main.rs ok'.split(' ');
  const pool = Array.from({ length: 4000 }, (_, i) => {
    const k = r(100);
    const want = k < 70 ? 50 + r(350) : k < 95 ? 1024 + r(7 * 1024) : 16 * 1024 + r(48 * 1024);
    let text = '';
    while (text.length < want) text += `${words[r(words.length)]} `;
    return encodeHotFrame(
      encodeArchive(
        makeEvent({
          sessionId: `sess-${i % 13}`,
          seq: BigInt(i),
          tsMs: 1_776_256_496_789n + BigInt(i),
          kind: i % 3 === 0 ? 'ToolResult' : 'Message',
          source: 'Hook',
          tool: i % 3 === 0 ? 'read' : null,
          toolCallId: i % 3 === 0 ? `toolu_${i}` : null,
          tokensIn: i % 3 === 1 ? 1000 + i : null,
          tokensOut: i % 3 === 1 ? 200 + (i % 50) : null,
          payload: { text },
        }),
      ),
    );
  });
  const { size, chunks } = writeFromPool(join(root, 'log.bin'), HOT_HEADER, pool, total, rng(3));
  return { bytes: size, records: chunks };
}
