import { CoreCode, type CrcArena, crc32, createCrcArena, LogspecError, MAX_CRC_ARENA } from '@logspec/core';
import type { FrameLayout } from './layout.js';

/**
 * Batches of at least this many bytes live in a CRC arena (each frame's CRC computed in place
 * by core's WebAssembly kernel, without a copy); smaller ones in a plain array, because an
 * arena costs 20–250 µs to create and a batch of a few frames would not earn that back.
 */
export const FRAME_BATCH_ARENA_FROM = 64 * 1024;

/** A point in a batch to go back to: its length and frame count then. */
export interface FrameBatchMark {
  readonly length: number;
  readonly count: number;
}

/**
 * Frames encoded back to back into one buffer, each checksummed right after its payload was
 * copied (or encoded) in place: one copy per frame, no view per frame. What a writer does
 * before one `write` of a whole batch. `add`/`addEncoded` cover most callers; encoders that
 * write fields straight into the buffer use `reserve`, `buffer`/`view` and `seal`.
 */
export class FrameBatch {
  readonly layout: FrameLayout;
  #bytes: Uint8Array;
  #view: DataView;
  #arena: CrcArena | undefined;
  #length = 0;
  #count = 0;
  /** Payload bytes the frame being encoded may use (set by `reserve`), or -1. */
  #reserved = -1;

  constructor(layout: FrameLayout, capacity = FRAME_BATCH_ARENA_FROM) {
    this.layout = layout;
    this.#bytes = this.#alloc(Math.max(capacity, 0));
    this.#view = viewOf(this.#bytes);
  }

  /** Bytes encoded so far. */
  get length(): number {
    return this.#length;
  }

  /** Frames encoded so far. */
  get count(): number {
    return this.#count;
  }

  /** The encoded frames, `[0, length)`: a view, valid until the next `add`, `reserve` or `clear`. */
  get bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** The whole buffer, for encoders writing between `reserve` and `seal`. */
  get buffer(): Uint8Array {
    return this.#bytes;
  }

  /** A view over `buffer`. */
  get view(): DataView {
    return this.#view;
  }

  /**
   * Starts a new batch in the same buffer. A buffer grown past `keep` bytes (one huge batch)
   * is let go, so it does not stay allocated for the writer's life.
   */
  clear(keep = Number.POSITIVE_INFINITY): void {
    this.#length = 0;
    this.#count = 0;
    this.#reserved = -1;
    if (this.#bytes.length > keep) {
      this.#bytes = this.#alloc(0);
      this.#view = viewOf(this.#bytes);
    }
  }

  /** Where the batch ends now, for `truncate` (an all-or-nothing append takes one first). */
  mark(): FrameBatchMark {
    return { length: this.#length, count: this.#count };
  }

  /** Drops the frames added since `mark` was taken (a batch rejected part way). */
  truncate(mark: FrameBatchMark): void {
    if (mark.length <= this.#length) {
      this.#length = mark.length;
      this.#count = mark.count;
    }
    this.#reserved = -1;
  }

  /** Appends one frame carrying `payload`; returns the frame's offset in the batch. */
  add(payload: Uint8Array): number {
    const at = this.#length;
    const ps = this.reserve(payload.length);
    this.#bytes.set(payload, ps);
    this.seal(ps + payload.length);
    return at;
  }

  /**
   * Appends one frame whose payload `fill(out, at)` writes in place at `out[at…]`, at most
   * `maxPayload` bytes, returning the payload's end. For encoders that write into a buffer.
   */
  addEncoded(maxPayload: number, fill: (out: Uint8Array, at: number) => number): number {
    const at = this.#length;
    const ps = this.reserve(maxPayload);
    this.seal(fill(this.#bytes, ps));
    return at;
  }

  /**
   * Makes room for a frame of at most `maxPayload` payload bytes at the end of the batch and
   * returns where its payload starts in `buffer` (re-read `buffer`/`view` after this: the
   * buffer may have been replaced). Write the payload there, then `seal` its end.
   */
  reserve(maxPayload: number): number {
    const ps = this.#length + this.layout.headerSize;
    this.#room(this.layout.overhead + maxPayload);
    this.#reserved = maxPayload;
    return ps;
  }

  /** Seals the frame started by `reserve`, whose payload ends at `payloadEnd`; returns the batch length. */
  seal(payloadEnd: number): number {
    const at = this.#length;
    const ps = at + this.layout.headerSize;
    const len = payloadEnd - ps;
    if (!(len >= 0 && len <= this.#reserved))
      throw new LogspecError(
        'core',
        CoreCode.OUT_OF_RANGE,
        this.#reserved < 0
          ? 'seal without reserve'
          : `encoder wrote ${len} bytes, more than its bound ${this.#reserved}`,
      );
    const arena = this.#arena;
    const crc = arena !== undefined ? arena.crc32(ps, payloadEnd) : crc32(this.#bytes, ps, payloadEnd);
    this.layout.writeEnvelope(this.#view, at, len, crc);
    this.#length = payloadEnd + this.layout.trailerSize;
    this.#count++;
    this.#reserved = -1;
    return this.#length;
  }

  /** Room for `n` more bytes; a full buffer is replaced by one at least twice as big. */
  #room(n: number): void {
    const old = this.#bytes;
    if (this.#length + n <= old.length) return;
    let cap = Math.max(old.length * 2, 4096);
    while (cap < this.#length + n) cap *= 2;
    // A new buffer, not a grown arena: growing a WebAssembly memory would detach views.
    const bytes = this.#alloc(cap);
    bytes.set(old.subarray(0, this.#length));
    this.#bytes = bytes;
    this.#view = viewOf(bytes);
  }

  #alloc(size: number): Uint8Array {
    this.#arena = size >= FRAME_BATCH_ARENA_FROM && size <= MAX_CRC_ARENA ? createCrcArena(size) : undefined;
    return this.#arena ? this.#arena.bytes : new Uint8Array(size);
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
