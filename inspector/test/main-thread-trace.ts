/**
 * The page's main-thread tasks as Chromium's tracing records them, with the CPU time each took
 * on its thread (`tdur`). A long task in the PerformanceObserver sense is wall time: on a loaded
 * machine a task that computes 20 ms can last 200 ms because its thread waited for a core. The
 * thread time is what the page's own code costs the main thread, whatever else runs.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface MainThreadTask {
  /** Microseconds from the first mark named `from`. */
  start: number;
  /** Wall time, ms. */
  wallMs: number;
  /** CPU time on the main thread, ms. */
  cpuMs: number;
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel'];

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  const parts: string[] = [];
  for (;;) {
    const r = await cdp.send('IO.read', { handle, size: 8 << 20 });
    parts.push(r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data);
    if (r.eof) break;
  }
  await cdp.send('IO.close', { handle });
  return parts.join('');
}

/**
 * Traces `body`, then returns the renderer main thread's top-level tasks between the user-timing
 * marks `from` and `to` (set by the page or by the caller with `performance.mark`).
 */
export async function traceMainThread(
  page: Page,
  from: string,
  to: string,
  body: () => Promise<void>,
): Promise<MainThreadTask[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordContinuously' },
    });
    await body();
    const done = new Promise<string>((ok) =>
      cdp.once('Tracing.tracingComplete', (e: { stream?: string }) => ok(e.stream ?? '')),
    );
    await cdp.send('Tracing.end');
    const text = await readStream(cdp, await done);
    const events = (JSON.parse(text) as { traceEvents: TraceEvent[] }).traceEvents;
    const markFrom = events.find((e) => e.cat.includes('blink.user_timing') && e.name === from);
    const markTo = events.find((e) => e.cat.includes('blink.user_timing') && e.name === to);
    if (!markFrom || !markTo) throw new Error(`the trace has no user-timing marks ${from} and ${to}`);
    // The page's main thread: the renderer thread that recorded the marks.
    const main = { pid: markFrom.pid, tid: markFrom.tid };
    return events
      .filter(
        (e) =>
          e.name === 'RunTask' &&
          e.ph === 'X' &&
          e.pid === main.pid &&
          e.tid === main.tid &&
          e.ts >= markFrom.ts &&
          e.ts < markTo.ts,
      )
      .map((e) => ({ start: e.ts - markFrom.ts, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
  } finally {
    await cdp.detach().catch(() => {});
  }
}
