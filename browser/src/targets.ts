/**
 * The browser test's table: one entry per package with a browser-safe codec entry. Adding a
 * package (or a format to a package) is one module in `targets/` and one line here; the test
 * fails for a package under `packages/` that has no entry.
 */
export const TARGETS: readonly { name: string; module: string }[] = [
  { name: 'core', module: './targets/core.ts' },
  { name: 'ring-log', module: './targets/ring-log.ts' },
  { name: 'wal', module: './targets/wal.ts' },
  { name: 'segment-index', module: './targets/segment-index.ts' },
  { name: 'frame', module: './targets/frame.ts' },
  { name: 'session-store', module: './targets/session-store.ts' },
  { name: 'detect', module: './targets/detect.ts' },
];

/**
 * Packages under `packages/` that are Node programs, not codecs: no browser target, and their
 * entry is not bundled for the browser. Every other package must have a target above.
 */
export const NODE_ONLY_PACKAGES: Readonly<Record<string, string>> = {
  '@logspec/cli': 'the logspec command line (reads files, writes to a terminal)',
  '@logspec/export':
    'exports logs read from files (its main entry, table definitions and Arrow batches, uses no node: module, but has no Chromium test yet)',
};
