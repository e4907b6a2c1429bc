import type { Fs } from '@logspec/core';

/**
 * Everything the CLI touches outside its arguments, so `main` runs the same from the bin and
 * from a test: output streams, whether stderr is a terminal (progress bars), the environment,
 * the file system seam, and SIGINT for `tail -f`.
 */
export interface CliIo {
  /** Writes data (records, summaries, JSON) to stdout. */
  stdout(text: string): void;
  /** Writes diagnostics (errors, progress) to stderr. */
  stderr(text: string): void;
  /** stderr is a terminal: progress bars are drawn only then. */
  stderrIsTTY: boolean;
  /** Terminal width for the progress bar (default 80). */
  columns?: number;
  env: Record<string, string | undefined>;
  fs: Fs;
  /** Calls `handler` on SIGINT until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

/**
 * Collects stdout text in large pieces: `dump` of a big log writes millions of short lines,
 * and one `write` per line costs more than formatting them.
 */
export class LineWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(
    private readonly out: (text: string) => void,
    private readonly limit = 64 * 1024,
  ) {}

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.out(text);
  }
}
