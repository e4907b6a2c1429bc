import { isLogspecError } from '@logspec/core';
import { RingCode, ringError } from './errors.js';
import { type DecodeMode, decodeHeader, encodeHeader, nextSlotOf, type RingHeader, toU64 } from './header.js';
import { HEADER_BYTES, MAX_CAPACITY, SLOT_BYTES } from './layout.js';
import type { RingContents } from './ring.js';
import { decodeSlot, encodeSlot, type RingSlot } from './slot.js';

/**
 * The canonical JSON of the conformance suite (conformance/golden/REFERENCE-README.md § ring):
 * snake_case keys in a fixed order, u64 as decimal strings, u32 as numbers.
 */
export interface SlotJson {
  timestamp_ns: string;
  slot_idx: number;
  tenant_id: number;
  opcode: number;
  args: [number, number, number, number];
  epoch: number;
}

export interface HeaderJson {
  version: number;
  flags: number;
  capacity: string;
  /** The stored cursor, unreduced. */
  cursor: string;
  /** cursor % capacity. */
  next_slot: string;
}

export interface RingJson {
  capacity: string;
  cursor: string;
  records: SlotJson[];
}

export function slotToJson(s: RingSlot): SlotJson {
  return {
    timestamp_ns: s.timestampNs.toString(),
    slot_idx: s.slotIdx,
    tenant_id: s.tenantId,
    opcode: s.opcode,
    args: [s.args[0], s.args[1], s.args[2], s.args[3]],
    epoch: s.epoch,
  };
}

function field(o: Record<string, unknown>, k: string): unknown {
  if (!(k in o)) throw ringError(RingCode.INVALID_VALUE, `missing field ${k}`, undefined, { field: k });
  return o[k];
}

function u32Json(o: Record<string, unknown>, k: string): number {
  const v = field(o, k);
  if (typeof v !== 'number' || v >>> 0 !== v) {
    throw ringError(RingCode.INVALID_VALUE, `${k} must be a u32 number`, undefined, { field: k, value: String(v) });
  }
  return v;
}

function u64Json(o: Record<string, unknown>, k: string): bigint {
  const v = field(o, k);
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]*)$/.test(v)) {
    throw ringError(RingCode.INVALID_VALUE, `${k} must be a decimal u64 string`, undefined, {
      field: k,
      value: String(v),
    });
  }
  return toU64(BigInt(v), k);
}

function objectJson(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw ringError(RingCode.INVALID_VALUE, `${what} must be a JSON object`, undefined, { field: what });
  }
  return v as Record<string, unknown>;
}

/** Parses a canonical slot object (as in the recipes' `append {slot}`); typed errors for anything else. */
export function slotFromJson(v: unknown): RingSlot {
  const o = objectJson(v, 'slot');
  const args = field(o, 'args');
  if (!Array.isArray(args) || args.length !== 4) {
    throw ringError(RingCode.INVALID_VALUE, 'args must be an array of 4 u32', undefined, { field: 'args' });
  }
  const a = args.map((x, i) => u32Json({ [`args[${i}]`]: x }, `args[${i}]`));
  return {
    timestampNs: u64Json(o, 'timestamp_ns'),
    slotIdx: u32Json(o, 'slot_idx'),
    tenantId: u32Json(o, 'tenant_id'),
    opcode: u32Json(o, 'opcode'),
    args: [a[0] as number, a[1] as number, a[2] as number, a[3] as number],
    epoch: u32Json(o, 'epoch'),
  };
}

export function headerToJson(h: RingHeader): HeaderJson {
  return {
    version: h.version,
    flags: h.flags,
    capacity: String(h.capacity),
    cursor: h.cursor.toString(),
    next_slot: String(nextSlotOf(h)),
  };
}

/** Parses `{version?, flags?, capacity, cursor}` (`next_slot` is derived and ignored). */
export function headerFromJson(v: unknown): { capacity: bigint; cursor: bigint; flags: number } {
  const o = objectJson(v, 'header');
  if ('version' in o && o.version !== 1) {
    throw ringError(RingCode.BAD_VERSION, 'a writer writes version 1', undefined, { version: String(o.version) });
  }
  return {
    capacity: u64Json(o, 'capacity'),
    cursor: u64Json(o, 'cursor'),
    flags: 'flags' in o ? u32Json(o, 'flags') : 0,
  };
}

export function ringToJson(r: Pick<RingContents, 'capacity' | 'cursor' | 'records'>): RingJson {
  return { capacity: String(r.capacity), cursor: String(r.cursor), records: r.records.map(slotToJson) };
}

