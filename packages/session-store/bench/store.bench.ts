/**
 * Session store v2 benchmarks (contract 5). Baselines reproduce the original's approach in the
 * same process and run:
 * - lookup: the original rereads and parses the whole index for every `lookup_entry`;
 * - open: the original bootstraps (index + one read and parse per frame) and then validates
 *   (index again, a read, CRC, parse and SHA-256 per frame), one `pread` per row;
 * - append: a raw write of the same lines, no index, no hashing.
 * `LOGSPEC_BENCH_SCALE` scales the store size (default 100,000 entries).
 */

import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { crc32c } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { RawJson } from '../src/index.js';
import { SessionStore } from '../src/store.js';

const SCALE = Number(process.env.LOGSPEC_BENCH_SCALE ?? 1);
const N = Math.max(1000, Math.round(100_000 * SCALE));
const fs = new NodeFs();
const dir = mkdtempSync(join(tmpdir(), 'logspec-session-bench-'));
const root = join(dir, 'store');
const fmt = new Intl.NumberFormat('en-US');

function payload(i: number): RawJson {
  return new RawJson(
    `{"type":"message","id":"m${i}","message":{"role":"${i % 2 ? 'assistant' : 'user'}","content":[{"type":"text","text":"turn ${i}: please look at src/module_${i % 97}.ts and tell me what the function does"}]}}`,
  );
}

function build(): void {
  const s = SessionStore.open(fs, root, { durability: 'none' });
  let parent: string | undefined;
  for (let i = 0; i < N; i++) {
    const id = `entry-${i}`;
    s.appendEntry(id, parent, 'message', payload(i));
    parent = i % 50 === 49 ? `entry-${i - 10}` : id; // a branch now and then
  }
  s.close();
}

// ---- the original's approach, reproduced -------------------------------------------------

interface Row {
  entrySeq: number;
  entryId: string;
  segmentSeq: number;
  frameSeq: number;
  byteOffset: number;
  byteLength: number;
  crc32c: string;
}

const segPath = (seq: number) => join(root, 'segments', `${String(seq).padStart(16, '0')}.seg`);

/** `read_index`: the whole file, every line parsed. */
function readIndexOriginal(): Row[] {
  const text = readFileSync(join(root, 'index', 'offsets.jsonl'), 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) if (line.trim() !== '') rows.push(JSON.parse(line) as Row);
  return rows;
}

/** `SegmentFileReader::read_frame`: one pread of the row's bytes. */
function readRowOriginal(fd: number, row: Row): Buffer {
  const buf = Buffer.allocUnsafe(row.byteLength);
  readSync(fd, buf, 0, row.byteLength, row.byteOffset);
  return buf;
}

function lookupOriginal(seq: number): unknown {
  const row = readIndexOriginal().find((r) => r.entrySeq === seq);
  if (!row) return undefined;
  const fd = openSync(segPath(row.segmentSeq), 'r');
  try {
    return JSON.parse(readRowOriginal(fd, row).toString('utf8', 0, row.byteLength - 1));
  } finally {
    closeSync(fd);
  }
}

function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** bootstrap + validate_integrity, as the original runs them on open. */
function openOriginal(): string {
  // bootstrap_from_disk
  let rows = readIndexOriginal();
  let chain = '0'.repeat(64);
  let fd = -1;
  let cur = -1;
  for (const row of rows) {
    if (row.segmentSeq !== cur) {
      if (fd >= 0) closeSync(fd);
      fd = openSync(segPath(row.segmentSeq), 'r');
      cur = row.segmentSeq;
    }
    const frame = JSON.parse(readRowOriginal(fd, row).toString('utf8', 0, row.byteLength - 1)) as {
      payloadSha256: string;
    };
    chain = sha256(chain + frame.payloadSha256);
  }
  if (fd >= 0) closeSync(fd);
  // validate_integrity
  rows = readIndexOriginal();
  const parents = new Map<string, string | undefined>();
  fd = -1;
  cur = -1;
  for (const row of rows) {
    if (row.segmentSeq !== cur) {
      if (fd >= 0) closeSync(fd);
      fd = openSync(segPath(row.segmentSeq), 'r');
      cur = row.segmentSeq;
    }
    const bytes = readRowOriginal(fd, row);
    const crc = (crc32c(bytes) >>> 0).toString(16).toUpperCase().padStart(8, '0');
    if (crc !== row.crc32c) throw new Error('checksum mismatch');
    const text = bytes.toString('utf8', 0, row.byteLength - 1);
    const frame = JSON.parse(text) as { entryId: string; parentEntryId?: string; payloadSha256: string };
    // serde keeps the payload's bytes (RawValue); here they are the text after "payload":.
    const at = text.indexOf(',"payload":');
    const raw = text.slice(at + 11, text.length - 1);
    if (sha256(raw) !== frame.payloadSha256) throw new Error('payload integrity mismatch');
    if (parents.has(frame.entryId)) throw new Error('duplicate');
    parents.set(frame.entryId, frame.parentEntryId);
  }
  if (fd >= 0) closeSync(fd);
  for (const p of parents.values()) if (p !== undefined && !parents.has(p)) throw new Error('missing parent');
  return chain;
}

