"""Template errors and the exact HTML Anki shows in place of a card that cannot render.

Messages are Anki's English strings (`card-template-rendering.ftl`). Fluent wraps the
interpolated values in Unicode isolates (U+2068/U+2069); we leave them out.
"""

from __future__ import annotations

from repetend.core.errors import InvalidInput
from repetend.core.template.escaping import encode_minimal

ERROR_LINK = "https://docs.ankiweb.net/templates/errors.html#template-syntax-error"
BLANK_LINK = "https://docs.ankiweb.net/templates/errors.html#front-of-card-is-blank"
BLANK_CLOZE_LINK = (
    "https://docs.ankiweb.net/templates/errors.html#no-cloze-filter-on-cloze-note-type"
)
MORE_INFO = "More information"


class TemplateError(InvalidInput):
    """A card template cannot be parsed or refers to something that does not exist."""

    @property
    def message(self) -> str:
        """The one-line English description shown to the user."""
        return str(self)


class ConditionalNotClosed(TemplateError):
    """`{{#Front}}` or `{{^Front}}` was opened but never closed."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"Missing '{{{{/{key}}}}}'")


class ConditionalNotOpen(TemplateError):
    """A `{{/X}}` closed a conditional that is not the innermost open one (or none is open)."""

    def __init__(self, closed: str, currently_open: str | None) -> None:
        self.closed = closed
        self.currently_open = currently_open
        if currently_open is not None:
            text = f"Found '{{{{/{closed}}}}}', but expected '{{{{/{currently_open}}}}}'"
        else:
            text = (f"Found '{{{{/{closed}}}}}', but missing '{{{{#{closed}}}}}' "
                    f"or '{{{{^{closed}}}}}'")
        super().__init__(text)


class FieldNotFound(TemplateError):
    """A replacement names a field the note does not have.

    `filters` is the text before the field name as written, e.g. `"text:"`, so the message
    quotes the whole tag (`{{text:Nope}}`)."""

    def __init__(self, field: str, filters: str = "") -> None:
        self.field = field
        self.filters = filters
        super().__init__(
            f"Found '{{{{{filters}{field}}}}}', but there is no field called '{field}'")


class NoSuchConditional(TemplateError):
    """`{{#X}}` / `{{^X}}` names a field that does not exist; `condition` keeps the sigil."""

    def __init__(self, condition: str) -> None:
        self.condition = condition
        super().__init__(
            f"Found '{{{{{condition}}}}}', but there is no field called '{condition[1:]}'")


def error_header(question_side: bool, browser: bool) -> str:
    """The header line naming the side (and browser-specific templates) that failed."""
    side = "front" if question_side else "back"
    if browser:
        return f"Browser-specific {side} template has a problem:"
    return f"{side.capitalize()} template has a problem:"


def template_error_html(error: TemplateError, question_side: bool, browser: bool) -> str:
    """The HTML shown on both sides of a card whose template has `error`."""
    return (f"{error_header(question_side, browser)}<br>{encode_minimal(error.message)}"
            f"<br><a href='{ERROR_LINK}'>{MORE_INFO}</a>")


def blank_front_html() -> str:
    """Appended to the question (and used as the answer) when the front renders no field."""
    return (f"<div>The front of this card is blank.<br>"
            f"<a href='{BLANK_LINK}'>{MORE_INFO}</a></div>")


def missing_cloze_html(number: int) -> str:
    """Shown for a cloze card whose number appears in no field of the note."""
    return (f"<div>No cloze {number} found on card.\n"
            f"Please either add a cloze deletion, or use the Empty Cards tool.<br>"
            f"<a href='{BLANK_CLOZE_LINK}'>{MORE_INFO}</a></div>")
