import { basename, type LogspecError } from '@logspec/core';
import { eventJson, type ReplayedEvent, replayedEvent } from '@logspec/frame';
import { hotUndecodableProblem, resolveHotLogPath } from '@logspec/frame/store';
import { BigRange, bytes, isoFromMs, kv, short } from '../text.js';
import { cliProblem, healthJson, healthLine, problemListOf } from './common.js';
import { HOT_FRAME_CHECKS, HotFollower, hotRepairPlan, storedCrcAt, walkHot } from './hot-common.js';
import type { Ctx, DumpItem, FormatCli, RepairPlan, Summary, VerifyResult } from './types.js';

/**
 * kaizen's hot log (`<root>/hot/log.bin`) through `@logspec/frame`: `hotlog` decodes each frame's
 * rkyv `HotEventRecord`, `hotframe` treats payloads as opaque bytes.
 */

// ---- hotlog (events) ------------------------------------------------------------------------

interface EventStats {
  sessions: Set<string>;
  seq: BigRange;
  ts: BigRange;
  kinds: Map<string, number>;
}

function analyzeEvents(path: string, ctx: Ctx, strict: boolean) {
  const stats: EventStats = {
    sessions: new Set(),
    seq: new BigRange(),
    ts: new BigRange(),
    kinds: new Map(),
  };
  const scan = walkHot(
    path,
    ctx,
    (u) => {
      const r = u.event?.record;
      if (!r) return;
      stats.sessions.add(r.sessionId);
      stats.seq.add(r.seq);
      stats.ts.add(r.tsMs);
      stats.kinds.set(r.kind, (stats.kinds.get(r.kind) ?? 0) + 1);
    },
    undefined,
    { events: true, strict },
  );
  return { scan, stats, problems: problemListOf(scan), notes: scan.notes };
}

/** A kind or source name as is, or JSON-quoted when it is empty or unusual. */
function name(s: string): string {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s);
}

function eventText(ev: ReplayedEvent): string {
  const head = `#${ev.index} @${ev.offset}`;
  const r = ev.record;
  if (!r) {
    const e = ev.error as LogspecError;
    return `${head} undecodable archive (${ev.archiveLen} bytes): ${e.code}${e.offset === undefined ? '' : ` at byte ${e.offset}`}`;
  }
  const parts = [
    head,
    `session=${short(r.sessionId, 60)}`,
    `seq=${r.seq}`,
    `ts=${isoFromMs(r.tsMs)}`,
    `${name(r.kind)}/${name(r.source)}`,
  ];
  const opt: [string, unknown][] = [
    ['tool', r.tool],
    ['tool_call_id', r.toolCallId],
    ['tokens_in', r.tokensIn],
    ['tokens_out', r.tokensOut],
    ['reasoning_tokens', r.reasoningTokens],
    ['cost_usd_e6', r.costUsdE6],
    ['stop_reason', r.stopReason],
    ['latency_ms', r.latencyMs],
    ['ttft_ms', r.ttftMs],
    ['retry_count', r.retryCount],
    ['context_used_tokens', r.contextUsedTokens],
    ['context_max_tokens', r.contextMaxTokens],
    ['cache_creation_tokens', r.cacheCreationTokens],
    ['cache_read_tokens', r.cacheReadTokens],
    ['system_prompt_tokens', r.systemPromptTokens],
  ];
  for (const [k, v] of opt) if (v !== null) parts.push(`${k}=${typeof v === 'string' ? short(v, 60) : String(v)}`);
  if (!r.tsExact) parts.push('ts_exact=false');
  parts.push(`payload=${short(r.payloadJson, 200)}`);
  return parts.join(' ');
}

function eventItem(ev: ReplayedEvent): DumpItem {
  return { key: BigInt(ev.index), json: () => eventJson(ev), text: () => eventText(ev) };
}

export const hotlog: FormatCli = {
  name: 'hotlog',

  inspect(path, ctx): Summary {
    const { scan, stats, problems, notes } = analyzeEvents(path, ctx, false);
    const kinds = Object.fromEntries([...stats.kinds].sort());
    return {
      ok: problems.total === 0,
      json: {
        format: 'hotlog',
        path,
        file: scan.file,
        size: scan.size,
        frames: scan.frames,
        events: scan.events,
        undecodable: scan.undecodable,
        empty_frames: scan.emptyFrames,
        sessions: stats.sessions.size,
        seq: stats.seq.json(),
        ts_ms: stats.ts.json(),
        kinds,
        stop: { reason: scan.stop.reason, at: String(scan.stop.at) },
        notes,
        health: healthJson(problems.items, problems.unlisted),
      },
      lines: kv([
        ['format', 'hotlog (kaizen hot event log, rkyv 0.8 HotEventRecord frames)'],
        ['file', scan.file],
        ['size', bytes(scan.size)],
        ['frames', String(scan.frames)],
        [
          'events',
          `${scan.events}${scan.undecodable ? ` (+${scan.undecodable} undecodable)` : ''}${scan.emptyFrames ? ` (+${scan.emptyFrames} empty frames)` : ''}`,
        ],
        ['sessions', String(stats.sessions.size)],
        ['seq', stats.seq.text()],
        ['time', stats.ts.text(isoFromMs)],
        [
          'kinds',
          Object.entries(kinds)
            .map(([k, n]) => `${name(k)} ${n}`)
            .join(', ') || '—',
        ],
        ['replay stops', `${scan.stop.reason} at byte ${scan.stop.at}`],
        ...notes.map((n) => ['note', n] as const),
        ['health', healthLine(problems.items, problems.unlisted)],
      ]),
    };
  },

  dump(path, ctx, visit, damage) {
    // Replay stops at the damage, as the original's does (its extent and the valid frame after
    // it are named; 'logspec verify' reads on). An event whose archive does not decode is left
    // out and named (README: dump); one whose payload_json is not JSON is printed, and named.
    walkHot(path, ctx, (u) => (u.event?.record ? visit(eventItem(u.event)) : undefined), damage, {
      events: true,
      read: true,
    });
  },

  verify(path, ctx): VerifyResult {
    const { problems, notes } = analyzeEvents(path, ctx, true);
    return {
      checks: [
        ...HOT_FRAME_CHECKS,
        'every archive: rkyv 0.8 validation of HotEventRecord',
        'every payload_json: JSON',
        'strict: canonical archive bytes (reported as notes)',
      ],
      problems: problems.items,
      unlisted: problems.unlisted,
      notes,
    };
  },

  repairPlan(path, ctx): RepairPlan {
    return hotRepairPlan(path, ctx, true);
  },

  tail(path, ctx) {
    const file = basename(resolveHotLogPath(ctx.fs, path));
    return new HotFollower(path, ctx, (f, index) => {
      const ev = replayedEvent(f.bytes, f.ps, f.pe, f.offset, index, storedCrcAt(f.bytes, f.pe));
      return ev.record ? eventItem(ev) : cliProblem(hotUndecodableProblem(ev, file));
    });
  },
};
