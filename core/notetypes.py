"""Note types: fields, card templates and CSS, and their storage."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from repetend.core import rows
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.ids import intTime, next_id

if TYPE_CHECKING:
    from repetend.core.collection import Collection

KIND_NORMAL, KIND_CLOZE = 0, 1


@dataclass
class Field:
    name: str
    ord: int = 0
    font: str = "Arial"
    size: int = 20
    rtl: bool = False
    sticky: bool = False
    plain_text: bool = False
    collapsed: bool = False
    exclude_from_search: bool = False
    prevent_deletion: bool = False
    description: str = ""
    tag: int | None = None
    anki_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Template:
    name: str
    front: str
    back: str
    ord: int = 0
    browser_front: str = ""
    browser_back: str = ""
    browser_font: str = ""
    browser_font_size: int = 0
    deck_id: int | None = None
    anki_id: int | None = None
    mtime: int = 0
    usn: int = -1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class NoteType:
    name: str
    fields: list[Field]
    templates: list[Template]
    css: str = ""
    kind: int = KIND_NORMAL
    id: int = 0
    sort_field: int = 0
    latex_pre: str = ""
    latex_post: str = ""
    latex_svg: bool = False
    original_stock_kind: int = 0
    original_id: int | None = None
    mtime: int = 0
    usn: int = -1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_cloze(self) -> bool:
        return self.kind == KIND_CLOZE

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


_FIELD_NAME_STRIP = re.compile(r'[:{}"]')


def clean_field_name(name: str) -> str:
    """Anki's field-name rules: no `: { } "`, no leading `# / ^` or whitespace."""
    cleaned = _FIELD_NAME_STRIP.sub("", name).lstrip("#/^ \t").strip()
    if not cleaned:
        raise InvalidInput(f"field name {name!r} is empty after removing : {{ }} \" # / ^")
    return cleaned


def _clean_notetype_name(name: str) -> str:
    """A note type's name as stored: no double quotes (a `note:` search could not name it),
    no outer spaces; an empty one is refused."""
    clean = name.replace('"', "").strip()
    if not clean:
        raise InvalidInput("a note type needs a name")
    return clean


def _unique(names: list[str]) -> list[str]:
    """Duplicate names (case-insensitive) get '+' appended, as Anki does."""
    seen: set[str] = set()
    out = []
    for name in names:
        while name.casefold() in seen:
            name += "+"
        seen.add(name.casefold())
        out.append(name)
    return out


