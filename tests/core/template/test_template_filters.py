"""Built-in filters (ANKI-FACTS §4.3) and how unknown filters reach add-ons."""

from repetend.core.template import TTSTag
from repetend.core.template.filters import FilterContext, apply_filters, hint
from repetend.core.template.furigana import furigana, kana, kanji

QUESTION = FilterContext(card_ord=0, question_side=True)


def test_text_strips_tags_and_decodes_entities(render):
    card = render("{{text:Front}}", fields={"Front": "<b>cats</b> &amp; <i>dogs</i>"})
    assert card.question == "cats & dogs"


def test_text_removes_comments_and_style_blocks(render):
    card = render("{{text:Front}}",
                  fields={"Front": "a<!-- note --><style>.x{}</style><script>1</script>b"})
    assert card.question == "ab"


def test_hint_builds_a_link_and_hidden_div_named_by_blake3():
    # byte for byte what Anki's own test expects for hint_filter("foo", "field")
    assert hint("foo", "field") == (
        '\n<a class=hint href="#"\n'
        "onclick=\"this.style.display='none';\n"
        "document.getElementById('hint83fe48607f0f3a66').style.display='block';\n"
        'return false;" draggable=false>\n'
        "field</a>\n"
        '<div id="hint83fe48607f0f3a66" class=hint style="display: none">foo</div>\n'
    )


def test_hint_of_blank_text_is_unchanged(render):
    assert hint("  ", "field") == "  "
    assert render("{{hint:Back}}|", fields={"Front": "f", "Back": ""},
                  browser=True).question == "|"


def test_hint_in_a_template_uses_the_field_name(render):
    card = render("{{hint:Back}}", fields={"Front": "x", "Back": "foo"}, browser=True)
    assert card.question == hint("foo", "Back")
    assert ">\nBack</a>" in card.question


def test_type_emits_a_marker_for_the_reviewer(render):
    assert render("{{type:Back}}").question == "[[type:Back]]"


def test_type_cloze_and_type_nc_markers(render):
    fields = {"Text": "{{c1::x}}", "Back": "y"}
    assert render("{{type:cloze:Text}}{{Back}}", fields=fields).question == (
        "[[type:cloze:Text]]y")
    assert render("{{type:nc:Back}}", fields=fields).question == "[[type:nc:Back]]"


def test_other_filters_combined_with_type_collapse_to_plain_type(render):
    calls = []
    card = render("{{type:mystery:text:Back}}",
                  field_filter=lambda *args: calls.append(args))
    assert card.question == "[[type:Back]]"
    assert calls == []  # the unknown filter was swallowed, not passed on


def test_filters_after_type_still_apply():
    assert apply_filters("<b>x</b>", ("type", "text"), "Back", QUESTION) == (
        "[[type:Back]]", ())


def test_furigana_kana_and_kanji():
    text = "test first[second] third[fourth]"
    assert kana(text) == "testsecondfourth"
    assert kanji(text) == "testfirstthird"
    assert furigana("first[second]") == "<ruby><rb>first</rb><rt>second</rt></ruby>"
    assert furigana("日本語 漢字[かんじ]") == (
        "日本語<ruby><rb>漢字</rb><rt>かんじ</rt></ruby>")


def test_furigana_treats_nbsp_as_a_space_and_stops_at_tags():
    assert kanji("a&nbsp;漢字[かんじ]") == "a漢字"
    assert furigana("<b>漢字</b>[かんじ]") == "<b>漢字</b>[かんじ]"


def test_furigana_leaves_sound_tags_alone():
    assert furigana("word[sound:x.mp3]") == "word[sound:x.mp3]"
    assert kana("word[sound:x.mp3] 字[じ]") == "word[sound:x.mp3]じ"


def test_furigana_filter_in_a_template(render):
    card = render("{{furigana:Front}}", fields={"Front": "漢字[かんじ]"})
    assert card.question == "<ruby><rb>漢字</rb><rt>かんじ</rt></ruby>"


def test_tts_filter_wraps_the_text_in_a_directive():
    assert apply_filters("foo", ("tts en_US voices=Bob,Jane",), "Front", QUESTION) == (
        "[anki:tts lang=en_US voices=Bob,Jane]foo[/anki:tts]", ())


def test_tts_filter_becomes_a_tts_tag(render):
    card = render("{{tts en_US voices=Apple_Samantha,Microsoft_Zira speed=1.2:Front}}")
    assert card.question == "[anki:play:q:0]"
    assert card.question_av_tags == (
        TTSTag("front", "en_US", ("Apple_Samantha", "Microsoft_Zira"), 1.2, ()),)


def test_tts_without_options_is_not_the_tts_filter():
    # "tts" needs a space and options; a bare "tts" is an unknown filter
    assert apply_filters("x", ("tts",), "F", QUESTION) == ("x", ("tts",))


def test_unknown_filter_without_add_ons_leaves_the_field_unchanged(render):
    assert render("{{unknownfilter:Front}}").question == "front"


def test_unknown_filter_goes_to_field_filter_with_name_text_and_field(render):
    calls = []

    def field_filter(name, text, field_name):
        calls.append((name, text, field_name))
        return text.upper() if name == "upper" else None

    card = render("{{upper:text:Front}}", fields={"Front": "<b>hi</b>", "Back": ""},
                  field_filter=field_filter)
    assert card.question == "HI"
    assert calls == [("upper", "hi", "Front")]


def test_built_ins_stop_at_the_first_unknown_filter(render):
    calls = []

    def field_filter(name, text, field_name):
        calls.append(name)
        return None

    card = render("{{text:mystery:Front}}", fields={"Front": "<b>hi</b>", "Back": ""},
                  field_filter=field_filter)
    # `text` came after the unknown filter, so it was offered to add-ons, not applied
    assert card.question == "<b>hi</b>"
    assert calls == ["mystery", "text"]


def test_empty_filter_segments_are_ignored(render):
    assert render("{{text::Front}}", fields={"Front": "<i>a</i>", "Back": ""}).question == "a"


def test_empty_field_name_lets_the_filter_supply_text(render):
    def field_filter(name, text, field_name):
        assert (text, field_name) == ("", "")
        return "Alice, Bob" if name == "tts-voices" else None

    card = render("[{{tts-voices:}}]{{Front}}", field_filter=field_filter)
    assert card.question == "[Alice, Bob]front"
    assert render("[{{tts-voices:}}]{{Front}}").question == "[]front"


def test_filters_apply_right_to_left(render):
    fields = {"Text": "{{c1::<b>Paris</b>}} is big", "Back": ""}
    card = render("{{text:cloze:Text}}", fields=fields, is_cloze=True)
    assert card.question == "[...] is big"


def test_cloze_only_filter(render):
    fields = {"Text": "{{c1::Paris::city}} and {{c1::Rome}} {{c2::x}}"}
    card = render("{{cloze-only:Text}}", "{{cloze-only:Text}}", fields=fields, is_cloze=True)
    assert card.question == "city, ..."
    assert card.answer == "Paris, Rome"
