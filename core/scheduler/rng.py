"""The random source of Anki's fuzz: Rust `rand` 0.9's `StdRng::seed_from_u64` (ChaCha12).

Anki draws each card's fuzz from a generator seeded with `card_id + reps`, so the interval a
button shows is the one it applies. Reproducing the generator (PCG32 seed expansion, ChaCha
with 12 rounds, rand's float and integer range sampling) lets a card fuzz the same way here.
Written from the published algorithms (ChaCha: RFC 8439; PCG: O'Neill 2014).
"""

from __future__ import annotations

__all__ = ["StdRng"]

_M32 = 0xFFFF_FFFF
_M64 = (1 << 64) - 1
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & _M32


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _M32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & _M32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & _M32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & _M32
    s[b] = _rotl(s[b] ^ s[c], 7)


def chacha_block(key: list[int], counter: int, nonce: list[int], rounds: int) -> list[int]:
    """One 64-byte ChaCha block as 16 little-endian words (`rounds` = 8, 12 or 20)."""
    state = [*_SIGMA, *key, *(_counter_words(counter, len(nonce))), *nonce]
    work = list(state)
    for _ in range(rounds // 2):
        _quarter(work, 0, 4, 8, 12)
        _quarter(work, 1, 5, 9, 13)
        _quarter(work, 2, 6, 10, 14)
        _quarter(work, 3, 7, 11, 15)
        _quarter(work, 0, 5, 10, 15)
        _quarter(work, 1, 6, 11, 12)
        _quarter(work, 2, 7, 8, 13)
        _quarter(work, 3, 4, 9, 14)
    return [(w + s) & _M32 for w, s in zip(work, state, strict=True)]


def _counter_words(counter: int, nonce_words: int) -> list[int]:
    # rand's ChaCha uses a 64-bit counter and 64-bit stream id; RFC 8439 a 32-bit counter.
    if nonce_words == 2:
        return [counter & _M32, (counter >> 32) & _M32]
    return [counter & _M32]


def _pcg32(state: int) -> tuple[int, int]:
    state = (state * 6364136223846793005 + 11634580456222903519) & _M64
    xorshifted = (((state >> 18) ^ state) >> 27) & _M32
    rot = state >> 59
    return state, ((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & _M32


class StdRng:
    """Enough of rand's `StdRng` for Anki's fuzz: seeding from a u64, u32 output, two samplers."""

    def __init__(self, seed: int) -> None:
        state = seed & _M64
        key = []
        for _ in range(8):
            state, word = _pcg32(state)
            key.append(word)
        self._key = key
        self._counter = 0
        self._buffer: list[int] = []

    def next_u32(self) -> int:
        if not self._buffer:
            self._buffer = chacha_block(self._key, self._counter, [0, 0], 12)
            self._counter += 1
        return self._buffer.pop(0)

    def unit_f32(self) -> float:
        """`random_range(0.0..1.0)` for f32: 23 random mantissa bits, so a multiple of 2^-23."""
        return (self.next_u32() >> 9) / 8_388_608

    def range_u32(self, low: int, high_exclusive: int) -> int:
        """`random_range(low..high)` for u32 (rand 0.9's widening-multiply sampler)."""
        if low >= high_exclusive:
            raise ValueError("empty range")
        span = (high_exclusive - low) & _M32
        product = self.next_u32() * span
        result, lo_order = product >> 32, product & _M32
        if lo_order > ((-span) & _M32):
            new_hi = (self.next_u32() * span) >> 32
            if lo_order + new_hi > _M32:
                result += 1
        return (low + result) & _M32