/** The units the conformance `decode`/`encode` verbs know. */
export type UnitKind = 'header' | 'slot';

/**
 * Decodes exactly one unit (a 32-byte header or a 64-byte slot) to canonical JSON. An empty slot
 * decodes to `null`. More bytes than the unit is `RING_TRAILING_BYTES`, checked before anything else.
 */
export function decodeUnit(kind: UnitKind, bytes: Uint8Array, mode: DecodeMode = 'original'): unknown {
  const size = kind === 'header' ? HEADER_BYTES : SLOT_BYTES;
  if (bytes.length > size) {
    throw ringError(RingCode.TRAILING_BYTES, `${bytes.length - size} bytes after the ${kind}`, size, {
      extra: bytes.length - size,
    });
  }
  return kind === 'header' ? headerToJson(decodeHeader(bytes, { mode })) : decodeSlotJson(bytes, mode);
}

function decodeSlotJson(bytes: Uint8Array, mode: DecodeMode): SlotJson | null {
  const s = decodeSlot(bytes, 0, { mode });
  return s === null ? null : slotToJson(s);
}

/** Encodes one unit from canonical JSON (`null` slot = empty slot). */
export function encodeUnit(kind: UnitKind, value: unknown): Uint8Array {
  if (kind === 'header') return encodeHeader(headerFromJson(value));
  return encodeSlot(value === null ? null : slotFromJson(value));
}

/** The error object the reference corpus's `*.expect.json` uses for the original's failures. */
export interface OriginalErrorJson {
  error: string;
  message: string;
  [extra: string]: string;
}

const IO_KIND: Record<string, string> = {
  ENOENT: 'NotFound',
  EACCES: 'PermissionDenied',
  EPERM: 'PermissionDenied',
  EISDIR: 'IsADirectory',
  ENOSPC: 'StorageFull',
  EROFS: 'ReadOnlyFilesystem',
  EEXIST: 'AlreadyExists',
  EINVAL: 'InvalidInput',
  EIO: 'Other',
};

/**
 * Maps a logspec error from reading a ring file to the error the original (`RingLog::open(path, 1)`
 * then `replay_all()`) reports for the same bytes, with its Display text. `name` is the path as
 * the original was given it. Returns undefined for errors the original cannot produce (strict-mode codes).
 */
export function originalErrorOf(e: unknown, name: string): OriginalErrorJson | undefined {
  const eof = (): OriginalErrorJson => ({
    error: 'io',
    message: `replay log read on \`${name}\` failed: failed to fill whole buffer. Fix: check disk space + permissions.`,
    op: 'read',
    io_kind: 'UnexpectedEof',
  });
  const mismatch = (): OriginalErrorJson => ({
    error: 'header_mismatch',
    message: `replay log \`${name}\` header mismatch. Fix: regenerate the log; VRRL format may have changed.`,
  });
  if (!isLogspecError(e)) return undefined;
  switch (e.code) {
    case RingCode.TRUNCATED_HEADER:
    case RingCode.SHORT_FILE:
      return eof();
    case RingCode.BAD_MAGIC:
    case RingCode.BAD_VERSION:
    case RingCode.FOREIGN_SLOT_MAGIC:
      return mismatch();
    case RingCode.ZERO_CAPACITY:
      return {
        error: 'zero_capacity',
        message: 'replay log capacity must be > 0. Fix: construct with at least one slot.',
      };
    case RingCode.CAPACITY_OVERFLOW: {
      const count = String(e.details.count);
      return {
        error: 'capacity_overflow',
        message: `replay log capacity ${count} exceeds max ${MAX_CAPACITY}. Fix: shard replay into smaller logs.`,
        count,
        max: String(MAX_CAPACITY),
      };
    }
    case 'CORE_IO': {
      const errno = String(e.details.errno ?? 'EIO');
      if (errno === 'ENOENT') return { error: 'not_found', message: `replay log \`${name}\` not found` };
      const op = String(e.details.op ?? 'read');
      // The original opens read-write, so a directory fails at open (EISDIR), not at a read.
      const o = op === 'open' || op === 'stat' || errno === 'EISDIR' ? 'open' : op === 'write' ? 'write' : 'read';
      return {
        error: 'io',
        message: `replay log ${o} on \`${name}\` failed: ${e.message}. Fix: check disk space + permissions.`,
        op: o,
        io_kind: IO_KIND[errno] ?? 'Other',
      };
    }
    default:
      return undefined;
  }
}
