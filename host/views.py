"""Plain-data views of a collection, shared by the CLI's `--json` output and the GUI."""

from __future__ import annotations

from typing import Any

from repetend.core.collection import Collection
from repetend.core.errors import NotFoundError
from repetend.core.text import strip_html


def decks(col: Collection) -> list[dict[str, Any]]:
    counts = dict(col.db.execute("SELECT did, count(*) FROM cards GROUP BY did").fetchall())
    return [{"id": d.id, "name": d.name, "kind": "filtered" if d.is_filtered else "normal",
             "config_id": d.config_id, "card_count": counts.get(d.id, 0),
             "collapsed": d.collapsed} for d in col.decks.all()]


def notetypes(col: Collection) -> list[dict[str, Any]]:
    counts = dict(col.db.execute("SELECT ntid, count(*) FROM notes GROUP BY ntid").fetchall())
    return [{
        "id": nt.id, "name": nt.name, "kind": "cloze" if nt.is_cloze else "standard",
        "sort_field": nt.sort_field, "note_count": counts.get(nt.id, 0),
        "fields": [{"name": f.name, "ord": f.ord, "rtl": f.rtl, "font": f.font,
                    "size": f.size} for f in nt.fields],
        "templates": [{"name": t.name, "ord": t.ord, "front": t.front, "back": t.back,
                       "deck_id": t.deck_id} for t in nt.templates],
    } for nt in col.notetypes.all()]


def notes(col: Collection, deck: str | None = None) -> list[dict[str, Any]]:
    if deck:
        did = col.decks.id(deck, create=False)
        nids = [r[0] for r in col.db.execute(
            "SELECT DISTINCT nid FROM cards WHERE did = ? OR odid = ? ORDER BY nid", (did, did))]
    else:
        nids = col.note_ids()
    out = []
    for nid in nids:
        note = col.get_note(nid)
        out.append({"id": note.id, "guid": note.guid,
                    "notetype": col.notetypes.get(note.ntid).name,
                    "fields": dict(note.items()), "tags": note.tags})
    return out


def cards(col: Collection, deck: str | None = None,
          note_id: int | None = None) -> list[dict[str, Any]]:
    sql, params = "SELECT id FROM cards", []
    if deck:
        did = col.decks.id(deck, create=False)
        sql += " WHERE did = ? OR odid = ?"
        params = [did, did]
    elif note_id is not None:
        col.get_note(note_id)
        sql += " WHERE nid = ?"
        params = [note_id]
    out = []
    for (cid,) in col.db.execute(sql + " ORDER BY id", params).fetchall():
        card = col.get_card(cid)
        note = col.get_note(card.nid)
        nt = col.notetypes.get(note.ntid)
        template = (f"Cloze {card.ord + 1}" if nt.is_cloze
                    else nt.templates[min(card.ord, len(nt.templates) - 1)].name)
        try:
            deck_name = col.decks.get(card.did).name
        except NotFoundError:
            deck_name = "(Deck)"
        out.append({
            "id": card.id, "note_id": card.nid, "deck": deck_name, "deck_id": card.did,
            "ord": card.ord, "template": template, "notetype": nt.name,
            "type": card.type, "queue": card.queue, "due": card.due, "ivl": card.ivl,
            "factor": card.factor, "reps": card.reps, "lapses": card.lapses,
            "flag": card.user_flag,
            "question_text": strip_html(col.render_card(card, browser=True).question)[:80],
        })
    return out
