/**
 * segment-append and segment-read (rivven's `Segment`): ~256 MiB of 200-byte messages appended in
 * batches of 1,000 then flushed; 10,000 reads of one message at a random offset of such a segment.
 */
import type { Op } from '@logspec/conformance';
import { type Message, messageToJson, type Timestamp } from '@logspec/segment-index';
import { Segment } from '@logspec/segment-index/store';
import { SEGMENT_BATCH, segmentMessage, segmentMessageCount, segmentValue, segmentValuePool } from '../inputs.js';
import { Prng } from '../prng.js';
import { type Ctx, mismatch, type ReaderSpec, type WriterSpec } from '../spec.js';

/** The segment's directory under the repetition's directory (the reference writer's `segment_new` dir). */
const SUB = 'segment';

let pool: Uint8Array | undefined;
function valuePool(): Uint8Array {
  pool ??= segmentValuePool();
  return pool;
}

/** Batch `b` of `n` messages (offsets b × 1000 …), each with its own "now" as `Message::record` takes it. */
function batchOf(ctx: Ctx, b: number, n: number): Message[] {
  const lo = b * SEGMENT_BATCH;
  const hi = Math.min(lo + SEGMENT_BATCH, n);
  const out: Message[] = [];
  for (let i = lo; i < hi; i++) out.push(segmentMessage(valuePool(), i, ctx.clock.timestamp()));
  return out;
}

function batchesOf(ctx: Ctx, n: number): Message[][] {
  return Array.from({ length: Math.ceil(n / SEGMENT_BATCH) }, (_, b) => batchOf(ctx, b, n));
}

function openSegment(ctx: Ctx, dir: string): Segment {
  ctx.fs.mkdir(`${dir}/${SUB}`, { recursive: true });
  return Segment.open(ctx.fs, `${dir}/${SUB}`, 0n);
}

/** The fast path's input: messages without offsets (the segment numbers them from `first`). */
interface Unnumbered {
  first: bigint;
  messages: { value: Uint8Array; timestamp: Timestamp }[];
}

function unnumbered(batches: Message[][]): Unnumbered[] {
  return batches.map((b) => ({
    first: (b[0] as Message).offset,
    messages: b.map((m) => ({ value: m.value, timestamp: m.timestamp })),
  }));
}

const noClock = (): Timestamp => {
  throw new Error('every message has its timestamp');
};

function appendFast(seg: Segment, batches: readonly Unnumbered[]): void {
  for (const b of batches) seg.appendMessages(b.messages, b.first, noClock);
}

function recipeOf(batches: readonly Message[][]): Op[] {
  return [
    { op: 'segment_new', dir: SUB, base_offset: 0 },
    ...batches.map((b) => ({ op: 'append_batch', messages: b.map(messageToJson) })),
    { op: 'flush' },
  ];
}

/** Message `i` as read: its offset and its value are the inputs'. */
function expectMessage(m: Message, i: number): void {
  if (m.offset !== BigInt(i)) throw mismatch('offset', m.offset, i);
  const want = segmentValue(valuePool(), i);
  if (m.value.length !== want.length || m.value.some((v, k) => v !== want[k]))
    throw mismatch(`value of ${i}`, 'other bytes', 'the input');
}

type Numbered = { offset: bigint; message: Message }[];

interface AppendState {
  dir: string;
  seg: Segment;
  n: number;
  batches: Message[][];
  /** The default path's input: `(offset, message)` pairs, as `append_batch` takes them. */
  numbered: Numbered[];
  fast: Unnumbered[];
}

