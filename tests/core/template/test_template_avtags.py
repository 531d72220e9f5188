"""Sound and tts tags become play placeholders plus a list of what to play."""

from repetend.core.template import SoundTag, TTSTag, extract_av_tags, strip_av_tags


def test_sounds_and_tts_are_numbered_in_order():
    text, tags = extract_av_tags(
        "foo [sound:bar.mp3] baz [anki:tts lang=en_US][...][/anki:tts]", True)
    assert text == "foo [anki:play:q:0] baz [anki:play:q:1]"
    assert tags == (SoundTag("bar.mp3"), TTSTag("blank", "en_US", (), 1.0, ()))


def test_answer_side_placeholders():
    text, tags = extract_av_tags("[sound:a.mp3][sound:b.ogg]", False)
    assert text == "[anki:play:a:0][anki:play:a:1]"
    assert tags == (SoundTag("a.mp3"), SoundTag("b.ogg"))


def test_sound_names_have_entities_decoded():
    assert extract_av_tags("[sound:a&amp;b&nbsp;c.mp3]", True)[1] == (SoundTag("a&b c.mp3"),)


def test_tts_options():
    text, tags = extract_av_tags(
        "[anki:tts lang=ja_JP voices=Alice,Bob speed=0.5 cloze_blank=hmm pitch=2]"
        "食べ[...]る<br>ね[/anki:tts]", False)
    assert text == "[anki:play:a:0]"
    assert tags == (TTSTag("食べhmmる ね", "ja_JP", ("Alice", "Bob"), 0.5, ("pitch=2",)),)


def test_tts_quoted_values_and_white_space():
    _, tags = extract_av_tags('[anki:tts\tlang="en US"\nvoices="A B,C" ]x[/anki:tts]', True)
    assert tags == (TTSTag("x", "en US", ("A B", "C"), 1.0, ()),)


def test_tts_bad_speed_falls_back_to_normal():
    _, tags = extract_av_tags("[anki:tts lang=en speed=fast]x[/anki:tts]", True)
    assert tags[0].speed == 1.0


def test_tts_strips_html_and_reads_line_breaks_as_spaces():
    _, tags = extract_av_tags("[anki:tts lang=en]<div>one</div><div>two</div>"
                              "<b>three</b>[/anki:tts]", True)
    assert tags[0].text == "one  two three"


def test_tts_without_lang_shows_an_error_in_place():
    text, tags = extract_av_tags("a[anki:tts]foo[/anki:tts]b", True)
    assert text == "a[Error in directive 'anki:tts': 'lang' not set]b"
    assert tags == ()


def test_broken_tags_are_text():
    for text in ["[sound:]", "[anki:][/anki:]", "[anki:tts lang=en]no end",
                 "[sound:x.mp3", "abc[anki:foo]def[/anki:bar]ghi][[anki:bar]["]:
        assert extract_av_tags(text, True) == (text, ())


def test_play_placeholders_are_left_alone():
    assert extract_av_tags("[anki:play:q:0] x", False) == ("[anki:play:q:0] x", ())


def test_other_directives_are_kept_with_normalised_options():
    text, tags = extract_av_tags("[anki:foo\nbar=baz  x=\"a b\" ]spam[/anki:foo]", True)
    assert text == '[anki:foo bar=baz x="a b"]spam[/anki:foo]'
    assert tags == ()


def test_strip_av_tags():
    assert strip_av_tags("foo [sound:bar] baz") == "foo  baz"
    assert strip_av_tags("[anki:tts lang=x]spam[/anki:tts]") == ""
    assert strip_av_tags("[anki:foo bar=baz]spam[/anki:foo]") == "[anki:foo bar=baz]spam[/anki:foo]"


def test_sound_names_with_a_malformed_entity_are_kept_as_written():
    assert extract_av_tags("[sound:a&b.mp3]", True)[1] == (SoundTag("a&b.mp3"),)
    assert extract_av_tags("[sound:&amp;&nosuch;.mp3]", True)[1] == (
        SoundTag("&amp;&nosuch;.mp3"),)
    assert extract_av_tags("[sound:&#x41;&#66;.mp3]", True)[1] == (SoundTag("AB.mp3"),)


def test_tts_of_a_cloze_reads_the_hidden_part_as_blank(render):
    fields = {"Text": "{{c1::Paris}} is in {{c2::France}}", "Back Extra": ""}
    template = "{{tts fr_FR:cloze:Text}}"
    card = render(template, template, fields=fields, is_cloze=True)
    assert (card.question, card.answer) == ("[anki:play:q:0]", "[anki:play:a:0]")
    assert card.question_av_tags == (TTSTag("blank is in France", "fr_FR", (), 1.0, ()),)
    assert card.answer_av_tags == (TTSTag("Paris is in France", "fr_FR", (), 1.0, ()),)
    blanked = "[anki:tts lang=fr_FR cloze_blank=]{{cloze:Text}}[/anki:tts]"
    card = render(blanked, "", fields=fields, is_cloze=True)
    assert card.question_av_tags[0].text == " is in France"
