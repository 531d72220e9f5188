"""`repetend import` and `repetend export`: files in and out, through the registered formats.

The format is chosen by the file's extension among the importers and exporters plugins
register (`register_importers` / `register_exporters`); the built-in ones (Anki packages)
take the command's options and print a detailed summary, an add-on's format runs with its
own defaults.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from repetend.core.errors import InvalidInput, RepetendError
from repetend.host.cli import add_command, emit, open_host

BUILTIN_IMPORTERS = "builtin.importers"
BUILTIN_EXPORTERS = "builtin.exporters"
UPDATE = {"newer": "if_newer", "always": "always", "never": "never"}


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "import", cmd_import,
                    "import a file: an Anki deck package (.apkg) is merged in, a collection "
                    "package (.colpkg) replaces the collection (after a backup), a text file "
                    "(.csv/.tsv/.txt, Anki's #headers) adds notes")
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
                    "export to an Anki package: .apkg (a deck, or everything) or .colpkg "
                    "(the whole collection)")
    p.add_argument("out", type=Path, metavar="OUT")
    p.add_argument("--deck", help="only this deck and its subdecks (default: everything)")
    p.add_argument("--no-scheduling", action="store_true",
                   help="export cards as new: no review history, flags or due dates")
    p.add_argument("--no-media", action="store_true", help="leave the media files out")
    p.add_argument("--legacy", action="store_true",
                   help="the layout older Anki versions read (schema 11, uncompressed)")


def _progress(args: argparse.Namespace):
    if args.json or not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


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
        chosen = _pick(host.plugins.register_importers(), path.suffix.lower(), "importer",
                       path)
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

        text = path.suffix.lower() in (".csv", ".tsv", ".txt")
        if args.notetype and not text:
            raise InvalidInput(f"--notetype applies to text files; {path.name} is a package "
                               "that brings its own note types")
        colpkg = path.suffix.lower() == ".colpkg"
        if colpkg:
            if args.deck:
                raise InvalidInput("--deck cannot be used with a .colpkg, which replaces the "
                                   "whole collection")
            _confirm_replace(args, path)
        options = ImportOptions(update_notes=UPDATE[args.update], deck=args.deck,
                                dry_run=args.dry_run)
        try:
            summary = import_file(col, path, options, notetype=args.notetype,
                                  progress=_progress(args),
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
        chosen = _pick(host.plugins.register_exporters(), out.suffix.lower(), "exporter", out)
        if chosen.plugin_name != BUILTIN_EXPORTERS:
            if args.no_scheduling or args.no_media or args.legacy:
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
        from repetend.plugins.exporters import export_file

        if args.deck and out.suffix.lower() == ".colpkg":
            raise InvalidInput("a .colpkg holds the whole collection; use an .apkg to export "
                               "one deck")
        options = ExportOptions(with_scheduling=not args.no_scheduling,
                                with_media=not args.no_media, legacy=args.legacy,
                                deck=args.deck)
        try:
            summary = export_file(col, out, options, progress=_progress(args))
        except OSError as exc:
            raise RepetendError(f"cannot write {out}: {exc.strerror or exc}") from exc
        emit(args, {"exporter": chosen.value.name, **summary.to_json()}, summary.text())
    return 0
