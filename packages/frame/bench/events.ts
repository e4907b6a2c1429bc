import { type EventKind, type EventSource, type HotEventRecord, makeEvent } from '../src/index.js';

/** Deterministic events shaped like kaizen's: short ids and names, a few options, small JSON payloads. */
export function sampleEvents(n: number, seed = 1): HotEventRecord[] {
  let s = seed >>> 0;
  const rnd = (k: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const kinds: EventKind[] = ['ToolCall', 'ToolResult', 'Message', 'Error', 'Cost', 'Hook', 'Lifecycle'];
  const sources: EventSource[] = ['Tail', 'Hook', 'Proxy'];
  const tools = ['bash', 'read', 'edit_file', 'grep', 'write'];
  const words = ['the', 'file', 'was', 'read', 'ok', 'lines', 'error', 'done', 'src/main.rs', 'cargo', 'test'];
  const out: HotEventRecord[] = [];
  for (let i = 0; i < n; i++) {
    const kind = kinds[rnd(kinds.length)] as EventKind;
    const tool = kind === 'ToolCall' || kind === 'ToolResult';
    const text = Array.from({ length: 2 + rnd(12) }, () => words[rnd(words.length)]).join(' ');
    out.push(
      makeEvent({
        sessionId: `sess-${(i % 7).toString(16).padStart(4, '0')}`,
        seq: BigInt(i + 1),
        tsMs: 1_776_256_496_789n + BigInt(i * 250),
        tsExact: rnd(10) > 0,
        kind,
        source: sources[rnd(3)] as EventSource,
        tool: tool ? (tools[rnd(tools.length)] as string) : null,
        toolCallId: tool ? `toolu_01${rnd(1e9).toString(36)}` : null,
        tokensIn: kind === 'Message' ? 500 + rnd(5000) : null,
        tokensOut: kind === 'Message' ? 50 + rnd(2000) : null,
        costUsdE6: kind === 'Cost' ? BigInt(rnd(1e6)) : null,
        stopReason: kind === 'Message' ? 'end_turn' : null,
        latencyMs: rnd(2) ? rnd(30_000) : null,
        payload: { text, n: rnd(1000), ok: rnd(2) === 1 },
      }),
    );
  }
  return out;
}
