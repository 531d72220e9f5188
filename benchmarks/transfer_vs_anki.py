"""Import/export benchmark: Repetend against the real `anki` package on the same files.

Not a test. Run with `.venv/bin/python benchmarks/transfer_vs_anki.py [--notes N]` (needs
the `test` extra, which brings `anki`). It builds one collection of N notes (default
100,000; Basic (and reversed card), so 2N cards, a third of them reviewed with review-log
rows, tags, three decks), exports it once as the shared .apkg, writes an N-line TSV, and
times in the same run:

- importing the .apkg into a fresh collection (scheduling included);
- exporting that collection again as an .apkg;
- importing the TSV into a fresh collection.

Each is timed `--repeat` times (Repetend and Anki alternating which goes first, fresh
collections every round) and the best wall time of each side is compared; CPU time of
the process is printed beside it, as a check when the machine is shared. Ratios are
Repetend/Anki: below 1.0 Repetend is faster.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ANKI_TEST_MODE", "1")

from anki.collection import Collection as AnkiCollection  # noqa: E402
from anki.collection import (  # noqa: E402
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)

from repetend.core.collection import Collection  # noqa: E402
from repetend.core.ids import new_guid  # noqa: E402
from repetend.core.importing.apkg_export import ExportOptions, export_apkg  # noqa: E402
from repetend.core.importing.apkg_import import import_apkg  # noqa: E402
from repetend.core.importing.text_import import TextOptions, import_text  # noqa: E402
from repetend.core.text import field_checksum  # noqa: E402

SEED = 20240601


def build_source(folder: Path, notes: int) -> Collection:
    rng = random.Random(SEED)
    col = Collection(folder / "source.db")
    nt = col.notetypes.by_name("Basic (and reversed card)")
    decks = [col.decks.id(n) for n in ("Bench", "Bench::A", "Bench::B")]
    base_id = 1_600_000_000_000
    with col.op("Build"):
        for i in range(notes):
            nid = base_id + i
            front, back = f"word {i} <b>{rng.random():.6f}</b>", f"meaning {i}"
            col.db.execute(
                "INSERT INTO notes (id, guid, ntid, mtime, usn, tags, flds, sfld, csum) "
                "VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?)",
                (nid, new_guid(), nt.id, 1_700_000_000, f" bench t{i % 50} ",
                 f"{front}\x1f{back}", front, field_checksum(front)))
            for ord_ in (0, 1):
                cid = base_id + 2 * i + ord_
                reviewed = rng.random() < 1 / 3
                col.db.execute(
                    "INSERT INTO cards (id, nid, did, ord, mtime, type, queue, due, ivl, factor, "
                    "reps) VALUES (?, ?, ?, ?, 1700000000, ?, ?, ?, ?, ?, ?)",
                    (cid, nid, decks[i % 3], ord_, 2 if reviewed else 0, 2 if reviewed else 0,
                     rng.randint(0, 300) if reviewed else i + 1, 10 if reviewed else 0,
                     2500 if reviewed else 0, 3 if reviewed else 0))
                if reviewed:
                    for r in range(3):
                        col.db.execute(
                            "INSERT INTO revlog (id, cid, ease, ivl, last_ivl, factor, time, "
                            "type) VALUES (?, ?, 3, 1, 0, 2500, 4000, 1)",
                            (2 * base_id + (2 * i + ord_) * 3 + r, cid))
        col.db.execute("INSERT OR IGNORE INTO tags (tag) VALUES ('bench')")
    col.history.clear()
    return col


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call; the anki package works in
    this process too, so CPU time compares both fairly on a loaded machine."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def run_repetend(root: Path, package: Path, tsv: Path, n: int) -> dict[str, tuple[float, float]]:
    folder = root / f"r{n}"
    (folder / "apkg").mkdir(parents=True)
    (folder / "tsv").mkdir()
    ours = Collection(folder / "apkg" / "collection.db")
    out = {"apkg import": timed(lambda: import_apkg(ours, package)),
           "apkg export": timed(lambda: export_apkg(ours, folder / "out.apkg",
                                                    ExportOptions()))}
    ours.close()
    ours = Collection(folder / "tsv" / "collection.db")
    out["tsv import"] = timed(lambda: import_text(ours, tsv, TextOptions()))
    ours.close()
    return out


def run_anki(root: Path, package: Path, tsv: Path, n: int) -> dict[str, tuple[float, float]]:
    folder = root / f"a{n}"
    (folder / "apkg").mkdir(parents=True)
    (folder / "tsv").mkdir()
    anki = AnkiCollection(str(folder / "apkg" / "collection.anki2"))
    request = ImportAnkiPackageRequest(package_path=str(package), options=(
        ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)))
    out = {"apkg import": timed(lambda: anki.import_anki_package(request)),
           "apkg export": timed(lambda: anki.export_anki_package(
               out_path=str(folder / "out.apkg"), limit=None, options=ExportAnkiPackageOptions(
                   with_scheduling=True, with_deck_configs=True, with_media=True,
                   legacy=False)))}
    anki.close()
    anki = AnkiCollection(str(folder / "tsv" / "collection.anki2"))
    metadata = anki.get_csv_metadata(str(tsv), None)
    out["tsv import"] = timed(lambda: anki.import_csv(ImportCsvRequest(path=str(tsv),
                                                                       metadata=metadata)))
    anki.close()
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds, Repetend and Anki alternating which goes first; the "
                             "best time of each is reported (default 3)")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    names = ("apkg import", "apkg export", "tsv import")
    ours: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    theirs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"building {args.notes:,} notes …", file=sys.stderr)
        src = build_source(root, args.notes)
        package = root / "shared.apkg"
        export_apkg(src, package)
        src.close()
        tsv = root / "shared.tsv"
        with tsv.open("w", encoding="utf-8") as handle:
            handle.write("#separator:Tab\n#html:false\n#notetype:Basic\n#deck:Bench TSV\n")
            for i in range(args.notes):
                handle.write(f"front {i}\tback {i}\ttag{i % 20}\n")
        for n in range(max(args.repeat, 1)):
            runners = [(run_repetend, ours), (run_anki, theirs)]
            for runner, into in runners if n % 2 == 0 else runners[::-1]:
                for name, value in runner(root, package, tsv, n).items():
                    into[name].append(value)
                load.append(os.getloadavg()[0])
            print(f"round {n + 1} done (load average {load[-1]:.1f})", file=sys.stderr)

    for name in names:
        r, a = min(w for w, _ in ours[name]), min(w for w, _ in theirs[name])
        rc, ac = min(c for _, c in ours[name]), min(c for _, c in theirs[name])
        results[name] = {"repetend_s": round(r, 3), "anki_s": round(a, 3),
                         "ratio": round(r / a, 2) if a else float("inf"),
                         "repetend_cpu_s": round(rc, 3), "anki_cpu_s": round(ac, 3),
                         "cpu_ratio": round(rc / ac, 2) if ac else float("inf")}
        print(f"{name:12} Repetend {r:8.2f} s   Anki {a:8.2f} s   ratio {r / a:5.2f}   "
              f"(CPU {rc:.2f} s / {ac:.2f} s = {rc / ac:.2f})")
    print(f"load average {min(load):.1f}–{max(load):.1f} on {os.cpu_count()} CPUs; best of "
          f"{max(args.repeat, 1)} rounds")
    print(json.dumps({"notes": args.notes, "repeat": max(args.repeat, 1),
                      "load": [round(min(load), 1), round(max(load), 1)], **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
