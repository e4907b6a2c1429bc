import { type FileHandle, type Fs, writeFully } from '@logspec/core';

/** Where an export's bytes go: a file (through core's `Fs`), or any other writer. */
export interface ByteOutput {
  write(chunk: Uint8Array): void;
  /** Everything was written: make it visible (a file: sync and rename into place). */
  commit(): void;
  /** The export failed: leave nothing half-written behind. */
  abort(): void;
  /** Bytes written so far. */
  readonly bytesWritten: number;
}

const FLUSH_AT = 1 << 20;

/**
 * A file written through `fs`: bytes go to `<path>.partial` in 1 MiB writes, and only a
 * complete export is synced and renamed to `path`, so a failed or interrupted export never
 * leaves a truncated Parquet or Arrow file under the name asked for.
 */
export class FileOutput implements ByteOutput {
  private readonly h: FileHandle;
  private readonly partial: string;
  private readonly buf = new Uint8Array(FLUSH_AT);
  private fill = 0;
  private pos = 0;
  private closed = false;

  constructor(
    private readonly fs: Fs,
    readonly path: string,
  ) {
    this.partial = `${path}.partial`;
    this.h = fs.open(this.partial, { create: true, truncate: true, mode: 0o644 });
  }

  get bytesWritten(): number {
    return this.pos + this.fill;
  }

  write(chunk: Uint8Array): void {
    if (this.fill + chunk.length > this.buf.length) this.flush();
    if (chunk.length >= this.buf.length) {
      writeFully(this.h, chunk, this.pos);
      this.pos += chunk.length;
      return;
    }
    this.buf.set(chunk, this.fill);
    this.fill += chunk.length;
  }

  private flush(): void {
    if (this.fill === 0) return;
    writeFully(this.h, this.buf, this.pos, 0, this.fill);
    this.pos += this.fill;
    this.fill = 0;
  }

  commit(): void {
    if (this.closed) return;
    this.flush();
    this.h.fdatasync();
    this.h.close();
    this.closed = true;
    this.fs.rename(this.partial, this.path);
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.h.close();
    if (this.fs.exists(this.partial)) this.fs.unlink(this.partial);
  }
}

/** Text sinks (stdout) as a `ByteOutput`: each chunk is decoded as UTF-8 text and handed on. */
export class TextOutput implements ByteOutput {
  private readonly decoder = new TextDecoder();
  private n = 0;
  constructor(private readonly out: (text: string) => void) {}
  get bytesWritten(): number {
    return this.n;
  }
  write(chunk: Uint8Array): void {
    this.n += chunk.length;
    this.out(this.decoder.decode(chunk, { stream: true }));
  }
  commit(): void {
    const rest = this.decoder.decode();
    if (rest) this.out(rest);
  }
  abort(): void {}
}
