"""Every Anki fixture imports as its manifest records (Anki 26.9.3's own results).

Compared meaningfully: note types by name/fields/templates/formats/CSS, notes by guid
(fields and tags), cards by guid + ordinal (deck, type, queue, due relative to today,
interval, ease, reps, lapses, left, flags, review-log count), presets, decks, media by
SHA-1, and the import log counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from repetend.core.importing.apkg_import import ImportOptions, import_apkg

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# Stock note types a fresh Anki collection has and a fresh Repetend collection lacks.
ANKI_ONLY_STOCK = {"Image Occlusion"}

PACKAGE_MANIFESTS = ["content-legacy.apkg.manifest.json", "content-legacy1.apkg.manifest.json",
                     "content-modern.apkg.manifest.json",
                     "content-modern-nosched.apkg.manifest.json", "conflict.manifest.json",
                     "update.manifest.json"]
UPSTREAM = sorted(p.name for p in (DATA / "upstream").glob("*.apkg.import.json"))


def scenarios() -> list[Any]:
    out = []
    for name in PACKAGE_MANIFESTS:
        for scenario in load(name)["imports"]:
            out.append(pytest.param(DATA, scenario,
                                    id=f"{name.split('.')[0]}-{scenario['name']}"))
    for name in UPSTREAM:
        scenario = json.loads((DATA / "upstream" / name).read_text(encoding="utf-8"))
        out.append(pytest.param(DATA / "upstream", scenario, id=f"upstream-{name.split('.')[0]}"))
    return out


def options(opts: dict[str, Any]) -> ImportOptions:
    return ImportOptions(update_notes=opts["updateNotes"].lower(),
                         update_notetypes=opts["updateNotetypes"].lower(),
                         with_scheduling=opts["withScheduling"],
                         with_deck_configs=opts["withDeckConfigs"],
                         merge_notetypes=opts["mergeNotetypes"])


def normalized(manifest: dict[str, Any]) -> dict[str, Any]:
    """Drop what legitimately differs: Anki-only stock note types; `Basic_`≡`Basic+`."""
    text = json.dumps(manifest, ensure_ascii=False).replace('"Basic_"', '"Basic+"')
    data = json.loads(text)
    data["notetypes"] = [nt for nt in data["notetypes"] if nt["name"] not in ANKI_ONLY_STOCK]
    data["counts"]["notetypes"] = len(data["notetypes"])
    return data


@pytest.mark.parametrize(("folder", "scenario"), scenarios())
def test_import_matches_anki(fresh, manifest_of, folder: Path, scenario: dict[str, Any]) -> None:
    col = fresh()
    for step, file in enumerate(scenario["sequence"]):
        summary = import_apkg(col, folder / file, options(scenario["options"]))
        log = scenario["logs"][step]["log"]
        assert {"new": len(summary.added), "updated": len(summary.updated),
                "duplicate": len(summary.duplicate), "conflicting": len(summary.conflicting),
                "foundNotes": summary.found_notes} == {
            k: log[k] for k in ("new", "updated", "duplicate", "conflicting", "foundNotes")}
        assert not summary.skipped
    ours, expected = normalized(manifest_of(col)), normalized(scenario["manifest"])
    for key in ("notetypes", "deckConfigs", "decks", "notes", "cards", "media", "counts"):
        assert ours[key] == expected[key], key
