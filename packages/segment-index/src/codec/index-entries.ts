import { crc32 } from '@logspec/core';
import { SegCode, segError } from './errors.js';

/** `.index` entry: `relative offset u32 BE · position u64 BE`. */
export const INDEX_ENTRY_SIZE = 12;
/** The original indexes the first frame and every frame starting ≥ 4096 bytes after the last indexed one. */
export const INDEX_INTERVAL_BYTES = 4096;
/**
 * `.timeindex` entry (logspec): `max timestamp ms i64 BE · relative offset u32 BE · crc32 u32 BE`
 * (CRC-32/IEEE of the first 12 bytes), so a torn or garbage entry after a crash is recognised.
 */
export const TIME_INDEX_ENTRY_SIZE = 16;
export const MAX_RELATIVE_OFFSET = 0xffffffff;

/** One `.index` entry with its exact u64 position (canonical JSON needs it exactly). */
export interface IndexEntry {
  relativeOffset: number;
  position: bigint;
}

/** One `.timeindex` entry. */
export interface TimeIndexEntry {
  /** Largest `timestamp_millis` of any message up to and including the one at `relativeOffset`. */
  maxTimestampMs: bigint;
  relativeOffset: number;
}

/** Decodes an `.index` file as the original loads it: whole 12-byte entries, a partial tail ignored. */
export function decodeIndexEntries(bytes: Uint8Array): IndexEntry[] {
  const n = Math.floor(bytes.length / INDEX_ENTRY_SIZE);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: IndexEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { relativeOffset: v.getUint32(i * 12, false), position: v.getBigUint64(i * 12 + 4, false) };
  }
  return out;
}

const TWO_32 = 2 ** 32;

/**
 * A 64-bit big-endian integer from a double (exact below 2^53): two 32-bit stores, where
 * `setBigInt64` would need a bigint per entry. Negative values come out in two's complement.
 */
function setInt64(v: DataView, at: number, x: number): void {
  const hi = Math.floor(x / TWO_32);
  v.setInt32(at, hi, false);
  v.setUint32(at + 4, x - hi * TWO_32, false);
}

function writeIndexEntry(v: DataView, at: number, relativeOffset: number, position: number): void {
  if (!Number.isInteger(relativeOffset) || relativeOffset < 0 || relativeOffset > MAX_RELATIVE_OFFSET) {
    throw segError(SegCode.RELATIVE_OFFSET_OVERFLOW, `relative offset ${relativeOffset} does not fit u32`);
  }
  v.setUint32(at, relativeOffset, false);
  setInt64(v, at + 4, position);
}

export function encodeIndexEntries(
  entries: readonly { relativeOffset: number; position: number | bigint }[],
): Uint8Array {
  const out = new Uint8Array(entries.length * INDEX_ENTRY_SIZE);
  const v = new DataView(out.buffer);
  entries.forEach((e, i) => {
    writeIndexEntry(v, i * INDEX_ENTRY_SIZE, e.relativeOffset, Number(e.position));
  });
  return out;
}

/** Decodes a `.timeindex` up to its first entry whose CRC does not match (or a partial entry). */
export function decodeTimeIndexEntries(bytes: Uint8Array): TimeIndexEntry[] {
  const n = Math.floor(bytes.length / TIME_INDEX_ENTRY_SIZE);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: TimeIndexEntry[] = [];
  for (let i = 0; i < n; i++) {
    const at = i * TIME_INDEX_ENTRY_SIZE;
    if (crc32(bytes, at, at + 12) !== v.getUint32(at + 12, false)) break;
    out.push({ maxTimestampMs: v.getBigInt64(at, false), relativeOffset: v.getUint32(at + 8, false) });
  }
  return out;
}

function writeTimeIndexEntry(
  out: Uint8Array,
  v: DataView,
  at: number,
  maxTimestampMs: number,
  relativeOffset: number,
): void {
  setInt64(v, at, maxTimestampMs);
  v.setUint32(at + 8, relativeOffset, false);
  v.setUint32(at + 12, crc32(out, at, at + 12), false);
}

/**
 * An offset index in memory: two flat arrays (a 1 GiB segment has ~262k entries).
 * Positions are doubles: exact up to 2^53, and anything larger lies past every real file.
 */
export class OffsetIndex {
  rel: Uint32Array;
  pos: Float64Array;
  length = 0;

  constructor(capacity = 16) {
    this.rel = new Uint32Array(capacity);
    this.pos = new Float64Array(capacity);
  }

