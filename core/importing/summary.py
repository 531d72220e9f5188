"""What an import did, for the command line (`--json`), the GUI and tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImportSummary:
    """Counts and names of everything an import added, changed or left alone.

    Notes are listed by guid. `duplicate` are notes already present and left unchanged
    ("unchanged"); `conflicting` are present notes whose note type changed shape in the
    package, so they could not be updated; `skipped` pairs a guid with the reason.
    """

    file: str = ""
    dry_run: bool = False
    found_notes: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    cards_added: int = 0
    revlog_added: int = 0
    notetypes_added: list[str] = field(default_factory=list)
    #: package name → the name it got here, for note types added under a new name
    notetypes_renamed: dict[str, str] = field(default_factory=dict)
    notetypes_updated: list[str] = field(default_factory=list)
    decks_added: list[str] = field(default_factory=list)
    decks_renamed: dict[str, str] = field(default_factory=dict)
    deck_configs_added: list[str] = field(default_factory=list)
    media_added: list[str] = field(default_factory=list)
    #: package name → the name it got here (a different file had the name)
    media_renamed: dict[str, str] = field(default_factory=dict)
    media_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"found": self.found_notes, "added": len(self.added),
                "updated": len(self.updated), "unchanged": len(self.duplicate),
                "conflicting": len(self.conflicting), "skipped": len(self.skipped),
                "cards_added": self.cards_added, "revlog_added": self.revlog_added,
                "notetypes_added": len(self.notetypes_added),
                "decks_added": len(self.decks_added),
                "media_added": len(self.media_added)}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = [{"guid": g, "reason": r} for g, r in self.skipped]
        data["counts"] = self.counts()
        return data

    def text(self) -> str:
        c = self.counts()
        head = "Dry run (nothing was changed): " if self.dry_run else ""
        lines = [f"{head}{self.file}: {c['found']} notes found",
                 f"  added: {c['added']}   updated: {c['updated']}   "
                 f"unchanged: {c['unchanged']}   conflicting: {c['conflicting']}   "
                 f"skipped: {c['skipped']}",
                 f"  cards added: {c['cards_added']}   review-log entries added: "
                 f"{c['revlog_added']}"]
        if self.conflicting:
            lines.append(f"  {len(self.conflicting)} note(s) not updated because their note "
                         "type changed shape in the package")
        reasons: dict[str, int] = {}
        for _guid, reason in self.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, n in sorted(reasons.items()):
            lines.append(f"  skipped {n}: {reason}")
        for name in self.notetypes_added:
            renamed = [k for k, v in self.notetypes_renamed.items() if v == name]
            lines.append(f"  note type added: {name}"
                         + (f" (was {renamed[0]!r} in the package)" if renamed else ""))
        for name in self.notetypes_updated:
            lines.append(f"  note type updated: {name}")
        for name in self.decks_added:
            lines.append(f"  deck added: {name}")
        for old, new in self.decks_renamed.items():
            lines.append(f"  deck {old!r} imported as {new!r} (name taken by another kind "
                         "of deck)")
        for name in self.deck_configs_added:
            lines.append(f"  preset added: {name}")
        lines.append(f"  media added: {len(self.media_added)}   already present: "
                     f"{self.media_unchanged}")
        for old, new in self.media_renamed.items():
            lines.append(f"  media {old!r} saved as {new!r} (a different file had the name)")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)
