import { type FileHandle, IoError } from '../fs.js';
import type { SimFile } from './sim-file.js';

/** An open file of a `SimFs`: every call is checked against the handle's mode and the file system's state (a crash invalidates it). */

/** What a handle asks of its file system (`SimFs`). */
export interface HandleOwner {
  /** Throws when the handle can no longer be used (closed, invalidated by a crash, the process dead). */
  checkHandle(h: SimHandle, op: string, mutating: boolean): void;
  /** Sets the file's mtime. */
  touch(f: SimFile): void;
}

export class SimHandle implements FileHandle {
  closed = false;
  constructor(
    private readonly fs: HandleOwner,
    private readonly file: SimFile,
    readonly path: string,
    private readonly writable: boolean,
    readonly epoch: number,
  ) {}

  private writeCheck(op: string): void {
    if (!this.writable) throw new IoError(op, this.path, 'EBADF', `${op} ${this.path}: handle opened read-only`);
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    this.fs.checkHandle(this, 'read', false);
    checkRange(buf, offset, length, position, 'read', this.path);
    return this.file.read(buf, offset, length, position);
  }

  write(buf: Uint8Array, offset: number, length: number, position: number): number {
    this.fs.checkHandle(this, 'write', true);
    this.writeCheck('write');
    checkRange(buf, offset, length, position, 'write', this.path);
    this.file.write(buf, offset, length, position);
    this.fs.touch(this.file);
    return length;
  }

  append(buf: Uint8Array, offset = 0, length = buf.length - offset): number {
    this.fs.checkHandle(this, 'append', true);
    this.writeCheck('append');
    checkRange(buf, offset, length, 0, 'append', this.path);
    this.file.write(buf, offset, length, this.file.size);
    this.fs.touch(this.file);
    return length;
  }

  size(): number {
    this.fs.checkHandle(this, 'size', false);
    return this.file.size;
  }

  truncate(length: number): void {
    this.fs.checkHandle(this, 'truncate', true);
    this.writeCheck('truncate');
    if (!Number.isSafeInteger(length) || length < 0) throw new IoError('truncate', this.path, 'EINVAL');
    this.file.truncate(length);
    this.fs.touch(this.file);
  }

  fsync(): void {
    this.fs.checkHandle(this, 'fsync', true);
    this.file.sync();
  }

  fdatasync(): void {
    this.fs.checkHandle(this, 'fdatasync', true);
    this.file.sync();
  }

  close(): void {
    // Closing is idempotent and allowed on a handle a crash invalidated.
    this.closed = true;
  }
}

function checkRange(buf: Uint8Array, offset: number, length: number, position: number, op: string, path: string): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    !Number.isSafeInteger(position) ||
    offset < 0 ||
    length < 0 ||
    position < 0 ||
    offset + length > buf.length
  ) {
    throw new IoError(
      op,
      path,
      'EINVAL',
      `${op} ${path}: bad range (offset ${offset}, length ${length}, position ${position})`,
    );
  }
}
