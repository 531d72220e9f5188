"""Browser benchmark: sorting the whole collection by a column and showing the first screen.

Not a test. Run with `.venv/bin/python benchmarks/browser_vs_anki.py` (needs the `test`
extra, which brings `anki`). It builds the 100,000-note collection of `search_vs_anki.py`
(same helpers, same data in both programs), then for each sortable column, in cards mode
and in notes mode, times an empty search sorted by that column plus the cells of the
first screen (40 rows; the browser's default columns and the sorted one):

- Repetend: `BrowserTable.search("", sort=key)` then `row(i)` for the first 40 rows;
- Anki: `find_cards("", order=column)` (or `find_notes`) then `browser_row_for_id` for
  the first 40 ids, with the same columns active.

Each is run `--repeats` times, interleaved; medians are compared (ratio = Repetend/Anki,
below 1.0 Repetend is faster). Issue 7's target: well under 100 ms for Repetend.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from search_vs_anki import build_both  # noqa: E402

SCREEN = 40
TARGET_MS = 100.0


def run(folder: Path, repeats: int, build: bool = True, modes: tuple[bool, ...] = (False, True)
        ) -> int:
    from anki.collection import Collection as AnkiCollection
    from anki.config import Config

    from repetend.core.browser_table import BrowserTable
    from repetend.core.collection import Collection

    if build:
        build_both(folder)
    rep = Collection(folder / "repetend.db")
    anki = AnkiCollection(str(folder / "anki.anki2"))
    slow = 0
    try:
        anki_columns = {c.key: c for c in anki.all_browser_columns()}
        for notes in modes:
            table = BrowserTable(rep, notes_mode=notes)
            keys = [c.key for c in table.available_columns() if c.sortable]
            base = ["noteFld", "note", "template", "noteTags"] if notes else \
                ["noteFld", "template", "cardDue", "deck"]
            rows = len(rep.find_notes("") if notes else rep.find_cards(""))
            print(f"\n{'Notes' if notes else 'Cards'} mode: {rows:,} rows; sort everything by "
                  f"a column + cells of the first {SCREEN} rows. Median of {repeats}.\n")
            print(f"{'column':<18}{'repetend ms':>12}{'anki ms':>10}{'ratio':>8}")
            anki.set_config_bool(Config.Bool.BROWSER_TABLE_SHOW_NOTES_MODE, notes)
            ratios = []
            for key in keys:
                shown = list(dict.fromkeys([*base, key]))
                table.set_columns(shown, remember=False)
                if notes:
                    anki.set_browser_note_columns(shown)
                else:
                    anki.set_browser_card_columns(shown)
                column = anki_columns[key]
                find = anki.find_notes if notes else anki.find_cards

                def ours(k: str = key, t: BrowserTable = table) -> None:
                    t.search("", sort=k, remember=False)
                    for i in range(min(SCREEN, len(t))):
                        t.row(i)

                def theirs(c=column, f=find) -> None:  # type: ignore[no-untyped-def]
                    ids = f("", order=c)
                    for item in ids[:SCREEN]:
                        list(anki.browser_row_for_id(item)[0])

                rep_t, anki_t = [], []
                for _ in range(repeats):
                    rep_t.append(common.seconds(ours))
                    anki_t.append(common.seconds(theirs))
                r, a = statistics.median(rep_t), statistics.median(anki_t)
                ratios.append(r / a)
                flag = "" if r * 1000 < TARGET_MS else "  over target"
                slow += bool(flag)
                print(f"{key:<18}{r * 1000:>12.1f}{a * 1000:>10.1f}{r / a:>8.2f}{flag}",
                      flush=True)
            print(f"worst ratio {max(ratios):.2f}, geometric mean "
                  f"{statistics.geometric_mean(ratios):.2f}")
    finally:
        rep.close()
        anki.close()
    return slow


def main() -> int:
    parser = common.parser(__doc__, repeats=5)
    parser.add_argument("--cards-only", action="store_true", help="skip notes mode")
    args = parser.parse_args()
    common.fuzz(False)
    modes = (False,) if args.cards_only else (False, True)
    return common.run_in_folder(
        args, lambda folder, build: run(folder, args.repeats, build, modes=modes))


if __name__ == "__main__":
    sys.exit(main())
