"""Trying a script before trusting it: a dry run over the cards due now, and a replay of the
review history with and without it (PEERS §2.2 #10: "no way to test without waiting days").

Neither writes anything: the collection, the cards' custom data and the scripts' journal stay
as they are.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from repetend.core.scheduler import (
    CardSchedulingFields,
    NewState,
    ReviewState,
    StateContext,
    apply_state,
    current_state_from_card,
    next_states,
)
from repetend.core.scheduler.answering import BUTTON_NAMES, load_card, scheduling_config
from repetend.core.scheduler.labels import format_interval, state_delay_secs
from repetend.core.scheduler.states import (
    CardState,
    RelearnState,
    ReschedulingFilterState,
    SchedulingStates,
)
from repetend.core.scheduler.timing import DEFAULT_ROLLOVER, sched_timing
from repetend.plugins.scripts.runner import anki_seed, runner_for
from repetend.plugins.scripts.sandbox import ScriptError
from repetend.plugins.scripts.store import Script

if TYPE_CHECKING:
    from repetend.core.collection import Collection

__all__ = ["ReplayReport", "dry_run", "replay"]

DAY = 86400


def _interval(state: CardState, secs_until_rollover: int) -> dict[str, Any]:
    secs = state_delay_secs(state, secs_until_rollover)
    return {"secs": secs, "label": format_interval(secs) if secs else "(end)"}


def dry_run(col: Collection, script: Script, deck: str | None = None,
            limit: int | None = None) -> dict[str, Any]:
    """Run `script` on the cards `deck`'s study session would show now (default: the
    current deck), in order, up to `limit`: per card and button the interval before and after
    the script, the custom data it would store, its console output and error. "Before" is the
    scheduler's own states (without add-ons or stored scripts)."""
    sched = col.sched
    runner = runner_for(col)
    target = sched.resolve_deck(deck)
    ids = sched.queued_card_ids(target)
    if limit is not None:
        ids = ids[:limit]
    timing = sched.timing()
    rows = []
    for cid in ids:
        card = load_card(col, cid)
        states = sched.states_for(card)
        outcome = runner.run(states, card, [script], record=False)
        _, ev = outcome.runs[0]
        after = outcome.states
        rows.append({
            "id": cid, "deck": runner.context_for(card)["deckName"],
            "buttons": {b: {"before": _interval(states.for_button(b), timing.secs_until_rollover),
                            "after": _interval(after.for_button(b), timing.secs_until_rollover)}
                        for b in BUTTON_NAMES},
            "customData": {b: after.custom_data.get(b) for b in BUTTON_NAMES}
            if ev.ok else None,
            "log": [line.as_dict() for line in ev.log],
            "error": ev.error.as_dict() if ev.error else None,
            "ms": round(ev.elapsed_ms, 3),
        })
    changed = sum(any(r["buttons"][b]["before"] != r["buttons"][b]["after"]
                      for b in BUTTON_NAMES) for r in rows)
    return {"deck": target.name, "script": script.name, "cards": rows,
            "summary": {"cards": len(rows), "changed": changed,
                        "failed": sum(r["error"] is not None for r in rows)}}


# --- replay ------------------------------------------------------------------------------

@dataclass
class _Variant:
    """One card's simulated history under one scheduler (with or without the script)."""

    fields: CardSchedulingFields
    custom: str = ""
    intervals: list[int] = field(default_factory=list)  # review intervals given, in days


@dataclass
class ReplayReport:
    days: int
    answers: int = 0
    cards: int = 0
    changed: int = 0
    longer: int = 0
    shorter: int = 0
    skipped: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    first_error: dict[str, Any] | None = None
    without: list[int] = field(default_factory=list)  # review intervals (days)
    with_script: list[int] = field(default_factory=list)
    due_without: Counter[int] = field(default_factory=Counter)  # day → cards due
    due_with: Counter[int] = field(default_factory=Counter)
    start_day: int = 0
    end_day: int = 0

    def _interval_summary(self, values: list[int]) -> dict[str, Any]:
        if not values:
            return {"count": 0, "mean": None, "median": None}
        return {"count": len(values), "mean": round(statistics.fmean(values), 2),
                "median": statistics.median(values)}

    def _workload(self, due: Counter[int]) -> dict[str, Any]:
        span = range(self.start_day, self.end_day + 1)
        per_day = [due.get(day, 0) for day in span]
        return {"perDay": round(statistics.fmean(per_day), 2) if per_day else 0.0,
                "peak": max(per_day, default=0), "total": sum(per_day)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days, "cards": self.cards, "answers": self.answers,
            "skipped": self.skipped,
            "intervals": {"without": self._interval_summary(self.without),
                          "with": self._interval_summary(self.with_script),
                          "changed": self.changed, "longer": self.longer,
                          "shorter": self.shorter},
            "workload": {"without": self._workload(self.due_without),
                         "with": self._workload(self.due_with),
                         "window": [self.start_day, self.end_day]},
            "errors": dict(self.errors), "firstError": self.first_error,
        }


def _review_days(state: CardState) -> int | None:
    if isinstance(state, ReschedulingFilterState):
        state = state.original_state
    if isinstance(state, ReviewState):
        return state.scheduled_days
    if isinstance(state, RelearnState):
        return None
    return None


