"""Search benchmark: Repetend against the real `anki` package on the same data, same run.

Not a test. Run with `.venv/bin/python benchmarks/search_vs_anki.py` (needs the `test`
extra, which brings `anki`). It builds a collection of 100,000 notes (about 125,000 cards:
a quarter of the notes have a reversed card) with the same ids, guids, fields, tags, decks,
card states and review history in both programs, then times the twelve typical searches of
issue 7 (deck, tag, field wildcard, is:due, is:new, added, rated, prop, re:, a phrase, a
negated tag, a deck wildcard): each search runs `--repeats` times per program, interleaved,
and the medians are compared. Both must return the same number of cards.

Ratios are Repetend/Anki: below 1.0 Repetend is faster. The same searches are then timed in
notes mode (`find_notes`, the browser's notes mode), and sorting the whole collection by a
column (sort field, due) in both.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import common

NOTES = 100_000
REVERSED_SHARE = 0.25
SEED = 20240607
DAY = 86_400

DECKS = ["Languages", "Languages::French", "Languages::French::Verbs",
         "Languages::French::Nouns", "Languages::Spanish", "Languages::Spanish::Verbs",
         "Languages::German", "Languages::German::Verbs", "Science", "Science::Biology",
         "Science::Chemistry", "History", "History::Europe", "History::Asia", "Music"]
TAGS = ["verbs", "nouns", "adjectives", "grammar::tenses", "grammar::mood", "leech", "marked",
        "hard", "irregular", "vocab::food", "vocab::travel", "vocab::home"] + \
       [f"chapter{i}" for i in range(1, 21)]
COMMON = ["the", "a", "of", "house", "dog", "cat", "running", "singing", "color", "colour",
          "flavor", "is", "in", "and", "to", "big", "small", "red", "green", "water"]

SEARCHES = [
    ("deck", "deck:Languages::French"),
    ("tag", "tag:verbs"),
    ("field wildcard", "front:*ing*"),
    ("is:due", "is:due"),
    ("is:new", "is:new"),
    ("added", "added:7"),
    ("rated", "rated:7"),
    ("prop", "prop:ivl>=30"),
    ("re:", "re:colou?r"),
    ("phrase", '"the house"'),
    ("negated tag", "-tag:verbs"),
    ("deck wildcard", "deck:Lang*::*Verbs"),
]
SORTS = [("sort field", "noteFld"), ("due", "cardDue")]


def _words(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "shi", "gra",
                 "tor", "ing", "el", "an", "qu", "é", "ü"]
    vocab = set(COMMON)
    while len(vocab) < 3000:
        vocab.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(vocab)


def plan(now: int, today: int):  # type: ignore[no-untyped-def]
    """Notes, cards and review-log rows, identical for both programs."""
    rng = random.Random(SEED)
    vocab = _words(rng)
    weights = [30 if w in COMMON else 1 for w in vocab]
    notes, cards, revlog = [], [], []
    start_ms = (now - 730 * DAY) * 1000
    step = (730 * DAY * 1000) // NOTES
    for i in range(NOTES):
        nid = start_ms + i * step
        front = " ".join(rng.choices(vocab, weights, k=rng.randint(2, 7)))
        back = " ".join(rng.choices(vocab, weights, k=rng.randint(3, 10)))
        if rng.random() < 0.1:
            back = f"<b>{back}</b>"
        tags = " ".join(sorted(set(rng.sample(TAGS, rng.randint(0, 3)))))
        reversed_ = rng.random() < REVERSED_SHARE
        deck = rng.randrange(len(DECKS))
        notes.append((nid, f"g{i:06d}", reversed_, f" {tags} " if tags else "",
                      f"{front}\x1f{back}", front, now - rng.randint(0, 400) * DAY))
        for ord_ in range(2 if reversed_ else 1):
            cid = nid + ord_
            r = rng.random()
            if r < 0.5:
                state = (0, 0, i + 1, 0, 0, 0)  # type, queue, due, ivl, factor, reps
            elif r < 0.55:
                state = (1, 1, now + rng.randint(-3600, 7200), 0, 0, rng.randint(1, 3))
            elif r < 0.6:
                state = (1, 3, today + rng.randint(-2, 2), 0, 0, rng.randint(1, 3))
            elif r < 0.95:
                state = (2, 2, today + rng.randint(-30, 365), rng.randint(1, 500),
                         rng.choice([1300, 2100, 2500, 2800]), rng.randint(1, 40))
            else:
                state = (2, -1, today + rng.randint(-30, 100), rng.randint(1, 300), 2500,
                         rng.randint(1, 40))
            cards.append((cid, nid, deck, ord_, *state))
            if state[0] != 0:
                for _ in range(rng.randint(1, 3)):
                    revlog.append((now * 1000 - rng.randint(0, 365 * DAY * 1000)
                                   + rng.randint(0, 999), cid, rng.choice([1, 2, 3, 3, 3, 4]),
                                   rng.choice([0, 1, 2])))
    revlog = list({r[0]: r for r in revlog}.values())
    return notes, cards, revlog


# --- building ---------------------------------------------------------------------------

def build_repetend(path: Path, now: int) -> int:
    """Build the Repetend collection; returns its day number, which the Anki one reuses."""
    from repetend.core.collection import Collection
    from repetend.core.text import field_checksum

    col = Collection(path)
    try:
        dids = [col.decks.id(name) for name in DECKS]
        basic = col.notetypes.by_name("Basic").id
        rev = col.notetypes.by_name("Basic (and reversed card)").id
        today = col.sched.timing().today
        notes, cards, revlog = plan(now, today)
        col.db.execute("BEGIN")
        col.db.executemany(
            "INSERT INTO notes (id, guid, ntid, mtime, usn, tags, flds, sfld, csum) VALUES "
            "(?, ?, ?, ?, -1, ?, ?, ?, ?)",
            [(nid, guid, rev if r else basic, mod, tags, flds, sfld, field_checksum(sfld))
             for nid, guid, r, tags, flds, sfld, mod in notes])
        col.db.executemany(
            "INSERT INTO cards (id, nid, did, ord, mtime, usn, type, queue, due, ivl, factor, "
            "reps) VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?)",
            [(cid, nid, dids[d], o, now, t, q, due, ivl, f, reps)
             for cid, nid, d, o, t, q, due, ivl, f, reps in cards])
        col.db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, time, type) "
            "VALUES (?, ?, -1, ?, 1, 0, 2500, 6000, ?)", revlog)
        col.db.executemany("INSERT OR IGNORE INTO tags (tag) VALUES (?)", [(t,) for t in TAGS])
        col.db.execute("COMMIT")
        col.history.clear()
        return today
    finally:
        col.close()


def build_anki(path: Path, now: int, today: int) -> None:
    from anki.collection import Collection

    from repetend.core.text import field_checksum  # the same checksum as Anki's

    col = Collection(str(path))
    try:
        dids = [col.decks.id(name) for name in DECKS]
        basic = col.models.by_name("Basic")["id"]
        rev = col.models.by_name("Basic (and reversed card)")["id"]
        assert col.sched.today == today, "the two collections disagree on the day"
        notes, cards, revlog = plan(now, today)
        col.db.executemany(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data) "
            "VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
            [(nid, guid, rev if r else basic, mod, tags, flds, sfld, field_checksum(sfld))
             for nid, guid, r, tags, flds, sfld, mod in notes])
        col.db.executemany(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, "
            "reps, lapses, left, odue, odid, flags, data) VALUES "
            "(?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '')",
            [(cid, nid, dids[d], o, now, t, q, due, ivl, f, reps)
             for cid, nid, d, o, t, q, due, ivl, f, reps in cards])
        col.db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, 1, 0, 2500, 6000, ?)", revlog)
        col.db.executemany("INSERT OR IGNORE INTO tags (tag, usn, collapsed) VALUES "
                           "(?, -1, 0)", [(t,) for t in TAGS])
    finally:
        col.close()


# --- measuring --------------------------------------------------------------------------

def _compare(rep_find, anki_find, repeats: int) -> int:  # type: ignore[no-untyped-def]
    """Print a table of the searches, Repetend against Anki; returns the count mismatches.

    Anki returns a protobuf repeated field whose Python ints are made only when read;
    Repetend returns a list. The "as lists" columns also time `list(result)` in both, the
    form a caller that reads every id pays for (ratios are given both ways)."""
    failures, ratios = 0, []
    print(f"{'search':<16}{'query':<26}{'found':>9}{'repetend ms':>13}{'anki ms':>10}"
          f"{'ratio':>8}   as lists:{'repetend':>9}{'anki':>7}{'ratio':>7}")
    for label, query in SEARCHES:
        rep_n, anki_n = len(rep_find(query)), len(anki_find(query))
        if rep_n != anki_n:
            print(f"  !! {query}: repetend found {rep_n}, anki {anki_n}")
            failures += 1
        rep_t, anki_t, rep_l, anki_l = [], [], [], []
        for _ in range(repeats):
            rep_t.append(common.seconds(lambda q=query: rep_find(q)))
            anki_t.append(common.seconds(lambda q=query: anki_find(q)))
            rep_l.append(common.seconds(lambda q=query: list(rep_find(q))))
            anki_l.append(common.seconds(lambda q=query: list(anki_find(q))))
        r, a = statistics.median(rep_t), statistics.median(anki_t)
        rl, al = statistics.median(rep_l), statistics.median(anki_l)
        ratios.append(r / a)
        print(f"{label:<16}{query:<26}{rep_n:>9,}{r * 1000:>13.2f}{a * 1000:>10.2f}"
              f"{r / a:>8.2f}{'':>12}{rl * 1000:>7.2f}{al * 1000:>7.2f}{rl / al:>7.2f}")
    print(f"\nworst ratio {max(ratios):.2f}, geometric mean "
          f"{statistics.geometric_mean(ratios):.2f}")
    return failures


def build_both(folder: Path) -> None:
    """The same collection in both programs: `repetend.db` and `anki.anki2` in `folder`."""
    print(f"Building {NOTES:,} notes in both programs ...", flush=True)
    now = int(time.time())
    today = build_repetend(folder / "repetend.db", now)
    build_anki(folder / "anki.anki2", now, today)


def run(folder: Path, repeats: int, build: bool = True) -> int:
    from anki.collection import Collection as AnkiCollection

    from repetend.core.collection import Collection

    if build:
        build_both(folder)
    rep = Collection(folder / "repetend.db")
    anki = AnkiCollection(str(folder / "anki.anki2"))
    try:
        cards = len(rep.find_cards(""))
        print(f"{cards:,} cards. Median of {repeats} runs each, interleaved.\n")
        failures = _compare(rep.find_cards, anki.find_cards, repeats)
        print("\nNotes mode (find_notes):")
        failures += _compare(rep.find_notes, anki.find_notes, repeats)
        print("\nSorting every card by a column (find_cards with an order):")
        columns = {c.key: c for c in anki.all_browser_columns()}
        for label, key in SORTS:
            rep_t, anki_t = [], []
            for _ in range(repeats):
                rep_t.append(common.seconds(lambda k=key: rep.find_cards("", order=k)))
                anki_t.append(common.seconds(lambda k=key: anki.find_cards("", order=columns[k])))
            r, a = statistics.median(rep_t), statistics.median(anki_t)
            print(f"  by {label:<12} repetend {r * 1000:7.1f} ms   anki {a * 1000:7.1f} ms   "
                  f"ratio {r / a:.2f}")
    finally:
        rep.close()
        anki.close()
    return failures


def main() -> int:
    args = common.parser(__doc__, repeats=9).parse_args()
    common.fuzz(False)
    return common.run_in_folder(args, lambda folder, build: run(folder, args.repeats, build))


if __name__ == "__main__":
    sys.exit(main())
