"""Cards: one per template (or cloze number) of a note, carrying the scheduling state."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Anki's card type and queue numbers (ANKI-FACTS §1.1).
TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN, QUEUE_PREVIEW = 0, 1, 2, 3, 4
QUEUE_SUSPENDED, QUEUE_SCHED_BURIED, QUEUE_USER_BURIED = -1, -2, -3


@dataclass
class Card:
    nid: int
    did: int
    ord: int
    id: int = 0
    mtime: int = 0
    usn: int = -1
    type: int = TYPE_NEW
    queue: int = QUEUE_NEW
    due: int = 0
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    odue: int = 0
    odid: int = 0
    flags: int = 0
    #: JSON object: pos (original new position), FSRS memory, lrt, cd (custom data).
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def user_flag(self) -> int:
        """Flag 0-7 (1 red … 7 purple); the low three bits of `flags`."""
        return self.flags & 0b111

    @property
    def home_deck_id(self) -> int:
        return self.odid or self.did

    @property
    def custom_data(self) -> dict[str, Any]:
        raw = self.data.get("cd", "")
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
