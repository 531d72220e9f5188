"""Exporting to Anki packages: `.apkg` (a deck, some cards, or everything) and `.colpkg`.

The modern layout (default) is what current Anki writes: `meta` = version 3, a
zstd-compressed schema-18 `collection.anki21b`, a placeholder `collection.anki2` for old
clients, a zstd+protobuf media map and zstd-compressed numbered media. `legacy=True`
writes the "support older Anki versions" layout: schema-11 `collection.anki21`, a JSON
media map and plain media files. The package is written to a temporary file beside the
target and renamed into place, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.cards import TYPE_NEW
from repetend.core.deckconfig import DEFAULT_CONFIG_ID
from repetend.core.decks import DECK_FILTERED, SEPARATOR, Deck
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.importing import bulk
from repetend.core.importing import media as media_names
from repetend.core.importing import messages as m
from repetend.core.importing.ankiwrite import AnkiData, analyze_collection, write_collection
from repetend.core.importing.atomic import create_partial
from repetend.core.importing.latex import latex_images, may_have_latex
from repetend.core.importing.package import zstd_module
from repetend.core.importing.protobuf import encode
from repetend.core.notes import str_to_tags, tags_to_str
from repetend.core.stock import basic

if TYPE_CHECKING:
    from repetend.core.collection import Collection

Progress = Callable[[str, int, int], None]

#: Collection config keys an .apkg carries (what the day numbers of its cards depend on).
APKG_CONFIG_KEYS = ("activeDecks", "addToCur", "collapseTime", "creationOffset", "curDeck",
                    "dayLearnFirst", "dueCounts", "estTimes", "newSpread", "nextPos",
                    "rollover", "sched2021", "schedVer", "sortBackwards", "sortType",
                    "timeLim")
#: Collections larger than this are compressed on all CPUs, as Anki does.
MULTITHREAD_MIN_BYTES = 10 * 1024 * 1024
PLACEHOLDER_TEXT = ("This package needs a newer version of Anki. Please update Anki, then "
                    "import the file again.")


@dataclass
class ExportOptions:
    #: keep scheduling, flags and the review log (else cards are exported as new)
    with_scheduling: bool = True
    #: include the deck option presets; None means "when scheduling is included"
    with_deck_configs: bool | None = None
    with_media: bool = True
    #: write the layout older Anki versions read (schema 11, JSON media map)
    legacy: bool = False
    #: export this deck (name or id) and its subdecks
    deck: str | int | None = None
    #: export exactly these cards
    card_ids: list[int] | None = None


@dataclass
class ExportSummary:
    file: str
    kind: str
    legacy: bool
    notes: int = 0
    cards: int = 0
    decks: int = 0
    notetypes: int = 0
    revlog: int = 0
    media: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__}

    def text(self) -> str:
        if self.kind == "notes text":
            return f"Exported {self.notes} notes to {self.file} (tab-separated text)"
        layout = "legacy (schema 11)" if self.legacy else "modern"
        lines = [f"Exported {self.notes} notes, {self.cards} cards, {self.decks} decks, "
                 f"{self.notetypes} note types, {self.revlog} review-log entries and "
                 f"{len(self.media)} media files to {self.file} ({self.kind}, {layout})"]
        if self.missing_media:
            lines.append(f"  {len(self.missing_media)} referenced media file(s) are not in "
                         "the media folder and were left out: "
                         + ", ".join(self.missing_media[:10]))
        return "\n".join(lines)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _deck(col: Collection, deck: str | int) -> Deck:
    if isinstance(deck, int) or (isinstance(deck, str) and deck.isdigit()):
        try:
            return col.decks.get(int(deck))
        except NotFoundError:
            if isinstance(deck, int):
                raise
    return col.decks.by_name(str(deck))


def _deck_tree(col: Collection, deck: str | int) -> list[int]:
    """The deck and its subdecks: a deck export takes the cards that are in one of them now
    (as Anki: a card studied in a filtered deck elsewhere stays out, a card pulled into a
    filtered deck of the tree goes along)."""
    top = _deck(col, deck)
    return [top.id] + [d.id for d in col.decks.descendants(top.id)]


class _Gather:
    """The notes, cards, decks, note types, presets, review log and media to export."""

    def __init__(self, col: Collection, opt: ExportOptions, whole: bool) -> None:
        self.col, self.db, self.opt = col, col.db, opt
        self.whole = whole
        self.with_sched = opt.with_scheduling
        self.with_configs = opt.with_scheduling if opt.with_deck_configs is None \
            else opt.with_deck_configs
        self.cards = self._cards()
        self.notes = self._notes()

    def _cards(self) -> list[tuple[Any, ...]]:
        cols = ("id, nid, did, ord, mtime, usn, type, queue, due, ivl, factor, reps, lapses, "
                "left, odue, odid, flags, data")
        opt = self.opt
        if opt.card_ids is not None:
            out: list[tuple[Any, ...]] = []
            for chunk in _chunks(sorted(set(opt.card_ids))):
                marks = ",".join("?" * len(chunk))
                out += [tuple(r) for r in self.db.execute(
                    f"SELECT {cols} FROM cards WHERE id IN ({marks})", chunk)]
            found = {r[0] for r in out}
            missing = [cid for cid in opt.card_ids if cid not in found]
            if missing:
                raise NotFoundError(f"no card with id {missing[0]}"
                                    + (f" (and {len(missing) - 1} more)" if len(missing) > 1
                                       else ""))
            return sorted(out)
        if opt.deck is not None:
            dids = _deck_tree(self.col, opt.deck)
            marks = ",".join("?" * len(dids))
            return [tuple(r) for r in self.db.execute(
                f"SELECT {cols} FROM cards WHERE did IN ({marks}) ORDER BY id", dids)]
        return [tuple(r) for r in self.db.execute(f"SELECT {cols} FROM cards ORDER BY id")]

    def _notes(self) -> list[tuple[Any, ...]]:
        nids = sorted({c[1] for c in self.cards})
        if self.whole:
            nids = [r[0] for r in self.db.execute("SELECT id FROM notes ORDER BY id")]
        out = []
        for chunk in _chunks(nids):
            marks = ",".join("?" * len(chunk))
            out += [tuple(r) for r in self.db.execute(
                "SELECT id, guid, ntid, mtime, usn, tags, flds, sfld, csum, flags, data "
                f"FROM notes WHERE id IN ({marks}) ORDER BY id", chunk)]
        return out

    # --- transformed rows --------------------------------------------------------------

    def card_rows(self) -> list[tuple[Any, ...]]:
        if self.with_sched:
            return self.cards
        out = []
        # A new card's position; in a filtered deck it is kept in odue.
        positions = [c[14] if c[15] else c[8] for c in self.cards if c[6] == TYPE_NEW]
        next_pos = max(positions, default=0) + 1
        for row in self.cards:
            (cid, nid, did, ord_, mod, usn, ctype, _queue, due, _ivl, _factor, _reps,
             _lapses, left, odue, odid, _flags, data) = row
            try:
                card_data = json.loads(data) if data else {}
            except ValueError:
                card_data = {}
            if ctype == TYPE_NEW:
                pos = odue if odid else due
            else:
                pos = card_data.get("pos") if isinstance(card_data, dict) else None
            if not isinstance(pos, int):
                pos, next_pos = next_pos, next_pos + 1
            new_data = {"pos": card_data["pos"]} if isinstance(card_data, dict) and \
                "pos" in card_data else {}
            # A card in a filtered deck stays there: Anki sends that deck as a normal one.
            out.append((cid, nid, did, ord_, mod, usn, TYPE_NEW, 0, pos, 0, 0, 0, 0,
                        left, 0, 0, 0, json.dumps(new_data, separators=(",", ":"))))
        return out

    def note_rows(self) -> list[tuple[Any, ...]]:
        if self.with_sched:
            return self.notes
        out = []
        for row in self.notes:
            tags = [t for t in str_to_tags(row[5]) if t.casefold() not in ("marked", "leech")]
            out.append((*row[:5], tags_to_str(tags), *row[6:]))
        return out

    def revlog_rows(self) -> list[tuple[Any, ...]]:
        if not self.with_sched:
            return []
        if self.whole:  # all of it, as in Anki's: deleted cards' entries count in statistics
            return [tuple(r) for r in self.db.execute(
                "SELECT id, cid, usn, ease, ivl, last_ivl, factor, time, type FROM revlog "
                "ORDER BY id")]
        cids = [c[0] for c in self.cards]
        out = []
        for chunk in _chunks(cids):
            marks = ",".join("?" * len(chunk))
            out += [tuple(r) for r in self.db.execute(
                "SELECT id, cid, usn, ease, ivl, last_ivl, factor, time, type FROM revlog "
                f"WHERE cid IN ({marks})", chunk)]
        return sorted(out)

    copy_rows: Callable[[Path], None] | None = None

    def counts(self) -> tuple[int, int, int]:
        """Exported notes, cards and review-log entries."""
        return len(self.notes), len(self.cards), len(self.revlog_rows())

    def close(self) -> None:
        pass

    # --- what the rest is derived from (the SQL path answers these with queries) ------

    def card_decks(self) -> set[int]:
        """The decks and original decks of the exported cards."""
        cards = self.card_rows()
        return {c[2] for c in cards} | {c[15] for c in cards if c[15]}

    def note_types(self) -> set[int]:
        return {n[2] for n in self.notes}

    def note_tags(self) -> Iterable[str]:
        """The tags column of every exported note (repeats allowed)."""
        return (row[5] for row in self.note_rows())

    def note_fields(self) -> Iterable[str]:
        """The fields of every exported note that may refer to media, in note order."""
        return (row[6] for row in self.notes if media_names.may_refer(row[6]))

    def latex_fields(self) -> Iterable[tuple[int, str]]:
        """(note type id, fields) of every exported note that may have LaTeX."""
        return ((row[2], row[6]) for row in self.notes if may_have_latex(row[6]))

    # --- derived -----------------------------------------------------------------------

    def decks(self) -> list[Deck]:
        """The decks of the exported cards (with scheduling, also their home decks), their
        parents and Default — as Anki: not the empty decks of an exported tree."""
        dids = self.card_decks()
        dids.add(1)
        if self.whole:
            dids |= {d.id for d in self.col.decks.all()}
        by_name = {d.name.casefold(): d for d in self.col.decks.all()}
        chosen: dict[int, Deck] = {}
        for did in dids:
            try:
                deck = self.col.decks.get(did)
            except NotFoundError:
                continue
            if deck.is_filtered and not self.with_sched:
                deck = Deck(deck.name, id=deck.id, mtime=deck.mtime, usn=deck.usn)
            chosen[deck.id] = deck
            parts = deck.name.split(SEPARATOR)
            for depth in range(1, len(parts)):
                parent = by_name.get(SEPARATOR.join(parts[:depth]).casefold())
                if parent is not None:
                    chosen[parent.id] = parent
        out = []
        for deck in sorted(chosen.values(), key=lambda d: d.id):
            if not self.with_configs and deck.kind != DECK_FILTERED:
                deck.config_id = DEFAULT_CONFIG_ID
            out.append(deck)
        return out

    def deck_configs(self, decks: list[Deck]) -> list:
        wanted = {DEFAULT_CONFIG_ID}
        if self.with_configs:
            wanted |= {d.config_id for d in decks if d.kind != DECK_FILTERED}
        if self.whole and self.with_configs:
            wanted |= {c.id for c in self.col.deck_configs()}
        out = []
        for dcid in sorted(wanted):
            conf = self.col.deck_config(dcid)
            if conf.id == dcid:
                out.append(conf)
        return out

    def notetypes(self) -> list:
        ntids = self.note_types()
        if self.whole:
            ntids |= {nt.id for nt in self.col.notetypes.all()}
        return [self.col.notetypes.get(ntid) for ntid in sorted(ntids)]

    def tags(self) -> dict[str, bool]:
        stored = {r[0].casefold(): (r[0], bool(r[1])) for r in self.db.execute(
            "SELECT tag, collapsed FROM tags")}
        if self.whole:
            return dict(stored.values())
        out: dict[str, bool] = {}
        seen: set[str] = set()
        for text in self.note_tags():
            if text in seen:
                continue
            seen.add(text)
            for tag in str_to_tags(text):
                name, collapsed = stored.get(tag.casefold(), (tag, False))
                out[name] = collapsed
        return out

    def media(self, notetypes: list) -> tuple[list[str], list[str]]:
        if not self.opt.with_media:
            return [], []
        folder = self.col.media_folder
        if self.whole:
            names = sorted(p.name for p in folder.iterdir() if p.is_file()) \
                if folder.exists() else []
            return names, []
        wanted: dict[str, None] = {}
        for flds in self.note_fields():
            for value in flds.split("\x1f"):
                for ref in media_names.references(value):
                    wanted.setdefault(ref, None)
        # The images Anki made for the notes' LaTeX go along when they exist (made again
        # where LaTeX is installed, so one not made yet is not "missing"). Named from the
        # field as stored, clozes NOT revealed: Anki 26.9's export does so (unlike its
        # Check Media), so `[$]a {{c1::b}}[/$]` takes `$a {{c1::b}}$`'s image, not the cards'.
        svg = {nt.id: nt.latex_svg for nt in notetypes}
        for ntid, flds in self.latex_fields():
            for value in flds.split("\x1f"):
                for name in latex_images(value, svg.get(ntid, False)):
                    if (folder / name).is_file():
                        wanted.setdefault(name, None)
        for nt in notetypes:
            texts = [nt.css] + [t.front + t.back for t in nt.templates]
            for text in texts:
                for ref in sorted(media_names.template_static_references(text)):
                    if (folder / ref).is_file():
                        wanted.setdefault(ref, None)
        present = [n for n in wanted if (folder / n).is_file()]
        missing = [n for n in wanted if not (folder / n).is_file()]
        return present, missing


#: Schema name of the package collection being written, while attached to ours.
DST = "export_dst"


class _SqlGather(_Gather):
    """The same choice of notes, cards and review log (scheduling kept, so rows go out as
    they are), left in the database: the chosen cards are a condition on `cards` (a temp
    table of ids for a deck or a card list), the rest is asked of SQL, and `copy_rows`
    copies the rows into the package collection by INSERT … SELECT."""

    def _cards(self) -> list[tuple[Any, ...]]:
        db, opt = self.db, self.opt
        self.card_where = "1"
        if opt.card_ids is None and opt.deck is None:
            return []
        db.execute("DROP TABLE IF EXISTS temp.export_cards")
        db.execute("CREATE TEMP TABLE export_cards (id INTEGER PRIMARY KEY)")
        self.card_where = "id IN (SELECT id FROM temp.export_cards)"
        try:
            if opt.card_ids is not None:
                db.execute("INSERT INTO temp.export_cards SELECT id FROM cards WHERE id IN "
                           "(SELECT value FROM json_each(?))",
                           (json.dumps(sorted(set(opt.card_ids))),))
                found = {r[0] for r in db.execute("SELECT id FROM temp.export_cards")}
                missing = [cid for cid in opt.card_ids if cid not in found]
                if missing:
                    raise NotFoundError(f"no card with id {missing[0]}" + (
                        f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
                return []
            assert opt.deck is not None
            dids = _deck_tree(self.col, opt.deck)
            marks = ",".join("?" * len(dids))
            db.execute(f"INSERT INTO temp.export_cards SELECT id FROM cards WHERE did IN "
                       f"({marks})", dids)
            return []
        except BaseException:
            self.close()
            raise

    def _notes(self) -> list[tuple[Any, ...]]:
        self.note_where = "1" if self.whole else \
            f"id IN (SELECT nid FROM cards WHERE {self.card_where})"
        return []

    def close(self) -> None:
        self.db.execute("DROP TABLE IF EXISTS temp.export_cards")

    def counts(self) -> tuple[int, int, int]:
        return self._counts

    def card_rows(self) -> list[tuple[Any, ...]]:
        return []

    def note_rows(self) -> list[tuple[Any, ...]]:
        return []

    def revlog_rows(self) -> list[tuple[Any, ...]]:
        return []

    def card_decks(self) -> set[int]:
        return {r[0] for r in self.db.execute(
            f"SELECT DISTINCT did FROM cards WHERE {self.card_where} UNION "
            f"SELECT DISTINCT odid FROM cards WHERE odid != 0 AND ({self.card_where})")}

    def note_types(self) -> set[int]:
        return {r[0] for r in self.db.execute(
            f"SELECT DISTINCT ntid FROM notes WHERE {self.note_where}")}

    def note_tags(self) -> Iterable[str]:
        return [r[0] for r in self.db.execute(
            f"SELECT DISTINCT tags FROM notes WHERE {self.note_where}")]

    def note_fields(self) -> Iterable[str]:
        return [r[0] for r in self.db.execute(
            f"SELECT flds FROM notes WHERE ({self.note_where}) AND "
            f"({media_names.MAY_REFER_SQL.format('flds')}) ORDER BY id")]

    def latex_fields(self) -> Iterable[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.db.execute(
            f"SELECT ntid, flds FROM notes WHERE ({self.note_where}) AND "
            "(flds LIKE '%[$%' OR flds LIKE '%[latex]%') ORDER BY id")]

    def copy_rows(self, path: Path) -> None:
        """Copy the chosen notes, cards and review log into the package collection."""
        db = self.db
        db.execute(f"ATTACH DATABASE ? AS {DST}", (str(path),))
        try:
            db.execute(f"PRAGMA {DST}.synchronous = OFF")  # a temporary file
            db.execute("BEGIN")
            try:
                notes = db.execute(
                    f"INSERT INTO {DST}.notes SELECT id, guid, ntid, mtime, usn, tags, flds, "
                    f"sfld, csum, flags, data FROM main.notes WHERE {self.note_where} "
                    "ORDER BY id").rowcount
                cards = db.execute(
                    f"INSERT INTO {DST}.cards SELECT id, nid, did, ord, mtime, usn, type, "
                    "queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data "
                    f"FROM main.cards WHERE {self.card_where} ORDER BY id").rowcount
                which = "1" if self.whole else \
                    f"cid IN (SELECT id FROM main.cards WHERE {self.card_where})"
                revlog = db.execute(
                    f"INSERT INTO {DST}.revlog SELECT id, cid, usn, ease, ivl, last_ivl, "
                    f"factor, time, type FROM main.revlog WHERE {which} ORDER BY id").rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.execute(f"DETACH DATABASE {DST}")
        self._counts = (notes, cards, revlog)


def _config(col: Collection, whole: bool) -> dict[str, Any]:
    out = {}
    for key, value in col.db.execute("SELECT key, value FROM config"):
        if whole or key in APKG_CONFIG_KEYS:
            try:
                out[key] = json.loads(value)
            except ValueError:
                continue
    out.setdefault("schedVer", 2)
    out.setdefault("sched2021", True)
    out.setdefault("rollover", 4)
    return out


def _placeholder(path: Path) -> None:
    nt = basic()
    nt.id = 1
    for i, f in enumerate(nt.fields):
        f.ord = i
    nt.templates[0].ord = 0
    note = (1, "placeholder", 1, 0, 0, "", f"{PLACEHOLDER_TEXT}\x1f", PLACEHOLDER_TEXT, 0, 0, "")
    card = (1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, "{}")
    from repetend.core.deckconfig import DeckConfig

    write_collection(path, AnkiData(
        crt=int(time.time()), mod_ms=int(time.time() * 1000),
        config={"schedVer": 2, "nextPos": 2}, notetypes=[nt],
        decks=[Deck("Default", id=1)], deck_configs=[DeckConfig(id=1, name="Default")],
        notes=[note], cards=[card]), schema=11)


def _write_package(col: Collection, out: Path, data: AnkiData, media_files: list[str],
                   legacy: bool, colpkg: bool, progress: Progress,
                   copy_rows: Callable[[Path], None] | None = None) -> None:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="repetend-export-") as tmp:
        tmpdir = Path(tmp)
        coll = tmpdir / "collection"
        write_collection(coll, data, schema=11 if legacy else 18, analyze=copy_rows is None)
        if copy_rows is not None:
            copy_rows(coll)
            analyze_collection(coll)
        placeholder = tmpdir / "placeholder"
        _placeholder(placeholder)
        fd, partial = create_partial(out)
        os.close(fd)
        try:
            with zipfile.ZipFile(partial, "w", allowZip64=True) as zf:
                _fill_zip(zf, col, coll, placeholder, media_files, legacy, progress)
            os.replace(partial, out)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise


def _fill_zip(zf: zipfile.ZipFile, col: Collection, coll: Path, placeholder: Path,
              media_files: list[str], legacy: bool, progress: Progress) -> None:
    deflated, stored = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED
    if legacy:
        zf.writestr("meta", encode(m.PACKAGE_METADATA, {"version": m.VERSION_LEGACY_2}),
                    stored)
        zf.write(coll, "collection.anki21", deflated)
        zf.write(placeholder, "collection.anki2", deflated)
        mapping = {str(i): name for i, name in enumerate(media_files)}
        zf.writestr("media", json.dumps(mapping, ensure_ascii=False), deflated)
        for i, name in enumerate(media_files):
            zf.write(col.media_folder / name, str(i), deflated)
            progress("media", i + 1, len(media_files))
        return
    zstd = zstd_module()
    # Anki's settings: the default level (3), and all CPUs for a collection over 10 MB.
    cctx = zstd.ZstdCompressor(level=3)
    big = coll.stat().st_size > MULTITHREAD_MIN_BYTES
    coll_cctx = zstd.ZstdCompressor(level=3, threads=-1) if big else cctx
    zf.writestr("meta", encode(m.PACKAGE_METADATA, {"version": m.VERSION_LATEST}), stored)
    with coll.open("rb") as src, zf.open(zipfile.ZipInfo("collection.anki21b"), "w",
                                         force_zip64=True) as dest:
        coll_cctx.copy_stream(src, dest)
    zf.write(placeholder, "collection.anki2", deflated)
    entries = []
    for i, name in enumerate(media_files):
        import hashlib

        path = col.media_folder / name
        digest = hashlib.sha1()
        size = 0
        info = zipfile.ZipInfo(str(i))
        info.compress_type = stored
        with path.open("rb") as src, zf.open(info, "w", force_zip64=True) as dest, \
                cctx.stream_writer(dest, closefd=False) as writer:
            for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        entries.append({"name": name, "size": size, "sha1": digest.digest()})
        progress("media", i + 1, len(media_files))
    zf.writestr("media", cctx.compress(encode(m.MEDIA_ENTRIES, {"entries": entries})), stored)


def _export(col: Collection, out: str | Path, opt: ExportOptions, whole: bool,
            kind: str, progress: Progress | None) -> ExportSummary:
    if opt.deck is not None and opt.card_ids is not None:
        raise InvalidInput("export either a deck or a list of cards, not both")
    progress = progress or (lambda stage, done, total: None)
    # Rows as they are (scheduling kept) are copied by SQL into the attached package
    # collection; that needs no open transaction (ATTACH is not allowed inside one).
    in_sql = opt.with_scheduling and not col.db.in_transaction
    with bulk.gc_paused():
        gather = (_SqlGather if in_sql else _Gather)(col, opt, whole)
        try:
            notes = gather.note_rows()
            cards = gather.card_rows()
            revlog = gather.revlog_rows()
            decks = gather.decks()
            notetypes = gather.notetypes()
            media_files, missing = gather.media(notetypes)
            data = AnkiData(
                crt=col.crt, mod_ms=int(time.time() * 1000), config=_config(col, whole),
                notetypes=notetypes, decks=decks, deck_configs=gather.deck_configs(decks),
                tags=gather.tags(), notes=notes, cards=cards, revlog=revlog)
            _write_package(col, Path(out), data, media_files, opt.legacy, whole, progress,
                           gather.copy_rows)
            counts = gather.counts()
        finally:
            gather.close()
    return ExportSummary(file=str(out), kind=kind, legacy=opt.legacy, notes=counts[0],
                         cards=counts[1], decks=len(decks), notetypes=len(notetypes),
                         revlog=counts[2], media=media_files, missing_media=missing)


def export_apkg(col: Collection, out: str | Path, options: ExportOptions | None = None,
                progress: Progress | None = None) -> ExportSummary:
    """Write a deck package: the chosen deck or cards, or the whole collection."""
    return _export(col, out, options or ExportOptions(), False, "apkg", progress)


def export_colpkg(col: Collection, out: str | Path, with_media: bool = True,
                  legacy: bool = False, progress: Progress | None = None) -> ExportSummary:
    """Write the whole collection (scheduling, presets, config, all media) as a .colpkg."""
    opt = ExportOptions(with_scheduling=True, with_deck_configs=True, with_media=with_media,
                        legacy=legacy)
    return _export(col, out, opt, True, "colpkg", progress)
