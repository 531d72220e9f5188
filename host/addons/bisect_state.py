"""The add-on bisect's file in the profile, and the overlay the loader applies from it.

A bisect never touches the user's own enable state (`meta.json`). While one is active,
`<profile>/addons/.bisect.json` holds its state, including the add-ons it has turned off
for the current round; `load_addons` reads that list and skips those add-ons for every
start of that profile (the GUI, any command, the check of `bisect run`) until the bisect
ends or is reset, which deletes the file. So stopping a bisect, or a bisect dying halfway,
can never leave the user's set-up changed: VS Code's `isDisabledByBisect()` overlay
(MODELS.md §9). The overlay of a `bisect run` whose process is gone (killed) is ignored.

This module is only the file; the search itself is `repetend.host.addons.bisect`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repetend.host.addons.crash import _alive
from repetend.host.addons.meta import write_json_atomic

#: A dot file, so the catalog never takes it for an add-on.
STATE_FILE = ".bisect.json"


def state_path(addons_folder: Path) -> Path:
    return addons_folder / STATE_FILE


def read_state(addons_folder: Path) -> dict[str, Any] | None:
    """The saved bisect state; None when no bisect is active; ValueError if unreadable."""
    path = state_path(addons_folder)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"{path} cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError(f"{path} is not valid JSON") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return data


def write_state(addons_folder: Path, state: dict[str, Any]) -> None:
    write_json_atomic(state_path(addons_folder), state)


def clear_state(addons_folder: Path) -> bool:
    """End the overlay; True if a bisect was active."""
    path = state_path(addons_folder)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


@dataclass(frozen=True)
class Overlay:
    """What an active bisect asks of this start: the add-ons to leave out."""

    disabled: frozenset[str]
    round: int
    mode: str  # "interactive" or "run"
    problem: str | None = None  # the state file is unreadable (and then ignored)

    def notice(self) -> str:
        if self.problem is not None:
            return (f"The add-on bisect state was ignored ({self.problem}); "
                    "`repetend addons bisect reset` removes it.")
        what = ("Automatic add-on bisect running" if self.mode == "run"
                else "Add-on bisect in progress")
        steps = ("" if self.mode == "run" else
                 "; after trying to reproduce the problem, run `repetend addons bisect good`, "
                 "`bad` or `skip` (`reset` stops)")
        return (f"{what} (round {self.round}): {len(self.disabled)} add-on(s) disabled for "
                f"this round; your own add-on settings are unchanged{steps}.")


def read_overlay(addons_folder: Path) -> Overlay | None:
    """The overlay of the active bisect, or None; an unreadable file disables nothing."""
    try:
        state = read_state(addons_folder)
    except ValueError as exc:
        return Overlay(frozenset(), 0, "interactive", problem=str(exc))
    if state is None:
        return None
    disabled = state.get("disabled")
    if not isinstance(disabled, list) or not all(isinstance(p, str) for p in disabled):
        return Overlay(frozenset(), 0, "interactive",
                       problem=f"{state_path(addons_folder)} has no valid \"disabled\" list")
    round_ = state.get("round")
    if state.get("mode") == "run" and not run_alive(state):
        # `bisect run` was killed: its rounds are over, so the user gets their add-ons back.
        return Overlay(frozenset(), 0, "run", problem=(
            "an automatic bisect was interrupted; its overlay was ignored"))
    return Overlay(frozenset(disabled), round_ if isinstance(round_, int) else 0,
                   "run" if state.get("mode") == "run" else "interactive")


def run_alive(state: dict[str, Any]) -> bool:
    """Whether the process of a `bisect run` state still runs."""
    pid = state.get("pid")
    return isinstance(pid, int) and pid > 0 and _alive(pid)
