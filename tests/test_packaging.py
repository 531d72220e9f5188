"""The distribution ships every package folder, under the `repetend` namespace."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"core": "repetend.core", "hooks": "repetend.hooks", "host": "repetend.host",
           "plugins": "repetend.plugins"}


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    on_disk = set()
    for folder, dotted in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            on_disk.add(".".join((dotted, *rel)))
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages"


def test_code_imports_only_through_the_repetend_namespace():
    offenders = []
    for folder in [*FOLDERS, "tests", "examples", "benchmarks"]:
        for path in (ROOT / folder).rglob("*.py"):
            for line in path.read_text().splitlines():
                stripped = line.strip()
                for bare in FOLDERS:
                    if stripped.startswith((f"import {bare}", f"from {bare} ", f"from {bare}.")):
                        offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
