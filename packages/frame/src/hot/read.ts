import { type FileHandle, type Fs, isErrno } from '@logspec/core';
import { HotCode, hotframeError } from './codes.js';
import { hotLogPath } from './frame-log.js';
import { type HotFrame, type HotStop, scanHotLogFile } from './frames.js';

/** `path` itself, or `<path>/hot/log.bin` when `path` is a kaizen root directory. */
export function resolveHotLogPath(fs: Fs, path: string): string {
  return fs.stat(path)?.isDirectory ? hotLogPath(path) : path;
}

/** Opens a hot log for reading; a missing file is `HOT_NOT_FOUND` (the original's `open` error). */
export function openHotLogFile(fs: Fs, path: string): FileHandle {
  const file = resolveHotLogPath(fs, path);
  try {
    return fs.open(file);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) {
      throw hotframeError(HotCode.NOT_FOUND, `open hot log: ${file}`, undefined, { path: file, cause: 'ENOENT' });
    }
    throw e;
  }
}

/**
 * A frame of `readHotFrames`: its payload is a view into a chunk read for that call alone
 * (never reused, never written again), made on first access. The frames own their bytes as
 * the original's copied `Vec`s do, without a copy, a buffer or a view made per frame: those
 * allocations, and the collector's work on them, were most of a full read's time.
 */
class ChunkFrame implements HotFrame {
  readonly #bytes: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  #payload: Uint8Array | undefined;
  constructor(
    public offset: number,
    bytes: Uint8Array,
    start: number,
    end: number,
  ) {
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
  }
  get payload(): Uint8Array {
    if (this.#payload === undefined) this.#payload = this.#bytes.subarray(this.#start, this.#end);
    return this.#payload;
  }
}

/** Reads every frame of a hot log as the original's replay loop does (payloads: see `ChunkFrame`). */
export function readHotFrames(
  fs: Fs,
  path: string,
  opts: { chunkSize?: number } = {},
): { frames: HotFrame[]; stop: HotStop } {
  const h = openHotLogFile(fs, path);
  try {
    const frames: HotFrame[] = [];
    const stop = scanHotLogFile(
      h,
      (ps, pe, offset, bytes) => {
        frames.push(new ChunkFrame(offset, bytes, ps, pe));
      },
      { chunkSize: opts.chunkSize, retain: true },
    );
    return { frames, stop };
  } finally {
    h.close();
  }
}
