import { RingCode, ringError } from './errors.js';
import { decodeHeader, nextSlotOf, type RingHeader } from './header.js';
import { ringFileLength } from './layout.js';
import { type ForeignSlotPolicy, onForeignSlot, type ReplayOptions, type RingGeometry, scanRing } from './ring.js';
import { LITTLE_ENDIAN, type RingSlot, viewOf } from './slot.js';

/** A ring replayed into columns (typed arrays, a row per record): the fast path of a whole replay. */

// A literal, not the imported constant, in the hot loops: V8 does not constant-fold imported bindings.
const MAGIC = 0xdeadbeef;

/**
 * Replay results as columns: row `i` is the i-th record in ring order. Filling it allocates
 * nothing per record, so a caller that keeps one `RingColumns` replays without garbage.
 */
export interface RingColumns {
  /** Rows allocated. */
  readonly rows: number;
  /** Rows filled by the last replay. */
  count: number;
  /** Slot index each record came from. */
  readonly position: Uint32Array;
  readonly timestampNs: BigUint64Array;
  readonly slotIdx: Uint32Array;
  readonly tenantId: Uint32Array;
  readonly opcode: Uint32Array;
  /** Four per row: `args[4 * i + k]`. */
  readonly args: Uint32Array;
  readonly epoch: Uint32Array;
}

export function createRingColumns(rows: number): RingColumns {
  return {
    rows,
    count: 0,
    position: new Uint32Array(rows),
    timestampNs: new BigUint64Array(rows),
    slotIdx: new Uint32Array(rows),
    tenantId: new Uint32Array(rows),
    opcode: new Uint32Array(rows),
    args: new Uint32Array(rows * 4),
    epoch: new Uint32Array(rows),
  };
}

/** The row `i` of `cols` as a record object. */
export function columnsRow(cols: RingColumns, i: number): RingSlot {
  return {
    timestampNs: cols.timestampNs[i] as bigint,
    slotIdx: cols.slotIdx[i] as number,
    tenantId: cols.tenantId[i] as number,
    opcode: cols.opcode[i] as number,
    args: [
      cols.args[4 * i] as number,
      cols.args[4 * i + 1] as number,
      cols.args[4 * i + 2] as number,
      cols.args[4 * i + 3] as number,
    ],
    epoch: cols.epoch[i] as number,
  };
}

/**
 * Fills `cols` (rows ≥ `count`) with the records of a scanned ring. On little-endian hosts
 * with a 4-aligned buffer it copies u32 words through one `Uint32Array` view of the file
 * (the u64 timestamp as two words into the timestamp column's memory); otherwise it reads
 * through a DataView.
 */
export function fillColumns(file: Uint8Array, g: RingGeometry, count: number, cols: RingColumns): RingColumns {
  if (cols.rows < count) {
    throw ringError(
      RingCode.INVALID_VALUE,
      `columns hold ${cols.rows} rows, the ring has ${count} records`,
      undefined,
      {
        field: 'into',
      },
    );
  }
  if (LITTLE_ENDIAN && file.byteOffset % 4 === 0) {
    cols.count = fillWords(file, g, cols, null, 'skip');
  } else {
    cols.count = fillColumnsPortable(file, g, cols);
  }
  return cols;
}

/** Both ring-order runs of `fillRangeWords`; checks foreign magics on the way when `foreign` is given. */
function fillWords(
  file: Uint8Array,
  g: RingGeometry,
  cols: RingColumns,
  foreign: number[] | null,
  policy: ForeignSlotPolicy,
): number {
  const words = new Uint32Array(file.buffer, file.byteOffset, ringFileLength(g.capacity) >>> 2);
  const ts = new Uint32Array(cols.timestampNs.buffer, cols.timestampNs.byteOffset, cols.rows * 2);
  const n = fillRangeWords(words, ts, cols, g.nextSlot, g.capacity, 0, foreign, policy);
  return fillRangeWords(words, ts, cols, 0, g.nextSlot, n, foreign, policy);
}

