import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accessRecord,
  decodeFrames,
  decodeRecord,
  encodeFrame,
  encodeRecord,
  FrameBatch,
  FrameDecoder,
  hotLayout,
  makeEvent,
  recordToJson,
  scanFrames,
  segmentLayout,
  toEvent,
} from '../src/index.js';
import { HotLog, replayHotLog } from '../src/store.js';

const dir = mkdtempSync(join(tmpdir(), 'frame-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples run as written', () => {
  it('frames', () => {
    const bytes = encodeFrame(hotLayout, new TextEncoder().encode('123456789'));
    expect(Buffer.from(bytes).toString('hex')).toBe('09000000313233343536373839263' + '9f4cb');
    const seen: number[] = [];
    expect(scanFrames(hotLayout, bytes, 0, bytes.length, (s, e, o) => void seen.push(o, e - s))).toEqual({
      reason: 'end',
      offset: 17,
    });
    expect(seen).toEqual([0, 9]);
    const seg = encodeFrame(segmentLayout, Uint8Array.of(1, 2, 3));
    const d = new FrameDecoder(segmentLayout);
    const got = [...d.push(seg.subarray(0, 5)), ...d.push(seg.subarray(5))];
    expect(got.map((f) => [...f.payload])).toEqual([[1, 2, 3]]);
    expect(d.status).toEqual({ state: 'complete', offset: 11 });
    expect(decodeFrames(hotLayout, [bytes]).end).toEqual({ state: 'complete', offset: 17 });
  });

  it('frame batches', () => {
    const batch = new FrameBatch(hotLayout);
    batch.add(new TextEncoder().encode('123456789'));
    const at = batch.addEncoded(16, (out, p) => {
      out.set([1, 2, 3], p);
      return p + 3;
    });
    expect([at, batch.count, batch.length]).toEqual([17, 2, 28]);
    expect([...batch.bytes.subarray(0, 4)]).toEqual([9, 0, 0, 0]);
    expect(new DataView(batch.bytes.buffer, batch.bytes.byteOffset).getUint32(13, true)).toBe(0xcbf43926);
    batch.clear();
    expect(batch.length).toBe(0);
  });

  it('events', () => {
    const ev = makeEvent({
      sessionId: 's1',
      seq: 7n,
      tsMs: 1_700_000_007_000n,
      kind: 'ToolCall',
      tool: 'bash',
      payload: { ok: true },
    });
    const rec = decodeRecord(encodeRecord(ev));
    expect(recordToJson(rec).seq).toBe('7');
    expect(decodeRecord(encodeRecord(ev), { mode: 'strict' })).toEqual(ev);
    expect(toEvent(rec, 'strict').kind).toBe('ToolCall');
    expect(toEvent({ ...rec, kind: 'SomethingElse' }, 'compatible').kind).toBe('Message');
  });

  it('reading in place', () => {
    const bytes = encodeRecord(makeEvent({ sessionId: 's1', seq: 7n, tsMs: 1n, kind: 'ToolCall', tool: 'bash' }));
    const view = accessRecord(bytes);
    expect([view.kind, view.tool, view.seq]).toEqual(['ToolCall', 'bash', 7n]);
    expect(view.tokensIn).toBe(null);
    const rec = view.toRecord();
    expect(rec).toEqual(decodeRecord(bytes));
    expect(JSON.parse(JSON.stringify(view))).toEqual(recordToJson(rec));
    const image = new Uint8Array(bytes.length + 16);
    image.set(bytes, 16);
    expect(accessRecord(image, 16, 16 + bytes.length, { position: 16 }).toRecord()).toEqual(rec);
  });

  it('store', () => {
    const fs = new NodeFs();
    const root = join(dir, 'kaizen');
    const log = HotLog.open(fs, root, { durability: 'batched' });
    expect(log.report.created).toBe(true);
    const offset = log.append(makeEvent({ sessionId: 's1', seq: 1n, tsMs: 1n, kind: 'Message', payload: 'hi' }));
    log.appendBatch([makeEvent({ sessionId: 's1', seq: 2n, tsMs: 2n, kind: 'Message' })]);
    log.flush();
    expect(log.durableEnd).toBe(log.end);
    expect(log.offsetFor('s1', 1n)).toBe(offset);
    log.close();
    const r = replayHotLog(fs, root);
    expect(r.events.map((e) => e.record?.kind)).toEqual(['Message', 'Message']);
    expect(r.stop.reason).toBe('eof');
    expect(r.originalError).toBe(null);
  });
});
