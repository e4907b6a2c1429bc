// @logspec/detect: every golden file (and the folder holding it) detected from an in-memory
// copy of the golden tree, with the same answer in Node and Chromium.
import { dirname } from '@logspec/core';
import { SimFs } from '@logspec/core/testing';
import { detectFormat, placeLooseFiles } from '@logspec/detect';
import type { BrowserTarget, GoldenFiles } from '../harness.js';

let tree: { files: GoldenFiles; fs: SimFs } | undefined;

/** The loaded golden files under `/golden/` in a SimFs (built once per set of files). */
function goldenFs(files: GoldenFiles): SimFs {
  if (tree?.files === files) return tree.fs;
  const fs = new SimFs();
  for (const [path, bytes] of files) {
    fs.mkdir(dirname(`/golden/${path}`), { recursive: true });
    const h = fs.open(`/golden/${path}`, { create: true });
    h.append(bytes);
    h.close();
  }
  tree = { files, fs };
  return fs;
}

export const target: BrowserTarget = {
  package: '@logspec/detect',
  formats: ['hotframe', 'hotlog', 'ring', 'wal', 'segment', 'session'],
  load: (p) => !/\.(json|md|txt)$/.test(p) || p.includes('/segments/') || /\/(index|checkpoints)\//.test(p),
  decode: (p, files) => ({
    file: () => detectFormat(goldenFs(files), `/golden/${p}`),
    folder: () => detectFormat(goldenFs(files), dirname(`/golden/${p}`)),
  }),
  checks: {
    'loose session files': () =>
      placeLooseFiles(['0000000000000001.seg', 'offsets.jsonl', 'manifest.json', '0000000000000001.json']),
  },
};
