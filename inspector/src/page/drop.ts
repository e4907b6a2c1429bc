/**
 * Getting files in: dropped (files or folders, walked through the entries API so a folder's
 * layout is kept), picked with the file or folder picker, or preloaded by `logspec inspect
 * --web` (the page then fetches the files it lists).
 */

export interface Picked {
  /** Path relative to what was dropped: `name`, or `folder/sub/name`. */
  path: string;
  blob: Blob;
}

function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((ok, fail) => {
    const more = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) ok(all);
        else {
          all.push(...batch);
          more();
        }
      }, fail);
    more();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: Picked[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
    out.push({ path, blob: file });
  } else if (entry.isDirectory) {
    for (const child of await readEntries(entry as FileSystemDirectoryEntry)) await walk(child, path, out);
  }
}

/** The files of a drop, folders walked (entries first; plain files where a browser gives no entries). */
export async function filesOfDrop(dt: DataTransfer): Promise<Picked[]> {
  const out: Picked[] = [];
  const entries = [...dt.items].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null));
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    for (const e of entries) await walk(e as FileSystemEntry, '', out);
    return out;
  }
  for (const f of dt.files) out.push({ path: f.name, blob: f });
  return out;
}

/** The files of a file input (`webkitRelativePath` when a folder was picked). */
export function filesOfInput(input: HTMLInputElement): Picked[] {
  return [...(input.files ?? [])].map((f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}

/** `logspec inspect --web` serves `preload/manifest.json` listing the files; fetch them as blobs. */
export async function preloaded(onProgress: (done: number, total: number) => void): Promise<Picked[] | null> {
  const res = await fetch('preload/manifest.json', { cache: 'no-store' });
  if (!res.ok) return null;
  const manifest = (await res.json()) as { files: { path: string; size: number; url: string }[] };
  const total = manifest.files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  const out: Picked[] = [];
  for (const f of manifest.files) {
    const r = await fetch(f.url, { cache: 'no-store' });
    if (!r.ok) throw new Error(`preload: ${f.path}: HTTP ${r.status}`);
    out.push({ path: f.path, blob: await r.blob() });
    done += f.size;
    onProgress(done, total);
  }
  return out;
}
