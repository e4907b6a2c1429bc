import { isLogspecError } from '@logspec/core';
import { SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHotFrame,
  encodeHotFrame,
  HOT_HEADER,
  HotCode,
  recordFromJson,
  replayEventsImage,
  replayHotFrames,
} from '../src/index.js';
import { HotLog, readHotFrames, replayHotLog } from '../src/store.js';

function typedOrValue(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isLogspecError(e), String(e)).toBe(true);
  }
}

const withHeader = fc.uint8Array({ maxLength: 600 }).map((b) => {
  const out = new Uint8Array(HOT_HEADER.length + b.length);
  out.set(HOT_HEADER);
  out.set(b, HOT_HEADER.length);
  return out;
});

describe('hostile input: a value or a typed error, never a raw exception', () => {
  it('decodeHotFrame on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => typedOrValue(() => decodeHotFrame(b))));
  });

  it('replaying arbitrary files (with and without a valid header), in memory and through Fs', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), withHeader),
        fc.integer({ min: 1, max: 64 }),
        (img, chunk) => {
          typedOrValue(() => {
            const mem = replayHotFrames(img);
            const fs = new SimFs();
            fs.put('/k/hot/log.bin', img);
            const viaFs = readHotFrames(fs, '/k', { chunkSize: chunk });
            expect(viaFs.stop).toEqual(mem.stop);
            expect(viaFs.frames.map((f) => [f.offset, [...f.payload]])).toEqual(
              mem.frames.map((f) => [f.offset, [...f.payload]]),
            );
          });
          typedOrValue(() => replayEventsImage(img));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a frame with a valid CRC around arbitrary bytes is reported in place by the event reader', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (payload) => {
        const img = new Uint8Array([...HOT_HEADER, ...encodeHotFrame(payload)]);
        const r = replayEventsImage(img);
        expect(r.stop).toEqual({ reason: 'eof', at: img.length });
        expect(r.events.length).toBe(1);
        const ev = r.events[0];
        expect(ev?.record !== null || isLogspecError(ev?.error)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('opening arbitrary files for writing: recovers, or refuses with a documented code', () => {
    const documented = new Set<string>([HotCode.BAD_MAGIC, HotCode.BAD_VERSION, HotCode.CORRUPT_BEFORE_TAIL]);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), withHeader), (img) => {
        const fs = new SimFs();
        fs.put('/k/hot/log.bin', img);
        try {
          HotLog.open(fs, '/k').close();
        } catch (e) {
          expect(isLogspecError(e) && documented.has(e.code), String(e)).toBe(true);
          return;
        }
        // After a successful open the file replays cleanly to its end.
        const r = replayHotLog(fs, '/k');
        expect(['eof', 'header_only']).toContain(r.stop.reason);
      }),
      { numRuns: 300 },
    );
  });

  it('recordFromJson on arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => typedOrValue(() => recordFromJson(v))));
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('seq', 'ts_ms', 'tokens_in', 'retry_count', 'cost_usd_e6', 'kind', 'tool'),
          fc.jsonValue(),
        ),
        (patch) =>
          typedOrValue(() =>
            recordFromJson({
              session_id: 's',
              seq: '1',
              ts_ms: '1',
              ts_exact: true,
              kind: 'Message',
              source: 'Tail',
              tool: null,
              tool_call_id: null,
              tokens_in: null,
              tokens_out: null,
              reasoning_tokens: null,
              cost_usd_e6: null,
              stop_reason: null,
              latency_ms: null,
              ttft_ms: null,
              retry_count: null,
              context_used_tokens: null,
              context_max_tokens: null,
              cache_creation_tokens: null,
              cache_read_tokens: null,
              system_prompt_tokens: null,
              payload_json: '{}',
              ...patch,
            }),
          ),
      ),
    );
  });
});
