"""One study session, without any widget: what the reviewer screen shows and does.

`ReviewSession` asks the scheduler for the next card (`col.sched.get_next_card`), works out
the states and labels the answer buttons offer, builds the HTML of each side through the
same steps as Anki's reviewer, and changes the collection only through core operations
(answer, undo, bury, suspend, flag), each one named, undoable step. The screen
(`repetend.plugins.reviewer.screen`) draws what this says; tests can drive it headless.

The path of a side, as in Anki (ANKI-FACTS §4.4):
rendered card → `[anki:play:…]` placeholders become replay buttons → the `card_will_show`
filters of add-ons and built-ins (through the host's facade, each one contained) → the
type-in-the-answer markers are replaced (Anki's `typeAnsFilter`, the last such filter).

This module imports no Qt.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from repetend.core.decks import SEPARATOR
from repetend.core.errors import NotFoundError
from repetend.core.scheduler import cardops
from repetend.core.scheduler.queues import KIND_NEW, KIND_REVIEW
from repetend.core.template import SoundTag, TTSTag
from repetend.hooks.reviewer import DEFAULT_ANSWER_BUTTONS
from repetend.plugins.reviewer import typeanswer

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.core.scheduler import SchedulingStates
    from repetend.core.scheduler.answering import AnswerResult, QueuedCard
    from repetend.core.scheduler.queues import Counts
    from repetend.core.template import AvTag, RenderedCard
    from repetend.hooks.reviewer import AnswerButton

Side = Literal["question", "answer"]

_PLAY = re.compile(r"\[anki:play:([qa]):(\d+)\]")
_MATH = re.compile(r"\\\(|\\\[")

#: Anki's flag names, index 1–7 (0 = no flag).
FLAG_NAMES = ("", "Red", "Orange", "Green", "Blue", "Pink", "Turquoise", "Purple")
FLAG_COLOURS = ("", "#ff6b6b", "#ff9b3f", "#5ccf6c", "#4ca6ff", "#ff73d1", "#2ad6c7",
                "#9c6bff")

CONGRATS = "Congratulations! You have finished this deck for now."


class ReviewerHooks(Protocol):
    """The part of the host's plugin facade the reviewer calls (each call is contained)."""

    errors: list[Any]

    def card_will_show(self, html: str, card: Card, side: Side) -> str: ...

    def reviewer_did_show_question(self, card: Card) -> None: ...

    def reviewer_did_show_answer(self, card: Card) -> None: ...

    def reviewer_will_init_answer_buttons(self, buttons: tuple[AnswerButton, ...],
                                          card: Card) -> tuple[AnswerButton, ...]: ...


@dataclass(frozen=True)
class AnswerChoice:
    """One answer button: its ease, label and the interval it would give ("10m", "4d")."""

    ease: int
    label: str
    interval: str


@dataclass(frozen=True)
class Problem:
    """Something that went wrong without stopping the reviewer, for the notice bar."""

    #: One line for the notice, e.g. "Scheduling script 'fsrs' failed: timeout".
    summary: str
    #: The log: traceback, script console output …
    details: str = ""


@dataclass
class ShownCard:
    """The card on screen and everything the session worked out for it."""

    queued: QueuedCard
    #: The states the buttons offer: the scheduler's, after add-on hooks and scripts.
    states: SchedulingStates
    labels: tuple[str, str, str, str]
    rendered: RenderedCard
    css: str
    #: The type-in request read from the question, if the card has one.
    type_answer: typeanswer.TypeAnswer | None = None
    #: When the question was shown (the session clock), for the answer's time taken.
    shown_at: float = 0.0

    @property
    def card(self) -> Card:
        return self.queued.card


@dataclass(frozen=True)
class CardInfo:
    """The card info dialog's content: (label, value) rows and the review log."""

    rows: list[tuple[str, str]]
    #: (date, type, rating, interval, ease, time) per review, oldest first.
    reviews: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Finished:
    """What the congratulations screen says beside the headline."""

    lines: list[str]
    #: Seconds until the next learning card is due today, if one is waiting.
    next_learning_in: int | None = None


