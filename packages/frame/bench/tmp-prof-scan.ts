import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { NodeFs } from '@logspec/core/node';
import { encodeHotFrame, HOT_HEADER, scanHotLogFile } from '../src/index.js';

const path = '/tmp/prof-small.bin';
let x = 1;
const r = (n: number) => {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  return (x >>> 8) % n;
};
const pool = Array.from({ length: 2000 }, () => {
  const p = new Uint8Array(280 + r(170));
  for (let i = 0; i < p.length; i++) p[i] = r(256);
  return encodeHotFrame(p);
});
const fd = openSync(path, 'w');
writeSync(fd, HOT_HEADER);
let size = 12;
let frames = 0;
const buf: Uint8Array[] = [];
while (size < 64 << 20) {
  const f = pool[r(pool.length)] as Uint8Array;
  buf.push(f);
  size += f.length;
  frames++;
  if (buf.length > 5000) {
    writeSync(fd, Buffer.concat(buf));
    buf.length = 0;
  }
}
writeSync(fd, Buffer.concat(buf));
closeSync(fd);
const fs = new NodeFs();
let best = Infinity;
for (let i = 0; i < Number(process.env.N ?? 20); i++) {
  const c0 = process.cpuUsage();
  const h = fs.open(path);
  let n = 0;
  scanHotLogFile(h, () => {
    n++;
  });
  h.close();
  const c = process.cpuUsage(c0);
  const ms = (c.user + c.system) / 1000;
  if (ms < best) best = ms;
  if (n !== frames) throw new Error('count');
}
console.log(
  `scan small: ${(size / best / 1e3).toFixed(0)} MB/s cpu (${frames} frames, mean ${Math.round(size / frames)} B)`,
);
rmSync(path);
