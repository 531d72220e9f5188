"""Running a collection's scripts on a card's next states.

`ScriptRunner.run` takes the states the scheduler (and the add-ons before this step) produced
for a card, runs each enabled script in order (`store.resolve`), each in a fresh sandbox on
the previous one's result, and returns the states to use. A script that fails is skipped: the
states and custom data from before it are kept, and its error goes to the journal with its
name, message and line. So with one script (Anki's case) any failure commits the scheduler's
states and the card's old custom data, as Anki does.

`customData` for the first script is the card's stored custom data (`data.cd`), for each
button, unless an add-on hook before the scripts set a button's custom data: then that. After
a script succeeds, every button carries the custom data it packed, committed with the chosen
button's answer (ANKI-FACTS §2.3).

Results are remembered for the same card, states, scripts and day (the last few cards only),
so the intervals shown on the buttons are exactly the ones committed and a script runs once
per card shown, not again at commit — Anki also runs the script once, when the question is
shown.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from repetend.core.errors import NotFoundError
from repetend.core.scheduler.states import SchedulingStates
from repetend.core.scheduler.validation import StatesInvalid, check_states, without_elapsed
from repetend.plugins.scripts import store
from repetend.plugins.scripts.journal import Journal, journal_path
from repetend.plugins.scripts.sandbox import (
    BUTTONS,
    Evaluation,
    ScriptError,
    evaluate,
    page_text,
)

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection

__all__ = ["Outcome", "ScriptRunner", "anki_seed", "runner_for"]

_U64 = (1 << 64) - 1
_MEMO_SIZE = 64


def anki_seed(card_id: int, reps: int) -> int:
    """`ctx.seed` as Anki computes it: the card id rotated left by 8 bits, plus the reviews
    (checked against Anki 26.9's `SchedulingContext`)."""
    cid = card_id & _U64
    return ((((cid << 8) | (cid >> 56)) & _U64) + reps) & _U64


@dataclass(frozen=True)
class Outcome:
    """The states to use and what each script did (empty when no script ran)."""

    states: SchedulingStates
    runs: tuple[tuple[store.Script, Evaluation], ...] = ()
    #: True when the result was remembered from an earlier run for the same input
    remembered: bool = False

    @property
    def errors(self) -> list[ScriptError]:
        return [ev.error for _, ev in self.runs if ev.error is not None]


class ScriptRunner:
    """The scripts of one open collection."""

    def __init__(self, col: Collection) -> None:
        self._col = weakref.ref(col)
        self.journal = Journal(journal_path(col.path))
        self._memo: OrderedDict[Any, tuple[SchedulingStates, tuple[Any, ...]]] = OrderedDict()
        self._key: tuple[Any, ...] = ()
        self._config: store.ScriptsConfig | None = None
        self._global = ""
        self._scripts: dict[int, list[store.Script]] = {}
        self._decks: dict[int, tuple[str, int]] = {}

    @property
    def col(self) -> Collection:
        col = self._col()
        if col is None:  # pragma: no cover - the runner lives only as long as its collection
            raise RuntimeError("the collection is closed")
        return col

    # --- what runs ------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Forget scripts, presets and deck names when the collection changed."""
        row = self.col.db.execute(
            "SELECT (SELECT mod FROM col), (SELECT max(id) FROM undo_steps)").fetchone()
        key = (row[0], row[1])
        if key != self._key:
            self._key = key
            self._config = store.load_config(self.col)
            self._scripts = {}
            self._decks = {}

    @property
    def config(self) -> store.ScriptsConfig:
        self._refresh()
        assert self._config is not None
        return self._config

    def _deck(self, did: int) -> tuple[str, int]:
        """(full name, preset id) of a deck."""
        found = self._decks.get(did)
        if found is None:
            try:
                deck = self.col.decks.get(did)
                found = (deck.name, deck.config_id)
            except NotFoundError:
                found = ("", 1)
            self._decks[did] = found
        return found

    def scripts_for(self, card: Card) -> list[store.Script]:
        """The enabled scripts for `card`, in order."""
        config = self.config
        _, conf_id = self._deck(card.odid or card.did)
        scripts = self._scripts.get(conf_id)
        if scripts is None:
            preset = self.col.deck_config(conf_id) if store.PRESET in config.order else None
            scripts = self._scripts[conf_id] = store.resolve(self.col, config, preset)
        return scripts

    def context_for(self, card: Card) -> dict[str, Any]:
        """The script's `ctx`: Anki's `deckName` and `seed`, plus the clock: `now` and
        `nextDayStartsAt` (epoch milliseconds) and `today` (the scheduler's day number)."""
        timing = self.col.sched.timing()
        return {"deckName": self._deck(card.odid or card.did)[0],
                "seed": anki_seed(card.id, card.reps),
                "now": int(self.col.sched.clock() * 1000), "today": timing.today,
                "nextDayStartsAt": timing.next_day_at * 1000}

    # --- running --------------------------------------------------------------------------

    def transform(self, states: SchedulingStates, card: Card) -> SchedulingStates:
        """The states to use for `card` (the `scheduling_will_answer` step)."""
        scripts = self.scripts_for(card)
        if not scripts:
            return states
        return self.run(states, card, scripts).states

    def run(self, states: SchedulingStates, card: Card,
            scripts: list[store.Script] | None = None, *, record: bool = True,
            ctx: dict[str, Any] | None = None) -> Outcome:
        """Run `scripts` (default: the enabled ones for the card) on `states`.

        With `record` the runs go to the journal and the result is remembered for the next
        call with the same input; without it (dry runs, replays) nothing is kept.
        """
        if scripts is None:
            scripts = self.scripts_for(card)
        if not scripts:
            return Outcome(states)
        limits = self.config.limits
        stored_cd = card.data.get("cd", "")
        stored_cd = stored_cd if isinstance(stored_cd, str) else ""
        custom_in = {b: states.custom_data.get(b, stored_cd) for b in BUTTONS}
        ctx = ctx if ctx is not None else self.context_for(card)
        key = None
        if record:
            key = (tuple(scripts), limits, card.id, stored_cd, tuple(custom_in.values()),
                   replace(states, current=without_elapsed(states.current)),
                   ctx["deckName"], ctx["seed"], ctx.get("today"))
            hit = self._memo.get(key)
            if hit is not None:
                self._memo.move_to_end(key)
                return Outcome(replace(hit[0], current=states.current), hit[1], remembered=True)

        question = ""
        if any(s.legacy_page for s in scripts):
            try:
                question = page_text(self.col.render_card(card).question)
            except Exception:  # a template error must not stop answering
                question = ""
        state_json = states.to_json()
        current_json = {**state_json["current"], "customData": stored_cd}
        state_json["current"] = current_json
        result = states
        runs = []
        for script in scripts:
            ev = evaluate(script.code, state_json, custom_in, ctx, name=script.name,
                          legacy_page=script.legacy_page, question=question,
                          time_limit_ms=limits.time_ms, memory_limit_mib=limits.memory_mib)
            if ev.ok:
                ev, adopted = self._adopt(ev, result, script, custom_in)
                if adopted is not None:
                    result = adopted
                    state_json = {**ev.states, "current": current_json}
                    custom_in = dict(ev.custom_data)
            runs.append((script, ev))
            if record:
                self.journal.record(script.name, ev, card.id)
        if record:
            if any(ev.error for _, ev in runs):
                self.journal.flush()
            assert key is not None
            self._memo[key] = (result, tuple(runs))
            while len(self._memo) > _MEMO_SIZE:
                self._memo.popitem(last=False)
        return Outcome(result, tuple(runs))

    @staticmethod
    def _adopt(ev: Evaluation, before: SchedulingStates, script: store.Script,
               custom_in: dict[str, str]) -> tuple[Evaluation, SchedulingStates | None]:
        """The script's result as states, checked by the engine's rules (the filtered-deck
        transitions and the unchanged current state); a refusal turns the run into an
        `invalid` failure."""
        try:
            checked = ev.parsed if ev.parsed is not None else check_states(
                SchedulingStates.from_json({**ev.states}), before.current)
            if checked.current != before.current:  # compared with the engine's own
                checked = check_states(checked, before.current)
        except (StatesInvalid, ValueError, TypeError, KeyError) as exc:
            error = ScriptError("invalid", str(exc), None, script.name)
            return replace(ev, states=before.to_json(), custom_data=dict(custom_in),
                           error=error, changed_custom_data=False), None
        return ev, replace(checked, current=before.current, custom_data=dict(ev.custom_data))

    def flush(self) -> None:
        self.journal.flush()


_RUNNERS: weakref.WeakKeyDictionary[Collection, ScriptRunner] = weakref.WeakKeyDictionary()


def runner_for(col: Collection) -> ScriptRunner:
    """The runner of an open collection (one per collection object)."""
    runner = _RUNNERS.get(col)
    if runner is None:
        runner = _RUNNERS[col] = ScriptRunner(col)
    return runner


def forget(col: Collection) -> None:
    runner = _RUNNERS.pop(col, None)
    if runner is not None:
        runner.flush()


def now_ms() -> int:
    return int(time.time() * 1000)
