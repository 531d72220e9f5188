"""Anki's schema-18 objects (protobuf blobs in their own tables) ⇄ Repetend objects.

Anything our dataclasses do not model goes to their `extra` dict under the schema-11
JSON key Anki uses for it (e.g. a deck's `reviewLimit`, `newToday`, a filtered deck's
`terms`), so that both schemas map to one form and nothing is lost on the way back.
"""

from __future__ import annotations

import json
from dataclasses import fields as dc_fields
from typing import Any

from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import DECK_FILTERED, DECK_NORMAL, Deck
from repetend.core.importing import messages as m
from repetend.core.importing.protobuf import UNKNOWN, decode, encode
from repetend.core.notetypes import Field, NoteType, Template

NATIVE_DECK_SEPARATOR = "\x1f"
_REQ_KINDS = ["none", "any", "all"]


def _other(blob: bytes) -> dict[str, Any]:
    if not blob:
        return {}
    try:
        value = json.loads(blob)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _other_bytes(extra: dict[str, Any], skip: tuple[str, ...] = ()) -> bytes:
    rest = {k: v for k, v in extra.items() if k not in skip and not k.startswith("_")}
    return json.dumps(rest, separators=(",", ":")).encode() if rest else b""


def _unknown(extra: dict[str, Any], key: str) -> bytes:
    raw = extra.get(key)
    return bytes.fromhex(raw) if isinstance(raw, str) else b""


# --- note types --------------------------------------------------------------------------


def reqs_to_legacy(reqs: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r["card_ord"], _REQ_KINDS[min(r["kind"], 2)], list(r["field_ords"])]
            for r in reqs]


def reqs_from_legacy(req: Any) -> list[dict[str, Any]]:
    out = []
    for item in req if isinstance(req, list) else []:
        try:
            ord_, kind, ords = item
            out.append({"card_ord": int(ord_), "kind": _REQ_KINDS.index(kind),
                        "field_ords": [int(o) for o in ords]})
        except (ValueError, TypeError):
            continue
    return out


def notetype_from_rows(ntid: int, name: str, mtime: int, usn: int, config: bytes,
                       field_rows: list[tuple[int, str, bytes]],
                       template_rows: list[tuple[int, str, int, int, bytes]]) -> NoteType:
    c = decode(m.NOTETYPE_CONFIG, config)
    extra = _other(c["other"])
    if c["reqs"]:
        extra["req"] = reqs_to_legacy(c["reqs"])
    if c["target_deck_id_unused"]:
        extra["did"] = c["target_deck_id_unused"]
    if UNKNOWN in c:
        extra["_pb"] = c[UNKNOWN].hex()
    flds = []
    for ord_, fname, blob in sorted(field_rows):
        f = decode(m.FIELD_CONFIG, blob)
        fextra = _other(f["other"])
        flds.append(Field(
            name=fname, ord=ord_, font=f["font_name"] or "Arial", size=f["font_size"] or 20,
            rtl=f["rtl"], sticky=f["sticky"], plain_text=f["plain_text"],
            collapsed=f["collapsed"], exclude_from_search=f["exclude_from_search"],
            prevent_deletion=f["prevent_deletion"], description=f["description"],
            tag=f["tag"], anki_id=f["id"], extra=fextra))
    tmpls = []
    for ord_, tname, tmtime, tusn, blob in sorted(template_rows):
        t = decode(m.TEMPLATE_CONFIG, blob)
        tmpls.append(Template(
            name=tname, front=t["q_format"], back=t["a_format"], ord=ord_,
            browser_front=t["q_format_browser"], browser_back=t["a_format_browser"],
            browser_font=t["browser_font_name"], browser_font_size=t["browser_font_size"],
            deck_id=t["target_deck_id"] or None, anki_id=t["id"], mtime=tmtime, usn=tusn,
            extra=_other(t["other"])))
    return NoteType(
        name=name, fields=flds, templates=tmpls, css=c["css"], kind=c["kind"], id=ntid,
        sort_field=c["sort_field_idx"], latex_pre=c["latex_pre"], latex_post=c["latex_post"],
        latex_svg=c["latex_svg"], original_stock_kind=c["original_stock_kind"],
        original_id=c["original_id"], mtime=mtime, usn=usn, extra=extra)


