import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreCode, isLogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { errorCodeOf, FaultFs, SimFs } from '@logspec/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHotFrame, HOT_HEADER, HotCode, type HotEventRecord, makeEvent } from '../src/index.js';
import { HotFrameLog, HotLog, readHotFrames, replayHotLog } from '../src/store.js';

const code = errorCodeOf;

const ev = (sessionId: string, seq: number, payload: unknown = { n: seq }): HotEventRecord =>
  makeEvent({ sessionId, seq: BigInt(seq), tsMs: 1_700_000_000_000n + BigInt(seq), kind: 'ToolCall', payload });

const LOG = '/r/hot/log.bin';

describe('HotFrameLog: header', () => {
  it('creates root, hot/ and the header, durably (names too)', () => {
    const fs = new SimFs();
    const log = HotFrameLog.open(fs, '/r');
    expect(log.report).toMatchObject({ created: true, headerRepaired: false, truncatedAt: null });
    expect(fs.readFile(LOG)).toEqual(HOT_HEADER);
    log.close();
    // Even forgetting every unsynced directory entry, the file and its header survive.
    fs.crash('forget-files');
    expect(fs.readFile(LOG)).toEqual(HOT_HEADER);
  });

  it('reopening keeps the file; a torn header (prefix) is rewritten', () => {
    const fs = new SimFs();
    HotFrameLog.open(fs, '/r').close();
    const again = HotFrameLog.open(fs, '/r');
    expect(again.report.created).toBe(false);
    again.close();
    fs.put(LOG, HOT_HEADER.subarray(0, 5));
    const torn = HotFrameLog.open(fs, '/r');
    expect(torn.report).toMatchObject({ created: false, headerRepaired: true });
    torn.close();
    expect(fs.readFile(LOG)).toEqual(HOT_HEADER);
  });

  it('refuses a foreign or newer file without touching it', () => {
    const fs = new SimFs();
    const foreign = new TextEncoder().encode('KAIZENHO\x01\x00\x00\x00');
    fs.put(LOG, foreign);
    expect(code(() => HotFrameLog.open(fs, '/r'))).toBe(HotCode.BAD_MAGIC);
    fs.put(LOG, Uint8Array.of(0x4f, 0x48, 0x00));
    expect(code(() => HotFrameLog.open(fs, '/r'))).toBe(HotCode.BAD_MAGIC);
    const v2 = HOT_HEADER.slice();
    v2[8] = 2;
    fs.put(LOG, v2);
    expect(code(() => HotFrameLog.open(fs, '/r'))).toBe(HotCode.BAD_VERSION);
    expect(fs.readFile(LOG)).toEqual(v2);
    // The failed opens released the lock.
    fs.put(LOG, HOT_HEADER);
    HotFrameLog.open(fs, '/r').close();
  });
});

