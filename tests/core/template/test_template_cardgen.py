"""Which cards a note gets (ANKI-FACTS §4.6)."""

import pytest

from repetend.core.template import cloze_numbers_in_fields, nonempty_fields, template_renders


@pytest.mark.parametrize("template, expected", [
    ("{{2}}{{1}}", True),
    ("{{2}}", False),
    ("{{2}}{{4}}", False),
    ("{{#3}}{{^2}}{{1}}{{/2}}{{/3}}", True),
    ("{{^1}}{{3}}{{/1}}", False),
    ("{{^2}}{{3}}{{/2}}", True),
    ("{{#2}}{{1}}{{/2}}", False),
    ("{{text:1}}", True),
    ("{{type:1}}", True),
    ("static text", False),
    ("{{#1}}static{{/1}}", False),
    ("<!--{{1}}-->", False),
])
def test_generation_rule(template, expected):
    assert template_renders(template, {"1", "3"}) is expected


def test_special_fields_always_count_except_tags_and_frontside():
    for name in ["Card", "CardFlag", "Deck", "Subdeck", "Type", "CardID"]:
        assert template_renders(f"{{{{{name}}}}}", set())
    assert not template_renders("{{Tags}}", set())
    assert template_renders("{{Tags}}", set(), has_tags=True)
    assert not template_renders("{{FrontSide}}", set())


def test_a_note_field_with_a_special_name_is_judged_by_its_value():
    assert not template_renders("{{Deck}}", set(), note_fields=["Deck"])
    assert template_renders("{{Deck}}", {"Deck"}, note_fields=["Deck"])


def test_a_template_with_a_syntax_error_makes_no_card():
    assert not template_renders("{{#Front}}{{Front}}", {"Front"})


# The "content" fixture collection made with Anki 26.9.3 (shared/fixtures/anki): which
# template ordinals each note got.
NORMAL_NOTES = [
    ({"Front": "水", "Back": "water"}, ["{{Front}}"], [0]),
    ({"Front": "كتاب", "Back": "book", "Add Reverse": "y"},
     ["{{Front}}", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}"], [0, 1]),
    ({"Front": "قلم", "Back": "pen", "Add Reverse": ""},
     ["{{Front}}", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}"], [0]),
    ({"Front": "こんにちは", "Back": "hello"}, ["{{Front}}", "{{Back}}"], [0, 1]),
    ({"Word": "飲む", "Reading": "のむ", "Meaning": "to drink", "Example sentence": ""},
     ['<div class="word">{{Word}}</div>', "{{Meaning}}"], [0, 1]),
]


@pytest.mark.parametrize("fields, fronts, ordinals", NORMAL_NOTES)
def test_cards_of_the_fixture_collection(fields, fronts, ordinals):
    nonempty = nonempty_fields(fields)
    assert [i for i, front in enumerate(fronts) if template_renders(front, nonempty)] == ordinals


@pytest.mark.parametrize("fields, numbers", [
    (["{{c1::Hydrogen::element}} has atomic number {{c2::1}}; {{c3::helium::noble gas}} has "
      "{{c3::2}}.", "<i>periodic table</i>"], {1, 2, 3}),
    (["{{c1::Paris}} is the capital of {{c2::France::country}}.", ""], {1, 2}),
    (["Only {{c2::two}} and {{c3::three}} here.", ""], {2, 3}),
])
def test_cloze_cards_of_the_fixture_collection(fields, numbers):
    assert cloze_numbers_in_fields(fields) == numbers
