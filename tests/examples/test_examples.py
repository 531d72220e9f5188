"""Every example add-on: a well-formed manifest, clean registration, a test module of its own."""

import json
import re
import shutil
from pathlib import Path

import pytest

from repetend.hooks import api_incompatibility
from repetend.hooks.registry import SPEC_MODULES
from repetend.host.addons.loader import load_addons

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PACKAGES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "__init__.py").exists())

#: The manifest keys the add-on loader reads (issue 4, item 2), exactly these.
MANIFEST_KEYS = {"package", "name", "version", "api", "conflicts", "requires", "homepage"}

#: The hook families the examples must cover (issue 4, item 8): one module of hooks each.
FAMILIES = {"reviewer", "browser", "importing", "tts", "printing", "scheduling"}


def test_there_is_an_example_for_every_family(example):
    hooks_by_module = {m.__name__.rsplit(".", 1)[1]: set(vars(m)) for m in SPEC_MODULES}
    covered = set()
    for package in PACKAGES:
        implemented = {n for n, v in vars(example(package)).items()
                       if getattr(v, "repetend_impl", None) is not None}
        covered |= {family for family, hooks in hooks_by_module.items() if implemented & hooks}
    assert covered >= FAMILIES
    assert len(PACKAGES) >= 6


@pytest.mark.parametrize("package", PACKAGES)
def test_manifest_has_exactly_the_loader_keys(package):
    manifest = json.loads((EXAMPLES / package / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == MANIFEST_KEYS
    assert manifest["package"] == package
    assert re.fullmatch(r"[a-z0-9][a-z0-9_]{0,63}", package)
    assert isinstance(manifest["name"], str) and manifest["name"].strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert api_incompatibility(manifest["api"]) is None
    assert manifest["conflicts"] == manifest["requires"] == []
    assert manifest["homepage"].startswith("https://")


@pytest.mark.parametrize("package", PACKAGES)
def test_registers_cleanly_and_documents_itself(example, host, register_plugin, package):
    module = register_plugin(example(package), package)
    assert host.errors == []
    assert [p for p in host.plugins() if p["name"] == package][0]["hooks"]
    assert (module.__doc__ or "").strip()


@pytest.mark.parametrize("package", PACKAGES)
def test_has_a_test_module(package):
    assert (Path(__file__).parent / f"test_{package}.py").exists()


def test_the_add_on_loader_loads_every_example_from_a_profile_folder(tmp_path, host):
    """Copied into a profile's add-on folder, as a user would install them, all load."""
    for package in PACKAGES:
        shutil.copytree(EXAMPLES / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    addons = load_addons(host, tmp_path, quarantine=False)
    assert {r.package: (r.status, r.reason) for r in addons} == {
        p: ("loaded", None) for p in PACKAGES}
    assert host.errors == []
    assert [c.plugin_name for c in host.register_tts_engines()] == ["morse_tts"]
    assert host.card_will_show("Q<hr id=answer>A", None, "answer").endswith(
        '<section class="answer-highlight">A</section>')
