import { ARENA_SCAN_FROM, type CrcArena, createCrcArena, type FileHandle, type Fs, readFully } from '@logspec/core';
import { WalCode, walError } from '../errors.js';
import { viewOf } from '../record-reader.js';
import {
  CHUNK_END,
  CHUNK_MORE,
  CHUNK_STOPPED,
  ChunkState,
  type FileEnd,
  finishFile,
  RESYNC_LIMIT,
  type RecordSink,
  type ScanMode,
  scanChunk,
} from '../scan.js';

/** Default read size: large enough that syscalls vanish from the profile, small enough to stay in L2/L3-ish memory. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/**
 * One buffer reused across the files of a scan; grows only for a record larger than it.
 * From `ARENA_SCAN_FROM` bytes it is a CRC arena's bytes, so `scanChunk` checks every CRC
 * in place, without a copy (a smaller scan does not earn back the arena's creation).
 *
 * `retain`: the sink keeps views of what it is handed (the readers' `RecordEntry`s), so no
 * byte handed over is ever written again: each chunk is read into a plain buffer of its own
 * (CRCs through core's `crc32`), and the buffer lives as long as the entries that view it.
 */
export class ScanBuffer {
  arena: CrcArena | undefined;
  bytes: Uint8Array;
  view: DataView;
  constructor(
    size: number,
    readonly retain = false,
  ) {
    this.bytes = this.alloc(size);
    this.view = viewOf(this.bytes);
  }
  ensure(size: number): void {
    if (this.bytes.length >= size) return;
    this.replace(size);
  }
  /** A new buffer: growing an arena would detach the views sinks were given. */
  replace(size: number): void {
    this.bytes = this.alloc(size);
    this.view = viewOf(this.bytes);
  }
  private alloc(size: number): Uint8Array {
    this.arena = !this.retain && size >= ARENA_SCAN_FROM ? createCrcArena(size) : undefined;
    return this.arena ? this.arena.bytes : new Uint8Array(size);
  }
}

/**
 * Scans one file in large chunks with `scanChunk`. A record cut by the end of a chunk is
 * the only thing carried over (moved to the front of the buffer before the next read);
 * a record longer than the buffer gets a buffer of its size, which `scanChunk` has already
 * compared with the bytes the file holds.
 *
 * Why not `@logspec/frame`'s `scanFileFrames` (the same chunk-and-carry loop around
 * `scanFrames`): its inner loop is fixed to a `FrameLayout` and ends the scan at the first
 * CRC mismatch. The WAL needs another inner loop: a length that counts its own 29-byte
 * header (below 29 is an abort, not a torn frame, and 4 bytes decide it, not 29), a type
 * check and a payload-structure check besides the CRC, and a bad record skipped by its
 * length with the scan going on — restarting `scanFileFrames` after each skip would re-read
 * a chunk per skipped record. What agrees is reused: core's `crc32` and `readFully`, and the
 * same carry rule (only the cut record moves; a long record's buffer is sized after its
 * length was checked against the file).
 */
export class ChunkedFileScanner {
  private readonly h: FileHandle;
  private size: number;
  /** File position of `buf.bytes[0]`. */
  private base: number;
  /** Bytes of the buffer holding file data. */
  private filled = 0;
  /** Next buffer index to scan. */
  private pos = 0;
  private readonly st = new ChunkState();
  private readonly typeFirst: boolean;
  private readonly chunk: number;
  done: FileEnd | undefined;

  constructor(
    fs: Fs,
    readonly path: string,
    readonly file: string,
    private readonly mode: ScanMode,
    private readonly buf: ScanBuffer,
    chunkSize: number,
    startOffset = 0,
  ) {
    this.h = fs.open(path);
    try {
      this.size = this.h.size();
    } catch (e) {
      this.h.close();
      throw e;
    }
    this.base = Math.min(startOffset, this.size);
    this.typeFirst = mode === 'original';
    this.chunk = chunkSize;
    const first = Math.max(4, Math.min(chunkSize, this.size - this.base));
    if (buf.retain) buf.replace(first);
    else buf.ensure(first);
  }

  get fileSize(): number {
    return this.size;
  }

  /** Reads what fits after the unscanned bytes. */
  private refill(): void {
    const want = Math.min(this.buf.bytes.length - this.filled, this.size - (this.base + this.filled));
    if (want <= 0) return;
    const n = readFully(this.h, this.buf.bytes, this.filled, want, this.base + this.filled);
    this.filled += n;
    // The file shrank under us: what is gone is its end now.
    if (n < want) this.size = this.base + this.filled;
  }

  /** Scans one chunk into `sink`; returns how the file ends once it does (and closes it). */
  step(sink: RecordSink): FileEnd | undefined {
    if (this.done) return this.done;
    try {
      this.refill();
      const { bytes, view, arena } = this.buf;
      scanChunk(bytes, view, this.pos, this.filled, this.base, this.size, this.typeFirst, sink, this.st, arena);
      const st = this.st;
      if (st.kind === CHUNK_END && this.base + this.filled < this.size) {
        this.base += this.filled;
        this.filled = 0;
        this.pos = 0;
        if (this.buf.retain) this.buf.replace(Math.max(4, Math.min(this.chunk, this.size - this.base)));
        return undefined;
      }
      if (st.kind === CHUNK_MORE) {
        this.carry(st.at, st.length);
        return undefined;
      }
      if (st.kind === CHUNK_END || st.kind === CHUNK_STOPPED) {
        return this.finish({ kind: 'clean', offset: this.base + st.at });
      }
      return this.finish(finishFile(st, this.size, this.mode, this.file, (at) => this.readRest(at), this.base));
    } catch (e) {
      this.h.close();
      throw e;
    }
  }

  /** Moves the cut record at `at` to the front, growing the buffer to `need` if it is longer. */
  private carry(at: number, need: number): void {
    const keep = this.filled - at;
    if (this.buf.retain || need > this.buf.bytes.length) {
      const old = this.buf.bytes;
      // `need` was compared with the bytes the file holds before it got here.
      if (this.buf.retain) this.buf.replace(Math.max(need, Math.min(this.chunk, this.size - (this.base + at))));
      else this.buf.ensure(need);
      this.buf.bytes.set(old.subarray(at, this.filled), 0);
    } else {
      this.buf.bytes.copyWithin(0, at, this.filled);
    }
    this.base += at;
    this.filled = keep;
    this.pos = 0;
  }

  /** The file's bytes from `offset` on, at most RESYNC_LIMIT of them (what the resync search covers). */
  private readRest(offset: number): Uint8Array {
    const out = new Uint8Array(Math.min(RESYNC_LIMIT, this.size - offset));
    const n = readFully(this.h, out, 0, out.length, offset);
    return n === out.length ? out : out.subarray(0, n);
  }

  private finish(end: FileEnd): FileEnd {
    this.done = end;
    this.h.close();
    return end;
  }

  /** Runs to the end of the file. */
  run(sink: RecordSink): FileEnd {
    for (;;) {
      const end = this.step(sink);
      if (end) return end;
    }
  }

  close(): void {
    this.h.close();
  }
}

export function notFound(path: string, cause?: unknown) {
  return walError(WalCode.NOT_FOUND, `no WAL file or directory at ${path}`, undefined, { path }, cause);
}
