"""Anki's schema-11 objects (JSON in the `col` row) ⇄ Repetend objects.

Keys our dataclasses do not model are kept in their `extra` dicts under the same JSON
names, which are also the names `schema18` uses, so both schemas share one form.
"""

from __future__ import annotations

from typing import Any

from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import DECK_FILTERED, DECK_NORMAL, Deck
from repetend.core.notetypes import Field, NoteType, Template


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _rest(data: dict[str, Any], known: set[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in known}


# --- note types --------------------------------------------------------------------------

_NT_KEYS = {"id", "name", "type", "mod", "usn", "sortf", "tmpls", "flds", "css", "latexPre",
            "latexPost", "latexsvg", "originalStockKind", "originalId"}
_FLD_KEYS = {"name", "ord", "sticky", "rtl", "font", "size", "description", "plainText",
             "collapsed", "excludeFromSearch", "id", "tag", "preventDeletion"}
_TMPL_KEYS = {"name", "ord", "qfmt", "afmt", "bqfmt", "bafmt", "did", "bfont", "bsize", "id"}


def notetype_from_json(data: dict[str, Any]) -> NoteType:
    flds = [Field(
        name=str(f.get("name", "")), ord=_int(f.get("ord"), i), font=f.get("font") or "Arial",
        size=_int(f.get("size"), 20) or 20, rtl=bool(f.get("rtl")),
        sticky=bool(f.get("sticky")), plain_text=bool(f.get("plainText")),
        collapsed=bool(f.get("collapsed")), exclude_from_search=bool(f.get("excludeFromSearch")),
        prevent_deletion=bool(f.get("preventDeletion")),
        description=f.get("description") or "", tag=f.get("tag"), anki_id=f.get("id"),
        extra=_rest(f, _FLD_KEYS)) for i, f in enumerate(data.get("flds") or [])]
    tmpls = [Template(
        name=str(t.get("name", "")), front=t.get("qfmt") or "", back=t.get("afmt") or "",
        ord=_int(t.get("ord"), i), browser_front=t.get("bqfmt") or "",
        browser_back=t.get("bafmt") or "", browser_font=t.get("bfont") or "",
        browser_font_size=_int(t.get("bsize")), deck_id=t.get("did") or None,
        anki_id=t.get("id"), mtime=_int(data.get("mod")), usn=_int(data.get("usn"), -1),
        extra=_rest(t, _TMPL_KEYS)) for i, t in enumerate(data.get("tmpls") or [])]
    flds.sort(key=lambda f: f.ord)
    tmpls.sort(key=lambda t: t.ord)
    return NoteType(
        name=str(data.get("name", "")), fields=flds, templates=tmpls, css=data.get("css") or "",
        kind=1 if _int(data.get("type")) == 1 else 0, id=_int(data.get("id")),
        sort_field=_int(data.get("sortf")), latex_pre=data.get("latexPre") or "",
        latex_post=data.get("latexPost") or "", latex_svg=bool(data.get("latexsvg")),
        original_stock_kind=_int(data.get("originalStockKind")),
        original_id=data.get("originalId"), mtime=_int(data.get("mod")),
        usn=_int(data.get("usn"), -1), extra=_rest(data, _NT_KEYS))


def notetype_to_json(nt: NoteType) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in nt.extra.items() if not k.startswith("_")}
    out.update({
        "id": nt.id, "name": nt.name, "type": nt.kind, "mod": nt.mtime, "usn": nt.usn,
        "sortf": nt.sort_field, "did": nt.extra.get("did"),
        "tmpls": [{**t.extra, "name": t.name, "ord": t.ord, "qfmt": t.front, "afmt": t.back,
                   "bqfmt": t.browser_front, "bafmt": t.browser_back, "did": t.deck_id,
                   "bfont": t.browser_font, "bsize": t.browser_font_size, "id": t.anki_id}
                  for t in nt.templates],
        "flds": [{**f.extra, "name": f.name, "ord": f.ord, "sticky": f.sticky, "rtl": f.rtl,
                  "font": f.font, "size": f.size, "description": f.description,
                  "plainText": f.plain_text, "collapsed": f.collapsed,
                  "excludeFromSearch": f.exclude_from_search, "id": f.anki_id, "tag": f.tag,
                  "preventDeletion": f.prevent_deletion} for f in nt.fields],
        "css": nt.css, "latexPre": nt.latex_pre, "latexPost": nt.latex_post,
        "latexsvg": nt.latex_svg, "req": nt.extra.get("req") or legacy_req(nt),
        "originalStockKind": nt.original_stock_kind,
    })
    if nt.original_id is not None:
        out["originalId"] = nt.original_id
    return out


def legacy_req(nt: NoteType) -> list[list[Any]]:
    """A conservative `req` for old clients: a card needs any field its front names."""
    out = []
    for t in nt.templates:
        ords = [f.ord for f in nt.fields if "{{" in t.front and f.name in t.front]
        out.append([t.ord, "any" if ords else "none", ords])
    return out


# --- decks -------------------------------------------------------------------------------

