import { NodeFs } from '@logspec/core/node';
import { decodeFrame, encodeFrame, formatTimestamp, parseTimestamp, timestampFromMillis } from '@logspec/segment-index';
import { Partition, readPartitionOriginal } from '@logspec/segment-index/store';

export function quickstart(dir: string): string[] {
  const out: string[] = [];
  const fs = new NodeFs();

  // Open (or create) a partition directory: {base:020}.log / .index / .timeindex, LOCK held.
  const log = Partition.open(fs, dir, { maxSegmentBytes: 64 << 20, durability: 'explicit' });
  out.push(`recovered: ${JSON.stringify(log.recovery)}`);

  // Append: offsets are assigned; timestamps keep nanoseconds.
  const first = log.append({
    key: new TextEncoder().encode('order-1'),
    value: new TextEncoder().encode('{"total": 42}'),
    timestamp: parseTimestamp('2025-06-01T10:00:00.123456789Z'),
    headers: [{ key: 'content-type', value: new TextEncoder().encode('application/json') }],
  });
  log.appendBatch(
    Array.from({ length: 99 }, (_, i) => ({
      value: new TextEncoder().encode(`event ${i}`),
      timestamp: timestampFromMillis(1_748_772_001_000 + i * 10),
    })),
  );
  log.flush(); // durable from here
  out.push(`first offset ${first}, next ${log.nextOffset()}`);

  // Poll from the earliest offset: every message once, across segments.
  let offset = log.earliestOffset();
  let seen = 0;
  for (;;) {
    const batch = log.read(offset, { maxBytes: 4096 });
    if (batch.messages.length === 0) break;
    seen += batch.messages.length;
    offset = batch.nextOffset;
  }
  out.push(`polled ${seen} messages`);

  // Offset for a timestamp (first message at or after it, as the original answers).
  out.push(`offset at 2025-06-01T10:00:01.5Z: ${log.findOffsetForTimestamp(1_748_772_001_500)}`);

  // Retention: delete whole oldest segments beyond 1 GiB or older than a week.
  log.retain({ maxBytes: 1 << 30, maxAgeMs: 7 * 24 * 3600 * 1000 });
  log.close();

  // The original's reader sees the same partition (it ignores .timeindex).
  out.push(`original reader: ${readPartitionOriginal(fs, dir).messages.length} messages`);

  // The codec alone (browser-safe): one frame, chrono's text.
  const frame = encodeFrame({
    offset: 7n,
    key: null,
    value: new Uint8Array([1, 2, 3]),
    timestamp: parseTimestamp('2024-05-06T07:08:09.5+00:00'),
    headers: [],
    producerId: null,
    producerEpoch: null,
    transactionMarker: null,
    isTransactional: false,
  });
  const { message } = decodeFrame(frame);
  out.push(`frame of ${frame.length} bytes, timestamp ${formatTimestamp(message.timestamp)}`);
  return out;
}
