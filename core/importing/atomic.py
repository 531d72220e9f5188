"""The temporary file an export is written to before it is renamed over its target.

`tempfile.mkstemp` creates files readable by their owner only (0600), and the rename keeps
that mode, so an exported deck put in a shared folder could not be read by anyone else. An
export gets the mode any new file gets (0666 less the umask, 0644 usually), as Anki's do.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_partial(out: Path) -> tuple[int, str]:
    """Create `.<name>.<random>.part` beside `out`, open for writing; (fd, path)."""
    while True:
        partial = out.parent / f".{out.name}.{secrets.token_hex(4)}.part"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(partial, flags, 0o666), str(partial)
        except FileExistsError:
            continue
