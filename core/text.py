"""Text helpers shared by the engine: HTML stripping, checksums, tag strings."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
# An image, sound, video or object tag and its file (Anki's HTML_MEDIA_TAGS): `src=` or
# `data=` with nothing around the `=`, quoted or not; quoted attribute values may hold `>`.
_ATTRS = r"""(?:[^>"']|"[^"]*?"|'[^']*?')*?"""
_IMG_SRC = re.compile(
    rf"""<\b(?:img|audio|video|object|source)\b{_ATTRS}\b(?:src|data)\b="""
    rf"""(?:"([^"]+?)"|'([^']+?)'|([^ >]+)){_ATTRS}>""", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_html(text: str) -> str:
    """Remove tags, comments and style/script blocks, then decode entities (Anki's `text:`).

    As in Anki, `&nbsp;` becomes a plain space and surrounding whitespace is kept.
    """
    text = _COMMENT.sub("", text)
    text = _BLOCK.sub("", text)
    text = _TAG.sub("", text)
    return html.unescape(text.replace("&nbsp;", " "))


def strip_html_preserving_media_filenames(text: str) -> str:
    """Like `strip_html`, but an image is replaced by its file name (Anki's sort field)."""
    text = _IMG_SRC.sub(lambda m: f" {m.group(1) or m.group(2) or m.group(3)} ", text)
    return strip_html(text)


def field_checksum(first_field: str) -> int:
    """Duplicate-check checksum: first 4 bytes of SHA-1 of the stripped first field."""
    stripped = strip_html_preserving_media_filenames(first_field)
    return int.from_bytes(hashlib.sha1(stripped.encode("utf-8")).digest()[:4], "big")


def normalize_field(text: str) -> str:
    """What saving a note does to a field: drop control characters, NFC-normalize."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))
