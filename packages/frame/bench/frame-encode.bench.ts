/** Frame encode + CRC of 200-byte payloads into one batch buffer (what a writer does per append). */

import { suite } from '@logspec/bench';
import { crc32Js } from '@logspec/core';

import { encodeFrame, encodeFrameInto, FrameBatch, hotLayout, segmentLayout } from '../src/index.js';

/** LOGSPEC_BENCH_RECORD=0: a smoke run that does not append to bench-results/. */
const record = process.env.LOGSPEC_BENCH_RECORD !== '0';

const N = 10_000;
const SIZE = 200;
const src = new Uint8Array(N * SIZE);
for (let i = 0; i < src.length; i++) src[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
const payloads = Array.from({ length: N }, (_, i) => src.subarray(i * SIZE, (i + 1) * SIZE));
const out = new Uint8Array(N * (SIZE + 8));

/** The floor: copy the payload, CRC it with the same JS CRC, store length and CRC bytes. */
function copyAndCrc(): number {
  let at = 0;
  for (let i = 0; i < N; i++) {
    const p = payloads[i] as Uint8Array;
    const n = p.length;
    out.set(p, at + 4);
    const c = crc32Js(out, at + 4, at + 4 + n);
    out[at] = n;
    out[at + 1] = n >>> 8;
    out[at + 2] = n >>> 16;
    out[at + 3] = n >>> 24;
    const e = at + 4 + n;
    out[e] = c;
    out[e + 1] = c >>> 8;
    out[e + 2] = c >>> 16;
    out[e + 3] = c >>> 24;
    at = e + 4;
  }
  return at;
}
function hotInto(): number {
  let at = 0;
  for (let i = 0; i < N; i++) at = encodeFrameInto(hotLayout, payloads[i] as Uint8Array, out, at);
  return at;
}
function segmentInto(): number {
  let at = 0;
  for (let i = 0; i < N; i++) at = encodeFrameInto(segmentLayout, payloads[i] as Uint8Array, out, at);
  return at;
}
const batch = new FrameBatch(hotLayout, N * (SIZE + 8));
/** What the hot log writer does: frames encoded into its CRC-arena write buffer. */
function hotBatch(): number {
  batch.clear();
  for (let i = 0; i < N; i++) batch.add(payloads[i] as Uint8Array);
  return batch.length;
}
function hotFresh(): number {
  let n = 0;
  for (let i = 0; i < N; i++) n += encodeFrame(hotLayout, payloads[i] as Uint8Array).length;
  return n;
}

await suite(`frame encode + CRC, ${N} × ${SIZE}-byte payloads`, {
  record,
  unit: 'frames',
  baseline: { name: 'copy + JS CRC loop (floor)', units: N, fn: copyAndCrc },
  cases: [
    { name: 'FrameBatch.add(hotLayout) (CRC arena, CRC in place)', units: N, fn: hotBatch },
    { name: 'encodeFrameInto(hotLayout) into one buffer', units: N, fn: hotInto },
    { name: 'encodeFrameInto(segmentLayout) into one buffer', units: N, fn: segmentInto },
    { name: 'encodeFrame(hotLayout), fresh array each', units: N, fn: hotFresh },
  ],
});
