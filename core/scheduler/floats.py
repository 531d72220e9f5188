"""32-bit float emulation, so intervals and eases match Anki's Rust `f32` arithmetic bit for bit.

Python floats are 64-bit. Rounding the exact result of one `+ - * /` on two float32 values to
float32 gives the same value as doing the operation in float32 (double has more than twice the
bits), so wrapping every single operation in `f32()` reproduces Rust exactly.
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal
from functools import lru_cache

_PACK = struct.Struct("<f")
_pack, _unpack = _PACK.pack, _PACK.unpack
U32_MAX = 0xFFFF_FFFF
# Halfway between float32::MAX and the next power of two: from here on float32 rounds to inf.
_F32_OVERFLOW = 3.4028235677973366e38


def f32(x: float) -> float:
    """Round `x` to the nearest float32 (ties to even), as Rust does when storing an `f32`."""
    try:
        return _unpack(_pack(x))[0]
    except OverflowError:
        # struct refuses values that round past float32::MAX (from _F32_OVERFLOW on);
        # float32 rounding turns them into infinity.
        return math.copysign(math.inf, x)


def round_half_away(x: float) -> float:
    """Rust's `f32::round`: halves go away from zero (Python's `round` goes to even)."""
    if math.isnan(x) or math.isinf(x):
        return x
    return math.copysign(math.floor(abs(x) + 0.5), x)


def to_u32(x: float) -> int:
    """Rust's saturating `x as u32`: truncates, NaN and negatives become 0, huge values u32::MAX."""
    if math.isnan(x) or x <= 0:
        return 0
    if x >= U32_MAX:
        return U32_MAX
    return int(x)


@lru_cache(maxsize=8192)  # few distinct values (eases, memory states) are written often
def f32_json(x: float) -> float:
    """The float whose `repr` is the shortest decimal that reads back as the same float32.

    Anki's JSON (and the conformance vectors) write `1.3 + 0.15` as `1.4499999`, not as the
    17-digit double; `json.dumps` of the returned value produces exactly that text.
    """
    x = f32(x)
    if x == 0 or math.isnan(x) or math.isinf(x):
        return x
    exact = Decimal(x)
    for digits in range(1, 10):
        nearest = Decimal(f"{x:.{digits - 1}e}")
        # The correctly rounded decimal may miss the float32's rounding interval where a
        # neighbour of the same length still hits it (intervals are lopsided at powers of two).
        step = Decimal(1).scaleb(nearest.adjusted() - digits + 1)
        candidates = [c for c in (nearest, nearest - step, nearest + step) if f32(float(c)) == x]
        if candidates:
            best = min(candidates, key=lambda c: abs(c - exact))
            return float(best)
    return x
