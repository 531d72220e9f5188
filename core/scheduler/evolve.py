"""A faster `dataclasses.replace` for the scheduler's frozen state and card-field objects.

`dataclasses.replace` goes through every field and `__init__` (about 1.3 µs); answering a
card makes several copies, so this copies the instance dict instead (about 0.4 µs). Only for
plain frozen dataclasses: no `__post_init__`, no `InitVar` or `init=False` fields, no slots
(checked once per class). Unknown field names are refused as `replace` does.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["replace"]

T = TypeVar("T")
_FIELDS: dict[type, frozenset[str]] = {}


def _plain_fields(cls: type) -> frozenset[str]:
    names = _FIELDS.get(cls)
    if names is None:
        fields = dataclasses.fields(cls)
        if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__") or \
                any(not f.init for f in fields):
            raise TypeError(f"{cls.__name__} is not a plain dataclass: use dataclasses.replace")
        names = _FIELDS[cls] = frozenset(f.name for f in fields)
    return names


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the dataclass instance `obj` with `changes` (field name -> new value)."""
    cls = obj.__class__
    if not changes.keys() <= _plain_fields(cls):
        unknown = sorted(changes.keys() - _plain_fields(cls))
        raise TypeError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    new = object.__new__(cls)
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new
