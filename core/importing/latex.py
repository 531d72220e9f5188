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

_LATEX = re.compile(r"\[latex\](.+?)\[/latex\]|\[\$\](.+?)\[/\$\]|\[\$\$\](.+?)\[/\$\$\]",
                    re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br/?>|<div>", re.IGNORECASE)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def _source(body: str) -> str:
    text = _TAG.sub("", _BREAK.sub("\n", body))
    # As Anki decodes: only text with an entity, and then every no-break space is a space.
    return html.unescape(text).replace("\xa0", " ") if "&" in text else text


def latex_sources(text: str) -> list[str]:
    """The LaTeX source of each image `text` asks for, in order."""
    out = []
    for m in _LATEX.finditer(text):
        plain, inline, display = m.groups()
        if plain is not None:
            out.append(_source(plain))
        elif inline is not None:
            out.append(f"${_source(inline)}$")
        else:
            out.append(f"\\begin{{displaymath}}{_source(display)}\\end{{displaymath}}")
    return out


def latex_images(text: str, svg: bool = False) -> list[str]:
    """The file names of the LaTeX images a field uses (duplicates dropped, in order)."""
    ext = "svg" if svg else "png"
    names = (f"latex-{hashlib.sha1(src.encode('utf-8')).hexdigest()}.{ext}"
             for src in latex_sources(text))
    return list(dict.fromkeys(names))


def may_have_latex(text: str) -> bool:
    """False when `latex_images(text)` is surely empty (a cheap test for big exports)."""
    return "[" in text and ("[$" in text or "[latex]" in text.lower())
