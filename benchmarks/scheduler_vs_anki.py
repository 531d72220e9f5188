"""Scheduler benchmark: Repetend against the real `anki` package on the same data, same run.

Not a test. Run with `.venv/bin/python benchmarks/scheduler_vs_anki.py` (needs the `test`
extra, which brings `anki`). It builds a collection of 100,000 cards in a three-level deck
tree (1 root, 5 children, 4 grandchildren each), identical in both programs, and measures

- time to the first card: opening the root deck of a freshly opened collection and getting
  the first card with its four next states and button labels (the queue is built here);
- per-answer latency over a 1,000-answer session: answering the shown card and getting the
  next one with its states and labels (p50 and p99);
- CPU time per answer of the whole process over the session (all threads: Repetend copies
  its WAL back into the collection file on a thread of its own, which the latencies do not
  see, and Anki's backend may use threads too).

Ratios are Repetend/Anki: below 1.0 Repetend is faster. Both run with fuzz on (their default).
Anki's load balancer (on by default in Anki) is switched off, since Repetend does not have
it; pass `--anki-load-balancer` to measure Anki as shipped.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

import common

CARDS = 100_000
CHILDREN, GRANDCHILDREN = 5, 4
NEW_SHARE = 0.6
REVIEW_DUE_SPREAD = (-10, 390)  # days relative to today: about 1,100 reviews due
NEW_PER_DAY, REVIEWS_PER_DAY = 200, 9999
SESSION = 1000
REPEATS = 5
SEED = 20240601


def deck_names() -> list[str]:
    names = ["Bench"]
    for c in range(CHILDREN):
        names.append(f"Bench::Child {c}")
        names.extend(f"Bench::Child {c}::Grandchild {g}" for g in range(GRANDCHILDREN))
    return names


def card_plan(today: int) -> list[tuple[int, int, int, int]]:
    """Per card: (leaf index, type, due, ivl), identical for both programs."""
    rng = random.Random(SEED)
    leaves = CHILDREN * GRANDCHILDREN
    plan = []
    position = 0
    for i in range(CARDS):
        leaf = i % leaves
        if rng.random() < NEW_SHARE:
            position += 1
            plan.append((leaf, 0, position, 0))
        else:
            ivl = rng.randint(1, 400)
            plan.append((leaf, 2, today + rng.randint(*REVIEW_DUE_SPREAD), ivl))
    return plan


def answers() -> list[int]:
    rng = random.Random(SEED + 1)
    return [rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0] for _ in range(SESSION)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


# --- Repetend ---------------------------------------------------------------------------

def build_repetend(path: Path) -> None:
    from repetend.core.collection import Collection
    from repetend.core.text import field_checksum

    col = Collection(path)
    try:
        conf = col.deck_config(1)
        conf.new_per_day, conf.reviews_per_day = NEW_PER_DAY, REVIEWS_PER_DAY
        col.save_deck_config(conf)
        dids = [col.decks.id(name) for name in deck_names()]
        leaves = [d for d, n in zip(dids, deck_names(), strict=True) if n.count("::") == 2]
        ntid = col.notetypes.by_name("Basic").id
        today = col.sched.timing().today
        now = int(time.time())
        base = int(time.time() * 1000)
        notes, cards = [], []
        for i, (leaf, ctype, due, ivl) in enumerate(card_plan(today)):
            nid = cid = base + i
            front = f"Question {i}"
            notes.append((nid, f"g{i}", ntid, now, "", f"{front}\x1fAnswer {i}", front,
                          field_checksum(front)))
            queue = 0 if ctype == 0 else 2
            cards.append((cid, nid, leaves[leaf], 0, now, ctype, queue, due, ivl,
                          2500 if ctype == 2 else 0, 3 if ctype == 2 else 0))
        col.db.execute("BEGIN")
        col.db.executemany("INSERT INTO notes (id, guid, ntid, mtime, usn, tags, flds, sfld, "
                           "csum) VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?)", notes)
        col.db.executemany("INSERT INTO cards (id, nid, did, ord, mtime, usn, type, queue, "
                           "due, ivl, factor, reps) VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?)",
                           cards)
        col.db.execute("COMMIT")
        col.history.clear()
    finally:
        col.close()


def first_card_repetend(path: Path) -> float:
    from repetend.core.collection import Collection

    col = Collection(path)
    try:
        start = time.perf_counter()
        queued = col.sched.get_next_card("Bench")
        elapsed = time.perf_counter() - start
        assert queued is not None
        return elapsed
    finally:
        col.close()


def session_repetend(path: Path) -> tuple[list[float], float]:
    from repetend.core.collection import Collection

    col = Collection(path)
    try:
        deck = col.decks.by_name("Bench")
        queued = col.sched.get_next_card(deck)
        latencies = []
        cpu = time.process_time()
        for button in answers():
            assert queued is not None, "the session ran out of cards"
            start = time.perf_counter()
            col.sched.answer_card(queued.card, button, states=queued.states,
                                  time_taken_ms=3000)
            queued = col.sched.get_next_card(deck)
            latencies.append(time.perf_counter() - start)
        cpu = time.process_time() - cpu
        return latencies, cpu
    finally:
        col.close()


# --- Anki -------------------------------------------------------------------------------

def build_anki(path: Path, load_balancer: bool) -> None:
    """Decks and options through Anki's API; the 100,000 notes and cards written straight
    into its SQLite file (through the API this takes minutes; the rows are the same)."""
    import sqlite3

    from anki.collection import Collection

    from repetend.core.text import field_checksum  # the same checksum as Anki's

    col = Collection(str(path))
    try:
        col.set_config("loadBalancerEnabled", load_balancer)
        conf = col.decks.config_dict_for_deck_id(1)
        conf["new"]["perDay"], conf["rev"]["perDay"] = NEW_PER_DAY, REVIEWS_PER_DAY
        col.decks.update_config(conf)
        dids = [col.decks.id(name) for name in deck_names()]
        leaves = [d for d, n in zip(dids, deck_names(), strict=True) if n.count("::") == 2]
        mid = col.models.by_name("Basic")["id"]
        today = col.sched.today
    finally:
        col.close()
    now = int(time.time())
    base = int(time.time() * 1000)
    notes, cards = [], []
    for i, (leaf, ctype, due, ivl) in enumerate(card_plan(today)):
        nid = cid = base + i
        front = f"Question {i}"
        notes.append((nid, f"g{i}", mid, now, "", f"{front}\x1fAnswer {i}", front,
                      field_checksum(front)))
        queue = 0 if ctype == 0 else 2
        cards.append((cid, nid, leaves[leaf], 0, now, ctype, queue, due, ivl,
                      2500 if ctype == 2 else 0, 3 if ctype == 2 else 0))
    db = sqlite3.connect(path)
    try:
        with db:
            db.executemany("INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, "
                           "flags, data) VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')", notes)
            db.executemany("INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, "
                           "ivl, factor, reps, lapses, left, odue, odid, flags, data) VALUES "
                           "(?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '')", cards)
    finally:
        db.close()


def _anki_show(col, queued_cards) -> object:  # type: ignore[no-untyped-def]
    queued = queued_cards.cards[0]
    col.sched.describe_next_states(queued.states)
    return queued


def first_card_anki(path: Path) -> float:
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        did = col.decks.id("Bench")
        col.decks.select(did)
        start = time.perf_counter()
        _anki_show(col, col.sched.get_queued_cards(fetch_limit=1))
        return time.perf_counter() - start
    finally:
        col.close()


def session_anki(path: Path) -> tuple[list[float], float]:
    from anki.cards import Card
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    ratings = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    col = Collection(str(path))
    try:
        col.decks.select(col.decks.id("Bench"))
        queued = _anki_show(col, col.sched.get_queued_cards(fetch_limit=1))
        latencies = []
        cpu = time.process_time()
        for button in answers():
            start = time.perf_counter()
            card = Card(col)
            card._load_from_backend_card(queued.card)  # type: ignore[attr-defined]
            card.timer_started = time.time() - 3
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states,
                                                         rating=ratings[button]))
            queued = _anki_show(col, col.sched.get_queued_cards(fetch_limit=1))
            latencies.append(time.perf_counter() - start)
        cpu = time.process_time() - cpu
        return latencies, cpu
    finally:
        col.close()


# --- main -------------------------------------------------------------------------------

SYSTEMS = {
    "repetend": (build_repetend, first_card_repetend, session_repetend),
    "anki": (None, first_card_anki, session_anki),
}


def measure(folder: Path, anki_load_balancer: bool, repeats: int,
            sessions: int) -> dict[str, dict[str, float]]:
    """Build both collections once, then measure on fresh copies, alternating between the
    two programs so that load from other processes hits both alike."""
    pristine = {}
    for name in SYSTEMS:
        path = folder / f"{name}-pristine" / "collection.anki2"
        path.parent.mkdir()
        if name == "anki":
            build_anki(path, anki_load_balancer)
        else:
            build_repetend(path)
        pristine[name] = path
    firsts: dict[str, list[float]] = {name: [] for name in SYSTEMS}
    latencies: dict[str, list[float]] = {name: [] for name in SYSTEMS}
    cpu: dict[str, float] = {name: 0.0 for name in SYSTEMS}
    copies = 0

    def fresh(name: str) -> Path:
        nonlocal copies
        copies += 1
        path = folder / f"{name}-{copies}" / "collection.anki2"
        path.parent.mkdir()
        _copy_collection(pristine[name], path)
        return path

    for _ in range(repeats):
        for name, (_, first, _) in SYSTEMS.items():
            firsts[name].append(first(fresh(name)))
    for _ in range(sessions):
        for name, (_, _, session) in SYSTEMS.items():
            timed, seconds = session(fresh(name))
            latencies[name].extend(timed)
            cpu[name] += seconds
    return {name: {
        "first_card_ms": statistics.median(firsts[name]) * 1000,
        "answer_p50_ms": percentile(latencies[name], 50) * 1000,
        "answer_p99_ms": percentile(latencies[name], 99) * 1000,
        "answer_mean_ms": statistics.mean(latencies[name]) * 1000,
        "answer_max_ms": max(latencies[name]) * 1000,
        "answer_cpu_ms": cpu[name] / len(latencies[name]) * 1000,
    } for name in SYSTEMS}


def main() -> int:
    parser = common.parser(__doc__, repeats=REPEATS, reusable=False,
                           repeats_help="fresh copies timed for the first card "
                                        f"(default {REPEATS})")
    parser.add_argument("--anki-load-balancer", action="store_true",
                        help="leave Anki's load balancer on (its default)")
    parser.add_argument("--sessions", type=int, default=2,
                        help="1,000-answer sessions per program (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    try:
        import anki  # noqa: F401
    except ImportError:
        print("the `anki` package is needed: .venv/bin/pip install anki==26.9.3",
              file=sys.stderr)
        return 1
    common.fuzz(True)
    with common.work_folder(args) as (tmp, _):
        results = measure(tmp, args.anki_load_balancer, args.repeats, args.sessions)
    ratios = {key: results["repetend"][key] / results["anki"][key]
              for key in results["repetend"]}
    if args.json:
        print(json.dumps({"results": results, "ratios": ratios}, indent=2))
        return 0
    print(f"{CARDS:,} cards, deck tree 1/{CHILDREN}/{CHILDREN * GRANDCHILDREN}, "
          f"{args.sessions} x {SESSION:,}-answer sessions, first card median of "
          f"{args.repeats}, Anki load balancer {'on' if args.anki_load_balancer else 'off'}")
    print(f"{'':<22}{'Repetend':>12}{'Anki':>12}{'ratio R/A':>12}")
    labels = {"first_card_ms": "time to first card", "answer_p50_ms": "per answer p50",
              "answer_p99_ms": "per answer p99", "answer_mean_ms": "per answer mean",
              "answer_max_ms": "per answer max", "answer_cpu_ms": "CPU per answer"}
    for key, label in labels.items():
        print(f"{label:<22}{results['repetend'][key]:>10.2f}ms{results['anki'][key]:>10.2f}ms"
              f"{ratios[key]:>12.2f}")
    return 0


def _copy_collection(source: Path, target: Path) -> None:
    """Copy a closed collection file (and its WAL side files, if any)."""
    import shutil

    for suffix in ("", "-wal", "-shm"):
        src = Path(str(source) + suffix)
        if src.exists():
            shutil.copyfile(src, Path(str(target) + suffix))


if __name__ == "__main__":
    sys.exit(main())
