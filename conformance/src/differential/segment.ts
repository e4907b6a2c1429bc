/**
 * Segment log recipes (spec/segment.md): a single segment or a partition; messages with every
 * field at its edges; and landings — one message's value sized so a frame starts exactly at,
 * one byte before or one byte after a multiple of the 4096-byte index interval (SEG-W-005), and
 * partition limits equal to the bytes written so far, ± 1 (SEG-W-007, SEG-W-008).
 */
import { encodeMessage, messageFromJson } from '@logspec/segment-index';
import fc from 'fast-check';
import type { Op } from '../protocol/types.js';
import type { DifferentialProfile, RecipeSize } from './profile.js';
import { bytesHex, text, u16, u64Text } from './values.js';

const FRAME_HEADER = 8;

/** chrono's range, and timestamps with 0, 3, 6 or 9 fraction digits (as chrono writes them). */
const timestamp = fc
  .record({
    seconds: fc.oneof(
      fc.constantFrom(0, -1, 1_709_208_000, 253_402_300_799, -62_135_596_800),
      fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }),
    ),
    nanos: fc.oneof(
      fc.constantFrom(0, 1, 999_999_999, 123_000_000, 123_456_000),
      fc.integer({ min: 0, max: 999_999_999 }),
    ),
  })
  .map(({ seconds, nanos }) => {
    const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
    const frac = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0')}`;
    const millis = BigInt(seconds) * 1000n + BigInt(Math.floor(nanos / 1_000_000));
    return { text: `${iso}${frac}Z`, millis: String(millis) };
  });

interface MessageShape {
  key: string | null;
  value: string;
  ts: { text: string; millis: string };
  headers: Array<{ key: string; value: string }>;
  producer_id: string | null;
  producer_epoch: number | null;
  transaction_marker: 'Commit' | 'Abort' | null;
  is_transactional: boolean;
}

const message = (maxValue: number): fc.Arbitrary<MessageShape> =>
  fc.record({
    key: fc.oneof(fc.constant(null), bytesHex(24)),
    value: bytesHex(maxValue),
    ts: timestamp,
    headers: fc.array(fc.record({ key: text(12), value: bytesHex(16) }), { maxLength: 3 }),
    producer_id: fc.oneof(fc.constant(null), u64Text),
    producer_epoch: fc.oneof(fc.constant(null), u16),
    transaction_marker: fc.constantFrom(null, 'Commit' as const, 'Abort' as const),
    is_transactional: fc.boolean(),
  });

const toJson = (m: MessageShape, offset: bigint) => ({
  offset: String(offset),
  key: m.key,
  value: m.value,
  timestamp: m.ts.text,
  timestamp_millis: m.ts.millis,
  headers: m.headers,
  producer_id: m.producer_id,
  producer_epoch: m.producer_epoch,
  transaction_marker: m.transaction_marker,
  is_transactional: m.is_transactional,
});

const frameSize = (json: ReturnType<typeof toJson>) => FRAME_HEADER + encodeMessage(messageFromJson(json)).length;

/** `m` with a value of `length` bytes (a fixed pattern). */
function resized(m: ReturnType<typeof toJson>, length: number): ReturnType<typeof toJson> {
  let value = '';
  for (let i = 0; i < length; i++) value += ((i * 37 + 11) & 0xff).toString(16).padStart(2, '0');
  return { ...m, value };
}

/**
 * Sizes message `at`'s value so the frame after it starts at `target`, when that is reachable;
 * the messages are otherwise kept. Varint widths make a few targets unreachable: then no change.
 */
function land(ms: ReturnType<typeof toJson>[], at: number, target: number): void {
  let before = 0;
  for (let i = 0; i < at; i++) before += frameSize(ms[i] as ReturnType<typeof toJson>);
  const m = ms[at] as ReturnType<typeof toJson>;
  const want = target - before;
  const base = frameSize(resized(m, 0));
  for (let v = Math.max(0, want - base - 4); v <= want - base + 4 && v >= 0; v++) {
    const c = resized(m, v);
    if (frameSize(c) === want) {
      ms[at] = c;
      return;
    }
  }
}

function recipes({ thorough }: RecipeSize) {
  const count = thorough ? 60 : 14;
  return fc
    .record({
      partition: fc.boolean(),
      base: fc.oneof(fc.constantFrom(0n, 1n, 100n, 2n ** 31n), fc.bigInt({ min: 0n, max: 2n ** 40n })),
      gaps: fc.array(fc.oneof(fc.constant(1n), fc.bigInt({ min: 1n, max: 5n })), { minLength: 1, maxLength: count }),
      messages: fc.array(message(thorough ? 3000 : 900), { minLength: count, maxLength: count }),
      batches: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: count, maxLength: count }),
      landing: fc.option(
        fc.record({ at: fc.nat(), interval: fc.integer({ min: 1, max: 3 }), delta: fc.constantFrom(-1, 0, 1) }),
        { nil: undefined },
      ),
      limit: fc.record({ after: fc.nat(), delta: fc.constantFrom(-1, 0, 1) }),
      midFlush: fc.option(fc.nat(), { nil: undefined }),
    })
    .map((r) => {
      // A partition's first segment has base 0, and an offset 2^32 or more above a segment's base
      // is where logspec rolls and the original truncates (SEG-W-009, logspec): stay below it.
      const first = r.partition ? r.base % (2n ** 32n - 1000n) : r.base;
      let offset = first;
      const ms = r.gaps.map((g, i) => {
        offset += i === 0 ? 0n : g;
        return toJson(r.messages[i] as MessageShape, offset);
      });
      if (r.landing) land(ms, r.landing.at % ms.length, r.landing.interval * 4096 + r.landing.delta);
      const dir = 'p';
      const ops: Op[] = [];
      if (r.partition) {
        // The limit: the bytes of the first `after + 1` frames, ± 1 — the roll's edge.
        const upTo = (r.limit.after % ms.length) + 1;
        const bytes = ms.slice(0, upTo).reduce((n, m) => n + frameSize(m), 0);
        ops.push({ op: 'log_manager_new', dir, max_segment_size: String(Math.max(1, bytes + r.limit.delta)) });
      } else {
        ops.push({ op: 'segment_new', dir, base_offset: String(first) });
      }
      for (let i = 0; i < ms.length; ) {
        const n = r.batches[i] ?? 1;
        const chunk = ms.slice(i, i + n);
        if (n === 1) ops.push({ op: 'append', offset: chunk[0]?.offset, message: chunk[0] });
        else ops.push({ op: 'append_batch', messages: chunk });
        i += n;
        if (r.midFlush !== undefined && i === (r.midFlush % ms.length) + 1) ops.push({ op: 'flush' });
      }
      ops.push({ op: 'flush' });
      const read = r.partition ? dir : `${dir}/${String(first).padStart(20, '0')}.log`;
      return { ops, read };
    });
}

export const differential: DifferentialProfile = { format: 'segment', recipes };