describe('HotFrameLog: appends and durability', () => {
  it('append returns offsets; frames read back; batch = one write', () => {
    const fs = new SimFs();
    const log = HotFrameLog.open(fs, '/r', { durability: 'manual' });
    expect(log.append(Uint8Array.of(1))).toBe(12);
    const before = fs.mutations;
    expect(log.appendFrames([Uint8Array.of(2, 2), new Uint8Array(0), Uint8Array.of(3)])).toEqual([21, 31, 39]);
    expect(fs.mutations - before).toBe(1);
    expect(log.durableEnd).toBe(12);
    log.sync();
    expect(log.durableEnd).toBe(48);
    log.close();
    const { frames, stop } = readHotFrames(fs, '/r');
    expect(frames.map((f) => [f.offset, [...f.payload]])).toEqual([
      [12, [1]],
      [21, [2, 2]],
      [31, []],
      [39, [3]],
    ]);
    expect(stop).toEqual({ reason: 'eof', at: 48 });
  });

  it('readHotFrames payloads are views that stay intact: no chunk is read into twice', () => {
    const fs = new SimFs();
    const log = HotFrameLog.open(fs, '/r');
    const payloads = Array.from({ length: 40 }, (_, i) => Uint8Array.from({ length: (i * 7) % 23 }, (_, k) => i + k));
    log.appendFrames(payloads);
    log.close();
    for (const chunkSize of [8, 13, 64, 1 << 20]) {
      const { frames, stop } = readHotFrames(fs, '/r', { chunkSize });
      expect(stop.reason).toBe('eof');
      expect(frames.map((f) => [...f.payload])).toEqual(payloads.map((p) => [...p]));
      // views, not copies: with one chunk, every payload is a view of the same buffer
      if (chunkSize === 1 << 20) expect(new Set(frames.map((f) => f.payload.buffer)).size).toBe(1);
    }
  });

  it("'always' syncs every append; 'batched' after 128 frames or 4096 bytes; 'manual' never by itself", () => {
    const fs = new SimFs();
    const a = HotFrameLog.open(fs, '/a', { durability: 'always' });
    a.append(Uint8Array.of(1));
    expect(a.durableEnd).toBe(a.end);
    expect(fs.unsyncedBytes('/a/hot/log.bin')).toBe(0);
    a.close();

    const b = HotFrameLog.open(fs, '/b');
    for (let i = 0; i < 127; i++) b.append(Uint8Array.of(i));
    expect(b.durableEnd).toBe(12);
    b.append(Uint8Array.of(0));
    expect(b.durableEnd).toBe(b.end);
    b.append(new Uint8Array(4088));
    expect(b.durableEnd).toBe(b.end);
    b.append(new Uint8Array(10));
    expect(b.durableEnd).toBeLessThan(b.end);
    b.close();
    expect(fs.unsyncedBytes('/b/hot/log.bin')).toBe(0);

    const c = HotFrameLog.open(fs, '/c', { durability: { syncEveryFrames: 2 } });
    c.append(Uint8Array.of(1));
    expect(c.durableEnd).toBe(12);
    c.append(Uint8Array.of(1));
    expect(c.durableEnd).toBe(c.end);
    c.close();
  });

  it('single writer: a second open fails with CORE_LOCKED until the first closes', () => {
    const fs = new SimFs();
    const a = HotFrameLog.open(fs, '/r');
    expect(code(() => HotFrameLog.open(fs, '/r'))).toBe(CoreCode.LOCKED);
    a.close();
    HotFrameLog.open(fs, '/r').close();
    expect(code(() => a.append(Uint8Array.of(1)))).toBe(CoreCode.CLOSED);
  });

  it('a failed write is cut back so the next append starts clean; a failed fsync stops the writer', () => {
    const sim = new SimFs();
    const fs = new FaultFs(sim, [{ at: 2, op: 'write', kind: 'short', keep: 3, times: 1 }]);
    const log = HotFrameLog.open(fs, '/r', { durability: 'manual' });
    log.append(Uint8Array.of(1, 2, 3));
    // The short write is retried by writeFully, so it succeeds whole.
    expect(log.end).toBe(12 + 11);
    fs.inject({ at: 1, op: 'write', kind: 'ENOSPC' });
    expect(code(() => log.append(Uint8Array.of(9)))).toBe(CoreCode.IO);
    expect(log.end).toBe(23);
    log.append(Uint8Array.of(4));
    fs.inject({ at: 1, op: 'fdatasync', kind: 'EIO' });
    expect(code(() => log.sync())).toBe(CoreCode.IO);
    expect(code(() => log.append(Uint8Array.of(5)))).toBe(CoreCode.IO);
    log.close();
    expect(readHotFrames(sim, '/r').frames.map((f) => f.payload.length)).toEqual([3, 1]);
  });
});

describe('HotFrameLog: recovery on open (logspec cuts a torn tail; the original never does)', () => {
  function withTail(tail: Uint8Array): SimFs {
    const fs = new SimFs();
    const log = HotFrameLog.open(fs, '/r');
    log.appendFrames([Uint8Array.of(1), Uint8Array.of(2)]);
    log.close();
    const body = fs.readFile(LOG);
    const out = new Uint8Array(body.length + tail.length);
    out.set(body);
    out.set(tail, body.length);
    fs.put(LOG, out);
    return fs;
  }

  it('cuts a torn frame, a short trailer and trailing garbage', () => {
    const frame = encodeHotFrame(Uint8Array.of(7, 7, 7, 7));
    for (const tail of [
      frame.subarray(0, 9),
      Uint8Array.of(5, 0, 0),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4),
      Uint8Array.of(4, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0),
    ]) {
      const fs = withTail(tail);
      const log = HotFrameLog.open(fs, '/r');
      expect(log.report.truncatedAt).toBe(30);
      expect(log.report.truncatedBytes).toBe(tail.length);
      expect(log.append(Uint8Array.of(3))).toBe(30);
      log.close();
      expect(readHotFrames(fs, '/r').frames.map((f) => f.payload[0])).toEqual([1, 2, 3]);
    }
  });

  it('refuses to cut when valid frames follow the bad one (HOT_CORRUPT_BEFORE_TAIL); repair: truncate cuts', () => {
    const fs = withTail(encodeHotFrame(Uint8Array.of(8, 8)));
    const bytes = fs.readFile(LOG);
    bytes[16] = (bytes[16] as number) ^ 1; // payload of frame 1
    fs.put(LOG, bytes);
    let err: unknown;
    try {
      HotFrameLog.open(fs, '/r');
    } catch (e) {
      err = e;
    }
    expect(isLogspecError(err, HotCode.CORRUPT_BEFORE_TAIL)).toBe(true);
    expect((err as { offset: number }).offset).toBe(12);
    expect(fs.readFile(LOG)).toEqual(bytes);
    const cut = HotFrameLog.open(fs, '/r', { repair: 'truncate' });
    expect(cut.report.truncatedAt).toBe(12);
    cut.close();
  });

  it('keeps empty frames at the end of a frame log (they are valid records there)', () => {
    const fs = withTail(encodeHotFrame(new Uint8Array(0)));
    const log = HotFrameLog.open(fs, '/r');
    expect(log.report.truncatedAt).toBe(null);
    expect(log.end).toBe(38);
    log.close();
  });
});

