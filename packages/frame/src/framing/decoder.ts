import { crc32 } from '@logspec/core';
import { type FrameLayout, scanFrames } from './layout.js';

/** One frame handed out by {@link FrameDecoder}. */
export interface DecodedFrame {
  /** Absolute offset of the frame's first byte (its header). */
  offset: number;
  /**
   * The payload: a view into the chunk that completed it, or a private copy when the frame
   * spanned chunks. Copy it if you reuse the chunk's buffer.
   */
  payload: Uint8Array;
}

/**
 * Where a decoder stands. `complete`: every byte pushed so far belongs to complete frames.
 * `torn`: the last `available` bytes are the start of a frame needing `needed` bytes (a torn
 * tail if the input ends here). `corrupt`: the frame at `offset` is bad; nothing after it
 * is decoded.
 */
export type DecoderState =
  | { state: 'complete'; offset: number }
  | { state: 'torn'; offset: number; available: number; needed: number }
  | { state: 'corrupt'; offset: number; reason: 'crc_mismatch'; stored: number; computed: number }
  | { state: 'corrupt'; offset: number; reason: 'too_large'; length: number; max: number };

export interface FrameDecoderOptions {
  /** Absolute offset of the first byte pushed (default 0). */
  baseOffset?: number;
  /** Check each frame's CRC (default true). */
  verifyCrc?: boolean;
  /**
   * Largest payload accepted (default 2^32 − 1, what a u32 length can say). A frame claiming
   * more stops the decoder as `corrupt`/`too_large` before anything is buffered for it.
   */
  maxPayload?: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Incremental frame decoder: push chunks of any size, get complete frames as they arrive.
 * Only the bytes of a frame cut by a chunk boundary are carried (copied once, into a buffer
 * that grows with the bytes actually received, never with what a length field claims).
 */
export class FrameDecoder {
  readonly layout: FrameLayout;
  private readonly verify: boolean;
  private readonly maxPayload: number;
  /** Absolute offset of the next frame to decode. */
  private next: number;
  private carry: Uint8Array = EMPTY;
  private carried = 0;
  private bad: DecoderState | undefined;

  constructor(layout: FrameLayout, opts: FrameDecoderOptions = {}) {
    this.layout = layout;
    this.verify = opts.verifyCrc ?? true;
    this.maxPayload = opts.maxPayload ?? 0xffffffff;
    this.next = opts.baseOffset ?? 0;
  }

  /** The current state; after the last chunk this says how the input ended. */
  get status(): DecoderState {
    if (this.bad) return this.bad;
    if (this.carried === 0) return { state: 'complete', offset: this.next };
    const hs = this.layout.headerSize;
    if (this.carried < hs) return { state: 'torn', offset: this.next, available: this.carried, needed: hs };
    const len = this.layout.payloadLength(viewOf(this.carry), 0);
    return { state: 'torn', offset: this.next, available: this.carried, needed: this.layout.overhead + len };
  }

  /** True once a corrupt frame was met: later chunks are ignored. */
  get stopped(): boolean {
    return this.bad !== undefined;
  }

  /** Decodes what `chunk` completes; calls `visit` per frame (in order) and returns the frames. */
  push(chunk: Uint8Array, visit?: (frame: DecodedFrame) => void): DecodedFrame[] {
    const out: DecodedFrame[] = [];
    const emit = (payload: Uint8Array, offset: number): void => {
      const f = { offset, payload };
      out.push(f);
      visit?.(f);
    };
    if (this.bad || chunk.length === 0) return out;
    let pos = 0;
    if (this.carried > 0) {
      pos = this.fillCarry(chunk, emit);
      if (pos < 0) return out;
    }
    const layout = this.layout;
    const base = this.next - pos;
    const maxPayload = this.maxPayload;
    const view = viewOf(chunk);
    const stop = scanFrames(
      layout,
      chunk,
      pos,
      chunk.length,
      (ps, pe, at) => {
        emit(chunk.subarray(ps, pe), at);
      },
      { baseOffset: base, verifyCrc: this.verify },
    );
    if (stop.reason === 'crc_mismatch') {
      this.bad = {
        state: 'corrupt',
        offset: stop.offset,
        reason: 'crc_mismatch',
        stored: stop.stored,
        computed: stop.computed,
      };
      this.next = stop.offset;
      return out;
    }
    this.next = stop.offset;
    if (stop.reason === 'torn') {
      const at = stop.offset - base;
      if (stop.available >= layout.headerSize) {
        const len = layout.payloadLength(view, at);
        if (len > maxPayload) {
          this.bad = { state: 'corrupt', offset: stop.offset, reason: 'too_large', length: len, max: maxPayload };
          return out;
        }
      }
      this.stash(chunk, at, chunk.length);
    }
    return out;
  }

