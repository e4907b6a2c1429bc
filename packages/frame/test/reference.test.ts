import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, hexDecode, hexEncode } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, recordFromJson, recordToJson, replayHotFrames } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const refDir = join(here, '../../../conformance/golden/hotlog/original-kaizen-rkyv-0.8.16');
const log = JSON.parse(readFileSync(join(refDir, 'log.json'), 'utf8')) as {
  events: Record<string, unknown>[];
  file_len: number;
};
const image = new Uint8Array(readFileSync(join(refDir, 'hot/log.bin')));

describe('the 12 archives written by rkyv 0.8.16', () => {
  for (const ev of log.events) {
    it(`event ${ev.index}: ${ev.note}`, () => {
      const bytes = hexDecode(ev.archive_hex as string);
      expect(bytes.length).toBe(ev.archive_len);
      expect(crc32(bytes).toString(16).padStart(8, '0')).toBe(ev.archive_crc32);
      const rec = decodeRecord(bytes);
      const json = recordToJson(rec);
      for (const [k, v] of Object.entries(json)) expect(v, k).toEqual(ev[k]);
      expect(hexEncode(encodeRecord(rec))).toBe(ev.archive_hex);
      expect(hexEncode(encodeRecord(recordFromJson(ev)))).toBe(ev.archive_hex);
    });
  }

  it('hot/log.bin is the header and the 12 frames at their offsets', () => {
    expect(image.length).toBe(log.file_len);
    const { frames, stop } = replayHotFrames(image);
    expect(stop).toEqual({ reason: 'eof', at: image.length });
    expect(frames.map((f) => String(f.offset))).toEqual(log.events.map((e) => e.frame_offset));
    frames.forEach((f, i) => {
      expect(hexEncode(f.payload)).toBe(log.events[i]?.archive_hex);
      expect(recordToJson(decodeRecord(f.payload, { position: f.offset + 4 })).session_id).toBe(
        log.events[i]?.session_id,
      );
    });
  });
});
