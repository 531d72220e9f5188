"""Daily limits (ANKI-FACTS §3.1–3.2): per-deck limits, today's counters, the limit tree.

Decks keep their overrides and counters in `Deck.extra` under Anki's schema-11 names, so they
travel unchanged through .apkg/.colpkg files:

- `newLimit`, `reviewLimit`: the "This deck" override (int or None),
- `newLimitToday`, `reviewLimitToday`: the "Today only" override, `{"limit": n, "today": day}`,
- `newToday`, `revToday`, `lrnToday`, `timeToday`: `[day, amount]` studied on that day
  (new cards, reviews incl. interday learning, intraday learning, milliseconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import SEPARATOR, Deck

__all__ = [
    "LEARN_TODAY",
    "NEW_LIMIT",
    "NEW_LIMIT_TODAY",
    "NEW_TODAY",
    "REVIEW_LIMIT",
    "REVIEW_LIMIT_TODAY",
    "REVIEW_TODAY",
    "TIME_TODAY",
    "UNLIMITED",
    "LimitTree",
    "Remaining",
    "bump_studied",
    "effective_limits",
    "remaining_limits",
    "studied_today",
]

NEW_TODAY, REVIEW_TODAY, LEARN_TODAY, TIME_TODAY = "newToday", "revToday", "lrnToday", "timeToday"
NEW_LIMIT, REVIEW_LIMIT = "newLimit", "reviewLimit"
NEW_LIMIT_TODAY, REVIEW_LIMIT_TODAY = "newLimitToday", "reviewLimitToday"

#: Filtered decks have no daily limits.
UNLIMITED = 1 << 30


def studied_today(extra: Mapping[str, Any], key: str, today: int) -> int:
    """The counter `key` if it was last written today, else 0 (counters reset each day)."""
    value = extra.get(key)
    if (isinstance(value, list) and len(value) == 2 and value[0] == today
            and isinstance(value[1], int)):
        return value[1]
    return 0


def bump_studied(extra: dict[str, Any], key: str, today: int, delta: int) -> None:
    """Add `delta` to today's counter `key` (starting from 0 on a new day)."""
    extra[key] = [today, studied_today(extra, key, today) + delta]


def _override(extra: Mapping[str, Any], key: str, today_key: str, today: int) -> int | None:
    today_only = extra.get(today_key)
    if isinstance(today_only, dict) and today_only.get("today") == today:
        limit = today_only.get("limit")
        if isinstance(limit, int) and not isinstance(limit, bool):
            return max(limit, 0)
    this_deck = extra.get(key)
    if isinstance(this_deck, int) and not isinstance(this_deck, bool):
        return max(this_deck, 0)
    return None


def effective_limits(deck: Deck, conf: DeckConfig, today: int) -> tuple[int, int]:
    """(new, review) limit of a deck: "Today only", else "This deck", else its preset's."""
    new = _override(deck.extra, NEW_LIMIT, NEW_LIMIT_TODAY, today)
    review = _override(deck.extra, REVIEW_LIMIT, REVIEW_LIMIT_TODAY, today)
    return (conf.new_per_day if new is None else new,
            conf.reviews_per_day if review is None else review)


@dataclass
class Remaining:
    """What a deck may still show today."""

    new: int
    review: int


def remaining_limits(deck: Deck, conf: DeckConfig | None, today: int,
                     new_ignores_review_limit: bool) -> Remaining:
    """Today's remaining limits of one deck (§3.1). New cards studied today count against the
    review limit too, and the new limit is capped by it, unless the collection option "New
    cards ignore review limit" is on."""
    if deck.is_filtered or conf is None:
        return Remaining(UNLIMITED, UNLIMITED)
    if not deck.extra:  # no override, nothing studied yet: the preset's limits
        review_left = conf.reviews_per_day
        new_left = conf.new_per_day if new_ignores_review_limit else min(
            conf.new_per_day, review_left)
        return Remaining(max(new_left, 0), max(review_left, 0))
    new_limit, review_limit = effective_limits(deck, conf, today)
    new_done = studied_today(deck.extra, NEW_TODAY, today)
    review_left = review_limit - studied_today(deck.extra, REVIEW_TODAY, today)
    new_left = new_limit - new_done
    if not new_ignores_review_limit:
        review_left -= new_done
        new_left = min(new_left, review_left)
    return Remaining(max(new_left, 0), max(review_left, 0))


