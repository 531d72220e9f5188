"""Card rendering (ANKI-FACTS §4.2, §4.4): fields, conditionals, FrontSide, errors, blanks."""

import pytest

from repetend.core.template import (
    CardRenderContext,
    SoundTag,
    card_field_map,
    field_is_empty,
    nonempty_fields,
)

MORE = "<br><a href='https://docs.ankiweb.net/templates/errors.html#template-syntax-error'>" \
       "More information</a>"
BLANK = ("<div>The front of this card is blank.<br><a href='https://docs.ankiweb.net/"
         "templates/errors.html#front-of-card-is-blank'>More information</a></div>")


def missing_cloze(n):
    return (f"<div>No cloze {n} found on card.\nPlease either add a cloze deletion, or use the "
            "Empty Cards tool.<br><a href='https://docs.ankiweb.net/templates/errors.html"
            "#no-cloze-filter-on-cloze-note-type'>More information</a></div>")


# --- fields and conditionals -------------------------------------------------------------

def test_replacements_and_text(render):
    card = render("{{Back}}A{{Front}}", "{{Front}}-{{Back}}")
    assert (card.question, card.answer, card.error) == ("backAfront", "front-back", None)


def test_field_names_are_case_sensitive(render):
    card = render("{{front}}")
    assert card.error is not None
    assert "there is no field called &#x27;front&#x27;" in card.question


@pytest.mark.parametrize("value, empty", [
    ("", True), (" ", True), ("<BR>", True), ("<div />", True), (" <div> <br> </div>\n", True),
    ("</br>", True), ("<br/>", True), ("\t\r\n", True),
    ("x", False), (" <div>x</div>\n", False), ("&nbsp;", False), ("<p></p>", False),
    ("\xa0", False), ("<br class=x>", False),
])
def test_field_emptiness(value, empty):
    assert field_is_empty(value) is empty


def test_nonempty_fields():
    assert nonempty_fields({"A": "x", "B": "<br>", "C": ""}) == {"A"}


def test_conditionals_use_field_emptiness(render):
    template = "{{#Front}}F{{/Front}}{{^Back}}noB{{/Back}}{{#Back}}B{{/Back}}"
    assert render(template, fields={"Front": "x", "Back": "<div><br></div>"},
                  browser=True).question == "FnoB"
    assert render(template, fields={"Front": " ", "Back": "y"}, browser=True).question == "B"


def test_nested_conditionals(render):
    template = "{{^E}}1{{#F}}2{{#B}}{{F}}{{/B}}{{/F}}{{/E}}"
    card = render(template, fields={"F": "f", "B": "b", "E": " "})
    assert card.question == "12f"


def test_card_conditionals_show_only_on_their_card(render):
    template = "{{Front}}{{#c1}}one{{/c1}}{{#c2}}two{{/c2}}{{^c2}}!{{/c2}}"
    assert render(template, card_ord=0).question == "frontone!"
    assert render(template, card_ord=1).question == "fronttwo"


def test_card_pseudo_field_renders_only_on_its_own_card(render):
    assert render("{{Front}}{{c1}}", card_ord=0).question == "front1"
    assert render("{{Front}}{{c1}}", card_ord=1).error is not None


def test_comments_are_copied_verbatim_and_their_contents_ignored(render):
    card = render("{{Front}}<!-- {{Nope}} {{#x}} -->")
    assert card.question == "front<!-- {{Nope}} {{#x}} -->"


def test_legacy_delimiters_render(render):
    assert render("{{=<% %>=}}<%Front%>{{Back}}").question == "front{{Back}}"


def test_unterminated_tag_renders_as_text(render):
    assert render("{{Front}} {{Back").question == "front {{Back"


def test_triple_braces_leave_a_brace(render):
    assert render("{{{Front}}}").question == "front}"


# --- special fields ------------------------------------------------------------------------

def test_special_fields(render):
    template = "{{Tags}}|{{Type}}|{{Deck}}|{{Subdeck}}|{{CardFlag}}|{{Card}}|{{CardID}}"
    card = render(template, tags=("a", "b::c"), notetype_name="Basic", deck_name="A::B::C",
                  card_flag=3, template_name="Card 1", card_id=1234)
    assert card.question == "a b::c|Basic|A::B::C|C|flag3|Card 1|1234"


