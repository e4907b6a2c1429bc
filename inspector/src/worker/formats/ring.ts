import { basename, type Fs, isLogspecError } from '@logspec/core';
import {
  decodeHeader,
  describeRingHeader,
  describeRingSlot,
  foreignMagicError,
  HEADER_BYTES,
  isTornMagic,
  nextSlotOf,
  RECORD_MAGIC,
  type RingHeader,
  readRing,
  readSlotAt,
  ringFileLength,
  SLOT_BYTES,
  scanRing,
  slotOffset,
  visitRecords,
} from '@logspec/ring-log';
import { RingLog } from '@logspec/ring-log/store';
import type { Chart, Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  problemOf,
  readRange,
  type ScanContext,
  timeline,
  UnitTable,
} from '../model.js';

/** vyre's VRRL0001 replay ring through `@logspec/ring-log`. Rows are records in replay order. */

const HEADER = 1;
const FOREIGN = 2;
/** Most cells the ring chart draws (a larger ring is drawn in buckets of slots). */
const RING_CELLS = 512;

export function scanRingInput(ctx: ScanContext): FormatModel {
  const { fs, path } = ctx;
  const size = fs.stat(path)?.size ?? 0;
  const file: FileModel = {
    info: { id: 0, path: basename(path), size, role: 'ring' },
    abs: path,
    units: new UnitTable(),
    damage: new DamageMap(),
  };
  const problems: Problem[] = [];
  const notes: string[] = [];
  const charts: Chart[] = [];
  const facts: [string, string][] = [];
  ctx.progress('reading the ring');
  const head = readRange(fs, path, 0, HEADER_BYTES);
  let header: RingHeader | undefined;
  try {
    header = decodeHeader(head);
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    problems.push(problemOf(e, 0, 'undecodable', size));
  }
  file.units.push(0, Math.min(HEADER_BYTES, size), header ? 'valid' : 'undecodable', HEADER);
  if (!header) {
    file.damage.add(0, size, 'undecodable');
  } else {
    const need = ringFileLength(header.capacity);
    const ring = new Uint8Array(need);
    const present = Math.min(size, need);
    ring.set(readRange(fs, path, 0, present));
    const g = { capacity: header.capacity, nextSlot: nextSlotOf(header) };
    try {
      // The original's read: reports the first slot beyond the end of a short file.
      readRing(ring.subarray(0, present), { foreignSlots: 'skip' });
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      problems.push(problemOf(e, 0, 'torn'));
    }
    const scan = scanRing(ring, g, { foreignSlots: 'skip' });
    visitRecords(ring, g, (s) => {
      if (s.offset + SLOT_BYTES <= present)
        file.units.push(s.offset, SLOT_BYTES, 'valid', 0, Number(s.timestampNs / 1000000n));
    });
    const view = new DataView(ring.buffer);
    for (const pos of scan.foreignSlots) {
      const at = slotOffset(pos);
      if (at + SLOT_BYTES > present) continue;
      const magic = view.getUint32(at, true);
      const p = problemOf(foreignMagicError(magic, at, pos), 0, 'undecodable', SLOT_BYTES);
      if (isTornMagic(magic)) p.message += ' (a torn magic left by a crash: repair clears the slot)';
      problems.push(p);
      file.units.push(at, SLOT_BYTES, 'undecodable', FOREIGN);
    }
    // The map in file order: header, then each slot as its magic says.
    file.damage.add(0, HEADER_BYTES, 'valid');
    const cells: number[] = [];
    const per = Math.max(1, Math.ceil(header.capacity / RING_CELLS));
    let empty = 0;
    for (let pos = 0; pos < header.capacity; pos++) {
      const at = slotOffset(pos);
      const magic = at + 4 <= present ? view.getUint32(at, true) : 0;
      const kind = magic === RECORD_MAGIC ? 1 : magic === 0 ? 0 : 2;
      if (kind === 0) empty++;
      const c = Math.floor(pos / per);
      cells[c] = Math.max(cells[c] ?? 0, kind);
      if (at >= present) continue;
      if (at + SLOT_BYTES > present) file.damage.add(at, present, 'torn');
      else file.damage.add(at, at + SLOT_BYTES, kind === 2 ? 'undecodable' : 'valid');
    }
    if (size > need) {
      file.damage.add(need, size, 'unreferenced');
      notes.push(`${size - need} bytes after the last slot (ignored, as by the original)`);
    }
    const records = scan.records;
    const oldest = records === 0 ? null : oldestSlot(view, g.nextSlot, header.capacity);
    facts.push(
      ['capacity', `${header.capacity.toLocaleString('en-US')} slots of 64 bytes`],
      ['cursor', `${header.cursor} (next slot ${g.nextSlot})`],
      ['records', records.toLocaleString('en-US')],
      ['empty slots', empty.toLocaleString('en-US')],
      ['foreign slots', String(scan.foreignSlots.length)],
      [
        'wrapped',
        oldest !== null && oldest === g.nextSlot && records + scan.foreignSlots.length === header.capacity
          ? 'yes: the oldest record is at the cursor'
          : 'no',
      ],
    );
    charts.push({
      kind: 'ring',
      title: 'ring: slots, cursor and wrap point',
      capacity: header.capacity,
      cursor: String(header.cursor),
      nextSlot: g.nextSlot,
      oldest,
      cells,
      slotsPerCell: per,
    });
  }
  const tl = timeline([file]);
  if (tl) {
    facts.push(['time', `${isoMs(tl.fromMs)} … ${isoMs(tl.toMs)}`]);
    charts.push({ kind: 'timeline', title: 'records over time', ...tl });
  }
  return {
    format: 'ring',
    columns: ['slot', 'time', 'slot_idx', 'tenant', 'opcode', 'args', 'epoch'],
    files: [file],
    problems,
    summary: { facts, charts, notes },
    cells(f, i, bytes) {
      if (f.units.kind[i] === HEADER) return ['header', '', '', '', '', '', ''];
      const pos = ((f.units.offset[i] as number) - HEADER_BYTES) / SLOT_BYTES;
      if (f.units.kind[i] === FOREIGN) return [String(pos), 'foreign magic', '', '', '', '', ''];
      const s = readSlotAt(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0);
      return [
        String(pos),
        isoMs(Number(s.timestampNs / 1000000n)),
        String(s.slotIdx),
        String(s.tenantId),
        `0x${s.opcode.toString(16).padStart(8, '0')}`,
        s.args.join(', '),
        String(s.epoch),
      ];
    },
    describe(f, i, bytes) {
      return f.units.kind[i] === HEADER
        ? describeRingHeader(bytes)
        : describeRingSlot(bytes, 0, f.units.offset[i] as number);
    },
    title(f, i) {
      const k = f.units.kind[i];
      return k === HEADER ? 'header' : `slot ${((f.units.offset[i] as number) - HEADER_BYTES) / SLOT_BYTES}`;
    },
    repair(view: Fs) {
      const log = RingLog.open(path, { fs: view, foreignSlots: 'skip' });
      try {
        const o = log.opened;
        const out: string[] = [];
        if (o.clearedTornSlots.length) out.push(`cleared torn slot magics: slots ${o.clearedTornSlots.join(', ')}`);
        if (o.foreignSlots.length)
          out.push(`left alone: slots ${o.foreignSlots.join(', ')} have a foreign magic that is not a torn one`);
        if (o.trailingBytes)
          out.push(`${o.trailingBytes} bytes after the last slot left as they are (ignored by readers)`);
        return out;
      } finally {
        log.close();
      }
    },
    repairRoot: path.slice(0, path.lastIndexOf('/')) || '/',
  };
}

/** The slot replay starts at: the first non-empty slot from the cursor on (ring order). */
function oldestSlot(view: DataView, next: number, capacity: number): number | null {
  for (let step = 0; step < capacity; step++) {
    const pos = (next + step) % capacity;
    if (view.getUint32(slotOffset(pos), true) === RECORD_MAGIC) return pos;
  }
  return null;
}
