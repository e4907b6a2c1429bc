import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, crc32c, type Fs, hexEncode, utf8Encode } from '../src/index.js';
import { CRASH_MODES, CrashPointFailure, forEachCrashPoint, type SimFs, SimulatedCrash } from '../src/testing.js';

/**
 * A toy durable log (u32 length, payload, crc32c) used to exercise crash-point enumeration:
 * its knobs reproduce the classic durability bugs the enumeration must catch.
 */
interface ToyOptions {
  /** Acknowledge before fsync (bug). */
  ackBeforeSync?: boolean;
  /** Never fsync the directory after creating the log (bug). */
  skipDirSync?: boolean;
}

function openToy(fs: Fs, opts: ToyOptions = {}) {
  if (!fs.exists('/db')) {
    fs.mkdir('/db');
    fs.fsyncDir('/');
  }
  const created = !fs.exists('/db/log');
  const h = fs.open('/db/log', { create: true });
  if (created && !opts.skipDirSync) fs.fsyncDir('/db');
  return {
    append(value: string, ack: () => void): void {
      const payload = utf8Encode(value);
      const w = new ByteWriter(payload.length + 8).u32le(payload.length).bytes(payload);
      w.u32le(crc32c(payload));
      h.append(w.finish());
      if (opts.ackBeforeSync) ack();
      h.fdatasync();
      if (!opts.ackBeforeSync) ack();
    },
  };
}

function readToy(fs: Fs): string[] {
  if (!fs.exists('/db/log')) return [];
  const bytes = fs.readFile('/db/log');
  const r = new ByteReader(bytes);
  const out: string[] = [];
  while (r.remaining >= 8) {
    const len = r.u32le();
    if (len > r.remaining - 4) break;
    const at = r.pos;
    const payload = r.bytesView(len);
    if (r.u32le() !== crc32c(bytes, at, at + len)) break;
    out.push(new TextDecoder().decode(payload));
  }
  return out;
}

const values = (n: number) => Array.from({ length: n }, (_, i) => `record-${i}-${'x'.repeat(i % 37)}`);

function toyWorkload(n: number, opts: ToyOptions = {}) {
  return (fs: SimFs, ack: (v: string) => void, attempt: (v: string) => void) => {
    const log = openToy(fs, opts);
    for (const v of values(n)) {
      attempt(v);
      log.append(v, () => ack(v));
    }
  };
}

function toyCheck(fs: SimFs, acked: readonly string[], ctx: { attempted: readonly string[] }) {
  const got = readToy(fs);
  // Nothing acknowledged is lost; nothing never written appears; order is kept.
  expect(got.slice(0, acked.length)).toEqual(acked);
  expect(ctx.attempted.slice(0, got.length)).toEqual(got);
}

describe('forEachCrashPoint', () => {
  it('checks every write/sync point of a 200-operation workload under every mode', async () => {
    const points: number[] = [];
    const report = await forEachCrashPoint<string>({
      workload: toyWorkload(200),
      check: (fs, acked, ctx) => {
        toyCheck(fs, acked, ctx);
        if (ctx.mode === 'drop-unsynced') points.push(ctx.point);
      },
    });
    // mkdir, fsyncDir, open, fsyncDir, then append + fdatasync per record; plus the end.
    expect(report.points).toBe(4 + 2 * 200 + 1);
    expect(report.checks).toBe(report.points * CRASH_MODES.length);
    expect(points).toEqual(Array.from({ length: report.points }, (_, i) => i));
  });

  it('catches an acknowledgement made before fsync', async () => {
    const err = await forEachCrashPoint<string>({
      workload: toyWorkload(20, { ackBeforeSync: true }),
      check: toyCheck,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrashPointFailure);
    const ctx = (err as CrashPointFailure).context;
    expect(ctx.op).toMatch(/^fdatasync \/db\/log$/);
    expect((err as Error).message).toContain(`mode ${ctx.mode}`);
  });

  it('catches a missing directory fsync (only forget-files can see it)', async () => {
    const err = await forEachCrashPoint<string>({
      workload: toyWorkload(10, { skipDirSync: true }),
      check: toyCheck,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrashPointFailure);
    expect((err as CrashPointFailure).context.mode).toBe('forget-files');
    const others = await forEachCrashPoint<string>({
      workload: toyWorkload(10, { skipDirSync: true }),
      check: toyCheck,
      modes: CRASH_MODES.filter((m) => m !== 'forget-files'),
    });
    expect(others.points).toBe(3 + 20 + 1);
  });

  it('snapshot and rerun strategies see the same post-crash states', async () => {
    const collect = async (strategy: 'snapshot' | 'rerun') => {
      const seen: string[] = [];
      await forEachCrashPoint<string>({
        setup: (fs) => fs.put('/db/seed', utf8Encode('pre-existing')),
        workload: toyWorkload(12),
        check: (fs, acked, ctx) => {
          const files = fs.listFiles().map((p) => `${p}=${hexEncode(fs.readFile(p))}`);
          seen.push(`${ctx.point}/${ctx.mode}/${ctx.seed}/${acked.length}/${ctx.attempted.length}/${files.join(',')}`);
        },
        strategy,
        seed: 42,
      });
      return seen;
    };
    const a = await collect('snapshot');
    // /db exists already: open, fsyncDir, then append + fdatasync per record, plus the end.
    expect(a.length).toBe((2 + 24 + 1) * CRASH_MODES.length);
    expect(await collect('rerun')).toEqual(a);
  });

  it('supports async workloads and checks, point filters, and workloads that catch the crash', async () => {
    let checked = 0;
    const report = await forEachCrashPoint<number>({
      setup: (fs) => fs.put('/f', new Uint8Array(0)),
      workload: async (fs, ack) => {
        const h = fs.open('/f', { write: true });
        for (let i = 0; i < 5; i++) {
          await Promise.resolve();
          try {
            h.append(new Uint8Array([i]));
            h.fsync();
            ack(i);
          } catch (e) {
            if (!(e instanceof SimulatedCrash)) throw e; // a store that swallows errors
          }
        }
      },
      check: async (fs, acked) => {
        await Promise.resolve();
        const got = fs.exists('/f') ? [...fs.readFile('/f')] : [];
        expect(got.slice(0, acked.length)).toEqual(acked);
        checked++;
      },
      points: (p) => p % 2 === 0,
      strategy: 'rerun',
    });
    expect(report.points).toBe(11);
    expect(checked).toBe(6 * CRASH_MODES.length); // points 0, 2, …, 10
  });

  it('reports an async check failure', async () => {
    const err = await forEachCrashPoint<number>({
      workload: (fs) => {
        fs.open('/f', { create: true }).append(new Uint8Array(10));
      },
      check: async (fs, _acked, ctx) => {
        await Promise.resolve();
        if (ctx.point === 2 && fs.readFile('/f').length !== 10) throw new Error('lost');
      },
      modes: ['drop-unsynced'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrashPointFailure);
    expect((err as Error).message).toContain('lost');
  });
});
