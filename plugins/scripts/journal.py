"""What each script printed and how it failed, kept per script so it can be looked at later.

Anki shows neither: console output needs a web inspector, errors vanish (PEERS §2.2 #10,
#11). Here every evaluation during answering adds its console lines and its error (if any)
to the script's record; the newest `MAX_LOG` lines and `MAX_ERRORS` errors are kept, with
counters. Records live in the profile folder beside the collection, in `scripts-log.json`
(not in the collection: writing there on every answer would add undo steps and sync
traffic). They are written after each failure and when the collection closes, atomically.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repetend.plugins.scripts.sandbox import Evaluation

__all__ = ["FILE_NAME", "Journal", "journal_path", "read_journal"]

FILE_NAME = "scripts-log.json"
MAX_LOG = 100
MAX_ERRORS = 20


def journal_path(collection_path: Path) -> Path:
    return Path(collection_path).with_name(FILE_NAME)


@dataclass
class Record:
    runs: int = 0
    failures: int = 0
    last_run: int = 0
    last_ms: float = 0.0
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_LOG))
    errors: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_ERRORS))

    def to_json(self) -> dict[str, Any]:
        return {"runs": self.runs, "failures": self.failures, "lastRun": self.last_run,
                "lastMs": round(self.last_ms, 3), "log": list(self.log),
                "errors": list(self.errors)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Record:
        rec = cls()
        for name in ("runs", "failures", "last_run"):
            value = raw.get("lastRun" if name == "last_run" else name)
            if isinstance(value, int):
                setattr(rec, name, value)
        if isinstance(raw.get("lastMs"), int | float):
            rec.last_ms = float(raw["lastMs"])
        rec.log.extend(x for x in raw.get("log", []) if isinstance(x, dict))
        rec.errors.extend(x for x in raw.get("errors", []) if isinstance(x, dict))
        return rec


class Journal:
    """The records of one profile's scripts, loaded lazily and saved on `flush`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._records: dict[str, Record] | None = None
        self.dirty = False

    @property
    def records(self) -> dict[str, Record]:
        if self._records is None:
            self._records = {name: Record.from_json(raw)
                             for name, raw in read_journal(self.path).items()}
        return self._records

    def record(self, name: str, evaluation: Evaluation, card_id: int | None) -> None:
        rec = self.records.setdefault(name, Record())
        now = int(time.time())
        rec.runs += 1
        rec.last_run = now
        rec.last_ms = evaluation.elapsed_ms
        for line in evaluation.log:
            rec.log.append({"at": now, "card": card_id, **line.as_dict()})
        if evaluation.error is not None:
            rec.failures += 1
            rec.errors.append({"at": now, "card": card_id, **evaluation.error.as_dict()})
        self.dirty = True

    def flush(self) -> None:
        if not self.dirty or self._records is None:
            return
        data = {"scripts": {name: rec.to_json() for name, rec in self._records.items()}}
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1))
            os.replace(tmp, self.path)
        except OSError:
            return  # a read-only profile must not stop answering; the records stay in memory
        self.dirty = False


def read_journal(path: Path) -> dict[str, dict[str, Any]]:
    """The stored records by script name ({} when there are none or the file is damaged)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return {}
    return {k: v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, dict)}