def play_placeholders_to_buttons(html: str,
                                 button: Callable[[str, int], str] | None = None) -> str:
    """`[anki:play:q:N]` → Anki's replay button (Anki does this before `card_will_show`)."""
    if button is None:
        return html
    return _PLAY.sub(lambda m: button(m.group(1), int(m.group(2))), html)


def needs_mathjax(html: str) -> bool:
    """True when the HTML has MathJax delimiters, `\\(…\\)` or `\\[…\\]` (Anki's)."""
    return bool(_MATH.search(html))


class ReviewSession:
    """Studying one deck: next card, sides, answers and card operations."""

    def __init__(self, col: Collection, hooks: ReviewerHooks, deck_id: int, *,
                 clock: Callable[[], float] = time.monotonic,
                 play_button: Callable[[str, int], str] | None = None,
                 script_problems: Callable[[], Sequence[Problem]] | None = None) -> None:
        self.col = col
        self.hooks = hooks
        self.deck_id = deck_id
        self.clock = clock
        self.play_button = play_button
        #: Extra source of problems (e.g. the scheduling-scripts plugin's recent errors).
        self.script_problems = script_problems
        self.started = clock()
        self.current: ShownCard | None = None
        self.side: Side | None = None
        self.typed = ""
        self.answered = 0
        self._seen_plugin_errors = len(hooks.errors)
        self._seen_state_errors = len(col.sched.state_errors)
        self._seen_callback_errors = len(getattr(col.sched, "callback_errors", []))
        self._states_problems: list[Problem] = []

    # --- the deck ------------------------------------------------------------------------

    @property
    def deck_name(self) -> str:
        try:
            return self.col.decks.get(self.deck_id).name.replace(SEPARATOR, "::")
        except NotFoundError:
            return ""

    def elapsed(self) -> float:
        """Seconds since the session started."""
        return self.clock() - self.started

    # --- the next card -----------------------------------------------------------------

    def next_card(self) -> ShownCard | None:
        """Fetch the card to show next (the question side), or None when the deck is done."""
        self.side = None
        self.typed = ""
        queued = self.col.sched.get_next_card(self.deck_id)
        if queued is None:
            self.current = None
            return None
        self.current = self._prepare(queued)
        self.side = "question"
        return self.current

    def refresh(self) -> Literal["same", "new", "done"]:
        """After a change made elsewhere (undo, an edited note, added cards): "same" when
        the card shown is still the next one, as it was (re-rendered, side and typed answer
        kept), "new" when another card comes first (its question is next), "done" when
        nothing is left."""
        queued = self.col.sched.get_next_card(self.deck_id)
        if queued is None:
            self.current = None
            self.side = None
            return "done"
        before = self.current
        self.current = self._prepare(queued)
        if before is not None and _same_schedule(before.card, queued.card):
            if before.type_answer is not None:  # the field may have been edited
                self.current.type_answer = typeanswer.type_answer_for(
                    self.col, queued.card, self.current.rendered.question)
            self.current.shown_at = before.shown_at
            return "same"
        self.side = "question"
        self.typed = ""
        return "new"

    def _prepare(self, queued: QueuedCard) -> ShownCard:
        card = queued.card
        # `get_next_card` has passed the states through the same callback as the commit (add-on
        # hooks, then user scripts; ARCHITECTURE "The path of an answer"): they are the ones
        # the buttons offer (a refusal is in `col.sched.state_errors`, reported by `problems`).
        # Running it again here would apply the scripts twice.
        states, labels = queued.states, queued.labels
        note = self.col.get_note(card.nid)
        css = self.col.notetypes.get(note.ntid).css
        return ShownCard(queued, states, labels, self.col.render_card(card), css,
                         shown_at=self.clock())

    def reload_current(self) -> None:
        """Render the current card again (its note was edited); keeps the side shown."""
        if self.current is None:
            return
        try:
            card = self.col.get_card(self.current.card.id)
        except NotFoundError:
            self.current = None
            return
        self.current.rendered = self.col.render_card(card)
        note = self.col.get_note(card.nid)
        self.current.css = self.col.notetypes.get(note.ntid).css

    # --- the sides ---------------------------------------------------------------------

    def question_html(self) -> str:
        """The question side, through card_will_show; tells plugins it is shown."""
        shown = self._need_current()
        card = shown.card
        html = play_placeholders_to_buttons(shown.rendered.question, self.play_button)
        html = self.hooks.card_will_show(html, card, "question")
        shown.type_answer = typeanswer.type_answer_for(self.col, card, html)
        html = typeanswer.question_side(html, shown.type_answer)
        self.side = "question"
        self.hooks.reviewer_did_show_question(card)
        return html

    def answer_html(self, typed: str | None = None) -> str:
        """The answer side, with the comparison of `typed` if the card asks for typing."""
        shown = self._need_current()
        if typed is not None:
            self.typed = typed
        card = shown.card
        html = play_placeholders_to_buttons(shown.rendered.answer, self.play_button)
        html = self.hooks.card_will_show(html, card, "answer")
        html = typeanswer.answer_side(html, shown.type_answer, self.typed)
        self.side = "answer"
        self.hooks.reviewer_did_show_answer(card)
        return html

    def sounds(self, side: Side, replay: bool = False) -> list[AvTag]:
        """The sounds a side plays: the question's; the answer's own (its copy of the
        question's are placeholders already played). Replaying the answer plays the
        question's too unless the preset says to skip them (Anki's option)."""
        shown = self._need_current()
        if side == "question":
            return list(shown.rendered.question_av_tags)
        tags = list(shown.rendered.answer_av_tags)
        if replay and not self._preset().skip_question_when_replaying_answer:
            tags = list(shown.rendered.question_av_tags) + tags
        return tags

    def autoplay(self) -> bool:
        return not self._preset().disable_autoplay

    def _preset(self) -> Any:
        card = self._need_current().card
        return self.col.config_for_deck(card.odid or card.did)

    def media_files(self, tags: Sequence[AvTag]) -> list[str]:
        """File names of the sound tags among `tags` (TTS tags are spoken, not files)."""
        return [t.filename for t in tags if isinstance(t, SoundTag)]

    @staticmethod
    def tts_tags(tags: Sequence[AvTag]) -> list[TTSTag]:
        return [t for t in tags if isinstance(t, TTSTag)]

    def answer_buttons(self) -> list[AnswerChoice]:
        """The buttons to offer, after `reviewer_will_init_answer_buttons`, with the
        interval each gives (from the offered states)."""
        shown = self._need_current()
        buttons = self.hooks.reviewer_will_init_answer_buttons(DEFAULT_ANSWER_BUTTONS,
                                                               shown.card)
        show_times = self.col.get_config("estTimes", True) is not False
        return [AnswerChoice(ease, label, shown.labels[ease - 1] if show_times else "")
                for ease, label in buttons]

    def counts(self) -> tuple[Counts, int]:
        """New, learning and review counts, and which of them the current card is from
        (0, 1, 2; Anki underlines it)."""
        shown = self._need_current()
        kind = shown.queued.kind
        index = 0 if kind == KIND_NEW else 2 if kind == KIND_REVIEW else 1
        return shown.queued.counts, index

    def _need_current(self) -> ShownCard:
        if self.current is None:
            raise RuntimeError("no card is shown")
        return self.current

    # --- changing the collection: each one core operation, one undo step -----------------

    def answer(self, ease: int) -> AnswerResult:
        """Commit the answer (one "Answer Card" step); the next card is not fetched yet."""
        shown = self._need_current()
        if self.side != "answer":
            raise RuntimeError("the answer is not shown")
        taken = int((self.clock() - shown.shown_at) * 1000)
        # The states the buttons showed are the ones committed: passing none would run the
        # add-on hooks and scheduling scripts a second time and could commit other states.
        result = self.col.sched.answer_card(shown.card, ease, shown.states,
                                            time_taken_ms=taken)
        self.answered += 1
        self.current = None
        self.side = None
        return result

    def can_undo(self) -> str | None:
        return self.col.undo_name()

    def undo(self) -> str | None:
        """Undo the latest step (an undone answer's card comes back first, as in Anki)."""
        if self.col.undo_name() is None:
            return None
        name = self.col.sched.undo()
        if name == "Answer Card" and self.answered:
            self.answered -= 1
        return name

    def bury_card(self) -> int:
        return cardops.bury(self.col, [self._need_current().card.id])

    def bury_note(self) -> int:
        return cardops.bury(self.col, self._note_card_ids())

    def suspend_card(self) -> int:
        return cardops.suspend(self.col, [self._need_current().card.id])

    def suspend_note(self) -> int:
        return cardops.suspend(self.col, self._note_card_ids())

    def _note_card_ids(self) -> list[int]:
        return [c.id for c in self.col.cards_of_note(self._need_current().card.nid)]

    def toggle_flag(self, flag: int) -> int:
        """Set `flag` on the current card, or clear it if the card has it (Anki's Ctrl+N).
        Returns the card's flag afterwards."""
        shown = self._need_current()
        new = 0 if shown.card.user_flag == flag else flag
        cardops.set_flag(self.col, [shown.card.id], new)
        shown.card.flags = (shown.card.flags & ~0b111) | new
        return new

    # --- problems for the notice bar ---------------------------------------------------

    def problems(self) -> list[Problem]:
        """Problems since the last call: add-on errors (each named), refused states and
        scheduling-script errors. None of them stopped anything."""
        found: list[Problem] = []
        errors = self.hooks.errors
        for error in errors[self._seen_plugin_errors:]:
            found.append(Problem(str(error), getattr(error, "traceback_text", "")))
        self._seen_plugin_errors = len(errors)
        state_errors = self.col.sched.state_errors
        for message in state_errors[self._seen_state_errors:]:
            found.append(Problem(f"Scheduling: {message}"))
        self._seen_state_errors = len(state_errors)
        callback_errors = getattr(self.col.sched, "callback_errors", [])
        for message in callback_errors[self._seen_callback_errors:]:
            found.append(Problem(f"After the answer: {message}"))
        self._seen_callback_errors = len(callback_errors)
        found.extend(self._states_problems)
        self._states_problems = []
        if self.script_problems is not None:
            try:
                found.extend(self.script_problems())
            except Exception as exc:  # a broken source of notices must not stop studying
                found.append(Problem(f"Reading the scheduling scripts' errors failed: "
                                     f"{type(exc).__name__}: {exc}"))
        return found

    # --- finished ------------------------------------------------------------------------

    def finished(self) -> Finished:
        """The congratulations screen's details: learning cards still to come today,
        buried cards, and whether a daily limit held cards back."""
        col = self.col
        deck_ids = [self.deck_id, *(d.id for d in col.decks.descendants(self.deck_id))]
        marks = ",".join("?" * len(deck_ids))
        timing = col.sched.timing()
        lines: list[str] = []
        next_learning_in = None
        due = col.sched.next_learning_due(self.deck_id)
        if due is not None:
            next_learning_in = max(0, int(due) - timing.now)
            minutes = max(1, round(next_learning_in / 60))
            unit = "minute" if minutes == 1 else "minutes"
            lines.append(f"The next learning card will be ready in {minutes} {unit}.")
        buried = col.db.execute(
            f"SELECT count() FROM cards WHERE queue IN (-2, -3) AND did IN ({marks})",
            deck_ids).fetchone()[0]
        if buried:
            lines.append("Some related or buried cards were delayed until a later session.")
        due_left = col.db.execute(
            f"SELECT count() FROM cards WHERE did IN ({marks}) AND "
            f"((queue IN (2, 3) AND due <= ?) OR queue = 0)", (*deck_ids, timing.today)
        ).fetchone()[0]
        if due_left and next_learning_in is None:
            lines.append("Today's limits have been reached, but there are still cards "
                         "waiting. To study more, raise the daily limits in the deck "
                         "options.")
        return Finished(lines, next_learning_in)

    # --- card info -----------------------------------------------------------------------

    def card_info(self, card_id: int | None = None) -> CardInfo:
        """The card's scheduling fields and its review log (the `i` dialog)."""
        col = self.col
        cid = card_id if card_id is not None else self._need_current().card.id
        card = col.get_card(cid)
        note = col.get_note(card.nid)
        nt = col.notetypes.get(note.ntid)
        template = nt.templates[0] if nt.is_cloze else \
            nt.templates[min(card.ord, len(nt.templates) - 1)]
        try:
            deck = col.decks.get(card.did).name.replace(SEPARATOR, "::")
        except NotFoundError:
            deck = "(missing)"
        reviews = col.db.execute(
            "SELECT id, type, ease, ivl, factor, time FROM revlog WHERE cid = ? ORDER BY id",
            (cid,)).fetchall()
        timing = col.sched.timing()
        rows: list[tuple[str, str]] = [("Added", _date(card.id / 1000))]
        if reviews:
            rows.append(("First Review", _date(reviews[0][0] / 1000)))
            rows.append(("Latest Review", _date(reviews[-1][0] / 1000)))
        rows.append(("Due", _due_text(card, timing)))
        if card.type in (2, 3):
            rows.append(("Interval", _days(card.ivl)))
        if card.factor:
            rows.append(("Ease", f"{card.factor / 10:g}%"))
        rows.append(("Reviews", str(card.reps)))
        rows.append(("Lapses", str(card.lapses)))
        total_ms = sum(r[5] for r in reviews)
        if reviews:
            rows.append(("Average Time", _seconds(total_ms / len(reviews) / 1000)))
            rows.append(("Total Time", _seconds(total_ms / 1000)))
        if card.user_flag:
            rows.append(("Flag", FLAG_NAMES[card.user_flag]))
        rows += [("Card Type", f"Cloze {card.ord + 1}" if nt.is_cloze else template.name),
                 ("Note Type", nt.name), ("Deck", deck), ("Card ID", str(card.id)),
                 ("Note ID", str(card.nid))]
        log = [(_date(r[0] / 1000, with_time=True), _REVLOG_TYPES.get(r[1], str(r[1])),
                str(r[2]) if r[2] else "", _revlog_interval(r[3]),
                f"{r[4] / 10:g}%" if r[4] else "", _seconds(r[5] / 1000))
               for r in reviews]
        return CardInfo(rows, log)


