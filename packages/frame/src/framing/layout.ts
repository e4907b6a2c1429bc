import { type CrcArena, crc32 } from '@logspec/core';

/**
 * Where a frame keeps its length and its CRC-32/IEEE (always over the payload only).
 * The two framed formats differ only in this: the hot log's `len u32 LE · payload ·
 * crc u32 LE` and the segment log's `crc u32 BE · len u32 BE · payload`.
 */
export interface FrameLayout {
  readonly name: string;
  /** Bytes before the payload. */
  readonly headerSize: number;
  /** Bytes after the payload. */
  readonly trailerSize: number;
  /** headerSize + trailerSize. */
  readonly overhead: number;
  /** Payload length stored in the header of the frame starting at `at`. */
  payloadLength(view: DataView, at: number): number;
  /** CRC stored for the frame starting at `at` whose payload has `len` bytes. */
  storedCrc(view: DataView, at: number, len: number): number;
  /** Writes header and trailer of a frame starting at `at` around a payload already in place. */
  writeEnvelope(view: DataView, at: number, len: number, crc: number): void;
}

/** kaizen hot log: `len u32 LE · payload · crc32 u32 LE`. */
export const hotLayout: FrameLayout = {
  name: 'hot',
  headerSize: 4,
  trailerSize: 4,
  overhead: 8,
  payloadLength: (v, at) => v.getUint32(at, true),
  storedCrc: (v, at, len) => v.getUint32(at + 4 + len, true),
  writeEnvelope(v, at, len, crc) {
    v.setUint32(at, len, true);
    v.setUint32(at + 4 + len, crc, true);
  },
};

/** rivven segment log: `crc32 u32 BE · len u32 BE · payload`. */
export const segmentLayout: FrameLayout = {
  name: 'segment',
  headerSize: 8,
  trailerSize: 0,
  overhead: 8,
  payloadLength: (v, at) => v.getUint32(at + 4, false),
  storedCrc: (v, at) => v.getUint32(at, false),
  writeEnvelope(v, at, len, crc) {
    v.setUint32(at, crc, false);
    v.setUint32(at + 4, len, false);
  },
};

/** Size of the frame that carries `payloadLength` bytes. */
export function frameSize(layout: FrameLayout, payloadLength: number): number {
  return layout.overhead + payloadLength;
}

let lastOut: Uint8Array | undefined;
let lastView: DataView | undefined;

/** Encodes one frame into `out` at `at` (payload copied once); returns the frame's end. */
export function encodeFrameInto(layout: FrameLayout, payload: Uint8Array, out: Uint8Array, at: number): number {
  const start = at + layout.headerSize;
  out.set(payload, start);
  // Batches encode many frames into one buffer: keep its DataView instead of making one per frame.
  if (out !== lastOut || lastView === undefined) {
    lastView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    lastOut = out;
  }
  // The CRC of the payload array itself: a whole array reaches the CRC kernel without a
  // subarray view (same bytes as the window just written).
  layout.writeEnvelope(lastView, at, payload.length, crc32(payload, 0, payload.length));
  return start + payload.length + layout.trailerSize;
}

export function encodeFrame(layout: FrameLayout, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(layout.overhead + payload.length);
  encodeFrameInto(layout, payload, out, 0);
  return out;
}

/** Why a scan stopped. `offset` is where the unread part begins (the bad frame's start). */
export type ScanStop =
  | { reason: 'end'; offset: number }
  | { reason: 'stopped'; offset: number }
  /** Fewer bytes than a header, or than the header's length says: an incomplete last frame. */
  | { reason: 'torn'; offset: number; available: number; needed: number }
  | { reason: 'crc_mismatch'; offset: number; stored: number; computed: number };

/**
 * Called for each complete, CRC-checked frame: the payload is `bytes[payloadStart, payloadEnd)`
 * (no copy; `bytes` is the buffer being scanned, which a file scanner reuses, so copy what you
 * keep). `frameOffset` is the frame's absolute offset. Returning `false` stops the scan.
 */
export type FrameVisitor = (
  payloadStart: number,
  payloadEnd: number,
  frameOffset: number,
  bytes: Uint8Array,
) => unknown;

/**
 * Visits complete, CRC-checked frames of `bytes[start, end)`. The visitor gets the payload's
 * bounds (no copy) and the frame's offset plus `baseOffset`; returning `false` stops the scan.
 * Lengths are compared with the bytes present before anything is read or allocated.
 */
export function scanFrames(
  layout: FrameLayout,
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: FrameVisitor,
  opts: { baseOffset?: number; verifyCrc?: boolean; arena?: CrcArena } = {},
): ScanStop {
  const base = opts.baseOffset ?? 0;
  const verify = opts.verifyCrc ?? true;
  // Bytes that live in a CRC arena are checked in place by its kernel, without a copy.
  const arena = opts.arena !== undefined && opts.arena.bytes === bytes ? opts.arena : undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hs = layout.headerSize;
  const ov = layout.overhead;
  let pos = start;
  while (pos < end) {
    const avail = end - pos;
    if (avail < hs) return { reason: 'torn', offset: base + pos, available: avail, needed: hs };
    const len = layout.payloadLength(view, pos);
    if (len > avail - ov) return { reason: 'torn', offset: base + pos, available: avail, needed: ov + len };
    const ps = pos + hs;
    const pe = ps + len;
    if (verify) {
      const stored = layout.storedCrc(view, pos, len);
      const computed = arena !== undefined ? arena.crc32(ps, pe) : crc32(bytes, ps, pe);
      if (stored !== computed) return { reason: 'crc_mismatch', offset: base + pos, stored, computed };
    }
    const next = pe + layout.trailerSize;
    if (visit(ps, pe, base + pos, bytes) === false) return { reason: 'stopped', offset: base + next };
    pos = next;
  }
  return { reason: 'end', offset: base + pos };
}
