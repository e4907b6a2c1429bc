/**
 * ring-append and ring-replay (vyre's `RingLog`): appends to a fresh 1,048,576-slot ring without
 * a sync; replay of a full ring, reopened as a reader would.
 */
import type { Op } from '@logspec/conformance';
import { columnsRow, createRingColumns, type RingColumns, type RingSlot, slotToJson } from '@logspec/ring-log';
import { RingLog, readRingFile } from '@logspec/ring-log/store';
import { RING_SLOT_BYTES, ringSlot } from '../inputs.js';
import { mismatch, type ReaderSpec, type WriterSpec } from '../spec.js';

const FILE = 'replay.vrrl';
/** Records per `appendMany` call of the fast path. */
const FAST_BATCH = 1000;

function slotText(s: RingSlot): string {
  return JSON.stringify(slotToJson(s));
}

/** `got` is slot `i` as the inputs define it, field for field. */
function expectSlot(got: RingSlot, i: number): void {
  const a = slotText(got);
  const b = slotText(ringSlot(i));
  if (a !== b) throw mismatch(`record ${i}`, a, b);
}

/** Writes slots 0‥n-1 in `batch`-sized `appendMany` calls (fixtures and the fast path). */
function appendInBatches(log: RingLog, n: number, batch: number): void {
  const slots: RingSlot[] = new Array(Math.min(batch, n));
  for (let i = 0; i < n; i += batch) {
    const k = Math.min(batch, n - i);
    for (let j = 0; j < k; j++) slots[j] = ringSlot(i + j);
    log.appendMany(slots, 0, k);
  }
}

function appendOps(capacity: number, n: number): Op[] {
  const ops: Op[] = [{ op: 'open', file: FILE, capacity }];
  for (let i = 0; i < n; i++) ops.push({ op: 'append', slot: slotToJson(ringSlot(i)) });
  return ops;
}

interface AppendState {
  dir: string;
  log: RingLog;
  n: number;
  capacity: number;
}

export const ringAppend: WriterSpec<AppendState> = {
  kind: 'writer',
  workload: 'ring-append',
  format: 'ring',
  notes:
    'RingLog.open(fresh file; untimed); timed: n appends of ring_slot(i), built in the loop as the original does; no sync',
  open(ctx, dir) {
    const capacity = ctx.sizes.ringAppendCapacity;
    const log = RingLog.open(`${dir}/${FILE}`, { fs: ctx.fs, capacity });
    return { dir, log, n: ctx.sizes.ringAppendN, capacity };
  },
  dir: (s) => s.dir,
  default: {
    api: 'RingLog.append',
    body({ log, n }) {
      for (let i = 0; i < n; i++) log.append(ringSlot(i));
      // The original's timed span writes every append; held ones are written inside it too.
      log.flush();
      return { work: { n, bytes: n * RING_SLOT_BYTES } };
    },
  },
  fast: {
    api: `RingLog.appendMany (${FAST_BATCH} a call)`,
    body({ log, n }) {
      appendInBatches(log, n, FAST_BATCH);
      return { work: { n, bytes: n * RING_SLOT_BYTES } };
    },
  },
  close: (s) => s.log.close(),
  verify(s, ctx) {
    const { records } = readRingFile(ctx.fs, s.log.path);
    const kept = Math.min(s.n, s.capacity);
    if (records.length !== kept) throw mismatch('records kept', records.length, kept);
    records.forEach((r, k) => {
      expectSlot(r, s.n - kept + k);
    });
  },
  recipe: (s) => appendOps(s.capacity, s.n),
};

interface ReplayState {
  dir: string;
  log: RingLog;
  capacity: number;
  /** The fast path's columns, reused by every replay as the package's README advises. */
  columns: RingColumns;
}

export const ringReplay: ReaderSpec<ReplayState> = {
  kind: 'reader',
  workload: 'ring-replay',
  format: 'ring',
  notes:
    'ring filled once (untimed, every slot written, cursor wrapped to 0), reopened without a capacity; timed: replay of every slot, warm page cache',
  open(ctx, dir) {
    const capacity = ctx.sizes.ringCapacity;
    const path = `${dir}/${FILE}`;
    const writer = RingLog.open(path, { fs: ctx.fs, capacity });
    appendInBatches(writer, capacity, 4096);
    writer.close();
    const log = RingLog.open(path, { fs: ctx.fs });
    return { dir, log, capacity, columns: createRingColumns(log.capacity) };
  },
  dir: (s) => s.dir,
  default: {
    api: 'RingLog.replay (objects)',
    body({ log, capacity }) {
      const records = log.replay();
      if (records.length !== capacity) throw mismatch('replay records', records.length, capacity);
      return { work: { n: capacity, bytes: capacity * RING_SLOT_BYTES }, out: records };
    },
  },
  fast: {
    api: 'RingLog.replayColumns',
    body({ log, capacity, columns }) {
      const cols = log.replayColumns(columns);
      if (cols.count !== capacity) throw mismatch('replay rows', cols.count, capacity);
      return { work: { n: capacity, bytes: capacity * RING_SLOT_BYTES }, out: cols };
    },
  },
  close: (s) => s.log.close(),
  verify(_s, path, out) {
    if (path === 'default') {
      (out as RingSlot[]).forEach((r, i) => {
        expectSlot(r, i);
      });
      return;
    }
    const c = out as RingColumns;
    for (let i = 0; i < c.count; i++) expectSlot(columnsRow(c, i), i);
  },
  recipe: (s) => appendOps(s.capacity, s.capacity),
};