class NoteTypeManager:
    """Reads and writes note types of one collection (`col.notetypes`)."""

    def __init__(self, col: Collection) -> None:
        self.col = col
        self._cache: dict[int, NoteType] = {}

    @property
    def db(self) -> sqlite3.Connection:
        return self.col.db

    def all(self) -> list[NoteType]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM notetypes ORDER BY name")]
        return [self.get(i) for i in ids]

    def get(self, ntid: int) -> NoteType:
        cached = self._cache.get(ntid)
        if cached is not None:
            return cached
        row = self.db.execute("SELECT * FROM notetypes WHERE id = ?", (ntid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no note type with id {ntid}")
        flds = [rows.from_row(Field, r) for r in self.db.execute(
            "SELECT * FROM fields WHERE ntid = ? ORDER BY ord", (ntid,))]
        tmpls = [rows.from_row(Template, r) for r in self.db.execute(
            "SELECT * FROM templates WHERE ntid = ? ORDER BY ord", (ntid,))]
        nt = rows.from_row(NoteType, row, fields=flds, templates=tmpls)
        self._cache[ntid] = nt
        return nt

    def by_name(self, name: str) -> NoteType:
        row = self.db.execute("SELECT id FROM notetypes WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(repr(n.name) for n in self.all())
            raise NotFoundError(f"no note type called {name!r} (known: {known})")
        return self.get(row[0])

    def unique_name(self, name: str) -> str:
        while self.db.execute("SELECT 1 FROM notetypes WHERE name = ?", (name,)).fetchone():
            name += "+"
        return name

    def add(self, nt: NoteType) -> NoteType:
        """Store a new note type (its name made unique); returns it with its id set."""
        with self.col.op("Add Note Type"):
            self._prepare(nt)
            nt.name = self.unique_name(nt.name)
            nt.id = nt.id if nt.id and not self._exists(nt.id) else next_id(self.db, "notetypes")
            rows.insert(self.db, "notetypes", rows.to_row(nt, skip=("fields", "templates")))
            self._write_children(nt)
        self._cache.pop(nt.id, None)
        return nt

    def update(self, nt: NoteType) -> None:
        """Save changes to fields, templates, CSS; missing cards are generated."""
        with self.col.op("Update Note Type"):
            if not self._exists(nt.id):
                raise NotFoundError(f"no note type with id {nt.id}")
            self._prepare(nt)
            rows.update(self.db, "notetypes", rows.to_row(nt, skip=("fields", "templates")))
            self.db.execute("DELETE FROM fields WHERE ntid = ?", (nt.id,))
            self.db.execute("DELETE FROM templates WHERE ntid = ?", (nt.id,))
            self._write_children(nt)
            self._cache.pop(nt.id, None)
            self.col.generate_missing_cards(ntid=nt.id)

    def rename(self, ntid: int, name: str) -> str:
        """Give a note type a new name, one step; a name another note type has is refused
        (a `note:` search must find one). Returns the name as stored."""
        nt = self.get(ntid)
        clean = _clean_notetype_name(name)
        clash = self.db.execute("SELECT name FROM notetypes WHERE name = ? COLLATE NOCASE "
                                "AND id != ?", (clean, ntid)).fetchone()
        if clash:
            raise InvalidInput(f"a note type called {clash[0]!r} already exists")
        if clean != nt.name:
            with self.col.op("Rename Note Type"):
                self.db.execute("UPDATE notetypes SET name = ?, mtime = ?, usn = -1 "
                                "WHERE id = ?", (clean, intTime(), ntid))
            self._cache.pop(ntid, None)
        return clean

    def remove(self, ntid: int) -> None:
        """Delete a note type with all its notes and cards."""
        nt = self.get(ntid)
        with self.col.op("Delete Note Type"):
            nids = [r[0] for r in self.db.execute("SELECT id FROM notes WHERE ntid = ?", (ntid,))]
            self.col.remove_notes(nids)
            for table in ("fields", "templates"):
                self.db.execute(f"DELETE FROM {table} WHERE ntid = ?", (nt.id,))
            self.db.execute("DELETE FROM notetypes WHERE id = ?", (nt.id,))
        self._cache.pop(ntid, None)

    def forget_cache(self) -> None:
        self._cache.clear()

    def _exists(self, ntid: int) -> bool:
        row = self.db.execute("SELECT 1 FROM notetypes WHERE id = ?", (ntid,)).fetchone()
        return row is not None

    def _prepare(self, nt: NoteType) -> None:
        if not nt.fields:
            raise InvalidInput(f"note type {nt.name!r} needs at least one field")
        if not nt.templates:
            raise InvalidInput(f"note type {nt.name!r} needs at least one card template")
        nt.name = _clean_notetype_name(nt.name)
        for f, name in zip(nt.fields, _unique([clean_field_name(f.name) for f in nt.fields]),
                           strict=True):
            f.name = name
        for t, name in zip(nt.templates, _unique([t.name.strip() or "Card"
                                                  for t in nt.templates]), strict=True):
            t.name = name
        for i, f in enumerate(nt.fields):
            f.ord = i
        for i, t in enumerate(nt.templates):
            t.ord = i
            t.mtime = t.mtime or intTime()
        if not 0 <= nt.sort_field < len(nt.fields):
            nt.sort_field = 0
        nt.mtime = intTime()
        nt.usn = -1

    def _write_children(self, nt: NoteType) -> None:
        for f in nt.fields:
            rows.insert(self.db, "fields", {"ntid": nt.id, **rows.to_row(f)})
        for t in nt.templates:
            rows.insert(self.db, "templates", {"ntid": nt.id, **rows.to_row(t)})
