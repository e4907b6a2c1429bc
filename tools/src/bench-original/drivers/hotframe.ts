/**
 * hotframe-append, hotframe-append-nosync and hotframe-replay (kaizen's hot log framing, payloads
 * opaque): 200,000 200-byte payloads appended with the seed's sync rule (fdatasync once 4096
 * bytes or 128 frames are unsynced) or without syncs, and ~256 MiB of such frames replayed.
 */

import type { Op } from '@logspec/conformance';
import { hexEncode } from '@logspec/core';
import { type HotFrame, type HotStop, scanHotLogFile } from '@logspec/frame';
import { HotFrameLog, openHotLogFile, readHotFrames } from '@logspec/frame/store';
import { HOT_FRAME_BYTES, HOT_PAYLOAD_BYTES, hotPayload, hotPayloadPool } from '../inputs.js';
import { type Ctx, type FixtureRef, mismatch, type ReaderSpec, type WriterSpec } from '../spec.js';

/** The kaizen root under the repetition's directory (`<root>/hot/log.bin`). */
const SUB = 'kaizen';
/**
 * Frames per `appendFrames` call of the fast path: with syncs, 20 (20 × 208 bytes is the first
 * count past 4096: the original's sync interval, so both make the same number of fdatasyncs);
 * without, 128 (the seed's other flush threshold).
 */
const FAST_BATCH_SYNC = 20;
const FAST_BATCH_NOSYNC = 128;

let pool: Uint8Array | undefined;
function payloadPool(): Uint8Array {
  pool ??= hotPayloadPool();
  return pool;
}

function recipeOf(n: number): Op[] {
  const p = payloadPool();
  const ops: Op[] = [{ op: 'open', root: SUB }];
  for (let i = 0; i < n; i++) ops.push({ op: 'append', payload: hexEncode(hotPayload(p, i)) });
  return ops;
}

/** Frame `i` read back holds payload `i`. */
function expectPayload(got: Uint8Array, i: number): void {
  const want = hotPayload(payloadPool(), i);
  if (got.length !== want.length || got.some((v, k) => v !== want[k]))
    throw mismatch(`payload ${i}`, 'other bytes', 'the input');
}

function expectFrames(r: { frames: HotFrame[]; stop: HotStop }, n: number): void {
  if (r.frames.length !== n || r.stop.reason !== 'eof')
    throw mismatch(`frames (stop ${r.stop.reason})`, r.frames.length, n);
}

function appendInBatches(log: HotFrameLog, n: number, size: number): void {
  const p = payloadPool();
  const batch: Uint8Array[] = [];
  for (let i = 0; i < n; i += size) {
    batch.length = Math.min(size, n - i);
    for (let j = 0; j < batch.length; j++) batch[j] = hotPayload(p, i + j);
    log.appendFrames(batch);
  }
}

interface AppendState {
  dir: string;
  log: HotFrameLog;
  n: number;
}

function appendSpec(sync: boolean): WriterSpec<AppendState> {
  const fastBatch = sync ? FAST_BATCH_SYNC : FAST_BATCH_NOSYNC;
  return {
    kind: 'writer',
    workload: sync ? 'hotframe-append' : 'hotframe-append-nosync',
    format: 'hotframe',
    notes: sync
      ? "HotFrameLog.open(fresh root, durability 'batched' = the seed's rule; untimed); timed: n appends of hot_payload(i) + a final sync()"
      : "HotFrameLog.open(fresh root, durability 'manual'; untimed); timed: n appends of hot_payload(i), no sync",
    open(ctx: Ctx, dir: string) {
      const log = HotFrameLog.open(ctx.fs, `${dir}/${SUB}`, { durability: sync ? 'batched' : 'manual' });
      payloadPool();
      return { dir, log, n: ctx.sizes.hotframeN };
    },
    dir: (s) => s.dir,
    default: {
      api: 'HotFrameLog.append',
      body({ log, n }) {
        const p = payloadPool();
        for (let i = 0; i < n; i++) log.append(hotPayload(p, i));
        if (sync) log.sync();
        return { work: { n, bytes: n * HOT_FRAME_BYTES } };
      },
    },
    fast: {
      api: `HotFrameLog.appendFrames (${fastBatch} a call)`,
      body({ log, n }) {
        appendInBatches(log, n, fastBatch);
        if (sync) log.sync();
        return { work: { n, bytes: n * HOT_FRAME_BYTES } };
      },
    },
    close: (s) => s.log.close(),
    verify(s, ctx) {
      const r = readHotFrames(ctx.fs, `${s.dir}/${SUB}`);
      expectFrames(r, s.n);
      r.frames.forEach((f, i) => {
        expectPayload(f.payload, i);
      });
    },
    recipe: (s) => recipeOf(s.n),
  };
}

export const hotframeAppend = appendSpec(true);
export const hotframeAppendNosync = appendSpec(false);

interface Tally {
  count: number;
  bytes: number;
  /** XOR of every payload's first byte: the frames are the inputs, in order. */
  first: number;
  stop: HotStop;
}

export const hotframeReplay: ReaderSpec<FixtureRef> = {
  kind: 'reader',
  workload: 'hotframe-replay',
  format: 'hotframe',
  notes: '~256 MiB of 208-byte frames written untimed; timed: every frame of the file read back, warm page cache',
  open(ctx, dir) {
    const n = Math.ceil(ctx.sizes.bigBytes / HOT_FRAME_BYTES);
    const log = HotFrameLog.open(ctx.fs, `${dir}/${SUB}`, { durability: 'manual' });
    appendInBatches(log, n, 4096);
    log.close();
    return { dir, n, ctx };
  },
  dir: (s) => s.dir,
  default: {
    api: 'readHotFrames (frames, payloads views into chunks read for the call)',
    body({ dir, n, ctx }) {
      const r = readHotFrames(ctx.fs, `${dir}/${SUB}`);
      expectFrames(r, n);
      return { work: { n, bytes: n * HOT_FRAME_BYTES + 12 }, out: r };
    },
  },
  fast: {
    api: 'scanHotLogFile (visitor)',
    body({ dir, n, ctx }) {
      const t: Tally = { count: 0, bytes: 0, first: 0, stop: { reason: 'eof', at: 0 } };
      const h = openHotLogFile(ctx.fs, `${dir}/${SUB}`);
      try {
        t.stop = scanHotLogFile(h, (ps, pe, _offset, bytes) => {
          t.count++;
          t.bytes += pe - ps;
          t.first ^= bytes[ps] as number;
        });
      } finally {
        h.close();
      }
      if (t.count !== n || t.stop.reason !== 'eof')
        throw mismatch(`frames scanned (stop ${t.stop.reason})`, t.count, n);
      return { work: { n, bytes: n * HOT_FRAME_BYTES + 12 }, out: t };
    },
  },
  close() {},
  verify(s, path, out) {
    if (path === 'default') {
      (out as { frames: HotFrame[] }).frames.forEach((f, i) => {
        expectPayload(f.payload, i);
      });
      return;
    }
    const t = out as Tally;
    const p = payloadPool();
    let first = 0;
    for (let i = 0; i < s.n; i++) first ^= hotPayload(p, i)[0] as number;
    if (t.bytes !== s.n * HOT_PAYLOAD_BYTES || t.first !== first)
      throw mismatch('payload checksum', `${t.bytes}/${t.first}`, `${s.n * HOT_PAYLOAD_BYTES}/${first}`);
  },
  recipe: (s) => recipeOf(s.n),
};
