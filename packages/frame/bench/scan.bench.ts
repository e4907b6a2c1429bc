/**
 * Warm scan of a hot log with CRC checks, through core's `Fs` (NodeFs) in 1 MiB reads; then the
 * same scan decoding every archive. Size: 1 GiB × LOGSPEC_BENCH_SCALE (default 1).
 *
 * Event sizes follow a mix seen in agent logs: 70% small (payload 50–400 B), 25% medium
 * (1–8 KiB), 5% large tool results (16–64 KiB); a second, smaller file holds only small
 * events (~300 B), where the JS CRC of short payloads bounds the scan.
 */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { rng, writeFromPool } from '@logspec/bench/data';
import { crc32 } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';

import { encodeHotFrame, encodeRecord, HOT_HEADER, makeEvent, scanEvents, scanHotLogFile } from '../src/index.js';

/** LOGSPEC_BENCH_RECORD=0: a smoke run that does not append to bench-results/. */
const record = process.env.LOGSPEC_BENCH_RECORD !== '0';

const scale = Number(process.env.LOGSPEC_BENCH_SCALE ?? 1);
const GiB = 1 << 30;
const CHUNK = 1 << 20;
const fs = new NodeFs();

/** A pool of framed events; the file repeats them in a pseudo-random order. */
function framePool(count: number, size: () => number, seed: number): Uint8Array[] {
  const r = rng(seed);
  const words = 'the quick brown fox jumps over lazy dogs while cargo builds src/main.rs ok'.split(' ');
  return Array.from({ length: count }, (_, i) => {
    let text = '';
    const want = size();
    while (text.length < want) text += `${words[r(words.length)]} `;
    const ev = makeEvent({
      sessionId: `sess-${i % 13}`,
      seq: BigInt(i),
      tsMs: 1_776_256_496_789n + BigInt(i),
      kind: i % 3 === 0 ? 'ToolResult' : 'Message',
      source: 'Hook',
      tool: i % 3 === 0 ? 'read' : null,
      toolCallId: i % 3 === 0 ? `toolu_${i}` : null,
      tokensIn: i % 3 === 1 ? 1000 + i : null,
      payload: { text },
    });
    return encodeHotFrame(encodeRecord(ev));
  });
}

function buildFile(path: string, bytes: number, pool: Uint8Array[], seed: number): { size: number; frames: number } {
  const { size, chunks } = writeFromPool(path, HOT_HEADER, pool, bytes, rng(seed), { fsync: true });
  return { size, frames: chunks };
}

const mixedPath = join(tmpdir(), `logspec-bench-hot-mixed-${process.pid}.bin`);
const smallPath = join(tmpdir(), `logspec-bench-hot-small-${process.pid}.bin`);
const r = rng(7);
const mixedPool = framePool(
  4000,
  () => {
    const k = r(100);
    return k < 70 ? 50 + r(350) : k < 95 ? 1024 + r(7 * 1024) : 16 * 1024 + r(48 * 1024);
  },
  1,
);
const smallPool = framePool(4000, () => 80 + r(120), 2);
const mixed = buildFile(mixedPath, Math.round(GiB * scale), mixedPool, 3);
const small = buildFile(smallPath, Math.round((GiB / 4) * scale), smallPool, 4);
console.log(
  `mixed: ${(mixed.size / GiB).toFixed(3)} GiB, ${mixed.frames} frames (mean ${Math.round(mixed.size / mixed.frames)} B); small: ${(small.size / GiB).toFixed(3)} GiB, ${small.frames} frames (mean ${Math.round(small.size / small.frames)} B)`,
);

/** Baseline: the same 1 MiB reads and one CRC over every chunk, no frames. */
function plainReadCrc(path: string): number {
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(CHUNK);
  let c = 0;
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, pos);
    if (n <= 0) break;
    c = crc32(buf, 0, n, c);
    pos += n;
  }
  closeSync(fd);
  return c;
}
/**
 * Baseline the issue names: a plain read + CRC loop, per record. The same 1 MiB reads, each
 * record's length read by hand and its CRC computed and compared; a record cut by a chunk
 * boundary is moved to the buffer's start. No visitor, no stop reasons, no frame layout.
 */
