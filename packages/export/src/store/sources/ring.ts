import { basename, readFully } from '@logspec/core';
import {
  decodeHeader,
  foreignMagicError,
  HEADER_BYTES,
  nextSlotOf,
  RECORD_MAGIC,
  RingCode,
  type RingGeometry,
  ringFileLength,
  SlotView,
  scanRing,
  slotOffset,
} from '@logspec/ring-log';
import type { BatchBuilder } from '../../batch.js';
import type { BytesColumn, NumberColumn } from '../../columns.js';
import { RING_TABLE } from '../../tables/ring.js';
import { Selector, type Source, type SourceContext } from '../source.js';
import { nsTimeWords, plainMessage } from './values.js';

/**
 * vyre's ring through `@logspec/ring-log`: the header is decoded, the slots its capacity
 * implies are read (at most 64 MiB: the capacity is checked first), `scanRing` finds the
 * foreign slots (each reported), and each record is read through one reused `SlotView`, in
 * replay order, a batch at a time. A file shorter than its capacity is reported and its
 * missing slots read as empty, so the records it does hold are exported.
 */
export class RingSource implements Source {
  readonly def = RING_TABLE;
  readonly totalBytes: number;
  private readonly image: Uint8Array;
  private readonly view: DataView;
  private readonly slot: SlotView;
  private readonly g: RingGeometry;
  private readonly file: Uint8Array;
  private step = 0;
  private position = -1;
  private readonly sel: Selector;

  constructor(path: string, ctx: SourceContext) {
    const h = ctx.fs.open(path);
    const name = basename(path);
    try {
      const size = h.size();
      const head = new Uint8Array(Math.min(size, HEADER_BYTES));
      readFully(h, head, 0, head.length, 0);
      const header = decodeHeader(head);
      const need = ringFileLength(header.capacity);
      this.image = new Uint8Array(need);
      const present = readFully(h, this.image, 0, Math.min(size, need), 0);
      this.totalBytes = need;
      this.g = { capacity: header.capacity, nextSlot: nextSlotOf(header) };
      if (present < need) {
        ctx.problem({
          file: name,
          offset: present,
          segment: null,
          code: RingCode.SHORT_FILE,
          message: `the file ends at byte ${present}, its capacity ${header.capacity} needs ${need}: the missing slots are read as empty`,
          bytes: need - present,
        });
      }
    } finally {
      h.close();
    }
    for (const pos of scanRing(this.image, this.g, { foreignSlots: 'skip' }).foreignSlots) {
      const at = slotOffset(pos);
      const e = foreignMagicError(new DataView(this.image.buffer).getUint32(at, true), at, pos);
      ctx.problem({
        file: name,
        offset: at,
        segment: null,
        code: e.code,
        message: `${plainMessage(e)}; the slot is left out`,
        bytes: 64,
      });
    }
    this.view = new DataView(this.image.buffer);
    this.slot = new SlotView(this.view);
    this.file = new TextEncoder().encode(name);
    this.sel = new Selector(ctx.select);
  }

  get doneBytes(): number {
    return Math.round((this.step / this.g.capacity) * this.totalBytes);
  }

  fill(b: BatchBuilder): boolean {
    const file = b.column<BytesColumn>('file');
    const fileOffset = b.column<NumberColumn>('file_offset');
    const segment = b.column<NumberColumn>('segment');
    const position = b.column<NumberColumn>('position');
    const slotCol = b.column<NumberColumn>('slot');
    const ts = b.column<NumberColumn>('timestamp_ns');
    const time = b.column<NumberColumn>('time');
    const slotIdx = b.column<NumberColumn>('slot_idx');
    const tenant = b.column<NumberColumn>('tenant_id');
    const opcode = b.column<NumberColumn>('opcode');
    const args = [
      b.column<NumberColumn>('arg0'),
      b.column<NumberColumn>('arg1'),
      b.column<NumberColumn>('arg2'),
      b.column<NumberColumn>('arg3'),
    ];
    const epoch = b.column<NumberColumn>('epoch');
    const { capacity, nextSlot } = this.g;
    const s = this.slot;
    while (this.step < capacity && !b.full && !this.sel.done) {
      let pos = nextSlot + this.step++;
      if (pos >= capacity) pos -= capacity;
      const at = slotOffset(pos);
      if (this.view.getUint32(at, true) !== RECORD_MAGIC) continue;
      this.position++;
      s.position = pos;
      s.offset = at;
      if (this.sel.active && (!this.sel.keyOk(BigInt(this.position)) || !this.sel.timeOk(s.timestampNs))) continue;
      file.appendBytes(this.file, 0, this.file.length);
      fileOffset.appendInt(at);
      segment.appendNull();
      position.append(this.position);
      slotCol.append(pos);
      ts.appendWords(s.timestampLo, s.timestampHi);
      nsTimeWords(time, s.timestampLo, s.timestampHi);
      slotIdx.append(s.slotIdx);
      tenant.append(s.tenantId);
      opcode.append(s.opcode);
      for (let k = 0; k < 4; k++) (args[k] as NumberColumn).append(s.arg(k as 0 | 1 | 2 | 3));
      epoch.append(s.epoch);
    }
    return this.step < capacity && !this.sel.done;
  }

  close(): void {}
}
