"""Fixtures for the importer/exporter tests: the Anki fixtures and a manifest builder.

`manifest(col)` describes a Repetend collection in the format of the fixture manifests
(tests/data/anki/README.md): no ids or timestamps, notes by guid, cards by guid + ord.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

from repetend.core.collection import Collection
from repetend.core.importing.ankidb import collection_today

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"

SCHED_KEYS = {
    "newPerDay": "new_per_day", "reviewsPerDay": "reviews_per_day",
    "learnSteps": "learn_steps", "relearnSteps": "relearn_steps",
    "graduatingIntervalGood": "graduating_interval_good",
    "graduatingIntervalEasy": "graduating_interval_easy", "initialEase": "initial_ease",
    "easyMultiplier": "easy_multiplier", "hardMultiplier": "hard_multiplier",
    "lapseMultiplier": "lapse_multiplier", "intervalMultiplier": "interval_multiplier",
    "maximumReviewInterval": "maximum_review_interval",
    "minimumLapseInterval": "minimum_lapse_interval", "leechThreshold": "leech_threshold",
    "buryNew": "bury_new", "buryReviews": "bury_reviews",
}
LEECH = {0: "LEECH_ACTION_SUSPEND", 1: "LEECH_ACTION_TAG_ONLY"}


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def due_unit(card: dict[str, Any], today: int) -> tuple[int | None, str]:
    ctype, queue, due = card["type"], card["queue"], card["due"]
    if ctype == 0:
        return due, "position"
    if queue in (1, 4) or (ctype in (1, 3) and due > 1_000_000_000):
        return None, "timestamp"
    return due - today, "days"


def build_manifest(col: Collection, now: int | None = None) -> dict[str, Any]:
    db = col.db
    now = now or int(time.time())
    today = collection_today(col.crt, {"rollover": col.get_config("rollover", 4),
                                       "creationOffset": col.get_config("creationOffset")},
                             now)
    nts = {nt.id: nt for nt in col.notetypes.all()}
    counts = dict(db.execute("SELECT ntid, count() FROM notes GROUP BY ntid").fetchall())
    decks = {d.id: d for d in col.decks.all()}
    confs = {c.id: c for c in col.deck_configs()}
    out: dict[str, Any] = {"notetypes": [], "deckConfigs": [], "decks": [], "notes": [],
                           "cards": [], "media": []}
    for nt in sorted(nts.values(), key=lambda n: n.name):
        out["notetypes"].append({
            "name": nt.name, "kind": "cloze" if nt.is_cloze else "normal",
            "fields": nt.field_names(), "templates": [t.name for t in nt.templates],
            "sortField": nt.sort_field, "noteCount": counts.get(nt.id, 0),
            "templateFormats": [{"name": t.name, "qfmt": t.front, "afmt": t.back}
                                for t in nt.templates], "css": nt.css})
    for conf in sorted(confs.values(), key=lambda c: c.name):
        entry: dict[str, Any] = {"name": conf.name}
        for key, attr in SCHED_KEYS.items():
            entry[key] = getattr(conf, attr)
        entry["leechAction"] = LEECH[conf.leech_action]
        out["deckConfigs"].append(entry)
    for deck in sorted(decks.values(), key=lambda d: d.name):
        out["decks"].append({"name": deck.name, "filtered": deck.is_filtered,
                             "config": None if deck.is_filtered else
                             confs[deck.config_id].name, "description": deck.description})
    guid_of = {}
    for row in db.execute("SELECT id, guid, ntid, flds, tags FROM notes ORDER BY guid"):
        nt = nts[row["ntid"]]
        guid_of[row["id"]] = row["guid"]
        out["notes"].append({"guid": row["guid"], "notetype": nt.name,
                             "fields": dict(zip(nt.field_names(), row["flds"].split("\x1f"),
                                                strict=True)),
                             "tags": row["tags"].split()})
    revlog = dict(db.execute("SELECT cid, count() FROM revlog GROUP BY cid").fetchall())
    cards = []
    for row in db.execute("SELECT c.*, n.ntid FROM cards c JOIN notes n ON n.id = c.nid"):
        card = dict(row)
        nt = nts[card["ntid"]]
        due, unit = due_unit(card, today)
        template = nt.templates[0 if nt.is_cloze else card["ord"]].name
        cards.append({"note": guid_of[card["nid"]], "ord": card["ord"], "template": template,
                      "deck": decks[card["did"]].name, "type": card["type"],
                      "queue": card["queue"], "due": due, "dueUnit": unit, "ivl": card["ivl"],
                      "factor": card["factor"], "reps": card["reps"], "lapses": card["lapses"],
                      "left": card["left"], "flags": card["flags"],
                      "revlogCount": revlog.get(card["id"], 0)})
    out["cards"] = sorted(cards, key=lambda c: (c["note"], c["ord"]))
    folder = col.media_folder
    for path in sorted(folder.iterdir()) if folder.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            out["media"].append({"name": path.name, "sha1": hashlib.sha1(data).hexdigest(),
                                 "size": len(data)})
    out["counts"] = {"notetypes": len(nts), "decks": len(decks), "notes": len(out["notes"]),
                     "cards": len(cards),
                     "revlog": db.execute("SELECT count() FROM revlog").fetchone()[0],
                     "media": len(out["media"])}
    return out


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def manifest_of():
    """manifest_of(col) -> the collection described in the fixture-manifest format."""
    return build_manifest


@pytest.fixture
def fresh(tmp_path: Path):
    """A factory of new, empty collections (each in its own folder)."""
    made: list[Collection] = []

    def make(name: str = "col") -> Collection:
        folder = tmp_path / name
        folder.mkdir()
        col = Collection(folder / "collection.db")
        made.append(col)
        return col

    yield make
    for col in made:
        col.close()
