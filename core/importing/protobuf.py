"""A small protobuf wire-format codec, enough for the messages inside Anki files.

Messages are described as `Schema`s: field number → `F(name, kind)`. Decoding gives a
dict with every known field (proto3 defaults for missing ones); unknown fields are kept
as raw bytes under `UNKNOWN` and written back unchanged, so nothing is lost on a round
trip. Encoding skips proto3 defaults except for `optional` fields that are set.

Kinds: "uint" (uint32/uint64/enum), "int" (int32/int64, negative as 64-bit two's
complement), "sint" (zigzag), "bool", "float" (fixed32), "double" (fixed64), "string",
"bytes", "message" (with `schema`). `repeated=True` makes a list; numeric lists are
written packed and read packed or not.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

UNKNOWN = "_unknown"

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5
_NUMERIC = {"uint", "int", "sint", "bool", "float", "double"}


class ProtobufError(ValueError):
    """The bytes are not a valid encoding of the expected message."""


@dataclass(frozen=True)
class F:
    name: str
    kind: str
    repeated: bool = False
    optional: bool = False
    schema: dict[int, F] | None = None


Schema = dict[int, F]


def _wire_type(kind: str) -> int:
    if kind in ("uint", "int", "sint", "bool"):
        return VARINT
    if kind == "float":
        return FIXED32
    if kind == "double":
        return FIXED64
    return LENGTH


def default(field: F) -> Any:
    if field.repeated:
        return []
    if field.optional or field.kind == "message":
        return None
    return {"uint": 0, "int": 0, "sint": 0, "bool": False, "float": 0.0, "double": 0.0,
            "string": "", "bytes": b""}[field.kind]


def shortest_float32(value: float) -> float:
    """The shortest decimal that is the same float32 (2.299999952316284 → 2.3)."""
    bits = struct.pack("<f", value)
    if value != value or value in (float("inf"), float("-inf")):
        return value
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits}g}")
        if struct.pack("<f", candidate) == bits:
            return candidate
    return value


# --- varints ---------------------------------------------------------------------------


def read_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    end = len(data)
    while True:
        if pos >= end:
            raise ProtobufError(f"truncated varint at byte {pos}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise ProtobufError(f"varint too long at byte {pos}")


def write_varint(value: int, out: bytearray) -> None:
    if value < 0:
        value += 1 << 64
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return


def _signed64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _scalar_from_varint(kind: str, value: int) -> Any:
    if kind == "int":
        return _signed64(value)
    if kind == "sint":
        return (value >> 1) ^ -(value & 1)
    if kind == "bool":
        return value != 0
    return value


# --- decoding ----------------------------------------------------------------------------


def decode(schema: Schema, data: bytes | memoryview | None) -> dict[str, Any]:
    """Decode `data` as the message `schema`; raise ProtobufError on malformed input."""
    out: dict[str, Any] = {f.name: default(f) for f in schema.values()}
    if not data:
        return out
    view = memoryview(data)
    pos, end = 0, len(view)
    unknown = bytearray()
    while pos < end:
        start = pos
        key, pos = read_varint(view, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError(f"field number 0 at byte {start}")
        if wire == VARINT:
            value, pos = read_varint(view, pos)
            raw: Any = value
        elif wire == FIXED64:
            if pos + 8 > end:
                raise ProtobufError(f"truncated 64-bit field {number} at byte {start}")
            raw = bytes(view[pos:pos + 8])
            pos += 8
        elif wire == FIXED32:
            if pos + 4 > end:
                raise ProtobufError(f"truncated 32-bit field {number} at byte {start}")
            raw = bytes(view[pos:pos + 4])
            pos += 4
        elif wire == LENGTH:
            length, pos = read_varint(view, pos)
            if pos + length > end:
                raise ProtobufError(f"field {number} at byte {start} runs past the end")
            raw = view[pos:pos + length]
            pos += length
        else:
            raise ProtobufError(f"unsupported wire type {wire} at byte {start}")
        field = schema.get(number)
        if field is None:
            unknown += view[start:pos]
            continue
        _store(out, field, wire, raw, number)
    if unknown:
        out[UNKNOWN] = bytes(unknown)
    return out


def _store(out: dict[str, Any], field: F, wire: int, raw: Any, number: int) -> None:
    kind = field.kind
    if field.repeated and kind in _NUMERIC and wire == LENGTH:
        out[field.name].extend(_unpack(kind, bytes(raw), number))
        return
    expected = _wire_type(kind)
    if wire != expected:
        raise ProtobufError(f"field {number} ({field.name}) has wire type {wire}, "
                            f"expected {expected}")
    if wire == VARINT:
        value: Any = _scalar_from_varint(kind, raw)
    elif kind == "float":
        value = shortest_float32(struct.unpack("<f", raw)[0])
    elif kind == "double":
        value = struct.unpack("<d", raw)[0]
    elif kind == "string":
        try:
            value = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtobufError(f"field {number} ({field.name}) is not valid UTF-8") from exc
    elif kind == "bytes":
        value = bytes(raw)
    else:  # message
        assert field.schema is not None
        value = decode(field.schema, raw)
    if field.repeated:
        out[field.name].append(value)
    else:
        out[field.name] = value


def _unpack(kind: str, data: bytes, number: int) -> list[Any]:
    values: list[Any] = []
    if kind == "float":
        if len(data) % 4:
            raise ProtobufError(f"packed floats of field {number} have a bad length")
        return [shortest_float32(v[0]) for v in struct.iter_unpack("<f", data)]
    if kind == "double":
        if len(data) % 8:
            raise ProtobufError(f"packed doubles of field {number} have a bad length")
        return [v[0] for v in struct.iter_unpack("<d", data)]
    pos = 0
    while pos < len(data):
        value, pos = read_varint(data, pos)
        values.append(_scalar_from_varint(kind, value))
    return values


# --- encoding ----------------------------------------------------------------------------


def encode(schema: Schema, values: dict[str, Any]) -> bytes:
    """Encode `values` (a dict like `decode` returns) as the message `schema`."""
    out = bytearray()
    for number in sorted(schema):
        field = schema[number]
        value = values.get(field.name, default(field))
        if field.repeated:
            if not value:
                continue
            if field.kind in _NUMERIC:
                body = bytearray()
                for item in value:
                    _write_scalar(field.kind, item, body)
                _key(number, LENGTH, out)
                write_varint(len(body), out)
                out += body
            else:
                for item in value:
                    _write_field(field, number, item, out)
            continue
        if value is None:
            continue
        if not field.optional and field.kind != "message" and value == default(field):
            continue
        _write_field(field, number, value, out)
    out += values.get(UNKNOWN, b"")
    return bytes(out)


def _key(number: int, wire: int, out: bytearray) -> None:
    write_varint((number << 3) | wire, out)


def _write_scalar(kind: str, value: Any, out: bytearray) -> None:
    if kind == "float":
        out += struct.pack("<f", value)
    elif kind == "double":
        out += struct.pack("<d", value)
    elif kind == "sint":
        write_varint((value << 1) ^ (value >> 63), out)
    else:
        write_varint(int(value), out)


def _write_field(field: F, number: int, value: Any, out: bytearray) -> None:
    kind = field.kind
    if kind in _NUMERIC:
        _key(number, _wire_type(kind), out)
        _write_scalar(kind, value, out)
        return
    if kind == "string":
        body = value.encode("utf-8")
    elif kind == "bytes":
        body = bytes(value)
    else:
        assert field.schema is not None
        body = encode(field.schema, value)
    _key(number, LENGTH, out)
    write_varint(len(body), out)
    out += body
