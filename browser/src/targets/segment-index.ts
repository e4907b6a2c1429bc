// @logspec/segment-index: every golden segment file read as the original's `Segment::read`
// does (with its `.index` sibling), with logspec's stopping read, the recovery scans, the index
// entries, and every message encoded again.
import { hexEncode } from '@logspec/core';
import {
  decodeIndexEntries,
  encodeMessage,
  indexEntriesToJson,
  memoryHandle,
  messageToJson,
  OffsetIndex,
  readSegment,
  recoverLastOffset,
  timestampBounds,
} from '@logspec/segment-index';
import { type BrowserTarget, baseName, type GoldenFiles, sibling } from '../harness.js';

function segmentRead(p: string, bytes: Uint8Array, index: OffsetIndex, onCorrupt: 'error' | 'stop') {
  const base = BigInt(baseName(p).slice(0, -'.log'.length));
  const r = readSegment(memoryHandle(bytes, p), index, base, base, { onCorrupt });
  return {
    messages: r.messages.map(messageToJson),
    bytes_read: r.bytesRead,
    next_position: r.nextPosition,
    stop: { reason: r.stop.reason, position: r.stop.position, error: r.stop.error?.code ?? null },
  };
}

export const target: BrowserTarget = {
  package: '@logspec/segment-index',
  formats: ['segment'],
  load: (p) => p.endsWith('.log') || p.endsWith('.index'),
  decode: (p: string, files: GoldenFiles): Record<string, () => unknown> => {
    const bytes = files.get(p) as Uint8Array;
    if (p.endsWith('.index')) return { entries: () => indexEntriesToJson(decodeIndexEntries(bytes)) };
    const indexBytes = sibling(files, p, baseName(p).replace(/\.log$/, '.index')) ?? new Uint8Array(0);
    const index = () => OffsetIndex.fromBytes(indexBytes);
    return {
      original: () => segmentRead(p, bytes, index(), 'error'),
      logspec: () => segmentRead(p, bytes, index(), 'stop'),
      recover_last_offset: () => recoverLastOffset(memoryHandle(bytes, p), index())?.toString() ?? null,
      timestamp_bounds: () => {
        const b = timestampBounds(memoryHandle(bytes, p));
        return b && { min: b.min.toString(), max: b.max.toString() };
      },
      reencoded: () => {
        const base = BigInt(baseName(p).slice(0, -'.log'.length));
        const r = readSegment(memoryHandle(bytes, p), index(), base, base, { onCorrupt: 'stop' });
        return r.messages.map((m) => hexEncode(encodeMessage(m)));
      },
    };
  },
};
