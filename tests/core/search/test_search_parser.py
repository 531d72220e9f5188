"""The parser, term by term: search text to syntax tree, and its error messages."""

import pytest

from repetend.core.errors import InvalidInput
from repetend.core.search import SearchError, parse
from repetend.core.search.nodes import (
    And,
    CustomDataSearch,
    DaysSearch,
    DeckSearch,
    DupeSearch,
    FieldKind,
    FieldSearch,
    FlagSearch,
    Glob,
    IdSearch,
    Not,
    NotetypeSearch,
    Or,
    PresetSearch,
    PropSearch,
    RatedSearch,
    Rating,
    RegexText,
    StateSearch,
    TagKind,
    TagSearch,
    TemplateSearch,
    TextMode,
    UnqualifiedText,
    Wild,
    WordText,
)

STAR, ONE = Wild.STAR, Wild.ONE


def text(*parts, mode=TextMode.PLAIN):
    return UnqualifiedText(Glob(parts), mode)


@pytest.mark.parametrize("query, tree", [
    ("", And(())),
    ("   ", And(())),
    ("dog", text("dog")),
    ("DOG", text("DOG")),
    ('"a dog"', text("a dog")),
    ("d*g", text("d", STAR, "g")),
    ("d_g", text("d", ONE, "g")),
    ("*", text(STAR)),
    (r"a\*b", text("a*b")),
    (r"a\_b", text("a_b")),
    (r"\\", text("\\")),
    (r"\(x\)", text("(x)")),
    (r"key\:value", text("key:value")),
    (r"\-dog", text("-dog")),
    (r'\"hi\"', text('"hi"')),
    ('"say \\"hi\\""', text('say "hi"')),
    ("100%", text("100%")),
    ("-", text("-")),
    ("a-b", text("a-b")),
    ("-dog", Not(text("dog"))),
    ("--dog", Not(text("-dog"))),
    ('-"a dog"', Not(text("a dog"))),
    ('"-dog"', text("-dog")),
    ("-(a b)", Not(And((text("a"), text("b"))))),
    ("--(a)", And((Not(text("-")), text("a")))),
    ("a b", And((text("a"), text("b")))),
    ("a and b", And((text("a"), text("b")))),
    ("a AND b", And((text("a"), text("b")))),
    ("a or b", Or((text("a"), text("b")))),
    ("a OR b c", Or((text("a"), And((text("b"), text("c")))))),
    ("a b or c", Or((And((text("a"), text("b"))), text("c")))),
    ("a (b or c)", And((text("a"), Or((text("b"), text("c")))))),
    ("(((a)))", text("a")),
    ("a(b)", And((text("a"), text("b")))),
    ('a"b"', And((text("a"), text("b")))),
    ('"and"', text("and")),
    ("a\u3000b", And((text("a"), text("b")))),
    ("a\u00a0b", And((text("a"), text("b")))),
    ('"a\u2003b"', text("a b")),
    ("u\u0308ber", text("über")),
])
def test_text_and_boolean_structure(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize("query, tree", [
    ("nc:uber", text("uber", mode=TextMode.NO_COMBINING)),
    ("NC:u*r", text("u", STAR, "r", mode=TextMode.NO_COMBINING)),
    ("sc:Paris", text("Paris", mode=TextMode.STRIP_CLOZE)),
    ("re:a.c", RegexText("a.c")),
    (r"re:\d+\(", RegexText(r"\d+\(")),
    (r're:\"x', RegexText('"x')),
    ('"re:(a|b) c"', RegexText("(a|b) c")),
    ("w:dog*", WordText(Glob(("dog", STAR)))),
    ("front:dog", FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob(("dog",)))),
    ("front:", FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob())),
    ("front:*dog*", FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob((STAR, "dog", STAR)))),
    ('front:"a b"', FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob(("a b",)))),
    ('"front:a b"', FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob(("a b",)))),
    ("front:a:b", FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob(("a:b",)))),
    ("fr*:x", FieldSearch(Glob(("fr", STAR)), FieldKind.GLOB, Glob(("x",)))),
    ("*:x", FieldSearch(Glob((STAR,)), FieldKind.GLOB, Glob(("x",)))),
    ("front:re:^d", FieldSearch(Glob(("front",)), FieldKind.REGEX, pattern="^d")),
    ('front:re:"a b"', FieldSearch(Glob(("front",)), FieldKind.REGEX, pattern="a b")),
    ("front:nc:e*", FieldSearch(Glob(("front",)), FieldKind.NO_COMBINING, Glob(("e", STAR)))),
    ("front:RE:x", FieldSearch(Glob(("front",)), FieldKind.GLOB, Glob(("RE:x",)))),
    ("deck:a::b*", DeckSearch(Glob(("a::b", STAR)))),
    ('"deck:My Deck"', DeckSearch(Glob(("My Deck",)))),
    ("Deck:x", DeckSearch(Glob(("x",)))),
    ("tag:a::b", TagSearch(TagKind.GLOB, Glob(("a::b",)))),
    ("tag:none", TagSearch(TagKind.NONE)),
    ("tag:re:^a$", TagSearch(TagKind.REGEX, pattern="^a$")),
    ("tag:nc:cafe", TagSearch(TagKind.NO_COMBINING, Glob(("cafe",)))),
    ("note:Basic*", NotetypeSearch(Glob(("Basic", STAR)))),
    ("card:2", TemplateSearch(ordinal=2)),
    ("card:Card 2", And((TemplateSearch(name=Glob(("Card",))), text("2")))),
    ('"card:Card 2"', TemplateSearch(name=Glob(("Card 2",)))),
    ("is:due", StateSearch("due")),
    ("is:buried-sibling", StateSearch("buried-sibling")),
    ("flag:0", FlagSearch(0)),
    ("flag:07", FlagSearch(7)),
    ("added:3", DaysSearch("added", 3)),
    ("added:0", DaysSearch("added", 1)),
    ("edited:2", DaysSearch("edited", 2)),
    ("introduced:5", DaysSearch("introduced", 5)),
    ("rated:2", RatedSearch(">", -2, Rating.ANY_ANSWER)),
    ("rated:2:1", RatedSearch(">", -2, Rating.BUTTON, 1)),
    ("resched:4", RatedSearch(">", -4, Rating.MANUAL)),
    ("prop:ivl>=10", PropSearch("ivl", ">=", 10)),
    ("prop:due=-1", PropSearch("due", "=", -1)),
    ("prop:ease!=2.5", PropSearch("ease", "!=", 2.5)),
    ("prop:reps<3", PropSearch("reps", "<", 3)),
    ("prop:pos<=3", PropSearch("pos", "<=", 3)),
    ("prop:r>0.9", PropSearch("r", ">", 0.9)),
    ("prop:rated=-1:3", RatedSearch("=", -1, Rating.BUTTON, 3)),
    ("prop:resched>-7", RatedSearch(">", -7, Rating.MANUAL)),
    ("prop:cdn:x>1", CustomDataSearch("x", ">", 1.0, numeric=True)),
    ("prop:cds:v=a b", And((CustomDataSearch("v", "=", "a"), text("b")))),
    ('"prop:cds:v=a b"', CustomDataSearch("v", "=", "a b")),
    ("has-cd:v", CustomDataSearch("v")),
    ("dupe:123,a*b", DupeSearch(123, "a*b")),
    ("nid:1,2", IdSearch("nid", (1, 2))),
    ("cid:3", IdSearch("cid", (3,))),
    ("mid:4", IdSearch("mid", (4,))),
    ("did:5", IdSearch("did", (5,))),
    ("preset:Default", PresetSearch("Default")),
])
def test_each_kind_of_term(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize("query, message", [
    ("(", "an opening bracket `(` at position 1 is never closed"),
    ("a (b", "position 3 is never closed"),
    (")", "a closing bracket `)` at position 1 has no opening bracket"),
    ("()", "the group `()` at position 1 has nothing to search for"),
    ('"', 'a double quote `"` at position 1 is never closed'),
    ('""', 'the double quotes `""` at position 1 have nothing between them'),
    ("and", "`and` at position 1 does not connect two search terms"),
    ("a or", "`or` at position 3 does not connect two search terms"),
    ("a or or b", "`or` at position 6 does not connect"),
    ("-and", "`and` at position 1 does not connect"),
    (":x", "a colon `:` at position 1 has no keyword before it"),
    (r"\d", r"the escape sequence `\d` in `\d` is not defined"),
    ("dog\\", r"the escape sequence `\` at position 4 is not defined"),
    ("is:nope", "`is:` was given the unknown state `nope`"),
    ("is:DUE", "unknown state `DUE`"),
    ("flag:8", "`flag:8` is not a flag"),
    ("added:x", "expected a positive whole number in `added:x`"),
    ("added:-1", "expected a positive whole number"),
    ("rated:1:5", "expected an answer button between 1 and 4"),
    ("prop:ivl", "`prop:ivl` must be followed by a comparison operator"),
    ("prop:ivl=1.5", "expected a positive whole number in `ivl=1.5`, but found `1.5`"),
    ("prop:ease=x", "expected a number in `ease=x`"),
    ("prop:due=x", "expected a whole number in `due=x`"),
    ("prop:rated=1", "less than or equal to 0"),
    ("prop:foo>1", "`prop:foo>1` names no card property"),
    ("prop:cdn:x=y", "expected a number in `cdn:x=y`"),
    ("nid:1,,2", "expected only digits and commas in `nid:1,,2`"),
    ("dupe:x,1", "expected a note type id"),
    ("dupe:1", "needs a note type id and the text"),
])
def test_malformed_searches_say_what_and_where(query, message):
    with pytest.raises(SearchError) as info:
        parse(query)
    assert isinstance(info.value, InvalidInput)
    assert str(info.value).startswith("Invalid search: ")
    assert message in str(info.value)


def test_positions_point_into_the_search():
    with pytest.raises(SearchError) as info:
        parse("deck:a (tag:b")
    assert info.value.position == 7
