import type { FieldSpan } from '@logspec/core';
import { FRAME_HEADER_SIZE } from './frame.js';
import { INDEX_ENTRY_SIZE, TIME_INDEX_ENTRY_SIZE } from './index-entries.js';

/**
 * Frames, postcard messages and index entries of a segment as named byte ranges
 * (`spec/segment.md` §2), for inspectors. This walks the layout without validating (no UTF-8,
 * timestamp or CRC check: `decodeMessageAt` is the decoder): any bytes give spans, and a field
 * the bytes end inside is cut to what is there.
 */

const text = new TextDecoder('utf-8', { fatal: false });

/** Walks one postcard message, leniently; each `take` returns false once the bytes are used up. */
class Walk {
  pos: number;
  readonly out: FieldSpan[] = [];
  constructor(
    private readonly b: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly base: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint (at most `max` bytes) as a field; its value, or undefined when cut short. */
  varint(name: string, role: FieldSpan['role'], type: string, max: number, into = this.out): bigint | undefined {
    const at = this.pos;
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < max && this.pos < this.end; i++) {
      const c = this.b[this.pos++] as number;
      v |= BigInt(c & 0x7f) << shift;
      shift += 7n;
      if (c < 0x80) {
        into.push(this.span(name, role, at, type, String(v)));
        return v;
      }
    }
    into.push(this.span(name, role, at, type));
    return undefined;
  }

  byte(name: string, role: FieldSpan['role'], type: string, show: (c: number) => string, into = this.out) {
    const at = this.pos;
    if (this.done) return undefined;
    const c = this.b[this.pos++] as number;
    into.push(this.span(name, role, at, type, show(c)));
    return c;
  }

  /** `n` bytes (cut to what is there); `asText`: show them as UTF-8. */
  bytes(name: string, n: bigint, asText: boolean, into = this.out): void {
    const at = this.pos;
    const len = Number(n > BigInt(this.end - at) ? BigInt(this.end - at) : n);
    this.pos += len;
    const value = asText ? text.decode(this.b.subarray(at, at + Math.min(len, 256))) : `${n} bytes`;
    into.push(this.span(name, asText ? 'payload' : 'payload', at, asText ? 'UTF-8' : 'bytes', value));
  }

  /** `len · bytes` as one field with two children. */
  sized(name: string, asText: boolean, into = this.out): boolean {
    const at = this.pos;
    const children: FieldSpan[] = [];
    const n = this.varint('len', 'length', 'varint usize', 10, children);
    if (n !== undefined && n > 0n) this.bytes(asText ? 'text' : 'bytes', n, asText, children);
    into.push({ ...this.span(name, 'payload', at, asText ? 'string' : 'bytes'), children });
    return n !== undefined && !this.done;
  }

  /** `00` None / `01` Some · value, as one field with the tag and the value's fields as children. */
  option(name: string, type: string, some: (into: FieldSpan[]) => void): boolean {
    const at = this.pos;
    const children: FieldSpan[] = [];
    const tag = this.byte(
      'tag',
      'tag',
      'u8',
      (c) => (c === 0 ? '0 None' : c === 1 ? '1 Some' : `${c} (bad tag)`),
      children,
    );
    if (tag === 1) some(children);
    this.out.push({ ...this.span(name, 'payload', at, type), children });
    return tag !== undefined && !this.done;
  }

  span(name: string, role: FieldSpan['role'], at: number, type: string, value?: string): FieldSpan {
    return {
      name,
      role,
      offset: this.base + at,
      length: this.pos - at,
      type,
      ...(value === undefined ? {} : { value }),
    };
  }
}

/** The fields of the postcard `Message` at `bytes[start, end)` (`fileOffset`: its file position). */
export function describeSegmentMessage(bytes: Uint8Array, start: number, end: number, fileOffset = start): FieldSpan[] {
  const w = new Walk(bytes, start, end, fileOffset - start);
  const steps: (() => boolean)[] = [
    () => w.varint('offset', 'header', 'varint u64', 10) !== undefined && !w.done,
    () => w.option('key', 'option<bytes>', (c) => w.sized('bytes', false, c)),
    () => w.sized('value', false),
    () => w.sized('timestamp', true),
    () => {
      const at = w.pos;
      const children: FieldSpan[] = [];
      const n = w.varint('count', 'length', 'varint usize', 10, children);
      for (let i = 0n; n !== undefined && i < n && !w.done; i++) {
        const h = w.pos;
        const kv: FieldSpan[] = [];
        if (w.sized('key', true, kv)) w.sized('value', false, kv);
        children.push({ ...w.span(`header${i}`, 'payload', h, '(string, bytes)'), children: kv });
      }
      w.out.push({ ...w.span('headers', 'payload', at, 'vec<(string, bytes)>'), children });
      return !w.done;
    },
    () => w.option('producer_id', 'option<u64>', (c) => w.varint('value', 'payload', 'varint u64', 10, c)),
    () => w.option('producer_epoch', 'option<u16>', (c) => w.varint('value', 'payload', 'varint u16', 3, c)),
    () =>
      w.option('transaction_marker', 'option<TransactionMarker>', (c) =>
        w.varint('variant', 'tag', 'varint u32 (0 Commit, 1 Abort)', 5, c),
      ),
    () =>
      w.byte('is_transactional', 'payload', 'bool', (c) =>
        c === 0 ? 'false' : c === 1 ? 'true' : `${c} (bad bool)`,
      ) !== undefined,
  ];
  for (const step of steps) if (!step()) break;
  if (!w.done) {
    const at = w.pos;
    w.pos = end;
    w.out.push(w.span('trailing', 'trailing', at, 'bytes (ignored)'));
  }
  return w.out;
}

