"""Custom study (ANKI-FACTS §12.5): Anki's presets for studying outside the usual limits.

Each preset is one operation "Custom Study" (undoable) on a **normal** deck:

- `increase_new_limit` / `increase_review_limit`: today's limit of the deck grows by N
  (N < 0 shrinks it): N is taken off the deck's studied-today counter (and its parents' when
  "limits start from top", `applyAllParentLimits`, is on); a positive N is remembered in
  `extendNew` / `extendRev` as the dialog's next default.
- `review_forgotten` (`rated:N:1`, random order, no rescheduling), `review_ahead`
  (`prop:due<=N`, order due, rescheduling), `preview_new` (`is:new added:N`, order added, no
  rescheduling) and `study_by_state` (new cards in order added, due cards in order due,
  review = all but new cards at random, all with rescheduling; every card at random without;
  at most N cards, tags to include (any) and to exclude (all)) build the filtered deck
  "Custom Study Session", created if missing and reused (rebuilt) if it exists, with preview
  delays 60/600/0 s. Searches are written exactly as Anki writes them (`"deck:My Deck"
  is:new added:1` …).

A preset that matches no card changes nothing and says "No cards matched the criteria you
provided."; a "Custom Study Session" deck that is a normal deck is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from repetend.core.decks import DECK_FILTERED, SEPARATOR, Deck
from repetend.core.errors import InvalidInput
from repetend.core.scheduler import filtered
from repetend.core.scheduler.filtered import FilteredConfig, SearchTerm
from repetend.core.scheduler.limits import NEW_TODAY, REVIEW_TODAY, bump_studied

if TYPE_CHECKING:
    from repetend.core.collection import Collection

__all__ = [
    "CUSTOM_STUDY_SESSION",
    "NO_MATCHING_CARDS",
    "OP_CUSTOM_STUDY",
    "STATES",
    "CustomStudyResult",
    "deck_search",
    "increase_new_limit",
    "increase_review_limit",
    "preview_new",
    "review_ahead",
    "review_forgotten",
    "study_by_state",
    "tag_search",
]

OP_CUSTOM_STUDY = "Custom Study"
CUSTOM_STUDY_SESSION = "Custom Study Session"
NO_MATCHING_CARDS = "No cards matched the criteria you provided."
EXISTING_DECK = ("A normal deck called 'Custom Study Session' already exists: rename it "
                 "before using custom study.")

#: "Study by card state or tag": what each choice searches, in which order, rescheduling.
STATES: dict[str, tuple[str, int, bool]] = {
    "new": ("is:new", filtered.ADDED, True),
    "due": ("is:due", filtered.DUE, True),
    "review": ("-is:new", filtered.RANDOM, True),
    "all": ("", filtered.RANDOM, False),
}

#: Custom-study filters without a card count take this many (Anki's "unlimited").
UNLIMITED = 99_999
_MAX_DELTA = 9_999
_MAX_DAYS = 9_999

_INCLUDE_KEY = "_deck_{}_customStudyIncludeTags"
_EXCLUDE_KEY = "_deck_{}_customStudyExcludeTags"


@dataclass(frozen=True)
class CustomStudyResult:
    """What a preset did: a limit change (`deck_id`, `new`/`review` delta), or a built
    "Custom Study Session" (`filtered_deck_id`, `cards`, `search`)."""

    preset: str
    deck_id: int
    new_delta: int = 0
    review_delta: int = 0
    filtered_deck_id: int = 0
    cards: int = 0
    search: str = ""
    reschedule: bool = True

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"preset": self.preset, "deck_id": self.deck_id}
        if self.filtered_deck_id:
            out.update({"filtered_deck": CUSTOM_STUDY_SESSION,
                        "filtered_deck_id": self.filtered_deck_id, "cards": self.cards,
                        "search": self.search, "reschedule": self.reschedule})
        else:
            out.update({"new_delta": self.new_delta, "review_delta": self.review_delta})
        return out


# --- writing searches as Anki writes them ------------------------------------------------

def _escape(text: str) -> str:
    """A name as search text: backslash, quote and wildcards escaped."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("*", "\\*")
            .replace("_", "\\_"))


