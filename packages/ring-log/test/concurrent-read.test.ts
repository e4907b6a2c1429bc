import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileHandle, Fs } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { encodeSlot, RingCode, ringFileLength, slotOffset } from '../src/index.js';
import { RingLog, readRingFile, readRingImage } from '../src/store.js';
import { counterSlot, isCounterSlot } from './fixtures/counter-slots.js';

/**
 * RING-R-014/015: what a reader sees while a writer appends, and the `consistent` read that
 * never shows a slot in the middle of a write.
 */

const P = '/d/r.vrrl';

/**
 * An Fs whose first whole-ring read returns the ring as a read overlapping an append's slot
 * write can see it (the slot at the cursor still carries its old magic 0xDEADBEEF, its body is
 * half the new record's); the append then completes, and later reads see the finished state.
 */
function midAppendFs(sim: SimFs, log: RingLog, next: number): Fs {
  let ringReads = 0;
  const wrap = (h: FileHandle): FileHandle =>
    new Proxy(h, {
      get(target, prop) {
        if (prop !== 'read') return Reflect.get(target, prop);
        return (buf: Uint8Array, off: number, len: number, pos: number) => {
          const n = target.read(buf, off, len, pos);
          if (len < ringFileLength(log.capacity) || ringReads++ > 0) return n;
          const at = slotOffset(log.cursor);
          const fresh = encodeSlot(counterSlot(next));
          // Bytes 4…23 new (timestamp, slot_idx, tenant, opcode); the magic and the rest old.
          buf.set(fresh.subarray(4, 24), off + at + 4);
          log.append(counterSlot(next));
          return n;
        };
      },
    });
  return new Proxy(sim, {
    get(target, prop) {
      if (prop === 'open') return (p: string, o?: object) => wrap(target.open(p, o));
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

// The in-process writers below write every append before it returns (`bufferSlots: 1`), so a
// read can land between any two of its writes; the writer process further down buffers (default).
describe('reading a ring while a writer appends (RING-R-014, RING-R-015)', () => {
  it('a consistent read never returns the half-written slot a plain read can return', () => {
    const setup = () => {
      const sim = new SimFs();
      sim.mkdir('/d');
      const log = RingLog.open(P, { fs: sim, capacity: 8, lock: false, bufferSlots: 1 });
      for (let i = 0; i < 8; i++) log.append(counterSlot(i));
      return { sim, log };
    };
    // A plain read returns what the one read saw: a record that was never written.
    const a = setup();
    const plain = readRingFile(midAppendFs(a.sim, a.log, 8), P);
    expect(plain.records.filter((s) => !isCounterSlot(s))).toHaveLength(1);
    // A consistent read reads again until two reads agree: only whole records.
    const b = setup();
    const consistent = readRingFile(midAppendFs(b.sim, b.log, 8), P, { consistent: true });
    expect(consistent.records.every(isCounterSlot)).toBe(true);
    expect(consistent.records.map((s) => s.slotIdx)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a consistent read gives up with RING_READ_UNSTABLE when every pair of reads differs', () => {
    const sim = new SimFs();
    sim.mkdir('/d');
    const log = RingLog.open(P, { fs: sim, capacity: 4, lock: false, bufferSlots: 1 });
    let i = 0;
    // Every read of the ring is followed by an append: no two reads agree.
    const busy = new Proxy(sim, {
      get(target, prop) {
        if (prop === 'open')
          return (p: string, o?: object) => {
            const h = target.open(p, o);
            return new Proxy(h, {
              get(t, q) {
                if (q !== 'read') return Reflect.get(t, q);
                return (buf: Uint8Array, off: number, len: number, pos: number) => {
                  const n = t.read(buf, off, len, pos);
                  if (len > 32) log.append(counterSlot(i++));
                  return n;
                };
              },
            });
          };
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Fs;
    expect(() => readRingImage(busy, P, { consistent: true })).toThrowError(
      expect.objectContaining({ code: RingCode.READ_UNSTABLE }),
    );
  });

  it('against a real writer process appending without pause, every consistent read holds only whole records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logspec-ring-concurrent-'));
    const path = join(dir, 'live.vrrl');
    const writer = fileURLToPath(new URL('./fixtures/ring-writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, '1024', '4000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (let t = Date.now(); !out.includes('ready'); ) {
        if (Date.now() - t > 30_000) throw new Error(`writer did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const fs = new NodeFs();
      let reads = 0;
      let unstable = 0;
      let torn = 0;
      let magicsSeen = 0;
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        try {
          const r = readRingFile(fs, path, { consistent: true });
          reads++;
          magicsSeen += r.records.length;
          torn += r.records.filter((s) => !isCounterSlot(s)).length;
        } catch (e) {
          if ((e as { code?: string }).code !== RingCode.READ_UNSTABLE) throw e;
          unstable++;
        }
        // Let the writer's process run between reads on a 2-core machine.
        if (reads % 8 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(torn).toBe(0);
      expect(reads).toBeGreaterThan(50);
      expect(magicsSeen).toBeGreaterThan(0);
      expect(unstable).toBeLessThan(reads + unstable);
    } finally {
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      expect(code, err).toBe(0);
      expect(out).toMatch(/appended \d+/);
    }
  });
});
