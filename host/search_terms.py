"""Add-ons' search terms (`register_search_terms`) as the engine looks them up.

`PluginHost.attach` sets `col.search_terms` to an `AddonSearchTerms`: a read-only mapping,
name -> match, that collects the terms when a search first needs one (and again after
plugins change). Core looks a term up once per search, so each lookup hands out a fresh
wrapper: a match that raises counts as no match for that card (neither the term nor its
negation), and is reported against its add-on once per search, not once per card.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.hooks.browser import SearchTerm
    from repetend.host.plugins import Contribution, PluginHost

_FAILED = object()


class AddonSearchTerms(Mapping[str, "ContainedMatch"]):
    """The search terms the host's plugins register, collected lazily."""

    def __init__(self, host: PluginHost) -> None:
        self._host = host
        self._generation: int | None = None
        self._terms: dict[str, Contribution[SearchTerm]] = {}

    def contributions(self) -> dict[str, Contribution[SearchTerm]]:
        """The current terms by name, with the plugin that gave each."""
        if self._generation != self._host.generation:
            self._terms = {c.value.name: c for c in self._host.register_search_terms()}
            self._generation = self._host.generation
        return self._terms

    def __getitem__(self, name: str) -> ContainedMatch:
        return ContainedMatch(self._host, self.contributions()[name])

    def __contains__(self, name: object) -> bool:
        return name in self.contributions()

    def __iter__(self) -> Iterator[str]:
        return iter(self.contributions())

    def __len__(self) -> int:
        return len(self.contributions())


class ContainedMatch:
    """One search's use of one term's `match`: failures contained, the first one reported."""

    def __init__(self, host: PluginHost, contribution: Contribution[SearchTerm]) -> None:
        self._host = host
        self._contribution = contribution
        self._reported = False

    def __call__(self, col: Collection, card: Card, value: str) -> bool | None:
        if self._reported:
            try:
                return bool(self._contribution.value.match(col, card, value))
            except Exception:  # already reported for this search
                return None
        result = self._host.call_contribution(self._contribution, "match", col, card, value,
                                              default=_FAILED)
        if result is _FAILED:
            self._reported = True
            return None
        return bool(result)
