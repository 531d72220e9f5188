"""Cards mode for searches that leave out a few notes (`-tag:verbs`): the cards whose note
is not among the excluded ones, instead of a look-up into the cards for every other note.

Joining notes to cards costs one index search per matching note (119,000 cards of 100,000
notes: ~37 ms before the ids are read); reading the (nid, ord) index once and testing each
card's note against the small set of excluded notes costs ~22 ms. When most notes are
excluded the join wins by far (-tag:x where nearly every note has x: 11 ms against 49),
so a sample of the notes decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.core.search import nodes as N
from repetend.core.search import sample

if TYPE_CHECKING:
    from repetend.core.collection import Collection

# Above this share of excluded notes the join is quicker (measured on 100,000 notes: the
# two shapes cost the same near a quarter).
MAX_EXCLUDED_SHARE = 0.2


def excluded(node: N.Node) -> N.Node | None:
    """The search whose matches a negated search leaves out: `-a` -> `a`, `-a -b` ->
    `a or b`; None for any other search."""
    if isinstance(node, N.Not):
        return node.child
    if isinstance(node, N.And) and len(node.children) > 1 and \
            all(isinstance(c, N.Not) for c in node.children):
        return N.Or(tuple(c.child for c in node.children))  # type: ignore[attr-defined]
    return None


def few_excluded(col: Collection, where: str, params: list[object]) -> bool:
    """Whether `where` (over notes `n`) holds for few notes, judged on a sample."""
    found = sample.share(col, "notes", "n", where, params)
    return found is not None and found <= MAX_EXCLUDED_SHARE


def cards_outside(where: str) -> str:
    """The cards whose note does not match `where`. Exact for any clause over the notes
    alone: those are never NULL (they test NOT NULL columns), so NOT IN keeps what
    `NOT where` keeps. A card whose note is missing (only after undoing Check Database)
    is kept, as searches over card columns keep it."""
    return f"SELECT c.id FROM cards c WHERE c.nid NOT IN (SELECT n.id FROM notes n WHERE {where})"
