"""Twin collections for the search oracle: the same content in Repetend and in Anki.

`Twin` builds both from one description (same note guids, ids and modification times, same
decks, presets, tags, flags, card states, custom data and review history) and compares
`find_cards` between them, mapping every card to its note guid and template ordinal.
The real `anki` package (test extra) is the oracle; it is only imported here and in the
benchmark.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from repetend.core.collection import Collection
from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import DECK_FILTERED
from repetend.core.errors import InvalidInput
from repetend.core.notetypes import Field, NoteType, Template
from repetend.core.search import UnknownNameError
from repetend.core.search.timing import today

os.environ.setdefault("ANKI_TEST_MODE", "1")
DAY = 86_400


@dataclass
class NoteRef:
    guid: str
    nid: int
    ntid_rep: int
    ntid_anki: int
    card_ids: dict[int, int] = field(default_factory=dict)


@dataclass
class Outcome:
    query: str
    anki: set[tuple[str, int]] | None
    rep: set[tuple[str, int]] | None
    anki_error: str = ""
    rep_error: str = ""
    unknown_name: bool = False

    @property
    def agrees(self) -> bool:
        if self.unknown_name:
            # Repetend refuses an exact name that does not exist; Anki finds nothing.
            return self.anki_error == ""
        if self.anki_error or self.rep_error:
            return bool(self.anki_error) and bool(self.rep_error)
        return self.anki == self.rep

    def describe(self) -> str:
        if self.anki_error or self.rep_error:
            return (f"{self.query!r}: anki error={self.anki_error!r} "
                    f"repetend error={self.rep_error!r}")
        assert self.anki is not None and self.rep is not None
        return (f"{self.query!r}: only anki={sorted(self.anki - self.rep)[:8]} "
                f"only repetend={sorted(self.rep - self.anki)[:8]} "
                f"(anki {len(self.anki)}, repetend {len(self.rep)})")


class Twin:
    """A Repetend collection and an Anki collection kept in step."""

    def __init__(self, folder) -> None:  # type: ignore[no-untyped-def]
        anki_collection = pytest.importorskip("anki.collection")
        path = str(folder / "anki.anki2")
        self.anki = anki_collection.Collection(path)
        # A collection some months old, so that day numbers are not all near zero.
        crt = self.anki.db.scalar("select crt from col") - 100 * DAY
        self.anki.db.execute("update col set crt = ?", crt)
        self.anki.close()
        self.anki = anki_collection.Collection(path)
        self.rep = Collection(folder / "repetend.db")
        # One clock for both: Anki's creation time, offset and rollover hour.
        self.rep.db.execute("UPDATE col SET crt = ?", (crt,))
        self.rep._write_config("creationOffset", self.anki.get_config("creationOffset", 0))
        self.rep._write_config("rollover", self.anki.get_config("rollover", 4))
        self.now = int(time.time())
        self.today = self.anki.sched.today
        self.next_day_at = self.anki.sched.day_cutoff
        mine = today(self.rep, self.now)
        assert (mine.today, mine.next_day_at) == (self.today, self.next_day_at)
        self._serial = 0
        self.notes: list[NoteRef] = []
        self.decks: dict[str, tuple[int, int]] = {"Default": (1, 1)}
        self.presets: dict[str, tuple[int, int]] = {"Default": (1, 1)}

    def close(self) -> None:
        self.anki.close()
        self.rep.close()

    # --- structure ---------------------------------------------------------------------

    def deck(self, name: str, filtered: bool = False, preset: str | None = None) -> None:
        if filtered:
            did_anki = self.anki.decks.new_filtered(name)
            with self.rep.op("Add Deck"):
                did_rep = self.rep.decks._create(name, kind=DECK_FILTERED)
        else:
            did_anki = self.anki.decks.id(name)
            did_rep = self.rep.decks.id(name)
        # Parents created on the way.
        parts = name.split("::")
        for depth in range(1, len(parts)):
            parent = "::".join(parts[:depth])
            self.decks.setdefault(parent, (self.rep.decks.id(parent, create=False),
                                           self.anki.decks.id_for_name(parent)))
        self.decks[name] = (did_rep, did_anki)
        if preset:
            self.use_preset(name, preset)

    def preset(self, name: str) -> None:
        conf = self.rep.save_deck_config(DeckConfig(name=name))
        anki_conf = self.anki.decks.add_config_returning_id(name)
        self.presets[name] = (conf.id, anki_conf)

    def use_preset(self, deck: str, preset: str) -> None:
        did_rep, did_anki = self.decks[deck]
        conf_rep, conf_anki = self.presets[preset]
        d = self.rep.decks.get(did_rep)
        d.config_id = conf_rep
        self.rep.decks.save(d)
        ad = self.anki.decks.get(did_anki)
        ad["conf"] = conf_anki
        self.anki.decks.save(ad)

    def notetype(self, name: str, fields: list[str], templates: list[tuple[str, str, str]],
                 excluded: tuple[str, ...] = ()) -> None:
        nt = NoteType(name=name, fields=[Field(f, exclude_from_search=f in excluded)
                                         for f in fields],
                      templates=[Template(t, q, a) for t, q, a in templates])
        self.rep.notetypes.add(nt)
        mm = self.anki.models
        m = mm.new(name)
        for f in fields:
            fld = mm.new_field(f)
            fld["excludeFromSearch"] = f in excluded
            mm.add_field(m, fld)
        for t, q, a in templates:
            tmpl = mm.new_template(t)
            tmpl["qfmt"], tmpl["afmt"] = q, a
            mm.add_template(m, tmpl)
        mm.add(m)

    def exclude_field(self, notetype: str, field_name: str, excluded: bool = True) -> None:
        nt = self.rep.notetypes.by_name(notetype)
        for f in nt.fields:
            if f.name == field_name:
                f.exclude_from_search = excluded
        self.rep.notetypes.update(nt)
        m = self.anki.models.by_name(notetype)
        for f in m["flds"]:
            if f["name"] == field_name:
                f["excludeFromSearch"] = excluded
        self.anki.models.update_dict(m)

    def set_config(self, key: str, value: Any) -> None:
        self.rep.set_config(key, value)
        self.anki.set_config(key, value)

    def current_deck(self, name: str) -> None:
        did_rep, did_anki = self.decks[name]
        self.rep.set_config("curDeck", did_rep)
        self.anki.decks.select(did_anki)

    # --- content -------------------------------------------------------------------------

    def _stamp(self, days_ago: float) -> int:
        self._serial += 1
        return (self.now - int(days_ago * DAY)) * 1000 - 500_000 + self._serial

    def note(self, notetype: str, *values: str, tags: str = "", deck: str = "Default",
             added_days_ago: float = 30, edited_days_ago: float | None = None) -> NoteRef:
        nt_rep = self.rep.notetypes.by_name(notetype)
        note = self.rep.new_note(nt_rep)
        note.fields = list(values) + [""] * (len(nt_rep.fields) - len(values))
        note.tags = tags.split()
        self.rep.add_note(note, self.decks[deck][0])
        m = self.anki.models.by_name(notetype)
        anote = self.anki.new_note(m)
        for i, value in enumerate(note.fields):
            anote.fields[i] = value
        anote.tags = tags.split()
        anote.guid = note.guid
        self.anki.add_note(anote, self.decks[deck][1])
        nid = self._stamp(added_days_ago)
        edited = self.now - int((added_days_ago if edited_days_ago is None
                                 else edited_days_ago) * DAY) - 600
        db = self.rep.db
        db.execute("BEGIN")
        db.execute("UPDATE cards SET nid = ? WHERE nid = ?", (nid, note.id))
        db.execute("UPDATE notes SET id = ?, mtime = ? WHERE id = ?", (nid, edited, note.id))
        db.execute("COMMIT")
        self.anki.db.execute("update cards set nid = ? where nid = ?", nid, anote.id)
        self.anki.db.execute("update notes set id = ?, mod = ? where id = ?", nid, edited,
                             anote.id)
        ref = NoteRef(note.guid, nid, nt_rep.id, m["id"])
        ords_rep = [r[0] for r in db.execute("SELECT ord FROM cards WHERE nid = ? ORDER BY ord",
                                              (nid,))]
        ords_anki = self.anki.db.list("select ord from cards where nid = ? order by ord", nid)
        assert ords_rep == ords_anki, (values, ords_rep, ords_anki)
        for ord_ in ords_rep:
            cid = self._stamp(added_days_ago)
            db.execute("UPDATE cards SET id = ? WHERE nid = ? AND ord = ?", (cid, nid, ord_))
            self.anki.db.execute("update cards set id = ? where nid = ? and ord = ?", cid, nid,
                                 ord_)
            ref.card_ids[ord_] = cid
        self.notes.append(ref)
        return ref

    def card(self, ref: NoteRef, ord_: int = 0, *, deck: str | None = None,
             home: str | None = None, data: dict[str, Any] | None = None,
             **values: int) -> None:
        """Set a card's columns in both (`deck`/`home` by name; `data` as JSON)."""
        cid = ref.card_ids[ord_]
        rep_set: dict[str, Any] = dict(values)
        anki_set: dict[str, Any] = dict(values)
        if deck is not None:
            rep_set["did"], anki_set["did"] = self.decks[deck]
        if home is not None:
            rep_set["odid"], anki_set["odid"] = self.decks[home]
        if data is not None:
            rep_set["data"] = anki_set["data"] = json.dumps(data, separators=(",", ":"))
        if rep_set:
            self.rep.db.execute(
                f"UPDATE cards SET {', '.join(f'{k} = ?' for k in rep_set)} WHERE id = ?",
                (*rep_set.values(), cid))
            self.anki.db.execute(
                f"update cards set {', '.join(f'{k} = ?' for k in anki_set)} where id = ?",
                *anki_set.values(), cid)

    def review(self, ref: NoteRef, ord_: int = 0, *, days_ago: float, ease: int,
               kind: int = 1, ivl: int = 1, last_ivl: int = 0, factor: int = 2500,
               taken: int = 5000) -> None:
        rid = self._stamp(days_ago)
        cid = ref.card_ids[ord_]
        self.rep.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, "
                            "time, type) VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                            (rid, cid, ease, ivl, last_ivl, factor, taken, kind))
        self.anki.db.execute("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, "
                             "time, type) values (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                             rid, cid, ease, ivl, last_ivl, factor, taken, kind)

    # --- comparing -------------------------------------------------------------------------

    def _keys_anki(self, cids: list[int]) -> set[tuple[str, int]]:
        if not cids:
            return set()
        rows = self.anki.db.all(
            "select n.guid, c.ord from cards c join notes n on n.id = c.nid where c.id in "
            f"({','.join(map(str, cids))})")
        return {(g, o) for g, o in rows}

    def _keys_rep(self, cids: list[int]) -> set[tuple[str, int]]:
        if not cids:
            return set()
        rows = self.rep.db.execute(
            "SELECT n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid WHERE c.id IN "
            f"({','.join(map(str, cids))})").fetchall()
        return {(g, o) for g, o in rows}

    def outcome(self, query: str) -> Outcome:
        out = Outcome(query, None, None)
        try:
            out.anki = self._keys_anki(list(self.anki.find_cards(query)))
        except Exception as exc:  # noqa: BLE001 - any Anki failure counts as an error
            out.anki_error = str(exc).replace("\u2068", "").replace("\u2069", "")[:200] or "?"
        try:
            out.rep = self._keys_rep(self.rep.find_cards(query))
        except UnknownNameError as exc:
            out.rep_error = str(exc)
            out.unknown_name = True
        except InvalidInput as exc:
            out.rep_error = str(exc) or "?"
        return out

    def disagreements(self, queries: list[str]) -> list[Outcome]:
        return [o for o in map(self.outcome, queries) if not o.agrees]

    def notes_agree(self, query: str) -> bool:
        anki = set(self.anki.find_notes(query))
        rep = set(self.rep.find_notes(query))
        return anki == rep


@pytest.fixture(scope="session")
def make_twin():
    """The `Twin` class, for module-scoped fixtures that build their own."""
    return Twin


@pytest.fixture
def twin(tmp_path):
    t = Twin(tmp_path)
    yield t
    t.close()
