"""`repetend addons bisect …`: the command line of the add-on bisect (bisect.py).

    repetend addons bisect start [--pin PKG…]      the first round: every add-on disabled
    repetend addons bisect good|bad|skip           answer this round; the next, or the verdict
    repetend addons bisect status                  round, disabled add-ons, rounds left
    repetend addons bisect reset                   stop; nothing the user saved has changed
    repetend addons bisect run [--pin PKG…] -- CMD…   automatic: CMD's exit status answers

`addons.register` adds these under `repetend addons`; they share its global options.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.host.cli import add_command, emit

if TYPE_CHECKING:  # imported when a bisect command runs: parsing stays cheap
    from repetend.host.addons.bisect import AddonBisect, Progress, Round, Verdict


def register(actions: argparse._SubParsersAction) -> None:
    """Add `bisect` to the `repetend addons` actions."""
    help_ = "find the add-on behind a problem by disabling add-ons in rounds"
    p = actions.add_parser(
        "bisect", help=help_, description=help_ + ". The bisect disables add-ons as an "
        "overlay on your own settings, which it never changes; `reset` stops it.")
    steps = p.add_subparsers(dest="bisect_command", metavar="STEP", required=True)
    q = add_command(steps, "start", cmd_start,
                    "start an interactive bisect: the first round disables every add-on")
    _pin_option(q)
    for answer, text in (("good", "the problem did not happen this round"),
                         ("bad", "the problem happened this round"),
                         ("skip", "this round cannot be tested")):
        q = add_command(steps, answer, cmd_answer, text)
        q.set_defaults(answer=answer)
        _disable_option(q)
    add_command(steps, "status", cmd_status,
                "the round, the add-ons the bisect disabled, and the rounds left")
    add_command(steps, "reset", cmd_reset,
                "stop the bisect; every add-on is back as you had it")
    q = add_command(
        steps, "run", cmd_run,
        "bisect automatically: run CMD once per round; exit 0 = good, 125 = cannot "
        "test, anything else (1-127, above 127, killed by a signal, timed out) = bad")
    _pin_option(q)
    _disable_option(q)
    q.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="a round taking longer is stopped and counts as bad (a hang)")
    q.add_argument("--show-output", action="store_true",
                   help="show CMD's output (on standard error); hidden by default")
    q.add_argument("check", nargs=argparse.REMAINDER, metavar="-- CMD",
                   help="the check, after `--`; it runs in the same profile (REPETEND_BASE "
                   "is set and the profile is made the last used)")


def _pin_option(q: argparse.ArgumentParser) -> None:
    q.add_argument("--pin", action="append", default=[], metavar="PACKAGE",
                   help="keep this add-on (and what it requires) enabled in every round: "
                   "one the reproduction needs (repeatable)")


def _disable_option(q: argparse.ArgumentParser) -> None:
    q.add_argument("--disable-culprits", action="store_true",
                   help="when the bisect ends, keep the add-ons found disabled (in your "
                   "saved settings) without asking")


def cmd_start(args: argparse.Namespace) -> int:
    progress = _bisect(args).start(args.pin)
    _emit_progress(args, progress, started=True)
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    from repetend.host.addons.bisect import Verdict

    bisect = _bisect(args)
    outcome = bisect.answer(args.answer)
    if isinstance(outcome, Verdict):
        return _finish(args, bisect.folder, outcome, {})
    _emit_progress(args, outcome)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    progress = _bisect(args).status()
    if progress is None:
        emit(args, {"active": False}, "No add-on bisect is in progress.")
    else:
        _emit_progress(args, progress)
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    was = _bisect(args).reset()
    emit(args, {"active": False, "was_active": was},
         "Add-on bisect stopped; every add-on is back as you had it." if was
         else "No add-on bisect was in progress; nothing changed.")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from repetend.host.addons.bisect import PHASES, AddonBisect

    command = args.check[1:] if args.check[:1] == ["--"] else args.check
    profiles, profile = _profile(args)
    # The check finds this profile as a plain `repetend …` would: same base, and this
    # profile is the last used (as after any command run on it).
    profiles.set_last(profile.name)
    env = {**os.environ, "REPETEND_BASE": str(Path(profiles.base).resolve())}
    bisect = AddonBisect(profile.addons_folder)

    def progress(done: Round) -> None:
        if args.json:
            return
        took = ("timed out" if done.exit is None
                else f"exit {done.exit}, {done.seconds:.1f} s")
        print(f"round {done.number} ({PHASES[done.phase]}; {len(done.disabled)} add-on(s) "
              f"disabled): {done.answer} ({took})", file=sys.stderr, flush=True)

    verdict, rounds = bisect.run(
        command, pins=args.pin, env=env, timeout=args.timeout,
        output=sys.stderr.fileno() if args.show_output else subprocess.DEVNULL,
        on_round=progress)
    return _finish(args, bisect.folder, verdict,
                   {"rounds": [r.to_json() for r in rounds]})


def _finish(args: argparse.Namespace, folder: Path, verdict: Verdict,
            extra: dict[str, Any]) -> int:
    """Report the verdict; keep the culprits disabled if asked (the overlay is gone)."""
    culprits = list(verdict.culprits) if verdict.verdict in ("addon", "interaction") else []
    kept: list[str] = []
    if culprits and (args.disable_culprits or _ask_to_disable(args, culprits)):
        from repetend.host.addons import AddonManager

        manager = AddonManager(folder)
        for package in culprits:
            manager.disable(package)
            kept.append(package)
    lines = [f"Verdict: {verdict.verdict} ({verdict.runs} round(s))."
             + (f" Culprit(s): {', '.join(culprits)}." if culprits else ""),
             verdict.message]
    if kept:
        lines.append(f"Kept disabled in your settings: {', '.join(kept)} "
                     f"(`repetend addons enable {kept[0]}` turns it back on).")
    elif culprits:
        lines.append("Your add-on settings are unchanged; to keep it disabled: "
                     + "; ".join(f"`repetend addons disable {p}`" for p in culprits) + ".")
    else:
        lines.append("Your add-on settings are unchanged.")
    emit(args, {**verdict.to_json(), "disabled": kept, **extra}, "\n".join(lines))
    return 0


def _ask_to_disable(args: argparse.Namespace, culprits: list[str]) -> bool:
    """Ask on a terminal (VS Code's "Keep this extension disabled", checked by default)."""
    if args.json or not sys.stdin.isatty():
        return False
    print(f"Keep {', '.join(culprits)} disabled? [Y/n] ", end="", file=sys.stderr,
          flush=True)
    try:
        reply = input().strip().lower()
    except EOFError:
        return False
    return reply in ("", "y", "yes")


def _emit_progress(args: argparse.Namespace, progress: Progress,
                   started: bool = False) -> None:
    text = progress.text()
    if started:
        text = (f"Add-on bisect started over {progress.participants} add-on(s); your own "
                "settings are not changed.\n" + text)
        if progress.left_out:
            text += "\nNot bisected (they cannot load anyway): " + ", ".join(
                f"{p} ({why})" for p, why in sorted(progress.left_out.items()))
    emit(args, progress.to_json(), text)


def _profile(args: argparse.Namespace):  # -> tuple[ProfileManager, Profile]
    from repetend.host.profiles import ProfileManager, default_base

    profiles = ProfileManager(args.base or default_base())
    return profiles, (profiles.get(args.profile) if args.profile else profiles.default())


def _bisect(args: argparse.Namespace) -> AddonBisect:
    from repetend.host.addons.bisect import AddonBisect

    return AddonBisect(_profile(args)[1].addons_folder)