def _node(key: str, name: str) -> str:
    """`key:name`, quoted when it holds white space or parentheses (as Anki writes it)."""
    text = f"{key}:{_escape(name)}"
    if any(ch.isspace() or ch in "()" for ch in text):
        return f'"{text}"'
    return text


def deck_search(name: str) -> str:
    """`deck:NAME` for exactly that deck (and its children), as Anki writes it."""
    return _node("deck", name)


def tag_search(include: list[str] | tuple[str, ...] = (),
               exclude: list[str] | tuple[str, ...] = ()) -> str:
    """Any of `include`, none of `exclude`: `tag:a`, `(tag:a OR tag:b)`, `-tag:c`,
    `(-tag:c -tag:d)`."""
    parts = []
    if include:
        nodes = [_node("tag", t) for t in include]
        parts.append(nodes[0] if len(nodes) == 1 else f"({' OR '.join(nodes)})")
    if exclude:
        nodes = [f"-{_node('tag', t)}" for t in exclude]
        parts.append(nodes[0] if len(nodes) == 1 else f"({' '.join(nodes)})")
    return " ".join(parts)


# --- checks -----------------------------------------------------------------------------

def _normal_deck(col: Collection, deck: Deck | int | str) -> Deck:
    if isinstance(deck, Deck):
        deck = deck.id
    found = col.decks.get(deck) if isinstance(deck, int) else col.decks.by_name(deck)
    if found.is_filtered:
        raise InvalidInput(f"custom study works on a normal deck; {found.name!r} is a "
                           "filtered deck")
    return found


def _whole(value: Any, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{label} must be a whole number from {low} to {high} "
                           f"(got {value!r})")
    return value


def _days(value: Any) -> int:
    return _whole(value, "the number of days", 1, _MAX_DAYS)


