"""What the benchmarks against `anki` share: their common options, the folder they build in,
Anki's fuzz switch and a stopwatch, so that every script takes the same flags the same way.

A script imports it as `common` (a script's own folder is first on `sys.path`).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def parser(doc: str, *, repeats: int, repeats_help: str | None = None,
           reusable: bool = True) -> argparse.ArgumentParser:
    """The options every benchmark takes: `--repeats`, and (when the script can measure a
    collection built earlier, `reusable`) `--keep` and `--reuse`. The description is the
    first paragraph of the script's docstring; a script adds its own options after."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=repeats,
                        help=repeats_help or f"timed runs of each measure (default {repeats})")
    if reusable:
        parser.add_argument("--keep", type=Path, help="build in this folder and keep the files")
        parser.add_argument("--reuse", type=Path,
                            help="measure the collections a --keep run left in this folder "
                                 "(built the same day)")
    return parser


@contextmanager
def work_folder(args: argparse.Namespace) -> Iterator[tuple[Path, bool]]:
    """(folder, build): the `--reuse` folder as it is (nothing to build), the `--keep`
    folder (created if missing), or else a temporary folder removed afterwards."""
    reuse, keep = getattr(args, "reuse", None), getattr(args, "keep", None)
    if reuse:
        yield reuse, False
    elif keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep, True
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield Path(folder), True


def run_in_folder(args: argparse.Namespace, measure: Callable[[Path, bool], int]) -> int:
    """The exit status of `measure(folder, build)` run in the `work_folder`: 1 when it
    reports any failure (a count or a flag), else 0."""
    with work_folder(args) as (folder, build):
        return 1 if measure(folder, build) else 0


def fuzz(on: bool) -> None:
    """Switch interval fuzz for the `anki` package (and Repetend) read at their first
    collection. Off (Anki's test mode, unless the caller set it) when the two programs
    must answer alike; on, as both ship, when timing what users run."""
    if on:
        os.environ.pop("ANKI_TEST_MODE", None)
        os.environ.pop("REPETEND_NO_FUZZ", None)
    else:
        os.environ.setdefault("ANKI_TEST_MODE", "1")


def seconds(func: Callable[[], Any]) -> float:
    """How long one call of `func` takes, by the wall clock."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start
