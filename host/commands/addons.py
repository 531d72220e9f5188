"""`repetend addons …`: list, install, remove, enable, disable and configure add-ons; `bisect`
(in repetend.host.addons.bisect_cli) finds the one behind a problem.

`list` starts the profile as every command does, so it shows what really happened: each
add-on's status, the reason it is not loaded, its load time and its hooks. The other
actions only change files and never import an add-on, so they work when one is broken.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from repetend.core.errors import RepetendError
from repetend.host.addons.bisect_cli import register as register_bisect
from repetend.host.cli import add_command, emit, open_host

if TYPE_CHECKING:
    from repetend.host.addons import AddonManager, Outcome


def register(sub: argparse._SubParsersAction) -> None:
    help_ = "install, list, enable, disable, configure, remove and bisect add-ons"
    p = sub.add_parser("addons", help=help_, description=help_)
    actions = p.add_subparsers(dest="addons_command", metavar="ACTION", required=True)
    add_command(actions, "list", cmd_list,
                "installed add-ons: status, why not loaded, load time, hooks")
    q = add_command(actions, "install", cmd_install,
                    "install or update from a .repetend-addon/.zip package or an add-on "
                    "folder; a wheel, sdist or requirement is installed with pip")
    q.add_argument("source", metavar="PATH_OR_REQUIREMENT")
    for name, func, text in (
            ("remove", cmd_remove, "uninstall an add-on (its folder, or its distribution)"),
            ("enable", cmd_enable, "turn an add-on on (also lifts a quarantine)"),
            ("disable", cmd_disable, "turn an add-on off; it stays installed")):
        q = add_command(actions, name, func, text)
        q.add_argument("package", metavar="PACKAGE")
    q = add_command(actions, "config", cmd_config,
                    "show an add-on's configuration; --set saves a JSON object, "
                    "--reset returns to the add-on's defaults")
    q.add_argument("package", metavar="PACKAGE")
    group = q.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="JSON", help="the whole configuration as a JSON "
                       "object ('-' reads it from standard input)")
    group.add_argument("--reset", action="store_true")
    register_bisect(actions)


def cmd_list(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        addons = host.addons
        assert addons is not None
        rows = addons.rows()
        lines = []
        if addons.safe_mode:
            lines.append("Safe mode: add-ons are not loaded; their settings are unchanged.")
        if not rows:
            lines.append(f"No add-ons installed (folder: {addons.folder}).")
        for row in rows:
            took = f"{row['load_ms']:.1f} ms" if row["load_ms"] is not None else "-"
            lines.append(f"{row['package']:<24} {row['version'] or '-':<10} "
                         f"{row['status']:<12} {took:>9}  {', '.join(row['hooks']) or '-'}")
            if row["error"]:
                lines.append(f"    {row['error']}")
        if any(row["traceback"] for row in rows):
            lines.append("(`repetend addons list --json` shows the tracebacks)")
        emit(args, {"safe_mode": addons.safe_mode, "folder": str(addons.folder),
                    "addons": rows, "notices": addons.notices}, "\n".join(lines))
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    manager = _manager(args)
    try:
        outcome = manager.install(args.source)
    except RepetendError as exc:
        raise type(exc)(f"cannot install {args.source}: {exc}") from None
    _emit(args, outcome)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _emit(args, _manager(args).remove(args.package))
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    _emit(args, _manager(args).enable(args.package))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    _emit(args, _manager(args).disable(args.package))
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    manager = _manager(args)
    if args.set is not None:
        text = sys.stdin.read() if args.set == "-" else args.set
        config = manager.set_config(args.package, text)
    elif args.reset:
        config = manager.reset_config(args.package)
    else:
        config = manager.config(args.package)
    help_file = manager.config_help(args.package)
    text = (json.dumps(config, ensure_ascii=False, indent=2) if config is not None
            else f"{args.package} has no configuration.")
    if help_file is not None:
        text += f"\n(help: {help_file})"
    emit(args, {"package": args.package, "config": config,
                "help": str(help_file) if help_file else None}, text)
    return 0


def _manager(args: argparse.Namespace) -> AddonManager:
    from repetend.host.addons import AddonManager
    from repetend.host.profiles import ProfileManager, default_base

    profiles = ProfileManager(args.base or default_base())
    profile = profiles.get(args.profile) if args.profile else profiles.default()
    return AddonManager(profile.addons_folder)


def _emit(args: argparse.Namespace, outcome: Outcome) -> None:
    emit(args, outcome.to_json(), "\n".join(outcome.messages))
