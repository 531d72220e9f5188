"""`repetend.core` stays pure: no Qt, pluggy, jinja2 or quickjs, and nothing from the host."""

import pkgutil
import subprocess
import sys

import repetend.core

FORBIDDEN = ("PySide6", "shiboken6", "pluggy", "jinja2", "quickjs", "repetend.host",
             "repetend.hooks", "repetend.plugins")


def test_importing_every_core_module_loads_nothing_forbidden():
    modules = [m.name for m in pkgutil.walk_packages(repetend.core.__path__, "repetend.core.")]
    assert "repetend.core.collection" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