_DECK_KEYS = {"id", "mod", "name", "usn", "collapsed", "browserCollapsed", "desc", "dyn",
              "conf"}


def deck_from_json(data: dict[str, Any]) -> Deck:
    filtered = _int(data.get("dyn")) == 1
    return Deck(
        name=str(data.get("name", "")), id=_int(data.get("id")),
        kind=DECK_FILTERED if filtered else DECK_NORMAL,
        config_id=0 if filtered else (_int(data.get("conf"), 1) or 1),
        description=data.get("desc") or "", collapsed=bool(data.get("collapsed")),
        browser_collapsed=bool(data.get("browserCollapsed")), mtime=_int(data.get("mod")),
        usn=_int(data.get("usn"), -1), extra=_rest(data, _DECK_KEYS))


def deck_to_json(deck: Deck) -> dict[str, Any]:
    e = deck.extra
    out: dict[str, Any] = {k: v for k, v in e.items() if not k.startswith("_")}
    out.update({"id": deck.id, "mod": deck.mtime, "name": deck.name, "usn": deck.usn,
                "collapsed": deck.collapsed, "browserCollapsed": deck.browser_collapsed,
                "desc": deck.description, "dyn": 1 if deck.kind == DECK_FILTERED else 0})
    for key in ("newToday", "revToday", "lrnToday", "timeToday"):
        out.setdefault(key, [0, 0])
    if deck.kind == DECK_FILTERED:
        for key in ("extendNew", "extendRev", "md", "reviewLimit", "newLimit",
                    "reviewLimitToday", "newLimitToday", "desiredRetention"):
            out.pop(key, None)
        out.setdefault("resched", True)
        out.setdefault("terms", [["", 100, 0]])
        out.setdefault("separate", True)
        if not out.get("delays"):
            out["delays"] = None
        for key in ("previewDelay", "previewAgainSecs", "previewHardSecs", "previewGoodSecs"):
            out.setdefault(key, 0)
    else:
        out["conf"] = deck.config_id
        for key in ("extendNew", "extendRev"):
            out.setdefault(key, 0)
        for key in ("reviewLimit", "newLimit", "reviewLimitToday", "newLimitToday",
                    "desiredRetention"):
            out.setdefault(key, None)
    return out


# --- deck option presets ---------------------------------------------------------------

_DCONF_KEYS = {"id", "mod", "name", "usn", "maxTaken", "autoplay", "timer", "replayq", "new",
               "rev", "lapse", "dyn", "newMix", "interdayLearningMix", "reviewOrder",
               "newSortOrder", "newGatherPriority", "buryInterdayLearning", "fsrsWeights",
               "fsrsParams5", "fsrsParams6", "desiredRetention", "ignoreRevlogsBeforeDate",
               "easyDaysPercentages", "stopTimerOnAnswer", "secondsToShowQuestion",
               "secondsToShowAnswer", "questionAction", "answerAction", "waitForAudio",
               "sm2Retention", "weightSearch"}


