import { CoreCode, type CrcArena, createCrcArena, LogspecError } from '@logspec/core';
import type { FrameLayout } from './layout.js';

/**
 * Frames encoded back to back into one buffer that lives in a CRC arena, so each frame's CRC
 * is computed in place, right after its payload was copied (or encoded) there: one copy per
 * frame, no view per frame. What a writer does before one `write` of a whole batch.
 */
export class FrameBatch {
  readonly layout: FrameLayout;
  #arena: CrcArena;
  #view: DataView;
  #length = 0;
  #count = 0;

  constructor(layout: FrameLayout, capacity = 64 * 1024) {
    this.layout = layout;
    this.#arena = createCrcArena(Math.max(capacity, layout.overhead));
    this.#view = new DataView(this.#arena.bytes.buffer, this.#arena.bytes.byteOffset, this.#arena.bytes.byteLength);
  }

  /** Bytes encoded so far. */
  get length(): number {
    return this.#length;
  }

  /** Frames encoded so far. */
  get count(): number {
    return this.#count;
  }

  /** The encoded frames, `[0, length)`: a view, valid until the next `add` or `clear`. */
  get bytes(): Uint8Array {
    return this.#arena.bytes.subarray(0, this.#length);
  }

  /** Starts a new batch in the same buffer. */
  clear(): void {
    this.#length = 0;
    this.#count = 0;
  }

  /** Appends one frame carrying `payload`; returns the frame's offset in the batch. */
  add(payload: Uint8Array): number {
    const at = this.#length;
    const ps = at + this.layout.headerSize;
    const bytes = this.#room(this.layout.overhead + payload.length);
    bytes.set(payload, ps);
    this.#seal(at, payload.length);
    return at;
  }

  /**
   * Appends one frame whose payload `fill(out, at)` writes in place at `out[at…]`, at most
   * `maxPayload` bytes, returning the payload's end. For encoders that write into a buffer.
   */
  addEncoded(maxPayload: number, fill: (out: Uint8Array, at: number) => number): number {
    const at = this.#length;
    const ps = at + this.layout.headerSize;
    const bytes = this.#room(this.layout.overhead + maxPayload);
    const pe = fill(bytes, ps);
    if (!(pe >= ps && pe <= ps + maxPayload))
      throw new LogspecError(
        'core',
        CoreCode.OUT_OF_RANGE,
        `encoder wrote ${pe - ps} bytes, more than its bound ${maxPayload}`,
      );
    this.#seal(at, pe - ps);
    return at;
  }

  #seal(at: number, len: number): void {
    const ps = at + this.layout.headerSize;
    this.layout.writeEnvelope(this.#view, at, len, this.#arena.crc32(ps, ps + len));
    this.#length = ps + len + this.layout.trailerSize;
    this.#count++;
  }

  /** The arena's bytes with room for `n` more; a full arena is replaced by one twice as big. */
  #room(n: number): Uint8Array {
    const old = this.#arena.bytes;
    if (this.#length + n <= old.length) return old;
    let cap = old.length * 2;
    while (cap < this.#length + n) cap *= 2;
    // A new arena, not a grown one: a grown WebAssembly memory detaches views handed out.
    this.#arena = createCrcArena(cap);
    this.#arena.bytes.set(old.subarray(0, this.#length));
    this.#view = new DataView(this.#arena.bytes.buffer, this.#arena.bytes.byteOffset, this.#arena.bytes.byteLength);
    return this.#arena.bytes;
  }
}
