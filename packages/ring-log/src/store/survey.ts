import {
  basename,
  type DamageState,
  type Fs,
  isLogspecError,
  messageWithoutOffset,
  ProblemList,
  type SurveyProblem,
  type SurveyReport,
  type SurveySink,
  surveyReport,
} from '@logspec/core';
import { decodeHeader, type RingHeader } from '../header.js';
import { HEADER_BYTES, RECORD_MAGIC, SLOT_BYTES, slotOffset } from '../layout.js';
import { type RingGeometry, readRing, type SlotView, scanRing, visitRecords } from '../ring.js';
import { checkSlotCanonical, foreignMagicError, isTornMagic } from '../slot.js';
import { readRingImage } from './read-file.js';

/**
 * The damage survey of a ring file: its header, every record slot (in replay order) and every
 * foreign slot as units, and the problems — a file shorter than its capacity, foreign slot
 * magics (a run of neighbouring foreign slots is one problem), told apart from the torn magics
 * a crash leaves. The read is a consistent one (RING-R-015): a writer may be appending. A file
 * whose header cannot be read throws the reader's typed error. `logspec verify`/`inspect`
 * and the browser inspector report exactly this.
 */

export interface RingSurveyUnit {
  file: string;
  offset: number;
  length: number;
  state: DamageState;
  kind: 'header' | 'record' | 'foreign';
  /** The slot's position (−1 for the header). */
  position: number;
  /** A record slot's view (valid during the call only); null for the header and foreign slots. */
  slot: SlotView | null;
}

export interface RingSurveyOptions {
  /** Also check the header strictly and every slot for canonical bytes; findings become notes. */
  strict?: boolean;
}

export interface RingSurvey extends SurveyReport {
  size: number;
  header: RingHeader;
  geometry: RingGeometry;
  /** The ring's bytes as read (every slot, unless the file is short). */
  image: Uint8Array;
  /** The file holds every slot its capacity needs. */
  whole: boolean;
  records: number;
  /** Positions of the slots with a foreign magic, in ring order. */
  foreignSlots: number[];
  emptySlots: number;
}

/** The foreign slots of a scan as problems (torn magics named as such). */
export function ringForeignProblems(image: Uint8Array, foreign: readonly number[], file: string): SurveyProblem[] {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  return foreign.map((pos) => {
    const at = slotOffset(pos);
    const magic = view.getUint32(at, true);
    const e = foreignMagicError(magic, at, pos);
    const torn = isTornMagic(magic) ? " (a torn magic left by a crash: 'logspec repair' clears the slot)" : '';
    // (`end` last: the key order `logspec verify --json` has always printed)
    return {
      code: e.code,
      file,
      offset: at,
      state: 'undecodable',
      message: `${messageWithoutOffset(e)}${torn}`,
      end: at + SLOT_BYTES,
    };
  });
}

/** Surveys a ring file. */
export function surveyRing(
  fs: Fs,
  path: string,
  sink: SurveySink<RingSurveyUnit> = {},
  opts: RingSurveyOptions = {},
): RingSurvey {
  const img = readRingImage(fs, path, { consistent: true });
  const file = basename(path);
  const list = new ProblemList();
  const found = (p: SurveyProblem) => {
    list.add(p);
    sink.problem?.(p);
  };
  const notes: string[] = [];
  sink.file?.(file, path, img.size);
  const u: RingSurveyUnit = {
    file,
    offset: 0,
    length: HEADER_BYTES,
    state: 'valid',
    kind: 'header',
    position: -1,
    slot: null,
  };
  sink.unit?.(u);
  sink.range?.(0, HEADER_BYTES, 'valid');
  const report = {
    size: img.size,
    header: img.header,
    geometry: img.geometry,
    image: img.image,
    whole: img.whole,
    records: 0,
    foreignSlots: [] as number[],
    emptySlots: 0,
  };
  try {
    // The original's read, in ring order: reports the first slot beyond the end of a short file.
    readRing(img.image, { foreignSlots: 'skip' });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    found({ code: e.code, file, offset: e.offset ?? null, state: 'torn', message: messageWithoutOffset(e) });
  }
  if (!img.whole) {
    // A short file: its slots cannot be read as a ring (the package refuses it, RING_SHORT_FILE).
    sink.range?.(HEADER_BYTES, img.size, 'torn');
    return { ...surveyReport(list, notes), ...report };
  }
  const scan = scanRing(img.image, img.geometry, { foreignSlots: 'skip' });
  report.records = scan.records;
  report.foreignSlots = scan.foreignSlots;
  report.emptySlots = img.header.capacity - scan.records - scan.foreignSlots.length;
  for (const p of ringForeignProblems(img.image, scan.foreignSlots, file)) found(p);
  const ringEnd = img.image.length;
  if (img.size > ringEnd) notes.push(`${img.size - ringEnd} bytes after the last slot (ignored, as by the original)`);
  u.kind = 'record';
  u.length = SLOT_BYTES;
  let stopped = false;
  visitRecords(img.image, img.geometry, (s) => {
    if (stopped) return;
    u.offset = s.offset;
    u.position = s.position;
    u.slot = s;
    if (sink.unit?.(u) === false) stopped = true;
  });
  u.kind = 'foreign';
  u.state = 'undecodable';
  u.slot = null;
  for (const pos of stopped ? [] : scan.foreignSlots) {
    u.offset = slotOffset(pos);
    u.position = pos;
    sink.unit?.(u);
  }
  if (sink.range) slotRanges(img.image, img.header.capacity, img.size, sink.range);
  if (opts.strict) notes.push(...strictNotes(img.image, img.header.capacity));
  return { ...surveyReport(list, notes), stopped, ...report };
}

/** Each slot's bytes in file order, as its magic says (records and empty slots valid), then trailing bytes. */
function slotRanges(
  image: Uint8Array,
  capacity: number,
  size: number,
  range: NonNullable<SurveySink<unknown>['range']>,
) {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (let pos = 0; pos < capacity; pos++) {
    const at = slotOffset(pos);
    const magic = view.getUint32(at, true);
    range(at, at + SLOT_BYTES, magic === 0 || magic === RECORD_MAGIC ? 'valid' : 'undecodable');
  }
  if (size > image.length) range(image.length, size, 'unreferenced');
}

function strictNotes(image: Uint8Array, capacity: number): string[] {
  const notes: string[] = [];
  try {
    decodeHeader(image, { mode: 'strict' });
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    notes.push(`${e.code}: ${e.message} (the original accepts it)`);
  }
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  let n = 0;
  for (let pos = 0; pos < capacity; pos++) {
    const at = slotOffset(pos);
    const magic = view.getUint32(at, true);
    if (magic !== 0 && magic !== RECORD_MAGIC) continue;
    try {
      checkSlotCanonical(image, at, magic, 0);
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      if (n++ < 20) notes.push(`slot ${pos}: ${e.code}: ${e.message} (the original ignores it)`);
    }
  }
  if (n > 20) notes.push(`… ${n - 20} more slots with non-canonical bytes`);
  return notes;
}
