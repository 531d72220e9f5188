"""Factories for add-on tests: add-on folders, zip packages, and the CLI as a subprocess."""

import json
import textwrap
import zipfile
from pathlib import Path
from types import SimpleNamespace

import clirun
import pytest

PROFILE = "User 1"


def write_addon(parent: Path, package: str, code: str = "", *, files: dict | None = None,
                **manifest) -> Path:
    """An add-on folder `parent/package` with a manifest, `__init__.py` and extra files."""
    folder = parent / package
    folder.mkdir(parents=True)
    data = {"package": package, "name": package.replace("_", " ").title(), "version": "1.0",
            **manifest}
    (folder / "manifest.json").write_text(json.dumps(data))
    (folder / "__init__.py").write_text(textwrap.dedent(code))
    for rel, content in (files or {}).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def write_zip(path: Path, entries: dict) -> Path:
    """A zip with `entries` {name: text or bytes}; ZipInfo keys give full control."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return path


def addon_zip(path: Path, package: str, code: str = "", *, version: str = "1.0",
              extra: dict | None = None, **manifest) -> Path:
    data = {"package": package, "name": package.title(), "version": version, **manifest}
    return write_zip(path, {"manifest.json": json.dumps(data),
                            "__init__.py": textwrap.dedent(code), **(extra or {})})


# The CLI as a subprocess (tests/support/clirun.py), under the names these tests use.
run_cli = clirun.run
cli_json = clirun.run_json


def tree(folder: Path) -> list[str]:
    """Every path under `folder` (sorted), to show that nothing was written."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def addons_dir(tmp_path) -> Path:
    folder = tmp_path / "addons"
    folder.mkdir()
    return folder


@pytest.fixture
def base(tmp_path) -> Path:
    """A base folder whose profile "User 1" exists (created by a first command)."""
    folder = tmp_path / "base"
    run_cli(folder, "decks")
    return folder


@pytest.fixture
def profile_addons(base) -> Path:
    return base / PROFILE / "addons"


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers above (test modules cannot import conftest with --import-mode=importlib)."""
    return SimpleNamespace(write_addon=write_addon, write_zip=write_zip, addon_zip=addon_zip,
                           run_cli=run_cli, cli_json=cli_json, tree=tree, profile=PROFILE)