def test_special_field_defaults(render):
    card = render("{{Deck}}|{{Subdeck}}|{{CardFlag}}|{{Tags}}|", deck_name="")
    assert card.question == "(Deck)|(Deck)|flag0||"


def test_note_fields_shadow_special_fields(render):
    card = render("{{Deck}}", fields={"Deck": "my own", "Front": "f"}, deck_name="Real")
    assert card.question == "my own"


def test_field_map_adds_specials_and_card_number():
    ctx = CardRenderContext("", "", {"Front": "f", "Tags": "mine"}, 2, False, "Basic",
                            "Card 3", "D", ("t",), card_id=7)
    assert card_field_map(ctx) == {
        "Front": "f", "Tags": "mine", "Type": "Basic", "Deck": "D", "Subdeck": "D",
        "CardFlag": "flag0", "Card": "Card 3", "CardID": "7", "c3": "1"}


def test_frontside_is_empty_on_the_question_side(render):
    assert render("{{FrontSide}}{{Front}}").question == "front"


def test_frontside_on_the_answer_is_the_rendered_question(render):
    card = render("<b>{{Front}}</b>", "{{FrontSide}}<hr id=answer>{{Back}}")
    assert card.answer == "<b>front</b><hr id=answer>back"


def test_filters_on_frontside_are_ignored(render):
    card = render("<b>{{Front}}</b>", "{{text:FrontSide}}")
    assert card.answer == "<b>front</b>"


def test_frontside_includes_add_on_filter_output(render):
    card = render("{{shout:Front}}", "{{FrontSide}}",
                  field_filter=lambda name, text, field: text.upper())
    assert card.answer == "FRONT"


# --- errors --------------------------------------------------------------------------------

def _error(header, details):
    return f"{header}<br>{details}{MORE}"


FRONT = "Front template has a problem:"
BACK = "Back template has a problem:"


@pytest.mark.parametrize("template, details", [
    ("{{Nope}}", "Found &#x27;{{Nope}}&#x27;, but there is no field called &#x27;Nope&#x27;"),
    ("{{text:Nope}}",
     "Found &#x27;{{text:Nope}}&#x27;, but there is no field called &#x27;Nope&#x27;"),
    ("{{text::Nope}}",
     "Found &#x27;{{text::Nope}}&#x27;, but there is no field called &#x27;Nope&#x27;"),
    ("{{#Nope}}{{/Nope}}",
     "Found &#x27;{{#Nope}}&#x27;, but there is no field called &#x27;Nope&#x27;"),
    ("{{^Nope}}{{/Nope}}",
     "Found &#x27;{{^Nope}}&#x27;, but there is no field called &#x27;Nope&#x27;"),
    ("{{#Front}}", "Missing &#x27;{{/Front}}&#x27;"),
    ("{{#Front}}{{/Back}}", "Found &#x27;{{/Back}}&#x27;, but expected &#x27;{{/Front}}&#x27;"),
    ("{{/Front}}",
     "Found &#x27;{{/Front}}&#x27;, but missing &#x27;{{#Front}}&#x27; or &#x27;{{^Front}}&#x27;"),
])
def test_front_template_errors_replace_the_whole_card(render, template, details):
    card = render(template, "{{Back}}[sound:x.mp3]")
    expected = _error(FRONT, details)
    assert card.question == expected
    assert card.answer == expected
    assert card.question_av_tags == card.answer_av_tags == ()
    assert card.error.startswith(FRONT + " ")


def test_error_message_in_plain_text(render):
    card = render("{{Nope}}")
    assert card.error == (
        "Front template has a problem: Found '{{Nope}}', but there is no field called 'Nope'")


def test_back_template_error_is_shown_on_both_sides(render):
    card = render("{{Front}}", "{{FrontSide}}{{#Back}}")
    expected = _error(BACK, "Missing &#x27;{{/Back}}&#x27;")
    assert (card.question, card.answer) == (expected, expected)
    assert card.error == "Back template has a problem: Missing '{{/Back}}'"


def test_browser_templates_have_their_own_headers(render):
    card = render("{{Nope}}", browser=True)
    assert card.question.startswith("Browser-specific front template has a problem:<br>")
    card = render("{{Front}}", "{{Nope}}", browser=True)
    assert card.answer.startswith("Browser-specific back template has a problem:<br>")


