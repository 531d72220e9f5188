"""Add-ons shipped as Python distributions: the `repetend` entry-point group, and pip.

A distribution declares its add-ons as entry points (as pytest's `pytest11` and llm's
`llm` groups do):

    [project.entry-points.repetend]
    night_mode = "night_mode"            # a module, or "package.module:object"

They are installed with pip running in Repetend's own interpreter (`sys.executable -m pip`),
so they land next to Repetend and are found by `importlib.metadata` without touching
`sys.path`. pip's output is captured: a failure is reported with pip's own last lines.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from repetend.core.errors import RepetendError

#: The entry-point group add-on distributions declare.
ENTRY_POINT_GROUP = "repetend"


class PipError(RepetendError):
    """pip failed; the message ends with what pip printed last."""


def addon_entry_points() -> list[importlib.metadata.EntryPoint]:
    """Every entry point in the `repetend` group, sorted by name.

    Caches are cleared first: pip may have just installed a distribution in this process.
    """
    importlib.invalidate_caches()
    return sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
                  key=lambda ep: ep.name)


def distribution_name(ep: importlib.metadata.EntryPoint) -> str | None:
    return ep.dist.name if ep.dist is not None else None


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_install(requirement: str, python: str = sys.executable) -> list[tuple[str, str]]:
    """Install a wheel, sdist or requirement; the (name, version) pairs pip installed.

    `--report` (pip ≥ 22.2) says exactly what was installed, so no pip output is parsed.
    An empty list means the requirement was already satisfied.
    """
    with tempfile.TemporaryDirectory(prefix="repetend-pip-") as tmp:
        report = Path(tmp) / "report.json"
        _run_pip(python, ["install", "--report", str(report), requirement])
        try:
            data = json.loads(report.read_text())
        except (OSError, ValueError):
            return []
    return [(item["metadata"]["name"], item["metadata"]["version"])
            for item in data.get("install", [])]


def pip_uninstall(dist_name: str, python: str = sys.executable) -> None:
    _run_pip(python, ["uninstall", "--yes", dist_name])


def _run_pip(python: str, args: list[str]) -> None:
    cmd = [python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as exc:
        raise PipError(f"cannot run pip ({exc})") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise PipError(f"pip {args[0]} failed (exit {proc.returncode}):\n{tail}")
