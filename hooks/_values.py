"""Checks shared by the value types add-ons contribute through `register_*` hooks.

Each type checks itself when it is built, so a mistake raises in the add-on's own code,
where the host's per-plugin containment pins it on the add-on that made it.
"""

from __future__ import annotations

from typing import Any


def check_name(owner: object, field: str, value: Any) -> None:
    """`value` is a non-empty string without surrounding whitespace."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise ValueError(f"{type(owner).__name__}.{field} must be a non-empty string without "
                         f"surrounding spaces, not {value!r}")


def check_text(owner: object, field: str, value: Any) -> None:
    """`value` is a string (possibly empty)."""
    if not isinstance(value, str):
        raise TypeError(f"{type(owner).__name__}.{field} must be a string, "
                        f"not {type(value).__name__}")


def check_callable(owner: object, field: str, value: Any) -> None:
    if not callable(value):
        raise TypeError(f"{type(owner).__name__}.{field} must be callable, "
                        f"not {type(value).__name__}")


def check_extension(owner: object, field: str, value: Any) -> None:
    """A file name extension as the host compares them: lower-case, with its dot."""
    if not isinstance(value, str) or len(value) < 2 or not value.startswith(".") \
            or value != value.lower() or any(c in value for c in "/\\ "):
        raise ValueError(f"{type(owner).__name__}.{field} must be lower-case extensions with "
                         f"their dot, like '.csv', not {value!r}")
