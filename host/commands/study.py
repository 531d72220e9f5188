"""Studying from the terminal: `study` (a reviewer), `due` (counts per deck), `answer`.

`repetend study [DECK]` shows a card's question, reveals the answer on Enter, shows the four
buttons with the intervals they lead to and takes 1–4 (Enter alone = Good, as in Anki);
`u` undoes, `s` suspends, `b` buries, `q` quits. It reads plain lines, so it can be driven
through a pipe: `printf '\\n3\\nq\\n' | repetend study "My Deck"`.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from repetend.core.errors import NothingToUndo
from repetend.core.scheduler.config import FSRS_NOTICE
from repetend.core.text import strip_html
from repetend.host.cli import add_command, emit, open_host

if TYPE_CHECKING:
    from repetend.core.scheduler.answering import AnswerResult, QueuedCard, Scheduler
    from repetend.host.app import Host

BUTTONS = ("Again", "Hard", "Good", "Easy")
_TYPE_ANSWER = re.compile(r"\[\[type:(?:[^\]]*:)?([^\]]+)\]\]")
_LINE_BREAKS = re.compile(r"<br\s*/?>|</?(?:div|p|li|tr|h[1-6])\b[^>]*>", re.IGNORECASE)
_ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)
_AV_TAG = re.compile(r"\[anki:play:[qa]:\d+\]|\[sound:[^\]]*\]")
_RULE = "-" * 40


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "study", cmd_study,
                    "study a deck in the terminal: Enter shows the answer, 1-4 answer "
                    "(Again, Hard, Good, Easy), u undo, s suspend, b bury, q quit")
    p.add_argument("deck", nargs="?", help="deck to study, with its subdecks "
                   "(default: the current deck)")
    p = add_command(sub, "due", cmd_due,
                    "new, learning and review cards due now, for each deck in the tree")
    p.add_argument("deck", nargs="?", help="only this deck and its subdecks")
    p = add_command(sub, "answer", cmd_answer,
                    "answer a card that is due, as the reviewer would, and print when it is "
                    "due next")
    p.add_argument("card_id", type=int, metavar="CARD_ID")
    p.add_argument("button", choices=[b.lower() for b in BUTTONS] + ["1", "2", "3", "4"],
                   metavar="again|hard|good|easy")
    p.add_argument("--deck", help="the deck being studied (default: the card's deck)")
    p.add_argument("--time-ms", type=int, default=0, help="time taken to answer, in ms")


# --- text -------------------------------------------------------------------------------------


def html_to_text(text: str, fields: dict[str, str] | None = None) -> str:
    """A rendered side as readable terminal text: line breaks kept, tags and audio markers
    dropped, the answer rule drawn, type-in-the-answer boxes replaced by the answer (or by
    a prompt on the question side, when `fields` is None)."""
    def typed(match: re.Match[str]) -> str:
        if fields is None:
            return "[type your answer]"
        return strip_html(fields.get(match.group(1).strip(), ""))

    text = _TYPE_ANSWER.sub(typed, text)
    text = _ANSWER_RULE.sub(f"\n{_RULE}\n", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _AV_TAG.sub("", strip_html(text))
    lines = [line.strip() for line in html.unescape(text).splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _counts_text(counts: Any) -> str:
    return f"{counts.new} new · {counts.learn} learning · {counts.review} review"


def _buttons_text(labels: tuple[str, ...]) -> str:
    return "   ".join(f"{i} {name} ({label})"
                      for i, (name, label) in enumerate(zip(BUTTONS, labels, strict=True), 1))


# --- study ------------------------------------------------------------------------------------


class _Reviewer:
    """The terminal review loop over one deck."""

    def __init__(self, host: Host, deck: Any, stdin: TextIO, stdout: TextIO) -> None:
        assert host.col is not None
        self.host = host
        self.col = host.col
        self.sched: Scheduler = host.col.sched
        self.deck = deck
        self.stdin = stdin
        self.stdout = stdout
        self.answered = 0

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str | None:
        """One line of input (None at the end of input)."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        if not self.stdin.isatty():
            self.say(line.rstrip("\n"))  # echo piped input so the transcript reads well
        return line.strip()

    def run(self) -> int:
        if self.col.get_config("fsrs", False):
            self.say(f"Note: {FSRS_NOTICE}.")
        self.say(f"Studying {self.deck.name}. Enter shows the answer; 1-4 answer "
                 "(Enter = Good); u undo, s suspend, b bury, q quit.")
        while True:
            queued = self.sched.get_next_card(self.deck)
            if queued is None:
                self.finished()
                break
            if not self.review(queued):
                break
        self.say(f"Studied {self.answered} card(s). Due now: "
                 f"{_counts_text(self.sched.counts(self.deck))}.")
        return 0

    def finished(self) -> None:
        waiting = self.sched.next_learning_due(self.deck)
        self.say("\nCongratulations! You have finished this deck for now.")
        if waiting is not None:
            wait = max(0, waiting - self.sched.now())
            self.say(f"A learning card is due again in {max(1, round(wait / 60))} minute(s).")

    def review(self, queued: QueuedCard) -> bool:
        """Show one card and take one answer (or command); False to stop."""
        card = queued.card
        shown = self.host.render(card)
        note = self.col.get_note(card.nid)
        fields = dict(note.items())
        self.say(f"\n[{_counts_text(queued.counts)}]")
        self.say(html_to_text(shown["question"]))
        started = time.monotonic()
        command = self.ask("\n(Enter) show answer, u undo, s suspend, b bury, q quit > ")
        if command is None or command.lower() == "q":
            return False
        if command.lower() in ("u", "s", "b"):
            return self.command(command.lower(), queued)
        typed = command if "[[type:" in shown["question"] else ""
        self.say(_RULE)
        self.say(html_to_text(shown["answer"].split("<hr id=answer>", 1)[-1]
                              if "<hr id=answer>" in shown["answer"] else shown["answer"],
                              fields))
        if typed:
            self.say(f"(you typed: {typed})")
        self.say(_buttons_text(queued.labels))
        while True:
            choice = self.ask("1-4 (Enter = Good), u undo, s suspend, b bury, q quit > ")
            if choice is None or choice.lower() == "q":
                return False
            choice = choice.lower()
            if choice in ("u", "s", "b"):
                return self.command(choice, queued)
            button = {"": 3, "1": 1, "2": 2, "3": 3, "4": 4, "again": 1, "hard": 2,
                      "good": 3, "easy": 4}.get(choice)
            if button is None:
                self.say(f"Please answer 1-4, not {choice!r}.")
                continue
            taken = int((time.monotonic() - started) * 1000)
            result = self.sched.answer_card(card, button, queued.states, time_taken_ms=taken)
            self.answered += 1
            self.say(self.describe(result))
            return True

    def describe(self, result: AnswerResult) -> str:
        text = f"{BUTTONS[result.button - 1]}: "
        text += ("back in the deck" if result.interval == "(end)"
                 else f"due again in {result.interval}")
        if result.leeched:
            text += ". Card was a leech."
            if result.suspended:
                text += " It has been suspended."
        if result.states_error:
            text += f" (custom scheduling ignored: {result.states_error})"
        return text

    def command(self, command: str, queued: QueuedCard) -> bool:
        from repetend.core.scheduler import cardops

        if command == "u":
            try:
                name = self.sched.undo()
            except NothingToUndo:
                self.say("Nothing to undo.")
                return True
            if name == "Answer Card":
                self.answered = max(0, self.answered - 1)
            self.say(f"{name} undone.")
        elif command == "s":
            cardops.suspend(self.col, [queued.card.id])
            self.say("Card suspended.")
        else:
            cardops.bury(self.col, [queued.card.id])
            self.say("Card buried until tomorrow.")
        return True


