import { RingCode, ringError } from './errors.js';
import { type DecodeOptions, decodeHeader, nextSlotOf, type RingHeader } from './header.js';
import { ringFileLength } from './layout.js';
import {
  checkSlotCanonical,
  foreignMagicError,
  isTornMagic,
  LITTLE_ENDIAN,
  type RingSlot,
  readSlotAt,
  readSlotWords,
  viewOf,
} from './slot.js';

/**
 * What replay does with a slot whose magic is neither 0 nor 0xDEADBEEF: `error` (default, the
 * original's behaviour: the whole replay fails), `skip-torn` (leave out slots with a torn magic,
 * see `isTornMagic`, fail on any other) or `skip` (leave out every such slot). Skipped slots are
 * reported, never silently dropped.
 */
export type ForeignSlotPolicy = 'error' | 'skip-torn' | 'skip';

export interface ReplayOptions extends DecodeOptions {
  foreignSlots?: ForeignSlotPolicy;
}

/** Result of checking every slot of a ring once, in ring order. */
export interface RingScan {
  /** Slots holding a record (magic 0xDEADBEEF). */
  records: number;
  /** Slots skipped because of a foreign magic (per `foreignSlots`), in ring order. */
  foreignSlots: number[];
}

/** Where a ring's slots are: a whole file image and its geometry. */
export interface RingGeometry {
  capacity: number;
  /** The next slot (stored cursor % capacity): replay starts here. */
  nextSlot: number;
}

// Literals, not imported constants, in the hot loops: V8 does not constant-fold imported bindings.
const MAGIC = 0xdeadbeef;

function shortFile(file: Uint8Array, capacity: number, slot: number) {
  const need = ringFileLength(capacity);
  return ringError(
    RingCode.SHORT_FILE,
    `ring file ends at byte ${file.length}, before slot ${slot}: its capacity ${capacity} needs ${need} bytes`,
    file.length,
    { slot, need, have: file.length },
  );
}

/**
 * Visits every slot once in ring order (from `nextSlot`, wrapping), as the original's
 * `replay_all` does, and fails at the first slot the original would fail at: one that is not
 * wholly in `file` (SHORT_FILE) or whose magic is foreign (FOREIGN_SLOT_MAGIC, unless skipped).
 */
export function scanRing(file: Uint8Array, g: RingGeometry, opts: ReplayOptions = {}): RingScan {
  const { capacity, nextSlot } = g;
  const view = viewOf(file);
  const whole = file.length >= ringFileLength(capacity);
  const policy = opts.foreignSlots ?? 'error';
  const strict = opts.mode === 'strict';
  const foreign: number[] = [];
  let records = 0;
  for (let step = 0; step < capacity; step++) {
    let pos = nextSlot + step;
    if (pos >= capacity) pos -= capacity;
    const at = 32 + pos * 64;
    if (!whole && at + 64 > file.length) throw shortFile(file, capacity, pos);
    const magic = view.getUint32(at, true);
    if (magic === MAGIC) {
      records++;
    } else if (magic !== 0) {
      if (policy === 'error' || (policy === 'skip-torn' && !isTornMagic(magic))) {
        throw foreignMagicError(magic, at, pos);
      }
      foreign.push(pos);
      continue;
    }
    if (strict) checkSlotCanonical(file, at, magic, 0);
  }
  return { records, foreignSlots: foreign };
}

/** Record objects in ring order (oldest first). Call after `scanRing` accepted `file`. */
export function collectRecords(file: Uint8Array, g: RingGeometry, count: number): RingSlot[] {
  const out: RingSlot[] = new Array(count);
  if (LITTLE_ENDIAN && file.byteOffset % 4 === 0) {
    const words = new Uint32Array(file.buffer, file.byteOffset, ringFileLength(g.capacity) >>> 2);
    const n = collectRangeWords(words, g.nextSlot, g.capacity, out, 0);
    collectRangeWords(words, 0, g.nextSlot, out, n);
  } else {
    const view = viewOf(file);
    const n = collectRange(view, g.nextSlot, g.capacity, out, 0);
    collectRange(view, 0, g.nextSlot, out, n);
  }
  return out;
}

