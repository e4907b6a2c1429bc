/**
 * Ring log speed (issue 4): replay of a 1,048,576-slot ring from a warm file against the
 * original's one read per slot, appends against the original's record + cursor writes per
 * append, and the codec's encode / decode against core's generic ByteWriter / ByteReader.
 * `LOGSPEC_BENCH_SCALE` < 1 shrinks the ring (e.g. 0.1 for a quick look).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshCall, suite } from '@logspec/bench';
import { ByteReader, ByteWriter } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import {
  createRingColumns,
  encodeHeader,
  encodeSlotInto,
  encodeSlotsInto,
  type RingColumns,
  type RingSlot,
  readRing,
  readRingColumns,
  readSlotAt,
  ringFileLength,
  viewOf,
  visitRecords,
} from '../src/index.js';
import { RingLog } from '../src/store.js';

const scale = Math.min(1, Number(process.env.LOGSPEC_BENCH_SCALE ?? 1));
const CAPACITY = Math.max(1024, Math.round(1_048_576 * scale));
const BATCH = 1024;
const MAGIC = 0xdeadbeef;

function slot(i: number): RingSlot {
  return {
    timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1000n,
    slotIdx: i >>> 0,
    tenantId: i & 15,
    opcode: (0x4000_0000 + i) >>> 0,
    args: [i >>> 0, (i * 3) >>> 0, (i ^ 0x5a5a) >>> 0, 7],
    epoch: i >>> 8,
  };
}
const batch = Array.from({ length: BATCH }, (_, i) => slot(i));

const dir = mkdtempSync(join(tmpdir(), 'ring-bench-'));
const fs = new NodeFs();

// ---- replay -------------------------------------------------------------------------------

const replayPath = join(dir, 'replay.vrrl');
let replayLog: RingLog;
let replayFd = -1;
const columns: RingColumns = createRingColumns(CAPACITY);

/** The original's replay_all: for each slot in ring order, one positioned 64-byte read, then decode. */
function preadPerSlot(fd: number, capacity: number, next: number, into: RingColumns): number {
  const buf = new Uint8Array(64);
  const view = viewOf(buf);
  let n = 0;
  for (let step = 0; step < capacity; step++) {
    const pos = (next + step) % capacity;
    if (readSync(fd, buf, 0, 64, 32 + 64 * pos) !== 64) throw new Error('short read');
    const magic = view.getUint32(0, true);
    if (magic === 0) continue;
    if (magic !== MAGIC) throw new Error('header mismatch');
    into.position[n] = pos;
    into.timestampNs[n] = view.getBigUint64(4, true);
    into.slotIdx[n] = view.getUint32(12, true);
    into.tenantId[n] = view.getUint32(16, true);
    into.opcode[n] = view.getUint32(20, true);
    for (let k = 0; k < 4; k++) into.args[4 * n + k] = view.getUint32(24 + 4 * k, true);
    into.epoch[n] = view.getUint32(40, true);
    n++;
  }
  into.count = n;
  return n;
}

await suite(
  `ring replay, ${CAPACITY.toLocaleString('en')} slots (${(ringFileLength(CAPACITY) / 2 ** 20).toFixed(0)} MiB), warm file`,
  {
    unit: 'records',
    setup: () => {
      const log = RingLog.open(replayPath, { fs, capacity: CAPACITY });
      // Full ring, cursor in the middle: replay reads two runs.
      for (let i = 0; i < CAPACITY + (CAPACITY >> 1); i += BATCH) log.appendMany(batch);
      log.close();
      replayLog = RingLog.open(replayPath, { fs });
      replayLog.replayColumns(columns); // warms the page cache and the store's buffer
      replayFd = openSync(replayPath, 'r');
    },
    teardown: () => {
      replayLog.close();
      closeSync(replayFd);
    },
    baseline: {
      name: 'pread per slot (original approach)',
      units: CAPACITY,
      fn: () => preadPerSlot(replayFd, CAPACITY, replayLog.cursor, columns),
    },
    cases: [
      {
        name: 'logspec replayColumns (one bulk read, typed arrays)',
        units: CAPACITY,
        fn: () => replayLog.replayColumns(columns).count,
      },
      {
        name: 'logspec forEachRecord (one bulk read, visitor)',
        units: CAPACITY,
        fn: () => {
          let sum = 0;
          replayLog.forEachRecord((v) => {
            sum += v.slotIdx;
          });
          return sum;
        },
      },
      {
        name: 'logspec replay() to objects (1M retained objects)',
        units: CAPACITY,
        fn: () => replayLog.replay().length,
      },
    ],
  },
);

// ---- append -------------------------------------------------------------------------------

const appendPath = join(dir, 'append.vrrl');
let appendLog: RingLog;
let appendFd = -1;
let originalNext = 0;
const oneSlot = new Uint8Array(64);
const oneView = viewOf(oneSlot);
const cursorBytes = new Uint8Array(8);
const cursorView = viewOf(cursorBytes);

/**
 * The original's append, per record: seek + write the record, seek + write the cursor — four
 * system calls. Node has no lseek; a zero-length positioned write stands in for it (also a
 * syscall that moves no data).
 */
function originalAppends(fd: number, slots: readonly RingSlot[]): void {
  for (const s of slots) {
    encodeSlotInto(s, oneView, 0);
    const at = 32 + 64 * originalNext;
    writeSync(fd, oneSlot, 0, 0, at); // lseek(at)
    writeSync(fd, oneSlot, 0, 64, at);
    originalNext = (originalNext + 1) % CAPACITY;
    cursorView.setUint32(0, originalNext, true);
    writeSync(fd, cursorBytes, 0, 0, 24); // lseek(24)
    writeSync(fd, cursorBytes, 0, 8, 24);
  }
}

