"""Tools → Check Database: find and repair what a damaged or hand-edited file can hold.

The file must first pass SQLite's `PRAGMA integrity_check`; a file that fails it is left
untouched (its repair is a backup's job). Every repair then runs in ONE operation, "Check
Database", so a single undo restores the file exactly as it was. VACUUM and ANALYZE come
after the commit: SQLite cannot run VACUUM inside a transaction. The report uses Anki's
wording (its `database-check-*` strings) and, as Anki's, always ends with "Database rebuilt
and optimized."
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from repetend.core import cardgen
from repetend.core.decks import DECK_FILTERED, DEFAULT_DECK_ID, Deck
from repetend.core.errors import CollectionError
from repetend.core.ids import intTime
from repetend.core.notes import FIELD_SEPARATOR, Note, str_to_tags
from repetend.core.notetypes import Field, NoteType, Template
from repetend.core.text import field_checksum, strip_html_preserving_media_filenames

if TYPE_CHECKING:
    from repetend.core.collection import Collection

OP_NAME = "Check Database"
NOTHING_WRONG = "Database rebuilt and optimized."
#: Anki's limits: a review due or a new position from here on is not a real one.
DUE_LIMIT = 1_000_000
_CARD_INT_COLUMNS = ("type", "queue", "due", "ivl", "factor", "reps", "lapses", "left",
                     "odue", "odid", "flags")
_REVLOG_INT_COLUMNS = ("ease", "ivl", "last_ivl", "factor", "time", "type")

RECOVERED_NOTETYPES = (
    'One or more note types were missing. The notes that used them have been given new '
    'note types starting with "db-check", but field names and card design have been lost, '
    'so you may be better off restoring from an automatic backup.')


@dataclass
class CheckResult:
    """What Check Database found and fixed, counted per kind of problem."""

    card_properties: int = 0
    new_card_high_due: int = 0
    cards_missing_note: int = 0
    decks_missing: int = 0
    field_count: int = 0
    notetypes_recovered: int = 0
    templates_missing: int = 0
    revlog_properties: int = 0
    #: silent repairs (Anki does not report them): sort fields, checksums, tag list
    silent: dict[str, int] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """The report's lines, in Anki's order."""
        lines = []

        def add(count: int, one: str, other: str) -> None:
            if count:
                lines.append((one if count == 1 else other).format(n=count))

        add(self.card_properties, "Fixed {n} invalid card property.",
            "Fixed {n} invalid card properties.")
        add(self.new_card_high_due, "Found {n} new card with a due number >= 1,000,000 - "
            "consider repositioning it in the Browse screen.",
            "Found {n} new cards with a due number >= 1,000,000 - consider repositioning "
            "them in the Browse screen.")
        add(self.cards_missing_note, "Deleted {n} card with missing note.",
            "Deleted {n} cards with missing note.")
        add(self.decks_missing, "Fixed {n} missing deck.", "Fixed {n} missing decks.")
        add(self.field_count, "Fixed {n} note with wrong field count.",
            "Fixed {n} notes with wrong field count.")
        if self.notetypes_recovered:
            lines.append(RECOVERED_NOTETYPES)
        add(self.templates_missing, "Deleted {n} card with missing template.",
            "Deleted {n} cards with missing template.")
        add(self.revlog_properties, "Fixed {n} review entry with invalid properties.",
            "Fixed {n} review entries with invalid properties.")
        return lines

    @property
    def ok(self) -> bool:
        return not self.problems()

    @property
    def text(self) -> str:
        """The problems, then "Database rebuilt and optimized." as Anki ends every report."""
        return "\n".join([*self.problems(), NOTHING_WRONG])

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "problems": self.problems(), "text": self.text,
                "counts": {k: v for k, v in self.__dict__.items() if k != "silent"},
                "silent": dict(self.silent)}


def integrity_problems(db: sqlite3.Connection) -> list[str]:
    """SQLite's own check of the file; an empty list means the file is sound."""
    try:
        found = [r[0] for r in db.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def check_database(col: Collection, optimize: bool = True) -> CheckResult:
    """Repair the collection in one undoable operation, then VACUUM and ANALYZE it.

    Raises CollectionError, changing nothing, when the file fails `integrity_check`.
    """
    problems = integrity_problems(col.db)
    if problems:
        detail = "; ".join(problems[:3])
        raise CollectionError(
            f"the collection file {col.path} is corrupt ({detail}). Nothing was changed: "
            "restore it from a backup.")
    result = CheckResult()
    with col.op(OP_NAME):
        _Checker(col, result).run()
    col.notetypes.forget_cache()
    if optimize:
        col.db.execute("VACUUM")
        col.db.execute("ANALYZE")
    return result


class _Checker:
    def __init__(self, col: Collection, result: CheckResult) -> None:
        self.col = col
        self.db = col.db
        self.result = result
        self.now = intTime()

    def run(self) -> None:
        self.missing_decks()
        self.missing_notetypes()
        self.cards_without_note()
        self.notes()
        self.card_properties()
        self.revlog()
        self.tags()

    # --- decks ------------------------------------------------------------------------

    def missing_decks(self) -> None:
        """Cards whose deck is gone get a deck "recovered<id>" of that id, so they keep
        their place, as in Anki ("Fixed N missing decks"); a vanished home deck of a card
        in a filtered deck is a card property (`card_properties`)."""
        missing = [r[0] for r in self.db.execute(
            "SELECT DISTINCT did FROM cards WHERE did NOT IN (SELECT id FROM decks)")]
        for did in sorted(missing):
            name = self.col.decks._unique_name(f"recovered{did}", did)
            self.col.decks._insert(Deck(name, id=did))
        self.result.decks_missing = len(missing)

    # --- note types -------------------------------------------------------------------

    def missing_notetypes(self) -> None:
        """Notes of a note type that is gone get a new "db-check" note type with as many
        fields and templates as they need (their field names and card design are lost)."""
        for (ntid,) in self.db.execute(
                "SELECT DISTINCT ntid FROM notes WHERE ntid NOT IN (SELECT id FROM notetypes)"
                ).fetchall():
            fields = max(len(r[0].split(FIELD_SEPARATOR)) for r in self.db.execute(
                "SELECT flds FROM notes WHERE ntid = ?", (ntid,)))
            top = self.db.execute("SELECT max(c.ord) FROM cards c JOIN notes n ON n.id = c.nid"
                                  " WHERE n.ntid = ?", (ntid,)).fetchone()[0]
            templates = max(1, (top or 0) + 1)
            names = ["Front", "Back", *(str(i + 1) for i in range(2, fields))][:fields]
            nt = NoteType(
                name=f"db-check-{intTime(1000)}-{fields}",
                fields=[Field(name=name, ord=i) for i, name in enumerate(names)],
                templates=[Template(name=f"Card {i + 1}", ord=i, front="{{Front}}",
                                    back="{{FrontSide}}\n\n<hr id=answer>\n\n"
                                    + "<br>".join(f"{{{{{n}}}}}" for n in names[1:]))
                           for i in range(templates)])
            nt = self.col.notetypes.add(nt)
            self.db.execute("UPDATE notes SET ntid = ?, mtime = ?, usn = -1 WHERE ntid = ?",
                            (nt.id, self.now, ntid))
            self.result.notetypes_recovered += 1

    # --- cards and notes --------------------------------------------------------------

    def cards_without_note(self) -> None:
        cids = [r[0] for r in self.db.execute(
            "SELECT id FROM cards WHERE nid NOT IN (SELECT id FROM notes)")]
        self._delete_cards(cids)
        self.result.cards_missing_note = len(cids)

    def _delete_cards(self, cids: list[int]) -> None:
        for cid in cids:
            self.db.execute("DELETE FROM cards WHERE id = ?", (cid,))
            self.col.add_grave(cid, 0)

    def notes(self) -> None:
        """Field counts, cards of missing templates, missing cards, sort fields and
        checksums, and notes left without cards, note by note."""
        cards_by_note: dict[int, list[tuple[int, int]]] = {}
        for cid, nid, ord_ in self.db.execute("SELECT id, nid, ord FROM cards ORDER BY id"):
            cards_by_note.setdefault(nid, []).append((cid, ord_))
        silent = self.result.silent
        for row in self.db.execute(
                "SELECT id, ntid, flds, sfld, csum, tags FROM notes").fetchall():
            nid = row["id"]
            nt = self.col.notetypes.get(row["ntid"])
            fields = row["flds"].split(FIELD_SEPARATOR)
            changed = False
            if len(fields) != len(nt.fields):
                fields = fix_field_count(fields, len(nt.fields))
                self.result.field_count += 1
                changed = True
            doomed = self._bad_cards(nt, cards_by_note.get(nid, []))
            self._delete_cards(doomed)
            self.result.templates_missing += len(doomed)
            sort_text = strip_html_preserving_media_filenames(fields[nt.sort_field]
                                                              if nt.sort_field < len(fields)
                                                              else fields[0])
            csum = field_checksum(fields[0])
            # the column's INTEGER affinity stores "12" as 12: let SQLite compare
            same_sort = row["sfld"] == sort_text or self.db.execute(
                "SELECT sfld = ? FROM notes WHERE id = ?", (sort_text, nid)).fetchone()[0]
            if not same_sort or row["csum"] != csum:
                if not changed:
                    silent["sort_fields"] = silent.get("sort_fields", 0) + 1
                changed = True
            if changed:
                self.db.execute("UPDATE notes SET flds = ?, sfld = ?, csum = ?, mtime = ?, "
                                "usn = -1 WHERE id = ?", (FIELD_SEPARATOR.join(fields),
                                                          sort_text, csum, self.now, nid))
            # As Anki's check does, silently: the cards the note's content calls for (at
            # least card 1), e.g. again after a card of a broken template was deleted.
            kept = len(cards_by_note.get(nid, [])) - len(doomed)
            if not nt.is_cloze and kept == len(nt.templates):
                continue  # every template has its card: nothing to generate
            note = Note(ntid=nt.id, fields=fields, id=nid, field_names=nt.field_names(),
                        tags=str_to_tags(row["tags"]))
            if cardgen.generate_cards(self.col, note, nt, None, new_note=kept == 0):
                silent["cards_generated"] = silent.get("cards_generated", 0) + 1

    @staticmethod
    def _bad_cards(nt: NoteType, cards: list[tuple[int, int]]) -> list[int]:
        """Cards of a template that does not exist (the schema keeps ordinals unique)."""
        limit = cardgen.MAX_CLOZE_ORD + 1 if nt.is_cloze else len(nt.templates)
        return [cid for cid, ord_ in cards if not 0 <= ord_ < limit]

    def card_properties(self) -> None:
        """What Anki's check fixes in cards (checked against the `anki` package): values
        that are not integers, a review due more than 1,000,000 days away (due today), an
        original deck on a card in a normal deck (cleared) or none, or a vanished one, on a
        card in a filtered deck (Default becomes its home). New positions above 1,000,000
        are folded to 1,000,000 + due % 1,000,000 and reported apart. Like Anki, a strange
        queue, type, interval or ease left as integers is not touched."""
        from repetend.core.search.timing import today

        decks = {r[0]: r[1] for r in self.db.execute("SELECT id, kind FROM decks")}
        day = today(self.col, self.col.now()).today
        columns = ", ".join(_CARD_INT_COLUMNS)
        checks = " OR ".join(f"typeof({c}) != 'integer'" for c in _CARD_INT_COLUMNS)
        query = (f"SELECT id, did, {columns} FROM cards WHERE {checks} "
                 f"OR (due > {DUE_LIMIT} AND type IN (0, 2)) OR odid != 0 "
                 f"OR did IN (SELECT id FROM decks WHERE kind = {DECK_FILTERED})")
        for row in self.db.execute(query).fetchall():
            old = {c: row[c] for c in ("did", *_CARD_INT_COLUMNS)}
            card = {c: _as_int(v) for c, v in old.items()}
            high_new = False
            if card["type"] == 2 and card["due"] > DUE_LIMIT:
                card["due"] = day
            elif card["type"] == 0 and card["due"] > DUE_LIMIT:
                card["due"] = DUE_LIMIT + card["due"] % DUE_LIMIT
                high_new = card["due"] != old["due"]
            if decks.get(card["did"]) == DECK_FILTERED:
                if decks.get(card["odid"], DECK_FILTERED) == DECK_FILTERED:
                    card["odid"] = DEFAULT_DECK_ID  # its home is unknown
            elif card["odid"] != 0:
                card["odid"], card["odue"] = 0, 0
            # `type(...) is not int`: 2.0 stored as REAL equals 2 but is not an integer
            if not any(card[c] != old[c] or type(old[c]) is not int for c in card):
                continue
            sets = ", ".join(f"{c} = ?" for c in card)
            self.db.execute(f"UPDATE cards SET {sets}, mtime = ?, usn = -1 WHERE id = ?",
                            (*card.values(), self.now, row["id"]))
            if high_new and all(card[c] == old[c] for c in card if c != "due"):
                self.result.new_card_high_due += 1
            else:
                self.result.card_properties += 1

    def revlog(self) -> None:
        checks = " OR ".join(f"typeof({c}) != 'integer'" for c in _REVLOG_INT_COLUMNS)
        columns = ", ".join(_REVLOG_INT_COLUMNS)
        for row in self.db.execute(f"SELECT id, {columns} FROM revlog WHERE {checks}"
                                   ).fetchall():
            values = [_as_int(row[c]) for c in _REVLOG_INT_COLUMNS]
            sets = ", ".join(f"{c} = ?" for c in _REVLOG_INT_COLUMNS)
            self.db.execute(f"UPDATE revlog SET {sets}, usn = -1 WHERE id = ?",
                            (*values, row["id"]))
            self.result.revlog_properties += 1

    def tags(self) -> None:
        """The tag list is rebuilt from the notes: missing tags added, unused ones removed
        (their collapsed state is kept for the tags that stay)."""
        used: dict[str, str] = {}
        for (tags,) in self.db.execute("SELECT DISTINCT tags FROM notes WHERE tags != ''"):
            for tag in str_to_tags(tags):
                used.setdefault(tag.casefold(), tag)
        known = {r[0].casefold(): r[0] for r in self.db.execute("SELECT tag FROM tags")}
        added = [tag for key, tag in used.items() if key not in known]
        removed = [tag for key, tag in known.items() if key not in used]
        for tag in added:
            self.db.execute("INSERT INTO tags (tag) VALUES (?)", (tag,))
        for tag in removed:
            self.db.execute("DELETE FROM tags WHERE tag = ?", (tag,))
        if added or removed:
            self.result.silent["tags"] = len(added) + len(removed)


def fix_field_count(fields: list[str], wanted: int) -> list[str]:
    """Pad with empty fields, or join the extra ones onto the last kept field with "; "
    (as Anki does) so that no text is lost."""
    if len(fields) < wanted:
        return fields + [""] * (wanted - len(fields))
    kept = fields[:wanted]
    kept[-1] = "; ".join(kept[-1:] + fields[wanted:])
    return kept


def _as_int(value: object) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(round(value))
    try:
        return int(round(float(str(value))))
    except (TypeError, ValueError):
        return 0
