import { concatBytes, type FileHandle } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  type FrameDamage,
  type FrameLayout,
  hotLayout,
  scanFileFrames,
  scanFileFramesAcrossDamage,
  segmentLayout,
} from '../src/index.js';

function handle(bytes: Uint8Array): FileHandle {
  return {
    path: 'mem',
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      buf.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    size: () => bytes.length,
    write: () => 0,
    append: () => 0,
    truncate: () => {},
    fsync: () => {},
    fdatasync: () => {},
    close: () => {},
  };
}

function scan(layout: FrameLayout, bytes: Uint8Array, emptyFramesAreDamage = true) {
  const frames: number[] = [];
  const damage: FrameDamage[] = [];
  const r = scanFileFramesAcrossDamage(
    handle(bytes),
    layout,
    (_ps, _pe, at) => frames.push(at),
    (d) => damage.push(d),
    {
      emptyFramesAreDamage,
    },
  );
  return { frames, damage, r };
}

const payload = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('scanFileFramesAcrossDamage', () => {
  for (const layout of [hotLayout, segmentLayout]) {
    it(`${layout.name}: a CRC-bad frame between good ones is one region, and the scan reads on after it`, () => {
      const [a, b, c] = [
        encodeFrame(layout, payload(53, 1)),
        encodeFrame(layout, payload(53, 2)),
        encodeFrame(layout, payload(53, 3)),
      ];
      const bad = b.slice();
      bad[layout.headerSize + 3] = (bad[layout.headerSize + 3] as number) ^ 0x10;
      const { frames, damage } = scan(layout, concatBytes([a, bad, c]));
      expect(frames).toEqual([0, 2 * a.length]);
      expect(damage).toEqual([
        expect.objectContaining({ at: a.length, end: 2 * a.length, kind: 'crc_mismatch', resumeAt: 2 * a.length }),
      ]);
    });

    it(`${layout.name}: 16 MiB of zeros are one region, found in linear time`, () => {
      const zeros = new Uint8Array(16 << 20);
      const { frames, damage } = scan(layout, zeros);
      expect(frames).toEqual([]);
      expect(damage).toEqual([
        expect.objectContaining({ at: 0, end: zeros.length, kind: 'empty_frames', resumeAt: null }),
      ]);
      // As frames (the frame level's view) they are 2 Mi empty frames.
      expect(scan(layout, zeros.subarray(0, 64), false).frames).toHaveLength(8);
    });

    it(`${layout.name}: zeros, then a good frame, then a torn one: two regions`, () => {
      const a = encodeFrame(layout, payload(20, 7));
      const bytes = concatBytes([a, new Uint8Array(4096), a, a.subarray(0, 11)]);
      const { frames, damage } = scan(layout, bytes);
      expect(frames).toEqual([0, a.length + 4096]);
      expect(damage.map((d) => [d.kind, d.at, d.end, d.resumeAt])).toEqual([
        ['empty_frames', a.length, a.length + 4096, a.length + 4096],
        ['torn', 2 * a.length + 4096, bytes.length, null],
      ]);
    });

    it(`${layout.name}: on undamaged input it visits exactly what scanFileFrames visits`, () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 10 }), (ps) => {
          const bytes = concatBytes(ps.map((p) => encodeFrame(layout, p)));
          const plain: number[] = [];
          scanFileFrames(handle(bytes), layout, (_ps, _pe, at) => plain.push(at));
          const { frames, damage } = scan(layout, bytes);
          expect(frames).toEqual(plain);
          expect(damage).toEqual([]);
        }),
      );
    });
  }

  it('onDamage returning false stops the scan at the damage (a reader that stops as the original does)', () => {
    const a = encodeFrame(segmentLayout, payload(9, 1));
    const bytes = concatBytes([a, new Uint8Array(64), a]);
    const frames: number[] = [];
    const damage: FrameDamage[] = [];
    const r = scanFileFramesAcrossDamage(
      handle(bytes),
      segmentLayout,
      (_ps, _pe, at) => frames.push(at),
      (d) => {
        damage.push(d);
        return false;
      },
    );
    expect(frames).toEqual([0]);
    expect(damage).toEqual([expect.objectContaining({ at: a.length, end: a.length + 64, resumeAt: a.length + 64 })]);
    expect(r).toMatchObject({ reason: 'stopped', offset: a.length });
  });

  it('the visitor returning false stops the scan', () => {
    const a = encodeFrame(hotLayout, payload(5, 1));
    const seen: number[] = [];
    const r = scanFileFramesAcrossDamage(
      handle(concatBytes([a, a, a])),
      hotLayout,
      (_ps, _pe, at) => {
        seen.push(at);
        return seen.length < 2 ? undefined : false;
      },
      () => {
        throw new Error('no damage here');
      },
    );
    expect(seen).toEqual([0, a.length]);
    expect(r.reason).toBe('stopped');
  });
});
