"""Shared by the undo and bulk-operation tests of tests/core: text that breaks naive SQL
quoting or statement parsing, and the fixture that runs each test through both batch
paths of `repetend.core.undo`.

Import both into a test module (`from undo_cases import TRICKY, batch_path`): the
fixture is autouse there.
"""

import pytest

from repetend.core import undo

#: Values that a logged statement must carry through undo and redo unchanged.
TRICKY = [
    "it's", "a,b=c", "x' WHERE rowid=5", "''", "", "line\nbreak", "tab\tsep\x1fnext",
    "ünïcödé 漢字 🎴", "NULL", "X'00'", "-12", "),(", "' WHERE rowid=1",
]


@pytest.fixture(autouse=True, params=["scratch table", "executemany"])
def batch_path(request, monkeypatch):
    """Every test once with batches of any size through the scratch table (and indexes
    rebuilt, not updated), once with the small ones through executemany (the default
    below SCRATCH_MIN rows)."""
    if request.param == "scratch table":
        monkeypatch.setattr(undo, "SCRATCH_MIN", 1)
        monkeypatch.setattr(undo, "REBUILD_MIN", 1)