export const segmentAppend: WriterSpec<AppendState> = {
  kind: 'writer',
  workload: 'segment-append',
  format: 'segment',
  notes:
    'Segment.open(fresh dir, base 0; untimed), batches of 1,000 messages (200-byte values, timestamps of now) built untimed; timed: every batch appended, then flush() (write + fdatasync of the log, index written). logspec also writes its .timeindex',
  open(ctx, dir, path) {
    const n = segmentMessageCount(ctx.sizes.bigBytes);
    const batches = batchesOf(ctx, n);
    const numbered =
      path === 'default' ? batches.map((b) => b.map((message) => ({ offset: message.offset, message }))) : [];
    return { dir, seg: openSegment(ctx, dir), n, batches, numbered, fast: path === 'fast' ? unnumbered(batches) : [] };
  },
  dir: (s) => s.dir,
  default: {
    api: 'Segment.appendBatch + flush',
    body({ seg, n, numbered }) {
      for (const b of numbered) seg.appendBatch(b);
      seg.flush();
      return { work: { n, bytes: seg.size } };
    },
  },
  fast: {
    api: 'Segment.appendMessages + flush',
    body({ seg, n, fast }) {
      appendFast(seg, fast);
      seg.flush();
      return { work: { n, bytes: seg.size } };
    },
  },
  close: (s) => s.seg.close(),
  verify(s, ctx) {
    const seg = Segment.open(ctx.fs, `${s.dir}/${SUB}`, 0n, { readOnly: true });
    try {
      let i = 0;
      seg.scan(0n, (m) => expectMessage(m, i++));
      if (i !== s.n) throw mismatch('messages read back', i, s.n);
    } finally {
      seg.close();
    }
  },
  recipe: (s) => recipeOf(s.batches),
  logspecOnly: /\.timeindex$/,
};

interface ReadState {
  dir: string;
  seg: Segment;
  count: number;
  offsets: bigint[];
  recipe: Op[];
}

export const segmentRead: ReaderSpec<ReadState> = {
  kind: 'reader',
  workload: 'segment-read',
  format: 'segment',
  notes:
    'segment of ~256 MiB written untimed (appendMessages, flush, close) and reopened with Segment.open; timed: reads of one message at a random offset (the original`s PRNG stream)',
  open(ctx, dir) {
    const count = segmentMessageCount(ctx.sizes.bigBytes);
    const writer = openSegment(ctx, dir);
    const batches: Message[][] = [];
    for (let b = 0; b * SEGMENT_BATCH < count; b++) {
      const batch = batchOf(ctx, b, count);
      appendFast(writer, unnumbered([batch]));
      // the reference writer's recipe is only asked for at check sizes
      if (count <= 100_000) batches.push(batch);
    }
    writer.close();
    const p = new Prng(7, 5);
    const offsets = Array.from({ length: ctx.sizes.segmentReads }, () => BigInt(p.below(count)));
    return { dir, seg: openSegment(ctx, dir), count, offsets, recipe: recipeOf(batches) };
  },
  dir: (s) => s.dir,
  default: {
    api: 'Segment.read(offset, {maxBytes: 1})',
    body({ seg, offsets }) {
      const got: Message[] = [];
      for (const off of offsets) {
        const r = seg.read(off, { maxBytes: 1 });
        const m = r.messages[0];
        if (r.messages.length !== 1 || m?.offset !== off) throw mismatch(`read(${off})`, r.messages.length, 1);
        got.push(m);
      }
      return { work: { n: offsets.length, bytes: null }, out: got };
    },
  },
  fast: {
    api: 'Segment.scan(offset, visitor, {maxMessages: 1})',
    body({ seg, offsets }) {
      const got: Message[] = [];
      const visit = (m: Message) => {
        got.push(m);
      };
      for (const off of offsets) {
        const r = seg.scan(off, visit, { maxMessages: 1 });
        if (r.count !== 1 || got[got.length - 1]?.offset !== off) throw mismatch(`scan(${off})`, r.count, 1);
      }
      return { work: { n: offsets.length, bytes: null }, out: got };
    },
  },
  close: (s) => s.seg.close(),
  verify(s, _path, out) {
    (out as Message[]).forEach((m, k) => {
      expectMessage(m, Number(s.offsets[k]));
    });
  },
  recipe: (s) => s.recipe,
  logspecOnly: /\.timeindex$/,
};
