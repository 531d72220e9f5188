"""The HTML escaping and stripping variants Anki's renderer uses, byte for byte.

Anki escapes error details with htmlescape's `encode_minimal` and the `data-cloze` attribute
with `encode_attribute` (every non-alphanumeric character below U+0100 becomes `&#xHH;`), and
strips HTML inside MathJax *without* decoding entities. `repetend.core.text` has no such
variants, so they live here, private to the template engine.
"""

from __future__ import annotations

import html
import html.entities
import re

_MINIMAL = {'"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;"}

# Comments, style and script blocks, then any tag (Anki's `HTML` regex in text.rs).
_HTML = re.compile(
    r"(<!--.*?-->)|(<style.*?>.*?</style>)|(<script.*?>.*?</script>)|(<.*?>)",
    re.DOTALL | re.IGNORECASE,
)


def encode_minimal(text: str) -> str:
    """Escape `"`, `&`, `'`, `<` and `>` as entities (used for error details)."""
    return "".join(_MINIMAL.get(c, c) for c in text)


def encode_attribute(text: str) -> str:
    """Escape for an attribute value: minimal entities, then `&#xHH;` for other
    non-alphanumeric characters below U+0100; everything above is kept."""
    out = []
    for c in text:
        code = ord(c)
        if c in _MINIMAL:
            out.append(_MINIMAL[c])
        elif code < 256 and (code > 127 or not (c.isascii() and c.isalnum())):
            out.append(f"&#x{code:02X};")
        else:
            out.append(c)
    return "".join(out)


def strip_html_preserving_entities(text: str) -> str:
    """Remove comments, style/script blocks and tags, leaving entities encoded."""
    return _HTML.sub("", text)


def _entity(body: str) -> str | None:
    """The character for the entity `&body;`, or None if htmlescape would reject it."""
    if body.startswith("#x"):
        digits, base = body[2:], 16
        ok = digits != "" and all(c in "0123456789abcdefABCDEF" for c in digits)
    elif body.startswith("#"):
        digits, base = body[1:], 10
        ok = digits != "" and all(c in "0123456789" for c in digits)
    else:
        value = html.entities.html5.get(body + ";")
        return value if value is not None and len(value) == 1 else None
    if not ok:
        return None
    code = int(digits, base)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def decode_entities(text: str) -> str:
    """Decode entities as Anki does for sound file names: all or nothing (one malformed or
    unknown entity leaves the text unchanged, like htmlescape), and a no-break space
    becomes a plain space."""
    if "&" not in text:
        return text
    out: list[str] = []
    pos = 0
    while (amp := text.find("&", pos)) != -1:
        end = text.find(";", amp + 1)
        char = _entity(text[amp + 1:end]) if end != -1 else None
        if char is None:
            return text
        out += [text[pos:amp], char]
        pos = end + 1
    out.append(text[pos:])
    return "".join(out).replace("\xa0", " ")
