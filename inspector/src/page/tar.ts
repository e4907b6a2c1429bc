/**
 * A POSIX ustar archive as a Blob, for downloading several repaired files at once. File
 * contents are Blobs (slices of the dropped files, untouched), so nothing is copied.
 */
function field(view: Uint8Array, at: number, len: number, text: string): void {
  for (let i = 0; i < len && i < text.length; i++) view[at + i] = text.charCodeAt(i) & 0xff;
}

function octal(n: number, len: number): string {
  return `${n.toString(8).padStart(len - 1, '0')}\0`;
}

function header(path: string, size: number, mtime: number): Uint8Array {
  const b = new Uint8Array(512);
  const name = path.length > 100 ? path.slice(path.length - 100) : path;
  field(b, 0, 100, name);
  field(b, 100, 8, octal(0o644, 8));
  field(b, 108, 8, octal(0, 8));
  field(b, 116, 8, octal(0, 8));
  field(b, 124, 12, octal(size, 12));
  field(b, 136, 12, octal(Math.floor(mtime / 1000), 12));
  field(b, 148, 8, '        ');
  b[156] = 0x30;
  field(b, 257, 6, 'ustar\0');
  field(b, 263, 2, '00');
  let sum = 0;
  for (const x of b) sum += x;
  field(b, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return b;
}

export function tarOf(files: { path: string; blob: Blob }[], mtime = Date.now()): Blob {
  const parts: BlobPart[] = [];
  for (const f of files) {
    parts.push(header(f.path, f.blob.size, mtime) as Uint8Array<ArrayBuffer>, f.blob);
    const pad = (512 - (f.blob.size % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  return new Blob(parts, { type: 'application/x-tar' });
}