def replay(col: Collection, script: Script, deck: str | None = None,
           days: int = 30) -> ReplayReport:
    """Replay every card's review history (cards of `deck` and its subdecks, or all) through
    the scheduler twice — as it is, and with `script` — and compare what the answers of the
    last `days` days would have given: the review intervals, and how many reviews would have
    come due on each day of that window.

    The answers and their times are the ones in the review log (nobody knows how the user
    would have answered on other days). Both runs start from a new card and follow the same
    options (the card's current preset), without fuzz; the script takes over at the start of
    the window, with empty custom data. Manual entries (reschedules, Forget) are skipped;
    a Forget resets the card to new.
    """
    sched = col.sched
    runner = runner_for(col)
    now = sched.now()
    rollover = col.get_config("rollover", DEFAULT_ROLLOVER)
    rollover = rollover if isinstance(rollover, int) and not isinstance(rollover, bool) \
        else DEFAULT_ROLLOVER
    offset = col.get_config("creationOffset", None)
    offset = offset if isinstance(offset, int) and not isinstance(offset, bool) else None
    crt = col.crt

    def timing_at(secs: int) -> Any:
        return sched_timing(crt, secs, rollover, offset, sched.tz)

    today = timing_at(now).today
    report = ReplayReport(days=days, start_day=today - days + 1, end_day=today)
    window_start_ms = (now - days * DAY) * 1000
    if deck is not None:
        target = sched.resolve_deck(deck)
        dids = [target.id] + [d.id for d in col.decks.descendants(target.id)]
        marks = ",".join("?" * len(dids))
        rows = col.db.execute(
            f"SELECT r.id, r.cid, r.ease, r.type, r.ivl FROM revlog r JOIN cards c ON c.id = "
            f"r.cid WHERE (c.did IN ({marks}) OR c.odid IN ({marks})) ORDER BY r.cid, r.id",
            (*dids, *dids)).fetchall()
    else:
        rows = col.db.execute("SELECT id, cid, ease, type, ivl FROM revlog "
                              "ORDER BY cid, id").fetchall()
    by_card: dict[int, list[tuple[int, int, int, int]]] = {}
    for rid, cid, ease, kind, ivl in rows:
        by_card.setdefault(cid, []).append((rid, ease, kind, ivl))
    for cid, entries in by_card.items():
        if entries[-1][0] < window_start_ms:
            continue
        try:
            card = load_card(col, cid)
        except Exception:
            continue  # the card is gone: its log stays, but there is nothing to replay
        report.cards += 1
        _replay_card(col, runner, card, entries, script, report, timing_at, window_start_ms)
    return report


def _replay_card(col: Collection, runner: Any, card: Any, entries: list[tuple[int, int, int, int]],
                 script: Script, report: ReplayReport, timing_at: Any,
                 window_start_ms: int) -> None:
    home = card.odid or card.did
    config = scheduling_config(col.config_for_deck(home) if home else col.deck_config(1))
    deck_name = runner.context_for(card)["deckName"]

    def new_fields() -> CardSchedulingFields:
        return CardSchedulingFields(type=0, queue=0, due=0, did=home, id=card.id)

    plain, scripted = _Variant(new_fields()), _Variant(new_fields())
    for rid, ease, kind, ivl in entries:
        if ease == 0 or kind == 4:  # manual: a reschedule, or a Forget back to new
            if ivl == 0 and ease == 0:
                plain, scripted = _Variant(new_fields()), _Variant(new_fields())
            else:
                report.skipped += 1
            continue
        if not 1 <= ease <= 4:
            report.skipped += 1
            continue
        secs = rid // 1000
        timing = timing_at(secs)
        in_window = rid >= window_start_ms
        results = []
        for variant, use_script in ((plain, False), (scripted, in_window)):
            ctx = StateContext(config=config, secs_until_rollover=timing.secs_until_rollover,
                               today=timing.today, now=secs, fuzz_seed=None)
            current = current_state_from_card(variant.fields, config, timing.today, secs)
            if isinstance(current, NewState):
                current = NewState(position=0)
            states = next_states(current, ctx)
            if use_script:
                states = _scripted(runner, card, variant, states, script, report, deck_name,
                                   timing)
            chosen = states.for_button(ease)
            applied = apply_state(variant.fields, current, chosen, ctx)
            variant.fields = applied.card
            if use_script:
                variant.custom = states.custom_data.get(BUTTON_NAMES[ease - 1], variant.custom)
            results.append(_review_days(chosen))
        if not in_window:
            continue
        report.answers += 1
        day = timing.today
        for value, intervals, due in ((results[0], report.without, report.due_without),
                                      (results[1], report.with_script, report.due_with)):
            if value is not None:
                intervals.append(value)
                due[day + value] += 1
        if results[0] != results[1]:
            report.changed += 1
            if results[0] is not None and results[1] is not None:
                report.longer += results[1] > results[0]
                report.shorter += results[1] < results[0]


def _scripted(runner: Any, card: Any, variant: _Variant, states: SchedulingStates,
              script: Script, report: ReplayReport, deck_name: str,
              timing: Any) -> SchedulingStates:
    fields = variant.fields
    shown = type(card)(nid=card.nid, did=card.did, ord=card.ord, id=card.id, reps=fields.reps,
                       type=fields.type, queue=fields.queue, due=fields.due, ivl=fields.ivl,
                       factor=fields.factor, lapses=fields.lapses,
                       data={"cd": variant.custom} if variant.custom else {})
    ctx = {"deckName": deck_name, "seed": anki_seed(card.id, fields.reps),
           "now": timing.now * 1000, "today": timing.today,
           "nextDayStartsAt": timing.next_day_at * 1000}
    outcome = runner.run(states, shown, [script], record=False, ctx=ctx)
    for error in outcome.errors:
        _count_error(report, error, card.id)
    return outcome.states


def _count_error(report: ReplayReport, error: ScriptError, card_id: int) -> None:
    report.errors[error.kind] += 1
    if report.first_error is None:
        report.first_error = {"card": card_id, **error.as_dict()}
