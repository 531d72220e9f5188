"""What the deck list shows: the deck tree with its numbers (no Qt here).

With the scheduler present (`col.sched.due_tree()`), each deck shows Anki's new, learning
and review counts, computed as if that deck were being studied (limits included);
without it, the number of cards in the deck and its subdecks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from repetend.core.decks import DEFAULT_DECK_ID, SEPARATOR

if TYPE_CHECKING:
    from repetend.core.collection import Collection


@dataclass
class DeckRow:
    """One deck as the list shows it."""

    id: int
    name: str
    collapsed: bool
    filtered: bool
    #: Cards in this deck and its subdecks (filtered decks count the cards they hold).
    card_count: int
    #: (new, learn, review) when the scheduler can count; None otherwise.
    due: tuple[int, int, int] | None = None
    children: list[DeckRow] = field(default_factory=list)

    @property
    def basename(self) -> str:
        return self.name.split(SEPARATOR)[-1]


def due_counts(col: Collection) -> dict[int, tuple[int, int, int]] | None:
    """Deck id -> (new, learn, review) from the scheduler, or None if there is none yet."""
    sched = getattr(col, "sched", None)
    due_tree = getattr(sched, "due_tree", None)
    if due_tree is None:
        return None
    return {d.id: (d.new, d.learn, d.review) for d in due_tree()}


def deck_tree(col: Collection, with_due: bool = True) -> list[DeckRow]:
    """The decks as a tree in display order, with Anki's hiding of an unused Default deck."""
    own = dict(col.db.execute("SELECT did, count(*) FROM cards GROUP BY did").fetchall())
    due = due_counts(col) if with_due else None
    rows: dict[str, DeckRow] = {}
    roots: list[DeckRow] = []
    for node in _walk(col.decks.tree()):
        deck = node.deck
        row = DeckRow(deck.id, deck.name, deck.collapsed, deck.is_filtered,
                      own.get(deck.id, 0), due.get(deck.id) if due is not None else None)
        parent = SEPARATOR.join(deck.components[:-1]).casefold()
        if parent and parent in rows:
            rows[parent].children.append(row)
        else:
            roots.append(row)
        rows[deck.name.casefold()] = row
    for row in roots:
        _sum_cards(row)
    return hide_default_deck(roots)


def _walk(nodes):  # noqa: ANN001, ANN202 - DeckNode lists, depth first
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _sum_cards(row: DeckRow) -> int:
    row.card_count += sum(_sum_cards(child) for child in row.children)
    return row.card_count


def hide_default_deck(roots: list[DeckRow]) -> list[DeckRow]:
    """Anki hides the Default deck when it is empty, has no subdecks and other decks exist."""
    if len(roots) < 2:
        return roots
    return [r for r in roots
            if not (r.id == DEFAULT_DECK_ID and r.card_count == 0 and not r.children)]


def flatten(rows: list[DeckRow]) -> list[DeckRow]:
    out = []
    for row in rows:
        out.append(row)
        out.extend(flatten(row.children))
    return out
