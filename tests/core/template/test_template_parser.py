"""Template syntax (ANKI-FACTS §4.1): tags, conditionals, comments, legacy delimiters."""

import pytest

from repetend.core.template import (
    ConditionalNotClosed,
    ConditionalNotOpen,
    TemplateError,
    template_cloze_field_references,
    template_field_references,
    template_syntax_error,
)
from repetend.core.template.parser import (
    Comment,
    Conditional,
    Replacement,
    Text,
    is_cloze_conditional,
    parse_template,
)


def test_text_replacements_and_conditionals_become_a_tree():
    assert parse_template("foo {{bar}} {{#baz}} quux {{/baz}}") == (
        Text("foo "), Replacement("bar"), Text(" "),
        Conditional("baz", (Text(" quux "),)),
    )


def test_empty_template_has_no_nodes():
    assert parse_template("") == ()


def test_whitespace_inside_tags_is_ignored():
    assert parse_template("{{ Front }}") == (Replacement("Front"),)
    assert parse_template("{{# Front }}x{{/ Front}}") == (Conditional("Front", (Text("x"),)),)
    assert parse_template("{{^\tFront}}{{/Front}}") == (Conditional("Front", (), negated=True),)


def test_leading_braces_are_stripped_so_triple_braces_leave_a_literal_brace():
    assert parse_template("{{{Front}}}") == (Replacement("Front"), Text("}"))


def test_negated_conditional():
    assert parse_template("{{^baz}}{{/baz}}") == (Conditional("baz", (), negated=True),)


def test_filters_are_split_from_the_right_and_listed_in_application_order():
    node = parse_template("{{text:cloze:Text}}")[0]
    assert node == Replacement("Text", ("cloze", "text"))
    assert node.written_filters() == "text:cloze:"


def test_empty_filter_segments_are_kept_for_messages_and_ignored_when_rendering():
    assert parse_template("{{one::text:B}}") == (Replacement("B", ("text", "", "one")),)


def test_tts_filter_keeps_its_options():
    assert parse_template("{{tts en_US voices=Apple_Samantha speed=1.2:Front}}") == (
        Replacement("Front", ("tts en_US voices=Apple_Samantha speed=1.2",)),)


def test_empty_field_name_with_a_filter_is_allowed():
    assert parse_template("{{tts-voices:}}") == (Replacement("", ("tts-voices",)),)


def test_tags_shorter_than_two_characters_are_plain_replacements():
    assert parse_template("{{#}}") == (Replacement("#"),)
    assert parse_template("{{/}}") == (Replacement("/"),)
    assert parse_template("{{}}") == (Replacement(""),)


def test_unterminated_tag_is_plain_text():
    assert parse_template("a {{Front") == (Text("a {{Front"),)
    assert parse_template("{{Front") == (Text("{{Front"),)


def test_a_tag_ends_at_the_first_closing_braces():
    assert parse_template("{{Front {{Back}}") == (Replacement("Front {{Back"),)


def test_stray_closing_braces_are_text():
    assert parse_template("text }} more") == (Text("text }} more"),)


def test_comments_are_kept_verbatim_and_not_parsed():
    assert parse_template("a<!--{{#x}} {{Nope}}-->b") == (
        Text("a"), Comment("{{#x}} {{Nope}}"), Text("b"))
    # an opened conditional cannot be closed inside a comment
    with pytest.raises(ConditionalNotClosed):
        parse_template("{{#mis}}<!--{{/mis}}-->")
    # an unterminated comment is text, and tags after it still count
    assert parse_template("<!--{{foo}}") == (Text("<!--"), Replacement("foo"))
    assert parse_template("{{foo}}-->") == (Replacement("foo"), Text("-->"))


def test_nested_comment_markers_follow_first_match_rules():
    nodes = parse_template("foo <!--{{bar }} --> {{#baz}} --> <!-- <!-- {{#def}} --> x"
                           "<!----> <!-- quux {{/baz}} <!-- {{nc:abc}}")
    assert nodes == (
        Text("foo "), Comment("{{bar }} "), Text(" "),
        Conditional("baz", (Text(" --> "), Comment(" <!-- {{#def}} "), Text(" x"),
                            Comment(""), Text(" <!-- quux "))),
        Text(" <!-- "), Replacement("abc", ("nc",)),
    )


def test_legacy_delimiters_replace_handlebars():
    template = "\n{{=<% %>=}}\n<%Front%>\n<% #Back %>\n<%/Back%>"
    assert parse_template(template) == (
        Text("\n"), Replacement("Front"), Text("\n"), Conditional("Back", (Text("\n"),)))


def test_legacy_mode_leaves_handlebars_as_text():
    template = "  {{=<% %>=}}{{#foo}}<%Front%>{{/foo}}"
    assert parse_template(template) == (
        Text("{{#foo}}"), Replacement("Front"), Text("{{/foo}}"))


def test_legacy_directive_only_counts_at_the_start():
    assert parse_template("x{{=<% %>=}}<%Front%>") == (
        Text("x"), Replacement("=<% %>="), Text("<%Front%>"))


def test_conditional_never_closed():
    with pytest.raises(ConditionalNotClosed) as raised:
        parse_template("{{#Front}}x")
    assert raised.value.message == "Missing '{{/Front}}'"


def test_wrong_conditional_closed():
    with pytest.raises(ConditionalNotOpen) as raised:
        parse_template("{{#Front}}x{{/Back}}")
    assert raised.value.message == "Found '{{/Back}}', but expected '{{/Front}}'"


def test_close_without_open():
    with pytest.raises(ConditionalNotOpen) as raised:
        parse_template("x{{/Front}}")
    assert raised.value.message == (
        "Found '{{/Front}}', but missing '{{#Front}}' or '{{^Front}}'")


def test_names_are_case_sensitive_when_closing():
    with pytest.raises(ConditionalNotOpen):
        parse_template("{{#front}}{{/Front}}")


def test_template_errors_are_repetend_input_errors():
    from repetend.core.errors import InvalidInput

    assert issubclass(TemplateError, InvalidInput)


def test_cloze_conditional_keys():
    assert is_cloze_conditional("c1")
    assert is_cloze_conditional("c42")
    assert not is_cloze_conditional("c")
    assert not is_cloze_conditional("C1")
    assert not is_cloze_conditional("c1a")


def test_field_references_include_conditionals_but_not_card_conditionals():
    refs = template_field_references(
        "{{Front}} {{#Back}}{{text:Extra}}{{/Back}} {{^c2}}{{/c2}} {{FrontSide}} {{x:}}")
    assert refs == {"Front", "Back", "Extra", "FrontSide", ""}


def test_field_references_ignore_comments():
    assert template_field_references("<!--{{Hidden}}-->{{Shown}}") == {"Shown"}


def test_field_references_raise_on_a_syntax_error():
    with pytest.raises(TemplateError):
        template_field_references("{{#A}}")


def test_cloze_field_references():
    assert template_cloze_field_references(
        "{{cloze:Text}} {{type:cloze:Other}} {{Back Extra}} {{#X}}{{/X}}") == {"Text", "Other"}


def test_template_syntax_error_reports_or_returns_none():
    assert template_syntax_error("{{Front}}") is None
    assert template_syntax_error("{{#A}}").message == "Missing '{{/A}}'"