def notetype_to_rows(nt: NoteType) -> tuple[bytes, list[tuple[int, str, bytes]],
                                              list[tuple[int, str, int, int, bytes]]]:
    config = encode(m.NOTETYPE_CONFIG, {
        "kind": nt.kind, "sort_field_idx": nt.sort_field, "css": nt.css,
        "target_deck_id_unused": int(nt.extra.get("did") or 0),
        "latex_pre": nt.latex_pre, "latex_post": nt.latex_post, "latex_svg": nt.latex_svg,
        "reqs": reqs_from_legacy(nt.extra.get("req")),
        "original_stock_kind": nt.original_stock_kind, "original_id": nt.original_id,
        "other": _other_bytes(nt.extra, ("req", "did")), UNKNOWN: _unknown(nt.extra, "_pb"),
    })
    field_rows = [(f.ord, f.name, encode(m.FIELD_CONFIG, {
        "sticky": f.sticky, "rtl": f.rtl, "font_name": f.font, "font_size": f.size,
        "description": f.description, "plain_text": f.plain_text, "collapsed": f.collapsed,
        "exclude_from_search": f.exclude_from_search, "id": f.anki_id, "tag": f.tag,
        "prevent_deletion": f.prevent_deletion, "other": _other_bytes(f.extra)}))
        for f in nt.fields]
    template_rows = [(t.ord, t.name, t.mtime, t.usn, encode(m.TEMPLATE_CONFIG, {
        "q_format": t.front, "a_format": t.back, "q_format_browser": t.browser_front,
        "a_format_browser": t.browser_back, "target_deck_id": t.deck_id or 0,
        "browser_font_name": t.browser_font, "browser_font_size": t.browser_font_size,
        "id": t.anki_id, "other": _other_bytes(t.extra)}))
        for t in nt.templates]
    return config, field_rows, template_rows


# --- decks -------------------------------------------------------------------------------


def _day_limit_in(value: dict[str, Any] | None) -> dict[str, int] | None:
    return None if value is None else {"limit": value["limit"], "today": value["today"]}


def deck_from_row(did: int, name: str, mtime: int, usn: int, common: bytes,
                  kind: bytes) -> Deck:
    c = decode(m.DECK_COMMON, common)
    k = decode(m.DECK_KIND, kind)
    extra = _other(c["other"])
    day = c["last_day_studied"]
    extra.update({"newToday": [day, c["new_studied"]], "revToday": [day, c["review_studied"]],
                  "lrnToday": [day, c["learning_studied"]],
                  "timeToday": [day, c["milliseconds_studied"]]})
    deck = Deck(name=name.replace(NATIVE_DECK_SEPARATOR, "::"), id=did,
                collapsed=c["study_collapsed"], browser_collapsed=c["browser_collapsed"],
                mtime=mtime, usn=usn, extra=extra)
    if k["filtered"] is not None:
        f = k["filtered"]
        deck.kind = DECK_FILTERED
        deck.config_id = 0
        extra.update({
            "resched": f["reschedule"],
            "terms": [[t["search"], t["limit"], t["order"]] for t in f["search_terms"]],
            "delays": f["delays"] or None, "previewDelay": f["preview_delay"],
            "previewAgainSecs": f["preview_again_secs"],
            "previewHardSecs": f["preview_hard_secs"],
            "previewGoodSecs": f["preview_good_secs"]})
    else:
        n = k["normal"] or decode(m.DECK_NORMAL, b"")
        deck.kind = DECK_NORMAL
        deck.config_id = n["config_id"] or 1
        deck.description = n["description"]
        extra.update({
            "extendNew": n["extend_new"], "extendRev": n["extend_review"],
            "md": n["markdown_description"], "reviewLimit": n["review_limit"],
            "newLimit": n["new_limit"],
            "reviewLimitToday": _day_limit_in(n["review_limit_today"]),
            "newLimitToday": _day_limit_in(n["new_limit_today"]),
            "desiredRetention": n["desired_retention"]})
    return deck


