"""The engine never imports pluggy, and the add-on API does not import the engine at runtime."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_importing_the_hooks_loads_no_engine_module():
    # The spec modules name core types under TYPE_CHECKING only, so `from repetend.hooks
    # import hookimpl` stays cheap and core stays free to import without pluggy.
    out = _run("import sys, repetend.hooks.registry; "
               "print(sorted(m for m in sys.modules if m.startswith('repetend.core')))")
    assert out == "[]"


def test_importing_the_engine_does_not_import_pluggy():
    assert _run("import sys, repetend.core; print('pluggy' in sys.modules)") == "False"


def test_no_engine_source_imports_pluggy():
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "core").rglob("*.py")
        for line in path.read_text().splitlines()
        if line.strip().startswith(("import pluggy", "from pluggy", "import repetend.hooks",
                                    "from repetend.hooks"))
    ]
    assert offenders == []
