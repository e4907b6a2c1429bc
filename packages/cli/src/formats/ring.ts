import { basename, dirname, type Fs, isLogspecError, readFully } from '@logspec/core';
import {
  checkSlotCanonical,
  decodeHeader,
  foreignMagicError,
  HEADER_BYTES,
  headerToJson,
  isTornMagic,
  nextSlotOf,
  RECORD_MAGIC,
  type RingGeometry,
  type RingHeader,
  type RingSlot,
  readRing,
  readSlotAt,
  ringFileLength,
  SLOT_BYTES,
  type SlotView,
  scanRing,
  slotOffset,
  slotToJson,
  visitRecords,
} from '@logspec/ring-log';
import { RingLog } from '@logspec/ring-log/store';
import { BigRange, bytes, isoFromNs, kv } from '../text.js';
import { healthJson, healthLine, label, problemOf } from './common.js';
import type { Ctx, DumpItem, Follower, FormatAdapter, Problem, RepairPlan, Summary, VerifyResult } from './types.js';

/** vyre's VRRL0001 replay ring through `@logspec/ring-log`. */

interface RingImage {
  file: string;
  size: number;
  header: RingHeader;
  /** The slots as a whole ring: the file's bytes, zero-padded (empty slots) if the file is short. */
  ring: Uint8Array;
  /** The bytes actually present (up to the last slot). */
  present: number;
  g: RingGeometry;
}

/** Reads a ring's header and slots (at most 64 MiB + 32: the header's capacity is checked first). */
function loadRing(fs: Fs, path: string): RingImage {
  const h = fs.open(path);
  try {
    const size = h.size();
    const head = new Uint8Array(Math.min(size, HEADER_BYTES));
    readFully(h, head, 0, head.length, 0);
    const header = decodeHeader(head);
    const need = ringFileLength(header.capacity);
    const ring = new Uint8Array(need);
    const present = readFully(h, ring, 0, Math.min(size, need), 0);
    return { file: path, size, header, ring, present, g: { capacity: header.capacity, nextSlot: nextSlotOf(header) } };
  } finally {
    h.close();
  }
}

function analyze(path: string, ctx: Ctx, strict: boolean) {
  const img = loadRing(ctx.fs, path);
  const name = basename(path);
  const problems: Problem[] = [];
  const notes: string[] = [];
  try {
    // The original's read, in ring order: reports the first slot beyond the end of a short file.
    readRing(img.ring.subarray(0, img.present), { foreignSlots: 'skip' });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    problems.push(problemOf(e, name));
  }
  const scan = scanRing(img.ring, img.g, { foreignSlots: 'skip' });
  const view = new DataView(img.ring.buffer);
  for (const pos of scan.foreignSlots) {
    const at = slotOffset(pos);
    const magic = view.getUint32(at, true);
    const p = problemOf(foreignMagicError(magic, at, pos), name);
    if (isTornMagic(magic)) p.message += " (a torn magic left by a crash: 'logspec repair' clears the slot)";
    problems.push(p);
  }
  if (img.size > img.ring.length) {
    notes.push(`${img.size - img.ring.length} bytes after the last slot (ignored, as by the original)`);
  }
  const stats = { ts: new BigRange(), epoch: new BigRange(), tenants: new Set<number>(), empty: 0 };
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
    let strictNotes = 0;
    for (let pos = 0; pos < img.header.capacity; pos++) {
      const at = slotOffset(pos);
      if (at + SLOT_BYTES > img.present) break;
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
  return { img, scan, stats, problems, notes };
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
 * it and emits, in ring order from the previous cursor, the record slots whose bytes changed.
 */
class RingFollower implements Follower {
  private prev: Uint8Array | null = null;
  private prevNext = 0;
  private index = 0;
  constructor(
    private readonly path: string,
    private readonly ctx: Ctx,
  ) {}

  poll(emit: (item: DumpItem) => void): void {
    const img = loadRing(this.ctx.fs, this.path);
    const prev = this.prev;
    if (prev === null || prev.length !== img.ring.length) {
      eachRecord(img, (s) => emit(slotItem(this.index++, s.position, s.toSlot())));
    } else {
      const view = new DataView(img.ring.buffer);
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

export const ring: FormatAdapter = {
  name: 'ring',

  inspect(path, ctx): Summary {
    const { img, scan, stats, problems, notes } = analyze(path, ctx, false);
    const h = headerToJson(img.header);
    return {
      json: {
        format: 'ring',
        path,
        size: img.size,
        header: h,
        records: scan.records,
        empty_slots: stats.empty,
        foreign_slots: scan.foreignSlots.length,
        timestamp_ns: stats.ts.json(),
        epoch: stats.epoch.json(),
        tenants: stats.tenants.size,
        notes,
        health: healthJson(problems),
      },
      lines: kv([
        ['format', 'ring (vyre VRRL0001 replay ring)'],
        ['file', path],
        ['size', bytes(img.size)],
        ['capacity', `${img.header.capacity} slots of 64 bytes`],
        ['cursor', `${img.header.cursor} (next slot ${h.next_slot})`],
        [
          'records',
          `${scan.records} (${stats.empty} empty slots${scan.foreignSlots.length ? `, ${scan.foreignSlots.length} foreign` : ''})`,
        ],
        ['time', stats.ts.text(isoFromNs)],
        ['epochs', stats.epoch.text()],
        ['tenants', String(stats.tenants.size)],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems)],
      ]),
    };
  },

  scan(path, ctx, visit) {
    const img = loadRing(ctx.fs, path);
    const scan = scanRing(img.ring, img.g, { foreignSlots: 'skip' });
    if (img.present < img.ring.length) {
      ctx.io.stderr(`logspec: warning: ${path} is shorter than its capacity needs; missing slots read as empty\n`);
    }
    if (scan.foreignSlots.length > 0) {
      ctx.io.stderr(
        `logspec: warning: ${scan.foreignSlots.length} slots with a foreign magic left out (slots ${scan.foreignSlots.slice(0, 10).join(', ')}${scan.foreignSlots.length > 10 ? ', …' : ''})\n`,
      );
    }
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
      problems,
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

  follow(path, ctx) {
    return new RingFollower(path, ctx);
  },
};
