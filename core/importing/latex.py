"""The image files Anki generates for LaTeX in note fields (`latex-<sha1>.png|svg`).

Anki renders `[latex]…[/latex]`, `[$]…[/$]` (wrapped in `$…$`) and `[$$]…[/$$]` (wrapped in
`displaymath`) to images named after the SHA-1 of the LaTeX source (ANKI-FACTS §10). The
files are media like any other — made once on a desktop with LaTeX installed, then synced
and exported with the notes — so an export that leaves them out loses images a phone cannot
make again. The source is the field text with `<br>`/`<div>` turned into line breaks, other
tags dropped and entities decoded (no-break spaces then become plain ones), as Anki does.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator

_LATEX = re.compile(r"\[latex\](.+?)\[/latex\]|\[\$\](.+?)\[/\$\]|\[\$\$\](.+?)\[/\$\$\]",
                    re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br/?>|<div>", re.IGNORECASE)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def _source(body: str) -> str:
    text = _TAG.sub("", _BREAK.sub("\n", body))
    # As Anki decodes: only text with an entity, and then every no-break space is a space.
    return html.unescape(text).replace("\xa0", " ") if "&" in text else text


def latex_tags(text: str) -> Iterator[tuple[int, int, str]]:
    """Each LaTeX tag in `text`: its start, its end and the LaTeX source of its image."""
    for m in _LATEX.finditer(text):
        plain, inline, display = m.groups()
        if plain is not None:
            source = _source(plain)
        elif inline is not None:
            source = f"${_source(inline)}$"
        else:
            source = f"\\begin{{displaymath}}{_source(display)}\\end{{displaymath}}"
        yield m.start(), m.end(), source


def latex_sources(text: str) -> list[str]:
    """The LaTeX source of each image `text` asks for, in order."""
    return [source for _, _, source in latex_tags(text)]


def latex_image_name(source: str, svg: bool = False) -> str:
    """The file Anki writes the image of the LaTeX `source` to."""
    return f"latex-{hashlib.sha1(source.encode('utf-8')).hexdigest()}.{'svg' if svg else 'png'}"


def latex_images(text: str, svg: bool = False) -> list[str]:
    """The file names of the LaTeX images a field uses (duplicates dropped, in order)."""
    return list(dict.fromkeys(latex_image_name(src, svg) for src in latex_sources(text)))


def may_have_latex(text: str) -> bool:
    """False when `latex_images(text)` is surely empty (a cheap test for big exports)."""
    return "[" in text and ("[$" in text or "[latex]" in text.lower())