def test_errors_inside_false_conditionals_are_still_reported(render):
    card = render("{{Front}}{{#Back}}{{Nope}}{{/Back}}", fields={"Front": "f", "Back": ""})
    assert "no field called &#x27;Nope&#x27;" in card.question
    card = render("{{Front}}{{^Front}}{{^Missing}}{{/Missing}}{{/Front}}")
    assert "Found &#x27;{{^Missing}}&#x27;" in card.question


def test_error_details_are_html_escaped(render):
    card = render('{{<b>"x"&}}')
    assert "Found &#x27;{{&lt;b&gt;&quot;x&quot;&amp;}}&#x27;" in card.question


def test_unknown_conditional_inside_a_comment_is_harmless(render):
    assert render("<!--{{#Nope}}-->{{Front}}").error is None


# --- blank front and missing cloze ---------------------------------------------------------

def test_blank_front_message_is_appended_and_is_the_whole_answer(render):
    card = render("{{#Front}}x{{/Front}}", "{{Back}}")
    assert card.question == "x" + BLANK
    assert card.answer == BLANK
    assert card.error is None


def test_blank_front_when_the_field_is_empty(render):
    card = render("Q: {{Front}}", "{{FrontSide}}", fields={"Front": "<br>", "Back": "b"})
    assert card.question == "Q: <br>" + BLANK
    assert card.answer == BLANK


def test_blank_front_skips_the_answer_template_entirely(render):
    card = render("static", "{{#Broken}}")
    assert card.answer == BLANK
    assert card.error is None


def test_blank_front_is_not_shown_in_the_browser(render):
    card = render("static", "{{Back}}", browser=True)
    assert (card.question, card.answer) == ("static", "back")


def test_special_fields_count_as_content(render):
    assert render("{{Deck}}", deck_name="D").question == "D"
    assert render("{{Tags}}").question == BLANK
    assert render("{{Tags}}", tags=("t",)).question == "t"


def test_missing_cloze_message(render):
    fields = {"Text": "{{c1::a}}", "Back Extra": ""}
    card = render("{{cloze:Text}}", "{{cloze:Text}}", fields=fields, is_cloze=True, card_ord=2)
    assert card.question == missing_cloze(3)
    assert card.answer == missing_cloze(3)


def test_missing_cloze_is_shown_in_the_browser_too(render):
    card = render("{{cloze:Text}}", "", fields={"Text": "x"}, is_cloze=True, browser=True)
    assert card.question == missing_cloze(1)


def test_cloze_numbers_count_from_any_field(render):
    fields = {"Text": "{{c1::a}}", "Back Extra": "{{c5::x}}"}
    card = render("{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}", fields=fields,
                  is_cloze=True, card_ord=4)
    assert card.question == ""
    assert card.answer == "<br>\n{{c5::x}}"


def test_cloze_note_type_has_no_blank_front_check(render):
    fields = {"Text": "{{c1::a}}", "Back Extra": ""}
    card = render("static", "", fields=fields, is_cloze=True)
    assert card.question == "static"


# --- sounds and tts ------------------------------------------------------------------------

def test_sounds_become_placeholders_and_frontside_keeps_question_placeholders(render):
    fields = {"Front": "hi [sound:q.mp3]", "Back": "there [sound:a.mp3]"}
    card = render("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}", fields=fields)
    assert card.question == "hi [anki:play:q:0]"
    assert card.answer == "hi [anki:play:q:0]<hr id=answer>there [anki:play:a:0]"
    assert card.question_av_tags == (SoundTag("q.mp3"),)
    assert card.answer_av_tags == (SoundTag("a.mp3"),)


def test_answer_without_frontside_plays_its_own_copy(render):
    fields = {"Front": "[sound:q.mp3]", "Back": ""}
    card = render("{{Front}}", "{{Front}}", fields=fields)
    assert card.answer == "[anki:play:a:0]"
    assert card.answer_av_tags == (SoundTag("q.mp3"),)


def test_sound_in_the_template_itself(render):
    card = render("{{Front}}[sound:_intro.mp3]")
    assert card.question == "front[anki:play:q:0]"
    assert card.question_av_tags == (SoundTag("_intro.mp3"),)
