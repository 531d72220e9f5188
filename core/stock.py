"""The stock note types Anki creates in a new collection (ANKI-FACTS §5)."""

from __future__ import annotations

from collections.abc import Callable

from repetend.core.notetypes import KIND_CLOZE, Field, NoteType, Template

CSS = """\
.card {
    font-family: arial;
    font-size: 20px;
    line-height: 1.5;
    text-align: center;
    color: black;
    background-color: white;
}
"""
CLOZE_CSS = CSS + """\
.cloze {
    font-weight: bold;
    color: blue;
}
.nightMode .cloze {
    color: lightblue;
}
"""
LATEX_PRE = """\
\\documentclass[12pt]{article}
\\special{papersize=3in,5in}
\\usepackage[utf8]{inputenc}
\\usepackage{amssymb,amsmath}
\\pagestyle{empty}
\\setlength{\\parindent}{0in}
\\begin{document}
"""
LATEX_POST = "\\end{document}"

# Anki's OriginalStockKind numbers.
BASIC, BASIC_AND_REVERSED, BASIC_OPTIONAL_REVERSED, BASIC_TYPING, CLOZE = 1, 2, 3, 4, 5


def _answer(field: str) -> str:
    """'FrontSide + hr' back template."""
    return f"{{{{FrontSide}}}}\n\n<hr id=answer>\n\n{{{{{field}}}}}"


def _normal(name: str, kind: int, field_names: list[str], templates: list[Template]) -> NoteType:
    return NoteType(name=name, fields=[Field(n) for n in field_names], templates=templates,
                    css=CSS, latex_pre=LATEX_PRE, latex_post=LATEX_POST,
                    original_stock_kind=kind)


def basic() -> NoteType:
    return _normal("Basic", BASIC, ["Front", "Back"],
                   [Template("Card 1", "{{Front}}", _answer("Back"))])


def basic_and_reversed() -> NoteType:
    return _normal("Basic (and reversed card)", BASIC_AND_REVERSED, ["Front", "Back"], [
        Template("Card 1", "{{Front}}", _answer("Back")),
        Template("Card 2", "{{Back}}", _answer("Front")),
    ])


def basic_optional_reversed() -> NoteType:
    return _normal("Basic (optional reversed card)", BASIC_OPTIONAL_REVERSED,
                   ["Front", "Back", "Add Reverse"], [
                       Template("Card 1", "{{Front}}", _answer("Back")),
                       Template("Card 2", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}",
                                _answer("Front")),
                   ])


def basic_typing() -> NoteType:
    return _normal("Basic (type in the answer)", BASIC_TYPING, ["Front", "Back"], [
        Template("Card 1", "{{Front}}\n\n{{type:Back}}",
                 "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}"),
    ])


def cloze() -> NoteType:
    return NoteType(
        name="Cloze", kind=KIND_CLOZE, css=CLOZE_CSS, latex_pre=LATEX_PRE,
        latex_post=LATEX_POST, original_stock_kind=CLOZE,
        fields=[Field("Text", tag=0, prevent_deletion=True), Field("Back Extra", tag=1)],
        templates=[Template("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")],
    )


#: In the order Anki creates them in a fresh collection.
STOCK_NOTETYPES: list[Callable[[], NoteType]] = [
    basic, basic_and_reversed, basic_optional_reversed, basic_typing, cloze,
]
