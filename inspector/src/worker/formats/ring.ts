import { basename, type Fs, isLogspecError } from '@logspec/core';
import {
  describeRingHeader,
  describeRingSlot,
  HEADER_BYTES,
  RECORD_MAGIC,
  readSlotAt,
  SLOT_BYTES,
  slotOffset,
} from '@logspec/ring-log';
import { type RingSurvey, repairRing, surveyRing } from '@logspec/ring-log/store';
import type { Chart, Problem } from '../../shared/protocol.js';
import {
  DamageMap,
  type FileModel,
  type FormatModel,
  isoMs,
  pageProblem,
  problemOf,
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
  let survey: RingSurvey | undefined;
  try {
    survey = surveyRing(fs, path, {
      unit(u) {
        const kind = u.kind === 'header' ? HEADER : u.kind === 'foreign' ? FOREIGN : 0;
        const ms = u.slot ? Number(u.slot.timestampNs / 1000000n) : Number.NaN;
        file.units.push(u.offset, Math.min(u.length, size - u.offset), u.state, kind, ms);
      },
      range: (from, to, state) => file.damage.add(from, to, state),
    });
  } catch (e) {
    // The header is not a ring's: nothing else is read.
    if (!isLogspecError(e)) throw e;
    problems.push(problemOf(e, 0, 'undecodable', size));
    file.units.push(0, Math.min(HEADER_BYTES, size), 'undecodable', HEADER);
    file.damage.add(0, size, 'undecodable');
  }
  if (survey) {
    problems.push(...survey.problems.map((p) => pageProblem(p, 0)));
    notes.push(...survey.notes);
    const { header, geometry: g, image } = survey;
    const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const cells: number[] = [];
    const per = Math.max(1, Math.ceil(header.capacity / RING_CELLS));
    const slots = survey.whole ? header.capacity : 0;
    for (let pos = 0; pos < slots; pos++) {
      const magic = view.getUint32(slotOffset(pos), true);
      const kind = magic === RECORD_MAGIC ? 1 : magic === 0 ? 0 : 2;
      const c = Math.floor(pos / per);
      cells[c] = Math.max(cells[c] ?? 0, kind);
    }
    const records = survey.records;
    const oldest = records === 0 ? null : oldestSlot(view, g.nextSlot, header.capacity);
    facts.push(
      ['capacity', `${header.capacity.toLocaleString('en-US')} slots of 64 bytes`],
      ['cursor', `${header.cursor} (next slot ${g.nextSlot})`],
      ['records', records.toLocaleString('en-US')],
      ['empty slots', survey.emptySlots.toLocaleString('en-US')],
      ['foreign slots', String(survey.foreignSlots.length)],
      [
        'wrapped',
        oldest !== null && oldest === g.nextSlot && records + survey.foreignSlots.length === header.capacity
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
      return repairRing(view, path);
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
