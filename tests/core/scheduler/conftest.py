"""A collection on a stopped clock, with helpers to build decks, presets and cards for the
study-queue and answering tests."""

from datetime import UTC, datetime

import pytest

from repetend.core.deckconfig import DeckConfig

#: Collection created 2024-01-01 04:00 UTC, day starts at 04:00 UTC.
CRT = int(datetime(2024, 1, 1, 4, tzinfo=UTC).timestamp())
#: 2024-03-10 12:00 UTC: day 69, 16 hours before the next day starts.
NOW = int(datetime(2024, 3, 10, 12, tzinfo=UTC).timestamp())
TODAY = 69


class Study:
    """Helpers for one collection whose scheduler clock stands at NOW (fuzz off)."""

    def __init__(self, col):
        self.col = col
        col.db.execute("UPDATE col SET crt = ?", (CRT,))
        col.set_config("rollover", 4)
        col.set_config("creationOffset", 0)
        col.sched.tz = UTC
        col.sched.fuzz = False
        col.sched.set_now(NOW)
        assert col.sched.timing().today == TODAY
        col.history.clear()
        self.now = NOW
        self.today = TODAY

    def advance(self, secs: int) -> None:
        self.now += secs
        self.col.sched.set_now(self.now)

    def deck(self, name: str, **options) -> int:
        """A deck; with options, it gets its own preset with them."""
        did = self.col.decks.id(name)
        if options:
            self.preset(did, **options)
        return did

    def preset(self, did: int, **options) -> DeckConfig:
        deck = self.col.decks.get(did)
        conf = DeckConfig(id=0, name=f"preset {deck.name}", **options)
        conf = self.col.save_deck_config(conf)
        deck.config_id = conf.id
        self.col.decks.save(deck)
        return conf

    def limit(self, did: int, **extra) -> None:
        """Set deck overrides (`reviewLimit`, `newLimitToday` …) in the deck's extra."""
        deck = self.col.decks.get(did)
        deck.extra.update(extra)
        self.col.decks.save(deck)

    def note(self, did: int, front: str = "q", notetype: str = "Basic",
             back: str = "a") -> list[int]:
        """Card ids of a new note (Basic by default; "Basic (and reversed card)" gives two)."""
        note = self.col.new_note(notetype)
        note.fields = [front, back]
        return [c.id for c in self.col.add_note(note, did)]

    def set(self, cid: int, **fields) -> None:
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.col.op("Test Setup"):
            self.col.db.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*fields.values(), cid))

    def new(self, did: int, position: int | None = None, front: str = "q") -> int:
        cid = self.note(did, front)[0]
        if position is not None:
            self.set(cid, due=position)
        return cid

    def review(self, did: int, due_in: int = 0, ivl: int = 10, factor: int = 2500,
               front: str = "q", **fields) -> int:
        cid = self.note(did, front)[0]
        self.set(cid, type=2, queue=2, due=self.today + due_in, ivl=ivl, factor=factor,
                 reps=3, **fields)
        return cid

    def learning(self, did: int, due_in_secs: int = 0, left: int = 1, front: str = "q") -> int:
        """An intraday learning card (on the last of the default steps) due in `due_in_secs`."""
        cid = self.note(did, front)[0]
        self.set(cid, type=1, queue=1, due=self.now + due_in_secs, left=left, reps=1)
        return cid

    def interday(self, did: int, due_in: int = 0, front: str = "q") -> int:
        cid = self.note(did, front)[0]
        self.set(cid, type=1, queue=3, due=self.today + due_in, left=1, reps=1)
        return cid

    def card(self, cid: int):
        return self.col.get_card(cid)

    def queue(self, deck) -> list[int]:
        return self.col.sched.queued_card_ids(deck)

    def counts(self, deck) -> tuple[int, int, int]:
        c = self.col.sched.counts(deck)
        return c.new, c.learn, c.review


@pytest.fixture
def study(col):
    return Study(col)