def _tags(values: Any, label: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split()
    out = []
    for tag in values:
        if not isinstance(tag, str) or not tag.strip() or any(ch.isspace() for ch in
                                                              tag.strip()):
            raise InvalidInput(f"{label}: {tag!r} is not a tag (tags have no spaces)")
        out.append(tag.strip())
    return out


# --- limits -----------------------------------------------------------------------------

def _extend(col: Collection, deck: Deck, new_delta: int, review_delta: int) -> None:
    today = col.sched.timing().today
    targets = [deck]
    if col.get_config("applyAllParentLimits", False):
        parts = deck.components
        for depth in range(1, len(parts)):
            found = col.decks.find(SEPARATOR.join(parts[:depth]))
            if found is not None:
                targets.append(col.decks.get(found[0]))
    for target in targets:
        extra = dict(target.extra)
        if new_delta:
            bump_studied(extra, NEW_TODAY, today, -new_delta)
        if review_delta:
            bump_studied(extra, REVIEW_TODAY, today, -review_delta)
        if target.id == deck.id:
            if new_delta > 0:
                extra["extendNew"] = new_delta
            if review_delta > 0:
                extra["extendRev"] = review_delta
        target.extra = extra
        col.decks.save(target)


def increase_new_limit(col: Collection, deck: Deck | int | str,
                       by: int) -> CustomStudyResult:
    """Let `deck` show `by` more new cards today (fewer if negative)."""
    found = _normal_deck(col, deck)
    _whole(by, "the change to today's new card limit", -_MAX_DELTA, _MAX_DELTA)
    if by == 0:
        raise InvalidInput("the change to today's new card limit must not be 0")
    with col.op(OP_CUSTOM_STUDY):
        _extend(col, found, by, 0)
    return CustomStudyResult("new-limit", found.id, new_delta=by)


def increase_review_limit(col: Collection, deck: Deck | int | str,
                          by: int) -> CustomStudyResult:
    """Let `deck` show `by` more reviews today (fewer if negative)."""
    found = _normal_deck(col, deck)
    _whole(by, "the change to today's review limit", -_MAX_DELTA, _MAX_DELTA)
    if by == 0:
        raise InvalidInput("the change to today's review limit must not be 0")
    with col.op(OP_CUSTOM_STUDY):
        _extend(col, found, 0, by)
    return CustomStudyResult("review-limit", found.id, review_delta=by)


# --- the Custom Study Session -------------------------------------------------------------

def _session(col: Collection, preset: str, deck: Deck, search: str, order: int,
             reschedule: bool, limit: int = UNLIMITED,
             remember: dict[str, Any] | None = None) -> CustomStudyResult:
    # Found as Anki compares deck names (any case; "Cuſtom Study Seſſion" too).
    row = col.decks.find(CUSTOM_STUDY_SESSION)
    if row is not None and row[2] != DECK_FILTERED:
        raise InvalidInput(EXISTING_DECK)
    config = FilteredConfig(terms=(SearchTerm(search, limit, order),), reschedule=reschedule,
                            preview_delay=10)
    with col.op(OP_CUSTOM_STUDY):
        try:
            built = filtered.add_or_update_filtered_deck(col, CUSTOM_STUDY_SESSION, config,
                                                         row[0] if row else 0)
        except InvalidInput as exc:
            if str(exc) == filtered.NO_CARDS_MATCHED:
                raise InvalidInput(NO_MATCHING_CARDS) from None
            raise
        for key, value in (remember or {}).items():
            col._write_config(key, value)
    return CustomStudyResult(preset, deck.id, filtered_deck_id=built.deck_id,
                             cards=built.count, search=search, reschedule=reschedule)


def review_forgotten(col: Collection, deck: Deck | int | str,
                     days: int) -> CustomStudyResult:
    """Cards of `deck` answered Again in the last `days` days, at random, without
    rescheduling."""
    found = _normal_deck(col, deck)
    search = f"rated:{_days(days)}:1 {deck_search(found.name)}"
    return _session(col, "forgotten", found, search, filtered.RANDOM, reschedule=False)


def review_ahead(col: Collection, deck: Deck | int | str, days: int) -> CustomStudyResult:
    """Cards of `deck` due in the next `days` days, in order due, rescheduled as early
    reviews."""
    found = _normal_deck(col, deck)
    search = f"prop:due<={_days(days)} {deck_search(found.name)}"
    return _session(col, "ahead", found, search, filtered.DUE, reschedule=True)


def preview_new(col: Collection, deck: Deck | int | str, days: int) -> CustomStudyResult:
    """New cards of `deck` added in the last `days` days, in order added, without
    rescheduling."""
    found = _normal_deck(col, deck)
    search = f"is:new added:{_days(days)} {deck_search(found.name)}"
    return _session(col, "preview-new", found, search, filtered.ADDED, reschedule=False)


def study_by_state(col: Collection, deck: Deck | int | str, state: str = "due",
                   limit: int = 100, include_tags: list[str] | tuple[str, ...] = (),
                   exclude_tags: list[str] | tuple[str, ...] = ()) -> CustomStudyResult:
    """"Study by card state or tag": `state` new, due, review (all but new) or all, at most
    `limit` cards, with any of `include_tags` and none of `exclude_tags`. The tags are
    remembered for the deck, as Anki remembers them."""
    found = _normal_deck(col, deck)
    if state not in STATES:
        raise InvalidInput(f"card state must be one of {', '.join(STATES)}, not {state!r}")
    _whole(limit, "the number of cards", 1, UNLIMITED)
    include = _tags(include_tags, "tags to include")
    exclude = _tags(exclude_tags, "tags to exclude")
    state_search, order, reschedule = STATES[state]
    search = " ".join(p for p in (state_search, deck_search(found.name),
                                  tag_search(include, exclude)) if p)
    remember = {_INCLUDE_KEY.format(found.id): include,
                _EXCLUDE_KEY.format(found.id): exclude}
    return _session(col, f"state:{state}", found, search, order, reschedule, limit,
                    remember)
