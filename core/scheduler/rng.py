"""The random source of Anki's fuzz: Rust `rand` 0.9's `StdRng::seed_from_u64` (ChaCha12).

Anki draws each card's fuzz from a generator seeded with `card_id + reps`, so the interval a
button shows is the one it applies. Reproducing the generator (PCG32 seed expansion, ChaCha
with 12 rounds, rand's float and integer range sampling) lets a card fuzz the same way here.
Written from the published algorithms (ChaCha: RFC 8439; PCG: O'Neill 2014).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["StdRng"]

_M32 = 0xFFFF_FFFF
_M64 = (1 << 64) - 1
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"


def _double_rounds(x: list[int], rounds: int) -> list[int]:
    """`rounds` ChaCha rounds (column then diagonal quarter rounds) on 16 words.

    Written out with local variables: this runs for every card shown, and Python function
    calls per quarter round cost more than the arithmetic.
    """
    x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 = x
    m = _M32
    for _ in range(rounds // 2):
        # columns: (0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15)
        x0 = (x0 + x4) & m; x12 ^= x0; x12 = ((x12 << 16) | (x12 >> 16)) & m  # noqa: E702
        x8 = (x8 + x12) & m; x4 ^= x8; x4 = ((x4 << 12) | (x4 >> 20)) & m  # noqa: E702
        x0 = (x0 + x4) & m; x12 ^= x0; x12 = ((x12 << 8) | (x12 >> 24)) & m  # noqa: E702
        x8 = (x8 + x12) & m; x4 ^= x8; x4 = ((x4 << 7) | (x4 >> 25)) & m  # noqa: E702
        x1 = (x1 + x5) & m; x13 ^= x1; x13 = ((x13 << 16) | (x13 >> 16)) & m  # noqa: E702
        x9 = (x9 + x13) & m; x5 ^= x9; x5 = ((x5 << 12) | (x5 >> 20)) & m  # noqa: E702
        x1 = (x1 + x5) & m; x13 ^= x1; x13 = ((x13 << 8) | (x13 >> 24)) & m  # noqa: E702
        x9 = (x9 + x13) & m; x5 ^= x9; x5 = ((x5 << 7) | (x5 >> 25)) & m  # noqa: E702
        x2 = (x2 + x6) & m; x14 ^= x2; x14 = ((x14 << 16) | (x14 >> 16)) & m  # noqa: E702
        x10 = (x10 + x14) & m; x6 ^= x10; x6 = ((x6 << 12) | (x6 >> 20)) & m  # noqa: E702
        x2 = (x2 + x6) & m; x14 ^= x2; x14 = ((x14 << 8) | (x14 >> 24)) & m  # noqa: E702
        x10 = (x10 + x14) & m; x6 ^= x10; x6 = ((x6 << 7) | (x6 >> 25)) & m  # noqa: E702
        x3 = (x3 + x7) & m; x15 ^= x3; x15 = ((x15 << 16) | (x15 >> 16)) & m  # noqa: E702
        x11 = (x11 + x15) & m; x7 ^= x11; x7 = ((x7 << 12) | (x7 >> 20)) & m  # noqa: E702
        x3 = (x3 + x7) & m; x15 ^= x3; x15 = ((x15 << 8) | (x15 >> 24)) & m  # noqa: E702
        x11 = (x11 + x15) & m; x7 ^= x11; x7 = ((x7 << 7) | (x7 >> 25)) & m  # noqa: E702
        # diagonals: (0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14)
        x0 = (x0 + x5) & m; x15 ^= x0; x15 = ((x15 << 16) | (x15 >> 16)) & m  # noqa: E702
        x10 = (x10 + x15) & m; x5 ^= x10; x5 = ((x5 << 12) | (x5 >> 20)) & m  # noqa: E702
        x0 = (x0 + x5) & m; x15 ^= x0; x15 = ((x15 << 8) | (x15 >> 24)) & m  # noqa: E702
        x10 = (x10 + x15) & m; x5 ^= x10; x5 = ((x5 << 7) | (x5 >> 25)) & m  # noqa: E702
        x1 = (x1 + x6) & m; x12 ^= x1; x12 = ((x12 << 16) | (x12 >> 16)) & m  # noqa: E702
        x11 = (x11 + x12) & m; x6 ^= x11; x6 = ((x6 << 12) | (x6 >> 20)) & m  # noqa: E702
        x1 = (x1 + x6) & m; x12 ^= x1; x12 = ((x12 << 8) | (x12 >> 24)) & m  # noqa: E702
        x11 = (x11 + x12) & m; x6 ^= x11; x6 = ((x6 << 7) | (x6 >> 25)) & m  # noqa: E702
        x2 = (x2 + x7) & m; x13 ^= x2; x13 = ((x13 << 16) | (x13 >> 16)) & m  # noqa: E702
        x8 = (x8 + x13) & m; x7 ^= x8; x7 = ((x7 << 12) | (x7 >> 20)) & m  # noqa: E702
        x2 = (x2 + x7) & m; x13 ^= x2; x13 = ((x13 << 8) | (x13 >> 24)) & m  # noqa: E702
        x8 = (x8 + x13) & m; x7 ^= x8; x7 = ((x7 << 7) | (x7 >> 25)) & m  # noqa: E702
        x3 = (x3 + x4) & m; x14 ^= x3; x14 = ((x14 << 16) | (x14 >> 16)) & m  # noqa: E702
        x9 = (x9 + x14) & m; x4 ^= x9; x4 = ((x4 << 12) | (x4 >> 20)) & m  # noqa: E702
        x3 = (x3 + x4) & m; x14 ^= x3; x14 = ((x14 << 8) | (x14 >> 24)) & m  # noqa: E702
        x9 = (x9 + x14) & m; x4 ^= x9; x4 = ((x4 << 7) | (x4 >> 25)) & m  # noqa: E702
    return [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15]


def chacha_block(key: list[int], counter: int, nonce: list[int], rounds: int) -> list[int]:
    """One 64-byte ChaCha block as 16 little-endian words (`rounds` = 8, 12 or 20)."""
    state = [*_SIGMA, *key, *(_counter_words(counter, len(nonce))), *nonce]
    work = _double_rounds(state, rounds)
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


@lru_cache(maxsize=1024)
def _seeded_block(seed: int, counter: int) -> tuple[int, ...]:
    """Block `counter` of the generator seeded with `seed`. Cached: a card's seed is drawn
    from when its buttons are shown, when it is answered and when it is shown next."""
    state = seed
    key = []
    for _ in range(8):
        state, word = _pcg32(state)
        key.append(word)
    return tuple(chacha_block(key, counter, [0, 0], 12))


class StdRng:
    """Enough of rand's `StdRng` for Anki's fuzz: seeding from a u64, u32 output, two samplers."""

    def __init__(self, seed: int) -> None:
        self._seed = seed & _M64
        self._counter = 0
        self._buffer: tuple[int, ...] = ()
        self._index = 0

    def next_u32(self) -> int:
        if self._index >= len(self._buffer):
            self._buffer = _seeded_block(self._seed, self._counter)
            self._counter += 1
            self._index = 0
        self._index += 1
        return self._buffer[self._index - 1]

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
