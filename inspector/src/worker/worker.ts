/// <reference lib="webworker" />
import { isLogspecError } from '@logspec/core';
import type { FromWorker, ToWorker } from '../shared/protocol.js';
import { blobSource } from './blob-fs.js';
import { OpenedInput } from './input.js';

/**
 * The inspector's worker: every file is read here, in slices, so the page's main thread only
 * draws. Messages are answered in order; a scan posts progress as it reads.
 */

declare const self: DedicatedWorkerGlobalScope;

let input: OpenedInput | undefined;
let plans = new Map<boolean, ReturnType<OpenedInput['plan']>>();

function post(m: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(m, transfer);
}

/** Progress at most every 50 ms: enough for a smooth bar, few enough not to flood the page. */
function progressPoster() {
  let last = 0;
  return (phase: string, read: number, total: number) => {
    const now = performance.now();
    if (now - last < 50) return;
    last = now;
    post({ type: 'progress', done: Math.min(read, total), total, phase });
  };
}

async function open(m: Extract<ToWorker, { type: 'open' }>): Promise<void> {
  const started = performance.now();
  const total = m.files.reduce((n, f) => n + f.blob.size, 0);
  const tick = progressPoster();
  plans = new Map();
  input = undefined;
  try {
    input = await OpenedInput.open(
      m.files.map((f) => ({ path: f.path, source: blobSource(f.blob) })),
      post,
      (phase, fs) => tick(phase, fs.bytesRead, total),
      m.view,
    );
    const model = input.model;
    post({ type: 'progress', done: total, total, phase: 'done' });
    post({
      type: 'scanned',
      files: model.files.map((f) => ({
        id: f.info.id,
        units: f.units.count,
        damage: (input as OpenedInput).damage(f.info.id),
      })),
      problems: model.problems,
      summary: model.summary,
      elapsedMs: performance.now() - started,
    });
  } catch (e) {
    post({
      type: 'failed',
      message: e instanceof Error ? e.message : String(e),
      code: isLogspecError(e) ? e.code : null,
    });
  }
}

function answer(id: number, f: () => unknown): void {
  try {
    const value = f();
    const transfer: Transferable[] = [];
    if (value && typeof value === 'object' && 'data' in value && value.data instanceof Uint8Array) {
      transfer.push(value.data.buffer as ArrayBuffer);
    }
    post({ type: 'reply', id, value }, transfer);
  } catch (e) {
    post({ type: 'reply', id, value: null, error: e instanceof Error ? e.message : String(e) });
  }
}

function opened(): OpenedInput {
  if (!input) throw new Error('no input is open');
  return input;
}

function plan(force: boolean) {
  let p = plans.get(force);
  if (!p) {
    p = opened().plan(force);
    plans.set(force, p);
  }
  return p;
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'open':
      void open(m);
      return;
    case 'rows':
      return answer(m.id, () => opened().rows(m.file, m.from, m.count));
    case 'unit':
      return answer(m.id, () => opened().unit(m.file, m.unit));
    case 'bytes':
      return answer(m.id, () => {
        const w = opened().bytes(m.file, m.from, m.to);
        // A copy of its own, so it can be transferred without detaching a cached window.
        return { ...w, data: w.data.slice() };
      });
    case 'locate':
      return answer(m.id, () => opened().locate(m.file, m.offset));
    case 'plan':
      return answer(m.id, () => plan(m.force).view);
    case 'repaired':
      return answer(m.id, () => plan(m.force).repaired());
  }
};
