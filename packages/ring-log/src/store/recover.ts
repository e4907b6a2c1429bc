import { type FileHandle, readFully, writeFully } from '@logspec/core';
import { RECORD_MAGIC, SLOT_BYTES, slotOffset } from '../layout.js';
import { isTornMagic } from '../slot.js';

/** What opening an existing ring found in its slots. */
export interface SlotSurvey {
  /** Slots whose torn magic was cleared (rewritten as empty slots). */
  clearedTornSlots: number[];
  /** Slots with a foreign magic that is not a torn one, left as they are. */
  foreignSlots: number[];
}

/** Slots read per chunk while surveying: 1 MiB, so opening never needs the whole file in memory. */
const CHUNK_SLOTS = 16_384;

/**
 * Reads every slot magic (in 1 MiB chunks) and rewrites each slot whose magic is torn — half of
 * a 0 ⇄ 0xDEADBEEF write a crash split — as an empty slot, then syncs. Such a slot never held
 * an acknowledged record: the writer only writes a magic after the cursor, before the sync.
 */
export function surveySlots(h: FileHandle, capacity: number): SlotSurvey {
  const clearedTornSlots: number[] = [];
  const foreignSlots: number[] = [];
  const chunk = new Uint8Array(Math.min(capacity, CHUNK_SLOTS) * SLOT_BYTES);
  const view = new DataView(chunk.buffer);
  for (let first = 0; first < capacity; first += CHUNK_SLOTS) {
    const count = Math.min(CHUNK_SLOTS, capacity - first);
    readFully(h, chunk, 0, count * SLOT_BYTES, slotOffset(first));
    for (let i = 0; i < count; i++) {
      const magic = view.getUint32(i * SLOT_BYTES, true);
      if (magic === 0 || magic === RECORD_MAGIC) continue;
      if (isTornMagic(magic)) clearedTornSlots.push(first + i);
      else foreignSlots.push(first + i);
    }
  }
  if (clearedTornSlots.length > 0) {
    const empty = new Uint8Array(SLOT_BYTES);
    for (const s of clearedTornSlots) writeFully(h, empty, slotOffset(s));
    h.fdatasync();
  }
  return { clearedTornSlots, foreignSlots };
}
