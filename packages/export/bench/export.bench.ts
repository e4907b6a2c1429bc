/**
 * Export speed and memory. Two logs of 1 GiB × LOGSPEC_BENCH_SCALE: a WAL (~200-byte records,
 * 64 MiB files) and a hot log (agent event-size mix, mean ~3.6 KiB). For each, in one suite:
 *
 *   baseline  the project's own scan of the file (`scanWal` / `scanHotLogFile`, CRC checked)
 *   cases     `exportLog` to Parquet (snappy, the default; and zstd) in this process;
 *             `logspec export -o x.parquet` and `logspec dump --json > x.ndjson` as child
 *             processes (the CLI bundled once with esbuild, parquet-wasm left external).
 *
 * Then the peak RSS of `logspec export` (getrusage of the child, printed by a bundled probe)
 * on the 1 GiB logs and on logs of a quarter of the size: memory must not follow the log size.
 *
 * And the Parquet library choice, measured on the same record batches (the first 64 MiB of the
 * WAL and of the hot log as the export builds them): parquet-wasm (IPC into WebAssembly,
 * transformParquetStream) against hyparquet-writer (pure JavaScript).
 *
 * Each case runs twice (rounds: 1); LOGSPEC_BENCH_SCALE=0.25 for a quicker look.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from '@logspec/bench';
import { NodeFs } from '@logspec/core/node';
import { scanHotLogFile } from '@logspec/frame';
import { openHotLogFile } from '@logspec/frame/store';
import { scanWal } from '@logspec/wal/store';
import type { RecordBatch } from 'apache-arrow';
import { build } from 'esbuild';
import { TABLES, type TableDef } from '../src/index.js';
import {
  type ByteOutput,
  batchBytes,
  type ExportFormat,
  exportLog,
  FileOutput,
  type ParquetCompression,
  ParquetSink,
  readBatches,
} from '../src/store.js';
import { writeHotLog, writeWal } from './gen.js';
import { hyparquetWrite } from './hyparquet.js';

const scale = Number(process.env.LOGSPEC_BENCH_SCALE ?? 1);
const GiB = 1 << 30;
const fs = new NodeFs();
const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'logspec-export-bench-'));

/**
 * The CLI and an RSS probe, bundled (no tsx in the measured processes) under this package's
 * node_modules so that parquet-wasm, left external, resolves. The CLI imports
 * `@logspec/export/store` at run time by name: it is bundled too, as a package of its own
 * beside the CLI bundle (`node_modules/@logspec/export/store.mjs`).
 */
const out = join(here, '..', 'node_modules', '.cache', 'logspec-bench');
const storePkg = join(out, 'node_modules', '@logspec', 'export');
mkdirSync(storePkg, { recursive: true });
writeFileSync(
  join(storePkg, 'package.json'),
  JSON.stringify({ name: '@logspec/export', type: 'module', exports: { './store': './store.mjs' } }),
);
const shim = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
for (const [entry, file] of [
  [join(here, '..', '..', 'cli', 'src', 'bin.ts'), join(out, 'logspec.mjs')],
  [join(here, 'rss-probe.ts'), join(out, 'rss-probe.mjs')],
  [join(here, '..', 'src', 'store.ts'), join(storePkg, 'store.mjs')],
] as const) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    external: ['parquet-wasm'],
    banner: { js: shim },
    logLevel: 'error',
  });
}
const CLI = join(out, 'logspec.mjs');
const PROBE = join(out, 'rss-probe.mjs');

function sh(cmd: string): void {
  const r = spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`);
}
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Peak RSS (MiB) of `logspec export` over `path`, as the child process itself reports it. */
function exportRss(path: string): number {
  const r = spawnSync(process.execPath, [PROBE, 'export', path, '-o', join(root, 'rss.parquet')], {
    encoding: 'utf8',
  });
  const m = /maxRSS=(\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no RSS from the probe (exit ${r.status}): ${r.stderr}`);
  return Math.round(Number(m[1]) / 1024);
}

class NullOutput implements ByteOutput {
  bytesWritten = 0;
  write(c: Uint8Array): void {
    this.bytesWritten += c.length;
  }
  commit(): void {}
  abort(): void {}
}

async function exportTo(path: string, format: ExportFormat, compression: ParquetCompression): Promise<number> {
  const r = await exportLog(path, {
    fs,
    format,
    to: 'parquet',
    output: new FileOutput(fs, join(root, `${format}.parquet`)),
    parquet: { compression },
  });
  return r.rows;
}

function firstBatches(path: string, format: ExportFormat, bytes: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  let n = 0;
  for (const b of readBatches(path, { fs, format })) {
    out.push(b);
    n += batchBytes(b);
    if (n >= bytes) break;
  }
  return out;
}

async function parquetWasmWrite(def: TableDef, batches: readonly RecordBatch[], rows: number): Promise<number> {
  const o = new NullOutput();
  const sink = new ParquetSink(def, o, { rowGroupRows: rows });
  for (const b of batches) await sink.write(b);
  await sink.finish();
  return o.bytesWritten;
}

