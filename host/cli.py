"""The `repetend` command line.

With no subcommand it opens the desktop app; every subcommand works headless and never
imports Qt. Errors print one line naming the problem and exit with status 1.

Commands live in `repetend.host.commands.<area>` modules; each has `register(sub)` that
adds its subparsers with `set_defaults(func=...)`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.errors import RepetendError

if TYPE_CHECKING:
    from repetend.host.app import Host

Command = Callable[[argparse.Namespace], int]

#: Modules contributing subcommands, in help order.
COMMAND_MODULES = [
    "repetend.host.commands.collection",
    "repetend.host.commands.addons",
    "repetend.host.commands.cardops",
    "repetend.host.commands.filtered",
    "repetend.host.commands.study",
    "repetend.host.commands.transfer",
    "repetend.host.commands.script",
    "repetend.host.commands.search",
    "repetend.host.commands.browse",
    "repetend.host.commands.decks",
    "repetend.host.commands.check",
    "repetend.host.commands.backup",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="repetend", description="Anki-compatible spaced repetition, built on plugins. "
        "Without a command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"repetend {version('repetend')}")
    parser.add_argument("--base", type=Path, help="folder holding the profiles "
                        "(default: $REPETEND_BASE or the platform's user data folder)")
    parser.add_argument("--profile", help="profile to open (default: the last one used)")
    parser.add_argument("--safe-mode", action="store_true",
                        help="start with only the built-in plugins")
    parser.add_argument("--disable-addon", action="append", default=[], metavar="PACKAGE",
                        help="do not load this add-on this time (repeatable; not saved)")
    parser.add_argument("--no-quarantine", action="store_true",
                        help="never quarantine an add-on after a crash while it started "
                        "(for unattended runs; also REPETEND_NO_QUARANTINE=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def add_command(sub: argparse._SubParsersAction, name: str, func: Command,
                help: str) -> argparse.ArgumentParser:
    """A subcommand with the common `--json` flag, dispatching to `func`."""
    p = sub.add_parser(name, help=help, description=help)
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            from repetend.host.gui import run_app

            return run_app(args.base, args.profile, args.safe_mode,
                           disabled_addons=tuple(args.disable_addon),
                           quarantine=not args.no_quarantine)
        return args.func(args)
    except RepetendError as exc:
        print(f"repetend: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def open_host(args: argparse.Namespace) -> Host:
    """The host for the global options; open it with `with open_host(args) as host:`."""
    from repetend.host.app import Host

    return Host(args.base, args.profile, args.safe_mode,
                disabled_addons=args.disable_addon, quarantine=not args.no_quarantine)


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print `data` as JSON with --json, else the human-readable `text`."""
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)
