"""The reviewer: the study screen, a built-in plugin (essential: it cannot be disabled).

It shows a card's question and answer and takes the answer, through the same hooks
add-ons use (`repetend.hooks.reviewer`), called through the host's facade so a broken
add-on is contained and named:

- each side passes through `card_will_show` (add-ons first), after sound tags became
  replay buttons; then the `[[type:…]]` markers are replaced — Anki's `typeAnsFilter`, the
  last of its `card_will_show` filters; an add-on that replaces the markers itself wins;
- `reviewer_did_show_question` / `reviewer_did_show_answer` once a side is built;
- `reviewer_will_init_answer_buttons` chooses the buttons; the interval above each comes
  from the next states after add-on hooks and scheduling scripts.

Parts: `typeanswer` (the type-in box and comparison) and `session` (one study session:
next card, sides, answers, undo, bury/suspend/flag, card info) are headless; `screen`
(the widgets, sounds, MathJax) imports Qt and is loaded only by `open_reviewer`. The
bundled MathJax is in `mathjax/` (see its README).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.plugins.reviewer.session import Problem, ReviewerHooks


def open_reviewer(col: Collection, hooks: ReviewerHooks, deck_id: int, parent: Any = None, *,
                  edit_note: Callable[[int], Any] | None = None,
                  script_problems: Callable[[], Sequence[Problem]] | None = None) -> Any:
    """Make the reviewer screen for `deck_id` (a QWidget; call `start()` once it is shown).

    `hooks` is the host's plugin facade; `edit_note(note_id)` opens the Edit dialog (by
    default the editor plugin's); `script_problems()` returns scheduling-script errors
    since it was last called, for the notice bar.
    """
    from repetend.plugins.reviewer.screen import ReviewerScreen

    if script_problems is None:
        script_problems = script_problem_source(col)
    return ReviewerScreen(col, hooks, deck_id, parent, edit_note=edit_note,
                          script_problems=script_problems)


def script_problem_source(col: Collection) -> Callable[[], list[Problem]] | None:
    """Scheduling-script failures since the last call, from the scripts plugin's journal
    (each script's error count, errors and console output), as reviewer notices.

    Failures recorded before the first call are not reported (they are from an earlier
    session). None when the scripts plugin is not installed.
    """
    try:
        from repetend.plugins.scripts.runner import runner_for
    except ImportError:
        return None
    from repetend.plugins.reviewer.session import Problem

    seen: dict[str, int] = {}

    def records() -> dict[str, Any]:
        return dict(runner_for(col).journal.records)

    def poll() -> list[Problem]:
        found = []
        for name, record in records().items():
            before = seen.get(name, 0)
            seen[name] = record.failures
            new = record.failures - before
            if new <= 0:
                continue
            errors = list(record.errors)[-new:]
            last = errors[-1] if errors else {}
            where = f" (line {last['line']})" if last.get("line") else ""
            summary = (f"Scheduling script {name!r} failed{'' if new == 1 else f' {new} times'}: "
                       f"{last.get('kind', 'error')}: {last.get('message', '')}{where}. "
                       "The scheduler's own intervals were used.")
            lines = [f"card {e.get('card')}: {e.get('kind')}: {e.get('message')}"
                     + (f" (line {e['line']})" if e.get("line") else "") for e in errors]
            log = [f"[{entry.get('level', 'log')}] {entry.get('text', '')}"
                   for entry in list(record.log)[-20:]]
            details = "\n".join(lines + (["Console output (newest last):", *log] if log else []))
            found.append(Problem(summary, details))
        return found

    try:
        for name, record in records().items():  # what is already there is not news
            seen[name] = record.failures
    except Exception:  # the plugin's journal is not what this expects: no notices from it
        return None
    return poll
