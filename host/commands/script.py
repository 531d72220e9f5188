"""`repetend script …`: run, test, replay and manage custom scheduling scripts.

`run` needs no profile: it evaluates a script file once on states from a file, exactly as
answering would, and prints the result, the console output and the error. `test` and
`replay` try a script file on the profile's cards without saving anything. `set`, `remove`,
`enable`, `disable`, `order`, `limits` change what is stored in the collection (each one
undoable step); `list`, `show` and `log` look at it. Where scripts live and how they are
ordered: repetend.plugins.scripts.store.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.host.cli import add_command, emit, open_host

BUTTONS = ("again", "hard", "good", "easy")


def register(sub: argparse._SubParsersAction) -> None:
    help_ = ("custom scheduling scripts (Anki's deck-options JavaScript): run, test, replay, "
             "set, list, enable, order, log")
    p = sub.add_parser("script", help=help_, description=help_)
    actions = p.add_subparsers(dest="script_command", metavar="ACTION", required=True)

    q = add_command(actions, "run", cmd_run, "run a script once on states from a file and "
                    "print the states, custom data, console output and error (no profile "
                    "needed); exits 1 if the script failed")
    q.add_argument("file", type=Path, metavar="SCRIPT.js")
    q.add_argument("--states", required=True, metavar="STATES.json",
                   help="Anki's states JSON: current, again, hard, good, easy ('-' = stdin)")
    q.add_argument("--custom-data", metavar="JSON", default="",
                   help="the card's custom data, a JSON object (each button's customData "
                   "starts as a copy)")
    q.add_argument("--ctx", metavar="JSON", default="",
                   help='the ctx argument, e.g. {"deckName": "Spanish", "seed": 12345} '
                   "(default deckName Default, seed 1; seed becomes a BigInt as in Anki)")
    _runtime_options(q)

    q = add_command(actions, "test", cmd_test, "dry run: the script on every card due now "
                    "(the study session's order), interval per button before and after; "
                    "nothing is saved")
    q.add_argument("file", type=Path, metavar="SCRIPT.js")
    q.add_argument("--deck", help="deck to study (default: the current deck)")
    q.add_argument("--limit", type=int, help="at most this many cards")
    _runtime_options(q, limits=False)

    q = add_command(actions, "replay", cmd_replay, "replay the review history with and "
                    "without the script: how intervals and the daily workload would differ")
    q.add_argument("file", type=Path, metavar="SCRIPT.js")
    q.add_argument("--deck", help="only cards of this deck and its subdecks")
    q.add_argument("--days", type=int, default=30, help="the window compared (default 30)")
    _runtime_options(q, limits=False)

    q = add_command(actions, "set", cmd_set, "store a script: named (NAME FILE), the "
                    "collection-wide one Anki also runs (--global FILE) or a preset's "
                    "(--preset PRESET FILE); a new named script is enabled last")
    where = q.add_mutually_exclusive_group()
    where.add_argument("--global", dest="is_global", action="store_true",
                       help="Anki's collection-wide script (config cardStateCustomizer)")
    where.add_argument("--preset", metavar="PRESET", help="a deck-options preset's script")
    q.add_argument("target", nargs="+", metavar="NAME FILE",
                   help="the script's name (named scripts only), then the file ('-' = stdin)")
    q.add_argument("--legacy-page", action=argparse.BooleanOptionalAction, default=None,
                   help="give the script the legacy page stub (old FSRS4Anki versions)")
    q.add_argument("--disabled", action="store_true", help="store a new named script "
                   "without enabling it")

    q = add_command(actions, "remove", cmd_remove, "delete a stored script")
    where = q.add_mutually_exclusive_group(required=True)
    where.add_argument("--global", dest="is_global", action="store_true")
    where.add_argument("--preset", metavar="PRESET")
    where.add_argument("--name", metavar="NAME")

    add_command(actions, "list", cmd_list, "stored scripts: where they live, whether and in "
                "which order they run, runs, failures and the last error")
    q = add_command(actions, "show", cmd_show, "print a stored script's code")
    q.add_argument("name", metavar="NAME", help="global, preset:PRESET or a script's name")
    q = add_command(actions, "log", cmd_log, "a script's recent console output and errors "
                    "while answering")
    q.add_argument("name", metavar="NAME", help="global, preset:PRESET or a script's name")
    q = add_command(actions, "enable", cmd_enable, "run a script (global, preset or a name); "
                    "--at puts it at that place in the order")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--at", type=int, metavar="N", help="position, 1 = first")
    q = add_command(actions, "disable", cmd_disable, "stop running a script (it stays stored)")
    q.add_argument("name", metavar="NAME")
    q = add_command(actions, "order", cmd_order, "run exactly these scripts, in this order "
                    "(global = Anki's script, preset = the card's preset's script)")
    q.add_argument("names", nargs="*", metavar="NAME")
    q = add_command(actions, "limits", cmd_limits, "show or set the time and memory limit "
                    "each script gets per card")
    q.add_argument("--time-ms", type=float, help="default 200")
    q.add_argument("--memory-mib", type=float, help="default 64")


def _runtime_options(q: argparse.ArgumentParser, limits: bool = True) -> None:
    q.add_argument("--legacy-page", action="store_true",
                   help="give the script the legacy page stub (document with #qa and #deck)")
    if limits:
        q.add_argument("--time-ms", type=float, help="time limit (default 200)")
        q.add_argument("--memory-mib", type=float, help="memory limit (default 64)")


def _read(path: Path | str) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFoundError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not UTF-8 text: {exc}") from None


def _json_arg(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"{what} is not JSON: {exc}") from None


def _file_script(args: argparse.Namespace) -> Any:
    from repetend.plugins.scripts.store import Script

    return Script(args.file.name, _read(args.file), bool(args.legacy_page))


# --- run -----------------------------------------------------------------------------------

def cmd_run(args: argparse.Namespace) -> int:
    from repetend.core.scheduler.states import SchedulingStates
    from repetend.plugins.scripts.sandbox import (
        DEFAULT_MEMORY_LIMIT_MIB,
        DEFAULT_TIME_LIMIT_MS,
        evaluate,
    )

    code = _read(args.file)
    states = _json_arg(_read(args.states), f"--states {args.states}")
    if not isinstance(states, dict):
        raise InvalidInput("--states must hold a JSON object (current, again, hard, good, easy)")
    try:
        SchedulingStates.from_json(states)
    except (InvalidInput, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInput(f"--states {args.states} are not scheduling states: {exc}") from None
    custom = ""
    if args.custom_data:
        value = _json_arg(args.custom_data, "--custom-data")
        if not isinstance(value, dict):
            raise InvalidInput("--custom-data must be a JSON object")
        custom = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    elif isinstance(states.get("current"), dict) and isinstance(
            states["current"].get("customData"), str):
        custom = states["current"]["customData"]
    ctx: dict[str, Any] = {"deckName": "Default", "seed": 1, "now": int(time.time() * 1000)}
    if args.ctx:
        given = _json_arg(args.ctx, "--ctx")
        if not isinstance(given, dict):
            raise InvalidInput("--ctx must be a JSON object")
        ctx.update(given)
    ev = evaluate(code, states, custom, ctx, name=args.file.name,
                  legacy_page=args.legacy_page,
                  time_limit_ms=args.time_ms or DEFAULT_TIME_LIMIT_MS,
                  memory_limit_mib=args.memory_mib or DEFAULT_MEMORY_LIMIT_MIB)
    data = ev.as_dict()
    lines = [f"console.{line.level}: {line.text}" for line in ev.log]
    if ev.error:
        lines.append(f"error: {ev.error.kind}: {ev.error.message}"
                     + (f" (line {ev.error.line})" if ev.error.line else ""))
        lines.append("The states and custom data are unchanged.")
    else:
        before = states
        for b in BUTTONS:
            lines.append(f"{b:<5} {_describe(before.get(b))} -> {_describe(ev.states[b])}  "
                         f"customData {json.dumps(data['customData'][b], ensure_ascii=False)}")
    lines.append(f"({ev.elapsed_ms:.2f} ms)")
    emit(args, data, "\n".join(lines))
    return 1 if ev.error else 0


def _describe(state: Any) -> str:
    """`review 25d`, `learning 600s`, … for the human-readable output."""
    if not isinstance(state, dict):
        return "?"
    body = state.get("normal") or state.get("filtered") or {}
    if "rescheduling" in body:
        body = body["rescheduling"].get("originalState", {})
    if not body:
        return "?"
    kind, inner = next(iter(body.items()))
    if kind == "review":
        return f"review {inner.get('scheduledDays')}d"
    if kind == "relearning":
        return f"relearning {inner.get('learning', {}).get('scheduledSecs')}s"
    if kind in ("learning", "preview"):
        return f"{kind} {inner.get('scheduledSecs')}s"
    return kind


# --- test and replay ---------------------------------------------------------------------

def cmd_test(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts.tools import dry_run

    script = _file_script(args)
    with open_host(args) as host:
        assert host.col is not None
        report = dry_run(host.col, script, args.deck, args.limit)
    lines = [f"{script.name} on {report['summary']['cards']} card(s) due in "
             f"{report['deck']!r} (dry run, nothing saved):"]
    for row in report["cards"]:
        cells = [f"{b} {row['buttons'][b]['before']['label']}"
                 + (f"->{row['buttons'][b]['after']['label']}"
                    if row["buttons"][b]["after"] != row["buttons"][b]["before"] else "")
                 for b in BUTTONS]
        lines.append(f"card {row['id']} ({row['deck']}): " + ", ".join(cells))
        for line in row["log"]:
            lines.append(f"    console.{line['level']}: {line['text']}")
        if row["error"]:
            error = row["error"]
            lines.append(f"    error: {error['kind']}: {error['message']}"
                         + (f" (line {error['line']})" if error["line"] else ""))
    summary = report["summary"]
    lines.append(f"{summary['changed']} card(s) changed, {summary['failed']} failed.")
    emit(args, report, "\n".join(lines))
    return 1 if summary["failed"] else 0


def cmd_replay(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts.tools import replay

    if args.days < 1:
        raise InvalidInput("--days must be at least 1")
    script = _file_script(args)
    with open_host(args) as host:
        assert host.col is not None
        data = replay(host.col, script, args.deck, args.days).as_dict()
    data["script"] = script.name
    ivl, load = data["intervals"], data["workload"]
    lines = [f"Replay of the last {data['days']} day(s): {data['answers']} answer(s) on "
             f"{data['cards']} card(s), without and with {script.name}."]
    if data["answers"]:
        lines.append(f"review intervals: mean {ivl['without']['mean']}d -> "
                     f"{ivl['with']['mean']}d, median {ivl['without']['median']}d -> "
                     f"{ivl['with']['median']}d; {ivl['changed']} answer(s) changed "
                     f"({ivl['longer']} longer, {ivl['shorter']} shorter)")
        lines.append(f"reviews coming due per day in the window: "
                     f"{load['without']['perDay']} -> {load['with']['perDay']} "
                     f"(peak {load['without']['peak']} -> {load['with']['peak']})")
    else:
        lines.append("No answers to replay in that window.")
    if data["errors"]:
        first = data["firstError"]
        lines.append("script failures: " + ", ".join(f"{k} {v}" for k, v in
                                                     data["errors"].items())
                     + f"; first on card {first['card']}: {first['message']}")
    emit(args, data, "\n".join(lines))
    return 0


# --- stored scripts ------------------------------------------------------------------------

def cmd_set(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    if args.is_global or args.preset:
        if len(args.target) != 1:
            raise InvalidInput("give only the FILE with --global or --preset")
        code = _read(args.target[0])
        _check_syntax(code)
        with open_host(args) as host:
            col = host.col
            assert col is not None
            if args.is_global:
                store.set_global(col, code, args.legacy_page)
                name = store.GLOBAL
            else:
                conf = store.set_preset(col, args.preset, code, bool(args.legacy_page))
                name = f"{store.PRESET}:{conf.name}"
            enabled = _enabled(col, name)
    else:
        if len(args.target) != 2:
            raise InvalidInput("give NAME FILE (or --global FILE, --preset PRESET FILE)")
        name, path = args.target
        code = _read(path)
        _check_syntax(code)
        with open_host(args) as host:
            col = host.col
            assert col is not None
            store.set_named(col, name, code, bool(args.legacy_page), enable=not args.disabled)
            enabled = _enabled(col, name)
    note = "" if enabled else " (not enabled: see `repetend script enable`)"
    emit(args, {"name": name, "enabled": enabled}, f"Stored script {name}{note}.")
    return 0


def _check_syntax(code: str) -> None:
    """Refuse a script that does not even parse, before it is stored."""
    from repetend.plugins.scripts.sandbox import evaluate

    probe = {"current": {"normal": {"new": {"position": 0}}}}
    probe.update({b: {"normal": {"new": {"position": 0}}} for b in BUTTONS})
    ev = evaluate("return;\n" + code, probe, "", {"deckName": "", "seed": 1}, name="check",
                  time_limit_ms=2000)
    if ev.error is not None and ev.error.kind == "syntax":
        line = f" (line {ev.error.line - 1})" if ev.error.line and ev.error.line > 1 else ""
        raise InvalidInput(f"the script does not parse: {ev.error.message}{line}")


def _enabled(col: Any, name: str) -> bool:
    from repetend.plugins.scripts import store

    order = store.load_config(col).order
    key = store.PRESET if name.startswith(f"{store.PRESET}:") else name
    return key in order


def cmd_remove(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    with open_host(args) as host:
        col = host.col
        assert col is not None
        if args.is_global:
            store.set_global(col, "")
            name = store.GLOBAL
        elif args.preset:
            conf = store.set_preset(col, args.preset, None)
            name = f"{store.PRESET}:{conf.name}"
        else:
            store.set_named(col, args.name, None)
            name = args.name
    emit(args, {"removed": name}, f"Removed script {name}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store
    from repetend.plugins.scripts.journal import journal_path, read_journal

    with open_host(args) as host:
        col = host.col
        assert col is not None
        rows = store.listing(col)
        config = store.load_config(col)
        records = read_journal(journal_path(col.path))
        safe = host.safe_mode
    for row in rows:
        rec = records.get(row["name"], {})
        errors = rec.get("errors") or []
        row.update(runs=rec.get("runs", 0), failures=rec.get("failures", 0),
                   lastError=errors[-1] if errors else None)
    lines = []
    if safe:
        lines.append("Safe mode: scheduling scripts are not run.")
    lines.append("Order: " + (" -> ".join(config.order) or "(nothing enabled)")
                 + f"; limits {config.limits.time_ms:g} ms, {config.limits.memory_mib:g} MiB "
                 "per script and card")
    if not rows:
        lines.append("No scripts stored.")
    for row in rows:
        state = f"#{row['position']}" if row["enabled"] else "off"
        lines.append(f"{row['name']:<24} {row['kind']:<7} {state:<4} {row['lines']:>5} lines"
                     f"{'  legacy page' if row['legacyPage'] else ''}  runs {row['runs']}, "
                     f"failures {row['failures']}")
        if row["lastError"]:
            err = row["lastError"]
            lines.append(f"    last error: {err.get('kind')}: {err.get('message')}"
                         + (f" (line {err['line']})" if err.get("line") else ""))
    emit(args, {"safe_mode": safe, "order": list(config.order),
                "limits": {"timeMs": config.limits.time_ms,
                           "memoryMiB": config.limits.memory_mib},
                "scripts": rows}, "\n".join(lines))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    with open_host(args) as host:
        assert host.col is not None
        script = store.code_of(host.col, args.name)
    emit(args, {"name": script.name, "code": script.code, "legacyPage": script.legacy_page},
         script.code)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts.journal import journal_path, read_journal

    with open_host(args) as host:
        assert host.col is not None
        records = read_journal(journal_path(host.col.path))
    rec = records.get(args.name)
    if rec is None:
        raise NotFoundError(f"no runs recorded for script {args.name!r} (known: "
                            f"{', '.join(records) or 'none'})")
    lines = [f"{args.name}: {rec.get('runs', 0)} run(s), {rec.get('failures', 0)} failure(s), "
             f"last took {rec.get('lastMs', 0)} ms"]
    for entry in rec.get("log", []):
        lines.append(f"{_when(entry.get('at'))} card {entry.get('card')} "
                     f"console.{entry.get('level')}: {entry.get('text')}")
    for err in rec.get("errors", []):
        lines.append(f"{_when(err.get('at'))} card {err.get('card')} error {err.get('kind')}: "
                     f"{err.get('message')}" + (f" (line {err['line']})" if err.get("line")
                                                else ""))
    emit(args, {"name": args.name, **rec}, "\n".join(lines))
    return 0


def _when(stamp: Any) -> str:
    if not isinstance(stamp, int):
        return "?"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def cmd_enable(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    with open_host(args) as host:
        assert host.col is not None
        config = store.enable(host.col, args.name, args.at)
    return _emit_order(args, config)


def cmd_disable(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    with open_host(args) as host:
        assert host.col is not None
        config = store.disable(host.col, args.name)
    return _emit_order(args, config)


def cmd_order(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    with open_host(args) as host:
        assert host.col is not None
        config = store.set_order(host.col, args.names)
    return _emit_order(args, config)


def _emit_order(args: argparse.Namespace, config: Any) -> int:
    emit(args, {"order": list(config.order)},
         "Order: " + (" -> ".join(config.order) or "(nothing enabled)"))
    return 0


def cmd_limits(args: argparse.Namespace) -> int:
    from repetend.plugins.scripts import store

    with open_host(args) as host:
        assert host.col is not None
        if args.time_ms is None and args.memory_mib is None:
            config = store.load_config(host.col)
        else:
            config = store.set_limits(host.col, args.time_ms, args.memory_mib)
    limits = config.limits
    emit(args, {"timeMs": limits.time_ms, "memoryMiB": limits.memory_mib},
         f"Each script gets {limits.time_ms:g} ms and {limits.memory_mib:g} MiB per card.")
    return 0
