"""Interval cap: no answer schedules a card further out than a cap (180 days by default).

Hook family: scheduling (`scheduling_will_answer`), the Python counterpart of Anki's custom
scheduling JavaScript. Before a card is answered it receives the four next states and
returns them with every review interval above the cap lowered to it; the buttons then show
the capped intervals. The cap is read from the collection's config key `interval_cap_days`,
so it travels with the collection (set it with `col.set_config`).

The states are frozen dataclasses: build changed ones with `dataclasses.replace`, and leave
`states.current` alone (the host refuses a result that changes it).
"""

import dataclasses

from repetend.core.scheduler import RelearnState, ReschedulingFilterState, ReviewState
from repetend.hooks import hookimpl

CONFIG_KEY = "interval_cap_days"
DEFAULT_CAP = 180


def capped(state, cap):
    if isinstance(state, ReviewState) and state.scheduled_days > cap:
        return dataclasses.replace(state, scheduled_days=cap)
    if isinstance(state, RelearnState):  # the interval the card gets after relearning
        return dataclasses.replace(state, review=capped(state.review, cap))
    if isinstance(state, ReschedulingFilterState):  # in a filtered deck that reschedules
        return dataclasses.replace(state, original_state=capped(state.original_state, cap))
    return state  # new, learning and preview states have no interval in days


@hookimpl
def scheduling_will_answer(states, col):
    cap = int(col.get_config(CONFIG_KEY, DEFAULT_CAP))
    return dataclasses.replace(states, **{
        button: capped(getattr(states, button), cap)
        for button in ("again", "hard", "good", "easy")})
