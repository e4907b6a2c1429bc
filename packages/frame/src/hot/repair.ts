import { basename, dirname, type Fs } from '@logspec/core';
import { HotLog } from './event-log.js';
import { HotFrameLog } from './frame-log.js';

/**
 * Repair of a hot log: the writer's own recovery at open (`HotLog` for events, `HotFrameLog`
 * for opaque frames) — a missing or torn header rewritten, a torn tail cut; damage that valid
 * frames follow is refused (`HOT_CORRUPT_BEFORE_TAIL`) unless `force` lets it cut there.
 * `logspec repair` runs it on the real files and the browser inspector on a copy-on-write view;
 * both report its lines.
 */

export interface HotRepairOptions {
  force: boolean;
  /** Open it as an event log (`hotlog`), or as frames whose payloads are opaque (`hotframe`). */
  events: boolean;
}

/**
 * Runs the recovery on the log at `path` (`<root>/hot/log.bin`, or `<root>`). The writers open
 * `<root>/hot/log.bin`: a log under another name is moved there for the run (in a private
 * directory beside it), and back.
 */
export function repairHotLog(fs: Fs, path: string, opts: HotRepairOptions): string[] {
  const file = fs.stat(path)?.isDirectory ? `${path.replace(/\/+$/, '')}/hot/log.bin` : path;
  const inLayout = basename(file) === 'log.bin' && basename(dirname(file)) === 'hot';
  if (inLayout) return openAndClose(fs, dirname(dirname(file)), opts);
  const root = `${dirname(file)}/.logspec-repair-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const staged = `${root}/hot/log.bin`;
  fs.mkdir(`${root}/hot`, { recursive: true });
  fs.rename(file, staged);
  try {
    return openAndClose(fs, root, opts);
  } finally {
    fs.rename(staged, file);
    for (const left of fs.readdir(`${root}/hot`)) fs.unlink(`${root}/hot/${left}`);
    fs.rmdir(`${root}/hot`);
    for (const left of fs.readdir(root)) fs.unlink(`${root}/${left}`);
    fs.rmdir(root);
  }
}

function openAndClose(fs: Fs, root: string, opts: HotRepairOptions): string[] {
  const repair = opts.force ? 'truncate' : 'tail';
  const log = opts.events
    ? HotLog.open(fs, root, { durability: 'manual', repair, index: false })
    : HotFrameLog.open(fs, root, { durability: 'manual', repair });
  try {
    const r = log.report;
    const out: string[] = [];
    if (r.headerRepaired) out.push('the header was missing or torn and was rewritten');
    out.push(`recovery scan stopped: ${r.stop.reason} at byte ${r.stop.at}`);
    if (r.truncatedAt !== null) out.push(`log cut at byte ${r.truncatedAt} (${r.truncatedBytes} bytes)`);
    return out;
  } finally {
    log.close();
  }
}
