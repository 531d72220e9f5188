"""Custom scheduling scripts: the user's JavaScript on a card's next states, run in quickjs.

Anki lets users paste JavaScript into the deck options that edits the next states before an
answer is saved (FSRS4Anki's scheduler above all; ANKI-FACTS §2, PEERS §4). This built-in runs
such scripts, unchanged, outside any web page: each in a fresh quickjs context with a time
and a memory limit (`sandbox`), so a script can neither hang answering nor leave anything
behind, and every failure keeps the scheduler's states and the card's custom data and is
recorded with the script's name, message and line (`journal`).

Scripts live in the collection: Anki's global one (`cardStateCustomizer`), one per deck
options preset, and named scripts, enabled in an explicit order (`store`). They run through
`scheduling_will_answer` as a `trylast` implementation, so add-ons' Python transformers run
first and the scripts see their result (`repetend.hooks.scheduling`). The host leaves this
plugin out in safe mode, so no user script runs then.

`repetend script …` (host/commands/script.py) runs, tests and replays scripts by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.hooks import hookimpl
from repetend.plugins.scripts.runner import forget, runner_for

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.core.scheduler import SchedulingStates

#: The plugin name the host registers this module under (safe mode disables it).
PLUGIN_NAME = "builtin.scripts"


@hookimpl(trylast=True)
def scheduling_will_answer(states: SchedulingStates, card: Card,
                           col: Collection) -> SchedulingStates:
    """Run the collection's enabled scripts on the states (after every add-on)."""
    if card is None:  # a caller with no card (tests of other hooks): nothing to run on
        return states
    return runner_for(col).transform(states, card)


@hookimpl
def collection_will_close(col: Collection) -> None:
    """Write the scripts' console output and errors to the profile."""
    forget(col)
