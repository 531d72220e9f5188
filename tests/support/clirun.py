"""The `repetend` command line as a subprocess, for the CLI tests of every folder.

Test modules cannot import each other or a conftest (pytest runs with
--import-mode=importlib), so this folder is on the test path (`pythonpath` in
pyproject.toml) and the tests import it as `clirun`.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def run(base: Path, *args: str, check: bool = True, stdin: str | None = None,
        env: dict[str, str] | None = None, timeout: float = 120,
        python: str = sys.executable) -> subprocess.CompletedProcess:
    """`repetend --base <base> <args>` in a fresh process, as a user would type it.

    `stdin` is the text typed in (nothing, an empty stream, by default, so a prompt gets
    end-of-file instead of waiting); `env` replaces the environment, as for
    `subprocess.run`; `python` picks another interpreter (e.g. a throwaway venv). With
    `check`, a non-zero exit fails the test with the command's output.
    """
    proc = subprocess.run([python, "-m", "repetend.host", "--base", str(base), *args],
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout: {proc.stdout}\n"
                             f"stderr: {proc.stderr}")
    return proc


def run_json(base: Path, *args: str, **kw: Any) -> Any:
    """The command's `--json` answer, parsed; keywords as for `run`."""
    return json.loads(run(base, *args, "--json", **kw).stdout)