  static fromBytes(bytes: Uint8Array): OffsetIndex {
    const n = Math.floor(bytes.length / INDEX_ENTRY_SIZE);
    const idx = new OffsetIndex(Math.max(16, n));
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) {
      idx.rel[i] = v.getUint32(i * 12, false);
      idx.pos[i] = Number(v.getBigUint64(i * 12 + 4, false));
    }
    idx.length = n;
    return idx;
  }

  push(relativeOffset: number, position: number): void {
    if (this.length === this.rel.length) {
      const rel = new Uint32Array(this.rel.length * 2);
      rel.set(this.rel);
      const pos = new Float64Array(this.pos.length * 2);
      pos.set(this.pos);
      this.rel = rel;
      this.pos = pos;
    }
    this.rel[this.length] = relativeOffset;
    this.pos[this.length] = position;
    this.length++;
  }

  truncate(n: number): void {
    this.length = Math.min(this.length, n);
  }

  lastPosition(): number | undefined {
    return this.length > 0 ? this.pos[this.length - 1] : undefined;
  }

  /**
   * Index of the last entry with relative offset ≤ `rel`, or -1: Rust's
   * `partition_point(|(off, _)| off <= rel) - 1`, which the original uses to pick where to start.
   */
  floor(rel: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rel[mid] as number) <= rel) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Position to start reading for relative offset `rel` (0 without a usable entry). */
  startFor(rel: number): number {
    const i = this.floor(rel);
    return i < 0 ? 0 : (this.pos[i] as number);
  }

  entries(): { relativeOffset: number; position: number }[] {
    const out = [];
    for (let i = 0; i < this.length; i++)
      out.push({ relativeOffset: this.rel[i] as number, position: this.pos[i] as number });
    return out;
  }

  toBytes(from = 0, to = this.length): Uint8Array {
    const out = new Uint8Array((to - from) * INDEX_ENTRY_SIZE);
    const v = new DataView(out.buffer);
    for (let i = from; i < to; i++) {
      writeIndexEntry(v, (i - from) * INDEX_ENTRY_SIZE, this.rel[i] as number, this.pos[i] as number);
    }
    return out;
  }
}

/** The time index in memory (timestamps as exact doubles: |ms| < 2^53 over chrono's range). */
export class TimeIndex {
  ts: Float64Array;
  rel: Uint32Array;
  length = 0;

  constructor(capacity = 16) {
    this.ts = new Float64Array(capacity);
    this.rel = new Uint32Array(capacity);
  }

  /** The CRC-valid prefix of a `.timeindex` file. */
  static fromBytes(bytes: Uint8Array): TimeIndex {
    const entries = decodeTimeIndexEntries(bytes);
    const idx = new TimeIndex(Math.max(16, entries.length));
    for (const e of entries) idx.push(Number(e.maxTimestampMs), e.relativeOffset);
    return idx;
  }

  push(maxTimestampMs: number, relativeOffset: number): void {
    if (this.length === this.ts.length) {
      const ts = new Float64Array(this.ts.length * 2);
      ts.set(this.ts);
      const rel = new Uint32Array(this.rel.length * 2);
      rel.set(this.rel);
      this.ts = ts;
      this.rel = rel;
    }
    this.ts[this.length] = maxTimestampMs;
    this.rel[this.length] = relativeOffset;
    this.length++;
  }

  truncate(n: number): void {
    this.length = Math.min(this.length, n);
  }

  /** Index of the last entry whose running maximum is below `targetMs`, or -1. */
  lastBelow(targetMs: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ts[mid] as number) < targetMs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  toBytes(from = 0, to = this.length): Uint8Array {
    const out = new Uint8Array((to - from) * TIME_INDEX_ENTRY_SIZE);
    const v = new DataView(out.buffer);
    for (let i = from; i < to; i++) {
      writeTimeIndexEntry(out, v, (i - from) * TIME_INDEX_ENTRY_SIZE, this.ts[i] as number, this.rel[i] as number);
    }
    return out;
  }
}

/** A problem in `.index` or `.timeindex`: `offset` is the byte offset of the entry in that file. */
export interface IndexProblem {
  file: 'index' | 'timeindex';
  code: SegCode;
  /** Byte offset in the index file of the bad entry (or of the partial tail). */
  offset: number;
  /** Number of the bad entry (for a partial tail: the number it would have had). */
  entry: number;
  message: string;
}

function indexProblem(code: SegCode, k: number, message: string): IndexProblem {
  return { file: 'index', code, offset: k * INDEX_ENTRY_SIZE, entry: k, message: `entry ${k}: ${message}` };
}

function timeProblem(code: SegCode, k: number, message: string): IndexProblem {
  return { file: 'timeindex', code, offset: k * TIME_INDEX_ENTRY_SIZE, entry: k, message: `entry ${k}: ${message}` };
}

/** The partial last entry of an `.index` of `byteLength` bytes, if any. */
export function indexTornTail(byteLength: number): IndexProblem | undefined {
  const extra = byteLength % INDEX_ENTRY_SIZE;
  if (extra === 0) return undefined;
  const k = (byteLength - extra) / INDEX_ENTRY_SIZE;
  return indexProblem(SegCode.INDEX_TORN_ENTRY, k, `${extra} bytes of a partial entry (readers ignore them)`);
}

/** What is wrong with entry `k`'s order (against entry `prev`) or bounds: the checks the reader's binary search needs. */
function entryOrderCode(idx: OffsetIndex, k: number, logSize: number, prev: number): SegCode | undefined {
  const p = idx.pos[k] as number;
  if (p >= logSize) return SegCode.INDEX_POSITION_PAST_END;
  if (prev < 0) return undefined;
  if (p <= (idx.pos[prev] as number)) return SegCode.INDEX_POSITION_NOT_INCREASING;
  if ((idx.rel[k] as number) < (idx.rel[prev] as number)) return SegCode.INDEX_OFFSET_DECREASING;
  return undefined;
}

