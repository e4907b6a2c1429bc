import type { CliIo } from './io.js';

/**
 * A progress bar on stderr for long scans. Drawn only when stderr is a terminal (and
 * `LOGSPEC_PROGRESS` is not `0`), and only once a scan has run for `LOGSPEC_PROGRESS_DELAY_MS`
 * (default 200 ms), so quick commands never flicker; redrawn at most every 100 ms and erased
 * when the scan ends. Anything else (a pipe, a file, CI logs) gets no progress output at all.
 */
export class Progress {
  private readonly enabled: boolean;
  private readonly delayMs: number;
  private readonly width: number;
  private label = '';
  private total = 0;
  private base = 0;
  private started = 0;
  private lastDraw = 0;
  private lastDone = 0;
  private calls = 0;
  private drawn = false;
  private active = false;

  constructor(private readonly io: CliIo) {
    this.enabled = io.stderrIsTTY && io.env.LOGSPEC_PROGRESS !== '0';
    const d = Number(io.env.LOGSPEC_PROGRESS_DELAY_MS ?? 200);
    this.delayMs = Number.isFinite(d) && d >= 0 ? d : 200;
    this.width = Math.max(40, Math.min(io.columns || 80, 120));
  }

  /** Starts (or continues, for multi-file scans) a scan of `total` bytes in all. */
  begin(label: string, total: number): void {
    if (!this.enabled) return;
    this.label = label;
    this.total = Math.max(total, 1);
    this.base = 0;
    this.started = performance.now();
    this.lastDraw = 0;
    this.lastDone = 0;
    this.calls = 0;
    this.active = true;
  }

  /** Bytes of earlier files already done (for scans that report per-file offsets). */
  setBase(bytes: number): void {
    this.base = bytes;
  }

  /** `done` bytes of the current file scanned. Cheap: looks at the clock only now and then. */
  update(done: number): void {
    if (!this.active) return;
    const at = this.base + done;
    if ((++this.calls & 127) !== 0 && at - this.lastDone < 1 << 20) return;
    this.lastDone = at;
    const now = performance.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(at);
  }

  private draw(at: number): void {
    const frac = Math.min(1, at / this.total);
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    const size = `${mib(at)}/${mib(this.total)} MiB`;
    const room = this.width - this.label.length - size.length - 12;
    const barLen = Math.max(10, room);
    const fill = Math.round(frac * barLen);
    const bar = `${'#'.repeat(fill)}${'.'.repeat(barLen - fill)}`;
    this.io.stderr(`\r${this.label} [${bar}] ${pct}% ${size}`);
    this.drawn = true;
  }

  /** Ends the scan: erases the bar if one was drawn. */
  end(): void {
    if (!this.active) return;
    this.active = false;
    if (this.drawn) this.io.stderr('\r\x1b[2K');
    this.drawn = false;
  }
}

function mib(n: number): string {
  return (n / (1 << 20)).toFixed(1);
}
