"""The HTML escaping and stripping variants Anki's renderer uses, byte for byte.

Anki escapes error details with htmlescape's `encode_minimal` and the `data-cloze` attribute
with `encode_attribute` (every non-alphanumeric character below U+0100 becomes `&#xHH;`), and
strips HTML inside MathJax *without* decoding entities. `repetend.core.text` has no such
variants, so they live here, private to the template engine.
"""

from __future__ import annotations

import html
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


def decode_entities(text: str) -> str:
    """Decode entities the way Anki does for media names: a no-break space becomes a space."""
    if "&" not in text:
        return text
    return html.unescape(text).replace("\xa0", " ")