def _same_schedule(a: Card, b: Card) -> bool:
    return a.id == b.id and (a.did, a.type, a.queue, a.due, a.ivl, a.factor, a.reps, a.lapses,
                             a.left, a.odue, a.odid) == \
        (b.did, b.type, b.queue, b.due, b.ivl, b.factor, b.reps, b.lapses, b.left, b.odue,
         b.odid)


_REVLOG_TYPES = {0: "Learn", 1: "Review", 2: "Relearn", 3: "Filtered", 4: "Manual",
                 5: "Rescheduled"}


def _date(epoch: float, with_time: bool = False) -> str:
    moment = datetime.fromtimestamp(epoch)
    return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _days(days: int) -> str:
    from repetend.core.scheduler.labels import format_interval

    return format_interval(days * 86400)


def _revlog_interval(ivl: int) -> str:
    # The review log keeps days as positive numbers and learning delays as negative seconds.
    from repetend.core.scheduler.labels import format_interval

    if ivl == 0:
        return ""
    return format_interval(-ivl) if ivl < 0 else format_interval(ivl * 86400)


def _seconds(secs: float) -> str:
    if secs < 60:
        return f"{secs:.1f} seconds" if secs != int(secs) else f"{int(secs)} seconds"
    return f"{secs / 60:.1f} minutes"


def _due_text(card: Card, timing: Any) -> str:
    if card.queue in (-1,):
        return "(suspended)"
    if card.queue in (-2, -3):
        return "(buried)"
    if card.type == 0:
        return f"New #{card.due}"
    if card.queue in (1, 4):
        return _date(card.due, with_time=True)
    due_day = card.odue if card.odid and card.odue else card.due
    return _date(timing.next_day_at + (due_day - timing.today - 1) * 86400)