const logs: { name: string; format: ExportFormat; path: string; bytes: number; records: number; scan: () => number }[] =
  [];
{
  const wal = join(root, 'wal');
  mkdirSync(wal);
  const w = writeWal(wal, Math.round(GiB * scale));
  logs.push({
    name: 'WAL',
    format: 'wal',
    path: wal,
    ...w,
    scan() {
      let n = 0;
      scanWal(wal, { record: () => void n++ }, { fs });
      return n;
    },
  });
  const kaizen = join(root, 'kaizen');
  mkdirSync(join(kaizen, 'hot'), { recursive: true });
  const h = writeHotLog(join(kaizen, 'hot'), Math.round(GiB * scale));
  logs.push({
    name: 'hot log',
    format: 'hotlog',
    path: kaizen,
    ...h,
    scan() {
      const handle = openHotLogFile(fs, kaizen);
      let n = 0;
      try {
        scanHotLogFile(handle, () => void n++);
      } finally {
        handle.close();
      }
      return n;
    },
  });
}

try {
  for (const log of logs) {
    if (log.scan() !== log.records) throw new Error(`${log.name}: the scan does not see every record`);
    const label = `${(log.bytes / GiB).toFixed(2)} GiB ${log.name}, ${log.records.toLocaleString('en')} records`;
    await suite(`export to Parquet vs the project's scan and dump --json: ${label}`, {
      unit: 'bytes',
      rounds: 1,
      warmupMs: 0,
      timeMs: 1,
      baseline: {
        name: `${log.format === 'wal' ? 'scanWal' : 'scanHotLogFile'} (CRC checked)`,
        units: log.bytes,
        fn: log.scan,
      },
      cases: [
        {
          name: 'exportLog → Parquet (snappy, default)',
          units: log.bytes,
          fn: () => exportTo(log.path, log.format, 'snappy'),
        },
        { name: 'exportLog → Parquet (zstd)', units: log.bytes, fn: () => exportTo(log.path, log.format, 'zstd') },
        {
          name: 'logspec export -o x.parquet (child process)',
          units: log.bytes,
          fn: () => sh(`${q(process.execPath)} ${q(CLI)} export ${q(log.path)} -o ${q(join(root, 'cli.parquet'))}`),
        },
        {
          name: 'logspec dump --json > x.ndjson (child process)',
          units: log.bytes,
          fn: () => sh(`${q(process.execPath)} ${q(CLI)} dump --json ${q(log.path)} > ${q(join(root, 'dump.ndjson'))}`),
        },
      ],
    });
    const pq = statSync(join(root, 'cli.parquet')).size;
    console.log(
      `Parquet file: ${(pq / 2 ** 20).toFixed(1)} MiB (snappy), ${((100 * pq) / log.bytes).toFixed(1)}% of the log`,
    );
  }

  // Peak RSS of the export process: the 1 GiB logs, and logs of a quarter of that.
  const small = join(root, 'small');
  mkdirSync(join(small, 'wal'), { recursive: true });
  mkdirSync(join(small, 'kaizen', 'hot'), { recursive: true });
  writeWal(join(small, 'wal'), Math.round((GiB / 4) * scale));
  writeHotLog(join(small, 'kaizen', 'hot'), Math.round((GiB / 4) * scale));
  for (const [name, big, quarter] of [
    ['WAL', logs[0]?.path as string, join(small, 'wal')],
    ['hot log', logs[1]?.path as string, join(small, 'kaizen')],
  ] as const) {
    console.log(
      `peak RSS of 'logspec export' (${name}): ${exportRss(big)} MiB for ${(scale).toFixed(2)} GiB, ${exportRss(quarter)} MiB for ${(scale / 4).toFixed(2)} GiB`,
    );
  }

  // The Parquet library: both writers on the same batches.
  for (const log of logs) {
    const def = TABLES[log.format];
    const batches = firstBatches(log.path, log.format, 64 << 20);
    const bytes = batches.reduce((n, b) => n + batchBytes(b), 0);
    const rows = batches.reduce((n, b) => n + b.numRows, 0);
    const sizes = { wasm: 0, hyp: 0 };
    await suite(
      `Parquet writers on the same ${rows.toLocaleString('en')} ${log.format} rows (${(bytes / 2 ** 20).toFixed(0)} MiB of Arrow data)`,
      {
        unit: 'bytes',
        rounds: 1,
        warmupMs: 0,
        timeMs: 1,
        baseline: {
          name: 'parquet-wasm (IPC → transformParquetStream, snappy)',
          units: bytes,
          fn: async () => {
            sizes.wasm = await parquetWasmWrite(def, batches, 1 << 20);
          },
        },
        cases: [
          {
            name: 'hyparquet-writer (ParquetWriter, snappy)',
            units: bytes,
            fn: () => {
              sizes.hyp = hyparquetWrite(def, batches, 1 << 20);
            },
          },
        ],
      },
    );
    console.log(
      `file sizes: parquet-wasm ${(sizes.wasm / 2 ** 20).toFixed(1)} MiB, hyparquet-writer ${(sizes.hyp / 2 ** 20).toFixed(1)} MiB`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
