import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { makeEvent } from '@logspec/frame';
import { HotLog } from '@logspec/frame/store';
import { encodeRecord, WalRecords } from '@logspec/wal';
import { openWal } from '@logspec/wal/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, HOTLOG, lines, PKG, SEGMENT, SESSION, tempDir, WAL } from './helpers.js';

/**
 * `logspec export`, run from the sources through tsx: the bundle the other CLI tests build
 * inlines every dependency, and parquet-wasm loads its WebAssembly from beside its own module
 * (as the published, unbundled CLI finds it in node_modules). DuckDB's checks of the exported
 * tables are in @logspec/export's tests; here: the command line, its outputs and messages.
 */

const BIN = join(PKG, 'src', 'bin.ts');

function run(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    encoding: 'utf8',
    cwd: PKG,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fs = new NodeFs();
let hotRoot: string;
beforeAll(() => {
  hotRoot = join(tempDir(), 'kaizen');
  const log = HotLog.open(fs, hotRoot, { durability: 'manual' });
  const batch = [];
  for (let i = 0; i < 3000; i++) {
    batch.push(
      makeEvent({
        sessionId: `s${i % 3}`,
        seq: BigInt(i),
        tsMs: 1_700_000_000_000n + BigInt(i) * 1000n,
        kind: i % 2 ? 'ToolCall' : 'Message',
        tool: i % 2 ? 'bash' : null,
        tokensIn: i,
        payload: { i, text: 'x'.repeat(200) },
      }),
    );
  }
  log.appendBatch(batch);
  log.close();
});
afterAll(cleanup);

describe('logspec export', { timeout: 240_000 }, () => {
  it('writes Parquet, names the table and its size on stderr', () => {
    const out = join(tempDir(), 'wal.parquet');
    const r = run(['export', join(WAL, 'multi_dir'), '--to', 'parquet', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^exported 6 rows of table wal v1 to .*wal\.parquet \(parquet snappy, /);
    const head = readFileSync(out);
    expect(head.subarray(0, 4).toString()).toBe('PAR1');
    expect(head.subarray(head.length - 4).toString()).toBe('PAR1');
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('takes the output format from the file name, and --json prints the summary', () => {
    const out = join(tempDir(), 'segment.arrow');
    const r = run(['export', '--json', join(SEGMENT, 'partition_two'), '-o', out]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ format: 'segment', table: 'segment', to: 'arrow', rows: 16, problems: 0 });
    const file = readFileSync(out);
    expect(file.subarray(0, 6).toString()).toBe('ARROW1');
    expect(file.subarray(file.length - 6).toString()).toBe('ARROW1');
  });

  it('writes NDJSON to stdout, selected by record number', () => {
    const r = run(['export', join(SESSION, 'branching'), '--to', 'ndjson', '--from', '2', '--to', '4']);
    expect(r.code).toBe(0);
    const rows = lines(r.stdout) as { entry_seq: string }[];
    expect(rows.map((x) => x.entry_seq)).toEqual(['2', '3', '4']);
  });

  it('selects by time (RFC 3339), with the bounds included', () => {
    const r = run([
      'export',
      hotRoot,
      '--to',
      'ndjson',
      '--from',
      '2023-11-14T22:13:30Z',
      '--to',
      '2023-11-14T22:13:32Z',
    ]);
    expect(r.code).toBe(0);
    const rows = lines(r.stdout) as { seq: string; time: string }[];
    expect(rows.map((x) => x.seq)).toEqual(['10', '11', '12']);
    expect(rows[0]?.time).toBe('2023-11-14T22:13:30.000Z');
  });

  it('names damaged records on stderr and writes every one to --errors; exit 1', () => {
    const dir = tempDir();
    const r = run([
      'export',
      '--format',
      'wal',
      join(WAL, 'neg_crc_flip.log'),
      '-o',
      join(dir, 'x.ndjson'),
      '--errors',
      join(dir, 'errors.ndjson'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('logspec: warning: WAL_CRC_MISMATCH at byte 69 in neg_crc_flip.log');
    expect(r.stderr).toMatch(/1 damaged record or range left out/);
    const errors = lines(readFileSync(join(dir, 'errors.ndjson'), 'utf8'));
    expect(errors).toEqual([
      expect.objectContaining({
        format: 'wal',
        file: 'neg_crc_flip.log',
        file_offset: '69',
        code: 'WAL_CRC_MISMATCH',
        bytes: '73',
      }),
    ]);
    expect(lines(readFileSync(join(dir, 'x.ndjson'), 'utf8'))).toHaveLength(2);
  });

  it('reads the original files of every format', () => {
    for (const path of [join(HOTLOG), join(SEGMENT, 'wire_variants'), join(WAL, 'all_types.log')]) {
      const r = run(['export', path, '--to', 'ndjson']);
      expect(r.code, `${path}: ${r.stderr}`).toBe(0);
      expect(lines(r.stdout).length).toBeGreaterThan(0);
    }
  });

  it('reads a live log up to its last complete record', async () => {
    const dir = join(tempDir(), 'wal');
    const w = openWal({ fs, dir, durability: { mode: 'manual' } });
    for (let i = 0; i < 100; i++) w.write(WalRecords.nodeStart('aaaaaaaa-0000-4000-8000-000000000001', i));
    w.commit();
    // Half of the next record, as a writer caught mid-append leaves it (the writer still holds its lock).
    const next = encodeRecord(WalRecords.nodeStart('aaaaaaaa-0000-4000-8000-000000000001', 100));
    appendFileSync(join(dir, 'wal_0000000000000000.log'), next.subarray(0, 40));
    const r = run(['export', dir, '--to', 'ndjson']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(100);
    expect(r.stderr).toMatch(
      /WAL_RECORD_TRUNCATED .*torn tail of the newest file \(an interrupted or ongoing append\)/,
    );
    await w.close();
  });

  it('refuses what it cannot do, with a usage error', () => {
    const bad: [string[], RegExp][] = [
      [['export', join(WAL, 'multi_dir')], /export needs --to parquet\|arrow\|ndjson/],
      [['export', join(WAL, 'multi_dir'), '--to', 'parquet'], /give it with -o FILE/],
      [['export', join(WAL, 'multi_dir'), '-o', join(tempDir(), 'x.bin')], /cannot tell the output format/],
      [
        ['export', join(WAL, 'multi_dir'), '--to', 'ndjson', '--from', 'yesterday'],
        /--from must be a record number or an RFC 3339 time/,
      ],
      [
        ['export', join(WAL, 'multi_dir'), '--to', 'ndjson', '--compression', 'zstd'],
        /--compression applies to --to parquet only/,
      ],
      [['export', join(WAL, 'multi_dir'), '--to', 'ndjson', '--from', '5', '--to', '2'], /--to 2 is below --from 5/],
    ];
    for (const [args, msg] of bad) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('draws a progress bar on a terminal only', () => {
    const out = join(tempDir(), 'hot.parquet');
    const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, '--import', 'tsx', BIN, 'export', hotRoot, '-o', out].map(sh).join(' ');
    const t = spawnSync('script', ['-qfec', command, '/dev/null'], {
      encoding: 'utf8',
      cwd: PKG,
      env: { ...process.env, LOGSPEC_PROGRESS_DELAY_MS: '0' },
      timeout: 120_000,
    });
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/\rexporting kaizen \[[#.]+\] +\d+% /);
    const piped = run(['export', hotRoot, '-o', out], { LOGSPEC_PROGRESS_DELAY_MS: '0' });
    expect(piped.stderr).not.toContain('\r');
  });
});
