"""Shortcuts for the per-note text work of large imports, each exactly equal to the
engine's function it stands for (which it falls back to whenever the shortcut's condition
does not hold): sort-field stripping, the first-field checksum, field normalization and
the emptiness test of card generation."""

from __future__ import annotations

import hashlib

from repetend.core.notes import prepare_fields
from repetend.core.template.fields import field_is_empty
from repetend.core.text import strip_html_preserving_media_filenames

#: Characters that can start something `field_is_empty` skips (white space, `<br>`, `<div>`).
_EMPTY_START = frozenset("\t\n\v\f\r <")


def stripped(text: str) -> str:
    """`strip_html_preserving_media_filenames(text)`: text without '<' or '&' comes back
    unchanged, so it is returned as it is."""
    if "<" not in text and "&" not in text:
        return text
    return strip_html_preserving_media_filenames(text)


def checksum_of_stripped(text: str) -> int:
    """`field_checksum(field)` for a field whose `stripped()` text is `text`."""
    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:4], "big")


def prepared(values: list[str]) -> list[str]:
    """`prepare_fields(values)`: printable ASCII has no control characters and is already
    NFC, so such values are kept as they are."""
    for value in values:
        if not (value.isascii() and value.isprintable()):
            return prepare_fields(values)
    return values


def is_empty(text: str) -> bool:
    """`field_is_empty(text)`: text starting with anything but white space or '<' is not
    empty."""
    if text and text[0] not in _EMPTY_START:
        return False
    return field_is_empty(text)
