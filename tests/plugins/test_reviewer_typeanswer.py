"""Type in the answer, headless: the box, the comparison HTML, and agreement with Anki's."""

import random

import pytest

from repetend.core.collection import Collection
from repetend.core.decks import DEFAULT_DECK_ID
from repetend.plugins.reviewer.typeanswer import (
    EMPTY_CARDS,
    answer_side,
    compare_answer,
    expected_text,
    question_side,
    type_answer_for,
)

ARROW = "<br><span id=typearrow>&darr;</span><br>"


@pytest.fixture
def col(tmp_path):
    with Collection(tmp_path / "collection.db") as c:
        yield c


def add(col, notetype, *values):
    note = col.new_note(notetype)
    note.fields = list(values)
    return note, col.add_note(note, DEFAULT_DECK_ID)


# --- the comparison ------------------------------------------------------------------------


def test_correct_answer_is_one_good_span():
    assert compare_answer("Tokyo", "Tokyo") == (
        "<code id=typeans><span class=typeGood>Tokyo</span></code>")


def test_nothing_typed_shows_the_expected_text():
    assert compare_answer("<div>123</div>", "") == "<code id=typeans>123</code>"


def test_wrong_answer_shows_typed_arrow_expected():
    assert compare_answer("Tokyo", "Tokoy") == (
        "<code id=typeans><span class=typeGood>Tok</span><span class=typeMissed>-</span>"
        "<span class=typeGood>o</span><span class=typeBad>y</span>" + ARROW +
        "<span class=typeGood>Tok</span><span class=typeMissed>y</span>"
        "<span class=typeGood>o</span></code>")
    # Missed characters show as dashes on the typed line only after something typed.
    assert compare_answer("1", "23") == (
        "<code id=typeans><span class=typeBad>23</span>" + ARROW +
        "<span class=typeMissed>1</span></code>")


def test_html_and_sounds_are_stripped_and_text_escaped():
    assert expected_text("[sound:foo.mp3]<b>1</b> &nbsp;2<br>3") == "1  2 3"
    assert compare_answer("source &lt;dir&gt;", "source <dir>") == (
        "<code id=typeans><span class=typeGood>source &lt;dir&gt;</span></code>")


def test_nc_ignores_combining_marks_but_shows_them():
    assert compare_answer("ば", "は", combining=False) == (
        "<code id=typeans><span class=typeGood>ば</span></code>")
    assert compare_answer("חוֹף", "חופ", combining=False) == (
        "<code id=typeans><span class=typeGood>חו</span><span class=typeBad>פ</span>" + ARROW +
        "<span class=typeGood>חוֹ</span><span class=typeMissed>ף</span></code>")
    assert "typeBad" in compare_answer("café", "cafe")  # combining marks count by default


def test_comparison_agrees_with_anki():
    """Generated pairs, short and long (Anki's diff treats texts of 200+ characters
    differently), against the `anki` package's own `compare_answer`."""
    anki_collection = pytest.importorskip("anki.collection")
    import os
    import tempfile

    folder = tempfile.mkdtemp()
    anki = anki_collection.Collection(os.path.join(folder, "collection.anki2"))
    try:
        rng = random.Random(8)
        alphabet = "aab c\u0301éeE<&'\"\u00a0x y ßд"
        for _ in range(400):
            n = rng.choice([1, 4, 12, 40, 230])
            expected = "".join(rng.choice(alphabet) for _ in range(n))
            typed = list(expected)
            for _ in range(rng.randint(0, max(1, n // 5))):
                where = rng.randrange(len(typed) + 1)
                roll = rng.random()
                if roll < 0.3 and typed:
                    typed.pop(min(where, len(typed) - 1))
                elif roll < 0.6:
                    typed.insert(where, rng.choice(alphabet))
                elif typed:
                    typed[min(where, len(typed) - 1)] = rng.choice(alphabet)
            combining = rng.random() < 0.7
            text = "".join(typed)
            assert compare_answer(expected, text, combining) == \
                anki.compare_answer(expected, text, combining), (expected, text, combining)
    finally:
        anki.close()


# --- the box and the answer side ---------------------------------------------------------


def test_question_gets_the_input_box_in_the_field_font(col):
    note, [card] = add(col, "Basic (type in the answer)", "Capital of Japan", "Tokyo")
    question = col.render_card(card).question
    assert "[[type:Back]]" in question
    request = type_answer_for(col, card, question)
    assert (request.field, request.expected, request.combining) == ("Back", "Tokyo", True)
    shown = question_side(question, request)
    assert '<input type=text id=typeans onkeypress="_typeAnsPress();"' in shown
    assert "font-family: 'Arial'; font-size: 20px;" in shown
    assert "[[type:" not in shown


def test_answer_gets_the_comparison_before_the_separator(col):
    note, [card] = add(col, "Basic (type in the answer)", "Capital of Japan", "Tokyo")
    rendered = col.render_card(card)
    request = type_answer_for(col, card, rendered.question)
    shown = answer_side(rendered.answer, request, "Tokyo")
    assert "<code id=typeans><span class=typeGood>Tokyo</span></code>" in shown
    assert "[[type:" not in shown


def test_frontside_marker_moves_the_separator_before_the_comparison():
    class Request:
        field, expected, cloze, combining, font, size = "Back", "a", False, True, "Arial", 20

    shown = answer_side("Q [[type:Back]]<hr id=answer>A [[type:Back]]", Request(), "a")
    assert shown.count("<hr id=answer>") == 2
    assert shown.startswith("Q <hr id=answer>\n<div style=")


def test_unknown_and_empty_fields(col):
    note, [card] = add(col, "Basic", "q", "a")
    unknown = type_answer_for(col, card, "x [[type:Nope]]")
    assert question_side("x [[type:Nope]]", unknown) == "x Type answer: unknown field Nope"
    note["Back"] = ""
    col.update_note(note)
    empty = type_answer_for(col, card, "x [[type:Back]]")
    assert question_side("x [[type:Back]]", empty) == "x "
    assert answer_side("y [[type:Back]]", empty, "typed") == "y "
    assert answer_side("y [[type:Back]]", None, "") == "y "


def test_cloze_typing_expects_the_card_s_deletions(col):
    note = col.new_note("Cloze")
    note.fields = ["{{c1::Canberra}} is in {{c2::Australia}}", ""]
    cards = col.add_note(note, DEFAULT_DECK_ID)
    second = next(c for c in cards if c.ord == 1)
    request = type_answer_for(col, second, "[[type:cloze:Text]]")
    assert request.cloze and request.expected == "Australia"
    missing = type_answer_for(col, second, "[[type:cloze:Nope]]")
    assert question_side("[[type:cloze:Nope]]", missing) == EMPTY_CARDS
