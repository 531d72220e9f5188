"""Cloze deletions (ANKI-FACTS §4.5)."""

from repetend.core.template import (
    cloze_numbers_in_fields,
    cloze_numbers_in_string,
    cloze_text_for_typing,
    reveal_cloze_text,
)
from repetend.core.template.cloze import (
    cloze_filter,
    reveal_cloze_text_only,
    strip_html_inside_mathjax,
)
from repetend.core.template.escaping import encode_attribute
from repetend.core.text import strip_html

PROBE = "A {{c1::Paris::capital}} B {{c2::outer {{c3::inner}} text}} C {{c1,4::multi}}"


def test_probe_question_byte_for_byte():
    assert reveal_cloze_text(PROBE, 1, True) == (
        'A <span class="cloze" data-cloze="Paris" data-ordinal="1">[capital]</span> B <span '
        'class="cloze-inactive" data-ordinal="2">outer <span class="cloze-inactive" '
        'data-ordinal="3">inner</span> text</span> C <span class="cloze" data-cloze="multi" '
        'data-ordinal="1,4">[...]</span>')


def test_probe_answer():
    assert reveal_cloze_text(PROBE, 1, False) == (
        'A <span class="cloze" data-ordinal="1">Paris</span> B <span class="cloze-inactive" '
        'data-ordinal="2">outer <span class="cloze-inactive" data-ordinal="3">inner</span> '
        'text</span> C <span class="cloze" data-ordinal="1,4">multi</span>')


def test_probe_card_3_shows_the_inner_deletion_inside_the_inactive_outer_one():
    assert reveal_cloze_text(PROBE, 3, True) == (
        'A <span class="cloze-inactive" data-ordinal="1">Paris</span> B <span '
        'class="cloze-inactive" data-ordinal="2">outer <span class="cloze" data-cloze="inner" '
        'data-ordinal="3">[...]</span> text</span> C <span class="cloze-inactive" '
        'data-ordinal="1,4">multi</span>')


def test_two_deletions_on_the_question():
    text = "{{c1::one}} {{c2::two::hint}}"
    assert reveal_cloze_text(text, 1, True) == (
        '<span class="cloze" data-cloze="one" data-ordinal="1">[...]</span> '
        '<span class="cloze-inactive" data-ordinal="2">two</span>')
    assert strip_html(reveal_cloze_text(text, 2, True)) == "one [hint]"
    assert strip_html(reveal_cloze_text(text, 2, False)) == "one two"


def test_no_active_deletion_renders_nothing():
    assert reveal_cloze_text("{{c1::one}} {{c2::two}}", 3, True) == ""
    assert reveal_cloze_text("plain text", 1, False) == ""


def test_data_cloze_is_attribute_escaped():
    card = reveal_cloze_text('{{c1::a "b" & <i>c</i>, é 日本}}', 1, True)
    assert card == (
        '<span class="cloze" data-cloze="a&#x20;&quot;b&quot;&#x20;&amp;&#x20;&lt;i&gt;c&lt;'
        '&#x2F;i&gt;&#x2C;&#x20;&#xE9;&#x20;日本" data-ordinal="1">[...]</span>')


def test_attribute_escaping_matches_htmlescape():
    assert encode_attribute('"No", he said.') == "&quot;No&quot;&#x2C;&#x20;he&#x20;said&#x2E;"
    assert encode_attribute("'") == "&#x27;"


def test_nested_active_outer_hides_everything_inside():
    text = "foo {{c1::bar {{c2::baz}}}}"
    inner = encode_attribute('bar <span class="cloze-inactive" data-ordinal="2">baz</span>')
    assert reveal_cloze_text(text, 1, True) == (
        f'foo <span class="cloze" data-cloze="{inner}" data-ordinal="1">[...]</span>')
    assert reveal_cloze_text(text, 1, False) == (
        'foo <span class="cloze" data-ordinal="1">bar <span class="cloze-inactive" '
        'data-ordinal="2">baz</span></span>')


def test_hint_after_a_nested_deletion():
    text = "foo {{c1::bar {{c2::baz}}::qux}}"
    assert strip_html(reveal_cloze_text(text, 1, True)) == "foo [qux]"
    assert strip_html(reveal_cloze_text(text, 2, True)) == "foo bar [...]"
    assert strip_html(reveal_cloze_text(text, 2, False)) == "foo bar baz"


def test_hint_is_split_at_the_first_double_colon():
    assert strip_html(reveal_cloze_text("{{c1::a::b::c}}", 1, True)) == "[b::c]"


def test_comma_lists_are_sorted_and_deduplicated():
    assert 'data-ordinal="1,3"' in reveal_cloze_text("{{c3,1,1::x}}", 3, True)
    text = "{{c1,2::shared}} word and {{c1::first}} vs {{c2::second}}"
    assert strip_html(reveal_cloze_text(text, 1, True)) == "[...] word and [...] vs second"
    assert strip_html(reveal_cloze_text(text, 2, True)) == "[...] word and first vs [...]"


def test_nesting_stops_at_ten_open_levels():
    text = "".join(f"{{{{c{n}::" for n in range(1, 12)) + "x" + "}}" * 11
    # the 11th opening is ignored, so its "}}" closes c10 and the last "}}" is literal
    answer = reveal_cloze_text(text, 10, False)
    assert answer.endswith('<span class="cloze" data-ordinal="10">x</span>' + "</span>" * 9
                           + "}}")
    assert "c11" not in answer and 'data-ordinal="11"' not in answer
    assert cloze_numbers_in_string(text) == set(range(1, 11))