def cmd_study(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        assert host.col is not None
        deck = host.col.sched.resolve_deck(args.deck)
        return _Reviewer(host, deck, sys.stdin, sys.stdout).run()


# --- due and answer -------------------------------------------------------------------------


def cmd_due(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        assert host.col is not None
        rows = [r.as_dict() for r in host.col.sched.due_tree(args.deck)]
        width = max((len(r["name"].split("::")[-1]) + 2 * r["depth"] for r in rows), default=4)
        lines = [f"{'Deck':<{width}}  {'New':>5} {'Learn':>5} {'Due':>5}"]
        lines += [f"{'  ' * r['depth'] + r['name'].split('::')[-1]:<{width}}  "
                  f"{r['new']:>5} {r['learn']:>5} {r['review']:>5}" for r in rows]
        emit(args, rows, "\n".join(lines))
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        col = host.col
        assert col is not None
        sched = col.sched
        if args.deck:
            sched.open_session(args.deck)
        card = col.get_card(args.card_id)
        result = sched.answer_card(card, args.button, time_taken_ms=args.time_ms)
        after = result.card
        timing = sched.timing()
        data = {
            "card_id": after.id, "button": result.button,
            "button_name": BUTTONS[result.button - 1].lower(),
            "interval": result.interval, "interval_secs": result.interval_secs,
            "type": after.type, "queue": after.queue, "due": after.due, "ivl": after.ivl,
            "factor": after.factor, "reps": after.reps, "lapses": after.lapses,
            "left": after.left, "today": timing.today, "revlog_id": result.revlog_id,
            "leeched": result.leeched, "suspended": result.suspended,
            "buried_siblings": list(result.buried_siblings),
            "states_error": result.states_error,
        }
        when = ("back in its deck" if result.interval == "(end)"
                else f"due again in {result.interval}")
        emit(args, data, f"Card {after.id}: {BUTTONS[result.button - 1]}, {when}.")
    return 0
