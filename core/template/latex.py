"""LaTeX in a rendered card: each `[latex]…[/latex]`, `[$]…[/$]` or `[$$]…[/$$]` tag becomes
the image Anki generated for it, as Anki's `card_did_render` LaTeX hook does.

Anki shows `<img class=latex alt="SOURCE" src="latex-<sha1>.png">` (`.svg` when the note type
has `latexsvg`), with the LaTeX source as the attribute-escaped alt text. Anki generates a
missing image only when "Generate LaTeX images" is on (off by default); otherwise, and always
here since Repetend runs no LaTeX, the side ends with Anki's notice once.
"""

from __future__ import annotations

from collections.abc import Callable

from repetend.core.importing.latex import latex_image_name, latex_tags, may_have_latex
from repetend.core.template.escaping import encode_attribute

GENERATION_DISABLED = "LaTeX image generation is disabled in the preferences."


def render_latex(html: str, svg: bool, have: Callable[[str], bool]) -> str:
    """`html` with its LaTeX tags replaced by their images; `have(name)` says whether the
    media folder holds the image `name` (Anki's notice is appended if one is missing)."""
    if not may_have_latex(html):
        return html
    out: list[str] = []
    pos = 0
    missing = False
    for start, end, source in latex_tags(html):
        name = latex_image_name(source, svg)
        missing = missing or not have(name)
        out += [html[pos:start], f'<img class=latex alt="{encode_attribute(source)}" '
                                 f'src="{name}">']
        pos = end
    out.append(html[pos:])
    return "".join(out) + (GENERATION_DISABLED if missing else "")
