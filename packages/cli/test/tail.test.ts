import { once } from 'node:events';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { makeEvent } from '@logspec/frame';
import { HotLog } from '@logspec/frame/store';
import { RingLog } from '@logspec/ring-log/store';
import { Partition } from '@logspec/segment-index/store';
import { SessionStore } from '@logspec/session-store/store';
import { WalRecords } from '@logspec/wal';
import { openWal } from '@logspec/wal/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, lines, run, start, tempDir } from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const fs = new NodeFs();

/** A running `tail -f --json`: its parsed output lines as they come. */
function follow(path: string, extra: string[] = []) {
  const child = start(bin, ['tail', '-f', '--json', '--interval', '20', ...extra, path]);
  const got: unknown[] = [];
  let buf = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      got.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  });
  child.stderr.on('data', (d: string) => {
    err += d;
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return {
    got,
    stderr: () => err,
    /** Waits until `n` lines arrived (or fails with what did). */
    async until(n: number): Promise<unknown[]> {
      const deadline = Date.now() + 20_000;
      while (got.length < n) {
        if (Date.now() > deadline)
          throw new Error(`waited for ${n} lines, got ${got.length}: ${JSON.stringify(got)} ${err}`);
        if (child.exitCode !== null) throw new Error(`tail exited (${child.exitCode}): ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return got.slice(0, n);
    },
    /** Ctrl-C: resolves to the exit code. */
    async interrupt(): Promise<number | null> {
      child.kill('SIGINT');
      const [code] = await exited;
      return code;
    },
  };
}

const ev = (seq: number) =>
  makeEvent({
    sessionId: 's1',
    seq: BigInt(seq),
    tsMs: 1_700_000_000_000n + BigInt(seq),
    kind: 'Message',
    payload: { seq },
  });

describe('tail', () => {
  it('hot log: -n prints the last events, -f prints appended ones, Ctrl-C ends with exit 0', async () => {
    const root = join(tempDir(), 'kaizen');
    const w = HotLog.open(fs, root, { durability: 'always' });
    w.appendBatch([ev(1), ev(2), ev(3)]);
    w.close();
    expect(lines(run(bin, ['tail', '--json', '-n', '2', root]).stdout).map((e) => (e as { seq: string }).seq)).toEqual([
      '2',
      '3',
    ]);

    const t = follow(root, ['-n', '2']);
    expect(((await t.until(2)) as { seq: string }[]).map((e) => e.seq)).toEqual(['2', '3']);
    const w2 = HotLog.open(fs, root, { durability: 'always' });
    w2.append(ev(4));
    w2.append(ev(5));
    expect(((await t.until(4)) as { seq: string; index: number }[]).slice(2).map((e) => [e.seq, e.index])).toEqual([
      ['4', 3],
      ['5', 4],
    ]);
    w2.close();
    expect(await t.interrupt()).toBe(0);
    expect(t.got).toHaveLength(4);
  });

  it('WAL directory: follows appends and rotation while the writer holds its lock', async () => {
    const dir = join(tempDir(), 'wal');
    const trace = 'aaaaaaaa-0000-4000-8000-000000000001';
    const w = openWal({ fs, dir, maxFileSize: 300 });
    w.write(WalRecords.traceStart(trace));
    w.commit();
    const t = follow(dir);
    await t.until(1);
    for (let node = 1; node <= 6; node++) w.write(WalRecords.nodeStart(trace, node));
    w.commit();
    const got = (await t.until(7)) as { record_type: string; node_id: number; file: string }[];
    expect(got.map((r) => r.node_id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(got.map((r) => r.file)).size).toBeGreaterThan(1); // it rotated
    w.closeSync();
    expect(await t.interrupt()).toBe(0);
  });

  it('ring: each poll prints the slots appended since the last one, in order', async () => {
    const path = join(tempDir(), 'replay.vrrl');
    const slot = (i: number) => ({
      timestampNs: BigInt(i),
      slotIdx: i,
      tenantId: 0,
      opcode: i,
      args: [i, i, i, i] as [number, number, number, number],
      epoch: 1,
    });
    const log = RingLog.open(path, { fs, capacity: 4 });
    log.appendMany([slot(1), slot(2)]);
    log.sync();
    const t = follow(path);
    await t.until(2);
    log.appendMany([slot(3), slot(4), slot(5)]);
    log.sync();
    const got = (await t.until(5)) as { slot_idx: number }[];
    expect(got.map((s) => s.slot_idx)).toEqual([1, 2, 3, 4, 5]);
    log.close();
    expect(await t.interrupt()).toBe(0);
  });

  it('segment partition: follows flushed messages', async () => {
    const dir = join(tempDir(), 'partition');
    const p = Partition.open(fs, dir, { maxSegmentBytes: 256 });
    const msg = (i: number) => ({
      value: new Uint8Array([i, i, i]),
      timestamp: { epochSeconds: 1_700_000_000n + BigInt(i), nanos: 0 },
    });
    p.append(msg(0));
    p.flush();
    const t = follow(dir);
    await t.until(1);
    for (let i = 1; i <= 5; i++) p.append(msg(i));
    p.flush();
    const got = (await t.until(6)) as { offset: string }[];
    expect(got.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4', '5']);
    p.close();
    expect(await t.interrupt()).toBe(0);
  });

  it('session store: follows appended entries without opening the store', async () => {
    const root = join(tempDir(), 'store');
    const s = SessionStore.open(fs, root);
    s.appendEntry('e1', null, 'message', { n: 1 });
    const t = follow(root);
    await t.until(1);
    s.appendEntry('e2', 'e1', 'message', { n: 2 });
    s.appendEntry('e3', 'e2', 'label', { n: 3 });
    const got = (await t.until(3)) as { entry_id: string; entry_seq: string }[];
    expect(got.map((f) => [f.entry_seq, f.entry_id])).toEqual([
      ['1', 'e1'],
      ['2', 'e2'],
      ['3', 'e3'],
    ]);
    s.close();
    expect(await t.interrupt()).toBe(0);
  });
});