/**
 * Entry `k`'s order or bounds problem, with its message (undefined when it is in order and
 * inside the log). `prev` is the entry to compare with (default `k − 1`; a verifier that goes
 * on after a bad entry passes the last good one, so one bad entry is not reported twice).
 */
export function indexEntryOrderProblem(
  idx: OffsetIndex,
  k: number,
  logSize: number,
  prev = k - 1,
): IndexProblem | undefined {
  const code = entryOrderCode(idx, k, logSize, prev);
  if (code === undefined) return undefined;
  const p = idx.pos[k] as number;
  const r = idx.rel[k] as number;
  switch (code) {
    case SegCode.INDEX_POSITION_PAST_END:
      return indexProblem(code, k, `position ${p} is not inside the log (${logSize} bytes)`);
    case SegCode.INDEX_POSITION_NOT_INCREASING:
      return indexProblem(code, k, `position ${p} is not above entry ${prev}'s (${idx.pos[prev]})`);
    default:
      return indexProblem(code, k, `relative offset ${r} is below entry ${prev}'s (${idx.rel[prev]})`);
  }
}

/**
 * Number of leading entries usable by logspec's reader without reading the log: offsets
 * ascending (equal allowed), positions strictly ascending, inside the log.
 */
export function validateOffsetIndex(idx: OffsetIndex, logSize: number): number {
  for (let i = 0; i < idx.length; i++) if (entryOrderCode(idx, i, logSize, i - 1) !== undefined) return i;
  return idx.length;
}

/** How many leading time index entries pair with the offset index (same relative offset, maxima not decreasing). */
export function pairedTimePrefix(t: TimeIndex, idx: OffsetIndex): number {
  const limit = Math.min(t.length, idx.length);
  let k = 0;
  while (k < limit && t.rel[k] === idx.rel[k] && (k === 0 || (t.ts[k] as number) >= (t.ts[k - 1] as number))) k++;
  return k;
}

/**
 * The first problem of a `.timeindex` (its bytes, decoded as `t` by `TimeIndex.fromBytes`)
 * against the offset index `idx`: an unpaired or decreasing entry, a CRC mismatch, or a partial tail.
 */
export function timeIndexProblem(bytes: Uint8Array, t: TimeIndex, idx: OffsetIndex): IndexProblem | undefined {
  const k = pairedTimePrefix(t, idx);
  if (k < t.length) {
    if (k >= idx.length) {
      return timeProblem(SegCode.INDEX_TIME_UNPAIRED, k, `the .index has no entry ${k} to pair with`);
    }
    if (t.rel[k] !== idx.rel[k]) {
      return timeProblem(
        SegCode.INDEX_TIME_UNPAIRED,
        k,
        `relative offset ${t.rel[k]} differs from .index entry ${k}'s (${idx.rel[k]})`,
      );
    }
    return timeProblem(
      SegCode.INDEX_TIME_DECREASING,
      k,
      `maximum timestamp ${t.ts[k]} is below entry ${k - 1}'s (${t.ts[k - 1]})`,
    );
  }
  const whole = Math.floor(bytes.length / TIME_INDEX_ENTRY_SIZE);
  if (t.length < whole) {
    return timeProblem(SegCode.INDEX_TIME_CRC_MISMATCH, t.length, 'stored CRC-32 does not match the entry');
  }
  const extra = bytes.length % TIME_INDEX_ENTRY_SIZE;
  if (extra !== 0) return timeProblem(SegCode.INDEX_TIME_TORN_ENTRY, whole, `${extra} bytes of a partial entry`);
  return undefined;
}

/**
 * Checks what `.index` entry `k` points at, given what lies at its position: `undefined` when
 * no non-empty CRC-valid frame starts there, `null` for a frame whose payload does not decode,
 * else the frame's message offset. It must be `base + rel` — or, for a payload that does not
 * decode, the relative offset the index builder gives it (the previous entry's, 0 for the first).
 */
export function indexedFrameProblem(
  idx: OffsetIndex,
  k: number,
  base: bigint,
  frameOffset: bigint | null | undefined,
): IndexProblem | undefined {
  const r = idx.rel[k] as number;
  if (frameOffset === undefined) {
    return indexProblem(SegCode.INDEX_NOT_AT_FRAME, k, `position ${idx.pos[k]} is not the start of a CRC-valid frame`);
  }
  const want = frameOffset === null ? (k > 0 ? (idx.rel[k - 1] as number) : 0) : undefined;
  if (want !== undefined ? r === want : frameOffset === base + BigInt(r)) return undefined;
  return indexProblem(
    SegCode.INDEX_OFFSET_MISMATCH,
    k,
    frameOffset === null
      ? `the frame at position ${idx.pos[k]} does not decode; the index builder gives it relative offset ${want}, not ${r}`
      : `the frame at position ${idx.pos[k]} carries offset ${frameOffset}, not ${base + BigInt(r)}`,
  );
}
