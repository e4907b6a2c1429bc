#!/usr/bin/env python3
"""The ring log (VRRL0001, spec/ring.md) behind the conformance protocol (spec/conformance.md), in
Python 3 with the standard library only: `read` as the original reads, `decode`/`encode` of header,
slot and ring images (original mode). pnpm conformance -- --adapter "python3 <this file>" --formats ring"""
import json, re, struct, sys  # noqa: E401

MAGIC, RECORD, MAX = b"VRRL0001", 0xDEADBEEF, 1 << 20
U32_FIELDS = ("slot_idx", "tenant_id", "opcode")

class Fail(Exception):  # bad input: an error code, the byte offset where it was found, extra fields
    def __init__(self, code, offset=None, **extra):
        super().__init__(code)
        self.code, self.offset, self.extra = code, offset, extra

def header(b):
    n = len(b)
    if n < 8 or b[:8] != MAGIC:
        raise Fail("RING_TRUNCATED_HEADER", n) if n < 8 else Fail("RING_BAD_MAGIC", 0)
    if n >= 12 and struct.unpack_from("<I", b, 8)[0] != 1:
        raise Fail("RING_BAD_VERSION", 8)
    if n < 32:
        raise Fail("RING_TRUNCATED_HEADER", n)
    version, flags, capacity, cursor = struct.unpack_from("<IIQQ", b, 8)
    if capacity == 0:
        raise Fail("RING_ZERO_CAPACITY", 16, count="0")
    if capacity > MAX:
        raise Fail("RING_CAPACITY_OVERFLOW", 16, count=str(capacity), max=str(MAX))
    return {"version": version, "flags": flags, "capacity": str(capacity), "cursor": str(cursor),
            "next_slot": str(cursor % capacity)}

def slot(b, at=0, index=-1):
    """The 64-byte slot at `at`: None when empty (magic 0)."""
    if len(b) - at < 64:
        raise Fail("RING_TRUNCATED_SLOT", len(b))
    magic, ts, idx, tenant, opcode, a0, a1, a2, a3, epoch = struct.unpack_from("<IQ8I", b, at)
    if magic not in (0, RECORD):
        raise Fail("RING_FOREIGN_SLOT_MAGIC", at, slot=index)
    return None if magic == 0 else {"timestamp_ns": str(ts), "slot_idx": idx, "tenant_id": tenant,
                                    "opcode": opcode, "args": [a0, a1, a2, a3], "epoch": epoch}

def ring(b):
    """RingLog::open then replay_all: every slot once, from the cursor, wrapping."""
    h = header(b)
    capacity, start, records = int(h["capacity"]), int(h["next_slot"]), []
    for pos in [(start + step) % capacity for step in range(capacity)]:
        if 32 + 64 * (pos + 1) > len(b):
            raise Fail("RING_SHORT_FILE", len(b), slot=pos)
        s = slot(b, 32 + 64 * pos, pos)
        if s is not None:
            records.append(s)
    return {"capacity": h["capacity"], "cursor": h["next_slot"], "records": records}

# The original's error kinds for `read` (REFERENCE-README § ring); the others are header_mismatch.
ORIGINAL = {"RING_TRUNCATED_HEADER": "io", "RING_SHORT_FILE": "io", "RING_ZERO_CAPACITY": "zero_capacity",
            "RING_CAPACITY_OVERFLOW": "capacity_overflow"}

def read(path):
    try:
        with open(path, "rb") as f:
            return ring(f.read())
    except FileNotFoundError:
        raise Fail("not_found")
    except Fail as e:
        kind = ORIGINAL.get(e.code, "header_mismatch")
        extra = {"op": "read", "io_kind": "UnexpectedEof"} if kind == "io" else {"count": e.extra.get("count"),
                                                                                  "max": e.extra.get("max")}
        raise Fail(kind, **{k: v for k, v in extra.items() if v is not None}) from e

def field(v, key, ok):  # v[key] if it passes ok, else RING_INVALID_VALUE
    if not isinstance(v, dict) or key not in v or not ok(v[key]):
        raise Fail("RING_INVALID_VALUE", field=key)
    return v[key]

u32 = lambda x: type(x) is int and 0 <= x < 1 << 32  # noqa: E731
u64 = lambda x: isinstance(x, str) and re.fullmatch("0|[1-9][0-9]*", x) is not None and int(x) < 1 << 64  # noqa: E731

def encode(kind, v):
    if kind == "slot":
        if v is None:
            return bytes(64)
        args = field(v, "args", lambda a: isinstance(a, list) and len(a) == 4 and all(map(u32, a)))
        u = [field(v, k, u32) for k in U32_FIELDS]
        return struct.pack("<IQ8I20x", RECORD, int(field(v, "timestamp_ns", u64)), *u, *args, field(v, "epoch", u32))
    if isinstance(v, dict) and v.get("version", 1) != 1:
        raise Fail("RING_BAD_VERSION")
    capacity, cursor = int(field(v, "capacity", u64)), int(field(v, "cursor", u64))
    if capacity == 0 or capacity > MAX:
        raise Fail("RING_ZERO_CAPACITY" if capacity == 0 else "RING_CAPACITY_OVERFLOW")
    flags = field(v, "flags", u32) if "flags" in v else 0
    return MAGIC + struct.pack("<IIQQ", 1, flags, capacity, cursor)

def decode(kind, b):
    size = {"header": 32, "slot": 64}.get(kind)
    if size is not None and len(b) > size:
        raise Fail("RING_TRAILING_BYTES", size)
    return header(b) if kind == "header" else slot(b) if kind == "slot" else ring(b)

KINDS = {"read": ("ring",), "decode": ("ring", "header", "slot"), "encode": ("header", "slot")}

def answer(m):
    if m["format"] != "ring" or m.get("mode", "original") != "original" or m.get("kind", "ring") not in KINDS.get(
            m["verb"], ()):
        return {"skipped": {"reason": "not implemented in this example (strict mode, write)"}}
    try:
        if m["verb"] == "read":
            return {"ok": read(m["path"])}
        if m["verb"] == "decode":
            return {"ok": decode(m["kind"], bytes.fromhex(m["hex"]))}
        return {"ok": {"hex": encode(m["kind"], m["value"]).hex()}}
    except Fail as e:
        return {"error": {"code": e.code, "message": e.code, "offset": e.offset, **e.extra}}

for line in sys.stdin:
    msg = json.loads(line)
    if msg["type"] == "start":
        out = {"implementation": "ring_adapter.py", "version": "1", "protocolVersion": 1,
               "capabilities": {"ring": ["read", "decode", "encode"]}}
    elif msg["type"] == "stop":
        break
    else:
        try:
            out = {"seq": msg["seq"], **answer(msg)}
        except Exception as e:  # a bug in this adapter, never bad input
            out = {"seq": msg["seq"], "errored": {"message": repr(e)}}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
