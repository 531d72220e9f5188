"""Mapping dataclasses to table rows: one column per attribute, JSON for dicts and lists."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def to_row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values for a dataclass instance; dicts and lists become JSON text."""
    row = {}
    for f in fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, bool):
            value = int(value)
        row[f.name] = value
    return row


def from_row(cls: type[T], row: sqlite3.Row, **overrides: Any) -> T:
    """Build a dataclass from a row whose column names match its attributes."""
    values: dict[str, Any] = {}
    keys = set(row.keys())
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in overrides:
            values[f.name] = overrides[f.name]
        elif f.name in keys:
            value = row[f.name]
            kind = str(f.type)
            if kind.startswith(("dict", "list")) and isinstance(value, str):
                value = json.loads(value) if value else ({} if kind.startswith("dict") else [])
            elif kind == "bool":
                value = bool(value)
            values[f.name] = value
    return cls(**values)


def insert(db: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))


def update(db: sqlite3.Connection, table: str, row: dict[str, Any],
           key: tuple[str, ...] = ("id",)) -> None:
    sets = ", ".join(f"{c} = ?" for c in row if c not in key)
    where = " AND ".join(f"{c} = ?" for c in key)
    params = [v for c, v in row.items() if c not in key] + [row[c] for c in key]
    db.execute(f"UPDATE {table} SET {sets} WHERE {where}", params)