_COMMON_KEYS = ("newToday", "revToday", "lrnToday", "timeToday")
_NORMAL_KEYS = ("extendNew", "extendRev", "md", "reviewLimit", "newLimit", "reviewLimitToday",
                "newLimitToday", "desiredRetention", "desc", "conf", "dyn")
_FILTERED_KEYS = ("resched", "terms", "delays", "previewDelay", "previewAgainSecs",
                  "previewHardSecs", "previewGoodSecs", "separate")


def _pair(extra: dict[str, Any], key: str) -> tuple[int, int]:
    value = extra.get(key)
    if isinstance(value, list) and len(value) == 2:
        try:
            return int(value[0]), int(value[1])
        except (TypeError, ValueError):
            pass
    return 0, 0


def deck_to_row(deck: Deck) -> tuple[str, bytes, bytes]:
    """(native name, common blob, kind blob) for the schema-18 `decks` table."""
    e = deck.extra
    day, new = _pair(e, "newToday")
    common = encode(m.DECK_COMMON, {
        "study_collapsed": deck.collapsed, "browser_collapsed": deck.browser_collapsed,
        "last_day_studied": max(day, 0), "new_studied": new,
        "review_studied": _pair(e, "revToday")[1], "learning_studied": _pair(e, "lrnToday")[1],
        "milliseconds_studied": _pair(e, "timeToday")[1],
        "other": _other_bytes(e, _COMMON_KEYS + _NORMAL_KEYS + _FILTERED_KEYS)})
    if deck.kind == DECK_FILTERED:
        kind = encode(m.DECK_KIND, {"filtered": {
            "reschedule": bool(e.get("resched", True)),
            "search_terms": [{"search": str(t[0]), "limit": int(t[1]), "order": int(t[2])}
                             for t in e.get("terms") or [] if len(t) >= 3],
            "delays": e.get("delays") or [], "preview_delay": int(e.get("previewDelay") or 0),
            "preview_again_secs": int(e.get("previewAgainSecs") or 0),
            "preview_hard_secs": int(e.get("previewHardSecs") or 0),
            "preview_good_secs": int(e.get("previewGoodSecs") or 0)}})
    else:
        kind = encode(m.DECK_KIND, {"normal": {
            "config_id": deck.config_id, "extend_new": int(e.get("extendNew") or 0),
            "extend_review": int(e.get("extendRev") or 0), "description": deck.description,
            "markdown_description": bool(e.get("md")), "review_limit": e.get("reviewLimit"),
            "new_limit": e.get("newLimit"),
            "review_limit_today": _day_limit_in(e.get("reviewLimitToday")),
            "new_limit_today": _day_limit_in(e.get("newLimitToday")),
            "desired_retention": e.get("desiredRetention")}})
    return deck.name.replace("::", NATIVE_DECK_SEPARATOR), common, kind


# --- deck option presets ---------------------------------------------------------------

_OPTION_NAMES = [f.name for f in dc_fields(DeckConfig)
                 if f.name not in ("id", "name", "mtime", "usn", "extra")]


def deck_config_from_row(dcid: int, name: str, mtime: int, usn: int, blob: bytes) -> DeckConfig:
    c = decode(m.DECK_CONFIG, blob)
    extra = _other(c["other"])
    extra["newPerDayMinimum"] = c["new_per_day_minimum"]
    options = {k: c[k] for k in _OPTION_NAMES}
    if not options["easy_days_percentages"]:
        options["easy_days_percentages"] = [1.0] * 7
    conf = DeckConfig(id=dcid, name=name, mtime=mtime, usn=usn, extra=extra, **options)
    conf.replace_invalid_with_defaults()
    return conf


def deck_config_to_blob(conf: DeckConfig) -> bytes:
    values: dict[str, Any] = {k: getattr(conf, k) for k in _OPTION_NAMES}
    values["new_per_day_minimum"] = int(conf.extra.get("newPerDayMinimum") or 0)
    values["other"] = _other_bytes(conf.extra, ("newPerDayMinimum",))
    return encode(m.DECK_CONFIG, values)
