"""A one-line progress bar on a terminal, for long imports and exports on the command line.

The engine reports progress through a plain callback, `progress(stage, done, total)`
(`repetend.core.importing`); `ProgressBar` is such a callback that draws
`notes  [#########-----------]  45%  4,500/10,000` on stderr. It draws only when the
stream is a terminal, at most `max_rate` times a second (a 100,000-note import calls it
thousands of times), always when a stage changes or finishes, and `close()` clears the
line so the summary printed afterwards starts on a clean line. Not a terminal: nothing.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO


class ProgressBar:
    """Callable `(stage, done, total)` drawing a bar on `stream` if it is a terminal."""

    def __init__(self, stream: TextIO | None = None, max_rate: float = 10.0,
                 clock: Callable[[], float] = time.monotonic, width: int | None = None
                 ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 1.0 / max_rate
        self.clock = clock
        self.width = width
        self.last_draw = float("-inf")
        self.stage: str | None = None
        self.shown = 0  # length of the line on screen
        self.draws = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        changed = stage != self.stage
        finished = total > 0 and done >= total
        if not (changed or finished) and now - self.last_draw < self.interval:
            return
        self.stage = stage
        self.last_draw = now
        self._draw(self.line(stage, done, total))

    def line(self, stage: str, done: int, total: int) -> str:
        """The text of the bar, fitted to the terminal's width."""
        columns = self.width or shutil.get_terminal_size((80, 24)).columns
        counts = f"{done:,}/{total:,}" if total > 0 else f"{done:,}"
        percent = f"{min(100, done * 100 // total):3d}%" if total > 0 else ""
        label = stage[:20]
        room = columns - 1 - len(label) - len(counts) - len(percent) - 8
        bar = ""
        if room >= 10 and total > 0:
            size = min(room, 40)
            filled = min(size, done * size // total)
            bar = "[" + "#" * filled + "-" * (size - filled) + "]"
        return "  ".join(p for p in (label, bar, percent, counts) if p)[:columns - 1]

    def _draw(self, text: str) -> None:
        pad = " " * max(0, self.shown - len(text))
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self.shown = len(text)
        self.draws += 1

    def close(self) -> None:
        """Clear the bar's line (call when the work ends, whether it succeeded or not)."""
        if self.enabled and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