  /**
   * Completes the carried partial frame from the start of `chunk`. Returns the index in
   * `chunk` where whole-chunk scanning resumes, or -1 if the chunk was used up (or the frame
   * was bad).
   */
  private fillCarry(chunk: Uint8Array, emit: (payload: Uint8Array, offset: number) => void): number {
    const layout = this.layout;
    const hs = layout.headerSize;
    let pos = 0;
    if (this.carried < hs) {
      const n = Math.min(hs - this.carried, chunk.length);
      this.stash(chunk, 0, n);
      pos = n;
      if (this.carried < hs) return -1;
    }
    const len = layout.payloadLength(viewOf(this.carry), 0);
    if (len > this.maxPayload) {
      this.bad = { state: 'corrupt', offset: this.next, reason: 'too_large', length: len, max: this.maxPayload };
      return -1;
    }
    const size = layout.overhead + len;
    const n = Math.min(size - this.carried, chunk.length - pos);
    this.stash(chunk, pos, pos + n);
    pos += n;
    if (this.carried < size) return -1;
    const frame = this.carry;
    const ps = hs;
    const pe = hs + len;
    if (this.verify) {
      const stored = layout.storedCrc(viewOf(frame), 0, len);
      const computed = crc32(frame, ps, pe);
      if (stored !== computed) {
        this.bad = { state: 'corrupt', offset: this.next, reason: 'crc_mismatch', stored, computed };
        return -1;
      }
    }
    // The carry buffer now belongs to the emitted payload; the next partial frame gets a new one.
    const at = this.next;
    this.carry = EMPTY;
    this.carried = 0;
    this.next = at + size;
    emit(frame.subarray(ps, pe), at);
    return pos < chunk.length ? pos : -1;
  }

  /** Appends `src[from, to)` to the carry buffer, growing it by doubling (bounded by bytes seen). */
  private stash(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    const need = this.carried + n;
    if (need > this.carry.length) {
      let cap = Math.max(64, this.carry.length * 2);
      while (cap < need) cap *= 2;
      // Never beyond the frame's own size once its header is known.
      const hs = this.layout.headerSize;
      if (this.carried >= hs || (this.carried === 0 && n >= hs)) {
        const head = this.carried >= hs ? this.carry : src.subarray(from);
        const size = this.layout.overhead + this.layout.payloadLength(viewOf(head), 0);
        if (size >= need) cap = Math.min(cap, size);
      }
      const next = new Uint8Array(cap);
      next.set(this.carry.subarray(0, this.carried));
      this.carry = next;
    }
    this.carry.set(src.subarray(from, to), this.carried);
    this.carried = need;
  }
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Decodes a whole buffer as a chunk sequence would: frames plus how it ended. */
export function decodeFrames(
  layout: FrameLayout,
  chunks: Iterable<Uint8Array>,
  opts: FrameDecoderOptions = {},
): { frames: DecodedFrame[]; end: DecoderState } {
  const d = new FrameDecoder(layout, opts);
  const frames: DecodedFrame[] = [];
  for (const c of chunks) for (const f of d.push(c)) frames.push(f);
  return { frames, end: d.status };
}