// ---- suites ----------------------------------------------------------------------------

let store: SessionStore | undefined;
let k = 0;
const nextSeq = () => 1 + ((k++ * 7919) % N);

build();
console.log(
  `store: ${fmt.format(N)} entries, ${fmt.format(fs.stat(join(root, 'index', 'offsets.jsonl'))?.size ?? 0)} index bytes`,
);

await suite(`session lookup by entry seq, ${fmt.format(N)}-entry store`, {
  unit: 'lookups',
  setup: () => {
    store = SessionStore.open(fs, root, { durability: 'none', lock: false });
  },
  teardown: () => store?.close(),
  baseline: {
    name: 'reread + parse the whole index per lookup (original approach)',
    units: 1,
    fn: () => lookupOriginal(nextSeq()),
  },
  cases: [
    {
      name: 'logspec lookupEntry (in-memory index, one pread, CRC checked)',
      units: 1,
      fn: () => store?.lookupEntry(nextSeq()),
    },
  ],
  timeMs: 2000,
});

await suite(`session open with full integrity validation, ${fmt.format(N)} entries`, {
  unit: 'entries',
  baseline: {
    name: 'bootstrap + validate_integrity, one pread per row (original approach)',
    units: N,
    fn: () => openOriginal(),
  },
  cases: [
    {
      name: 'logspec SessionStore.open (one pass, windowed reads)',
      units: N,
      fn: () => {
        const s = SessionStore.open(fs, root, { durability: 'none', lock: false });
        const c = s.chainHash();
        s.close();
        return c;
      },
    },
  ],
  timeMs: 3000,
});

// Appends: each case writes into its own fresh store or file.
const lines: Uint8Array[] = [];
const appendRoot = (name: string) => join(dir, name);
let rawFd = -1;
let rawPos = 0;
let fastStore: SessionStore | undefined;
let durableStore: SessionStore | undefined;
let a = 0;
let b = 0;
let c = 0;
{
  const probe = SessionStore.open(fs, appendRoot('probe'), { durability: 'none' });
  let parent: string | undefined;
  for (let i = 0; i < 1000; i++) {
    probe.appendEntry(`p${i}`, parent, 'message', payload(i));
    parent = `p${i}`;
  }
  probe.close();
  const seg = readFileSync(join(appendRoot('probe'), 'segments', '0000000000000001.seg'));
  let s = 0;
  for (let i = seg.indexOf(10); i >= 0; i = seg.indexOf(10, s)) {
    lines.push(new Uint8Array(seg.subarray(s, i + 1)));
    s = i + 1;
  }
}

await suite('session append (one entry per call)', {
  unit: 'entries',
  setup: () => {
    rawFd = openSync(join(dir, 'raw.seg'), 'w');
    fastStore = SessionStore.open(fs, appendRoot('fast'), { durability: 'none' });
    durableStore = SessionStore.open(fs, appendRoot('durable'), { durability: 'entry' });
  },
  teardown: () => {
    closeSync(rawFd);
    fastStore?.close();
    durableStore?.close();
  },
  baseline: {
    name: 'raw write of the same lines (no index, no hashing, no fsync)',
    units: 1,
    fn: () => {
      const line = lines[a++ % lines.length] as Uint8Array;
      rawPos += writeSync(rawFd, line, 0, line.length, rawPos);
    },
  },
  cases: [
    {
      name: "logspec appendEntry, durability 'none' (as the original: no fsync)",
      units: 1,
      fn: () => {
        const i = b++;
        return fastStore?.appendEntry(`f${i}`, i === 0 ? undefined : `f${i - 1}`, 'message', payload(i));
      },
    },
    {
      name: "logspec appendEntry, durability 'entry' (fdatasync segment + index)",
      units: 1,
      fn: () => {
        const i = c++;
        return durableStore?.appendEntry(`d${i}`, i === 0 ? undefined : `d${i - 1}`, 'message', payload(i));
      },
    },
  ],
});

rmSync(dir, { recursive: true, force: true });
