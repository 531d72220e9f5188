"""Meta-tests on the add-on API: every hook is typed, documented, listed and tested."""

import dataclasses
import importlib
import inspect
import re
import typing
from collections.abc import Callable
from pathlib import Path

import pytest

import repetend.hooks
from repetend.hooks import API_VERSION, hookimpl, hookspec
from repetend.hooks.markers import PROJECT
from repetend.hooks.registry import REGISTER_PREFIX, SPEC_MODULES, hookspecs

ROOT = Path(__file__).resolve().parents[2]
SPECS = hookspecs()


def test_markers_are_importable_from_the_package_add_ons_use():
    assert hookimpl.project_name == hookspec.project_name == PROJECT == "repetend"
    assert isinstance(API_VERSION, int)
    assert set(repetend.hooks.__all__) >= {"hookimpl", "hookspec", "API_VERSION"}


def test_every_spec_module_in_hooks_is_in_the_registry():
    def has_specs(module):
        return any(getattr(v, f"{PROJECT}_spec", None) is not None for v in vars(module).values())

    modules = [importlib.import_module(f"repetend.hooks.{p.stem}")
               for p in (ROOT / "hooks").glob("*.py") if p.stem != "__init__"]
    assert {m.__name__ for m in modules if has_specs(m)} == {m.__name__ for m in SPEC_MODULES}


def test_hook_names_are_unique_across_modules():
    count = sum(1 for m in SPEC_MODULES for v in vars(m).values()
                if getattr(v, f"{PROJECT}_spec", None) is not None)
    assert count == len(SPECS)


@pytest.mark.parametrize("name", SPECS)
def test_hookspec_is_documented(name):
    """Docstrings are the reference: each says when the hook runs and documents every argument."""
    spec = SPECS[name]
    doc = inspect.getdoc(spec) or ""
    assert "When it is called" in doc, f"{name}: say when it is called"
    for param in inspect.signature(spec).parameters:
        assert f":param {param}:" in doc, f"{name}: document {param}"
    if getattr(spec, f"{PROJECT}_spec").get("firstresult"):
        assert "Stops at first non-None result" in doc


@pytest.mark.parametrize("name", SPECS)
def test_hookspec_is_typed_and_named_for_its_contract(name):
    sig = inspect.signature(SPECS[name])
    untyped = [p for p, v in sig.parameters.items() if v.annotation is inspect.Parameter.empty]
    assert untyped == [], f"{name}: annotate {untyped}"
    assert sig.return_annotation is not inspect.Signature.empty
    assert "_will_" in name or "_did_" in name or name.startswith(REGISTER_PREFIX), (
        f"{name}: use <area>_will_/_did_<verb> or register_<things>")
    if "_did_" in name or name.startswith(REGISTER_PREFIX):  # these return nothing
        assert sig.return_annotation == "None"


@pytest.mark.parametrize("name", [n for n in SPECS if n.startswith(REGISTER_PREFIX)])
def test_register_hooks_take_one_callback_of_a_checked_value_type(name):
    """`register_<things>(register: Callable[[Thing], None])`, Thing a frozen dataclass in
    the same module with a `name` (the host refuses clashes by name) that checks itself."""
    spec = SPECS[name]
    assert list(inspect.signature(spec).parameters) == ["register"]
    hint = typing.get_type_hints(spec)["register"]
    assert typing.get_origin(hint) is Callable
    (value_type,), returns = typing.get_args(hint)
    assert returns in (None, type(None))
    assert value_type.__module__ == spec.__module__
    assert dataclasses.is_dataclass(value_type)
    assert value_type.__dataclass_params__.frozen
    assert "name" in {f.name for f in dataclasses.fields(value_type)}
    assert "__post_init__" in vars(value_type), f"{value_type.__name__} checks itself"
    assert (inspect.getdoc(value_type) or "").strip()


def test_every_hook_has_a_test():
    """As datasette does: a hook without a `test_hook_<name>` test fails here."""
    sources = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
    untested = [n for n in SPECS if not re.search(rf"\bdef test_hook_{n}\b", sources)]
    assert untested == []