function fillRangeWords(
  words: Uint32Array,
  ts: Uint32Array,
  cols: RingColumns,
  from: number,
  to: number,
  start: number,
  foreign: number[] | null,
  policy: ForeignSlotPolicy,
): number {
  const { position, slotIdx, tenantId, opcode, args, epoch } = cols;
  let n = start;
  for (let pos = from; pos < to; pos++) {
    // Word index of the slot: (32 + 64·pos) / 4.
    const w = 8 + (pos << 4);
    const magic = words[w] as number;
    if (magic !== MAGIC) {
      if (magic !== 0 && foreign !== null) onForeignSlot(magic, pos, policy, foreign);
      continue;
    }
    position[n] = pos;
    ts[2 * n] = words[w + 1] as number;
    ts[2 * n + 1] = words[w + 2] as number;
    slotIdx[n] = words[w + 3] as number;
    tenantId[n] = words[w + 4] as number;
    opcode[n] = words[w + 5] as number;
    const a = n << 2;
    args[a] = words[w + 6] as number;
    args[a + 1] = words[w + 7] as number;
    args[a + 2] = words[w + 8] as number;
    args[a + 3] = words[w + 9] as number;
    epoch[n] = words[w + 10] as number;
    n++;
  }
  return n;
}

/**
 * Replays a ring image into columns. With a whole, 4-aligned image on a little-endian host and
 * `into` holding a row per slot, checking and copying are one pass over the image (errors are
 * still the first bad slot in ring order; `into`'s rows past `count` are then unspecified);
 * otherwise the ring is scanned first and the columns sized to the records.
 */
export function ringToColumns(
  file: Uint8Array,
  g: RingGeometry,
  opts: ReplayOptions = {},
  into?: RingColumns,
): { columns: RingColumns; foreignSlots: number[] } {
  if (
    into &&
    into.rows >= g.capacity &&
    opts.mode !== 'strict' &&
    LITTLE_ENDIAN &&
    file.byteOffset % 4 === 0 &&
    file.length >= ringFileLength(g.capacity)
  ) {
    const foreignSlots: number[] = [];
    into.count = fillWords(file, g, into, foreignSlots, opts.foreignSlots ?? 'error');
    return { columns: into, foreignSlots };
  }
  const scan = scanRing(file, g, opts);
  const columns = fillColumns(
    file,
    g,
    scan.records,
    into && into.rows >= scan.records ? into : createRingColumns(scan.records),
  );
  return { columns, foreignSlots: scan.foreignSlots };
}

/** Endian-neutral fill (big-endian hosts, unaligned buffers). Exported for tests. */
export function fillColumnsPortable(file: Uint8Array, g: RingGeometry, cols: RingColumns): number {
  const view = viewOf(file);
  let n = 0;
  for (let step = 0; step < g.capacity; step++) {
    let pos = g.nextSlot + step;
    if (pos >= g.capacity) pos -= g.capacity;
    const at = 32 + pos * 64;
    if (view.getUint32(at, true) !== MAGIC) continue;
    cols.position[n] = pos;
    cols.timestampNs[n] = view.getBigUint64(at + 4, true);
    cols.slotIdx[n] = view.getUint32(at + 12, true);
    cols.tenantId[n] = view.getUint32(at + 16, true);
    cols.opcode[n] = view.getUint32(at + 20, true);
    for (let k = 0; k < 4; k++) cols.args[4 * n + k] = view.getUint32(at + 24 + 4 * k, true);
    cols.epoch[n] = view.getUint32(at + 40, true);
    n++;
  }
  return n;
}

/** Like `readRing`, into columns (`into` is reused when it has enough rows). */
export function readRingColumns(
  file: Uint8Array,
  opts: ReplayOptions = {},
  into?: RingColumns,
): { header: RingHeader; capacity: number; cursor: number; columns: RingColumns; foreignSlots: number[] } {
  const header = decodeHeader(file, opts);
  const g = { capacity: header.capacity, nextSlot: nextSlotOf(header) };
  const { columns, foreignSlots } = ringToColumns(file, g, opts, into);
  return { header, capacity: g.capacity, cursor: g.nextSlot, columns, foreignSlots };
}
