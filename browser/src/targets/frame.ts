// @logspec/frame: every golden hot log replayed as the original replays it, both as opaque
// frames (hotframe) and as rkyv event archives (hotlog), and every frame encoded again.
import { hexEncode } from '@logspec/core';
import { encodeHotFrame, hotFramesJson, hotLogJson, replayEventsImage, replayHotFrames } from '@logspec/frame';
import type { BrowserTarget } from '../harness.js';

export const target: BrowserTarget = {
  package: '@logspec/frame',
  formats: ['hotframe', 'hotlog'],
  load: (p) => p.endsWith('/hot/log.bin'),
  decode: (p, files) => {
    const image = files.get(p) as Uint8Array;
    return {
      frames: () => {
        const { frames, stop } = replayHotFrames(image);
        return hotFramesJson(frames, stop);
      },
      reencoded: () => replayHotFrames(image).frames.map((f) => hexEncode(encodeHotFrame(f.payload))),
      ...(p.startsWith('hotlog/') ? { events: () => hotLogJson(replayEventsImage(image)) } : {}),
    };
  },
};
