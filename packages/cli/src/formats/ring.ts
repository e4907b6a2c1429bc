import { basename, dirname, type Fs, isLogspecError } from '@logspec/core';
import {
  checkSlotCanonical,
  decodeHeader,
  foreignMagicError,
  headerToJson,
  isTornMagic,
  RECORD_MAGIC,
  type RingGeometry,
  type RingHeader,
  type RingSlot,
  readRing,
  readSlotAt,
  SLOT_BYTES,
  type SlotView,
  scanRing,
  slotOffset,
  slotToJson,
  visitRecords,
} from '@logspec/ring-log';
import { RingLog, readRingImage } from '@logspec/ring-log/store';
import { BigRange, bytes, isoFromNs, kv } from '../text.js';
import { healthJson, healthLine, label, ProblemList, problemOf } from './common.js';
import type {
  Ctx,
  DamageSink,
  DumpItem,
  Follower,
  FormatCli,
  Problem,
  RepairPlan,
  Summary,
  VerifyResult,
} from './types.js';

/** vyre's VRRL0001 replay ring through `@logspec/ring-log`. */

interface RingImage {
  file: string;
  size: number;
  header: RingHeader;
  /** The file's bytes up to the last slot: every slot, unless the file is short (`whole` false). */
  ring: Uint8Array;
  whole: boolean;
  g: RingGeometry;
}

/**
 * Reads a ring through the package's reader: the header is checked before anything is
 * allocated, the buffer is never larger than the file, and the read is a consistent one
 * (RING-R-015), since a writer may be appending while we read.
 */
function loadRing(fs: Fs, path: string): RingImage {
  const r = readRingImage(fs, path, { consistent: true });
  return { file: path, size: r.size, header: r.header, ring: r.image, whole: r.whole, g: r.geometry };
}

/** The foreign slots of a scan as problems, one per run of neighbouring slots. */
function foreignProblems(img: RingImage, foreign: readonly number[], name: string, out: (p: Problem) => void): void {
  const view = new DataView(img.ring.buffer, img.ring.byteOffset, img.ring.byteLength);
  for (const pos of foreign) {
    const at = slotOffset(pos);
    const magic = view.getUint32(at, true);
    const p = problemOf(foreignMagicError(magic, at, pos), name);
    if (isTornMagic(magic)) p.message += " (a torn magic left by a crash: 'logspec repair' clears the slot)";
    p.end = at + SLOT_BYTES;
    out(p);
  }
}

function analyze(path: string, ctx: Ctx, strict: boolean) {
  const img = loadRing(ctx.fs, path);
  const name = basename(path);
  const problems = new ProblemList();
  const notes: string[] = [];
  const stats = {
    ts: new BigRange(),
    epoch: new BigRange(),
    tenants: new Set<number>(),
    empty: 0,
    records: 0,
    foreign: 0,
  };
  try {
    // The original's read, in ring order: reports the first slot beyond the end of a short file.
    readRing(img.ring, { foreignSlots: 'skip' });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    problems.add(problemOf(e, name));
  }
  if (!img.whole) {
    // A short file: its slots cannot be read as a ring (the package refuses it, RING_SHORT_FILE).
    return { img, stats, problems, notes };
  }
  const scan = scanRing(img.ring, img.g, { foreignSlots: 'skip' });
  stats.records = scan.records;
  stats.foreign = scan.foreignSlots.length;
  foreignProblems(img, scan.foreignSlots, name, (p) => problems.add(p));
  if (img.size > img.ring.length) {
    notes.push(`${img.size - img.ring.length} bytes after the last slot (ignored, as by the original)`);
  }
  ctx.progress.begin(`scanning ${label(path)}`, img.ring.length);
  try {
    visitRecords(img.ring, img.g, (s) => {
      stats.ts.add(s.timestampNs);
      stats.epoch.add(BigInt(s.epoch));
      stats.tenants.add(s.tenantId);
      ctx.progress.update(s.offset);
    });
  } finally {
    ctx.progress.end();
  }
  stats.empty = img.header.capacity - scan.records - scan.foreignSlots.length;
  if (strict) {
    try {
      decodeHeader(img.ring, { mode: 'strict' });
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      notes.push(`${e.code}: ${e.message} (the original accepts it)`);
    }
    const view = new DataView(img.ring.buffer, img.ring.byteOffset, img.ring.byteLength);
    let strictNotes = 0;
    for (let pos = 0; pos < img.header.capacity; pos++) {
      const at = slotOffset(pos);
      const magic = view.getUint32(at, true);
      if (magic !== 0 && magic !== RECORD_MAGIC) continue;
      try {
        checkSlotCanonical(img.ring, at, magic, 0);
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        if (strictNotes++ < 20) notes.push(`slot ${pos}: ${e.code}: ${e.message} (the original ignores it)`);
      }
    }
    if (strictNotes > 20) notes.push(`… ${strictNotes - 20} more slots with non-canonical bytes`);
  }
  return { img, stats, problems, notes };
}

function slotText(index: number, position: number, s: RingSlot): string {
  return (
    `#${index} slot=${position} ts=${isoFromNs(s.timestampNs)} slot_idx=${s.slotIdx} tenant=${s.tenantId} ` +
    `opcode=0x${s.opcode.toString(16).padStart(8, '0')} args=[${s.args.join(',')}] epoch=${s.epoch}`
  );
}

