"""Which cards a note has (ANKI-FACTS §4.6) and which fields a template uses."""

from __future__ import annotations

from collections.abc import Iterable

from repetend.core.template.cloze import MAX_CLOZE_NUMBER, cloze_numbers_in_string
from repetend.core.template.errors import TemplateError
from repetend.core.template.fields import SPECIAL_FIELDS
from repetend.core.template.parser import field_references, parse_template, renders_with_fields


def template_renders(question_template: str, nonempty: set[str], has_tags: bool = False,
                     note_fields: Iterable[str] = ()) -> bool:
    """True if a card of a normal note type should exist for this question template.

    Card, CardFlag, Deck, Subdeck, Type and CardID always count as non-empty, Tags when the
    note has tags — unless the note type has a field of that name (`note_fields`), whose own
    emptiness then decides. A template with a syntax error generates no card."""
    try:
        nodes = parse_template(question_template)
    except TemplateError:
        return False
    shadowed = set(note_fields)
    specials = {name for name in SPECIAL_FIELDS - {"FrontSide"} - shadowed
                if name != "Tags" or has_tags}
    return renders_with_fields(nodes, frozenset(nonempty) | specials)


def cloze_numbers_in_fields(values: Iterable[str]) -> set[int]:
    """The cloze numbers (>= 1) found in any of the field values, each capped at 500 since
    card ordinals stop at 499; a cloze note type gets one card per number."""
    found: set[int] = set()
    for value in values:
        found |= cloze_numbers_in_string(value)
    return {min(number, MAX_CLOZE_NUMBER) for number in found}


def template_field_references(template: str) -> set[str]:
    """Names used in replacements and conditionals (not `cN`), for template checks.

    May include special fields and "" (`{{filter:}}`); raises `TemplateError` when the
    template does not parse."""
    return field_references(parse_template(template))


def template_cloze_field_references(template: str) -> set[str]:
    """Names used with a `cloze:` filter (a cloze note type needs one on each side)."""
    return field_references(parse_template(template), cloze_only=True,
                            with_conditionals=False)


def template_syntax_error(template: str) -> TemplateError | None:
    """The error that stops `template` from parsing, or None if it parses."""
    try:
        parse_template(template)
    except TemplateError as error:
        return error
    return None
