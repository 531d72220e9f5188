"""Load the add-ons in examples/ for their tests; the fixtures they use come from the
`repetend` pytest plugin (repetend.host.testing), as they would for any add-on author."""

import importlib.util
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def import_example(package: str):
    """Import examples/<package>/ as a package (its `__init__.py`), once per test session."""
    module_name = f"repetend_examples.{package}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    folder = EXAMPLES / package
    spec = importlib.util.spec_from_file_location(
        module_name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


@pytest.fixture
def example():
    """`example(package) -> module`: an example add-on, imported from examples/."""
    return import_example
