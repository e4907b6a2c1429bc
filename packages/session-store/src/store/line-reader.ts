import { type FileHandle, readFully } from '@logspec/core';
import { SessCode, SessionError } from '../errors.js';
import { isValidUtf8 } from '../json/utf8.js';

/**
 * The original's `read_line_with_limit` over a `BufReader<File>`: a line is everything up
 * to and including `\n`, at most `limit` bytes; a longer line (not ending at EOF) is an
 * `InvalidData` I/O error, and so is a line that is not UTF-8. Memory stays bounded: the
 * buffer only grows to hold bytes that are actually in the file, and never past `limit`.
 */
export class LineReader {
  private buf: Uint8Array;
  /** File offset of `buf[0]`. */
  private base = 0;
  /** Valid bytes in `buf`. */
  private len = 0;
  /** Cursor in `buf`. */
  private pos = 0;
  private size: number;

  /** The current line: `bytes[start, end)` (ends with `\n` unless it is the last line). */
  bytes: Uint8Array;
  start = 0;
  end = 0;
  /** File offset of the current line. */
  offset = 0;

  constructor(
    private readonly h: FileHandle,
    private readonly limit: number,
    chunk = 1 << 20,
    /** File offset to start reading at. */
    from = 0,
  ) {
    this.size = h.size();
    this.base = Math.min(from, this.size);
    this.buf = new Uint8Array(Math.max(1, Math.min(chunk, this.size - this.base)));
    this.bytes = this.buf;
  }

  /** Fills the buffer so that at least `want` bytes are available from `pos` (or EOF). */
  private fill(want: number): void {
    const avail = this.len - this.pos;
    const fileLeft = this.size - (this.base + this.len);
    if (avail >= want || fileLeft <= 0) return;
    const need = Math.min(want, avail + fileLeft);
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.min(Math.max(need, this.buf.length * 2), avail + fileLeft));
      next.set(this.buf.subarray(this.pos, this.len));
      this.buf = next;
    } else if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
    }
    this.base += this.pos;
    this.len = avail;
    this.pos = 0;
    const toRead = Math.min(this.buf.length - this.len, this.size - (this.base + this.len));
    const n = readFully(this.h, this.buf, this.len, toRead, this.base + this.len);
    this.len += n;
    if (n < toRead) this.size = this.base + this.len; // the file shrank under us
  }

  /** Advances to the next line; false at EOF. Throws `InvalidData` errors as the original. */
  next(): boolean {
    let scanFrom = this.pos;
    for (;;) {
      const window = Math.min(this.len, this.pos + this.limit);
      const nl = scanFrom < window ? this.buf.indexOf(0x0a, scanFrom) : -1;
      if (nl >= 0 && nl < window) return this.emit(nl + 1);
      const have = this.len - this.pos;
      const moreInFile = this.base + this.len < this.size;
      if (have >= this.limit || !moreInFile) {
        if (have === 0) return false;
        const end = this.pos + Math.min(have, this.limit);
        if (have >= this.limit) {
          // `take(limit)` is exhausted without a newline: fine only at EOF.
          const atEof = this.base + end >= this.size;
          this.checkUtf8(this.pos, end);
          if (!atEof) {
            throw new SessionError(SessCode.LINE_TOO_LONG, 'io', `Line length exceeds limit of ${this.limit} bytes`, {
              ioKind: 'InvalidData',
              offset: this.base + this.pos,
            });
          }
        }
        return this.emit(end);
      }
      const scanned = this.len - this.pos;
      this.fill(Math.min(Math.max(scanned * 2, 64 * 1024), this.limit));
      scanFrom = this.pos + scanned;
    }
  }

  private checkUtf8(start: number, end: number): void {
    if (!isValidUtf8(this.buf, start, end)) {
      throw new SessionError(SessCode.BAD_UTF8, 'io', 'stream did not contain valid UTF-8', {
        ioKind: 'InvalidData',
        offset: this.base + start,
      });
    }
  }

  private emit(end: number): boolean {
    this.checkUtf8(this.pos, end);
    this.bytes = this.buf;
    this.start = this.pos;
    this.end = end;
    this.offset = this.base + this.pos;
    this.pos = end;
    return true;
  }

  /** File offset of the next unread byte (after a failed `next()`: the start of the bad line). */
  position(): number {
    return this.base + this.pos;
  }

  /** True when nothing follows the current line (`fill_buf()` is empty). */
  atEof(): boolean {
    return this.base + this.pos >= this.size;
  }

  /** Takes bytes appended to the file after it was opened into account (the newline heal). */
  refreshSize(): void {
    this.size = this.h.size();
  }

  /** Consumes one byte that follows the current line and returns it (`read_exact` of 1 byte). */
  readByte(): number | undefined {
    this.fill(1);
    if (this.pos >= this.len) return undefined;
    return this.buf[this.pos++];
  }
}