describe('HotLog (events)', () => {
  it('appends events at 8-aligned archive positions and replays them with offsets', () => {
    const fs = new SimFs();
    const log = HotLog.open(fs, '/r', { durability: 'always' });
    const offsets = log.appendBatch([ev('s1', 1), ev('s1', 2), ev('s2', 1, 'x'.repeat(500))]);
    offsets.push(log.append(ev('s1', 3)));
    for (const o of offsets) expect((o + 4) % 8).toBe(0);
    expect(log.offsetFor('s1', 2n)).toBe(offsets[1]);
    expect(log.readAt(offsets[2] as number).payloadJson).toBe(JSON.stringify('x'.repeat(500)));
    log.close();
    const r = replayHotLog(fs, '/r');
    expect(r.events.map((e) => [e.offset, e.record?.sessionId, e.record?.seq])).toEqual([
      [offsets[0], 's1', 1n],
      [offsets[1], 's1', 2n],
      [offsets[2], 's2', 1n],
      [offsets[3], 's1', 3n],
    ]);
    expect(r.stop).toEqual({ reason: 'eof', at: fs.readFile(LOG).length });
    expect(r.originalError).toBe(null);
    expect(r.index.offsetFor('s2', 1n)).toBe(offsets[2]);
  });

  it('the index is rebuilt on open; a repeated (session, seq) maps to the later frame', () => {
    const fs = new SimFs();
    const a = HotLog.open(fs, '/r');
    const [o1] = a.appendBatch([ev('s', 1)]);
    const o2 = a.append(ev('s', 1, 'again'));
    a.close();
    const b = HotLog.open(fs, '/r');
    expect(b.offsetFor('s', 1n)).toBe(o2);
    expect(o1).not.toBe(o2);
    expect(b.index.session('s')).toEqual({ firstOffset: o1, lastOffset: o2, lastSeq: 1n });
    expect(b.offsetFor('s', 2n)).toBeUndefined();
    b.close();
  });

  it('cuts a zero-filled tail of empty frames (a crash after the size grew)', () => {
    const fs = new SimFs();
    const a = HotLog.open(fs, '/r');
    a.append(ev('s', 1));
    a.close();
    const body = fs.readFile(LOG);
    const zeros = new Uint8Array(body.length + 4096 + 3);
    zeros.set(body);
    fs.put(LOG, zeros);
    const b = HotLog.open(fs, '/r');
    expect(b.report.truncatedAt).toBe(body.length);
    expect(b.undecodable).toEqual([]);
    b.close();
  });

  it('an undecodable archive is reported and skipped; the events after it still read', () => {
    const fs = new SimFs();
    const a = HotLog.open(fs, '/r');
    a.append(ev('s', 1));
    const bad = a.frames.append(new Uint8Array(8)); // a CRC-valid frame that is no archive
    a.append(ev('s', 2));
    a.close();
    const b = HotLog.open(fs, '/r');
    expect(b.undecodable).toEqual([{ offset: bad, code: HotCode.ARCHIVE_TOO_SHORT }]);
    expect(b.offsetFor('s', 2n)).toBeDefined();
    b.close();
    const r = replayHotLog(fs, '/r');
    expect(r.events.map((e) => e.error?.code ?? e.record?.seq)).toEqual([1n, HotCode.ARCHIVE_TOO_SHORT, 2n]);
    expect(r.originalError).toMatchObject({ offset: bad, error: { code: HotCode.ARCHIVE_TOO_SHORT } });
  });

  it('refuses to append where an archive would be misaligned', () => {
    const fs = new SimFs();
    const a = HotLog.open(fs, '/r');
    a.frames.append(Uint8Array.of(1));
    expect(code(() => a.append(ev('s', 1)))).toBe(HotCode.ARCHIVE_MISALIGNED);
    a.close();
  });
});

describe('NodeFs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frame-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes, locks and reads a real file', () => {
    const fs = new NodeFs();
    const log = HotLog.open(fs, join(dir, 'k'));
    log.append(ev('s', 1));
    expect(code(() => HotLog.open(fs, join(dir, 'k')))).toBe(CoreCode.LOCKED);
    log.close();
    expect(fs.readdir(join(dir, 'k', 'hot'))).toEqual(['log.bin']);
    expect(replayHotLog(fs, join(dir, 'k', 'hot', 'log.bin')).events[0]?.record?.seq).toBe(1n);
    expect(code(() => replayHotLog(fs, join(dir, 'missing')))).toBe(HotCode.NOT_FOUND);
  });
});
