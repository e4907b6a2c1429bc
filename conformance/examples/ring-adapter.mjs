#!/usr/bin/env node
// A complete conformance adapter for the ring log (vyre's VRRL0001) in plain Node, no
// dependencies: the "adapter in 100 lines" of spec/conformance.md. It is a second, independent
// implementation of ring read/write, run by the suite's tests through `--adapter`.
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const MAX = 1048576n;
const hex = (s) => Buffer.from(s, 'hex');
class Fail extends Error {
  constructor(code, extra = {}) {
    super(code);
    this.answer = { code, message: code, ...extra };
  }
}

// Reads like RingLog::open(path, 1) + replay_all(): header fields in order, then every slot from the cursor.
function readRing(path) {
  if (!fs.existsSync(path)) throw new Fail('not_found');
  const b = fs.readFileSync(path);
  const need = (end) => {
    if (b.length < end) throw new Fail('io', { op: 'read', io_kind: 'UnexpectedEof' });
  };
  need(8);
  if (b.toString('latin1', 0, 8) !== 'VRRL0001') throw new Fail('header_mismatch');
  need(12);
  if (b.readUInt32LE(8) !== 1) throw new Fail('header_mismatch');
  need(32);
  const capacity = b.readBigUInt64LE(16);
  if (capacity === 0n) throw new Fail('zero_capacity');
  if (capacity > MAX) throw new Fail('capacity_overflow', { count: String(capacity), max: String(MAX) });
  const cursor = b.readBigUInt64LE(24) % capacity;
  const records = [];
  for (let step = 0n; step < capacity; step++) {
    const at = 32 + 64 * Number((cursor + step) % capacity);
    need(at + 64);
    const magic = b.readUInt32LE(at);
    if (magic === 0) continue;
    if (magic !== 0xdeadbeef) throw new Fail('header_mismatch');
    const u32 = (o) => b.readUInt32LE(at + o);
    records.push({
      timestamp_ns: String(b.readBigUInt64LE(at + 4)),
      slot_idx: u32(12),
      tenant_id: u32(16),
      opcode: u32(20),
      args: [u32(24), u32(28), u32(32), u32(36)],
      epoch: u32(40),
    });
  }
  return { capacity: String(capacity), cursor: String(cursor), records };
}

// Replays a recipe: RingLog::open / append, then the byte mutations every format shares.
function write(dir, ops) {
  const results = [];
  let log = null;
  for (const op of ops) {
    const p = (f) => join(dir, f);
    if (op.op === 'open') {
      const path = p(op.file);
      if (fs.existsSync(path)) {
        const h = fs.readFileSync(path).subarray(0, 32);
        const capacity = h.readBigUInt64LE(16);
        log = { path, capacity, next: h.readBigUInt64LE(24) % capacity };
      } else {
        const capacity = BigInt(op.capacity);
        const h = Buffer.alloc(32 + 64 * Number(capacity));
        h.write('VRRL0001', 0, 'latin1');
        h.writeUInt32LE(1, 8);
        h.writeBigUInt64LE(capacity, 16);
        fs.writeFileSync(path, h);
        log = { path, capacity, next: 0n };
      }
      results.push({ capacity: String(log.capacity), cursor: String(log.next) });
    } else if (op.op === 'append') {
      const s = op.slot;
      const r = Buffer.alloc(64);
      r.writeUInt32LE(0xdeadbeef, 0);
      r.writeBigUInt64LE(BigInt(s.timestamp_ns), 4);
      for (const [i, v] of [s.slot_idx, s.tenant_id, s.opcode, ...s.args, s.epoch].entries())
        r.writeUInt32LE(v, 12 + 4 * i);
      const fd = fs.openSync(log.path, 'r+');
      fs.writeSync(fd, r, 0, 64, 32 + 64 * Number(log.next));
      log.next = (log.next + 1n) % log.capacity;
      const c = Buffer.alloc(8);
      c.writeBigUInt64LE(log.next);
      fs.writeSync(fd, c, 0, 8, 24);
      fs.closeSync(fd);
      results.push(null);
    } else if (op.op === 'write_at' || op.op === 'xor_byte') {
      const b = fs.readFileSync(p(op.file));
      if (op.op === 'xor_byte') b[op.offset] ^= op.mask;
      else hex(op.bytes).copy(b, op.offset);
      fs.writeFileSync(p(op.file), b);
      results.push(null);
    } else if (op.op === 'truncate') fs.truncateSync(p(op.file), Number(op.len));
    else if (op.op === 'append_bytes') fs.appendFileSync(p(op.file), hex(op.bytes));
    else if (op.op === 'write_file') {
      fs.mkdirSync(dirname(p(op.file)), { recursive: true });
      fs.writeFileSync(p(op.file), hex(op.bytes));
    } else if (op.op === 'remove_file') fs.rmSync(p(op.file), { force: true });
    else if (op.op === 'mkdir') fs.mkdirSync(p(op.dir), { recursive: true });
    else throw new Fail('UNSUPPORTED_OP', { op: op.op });
  }
  return { results };
}

const out = (v) => process.stdout.write(`${JSON.stringify(v)}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const msg = JSON.parse(line);
  if (msg.type === 'start') {
    out({
      implementation: 'ring-adapter.mjs',
      version: '1',
      protocolVersion: 1,
      capabilities: { ring: ['read', 'write'] },
    });
  } else if (msg.type === 'stop') break;
  else if (msg.format !== 'ring' || !['read', 'write'].includes(msg.verb))
    out({ seq: msg.seq, skipped: { reason: 'not implemented' } });
  else {
    try {
      out({ seq: msg.seq, ok: msg.verb === 'read' ? readRing(msg.path) : write(msg.dir, msg.ops) });
    } catch (e) {
      out(e instanceof Fail ? { seq: msg.seq, error: e.answer } : { seq: msg.seq, errored: { message: String(e) } });
    }
  }
}
