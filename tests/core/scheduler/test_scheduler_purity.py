"""The scheduler is pure: standard library and repetend.core only."""

import ast
import sys
from pathlib import Path

SCHEDULER = Path(__file__).resolve().parents[3] / "core" / "scheduler"


def test_scheduler_imports_only_the_standard_library_and_core():
    offenders = []
    for path in sorted(SCHEDULER.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or name.startswith("repetend.core"):
                    continue
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