function slotItem(index: number, position: number, s: RingSlot): DumpItem {
  return { key: BigInt(index), json: () => slotToJson(s), text: () => slotText(index, position, s) };
}

/** Visits records in ring order from `img`, with a slot view turned into a value. */
function eachRecord(img: RingImage, visit: (s: SlotView, index: number) => void): void {
  visitRecords(img.ring, img.g, visit);
}

/**
 * Follows a ring that another process appends to: the file never grows, so each poll re-reads
 * it (consistently, RING-R-015) and emits, in ring order from the previous cursor, the record
 * slots whose bytes changed.
 */
class RingFollower implements Follower {
  private prev: Uint8Array | null = null;
  private prevNext = 0;
  private index = 0;
  constructor(
    private readonly path: string,
    private readonly ctx: Ctx,
  ) {}

  poll(emit: (item: DumpItem) => void, damage: DamageSink): void {
    const img = loadRing(this.ctx.fs, this.path);
    if (!img.whole) readRing(img.ring); // RING_SHORT_FILE, as the package reads it
    const prev = this.prev;
    if (prev === null || prev.length !== img.ring.length) {
      const scan = scanRing(img.ring, img.g, { foreignSlots: 'skip' });
      foreignProblems(img, scan.foreignSlots, basename(this.path), damage);
      eachRecord(img, (s) => emit(slotItem(this.index++, s.position, s.toSlot())));
    } else {
      const view = new DataView(img.ring.buffer, img.ring.byteOffset, img.ring.byteLength);
      const cap = img.header.capacity;
      for (let step = 0; step < cap; step++) {
        const pos = (this.prevNext + step) % cap;
        const at = slotOffset(pos);
        if (view.getUint32(at, true) !== RECORD_MAGIC) continue;
        if (same(prev, img.ring, at, at + SLOT_BYTES)) continue;
        const s = readSlotAt(view, at);
        emit(slotItem(this.index++, pos, s));
      }
    }
    this.prev = img.ring;
    this.prevNext = img.g.nextSlot;
  }
}

function same(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const ring: FormatCli = {
  name: 'ring',

  inspect(path, ctx): Summary {
    const { img, stats, problems, notes } = analyze(path, ctx, false);
    const h = headerToJson(img.header);
    return {
      ok: problems.total === 0,
      json: {
        format: 'ring',
        path,
        size: img.size,
        header: h,
        records: stats.records,
        empty_slots: stats.empty,
        foreign_slots: stats.foreign,
        timestamp_ns: stats.ts.json(),
        epoch: stats.epoch.json(),
        tenants: stats.tenants.size,
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'ring (vyre VRRL0001 replay ring)'],
        ['file', path],
        ['size', bytes(img.size)],
        ['capacity', `${img.header.capacity} slots of 64 bytes`],
        ['cursor', `${img.header.cursor} (next slot ${h.next_slot})`],
        [
          'records',
          img.whole
            ? `${stats.records} (${stats.empty} empty slots${stats.foreign ? `, ${stats.foreign} foreign` : ''})`
            : '— (the file is shorter than its capacity needs)',
        ],
        ['time', stats.ts.text(isoFromNs)],
        ['epochs', stats.epoch.text()],
        ['tenants', String(stats.tenants.size)],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  dump(path, ctx, visit, damage) {
    const img = loadRing(ctx.fs, path);
    // A short file is refused as the package refuses it (RING_SHORT_FILE, in ring order).
    if (!img.whole) readRing(img.ring, { foreignSlots: 'skip' });
    const scan = scanRing(img.ring, img.g, { foreignSlots: 'skip' });
    foreignProblems(img, scan.foreignSlots, basename(path), damage);
    let stop = false;
    eachRecord(img, (s, i) => {
      if (!stop && visit(slotItem(i, s.position, s.toSlot())) === false) stop = true;
    });
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyze(path, ctx, true);
    return {
      checks: [
        'header (magic VRRL0001, version 1, capacity 1 … 1,048,576)',
        "file length against the header's capacity",
        'every slot magic (0 or 0xDEADBEEF; torn magics told apart)',
        'strict: flags, cursor < capacity, zero padding and empty slots (reported as notes)',
        'not checkable: record contents (the format has no checksum)',
      ],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path): RepairPlan {
    const name = basename(path);
    return {
      base: dirname(path),
      entries: [name],
      run(fs, base) {
        const log = RingLog.open(`${base}/${name}`, { fs, foreignSlots: 'skip' });
        try {
          const o = log.opened;
          const out: string[] = [];
          if (o.clearedTornSlots.length) out.push(`cleared torn slot magics: slots ${o.clearedTornSlots.join(', ')}`);
          if (o.foreignSlots.length) {
            out.push(
              `left alone: slots ${o.foreignSlots.join(', ')} have a foreign magic that is not a torn one (the package never clears those)`,
            );
          }
          if (o.trailingBytes)
            out.push(`${o.trailingBytes} bytes after the last slot left as they are (ignored by readers)`);
          return out;
        } finally {
          log.close();
        }
      },
    };
  },

  tail(path, ctx) {
    return new RingFollower(path, ctx);
  },
};