class LimitTree:
    """Remaining limits of the studied deck (the root) and every deck below it (§3.2).

    Taking a card uses up one of its deck's limit and of every ancestor up to the root; a
    card can be taken only while all of them have room, which is the same as capping each
    child's limits to its parent's. Intraday learning cards are not limited.
    """

    def __init__(self, root_id: int, remaining: Mapping[int, Remaining],
                 parents: Mapping[int, int | None], new_ignores_review_limit: bool) -> None:
        self.root_id = root_id
        self.new_ignores_review_limit = new_ignores_review_limit
        ids = list(remaining)
        index = {did: i for i, did in enumerate(ids)}
        # Plain lists indexed by node: gathering checks them for every card it looks at.
        self._new = [remaining[did].new for did in ids]
        self._review = [remaining[did].review for did in ids]
        self._paths: dict[int, tuple[int, ...]] = {}
        for did in ids:
            path = []
            cursor: int | None = did
            while cursor is not None and cursor in index and len(path) <= len(ids):
                path.append(index[cursor])
                cursor = parents.get(cursor)
            self._paths[did] = tuple(path)
        self._root = index[root_id]

    @classmethod
    def build(cls, root: Deck, decks: Iterable[Deck], configs: Mapping[int, DeckConfig],
              today: int, new_ignores_review_limit: bool) -> LimitTree:
        """The tree for `decks` (the root and its descendants, possibly the root's ancestors
        first when "limits start from top"), each deck's limits from its own preset."""
        decks = list(decks)
        by_name = {d.name.casefold(): d.id for d in decks}
        remaining: dict[int, Remaining] = {}
        parents: dict[int, int | None] = {}
        for deck in decks:
            remaining[deck.id] = remaining_limits(
                deck, configs.get(deck.config_id), today, new_ignores_review_limit)
            parent_name = deck.name.rpartition(SEPARATOR)[0].casefold()
            parents[deck.id] = by_name.get(parent_name) if deck.id != root.id else None
        return cls(root.id, remaining, parents, new_ignores_review_limit)

    def __contains__(self, did: int) -> bool:
        return did in self._paths

    def remaining(self, did: int) -> Remaining:
        """Room left for deck `did` itself, taking its ancestors into account."""
        path = self._paths[did]
        new = min(self._new[i] for i in path)
        review = min(self._review[i] for i in path)
        if not self.new_ignores_review_limit:
            new = min(new, review)
        return Remaining(max(new, 0), max(review, 0))

    def root_exhausted(self, new: bool) -> bool:
        if new:
            return self._new[self._root] <= 0 or (
                not self.new_ignores_review_limit and self._review[self._root] <= 0)
        return self._review[self._root] <= 0

    def take(self, did: int, new: bool) -> bool:
        """Use up one card of deck `did` if it and all its ancestors have room."""
        return self.take_new(did) if new else self.take_review(did)

    def take_review(self, did: int) -> bool:
        path = self._paths.get(did)
        if path is None:
            return False
        review = self._review
        for i in path:
            if review[i] <= 0:
                return False
        for i in path:
            review[i] -= 1
        return True

    def take_all_reviews(self, counts: Mapping[int, int]) -> bool:
        """Take `counts[did]` review cards from each deck at once, if every deck and ancestor
        has room for all of them (then no card of them is cut); else change nothing."""
        need = [0] * len(self._review)
        for did, count in counts.items():
            path = self._paths.get(did)
            if path is None:
                return False
            for i in path:
                need[i] += count
        review = self._review
        if any(n > r for n, r in zip(need, review, strict=True)):
            return False
        for i, n in enumerate(need):
            review[i] -= n
        return True

    def take_new_many(self, did: int, count: int) -> None:
        """Use up `count` new cards of deck `did` at once; `count` must fit in
        `remaining(did).new` (as `count` calls of `take_new` that all succeed)."""
        cap = not self.new_ignores_review_limit
        for i in self._paths[did]:
            self._new[i] -= count
            if cap:
                self._review[i] -= count

    def take_new(self, did: int) -> bool:
        path = self._paths.get(did)
        if path is None:
            return False
        new, review = self._new, self._review
        cap = not self.new_ignores_review_limit
        for i in path:
            if new[i] <= 0 or (cap and review[i] <= 0):
                return False
        for i in path:
            new[i] -= 1
            if cap:
                review[i] -= 1
        return True
