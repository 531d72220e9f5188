"""The random source of Anki's fuzz: Rust `rand` 0.9's `StdRng::seed_from_u64` (ChaCha12).

Anki draws each card's fuzz from a generator seeded with `card_id + reps`, so the interval a
button shows is the one it applies. Reproducing the generator (PCG32 seed expansion, ChaCha
with 12 rounds, rand's float and integer range sampling) lets a card fuzz the same way here.
Written from the published algorithms (ChaCha: RFC 8439; PCG: O'Neill 2014).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["StdRng", "first_unit_f32"]

_M32 = 0xFFFF_FFFF
_M64 = (1 << 64) - 1
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"


#: Four 32-bit lanes, each in a 64-bit slot of one integer (the slot's upper half takes the
#: carries and the bits rotated out, and the mask clears them).
_LANES = sum(_M32 << (64 * i) for i in range(4))
_ALL = (1 << 256) - 1
_SIGMA_ROW = _SIGMA[0] | _SIGMA[1] << 64 | _SIGMA[2] << 128 | _SIGMA[3] << 192


def _double_rounds(x: list[int], rounds: int) -> list[int]:
    """`rounds` ChaCha rounds (column then diagonal quarter rounds) on 16 words.

    The four quarter rounds of a column (or diagonal) round do the same arithmetic on four
    independent words, so each row of the state is one integer of four lanes and every
    operation below works on four words at once: less than half the time of word-by-word
    code, and this runs for every card shown (issue 3).
    """
    a = x[0] | x[1] << 64 | x[2] << 128 | x[3] << 192
    b = x[4] | x[5] << 64 | x[6] << 128 | x[7] << 192
    c = x[8] | x[9] << 64 | x[10] << 128 | x[11] << 192
    d = x[12] | x[13] << 64 | x[14] << 128 | x[15] << 192
    a, b, c, d = _rows_rounds(a, b, c, d, rounds)
    return [(row >> shift) & _M32 for row in (a, b, c, d) for shift in (0, 64, 128, 192)]


def _rows_rounds(a: int, b: int, c: int, d: int, rounds: int) -> tuple[int, int, int, int]:
    """`_double_rounds` on the state as four rows of four lanes."""
    m, full = _LANES, _ALL
    for _ in range(rounds // 2):
        # columns: (0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15)
        a = (a + b) & m; d ^= a; d = ((d << 16) | (d >> 16)) & m  # noqa: E702
        c = (c + d) & m; b ^= c; b = ((b << 12) | (b >> 20)) & m  # noqa: E702
        a = (a + b) & m; d ^= a; d = ((d << 8) | (d >> 24)) & m  # noqa: E702
        c = (c + d) & m; b ^= c; b = ((b << 7) | (b >> 25)) & m  # noqa: E702
        # diagonals: (0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14): turn rows b, c, d by
        # one, two and three lanes so that the diagonals line up as columns, and back
        b = (b >> 64) | ((b << 192) & full)
        c = (c >> 128) | ((c << 128) & full)
        d = (d >> 192) | ((d << 64) & full)
        a = (a + b) & m; d ^= a; d = ((d << 16) | (d >> 16)) & m  # noqa: E702
        c = (c + d) & m; b ^= c; b = ((b << 12) | (b >> 20)) & m  # noqa: E702
        a = (a + b) & m; d ^= a; d = ((d << 8) | (d >> 24)) & m  # noqa: E702
        c = (c + d) & m; b ^= c; b = ((b << 7) | (b >> 25)) & m  # noqa: E702
        b = (b >> 192) | ((b << 64) & full)
        c = (c >> 128) | ((c << 128) & full)
        d = (d >> 64) | ((d << 192) & full)
    return a, b, c, d


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
    # rand's seed_from_u64: eight PCG32 outputs make the key (`_pcg32`, inlined: this runs
    # for every card shown, issue 3).
    key = []
    state = seed
    for _ in range(8):
        state = (state * 6364136223846793005 + 11634580456222903519) & _M64
        xorshifted = (((state >> 18) ^ state) >> 27) & _M32
        rot = state >> 59
        key.append(((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & _M32)
    # chacha_block(key, counter, [0, 0], 12) on packed rows (no 16-word lists).
    a0 = _SIGMA_ROW
    b0 = key[0] | key[1] << 64 | key[2] << 128 | key[3] << 192
    c0 = key[4] | key[5] << 64 | key[6] << 128 | key[7] << 192
    d0 = (counter & _M32) | ((counter >> 32) & _M32) << 64
    a, b, c, d = _rows_rounds(a0, b0, c0, d0, 12)
    m = _LANES
    a, b, c, d = (a + a0) & m, (b + b0) & m, (c + c0) & m, (d + d0) & m
    return (a & _M32, (a >> 64) & _M32, (a >> 128) & _M32, a >> 192,
            b & _M32, (b >> 64) & _M32, (b >> 128) & _M32, b >> 192,
            c & _M32, (c >> 64) & _M32, (c >> 128) & _M32, c >> 192,
            d & _M32, (d >> 64) & _M32, (d >> 128) & _M32, d >> 192)


def first_unit_f32(seed: int) -> float:
    """`StdRng(seed).unit_f32()` without a generator object (issue 3: every card shown
    draws its fuzz factor this way)."""
    return (_seeded_block(seed & _M64, 0)[0] >> 9) / 8_388_608


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
