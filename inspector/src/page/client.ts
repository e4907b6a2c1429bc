import type { FromWorker, ToWorker } from '../shared/protocol.js';

type Request = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

/** Talks to the scanning worker: broadcast messages go to `onMessage`, requests get promises. */
export class WorkerClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  onMessage: (m: FromWorker) => void = () => {};

  constructor(url: string) {
    this.worker = new Worker(url, { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'reply') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error !== undefined) p?.fail(new Error(m.error));
        else p?.ok(m.value);
      } else this.onMessage(m);
    };
    this.worker.onerror = (e) => {
      this.onMessage({ type: 'failed', message: e.message || 'the worker failed', code: null });
    };
  }

  open(files: { path: string; blob: Blob }[], view?: 'hotframe' | 'hotlog'): void {
    for (const p of this.pending.values()) p.fail(new Error('a new input was opened'));
    this.pending.clear();
    this.worker.postMessage({ type: 'open', files, view } satisfies ToWorker);
  }

  request<T>(m: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: ok as (v: unknown) => void, fail });
      this.worker.postMessage({ ...m, id } as ToWorker);
    });
  }
}