def test_unclosed_deletion_is_dropped_and_stray_close_is_literal():
    assert reveal_cloze_text("a {{c1::b}} }} c {{c2::d", 1, False) == (
        'a <span class="cloze" data-ordinal="1">b</span> }} c ')


def test_malformed_openings_are_text():
    assert reveal_cloze_text("{{c::x}} {{c,::y}} {{c1:z}} {{c1::w}}", 1, False) == (
        '{{c::x}} {{c,::y}} {{c1:z}} <span class="cloze" data-ordinal="1">w</span>')


def test_mathjax_html_is_stripped_but_entities_kept():
    assert strip_html_inside_mathjax(r"\(<foo>&lt;&gt;</foo>\)") == r"\(&lt;&gt;\)"
    assert cloze_filter(r"\[{{c1::x<br>}}\] <b>y</b>", 0, False) == r"\[x\] <b>y</b>"


def test_cloze_only():
    assert reveal_cloze_text_only("foo", 1, True) == ""
    assert reveal_cloze_text_only("foo {{c1::bar}}", 1, True) == "..."
    assert reveal_cloze_text_only("foo {{c1::bar::baz}}", 1, True) == "baz"
    assert reveal_cloze_text_only("foo {{c1::bar}}", 1, False) == "bar"
    assert reveal_cloze_text_only("{{c1::foo}} {{c1::bar}}", 1, False) == "foo, bar"
    assert reveal_cloze_text_only("{{c1::a {{c1::b}}}}", 1, False) == "a b, b"


def test_text_expected_when_typing_a_cloze():
    assert cloze_text_for_typing("{{c2::foo}}", 1) == ""
    assert cloze_text_for_typing("{{c1::foo}} {{c1::bar}} {{c1::foo}}", 1) == "foo, bar, foo"
    assert cloze_text_for_typing("{{c1::foo}} {{c1::foo::h}} {{c1::foo}}", 1) == "foo"


def test_cloze_numbers():
    assert cloze_numbers_in_string("test") == set()
    assert cloze_numbers_in_string("{{c2::te}}{{c1::s}}t{{") == {1, 2}
    assert cloze_numbers_in_string("{{c0::te}}s{{c2::t}}s") == {2}
    assert cloze_numbers_in_string("{{c2::te{{c1::s}}}}t{{") == {1, 2}
    assert cloze_numbers_in_string("{{c0,1,2::x}} {{c1,,3::y}}") == {1, 2, 3}
    assert cloze_numbers_in_string("öaöaöööaö") == set()
    assert cloze_numbers_in_string("{{c1::unclosed") == set()


def test_cloze_numbers_in_fields_come_from_every_field_and_are_capped():
    assert cloze_numbers_in_fields(["{{c1::a}}", "{{c5::b}}", ""]) == {1, 5}
    assert cloze_numbers_in_fields(["{{c499::a}} {{c500::b}} {{c501::c}} {{c9999::d}}"]) == {
        499, 500}
    # numbers beyond 16 bits do not make a deletion at all
    assert cloze_numbers_in_fields(["{{c65536::a}}", "{{c65535::b}}"]) == {500}


def test_image_occlusion_shapes():
    text = "{{c1::image-occlusion:rect:left=10.0:top=20:width=30:height=10}}"
    assert reveal_cloze_text(text, 1, True) == (
        '<div class="cloze" data-ordinal="1" data-shape="rect" data-left="10.0" data-top="20" '
        'data-width="30" data-height="10" ></div>')
    assert reveal_cloze_text(text, 1, False).startswith('<div class="cloze-highlight"')
    assert reveal_cloze_text("{{c2::x}}" + text, 2, True).endswith(
        '<div class="cloze-inactive" data-ordinal="1" data-shape="rect" data-left="10.0" '
        'data-top="20" data-width="30" data-height="10" ></div>')


def test_image_occlusion_properties():
    from repetend.core.template.occlusion import image_occlusion_attributes as attrs

    assert attrs("ellipse:left=15:top=20:width=10:height=20:rx=10:ry=5") == (
        'data-shape="ellipse" data-left="15" data-top="20" data-width="10" data-height="20" '
        'data-rx="10" data-ry="5" ')
    assert attrs("polygon:points=0,0 10,10 20,0") == (
        'data-shape="polygon" data-points="0,0 10,10 20,0" ')
    assert attrs(r"text:text=\\foo\:bar\::left=10") == (
        'data-shape="text" data-text="&#x5C;foo&#x3A;bar&#x3A;" data-left="10" ')
    assert attrs("rect:left=.2:width=0:oi=1:fs=12:angle=5:scale=2") == (
        'data-shape="rect" data-left=".2" data-occludeInactive="1" data-font-size="12" '
        'data-angle="5" data-scale="2" ')
    assert attrs("blob:left=1") == 'data-left="1" '
    assert attrs("noshape") == ""


def test_image_occlusion_content_has_no_hint():
    text = "{{c1::image-occlusion:rect:left=1::x}}"
    assert reveal_cloze_text(text, 1, True).startswith('<div class="cloze" data-ordinal="1"')