function plainReadCrcPerRecord(path: string): number {
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(CHUNK);
  let filled = 0;
  let filePos = HOT_HEADER.length;
  let records = 0;
  for (;;) {
    const n = readSync(fd, buf, filled, CHUNK - filled, filePos);
    filePos += n;
    filled += n;
    let p = 0;
    while (filled - p >= 8) {
      const len =
        (buf[p] as number) |
        ((buf[p + 1] as number) << 8) |
        ((buf[p + 2] as number) << 16) |
        ((buf[p + 3] as number) << 24);
      if (len > filled - p - 8) break;
      const e = p + 4 + len;
      const stored =
        ((buf[e] as number) |
          ((buf[e + 1] as number) << 8) |
          ((buf[e + 2] as number) << 16) |
          ((buf[e + 3] as number) << 24)) >>>
        0;
      if (crc32(buf, p + 4, e) !== stored) throw new Error('crc');
      records++;
      p = e + 4;
    }
    if (n <= 0) break;
    buf.copyWithin(0, p, filled);
    filled -= p;
  }
  closeSync(fd);
  return records;
}
function scanFrames(path: string): number {
  const h = fs.open(path);
  let frames = 0;
  const stop = scanHotLogFile(h, () => {
    frames++;
  });
  h.close();
  if (stop.reason !== 'eof') throw new Error(`scan stopped: ${JSON.stringify(stop)}`);
  return frames;
}
function scanDecode(path: string): number {
  const h = fs.open(path);
  let events = 0;
  const r = scanEvents(
    h,
    (ev) => {
      if (ev.record) events++;
    },
    { checkPayload: false },
  );
  h.close();
  if (r.stop.reason !== 'eof') throw new Error(`scan stopped: ${JSON.stringify(r.stop)}`);
  return events;
}

// Warm the page cache (and check the hand-written baseline sees every frame).
plainReadCrc(mixedPath);
plainReadCrc(smallPath);
for (const [path, built] of [
  [mixedPath, mixed],
  [smallPath, small],
] as const) {
  const seen = plainReadCrcPerRecord(path);
  if (seen !== built.frames) throw new Error(`per-record baseline saw ${seen} of ${built.frames} frames`);
}

try {
  await suite(`warm scan with CRC, ${(mixed.size / GiB).toFixed(2)} GiB hot log (mixed event sizes)`, {
    record,
    unit: 'bytes',
    baseline: { name: 'plain 1 MiB reads + CRC of each chunk', units: mixed.size, fn: () => plainReadCrc(mixedPath) },
    cases: [
      {
        name: 'plain 1 MiB reads + CRC of each record (no framing code)',
        units: mixed.size,
        fn: () => plainReadCrcPerRecord(mixedPath),
      },
      { name: 'logspec scanHotLogFile (frames, CRC each)', units: mixed.size, fn: () => scanFrames(mixedPath) },
    ],
  });
  await suite(`warm scan with CRC, ${(small.size / GiB).toFixed(2)} GiB hot log (small events only)`, {
    record,
    unit: 'bytes',
    baseline: { name: 'plain 1 MiB reads + CRC of each chunk', units: small.size, fn: () => plainReadCrc(smallPath) },
    cases: [
      {
        name: 'plain 1 MiB reads + CRC of each record (no framing code)',
        units: small.size,
        fn: () => plainReadCrcPerRecord(smallPath),
      },
      { name: 'logspec scanHotLogFile (frames, CRC each)', units: small.size, fn: () => scanFrames(smallPath) },
    ],
  });
  await suite(`scan + archive decoding, mixed log (${mixed.frames} events)`, {
    record,
    unit: 'events',
    baseline: { name: 'frame scan with CRC, no decoding', units: mixed.frames, fn: () => scanFrames(mixedPath) },
    cases: [
      {
        name: 'logspec scanEvents (validating decode of every archive)',
        units: mixed.frames,
        fn: () => scanDecode(mixedPath),
      },
    ],
  });
  await suite(`scan + archive decoding, small-event log (${small.frames} events)`, {
    record,
    unit: 'events',
    baseline: { name: 'frame scan with CRC, no decoding', units: small.frames, fn: () => scanFrames(smallPath) },
    cases: [
      {
        name: 'logspec scanEvents (validating decode of every archive)',
        units: small.frames,
        fn: () => scanDecode(smallPath),
      },
    ],
  });
} finally {
  rmSync(mixedPath, { force: true });
  rmSync(smallPath, { force: true });
}
