import { type HotStop, hotFramesJson } from '@logspec/frame';
import { hexPreview } from '../hex.js';
import { BigRange, bytes, kv } from '../text.js';
import { healthJson, healthLine, problemListOf } from './common.js';
import { type FrameVisit, HOT_FRAME_CHECKS, HotFollower, hotRepairPlan, walkHot } from './hot-common.js';
import type { Ctx, DumpItem, FormatCli, RepairPlan, Summary, VerifyResult } from './types.js';

/** kaizen's hot log read as frames whose payloads are opaque bytes (`--format hotframe`). */

// ---- hotframe (opaque payloads) -------------------------------------------------------------

function frameItem(f: Pick<FrameVisit, 'bytes' | 'ps' | 'pe' | 'offset'>, index: number, stop: HotStop): DumpItem {
  const payload = f.bytes.slice(f.ps, f.pe);
  const offset = f.offset;
  return {
    key: BigInt(index),
    json: () => hotFramesJson([{ offset, payload }], stop).records[0],
    text: () => `#${index} @${offset} len=${payload.length} ${hexPreview(payload, 48)}`,
  };
}

const NO_STOP: HotStop = { reason: 'eof', at: 0 };

function analyzeFrames(path: string, ctx: Ctx) {
  const sizes = new BigRange();
  let payloadBytes = 0;
  const scan = walkHot(
    path,
    ctx,
    (u) => {
      const len = u.pe - u.ps;
      sizes.add(BigInt(len));
      payloadBytes += len;
    },
    undefined,
    { events: false },
  );
  return { scan, sizes, payloadBytes, problems: problemListOf(scan), notes: scan.notes };
}

export const hotframe: FormatCli = {
  name: 'hotframe',

  inspect(path, ctx): Summary {
    const { scan, sizes, payloadBytes, problems, notes } = analyzeFrames(path, ctx);
    return {
      ok: problems.total === 0,
      json: {
        format: 'hotframe',
        path,
        file: scan.file,
        size: scan.size,
        frames: scan.frames,
        payload_bytes: payloadBytes,
        payload_len: sizes.json(),
        stop: { reason: scan.stop.reason, at: String(scan.stop.at) },
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'hotframe (kaizen hot log frames, payloads opaque)'],
        ['file', scan.file],
        ['size', bytes(scan.size)],
        ['frames', String(scan.frames)],
        ['payload bytes', `${payloadBytes} (per frame ${sizes.text()})`],
        ['replay stops', `${scan.stop.reason} at byte ${scan.stop.at}`],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  dump(path, ctx, visit, damage) {
    let index = 0;
    walkHot(path, ctx, (u) => visit(frameItem(u, index++, NO_STOP)), damage, { events: false, read: true });
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeFrames(path, ctx);
    return {
      checks: [...HOT_FRAME_CHECKS],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    return hotRepairPlan(path, ctx, false);
  },

  tail(path, ctx) {
    return new HotFollower(path, ctx, (f, index) => frameItem(f, index, NO_STOP));
  },
};
