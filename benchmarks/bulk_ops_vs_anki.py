"""Bulk browser operations and their undo: Repetend against the real `anki` package.

Not a test. Run with `.venv/bin/python benchmarks/bulk_ops_vs_anki.py` (needs the `test`
extra, which brings `anki`). It builds the 100,000-note collection of `search_vs_anki.py`
(same helpers, same data in both programs; about 116,000 cards), then times, in both
programs, the browser operations users run on a whole collection, each followed by its
undo and its redo:

- set deck of every card ("Science"): `browser_ops.set_deck` / `col.set_deck`;
- add a tag to every note: `browser_ops.add_tags` / `col.tags.bulk_add`;
- find and replace "a" -> "b" in every note: `browser_ops.find_and_replace` /
  `col.find_and_replace`;
- delete 30,000 notes (the oldest): `browser_ops.delete_notes` / `col.remove_notes`;
- rename tag "topic" (on a third of the notes, half of those with its child
  "topic::child") to "subject": `browser_ops.rename_tag` / `col.tags.rename`;
- delete that tag and its child: `browser_ops.delete_tag` / `col.tags.remove`;
- remove "topic verbs" from every note: `browser_ops.remove_tags` / `col.tags.bulk_remove`;
- find and replace "chapter" -> "ch" in every note's tags:
  `browser_ops.find_and_replace_tags` / `col.tags.find_and_replace`;

and `col.undo()` / `col.redo()` after each. Every operation starts from a fresh copy of
the built files, so each one sees the same state. Both programs must report the same
count (for the deletion: the cards left). Ratios are Repetend/Anki: below 1.0 Repetend
is faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_vs_anki import NOTES, build_anki, build_repetend  # noqa: E402

DELETED = 30_000
TARGET_DECK = "Science"
#: Added to every third note (and TOPIC_CHILD to every sixth) before the measurements, in
#: both programs through their own tag operation, for the tag rows.
TOPIC, TOPIC_CHILD = "topic", "topic::child"
DELETE_NOTES = f"delete {DELETED // 1000}k notes"
LABELS = ["set deck", "add tag", "find&replace", DELETE_NOTES,
          "rename tag", "delete tag", "remove tags", "f&r in tags"]


def _copy(src: Path, dst: Path) -> None:
    """The collection file and any WAL beside it."""
    for suffix in ("", "-wal"):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)


def _time(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def _count(result: Any) -> Any:
    """The count an operation returned (Anki's OpChangesWithCount or our int)."""
    return getattr(result, "count", result)


def _repetend_ops(col: Any) -> dict[str, Callable[[], Any]]:
    from repetend.core import browser_ops

    cids = col.find_cards("")
    nids = col.find_notes("")
    oldest = sorted(nids)[:DELETED]
    return {
        "set deck": lambda: browser_ops.set_deck(col, cids, TARGET_DECK),
        "add tag": lambda: browser_ops.add_tags(col, nids, "bulkx"),
        "find&replace": lambda: browser_ops.find_and_replace(col, nids, "a", "b"),
        DELETE_NOTES: lambda: browser_ops.delete_notes(col, oldest),
        "rename tag": lambda: browser_ops.rename_tag(col, TOPIC, "subject"),
        "delete tag": lambda: browser_ops.delete_tag(col, TOPIC),
        "remove tags": lambda: browser_ops.remove_tags(col, nids, f"{TOPIC} verbs"),
        "f&r in tags": lambda: browser_ops.find_and_replace_tags(col, nids, "chapter", "ch"),
    }


def _anki_ops(col: Any) -> dict[str, Callable[[], Any]]:
    cids = list(col.find_cards(""))
    nids = list(col.find_notes(""))
    oldest = sorted(nids)[:DELETED]
    did = col.decks.id_for_name(TARGET_DECK)
    return {
        "set deck": lambda: col.set_deck(cids, did),
        "add tag": lambda: col.tags.bulk_add(nids, "bulkx"),
        "find&replace": lambda: col.find_and_replace(note_ids=nids, search="a",
                                                     replacement="b"),
        DELETE_NOTES: lambda: col.remove_notes(oldest),
        "rename tag": lambda: col.tags.rename(TOPIC, "subject"),
        "delete tag": lambda: col.tags.remove(TOPIC),
        "remove tags": lambda: col.tags.bulk_remove(nids, f"{TOPIC} verbs"),
        "f&r in tags": lambda: col.tags.find_and_replace(nids, "chapter", "ch", False, False),
    }


def _add_topic(folder: Path) -> None:
    """Tag every third note TOPIC and every sixth also TOPIC_CHILD, in both files, each
    program with its own bulk add (once: a --reuse run finds them there)."""
    from anki.collection import Collection as AnkiCollection

    from repetend.core import browser_ops
    from repetend.core.collection import Collection

    col = Collection(folder / "repetend.db")
    try:
        if not col.find_notes(f"tag:{TOPIC}"):
            nids = sorted(col.find_notes(""))
            browser_ops.add_tags(col, nids[::3], TOPIC)
            browser_ops.add_tags(col, nids[::6], TOPIC_CHILD)
    finally:
        col.close()
    anki = AnkiCollection(str(folder / "anki.anki2"))
    try:
        if not anki.find_notes(f"tag:{TOPIC}"):
            nids = sorted(anki.find_notes(""))
            anki.tags.bulk_add(nids[::3], TOPIC)
            anki.tags.bulk_add(nids[::6], TOPIC_CHILD)
    finally:
        anki.close()


def _measure(kind: str, folder: Path, work: Path, label: str) -> tuple[list[float], Any]:
    """[op, undo, redo] seconds of one operation on a fresh copy, and its count."""
    if kind == "repetend":
        from repetend.core.collection import Collection

        path = work / "repetend.db"
        _copy(folder / "repetend.db", path)
        col = Collection(path)
        ops = _repetend_ops(col)
    else:
        from anki.collection import Collection as AnkiCollection

        path = work / "anki.anki2"
        _copy(folder / "anki.anki2", path)
        col = AnkiCollection(str(path))
        ops = _anki_ops(col)
    try:
        op_s, result = _time(ops[label])
        if label == DELETE_NOTES:  # (Anki counts cards here, Repetend notes)
            result = col.card_count() if kind == "anki" else \
                col.db.execute("SELECT count() FROM cards").fetchone()[0]
        undo_s, _ = _time(col.undo)
        redo_s, _ = _time(col.redo)
    finally:
        col.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return [op_s, undo_s, redo_s], _count(result)


def run(folder: Path, repeats: int, build: bool = True, only: str | None = None) -> int:
    if build:
        print(f"Building {NOTES:,} notes in both programs ...", flush=True)
        now = int(time.time())
        today = build_repetend(folder / "repetend.db", now)
        build_anki(folder / "anki.anki2", now, today)
    _add_topic(folder)
    labels = LABELS
    if only:
        labels = [x for x in labels if only in x]
    print(f"Each operation on a fresh copy of the {NOTES:,}-note collection; median of "
          f"{repeats}. Seconds.\n")
    print(f"{'operation':<20}{'step':<6}{'repetend':>10}{'anki':>9}{'ratio':>8}")
    mismatches = 0
    ratios = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for label in labels:
            times: dict[str, list[list[float]]] = {"repetend": [], "anki": []}
            counts: dict[str, Any] = {}
            for _ in range(repeats):
                for kind in ("repetend", "anki"):
                    spent, counts[kind] = _measure(kind, folder, work, label)
                    times[kind].append(spent)
            if counts["repetend"] != counts["anki"]:
                print(f"  !! {label}: repetend changed {counts['repetend']}, "
                      f"anki {counts['anki']}")
                mismatches += 1
            for i, step in enumerate(("op", "undo", "redo")):
                r = statistics.median(t[i] for t in times["repetend"])
                a = statistics.median(t[i] for t in times["anki"])
                ratios.append(r / a)
                print(f"{label if i == 0 else '':<20}{step:<6}{r:>10.2f}{a:>9.2f}"
                      f"{r / a:>8.2f}", flush=True)
    print(f"\nworst ratio {max(ratios):.2f}, geometric mean "
          f"{statistics.geometric_mean(ratios):.2f}")
    return mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", help="measure only the operations whose label has this")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the files")
    parser.add_argument("--reuse", type=Path,
                        help="measure the collections a --keep run left in this folder "
                             "(built the same day)")
    args = parser.parse_args()
    os.environ.setdefault("ANKI_TEST_MODE", "1")
    if args.reuse:
        return 1 if run(args.reuse, args.repeats, build=False, only=args.only) else 0
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return 1 if run(args.keep, args.repeats, only=args.only) else 0
    with tempfile.TemporaryDirectory() as folder:
        return 1 if run(Path(folder), args.repeats, only=args.only) else 0


if __name__ == "__main__":
    sys.exit(main())
