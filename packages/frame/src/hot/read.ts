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
 * Reads every frame of a hot log as the original's replay loop does. Each payload is a view
 * into a chunk read for this call alone (never reused, never written again): the frames own
 * their bytes as the original's copied `Vec`s do, without a copy and an allocation per frame.
 */
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
        frames.push({ offset, payload: bytes.subarray(ps, pe) });
      },
      { chunkSize: opts.chunkSize, retain: true },
    );
    return { frames, stop };
  } finally {
    h.close();
  }
}
