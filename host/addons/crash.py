"""Crash breadcrumbs: which add-on was loading or starting when the process died.

An add-on whose import or start-up code kills the process (a native crash, `os._exit`, a
hang the user ends) would otherwise stop Repetend from starting every time, the way an Anki
add-on update can (PEERS.md §2.1 row 3). So before each add-on is imported, and before each
of its start-up hooks runs, the host writes `.loading-<pid>.json` naming it; a normal start
removes the file. A breadcrumb left by a process that no longer runs means that process
died there, and the next start quarantines the add-on it names (PEERS.md §3.7 item 4).

One file per process, so two Repetend processes on one profile (the GUI and a CLI command)
never read each other's breadcrumb as a crash. Python exceptions are not crashes (they are
contained and reported); only KeyboardInterrupt passes and leaves the breadcrumb, because a
user pressing Ctrl-C during start-up is most often ending a hang.

Unattended runs turn this off (`--no-quarantine`, `REPETEND_NO_QUARANTINE=1`): Firefox's
automatic safe mode hijacking test runs is the lesson (PEERS.md §3.3). Then no breadcrumb is
written and none is acted on.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

NO_QUARANTINE_ENV = "REPETEND_NO_QUARANTINE"
_PREFIX = ".loading-"


@dataclass(frozen=True)
class Crash:
    """A breadcrumb left by a process that died: what it was doing."""

    package: str | None  # None: it died outside any add-on (a built-in, or the host)
    phase: str  # "loading" (import and registration) or "starting" (a start-up hook)
    hook: str | None
    at: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.at))
        doing = (f"running its {self.hook} hook" if self.phase == "starting" and self.hook
                 else "loading it")
        return f"Repetend stopped while {doing} ({when})"


class Breadcrumbs:
    """This process's breadcrumb file; a no-op when quarantine is off."""

    def __init__(self, addons_folder: Path, *, enabled: bool) -> None:
        self.enabled = enabled
        self.path = addons_folder / f"{_PREFIX}{os.getpid()}.json"
        self._last: tuple[str | None, str, str | None] | None = None

    def loading(self, package: str) -> None:
        self._write(package, "loading", None)

    def starting(self, package: str | None, hook: str) -> None:
        self._write(package, "starting", hook)

    def clear(self) -> None:
        if self.enabled:
            self.path.unlink(missing_ok=True)
            self._last = None

    def _write(self, package: str | None, phase: str, hook: str | None) -> None:
        if not self.enabled or self._last == (package, phase, hook):
            return
        # Rewritten in place, not via a temporary file and a rename: this runs before every
        # add-on, and a process dying mid-write leaves junk that `recover` just discards.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"pid": os.getpid(), "package": package,
                                         "phase": phase, "hook": hook, "at": time.time()}),
                             encoding="utf-8")
        self._last = (package, phase, hook)


def recover(addons_folder: Path) -> list[Crash]:
    """The breadcrumbs of processes that died, oldest first; their files are removed."""
    if not addons_folder.is_dir():
        return []
    crashes = []
    for path in addons_folder.glob(f"{_PREFIX}*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pid = int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)  # unreadable: a crash while writing it, or junk
            continue
        if pid != os.getpid() and _alive(pid):
            continue  # another Repetend is starting right now
        package = data.get("package")
        crashes.append(Crash(package if isinstance(package, str) else None,
                             str(data.get("phase", "loading")),
                             data.get("hook") if isinstance(data.get("hook"), str) else None,
                             float(data.get("at", 0) or 0)))
        path.unlink(missing_ok=True)
    return sorted(crashes, key=lambda c: c.at)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
