"""`repetend import` and `repetend export`: files in and out, through the registered formats.

The format is chosen by the file's extension among the importers and exporters plugins
register (`register_importers` / `register_exporters`); the built-in ones (Anki packages)
take the command's options and print a detailed summary, an add-on's format runs with its
own defaults.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from repetend.core.errors import InvalidInput, RepetendError
from repetend.host.cli import add_command, emit, open_host
from repetend.host.progress import ProgressBar

BUILTIN_IMPORTERS = "builtin.importers"
BUILTIN_EXPORTERS = "builtin.exporters"
UPDATE = {"newer": "if_newer", "always": "always", "never": "never"}
TEXT_COLUMNS = {"guid": "unique identifier (guid; re-importing updates by it)",
                "notetype": "note type name", "deck": "deck name", "tags": "tags"}
TEXT_EXTENSIONS = (".txt", ".tsv", ".csv")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "import", cmd_import,
                    "import a file: an Anki deck package (.apkg) is merged in, a collection "
                    "package (.colpkg) replaces the collection (after a backup), a text file "
                    "(.csv/.tsv/.txt, Anki's #headers) adds notes, an AnkiApp export (.zip, "
                    "or its unpacked folder) adds its decks, notes and media")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--deck", help="put every imported card in this deck (created if missing)")
    p.add_argument("--notetype", help="note type for text files (packages bring their own)")
    p.add_argument("--update", choices=sorted(UPDATE), default="newer",
                   help="update notes that are already here (matched by guid; in text "
                   "files by guid column or first field): when the file's copy is newer "
                   "(default), always, or never")
    p.add_argument("--dry-run", action="store_true",
                   help="report what would happen and change nothing")
    p.add_argument("--yes", action="store_true",
                   help="do not ask before replacing the collection with a .colpkg")
    p = add_command(sub, "export", cmd_export,
                    "export to an Anki package: .apkg (a deck, a search, or everything) or "
                    ".colpkg (the whole collection); or to text (.txt/.tsv/.csv): the notes "
                    "with Anki's headers, or with --cards each card's question and answer")
    p.add_argument("out", type=Path, metavar="OUT")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--deck", help="only this deck and its subdecks (default: everything)")
    which.add_argument("--search", metavar="QUERY",
                       help="only the cards matching this search (their notes, for notes)")
    p.add_argument("--no-scheduling", action="store_true",
                   help="export cards as new: no review history, flags or due dates")
    p.add_argument("--no-media", action="store_true", help="leave the media files out")
    p.add_argument("--legacy", action="store_true",
                   help="the layout older Anki versions read (schema 11, uncompressed)")
    text = p.add_argument_group("text exports (.txt, .tsv, .csv)")
    text.add_argument("--cards", action="store_true",
                      help="cards in plain text: each card's rendered question and answer "
                      "(default: notes in plain text)")
    text.add_argument("--html", action=argparse.BooleanOptionalAction, default=True,
                      help="keep HTML and media references (default), or write plain text")
    for column, what in TEXT_COLUMNS.items():
        text.add_argument(f"--with-{column}", action="store_true",
                          help=f"notes: a column with each note's {what}; naming any "
                          "--with-… keeps only those (default: all four)")


def _progress(args: argparse.Namespace) -> ProgressBar | None:
    """A bar on stderr when it is a terminal (not with --json, whose output is for
    programs)."""
    if args.json:
        return None
    bar = ProgressBar(sys.stderr)
    return bar if bar.enabled else None


@contextmanager
def _showing_progress(args: argparse.Namespace) -> Iterator[ProgressBar | None]:
    bar = _progress(args)
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()


def _pick(contributions: list[Any], suffix: str, kind: str, path: Path) -> Any:
    def matches(value: Any) -> bool:
        extensions = getattr(value, "extensions", None) or (value.extension,)
        return suffix in extensions

    for contribution in contributions:
        if matches(contribution.value):
            return contribution
    known = sorted({e for c in contributions
                    for e in (getattr(c.value, "extensions", None) or (c.value.extension,))})
    raise InvalidInput(f"no {kind} handles {path.name!r} (extension {suffix or 'none'}); "
                       f"known: {', '.join(known)}")


def _confirm_replace(args: argparse.Namespace, path: Path) -> None:
    if args.yes or args.dry_run:
        return
    question = (f"Importing {path.name} will replace everything in this profile's collection "
                "with its contents (a backup is made first). Continue? [y/N] ")
    if not sys.stdin.isatty():
        raise InvalidInput(f"{path.name} is a collection package and would replace the whole "
                           "collection; run again with --yes to confirm")
    if input(question).strip().lower() not in ("y", "yes"):
        raise InvalidInput("import cancelled; the collection was not changed")


def cmd_import(args: argparse.Namespace) -> int:
    from repetend.core.importing.apkg_import import ImportOptions

    path: Path = args.file
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    with open_host(args) as host:
        col = host.col
        assert col is not None
        # A folder is an unpacked archive: the importer of .zip files reads it.
        suffix = ".zip" if path.is_dir() else path.suffix.lower()
        chosen = _pick(host.plugins.register_importers(), suffix, "importer", path)
        if chosen.plugin_name != BUILTIN_IMPORTERS:
            if args.deck or args.notetype or args.dry_run or args.update != "newer":
                raise InvalidInput(f"{path.name} is imported by {chosen.plugin_name} "
                                   f"({chosen.value.name}), which takes no options")
            result = host.plugins.call_contribution(chosen, "run", col, path, default=None)
            if result is None:
                raise RepetendError(f"{chosen.plugin_name}'s importer {chosen.value.name!r} "
                                    f"failed on {path.name}")
            host.plugins.importing_did_import(col, path, result)
            emit(args, {"importer": chosen.value.name, "plugin": chosen.plugin_name,
                        "added": result.notes_added, "updated": result.notes_updated,
                        "skipped": result.notes_skipped, "messages": list(result.messages)},
                 f"{path.name} ({chosen.value.name}, {chosen.plugin_name}): "
                 f"added {result.notes_added}, updated {result.notes_updated}, skipped "
                 f"{result.notes_skipped}" + "".join(f"\n  {m}" for m in result.messages))
            return 0
        from repetend.plugins.importers import hook_summary, import_file

        text = path.suffix.lower() in (".csv", ".tsv", ".txt") and not path.is_dir()
        if args.notetype and not text:
            raise InvalidInput(f"--notetype applies to text files; {path.name} brings its "
                               "own note types")
        colpkg = path.suffix.lower() == ".colpkg"
        if colpkg:
            if args.deck:
                raise InvalidInput("--deck cannot be used with a .colpkg, which replaces the "
                                   "whole collection")
            _confirm_replace(args, path)
        options = ImportOptions(update_notes=UPDATE[args.update], deck=args.deck,
                                dry_run=args.dry_run)
        try:
            with _showing_progress(args) as bar:
                summary = import_file(col, path, options, notetype=args.notetype,
                                      progress=bar,
                                      backup_folder=host.profile.folder / "backups" if colpkg
                                      else None)
        except OSError as exc:
            raise RepetendError(f"importing {path.name} failed, nothing was changed: "
                                f"{exc.strerror or exc}") from exc
        if not args.dry_run:
            host.plugins.importing_did_import(col, path, hook_summary(summary))
        emit(args, {"importer": chosen.value.name, **summary.to_json()}, summary.text())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from repetend.core.importing.apkg_export import ExportOptions

    out: Path = args.out
    with open_host(args) as host:
        col = host.col
        assert col is not None
        exporters = host.plugins.register_exporters()
        try:
            chosen = _pick(exporters, out.suffix.lower(), "exporter", out)
        except InvalidInput:
            if out.suffix.lower() not in TEXT_EXTENSIONS:
                raise
            chosen = _pick(exporters, ".txt", "exporter", out)  # .tsv/.csv: the same text
        suffix = out.suffix.lower()
        text_flags = [f"--with-{c}" for c in TEXT_COLUMNS if getattr(args, f"with_{c}")]
        text_flags += ["--cards"] * args.cards + ["--no-html"] * (not args.html)
        if chosen.plugin_name != BUILTIN_EXPORTERS:
            if args.no_scheduling or args.no_media or args.legacy or args.search \
                    or text_flags:
                raise InvalidInput(f"{out.name} is written by {chosen.plugin_name} "
                                   f"({chosen.value.name}), which takes only --deck")
            deck_id = col.decks.by_name(args.deck).id if args.deck else None
            failed = object()
            if host.plugins.call_contribution(chosen, "run", col, out, deck_id,
                                              default=failed) is failed:
                raise RepetendError(f"{chosen.plugin_name}'s exporter {chosen.value.name!r} "
                                    f"failed writing {out.name}")
            emit(args, {"exporter": chosen.value.name, "plugin": chosen.plugin_name,
                        "file": str(out)},
                 f"Exported to {out} ({chosen.value.name}, {chosen.plugin_name})")
            return 0
        from repetend.core.importing.text_export import TextExportOptions
        from repetend.plugins.exporters import export_file

        if (args.deck or args.search) and suffix == ".colpkg":
            raise InvalidInput("a .colpkg holds the whole collection; use an .apkg to export "
                               "a deck or a search")
        if text_flags and suffix not in TEXT_EXTENSIONS:
            raise InvalidInput(f"{text_flags[0]} applies to text exports (.txt, .tsv, .csv), "
                               f"not {out.name}")
        if args.cards and any(getattr(args, f"with_{c}") for c in TEXT_COLUMNS):
            raise InvalidInput("--with-… columns belong to notes in plain text; --cards "
                               "writes only each card's question and answer")
        card_ids = None
        if args.search is not None:
            card_ids = col.find_cards(args.search)
            if not card_ids:
                raise InvalidInput(f"no cards match {args.search!r}; nothing was exported")
        options = ExportOptions(with_scheduling=not args.no_scheduling,
                                with_media=not args.no_media, legacy=args.legacy,
                                deck=args.deck, card_ids=card_ids)
        named = {c for c in TEXT_COLUMNS if getattr(args, f"with_{c}")} or set(TEXT_COLUMNS)
        text = TextExportOptions(with_html=args.html, with_guid="guid" in named,
                                 with_notetype="notetype" in named,
                                 with_deck="deck" in named, with_tags="tags" in named)
        try:
            with _showing_progress(args) as bar:
                summary = export_file(col, out, options, progress=bar, text=text,
                                      cards=args.cards)
        except OSError as exc:
            raise RepetendError(f"cannot write {out}: {exc.strerror or exc}") from exc
        message = summary.text() if summary.kind != "cards text" else \
            f"Exported {summary.cards} cards to {summary.file} (questions and answers as text)"
        emit(args, {"exporter": chosen.value.name, **summary.to_json()}, message)
    return 0
