/**
 * The ring store's write path: records encoded straight into one staging buffer as a run of
 * consecutive ring slots, then written with the three steps of RING-W-008 (slots with magic 0,
 * cursor, magics). Single appends wait here until the run is full or the store flushes it
 * (RING-S-009), so a run of appends costs the syscalls of one batch.
 */
import { type FileHandle, writeFully } from '@logspec/core';
import { HEADER_BYTES, HeaderOffset, RECORD_MAGIC, SLOT_BYTES, slotOffset } from '../layout.js';
import { encodeSlotInto, encodeSlotsInto, type RingSlotInput } from '../slot.js';

export class StagedSlots {
  /** Ring slot of the first staged record; the run continues in ring order, wrapping to slot 0. */
  private first = 0;
  private staged = 0;
  private bytes: Uint8Array;
  private view: DataView;
  private readonly cursorBytes = new Uint8Array(8);
  private readonly cursorView = new DataView(this.cursorBytes.buffer);

  /** `limit`: records a run of single appends may hold before it is written (1 … capacity). */
  constructor(
    private readonly capacity: number,
    readonly limit: number,
  ) {
    this.bytes = new Uint8Array(limit * SLOT_BYTES);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Records staged and not yet written. */
  get count(): number {
    return this.staged;
  }

  /**
   * Stages `slot` for ring slot `at` (the slot after the run, or any slot when the run is empty).
   * Validates before touching the run, so a bad value stages nothing. True when the run is full.
   */
  add(slot: RingSlotInput, at: number): boolean {
    encodeSlotInto(slot, this.view, this.staged * SLOT_BYTES);
    if (this.staged === 0) this.first = at;
    this.staged++;
    return this.staged >= this.limit;
  }

  /**
   * Stages `slots[from, to)` as the run starting at ring slot `at` (the run must be empty; the
   * caller keeps the count within the capacity). Grows the buffer for a batch larger than it.
   */
  addMany(slots: readonly RingSlotInput[], from: number, to: number, at: number): void {
    const k = to - from;
    if (this.bytes.length < k * SLOT_BYTES) {
      this.bytes = new Uint8Array(k * SLOT_BYTES);
      this.view = new DataView(this.bytes.buffer);
    }
    encodeSlotsInto(slots, this.bytes, 0, from, to);
    this.first = at;
    this.staged = k;
  }

  /**
   * Writes the run and `cursor` in the three steps of RING-W-008 and empties it. A single record's
   * third step writes only its 4 magic bytes. On a throw the run is dropped: the store fails stop.
   */
  write(h: FileHandle, cursor: number): void {
    const k = this.staged;
    if (k === 0) return;
    this.staged = 0;
    const view = this.view;
    const firstRun = Math.min(k, this.capacity - this.first);
    for (let i = 0; i < k; i++) view.setUint32(i * SLOT_BYTES, 0, true);
    this.writeRun(h, firstRun, k);
    this.cursorView.setUint32(0, cursor, true);
    writeFully(h, this.cursorBytes, HeaderOffset.cursor);
    for (let i = 0; i < k; i++) view.setUint32(i * SLOT_BYTES, RECORD_MAGIC, true);
    if (k === 1) writeFully(h, this.bytes, slotOffset(this.first), 0, 4);
    else this.writeRun(h, firstRun, k);
  }

  /** Writes the `k` staged slots at `first`, wrapping to slot 0 after `firstRun` of them. */
  private writeRun(h: FileHandle, firstRun: number, k: number): void {
    writeFully(h, this.bytes, slotOffset(this.first), 0, firstRun * SLOT_BYTES);
    if (k > firstRun) writeFully(h, this.bytes, HEADER_BYTES, firstRun * SLOT_BYTES, (k - firstRun) * SLOT_BYTES);
  }
}
