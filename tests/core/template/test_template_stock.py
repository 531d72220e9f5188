"""The five stock note types' templates (ANKI-FACTS §5) render exactly like Anki."""

from repetend.core.template import SoundTag, template_renders

FRONTSIDE_HR = "{{FrontSide}}\n\n<hr id=answer>\n\n"
BASIC = ("{{Front}}", FRONTSIDE_HR + "{{Back}}")
REVERSED = ("{{Back}}", FRONTSIDE_HR + "{{Front}}")
OPTIONAL_REVERSED = ("{{#Add Reverse}}{{Back}}{{/Add Reverse}}", FRONTSIDE_HR + "{{Front}}")
TYPE_IN = ("{{Front}}\n\n{{type:Back}}", "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}")
CLOZE = ("{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")


def test_basic(render):
    fields = {"Front": "猫 <img src=\"cat.png\">", "Back": "cat<br><b>neko</b>"}
    card = render(*BASIC, fields=fields, tags=("animals",))
    assert card.question == '猫 <img src="cat.png">'
    assert card.answer == '猫 <img src="cat.png">\n\n<hr id=answer>\n\ncat<br><b>neko</b>'
    assert card.error is None


def test_basic_with_sound_on_the_back(render):
    card = render(*BASIC, fields={"Front": "犬", "Back": "dog [sound:neko.wav]"})
    assert card.question == "犬"
    assert card.answer == "犬\n\n<hr id=answer>\n\ndog [anki:play:a:0]"
    assert card.question_av_tags == ()
    assert card.answer_av_tags == (SoundTag("neko.wav"),)


def test_basic_and_reversed(render):
    fields = {"Front": "ありがとう", "Back": "thank you [sound:ping.mp3]"}
    forward = render(*BASIC, fields=fields)
    assert forward.question == "ありがとう"
    assert forward.answer == "ありがとう\n\n<hr id=answer>\n\nthank you [anki:play:a:0]"
    reverse = render(*REVERSED, fields=fields, card_ord=1, template_name="Card 2")
    assert reverse.question == "thank you [anki:play:q:0]"
    assert reverse.answer == "thank you [anki:play:q:0]\n\n<hr id=answer>\n\nありがとう"
    assert reverse.question_av_tags == (SoundTag("ping.mp3"),)
    assert reverse.answer_av_tags == ()


def test_optional_reversed(render):
    fields = {"Front": "كتاب", "Back": "book", "Add Reverse": "y"}
    card = render(*OPTIONAL_REVERSED, fields=fields, card_ord=1, template_name="Card 2")
    assert card.question == "book"
    assert card.answer == "book\n\n<hr id=answer>\n\nكتاب"


def test_optional_reversed_card_2_without_the_flag_is_blank(render):
    fields = {"Front": "قلم", "Back": "pen", "Add Reverse": ""}
    card = render(*OPTIONAL_REVERSED, fields=fields, card_ord=1, template_name="Card 2")
    blank = ("<div>The front of this card is blank.<br><a href='https://docs.ankiweb.net/"
             "templates/errors.html#front-of-card-is-blank'>More information</a></div>")
    assert (card.question, card.answer) == (blank, blank)


def test_optional_reversed_card_generation():
    assert template_renders(OPTIONAL_REVERSED[0], {"Front", "Back", "Add Reverse"})
    assert not template_renders(OPTIONAL_REVERSED[0], {"Front", "Back"})
    assert not template_renders(OPTIONAL_REVERSED[0], {"Front", "Add Reverse"})


def test_type_in_the_answer(render):
    fields = {"Front": "H<sub>2</sub>O is?", "Back": "water"}
    card = render(*TYPE_IN, fields=fields)
    assert card.question == "H<sub>2</sub>O is?\n\n[[type:Back]]"
    assert card.answer == "H<sub>2</sub>O is?\n\n<hr id=answer>\n\n[[type:Back]]"


def test_cloze_cards(render):
    fields = {"Text": "{{c1::Hydrogen::element}} has atomic number {{c2::1}}; "
                      "{{c3::helium::noble gas}} has {{c3::2}}.",
              "Back Extra": "<i>periodic table</i>"}
    card1 = render(*CLOZE, fields=fields, is_cloze=True, card_ord=0, notetype_name="Cloze",
                   template_name="Cloze")
    assert card1.question == (
        '<span class="cloze" data-cloze="Hydrogen" data-ordinal="1">[element]</span> has '
        'atomic number <span class="cloze-inactive" data-ordinal="2">1</span>; '
        '<span class="cloze-inactive" data-ordinal="3">helium</span> has '
        '<span class="cloze-inactive" data-ordinal="3">2</span>.')
    assert card1.answer == (
        '<span class="cloze" data-ordinal="1">Hydrogen</span> has atomic number '
        '<span class="cloze-inactive" data-ordinal="2">1</span>; '
        '<span class="cloze-inactive" data-ordinal="3">helium</span> has '
        '<span class="cloze-inactive" data-ordinal="3">2</span>.<br>\n<i>periodic table</i>')
    card3 = render(*CLOZE, fields=fields, is_cloze=True, card_ord=2)
    assert card3.question == (
        '<span class="cloze-inactive" data-ordinal="1">Hydrogen</span> has atomic number '
        '<span class="cloze-inactive" data-ordinal="2">1</span>; '
        '<span class="cloze" data-cloze="helium" data-ordinal="3">[noble gas]</span> has '
        '<span class="cloze" data-cloze="2" data-ordinal="3">[...]</span>.')


def test_cloze_card_without_its_deletion(render):
    fields = {"Text": "Only {{c2::two}} and {{c3::three}} here.", "Back Extra": ""}
    card = render(*CLOZE, fields=fields, is_cloze=True, card_ord=0)
    assert card.question.startswith("<div>No cloze 1 found on card.\n")
    card = render(*CLOZE, fields=fields, is_cloze=True, card_ord=1)
    assert card.question == (
        'Only <span class="cloze" data-cloze="two" data-ordinal="2">[...]</span> and '
        '<span class="cloze-inactive" data-ordinal="3">three</span> here.')
    assert card.answer == (
        'Only <span class="cloze" data-ordinal="2">two</span> and '
        '<span class="cloze-inactive" data-ordinal="3">three</span> here.<br>\n')