function logspecSingleAppends(log: RingLog, slots: readonly RingSlot[]): void {
  for (const s of slots) log.append(s);
}

await suite(`ring append, ${BATCH} slots per op, no sync`, {
  unit: 'slots',
  setup: () => {
    appendLog = RingLog.open(appendPath, { fs, capacity: CAPACITY });
    appendFd = openSync(join(dir, 'append-original.vrrl'), 'w+');
    const f = new Uint8Array(32);
    encodeHeader({ capacity: CAPACITY }, f);
    writeSync(appendFd, f, 0, 32, 0);
  },
  teardown: () => {
    appendLog.close();
    closeSync(appendFd);
  },
  baseline: {
    name: 'seek+write record, seek+write cursor (original, 4 syscalls)',
    units: BATCH,
    fn: () => originalAppends(appendFd, batch),
  },
  cases: [
    { name: 'logspec appendMany (≤ 5 writes per batch)', units: BATCH, fn: () => appendLog.appendMany(batch) },
    { name: 'logspec append × 1,024 (3 writes each)', units: BATCH, fn: () => logspecSingleAppends(appendLog, batch) },
  ],
});

// ---- encode / decode ------------------------------------------------------------------------

const encodeTarget = new Uint8Array(64 * BATCH);
const encodeView = viewOf(encodeTarget);

/** Generic field-by-field encoding with core's bounds-checked ByteWriter. */
function byteWriterEncode(slots: readonly RingSlot[], target: Uint8Array): void {
  const w = new ByteWriter(target, { format: 'ring' });
  for (const s of slots) {
    w.u32le(MAGIC).u64le(s.timestampNs).u32le(s.slotIdx).u32le(s.tenantId).u32le(s.opcode);
    w.u32le(s.args[0]).u32le(s.args[1]).u32le(s.args[2]).u32le(s.args[3]).u32le(s.epoch).zeros(20);
  }
}

function perSlotEncode(slots: readonly RingSlot[], view: DataView): void {
  for (let i = 0; i < slots.length; i++) encodeSlotInto(slots[i] as RingSlot, view, 64 * i);
}

await suite(`ring encode, ${BATCH} slots into a preallocated buffer`, {
  unit: 'slots',
  baseline: {
    name: 'core ByteWriter, field by field',
    units: BATCH,
    fn: freshCall(byteWriterEncode, batch, encodeTarget),
  },
  cases: [
    {
      name: 'encodeSlotsInto (u32 words)',
      units: BATCH,
      fn: freshCall(encodeSlotsInto, batch, encodeTarget, 0, 0, BATCH),
    },
    { name: 'encodeSlotInto per slot (DataView)', units: BATCH, fn: freshCall(perSlotEncode, batch, encodeView) },
  ],
});

const DECODE_SLOTS = 4096;
const image = new Uint8Array(ringFileLength(DECODE_SLOTS));
encodeHeader({ capacity: DECODE_SLOTS, cursor: 1000 }, image);
for (let i = 0; i < DECODE_SLOTS; i += BATCH) encodeSlotsInto(batch, image, 32 + 64 * i);
const decodeColumns = createRingColumns(DECODE_SLOTS);

/** Generic decoding with core's ByteReader (ring order, records to objects). */
function byteReaderDecode(file: Uint8Array, capacity: number, next: number): RingSlot[] {
  const out: RingSlot[] = [];
  for (let step = 0; step < capacity; step++) {
    const pos = (next + step) % capacity;
    const r = new ByteReader(file, { format: 'ring', start: 32 + 64 * pos, end: 96 + 64 * pos });
    if (r.u32le() !== MAGIC) continue;
    out.push({
      timestampNs: r.u64le(),
      slotIdx: r.u32le(),
      tenantId: r.u32le(),
      opcode: r.u32le(),
      args: [r.u32le(), r.u32le(), r.u32le(), r.u32le()],
      epoch: r.u32le(),
    });
  }
  return out;
}

function slotsToObjects(file: Uint8Array): number {
  const view = viewOf(file);
  let n = 0;
  for (let i = 0; i < DECODE_SLOTS; i++) n += readSlotAt(view, 32 + 64 * i).epoch;
  return n;
}

function visitSum(file: Uint8Array): number {
  let sum = 0;
  visitRecords(file, { capacity: DECODE_SLOTS, nextSlot: 1000 }, (v) => {
    sum += v.opcode;
  });
  return sum;
}

await suite(`ring decode, ${DECODE_SLOTS}-slot ring image in memory`, {
  unit: 'records',
  baseline: {
    name: 'core ByteReader, field by field, to objects',
    units: DECODE_SLOTS,
    fn: freshCall(byteReaderDecode, image, DECODE_SLOTS, 1000),
  },
  cases: [
    { name: 'readRing → objects', units: DECODE_SLOTS, fn: () => readRing(image).records.length },
    {
      name: 'readRingColumns → reused columns',
      units: DECODE_SLOTS,
      fn: () => readRingColumns(image, {}, decodeColumns).columns.count,
    },
    { name: 'visitRecords (visitor, one field)', units: DECODE_SLOTS, fn: freshCall(visitSum, image) },
    { name: 'readSlotAt per slot (no ring checks)', units: DECODE_SLOTS, fn: freshCall(slotsToObjects, image) },
  ],
});

rmSync(dir, { recursive: true, force: true });
