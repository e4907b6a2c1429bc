import { basename, dirname, joinPath } from '@logspec/core';
import {
  headerToJson,
  RECORD_MAGIC,
  type RingSlot,
  readRing,
  readSlotAt,
  SLOT_BYTES,
  scanRing,
  slotOffset,
  slotToJson,
  visitRecords,
} from '@logspec/ring-log';
import { readRingImage, repairRing, ringForeignProblems, surveyRing } from '@logspec/ring-log/store';
import { BigRange, bytes, isoFromNs, kv } from '../text.js';
import { cliProblem, healthJson, healthLine, label, problemListOf } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower, FormatCli, RepairPlan, Summary, VerifyResult } from './types.js';

/** vyre's VRRL0001 replay ring through `@logspec/ring-log`. */

/** The package's survey of a ring, with the counts `inspect` prints. */
function analyze(path: string, ctx: Ctx, strict: boolean) {
  const stats = { ts: new BigRange(), epoch: new BigRange(), tenants: new Set<number>() };
  ctx.progress.begin(`scanning ${label(path)}`, ctx.fs.stat(path)?.size ?? 0);
  try {
    const survey = surveyRing(
      ctx.fs,
      path,
      {
        unit(u) {
          const s = u.slot;
          if (!s) return;
          stats.ts.add(s.timestampNs);
          stats.epoch.add(BigInt(s.epoch));
          stats.tenants.add(s.tenantId);
          ctx.progress.update(s.offset);
        },
      },
      { strict },
    );
    return { survey, stats, problems: problemListOf(survey), notes: survey.notes };
  } finally {
    ctx.progress.end();
  }
}

/**
 * A ring as `dump` and a follower read it: consistently (RING-R-015), since a writer may be
 * appending; a short file is refused as the package refuses it (RING_SHORT_FILE).
 */
function loadRing(ctx: Ctx, path: string) {
  const img = readRingImage(ctx.fs, path, { consistent: true });
  if (!img.whole) readRing(img.image, { foreignSlots: 'skip' });
  return img;
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
    const img = loadRing(this.ctx, this.path);
    const prev = this.prev;
    if (prev === null || prev.length !== img.image.length) {
      const scan = scanRing(img.image, img.geometry, { foreignSlots: 'skip' });
      for (const p of ringForeignProblems(img.image, scan.foreignSlots, basename(this.path))) damage(cliProblem(p));
      visitRecords(img.image, img.geometry, (s) => emit(slotItem(this.index++, s.position, s.toSlot())));
    } else {
      const view = new DataView(img.image.buffer, img.image.byteOffset, img.image.byteLength);
      const cap = img.header.capacity;
      for (let step = 0; step < cap; step++) {
        const pos = (this.prevNext + step) % cap;
        const at = slotOffset(pos);
        if (view.getUint32(at, true) !== RECORD_MAGIC) continue;
        if (same(prev, img.image, at, at + SLOT_BYTES)) continue;
        const s = readSlotAt(view, at);
        emit(slotItem(this.index++, pos, s));
      }
    }
    this.prev = img.image;
    this.prevNext = img.geometry.nextSlot;
  }
}

function same(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const ring: FormatCli = {
  name: 'ring',

  inspect(path, ctx): Summary {
    const { survey: img, stats, problems, notes } = analyze(path, ctx, false);
    const h = headerToJson(img.header);
    return {
      ok: problems.total === 0,
      json: {
        format: 'ring',
        path,
        size: img.size,
        header: h,
        records: img.records,
        empty_slots: img.emptySlots,
        foreign_slots: img.foreignSlots.length,
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
            ? `${img.records} (${img.emptySlots} empty slots${img.foreignSlots.length ? `, ${img.foreignSlots.length} foreign` : ''})`
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
    const img = loadRing(ctx, path);
    const scan = scanRing(img.image, img.geometry, { foreignSlots: 'skip' });
    for (const p of ringForeignProblems(img.image, scan.foreignSlots, basename(path))) damage(cliProblem(p));
    let stop = false;
    visitRecords(img.image, img.geometry, (s, i) => {
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
    return { base: dirname(path), entries: [name], run: (fs, base) => repairRing(fs, joinPath(base, name)) };
  },

  tail(path, ctx) {
    return new RingFollower(path, ctx);
  },
};
