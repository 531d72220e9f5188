"""Which fields count as empty, and the special fields every template may use (§4.2)."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Names a template may use besides the note's own fields. FrontSide is only meaningful on
# the answer side; the others are added to the field map unless the note has such a field.
SPECIAL_FIELDS = frozenset(
    {"FrontSide", "Card", "CardFlag", "Deck", "Subdeck", "Tags", "Type", "CardID"})

# ASCII white space and bare <br>, <div>, </div> tags (optional space and slash).
_EMPTY = re.compile(r"(?:[\t\n\v\f\r ]|</?(?:br|div) ?/?>)*", re.IGNORECASE)


def field_is_empty(text: str) -> bool:
    """True if `text` has only white space and empty `<br>`/`<div>` tags: what an editor
    leaves behind in a field the user cleared, so conditionals treat it as empty."""
    return _EMPTY.fullmatch(text) is not None


def nonempty_fields(fields: Mapping[str, str]) -> set[str]:
    """The names of the fields whose value is not empty."""
    return {name for name, value in fields.items() if not field_is_empty(value)}


def special_field_values(*, tags: tuple[str, ...], notetype_name: str, deck_name: str,
                         card_flag: int, template_name: str, card_id: int) -> dict[str, str]:
    """The values of the special fields other than FrontSide for one card."""
    deck = deck_name or "(Deck)"
    return {
        "Tags": " ".join(tags),
        "Type": notetype_name,
        "Deck": deck,
        "Subdeck": deck.rsplit("::", 1)[-1],
        "CardFlag": f"flag{card_flag}",
        "Card": template_name,
        "CardID": str(card_id),
    }
