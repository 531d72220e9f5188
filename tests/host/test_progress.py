"""The terminal progress bar (`repetend.host.progress.ProgressBar`), on fake streams."""

from __future__ import annotations

import io

from repetend.host.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_draws_a_bar_with_percent_and_counts_on_one_line():
    screen = Terminal()
    bar = ProgressBar(screen, clock=Clock(), width=60)
    bar("notes", 250, 1000)
    text = screen.getvalue()
    assert text.startswith("\rnotes  [") and "25%" in text and "250/1,000" in text
    assert "\n" not in text and len(text) <= 60
    filled, empty = text.count("#"), text.count("-")
    assert filled == (filled + empty) // 4  # a quarter of the bar


def test_redraws_at_most_ten_times_a_second_but_always_the_end_and_new_stages():
    screen, clock = Terminal(), Clock()
    bar = ProgressBar(screen, clock=clock, width=80)
    for done in range(1, 1000):
        bar("notes", done, 1000)
        clock.now += 0.001  # a thousand calls within one second
    assert bar.draws == 10
    bar("notes", 1000, 1000)  # finished: drawn although it is too soon
    bar("media", 1, 5)  # a new stage: drawn at once
    assert bar.draws == 12 and screen.getvalue().rstrip().endswith("1/5")


def test_close_clears_the_line_and_shorter_lines_overwrite_longer_ones():
    screen = Terminal()
    bar = ProgressBar(screen, clock=Clock(), width=80)
    bar("cards", 123_456, 200_000)
    long_line = screen.getvalue()
    bar("media", 1, 1)
    assert screen.getvalue()[len(long_line):].endswith(" ")  # padded over the old text
    before = len(screen.getvalue())
    bar.close()
    cleared = screen.getvalue()[before:]
    assert cleared.startswith("\r") and cleared.endswith("\r") and not cleared.strip()
    bar.close()  # twice is harmless
    assert len(screen.getvalue()) == before + len(cleared)


def test_nothing_is_written_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    with ProgressBar(stream, clock=Clock()) as bar:
        bar("notes", 5, 10)
        bar("notes", 10, 10)
    assert not bar.enabled and stream.getvalue() == ""


def test_a_narrow_terminal_gets_counts_without_the_bar():
    screen = Terminal()
    ProgressBar(screen, clock=Clock(), width=30)("notes", 5, 10)
    assert "[" not in screen.getvalue() and "5/10" in screen.getvalue()