def deck_config_from_json(data: dict[str, Any]) -> DeckConfig:
    d = DeckConfig()
    new = data.get("new") if isinstance(data.get("new"), dict) else {}
    rev = data.get("rev") if isinstance(data.get("rev"), dict) else {}
    lapse = data.get("lapse") if isinstance(data.get("lapse"), dict) else {}
    ints = new.get("ints") if isinstance(new.get("ints"), list) else []

    def floats(value: Any, default: list[float]) -> list[float]:
        if not isinstance(value, list):
            return list(default)
        return [_float(v, 0.0) for v in value]

    conf = DeckConfig(
        id=_int(data.get("id")), name=str(data.get("name", "")), mtime=_int(data.get("mod")),
        usn=_int(data.get("usn"), -1),
        learn_steps=floats(new.get("delays"), d.learn_steps),
        graduating_interval_good=_int(ints[0] if ints else None, d.graduating_interval_good),
        graduating_interval_easy=_int(ints[1] if len(ints) > 1 else None,
                                      d.graduating_interval_easy),
        new_card_insert_order=0 if _int(new.get("order"), 1) == 1 else 1,
        new_per_day=_int(new.get("perDay"), d.new_per_day),
        initial_ease=_float(new.get("initialFactor"), d.initial_ease * 1000) / 1000,
        bury_new=bool(new.get("bury")),
        reviews_per_day=_int(rev.get("perDay"), d.reviews_per_day),
        easy_multiplier=_float(rev.get("ease4"), d.easy_multiplier),
        hard_multiplier=_float(rev.get("hardFactor"), d.hard_multiplier),
        interval_multiplier=_float(rev.get("ivlFct"), d.interval_multiplier),
        maximum_review_interval=_int(rev.get("maxIvl"), d.maximum_review_interval),
        bury_reviews=bool(rev.get("bury")),
        relearn_steps=floats(lapse.get("delays"), d.relearn_steps),
        lapse_multiplier=_float(lapse.get("mult"), d.lapse_multiplier),
        minimum_lapse_interval=_int(lapse.get("minInt"), d.minimum_lapse_interval),
        leech_threshold=_int(lapse.get("leechFails"), d.leech_threshold),
        leech_action=_int(lapse.get("leechAction"), d.leech_action),
        bury_interday_learning=bool(data.get("buryInterdayLearning")),
        new_card_gather_priority=_int(data.get("newGatherPriority")),
        new_card_sort_order=_int(data.get("newSortOrder")),
        new_mix=_int(data.get("newMix")),
        interday_learning_mix=_int(data.get("interdayLearningMix")),
        review_order=_int(data.get("reviewOrder")),
        cap_answer_time_to_secs=_int(data.get("maxTaken"), d.cap_answer_time_to_secs),
        show_timer=bool(_int(data.get("timer"))),
        stop_timer_on_answer=bool(data.get("stopTimerOnAnswer")),
        disable_autoplay=not data.get("autoplay", True),
        skip_question_when_replaying_answer=not data.get("replayq", True),
        seconds_to_show_question=_float(data.get("secondsToShowQuestion"), 0.0),
        seconds_to_show_answer=_float(data.get("secondsToShowAnswer"), 0.0),
        question_action=_int(data.get("questionAction")),
        answer_action=_int(data.get("answerAction")),
        wait_for_audio=bool(data.get("waitForAudio", True)),
        fsrs_params_4=floats(data.get("fsrsWeights"), []),
        fsrs_params_5=floats(data.get("fsrsParams5"), []),
        fsrs_params_6=floats(data.get("fsrsParams6"), []),
        desired_retention=_float(data.get("desiredRetention"), d.desired_retention),
        historical_retention=_float(data.get("sm2Retention"), d.historical_retention),
        ignore_revlogs_before_date=str(data.get("ignoreRevlogsBeforeDate") or ""),
        param_search=str(data.get("weightSearch") or ""),
        easy_days_percentages=floats(data.get("easyDaysPercentages"), [1.0] * 7),
        extra=_rest(data, _DCONF_KEYS),
    )
    for section, known in (("new", {"bury", "delays", "initialFactor", "ints", "order",
                                    "perDay"}),
                           ("rev", {"bury", "ease4", "ivlFct", "maxIvl", "perDay",
                                    "hardFactor"}),
                           ("lapse", {"delays", "leechAction", "leechFails", "minInt",
                                      "mult"})):
        rest = _rest(data.get(section) if isinstance(data.get(section), dict) else {}, known)
        if rest:
            conf.extra[f"_{section}"] = rest
    conf.replace_invalid_with_defaults()
    return conf


def deck_config_to_json(conf: DeckConfig) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in conf.extra.items() if not k.startswith("_")}
    out.update({
        "id": conf.id, "mod": conf.mtime, "name": conf.name, "usn": conf.usn,
        "maxTaken": conf.cap_answer_time_to_secs, "autoplay": not conf.disable_autoplay,
        "timer": 1 if conf.show_timer else 0,
        "replayq": not conf.skip_question_when_replaying_answer,
        "new": {**conf.extra.get("_new", {}), "bury": conf.bury_new,
                "delays": list(conf.learn_steps),
                "initialFactor": round(conf.initial_ease * 1000),
                "ints": [conf.graduating_interval_good, conf.graduating_interval_easy, 0],
                "order": 1 if conf.new_card_insert_order == 0 else 0,
                "perDay": conf.new_per_day},
        "rev": {**conf.extra.get("_rev", {}), "bury": conf.bury_reviews,
                "ease4": conf.easy_multiplier, "ivlFct": conf.interval_multiplier,
                "maxIvl": conf.maximum_review_interval, "perDay": conf.reviews_per_day,
                "hardFactor": conf.hard_multiplier},
        "lapse": {**conf.extra.get("_lapse", {}), "delays": list(conf.relearn_steps),
                  "leechAction": conf.leech_action, "leechFails": conf.leech_threshold,
                  "minInt": conf.minimum_lapse_interval, "mult": conf.lapse_multiplier},
        "dyn": False, "newMix": conf.new_mix,
        "newPerDayMinimum": int(conf.extra.get("newPerDayMinimum") or 0),
        "interdayLearningMix": conf.interday_learning_mix, "reviewOrder": conf.review_order,
        "newSortOrder": conf.new_card_sort_order,
        "newGatherPriority": conf.new_card_gather_priority,
        "buryInterdayLearning": conf.bury_interday_learning,
        "fsrsWeights": list(conf.fsrs_params_4), "fsrsParams5": list(conf.fsrs_params_5),
        "fsrsParams6": list(conf.fsrs_params_6), "desiredRetention": conf.desired_retention,
        "ignoreRevlogsBeforeDate": conf.ignore_revlogs_before_date,
        "easyDaysPercentages": list(conf.easy_days_percentages),
        "stopTimerOnAnswer": conf.stop_timer_on_answer,
        "secondsToShowQuestion": conf.seconds_to_show_question,
        "secondsToShowAnswer": conf.seconds_to_show_answer,
        "questionAction": conf.question_action, "answerAction": conf.answer_action,
        "waitForAudio": conf.wait_for_audio, "sm2Retention": conf.historical_retention,
        "weightSearch": conf.param_search,
    })
    return out