function collectRangeWords(words: Uint32Array, from: number, to: number, out: RingSlot[], n: number): number {
  for (let pos = from; pos < to; pos++) {
    const w = 8 + (pos << 4);
    if (words[w] === MAGIC) out[n++] = readSlotWords(words, w);
  }
  return n;
}

/** Endian-neutral collection (big-endian hosts, unaligned buffers). Exported for tests. */
export function collectRange(view: DataView, from: number, to: number, out: RingSlot[], n: number): number {
  for (let pos = from; pos < to; pos++) {
    const at = 32 + pos * 64;
    if (view.getUint32(at, true) === MAGIC) out[n++] = readSlotAt(view, at);
  }
  return n;
}

export function onForeignSlot(magic: number, pos: number, policy: ForeignSlotPolicy, foreign: number[]): void {
  if (policy === 'error' || (policy === 'skip-torn' && !isTornMagic(magic))) {
    throw foreignMagicError(magic, 32 + pos * 64, pos);
  }
  foreign.push(pos);
}

/**
 * A reusable window onto one record slot, handed to `forEachRecord` visitors. Reading a field
 * allocates nothing except `timestampNs` (a bigint); `timestampLo`/`timestampHi` avoid even that.
 */
export class SlotView {
  /** Slot index in the file. */
  position = 0;
  /** File offset of the slot. */
  offset = 0;
  constructor(readonly view: DataView) {}
  get timestampNs(): bigint {
    return this.view.getBigUint64(this.offset + 4, true);
  }
  get timestampLo(): number {
    return this.view.getUint32(this.offset + 4, true);
  }
  get timestampHi(): number {
    return this.view.getUint32(this.offset + 8, true);
  }
  get slotIdx(): number {
    return this.view.getUint32(this.offset + 12, true);
  }
  get tenantId(): number {
    return this.view.getUint32(this.offset + 16, true);
  }
  get opcode(): number {
    return this.view.getUint32(this.offset + 20, true);
  }
  arg(k: 0 | 1 | 2 | 3): number {
    return this.view.getUint32(this.offset + 24 + 4 * k, true);
  }
  get epoch(): number {
    return this.view.getUint32(this.offset + 40, true);
  }
  toSlot(): RingSlot {
    return readSlotAt(this.view, this.offset);
  }
}

/**
 * Calls `visit` for each record of a scanned ring in ring order with one reused `SlotView`
 * (do not keep it past the call). Returns the number of records visited.
 */
export function visitRecords(
  file: Uint8Array,
  g: RingGeometry,
  visit: (slot: SlotView, index: number) => void,
): number {
  const sv = new SlotView(viewOf(file));
  let n = 0;
  for (let step = 0; step < g.capacity; step++) {
    let pos = g.nextSlot + step;
    if (pos >= g.capacity) pos -= g.capacity;
    const at = 32 + pos * 64;
    if (sv.view.getUint32(at, true) !== MAGIC) continue;
    sv.position = pos;
    sv.offset = at;
    visit(sv, n++);
  }
  return n;
}

/** A ring file read as the original's `open` + `replay_all` read it. */
export interface RingContents {
  header: RingHeader;
  capacity: number;
  /** The next slot: stored cursor % capacity. */
  cursor: number;
  /** Records oldest first. */
  records: RingSlot[];
  /** Slots left out for a foreign magic (per `foreignSlots`), in ring order. */
  foreignSlots: number[];
}

/**
 * Reads a whole ring file image: header, then every slot in ring order. Bytes after the last
 * slot are ignored, as by the original. Throws a typed `LogspecError` for anything else.
 */
export function readRing(file: Uint8Array, opts: ReplayOptions = {}): RingContents {
  const header = decodeHeader(file, opts);
  const g = { capacity: header.capacity, nextSlot: nextSlotOf(header) };
  const scan = scanRing(file, g, opts);
  return {
    header,
    capacity: g.capacity,
    cursor: g.nextSlot,
    records: collectRecords(file, g, scan.records),
    foreignSlots: scan.foreignSlots,
  };
}