/**
 * The frame at `bytes[start…]`: `crc · len · payload`, the payload's message fields as its
 * children (clipped to the bytes given). `fileOffset` is the frame's file position.
 */
export function describeSegmentFrame(bytes: Uint8Array, start: number, fileOffset = start): FieldSpan[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const have = bytes.length - start;
  const out: FieldSpan[] = [];
  const u32 = (o: number) =>
    `0x${v
      .getUint32(start + o, false)
      .toString(16)
      .padStart(8, '0')}`;
  if (have <= 0) return out;
  out.push({
    name: 'crc',
    role: 'crc',
    offset: fileOffset,
    length: Math.min(4, have),
    type: 'u32 BE, CRC-32 of payload',
    ...(have >= 4 ? { value: u32(0) } : {}),
  });
  if (have <= 4) return out;
  const len = have >= 8 ? v.getUint32(start + 4, false) : undefined;
  out.push({
    name: 'len',
    role: 'length',
    offset: fileOffset + 4,
    length: Math.min(4, have - 4),
    type: 'u32 BE',
    ...(len === undefined ? {} : { value: String(len) }),
  });
  if (len === undefined || have <= FRAME_HEADER_SIZE) return out;
  const n = Math.min(len, have - FRAME_HEADER_SIZE);
  const ps = start + FRAME_HEADER_SIZE;
  out.push({
    name: 'payload',
    role: 'payload',
    offset: fileOffset + FRAME_HEADER_SIZE,
    length: n,
    type: 'postcard Message',
    children: describeSegmentMessage(bytes, ps, ps + n, fileOffset + FRAME_HEADER_SIZE),
  });
  return out;
}

/** One 12-byte `.index` entry at `bytes[at…]` (`fileOffset`: its position in the `.index`). */
export function describeIndexEntry(bytes: Uint8Array, at: number, fileOffset = at): FieldSpan[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length - at < INDEX_ENTRY_SIZE) {
    return [
      {
        name: 'torn entry',
        role: 'trailing',
        offset: fileOffset,
        length: Math.max(0, bytes.length - at),
        type: `${INDEX_ENTRY_SIZE}-byte entry cut short`,
      },
    ];
  }
  return [
    {
      name: 'relative_offset',
      role: 'header',
      offset: fileOffset,
      length: 4,
      type: 'u32 BE',
      value: String(v.getUint32(at, false)),
    },
    {
      name: 'position',
      role: 'pointer',
      offset: fileOffset + 4,
      length: 8,
      type: 'u64 BE, frame position in .log',
      value: String(v.getBigUint64(at + 4, false)),
      target: Number(v.getBigUint64(at + 4, false)),
    },
  ];
}

/** One 16-byte `.timeindex` entry at `bytes[at…]` (`fileOffset`: its position in the `.timeindex`). */
export function describeTimeIndexEntry(bytes: Uint8Array, at: number, fileOffset = at): FieldSpan[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length - at < TIME_INDEX_ENTRY_SIZE) {
    return [
      {
        name: 'torn entry',
        role: 'trailing',
        offset: fileOffset,
        length: Math.max(0, bytes.length - at),
        type: `${TIME_INDEX_ENTRY_SIZE}-byte entry cut short`,
      },
    ];
  }
  return [
    {
      name: 'max_timestamp',
      role: 'payload',
      offset: fileOffset,
      length: 8,
      type: 'i64 BE, ms',
      value: String(v.getBigInt64(at, false)),
    },
    {
      name: 'relative_offset',
      role: 'header',
      offset: fileOffset + 8,
      length: 4,
      type: 'u32 BE',
      value: String(v.getUint32(at + 8, false)),
    },
    {
      name: 'entry_crc',
      role: 'crc',
      offset: fileOffset + 12,
      length: 4,
      type: 'u32 BE, CRC-32 of bytes 0..12',
      value: `0x${v
        .getUint32(at + 12, false)
        .toString(16)
        .padStart(8, '0')}`,
    },
  ];
}
