import { type CrcArena, createCrcArena, type FileHandle } from '@logspec/core';
import { DEFAULT_SCAN_CHUNK, type FrameLayout, type FrameVisitor, type ScanStop, scanFileFrames } from '@logspec/frame';

/**
 * `@logspec/frame`'s `scanFileFrames` over one file, in pieces: the visitor returns false when a
 * batch is full, the scan stops after that frame, and the next `run` resumes at the next frame
 * with the same CRC arena (created once, for files of a few MiB or more). The end is the file's
 * size when the scan was made: what a live writer appends afterwards is not read.
 */
export class ResumableFrameScan {
  pos: number;
  private arena: CrcArena | undefined;

  constructor(
    private readonly h: FileHandle,
    private readonly layout: FrameLayout,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  run(visit: FrameVisitor): ScanStop {
    if (this.arena === undefined && this.end - this.pos >= 4 * DEFAULT_SCAN_CHUNK) {
      this.arena = createCrcArena(DEFAULT_SCAN_CHUNK);
    }
    const stop = scanFileFrames(this.h, this.layout, visit, { start: this.pos, end: this.end, arena: this.arena });
    this.pos = stop.offset;
    return stop;
  }
}
