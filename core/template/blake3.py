"""BLAKE3 in hash mode, written from the public specification.

The `hint:` filter names its hidden element after the first 8 bytes of BLAKE3(text + field
name), and Python's hashlib has no BLAKE3, so this small, slow but exact version exists.
Only the unkeyed hash mode is implemented; any output length is supported (extendable output).
"""

from __future__ import annotations

_IV = (0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
       0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19)
_PERMUTATION = (2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8)
_CHUNK_START, _CHUNK_END, _PARENT, _ROOT = 1, 2, 4, 8
_BLOCK_LEN = 64
_CHUNK_LEN = 1024
_MASK = 0xFFFFFFFF


def _g(s: list[int], a: int, b: int, c: int, d: int, x: int, y: int) -> None:
    s[a] = (s[a] + s[b] + x) & _MASK
    v = s[d] ^ s[a]
    s[d] = ((v >> 16) | (v << 16)) & _MASK
    s[c] = (s[c] + s[d]) & _MASK
    v = s[b] ^ s[c]
    s[b] = ((v >> 12) | (v << 20)) & _MASK
    s[a] = (s[a] + s[b] + y) & _MASK
    v = s[d] ^ s[a]
    s[d] = ((v >> 8) | (v << 24)) & _MASK
    s[c] = (s[c] + s[d]) & _MASK
    v = s[b] ^ s[c]
    s[b] = ((v >> 7) | (v << 25)) & _MASK


def _compress(cv: tuple[int, ...], block: bytes, counter: int, block_len: int,
              flags: int) -> list[int]:
    """The compression function; returns all 16 output words (the first 8 are the new CV)."""
    m = [int.from_bytes(block[i:i + 4], "little") for i in range(0, _BLOCK_LEN, 4)]
    s = [*cv, *_IV[:4], counter & _MASK, (counter >> 32) & _MASK, block_len, flags]
    for round_no in range(7):
        _g(s, 0, 4, 8, 12, m[0], m[1])
        _g(s, 1, 5, 9, 13, m[2], m[3])
        _g(s, 2, 6, 10, 14, m[4], m[5])
        _g(s, 3, 7, 11, 15, m[6], m[7])
        _g(s, 0, 5, 10, 15, m[8], m[9])
        _g(s, 1, 6, 11, 12, m[10], m[11])
        _g(s, 2, 7, 8, 13, m[12], m[13])
        _g(s, 3, 4, 9, 14, m[14], m[15])
        if round_no < 6:
            m = [m[i] for i in _PERMUTATION]
    return [s[i] ^ s[i + 8] for i in range(8)] + [s[i + 8] ^ cv[i] for i in range(8)]


class _Output:
    """The inputs of a compression that may become the root (kept so ROOT can be added)."""

    def __init__(self, cv: tuple[int, ...], block: bytes, counter: int, block_len: int,
                 flags: int) -> None:
        self.cv, self.block, self.counter = cv, block, counter
        self.block_len, self.flags = block_len, flags

    def chaining_value(self) -> tuple[int, ...]:
        return tuple(_compress(self.cv, self.block, self.counter, self.block_len,
                               self.flags)[:8])

    def root_bytes(self, length: int) -> bytes:
        out = bytearray()
        output_counter = 0
        while len(out) < length:
            words = _compress(self.cv, self.block, output_counter, self.block_len,
                              self.flags | _ROOT)
            out += b"".join(w.to_bytes(4, "little") for w in words)
            output_counter += 1
        return bytes(out[:length])


def _chunk_output(chunk: bytes, chunk_counter: int) -> _Output:
    """Compress all but the last block of one chunk; return the last block's pending output."""
    cv = _IV
    blocks = [chunk[i:i + _BLOCK_LEN] for i in range(0, len(chunk), _BLOCK_LEN)] or [b""]
    for index, block in enumerate(blocks):
        flags = (_CHUNK_START if index == 0 else 0)
        padded = block.ljust(_BLOCK_LEN, b"\0")
        if index == len(blocks) - 1:
            return _Output(cv, padded, chunk_counter, len(block), flags | _CHUNK_END)
        cv = tuple(_compress(cv, padded, chunk_counter, _BLOCK_LEN, flags)[:8])
    raise AssertionError("unreachable")


def _parent_output(left: tuple[int, ...], right: tuple[int, ...]) -> _Output:
    block = b"".join(w.to_bytes(4, "little") for w in (*left, *right))
    return _Output(_IV, block, 0, _BLOCK_LEN, _PARENT)


def blake3(data: bytes, length: int = 32) -> bytes:
    """Return the BLAKE3 hash of `data` (default 32 bytes; longer outputs extend it)."""
    chunks = [data[i:i + _CHUNK_LEN] for i in range(0, len(data), _CHUNK_LEN)] or [b""]
    stack: list[tuple[int, ...]] = []
    for counter, chunk in enumerate(chunks[:-1]):
        cv = _chunk_output(chunk, counter).chaining_value()
        # Merge completed subtrees: one merge per trailing zero bit of the chunk count.
        total = counter + 1
        while total & 1 == 0:
            cv = _parent_output(stack.pop(), cv).chaining_value()
            total >>= 1
        stack.append(cv)
    output = _chunk_output(chunks[-1], len(chunks) - 1)
    while stack:
        output = _parent_output(stack.pop(), output.chaining_value())
    return output.root_bytes(length)
