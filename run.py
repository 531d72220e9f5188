#!/usr/bin/env python3
"""Bootstrap and run Repetend from a checkout.

    python3 run.py            launch the app on the default profile
    python3 run.py test       run the whole test suite
    python3 run.py ARGS...    run the `repetend` CLI with ARGS (e.g. `decks --json`)

On first use (and whenever pyproject.toml changes) this creates `.venv/` next to
this file and installs Repetend into it in editable mode, with its test tools.
Only the standard library is used here, so any Python 3.11+ can run it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".repetend-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{sys.version_info[:2]} {digest}"


def ensure_venv() -> None:
    """Create the virtual environment and install the project if it is out of date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an old Python
        sys.exit(f"Repetend needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _wanted_stamp():
        return
    print("Installing Repetend and its dependencies into .venv (first run only) …", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.write_text(_wanted_stamp())


def test_environment() -> dict[str, str]:
    """Headless Qt and WebEngine settings the GUI tests need (see README)."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    return env


def main(argv: list[str]) -> int:
    try:
        ensure_venv()
    except subprocess.CalledProcessError as exc:
        print(f"run.py: installing dependencies failed ({exc}).", file=sys.stderr)
        return 1
    os.chdir(ROOT)
    if argv[:1] == ["test"]:
        cmd = [str(PYTHON), "-m", "pytest", *argv[1:]]
        return subprocess.call(cmd, env=test_environment())
    return subprocess.call([str(PYTHON), "-m", "repetend.host", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
