"""Search results agree with Anki's on the same collection, term by term.

The "zoo" below holds a bit of everything a search can look at; every query of each table is
run in Repetend and in the `anki` package and the matched cards (note guid + template
ordinal) must be the same, or both must refuse the search. Where Repetend refuses an exact
deck/note type/field/template/preset name that does not exist, Anki must find nothing.
"""

from __future__ import annotations

import pytest

pytest.importorskip("anki")


@pytest.fixture(scope="module")
def zoo(tmp_path_factory, make_twin):
    t = make_twin(tmp_path_factory.mktemp("zoo"))
    build_zoo(t)
    yield t
    t.close()


def build_zoo(t) -> None:  # type: ignore[no-untyped-def]
    for name in ["French::Verbs", "French::Nouns", "Français", "Spanish::Verbs::Irregular",
                 "a", "ab", "a::b", "x::a", "A b c", "under_score", "Lazy deck",
                 "Lazy deck::child"]:
        t.deck(name)
    t.deck("Filtered Deck 1", filtered=True)
    t.preset("Lazy")
    t.use_preset("Lazy deck", "Lazy")
    t.preset("Unused preset")
    t.notetype("Vocab", ["Word", "Meaning", "Notes"],
               [("Recognition", "{{Word}}", "{{Meaning}}"),
                ("Recall", "{{Meaning}}", "{{Word}}")])
    t.notetype("Números", ["Número", "Ñame"], [("Tarjeta", "{{Número}}", "{{Ñame}}")])
    now, today = t.now, t.today

    basic = [
        ("hello dog", "cat", "animals::mammals dog", "French::Verbs"),
        ("HELLO DOG", "CAT", "Animals", "French::Nouns"),
        ("élan café", "ÉLAN", "café", "Français"),
        ("line1\nline2", "x", "", "Default"),
        ("do<b>g</b>s", "y", "html", "Default"),
        ("Kelvin ſtar", "İstanbul ıi", "unicode", "Default"),
        ("dog-cat doggy", "hotdog", "words", "a"),
        ("100% sure", "a_b", "symbols", "ab"),
        ("a*b", "back\\slash", "symbols", "a::b"),
        ("key:value", "(paren)", "symbols", "x::a"),
        ('say "hi"', "it's", "quotes", "A b c"),
        ("über", "Ü", "umlaut Ünïcode", "under_score"),
        ("u\u0308ber", "", "umlaut", "Lazy deck"),
        ("", "nonempty", "empty", "Lazy deck::child"),
        ("a  b", " lead", "", "Spanish::Verbs::Irregular"),
        ("123", "45.5", "numbers", "Default"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος", "greek", "Default"),
        ("straße", "STRASSE", "german", "Default"),
        ("日本語", "にほんご", "japanese", "Default"),
        ("a &amp; b", "<img src=\"pic.jpg\">", "html", "Default"),
        ("and", "or", "keywords", "Default"),
        ("tag:notatag", "deck:nope", "", "Default"),
        ("🙂 smile", "emoji", "emoji", "Default"),
    ]
    refs = []
    for i, (front, back, tags, deck) in enumerate(basic):
        refs.append(t.note("Basic", front, back, tags=tags, deck=deck,
                           added_days_ago=i * 0.7, edited_days_ago=i * 0.35))
    rev = [
        t.note("Basic (and reversed card)", "fr: chien", "en: dog", tags="French::animals",
               deck="French", added_days_ago=3),
        t.note("Basic (and reversed card)", "fr: chat", "en: cat", tags="french::Animals leech",
               deck="French", added_days_ago=10),
    ]
    opt = [
        t.note("Basic (optional reversed card)", "o1", "o2", "rev", deck="French::Verbs"),
        t.note("Basic (optional reversed card)", "q", "w", "", deck="French::Verbs"),
    ]
    cloze = [
        t.note("Cloze", "{{c1::Paris}} is in {{c2::France}}", "capital", tags="geo",
               deck="Français"),
        t.note("Cloze", "{{c1::Berlin::city}} and {{c3::Rome}}", "", tags="geo::europe",
               deck="Spanish::Verbs::Irregular"),
    ]
    vocab = [
        t.note("Vocab", "parler", "to speak", "common verb", tags="verbs marked",
               deck="French::Verbs", added_days_ago=0.01),
        t.note("Vocab", "manger", "to eat", "irregular? no", tags="verbs", deck="French::Verbs",
               added_days_ago=1.2),
        t.note("Vocab", "être", "to be", "very irregular", tags="verbs irregular",
               deck="French::Verbs", added_days_ago=400),
    ]
    numeros = [t.note("Números", "uno", "one", tags="spanish", deck="Spanish::Verbs::Irregular")]
    typing = [t.note("Basic (type in the answer)", "capital of France", "Paris", tags="geo")]

    # Card states (ANKI-FACTS §1.1) and the review history.
    r = refs
    t.card(r[0], type=2, queue=2, due=today, ivl=12, factor=2500, reps=8, lapses=1)
    t.card(r[1], type=2, queue=2, due=today - 3, ivl=40, factor=2300, reps=12, lapses=3,
           flags=1)
    t.card(r[2], type=2, queue=2, due=today + 5, ivl=3, factor=1300, reps=3, flags=2 | 8)
    t.card(r[3], type=1, queue=1, due=now + 300, reps=1, left=2)
    t.card(r[4], type=1, queue=1, due=now + 3 * 3600, reps=1, left=1, flags=3)
    t.card(r[5], type=1, queue=3, due=today, reps=2, left=1)
    t.card(r[6], type=3, queue=1, due=now - 60, ivl=1, factor=2100, reps=9, lapses=4, flags=4)
    t.card(r[7], type=3, queue=3, due=today + 1, ivl=2, factor=2100, reps=7, lapses=2)
    t.card(r[8], type=2, queue=-1, due=today - 10, ivl=100, factor=2650, reps=20, flags=5)
    t.card(r[9], type=0, queue=-1, due=9)
    t.card(r[10], type=2, queue=-2, due=today, ivl=7, factor=2500, reps=4, flags=6)
    t.card(r[11], type=0, queue=-3, due=11, flags=7)
    t.card(r[12], type=1, queue=-3, due=now + 100, reps=1)
    t.card(r[13], type=2, queue=2, due=today + 30, ivl=60, factor=2500, reps=6,
           deck="Filtered Deck 1", home="Lazy deck::child", odue=today - 1)
    t.card(r[14], type=0, queue=0, due=1000, deck="Filtered Deck 1", home="Spanish::Verbs",
           odue=4)
    t.card(r[15], type=2, queue=4, due=now + 600, ivl=5, factor=2500, reps=3,
           deck="Filtered Deck 1", home="Default", odue=today + 2)
    t.card(r[16], type=0, queue=0, due=2, data={"pos": 2})
    t.card(r[17], type=2, queue=2, due=today + 100, ivl=365, factor=3100, reps=15,
           data={"pos": 17, "s": 120.5, "d": 3.25, "lrt": now - 10 * 86400,
                 "cd": '{"x":5,"lbl":"hard","f":2.5,"b":true}'})
    t.card(r[18], type=2, queue=2, due=today - 40, ivl=100, factor=1300, reps=40,
           lapses=10, data={"s": 2.0, "d": 9.5, "cd": '{"x":-1,"lbl":"easy"}'})
    t.card(r[21], type=2, queue=2, due=today + 3, ivl=10, factor=2500, reps=4,
           data={"s": 30.0, "d": 5.0, "decay": 0.2})
    t.card(r[22], type=3, queue=1, due=now + 60, ivl=3, factor=2500, reps=4,
           data={"s": 3.0, "d": 7.0, "lrt": now - 3600})
    t.card(r[19], type=2, queue=2, due=today + 1, ivl=1, factor=2500, reps=1,
           data={"cd": "not json"})
    t.card(r[20], type=0, queue=0, due=3, data={"cd": '{"x":"7"}'})
    t.card(vocab[0], 0, type=1, queue=1, due=now + 3600 * 30, reps=1)
    t.card(vocab[0], 1, type=0, queue=0, due=5)
    t.card(vocab[1], 0, type=2, queue=2, due=today + 2, ivl=4, factor=2500, reps=3)
    t.card(vocab[1], 1, type=2, queue=-2, due=today + 2, ivl=4, factor=2500, reps=3)
    t.card(vocab[2], 0, type=2, queue=2, due=today - 1, ivl=21, factor=2500, reps=5)
    t.card(rev[0], 1, type=2, queue=2, due=today, ivl=9, factor=2450, reps=5)
    t.card(rev[1], 0, type=0, queue=0, due=7, flags=1)
    t.card(cloze[0], 1, type=1, queue=1, due=now + 7200, reps=2)
    t.card(numeros[0], 0, type=0, queue=0, due=42)
    t.card(typing[0], 0, type=2, queue=2, due=today + 7, ivl=14, factor=2000, reps=6)

    for days_ago, ease, kind in [(0.1, 3, 1), (1.5, 1, 1), (5.2, 3, 0), (40, 4, 0)]:
        t.review(r[0], days_ago=days_ago, ease=ease, kind=kind)
    t.review(r[1], days_ago=0.2, ease=2)
    t.review(r[1], days_ago=2.5, ease=0, kind=4)
    t.review(r[2], days_ago=0.05, ease=4)
    t.review(r[3], days_ago=0.01, ease=1, kind=0)
    t.review(r[6], days_ago=1.1, ease=1, kind=1)
    t.review(r[6], days_ago=3.3, ease=3, kind=2)
    t.review(r[7], days_ago=6.5, ease=3, kind=0)
    t.review(r[8], days_ago=300, ease=3, kind=0)
    t.review(r[9], days_ago=0.3, ease=0, kind=4)
    t.review(r[10], days_ago=2.2, ease=0, kind=4)
    t.review(r[10], days_ago=1.9, ease=3, kind=0)
    t.review(r[17], days_ago=10, ease=3, kind=1)
    t.review(r[18], days_ago=0.4, ease=2, kind=3)
    t.review(vocab[0], 0, days_ago=0.005, ease=3, kind=0)
    t.review(vocab[1], 0, days_ago=1.3, ease=3, kind=0)
    t.review(vocab[1], 1, days_ago=1.3, ease=4, kind=0)
    t.review(vocab[2], 0, days_ago=30, ease=3, kind=0)
    t.review(rev[0], 1, days_ago=8, ease=2, kind=0)
    t.review(cloze[0], 1, days_ago=0.02, ease=1, kind=0)
    t.review(typing[0], 0, days_ago=14, ease=3, kind=0)
    t.review(typing[0], 0, days_ago=0.5, ease=0, kind=4)
    t.current_deck("French")
    del opt


TEXT = [
    "", "dog", "DOG", "Dog", "élan", "ÉLAN", "elan", "café", "CAFÉ", "cafe", "über", "ÜBER",
    "uber", "ü", "Ü", "straße", "STRASSE", "strasse", "ß", "σίσυφος", "ΣΊΣΥΦΟΣ", "日本",
    "本語", "🙂", "kelvin", "KELVIN", "star", "ſtar", "STAR", "istanbul", "İstanbul", "ı",
    "d*g", "d_g", "do_", "*dog*", "dog*", "*", "_", "__", "a*b", "a\\*b", "a_b", "a\\_b",
    "100%", "%", "\\\\", "back\\\\slash", "\\(paren\\)", "(paren)", "\\:", "key\\:value",
    '\\"hi\\"', '"say \\"hi\\""', "it's", "dogs", "do<b>g", "<b>", "b>", "pic.jpg", "&amp;",
    "a & b", "line1", "line2", "line1*line2", "line1_line2", "a  b", '"a  b"', '"a b"',
    "lead", "45.5", "123", "12", "o1*o2", "dog*cat", "hello dog", '"hello dog"',
    '"hello  dog"', "hello -cat", "hello or cat", "hello and cat", "hello AND dog OR cat",
    "(hello or cat) dog", "-dog", "--dog", "- dog", "-(dog)", "-(-dog)", "--(dog)",
    '-"hello dog"', '"-dog"', '"dog or cat"', "dog(cat)", "(dog)cat", 'hello"dog"', "a-b",
    "dog-cat", "dog -", "(dog -)", '"and"', '"or"', "and dog", "dog and", "dog or",
    "dog or or cat", "()", "(", ")", "((dog)", "dog)", '"', '""', "dog\\", "\\d", "100\\%",
    "hello\\ dog", '"a\\ b"', ":", ":value", "-and", "notatag", "\\:notatag",
    "tag\\:notatag", "nc:elan", "nc:ELAN", "nc:uber", "nc:Uber", "nc:*ber", "nc:u_er",
    "nc:cafe", "nc:ü", "nc:", "nc:\\d", "nc:sisyfos", "nc:σισυφος", "nc:日本",
    "dog\tcat", "hello\u3000dog", "hello\u00a0dog", "capital", "Paris", "c1", "{{c1::",
    "city", "speak", "irregular", "common", "verb", "one", "uno",
    "sc:Paris", "sc:paris", '"sc:Paris is in France"', "sc:city", "sc:Berlin", "sc:c1",
    '"sc:Berlin and Rome"', "sc:{{c1*", "sc:*::*", "sc:", "sc:*", "sc:capital", "sc:dog",
    "SC:paris", "(sc:paris)", "dog or sc:paris",
]

REGEX = [
    "re:dog", "re:^dog", "re:^hello", "re:cat$", "re:dog$", "re:(?-i)DOG", '"re:(?-i)DOG"',
    '"re:(?i)dog"', "re:d.g", "re:line1.line2", '"re:(?s)line1.line2"', "re:line1\\nline2",
    '"re:(?m)^line2"', '"re:(?m)^line2$"', "re:^$", "re:\\d+", "re:\\d{3}", "re:\\d{2,}",
    "re:\\d+%", "re:a\\*b", "re:a\\\\*b", "re:a\\_b", "re:\\(paren", 're:\\"hi', 're:"hi',
    "re:[", "re:a{2", "re:{", "re:*", "re:a**", "re:x{,3}", "re:\\bdog\\b", "re:\\Bog",
    "re:[[:alpha:]]+", "re:[[:digit:]]{3}", "re:\\pL", "re:\\p{L}+", "re:\\w+ß",
    "re:STRASSE", "re:straße", "re:σίσυφος", "re:ΣΊΣΥΦΟΣ", "re:σ", "re:ς", "re:kelvin",
    "re:star", "re:ſtar", "re:istanbul", "re:i̇stanbul", "re:ı", "re:日本", "re:\\x{1F642}",
    "re:\\u00e9", "re:\\x41", '"re:(?i)a(?-i)B"', '"re:a(?i)B|C"', "re:\\z", "re:dog\\z",
    "re:\\Ahello", '"re:(?x) d o g"', '"re:(?<n>dog)"', '"re:(?P<n>dog)"', '"re:(?=dog)"',
    "re:(dog)\\1", "re:\\1", '"re:(?U)a+"', "re:\\<dog\\>", "re:[^a-z]", "re:[]]",
    "re:[\\]]", "re:[a-]", "re:a|", "re:|", "re:", '"re:(?:dog|cat) "', "re:\\x1f",
    "re:o1\\x1fo2", "re:o1.o2", "re:\\s", "re:[[:space:]]", "re:\\Q", "re:\\e", "re:\\Z",
    'field:re:x', "front:re:^line2", '"front:re:(?m)^line2"', "front:re:dog$",
    "front:re:\\d", "front:re:^$", "back:re:^$", "back:re:.", "front:re:", "*:re:^t",
    "*:re:line2", '"*:re:(?s)line1.line2"', "*:re:^$", "_*:re:dog", "word:re:^(parler|être)$",
    "meaning:re:^to", "notes:re:irregular", "fr*:re:dog",
    "w:dog", "w:DOG", "w:dog*", "w:do_", "w:dog-cat", "w:hotdog", "w:a\\*b", "w:a*b",
    "w:100%", "w:sure", "w:_", "w:", "w:line1*", "w:line1_line2", "w:o1*o2", "w:élan",
    "w:ÉLAN", "w:café", "w:cafe", "w:straße", "w:日本語", "w:日本", "w:\\d", "w:b>",
    "w:hello dog", '"w:hello dog"', "w:irregular", "w:one",
]

FIELDS = [
    "front:hello*", "front:HELLO*", "front:ÉLAN*", "front:élan*", "front:*line2",
    "front:hello", "front:hello dog", '"front:hello dog"', 'front:"hello dog"',
    '"front:hello  dog"', "front:", "back:", "front:_*", "front:*", "front:_", "front:__",
    "front:*dog", "front:*dog*", "front:d*", "front:k*", "front:K*", "front:kelvin*",
    "front:*ſ*", "front:*S*", "back:*İ*", "back:*i*", "front:o1*rev", "front:*:*",
    "front:key:value", "front:key\\:value", "front:a\\*b", "front:a*b", "front:a\\_b",
    "front:100%", "front:100\\%", "back:a_b", "back:a\\_b", "back:back\\\\slash",
    "front:\\(paren\\)", "back:(paren)", "back:\\(paren\\)", "front:123", "back:45.5",
    "FRONT:hello*", "Front:Hello*", "fr*:hello*", "fr_nt:hello*", "f*:*", "*ont:dog*",
    "back:*cat*", "back:CAT", "back:Ü", "back:ü", "front:über", "front:ÜBER",
    "front:re:hello", "FRONT:RE:hello", "front:RE:hello.*", "front:NC:hello*",
    "front:nc:uber", "front:nc:ÜBER", "front:nc:élan*", "front:nc:ELAN*", "front:nc:\\d",
    "front:nc:a\\*b", "front:nc:d*", "front:nc:", "add reverse:rev", '"add reverse:rev"',
    '"Add Reverse":rev', "add*:rev", "add*:", "add*:_*", "text:*paris*", "text:*Paris*",
    "text:*{{c1::*", "back extra:", '"back extra:capital"', "word:parler", "word:PARLER",
    "word:être", "word:ÊTRE", "meaning:to*", "notes:*irregular*", "número:uno",
    "NÚMERO:uno", "ñame:one", "Ñame:ONE", "*:x", "*:X", "*:t*", "*:hello*", "*_:hello*",
    "_*:cat", "*:hello%", "*:line1", "*:*line2", "*:line1_line2", "*:line1*", "*:ÉLAN",
    "*:élan", "*:", "_*:", "*:_*", "*:nc:uber", "*:nc:elan*", "nofield:x", "nofield:",
    "no*field:x", "http://example.com", "http\\://example.com",
]

DECKS_NOTES_CARDS = [
    "deck:French", "deck:french", "deck:FRENCH", "deck:French::Verbs", "deck:french::verbs",
    "deck:French::*", "deck:French*", "deck:Fr*", "deck:*Verbs", "deck:*verbs*",
    "deck:Français", "deck:FRANÇAIS", "deck:Francais", "deck:a", "deck:A", "deck:a*",
    "deck:*a", "deck:a::*", "deck:*::a", "deck:_", "deck:a::b", "deck:a_", "deck:ab",
    "deck:x", "deck:x::a", "deck:a::", "deck:a::b::", '"deck:A b c"', "deck:A b c",
    "deck:under_score", "deck:under\\_score", "deck:under*", "deck:Default", "deck:default",
    "deck:*", "deck:filtered", "deck:current", "deck:Filtered Deck 1", '"deck:Filtered Deck 1"',
    "deck:Filtered*", "deck:Lazy*", "deck:Lazy deck", '"deck:Lazy deck"', '"deck:lazy deck"',
    '"deck:Lazy deck::child"', "deck:Spanish", "deck:Spanish::Verbs", "deck:nope",
    "deck:nope*", "deck:", "-deck:French", "-deck:filtered", "deck:re:a", "did:1",
    "Deck:French", "DECK:french",
    "note:Basic", "note:basic", "note:BASIC*", "note:Basic*", "note:*reversed*",
    "note:Cloze", "note:Vocab", "note:vocab", "note:Números", "note:NÚMEROS", "note:Numeros",
    "note:nope", "note:nope*", "note:", "note:*", "-note:Basic", "note:Basic (and",
    '"note:Basic (and reversed card)"',
    "card:1", "card:2", "card:3", "card:0", "card:4", "card:Card 1", '"card:Card 1"',
    '"card:Card 2"', "card:Card*", "card:card*", "card:Card_2", "card:Recognition",
    "card:recall", "card:Recall", "card:re*", "card:Tarjeta", "card:Cloze", "card:nope",
    "card:nope*", "card:", "card:+1", "card:99999", "-card:1",
    "preset:Default", "preset:default", "preset:Lazy", '"preset:Lazy"', "preset:lazy",
    "preset:Unused preset", '"preset:Unused preset"', "preset:nope", "preset:Lazy*",
    "preset:", "-preset:Lazy",
]

TAGS = [
    "tag:animals", "tag:Animals", "tag:ANIMALS", "tag:animals::mammals", "tag:mammals",
    "tag:animals::*", "tag:*mammals", "tag:anim*", "tag:*als", "tag:*", "tag:none",
    "-tag:none", "tag:_", "tag:__", "tag:dog", "tag:do_", "tag:french", "tag:French",
    "tag:french::animals", "tag:french::*", "tag:*::animals", "tag:café", "tag:CAFÉ",
    "tag:cafe", "tag:ünïcode", "tag:ÜNÏCODE", "tag:umlaut", "tag:geo", "tag:geo::*",
    "tag:geo::europe", "tag:europe", "tag:verbs", "-tag:verbs", "tag:leech", "tag:marked",
    "tag:symbols", "tag:sym*", "tag:*o*", "tag:", '"tag:a b"', "tag:nope", "tag:re:^geo$",
    "tag:re:geo", "tag:re:^geo::", "tag:re:s$", '"tag:re:(?-i)Animals"', "tag:re:\\d",
    "tag:re:[", "tag:re:", "tag:nc:cafe", "tag:nc:unicode", "tag:nc:café", "tag:nc:\\d",
    "tag:nc:*", "TAG:geo", "Tag:Geo", "tag:NONE", "tag:None", "tag:none*", "tag:greek",
    "tag:GREEK", "tag:japanese", "tag:emoji",
]

STATES = [
    "is:due", "is:new", "is:learn", "is:review", "is:suspended", "is:buried",
    "is:buried-manually", "is:buried-sibling", "-is:due", "-is:new", "-is:suspended",
    "is:due -is:learn", "is:learn is:review", "is:DUE", "IS:due", "is:", "is:foo",
    "is:new-", "is:due is:new", "flag:0", "flag:1", "flag:2", "flag:3", "flag:4", "flag:5",
    "flag:6", "flag:7", "flag:8", "flag:-1", "flag:01", "flag:", "flag:1,2", "flag:x",
    "-flag:0", "flag:+1",
]

DATES = [
    "added:1", "added:0", "added:2", "added:3", "added:7", "added:365", "added:1000",
    "added:-1", "added:1.5", "added:", "added:x", "edited:1", "edited:2", "edited:5",
    "edited:0", "edited:", "introduced:1", "introduced:2", "introduced:7", "introduced:30",
    "introduced:365", "introduced:0", "rated:1", "rated:0", "rated:2", "rated:3", "rated:7",
    "rated:50", "rated:400", "rated:1:1", "rated:1:2", "rated:1:3", "rated:1:4", "rated:2:1",
    "rated:7:3", "rated:1:5", "rated:1:0", "rated:", "rated:x", "rated:1:", "resched:1",
    "resched:3", "resched:30", "resched:0", "resched:x", "-rated:7", "-introduced:7",
]

PROPS = [
    "prop:ivl>3", "prop:ivl>=12", "prop:ivl=12", "prop:ivl!=12", "prop:ivl<5", "prop:ivl<=0",
    "prop:ivl>-1", "prop:ivl>=1.5", "prop:ivl=abc", "prop:ivl", "prop:ivl=>1", "prop:ivl==1",
    "prop:ivl<>1", "prop:ivl>+1", "prop:ivlx>1", "prop:IVL>1", "prop:", "prop:foo>1",
    "prop:reps>5", "prop:reps=0", "prop:lapses>=2", "prop:lapses=0", "prop:lapses<1",
    "prop:ease>2", "prop:ease<2", "prop:ease=2.5", "prop:ease>=2.55", "prop:ease!=2.5",
    "prop:ease<1.31", "prop:ease=1.3", "prop:ease>1e0", "prop:ease=abc", "prop:ease>.5",
    "prop:ease>-1", "prop:ease<inf", "prop:due=0", "prop:due=1", "prop:due>0", "prop:due<0",
    "prop:due<=-1", "prop:due>=-3", "prop:due=-1", "prop:due>-1", "prop:due=2",
    "prop:due<1", "prop:due>100", "prop:due=1.5", "prop:due=x", "prop:pos=2", "prop:pos>5",
    "prop:pos<=4", "prop:pos>-1", "prop:rated=0", "prop:rated=-1", "prop:rated>-2",
    "prop:rated>=-2", "prop:rated<-1", "prop:rated<=-1", "prop:rated!=0", "prop:rated=-1:1",
    "prop:rated=0:3", "prop:rated>-7:3", "prop:rated=1", "prop:rated=-400",
    "prop:rated=-1:5", "prop:rated=x", "prop:resched=0", "prop:resched>-3",
    "prop:resched<=-1", "prop:resched=1", "prop:resched=-2", "prop:s>100", "prop:s<10",
    "prop:s>=2", "prop:d>0.5", "prop:d<0.5", "prop:d=0.25", "prop:s>x",
    "prop:r>0.5", "prop:r<0.9", "prop:r>=0.9", "prop:r<0.99", "prop:r>0.95", "prop:r=1",
    "prop:r!=1", "-prop:r<0.9", "prop:r>x", "prop:r<2",
    "prop:cdn:x>0", "prop:cdn:x>=5", "prop:cdn:x<0", "prop:cdn:x=-1", "prop:cdn:x=7",
    "prop:cdn:lbl>-1", "prop:cdn:lbl=0", "prop:cdn:f=2.5", "prop:cdn:b=1", "prop:cdn:b=0",
    "prop:cdn:x", "prop:cdn:x=abc", "prop:cdn:>1", "prop:cds:lbl=hard", "prop:cds:lbl=HARD",
    "prop:cds:lbl!=hard", "prop:cds:lbl>easy", "prop:cds:lbl=ha*", "prop:cds:x=5",
    "prop:cds:x=7", "prop:cds:b=true", "prop:cds:f=2.5", "prop:cds:lbl=\\d",
    "prop:cdx:x=1", "-prop:cdn:x>0", "-prop:cds:lbl=hard", "has-cd:x", "has-cd:lbl",
    "has-cd:nope", "-has-cd:x", "has-cd:", "prop:ivl > 1",
]

IDS_DUPES = [
    "nid:1", "cid:1", "nid:1,2", "nid:", "cid:", "nid:abc", "nid:1,,2", "nid:1,2,",
    "nid:01", "mid:1", "did:1,2", "did:", "dupe:abc,1", "dupe:1", "dupe:1,", "dupe:1,x",
]


def _assert_agree(zoo, queries: list[str]) -> None:  # type: ignore[no-untyped-def]
    bad = zoo.disagreements(queries)
    assert not bad, "\n" + "\n".join(o.describe() for o in bad)


def test_unqualified_text_phrases_wildcards_escapes_and_boolean_structure(zoo):
    _assert_agree(zoo, TEXT)


def test_regex_and_word_boundary(zoo):
    _assert_agree(zoo, REGEX)


def test_field_searches(zoo):
    _assert_agree(zoo, FIELDS)


def test_decks_notetypes_templates_presets(zoo):
    _assert_agree(zoo, DECKS_NOTES_CARDS)


def test_tags(zoo):
    _assert_agree(zoo, TAGS)


def test_states_and_flags(zoo):
    _assert_agree(zoo, STATES)


def test_dates_and_review_history(zoo):
    _assert_agree(zoo, DATES)


def test_card_properties_and_custom_data(zoo):
    _assert_agree(zoo, PROPS)


def test_ids_and_duplicates(zoo):
    ref = zoo.notes[0]
    dupes = [f"nid:{ref.nid}", f"cid:{ref.card_ids[0]}", f"nid:{ref.nid},{zoo.notes[1].nid}",
             f"mid:{ref.ntid_rep}", f'"dupe:{ref.ntid_rep},hello dog"',
             f"dupe:{ref.ntid_rep},hello"]
    _assert_agree(zoo, IDS_DUPES)
    # Ids of note types differ between the twins, so compare those searches side by side.
    for query_rep, query_anki in [
        (f"mid:{ref.ntid_rep}", f"mid:{ref.ntid_anki}"),
        (f'"dupe:{ref.ntid_rep},hello dog"', f'"dupe:{ref.ntid_anki},hello dog"'),
        (f'"dupe:{ref.ntid_rep},a & b"', f'"dupe:{ref.ntid_anki},a & b"'),
        (f'"dupe:{ref.ntid_rep},a &amp; b"', f'"dupe:{ref.ntid_anki},a &amp; b"'),
        (f'"dupe:{ref.ntid_rep},HELLO DOG"', f'"dupe:{ref.ntid_anki},HELLO DOG"'),
        (f'"dupe:{ref.ntid_rep}, pic.jpg "', f'"dupe:{ref.ntid_anki}, pic.jpg "'),
    ]:
        rep = zoo._keys_rep(zoo.rep.find_cards(query_rep))
        anki = zoo._keys_anki(list(zoo.anki.find_cards(query_anki)))
        assert rep == anki, (query_rep, rep, anki)
    for q in dupes[:3]:
        assert zoo.outcome(q).agrees


def test_combinations(zoo):
    _assert_agree(zoo, [
        "deck:French is:due", "deck:French or tag:geo", "-deck:French -tag:verbs is:review",
        "(deck:French or deck:Français) (is:new or is:learn) -flag:0",
        "tag:verbs card:2 or note:Cloze", "dog or cat -is:suspended",
        "-(tag:animals or tag:verbs) prop:ivl>1", "rated:7 -rated:1 is:review",
        "note:Basic* (front:*o* or back:*a*) -is:new", "deck:filtered or preset:Lazy",
        "deck:* tag:* -tag:none", "(((dog)))", "-(-(-(dog)))", "a or b or c or d or e",
    ])


def test_notes_mode_agrees(zoo):
    for q in ["", "dog", "card:2", "is:new", "-is:new", "deck:French", "tag:verbs is:due",
              "prop:ivl>3"]:
        assert zoo.notes_agree(q), q


def test_ignore_accents_preference(zoo):
    zoo.set_config("ignoreAccentsInSearch", True)
    try:
        _assert_agree(zoo, ["elan", "cafe", "uber", "ÉLAN", "über", "u*er", "sisyfos",
                            "front:elan*", "nc:elan", "dog"])
    finally:
        zoo.set_config("ignoreAccentsInSearch", False)


def test_fields_excluded_from_unqualified_search(zoo):
    zoo.exclude_field("Vocab", "Notes")
    zoo.exclude_field("Basic", "Back")
    try:
        _assert_agree(zoo, ["irregular", "common", "cat", "CAT", "hello", "speak", "o2",
                            "nc:elan", "nc:cafe", "re:irregular", "re:^parler", "re:cat",
                            "w:irregular", "w:cat", "notes:*irregular*", "back:cat",
                            "*:cat", "dog*cat", "hello*cat", "lead", "nonempty"])
    finally:
        zoo.exclude_field("Vocab", "Notes", False)
        zoo.exclude_field("Basic", "Back", False)


def test_negated_sc_is_the_complement_unlike_anki(zoo):
    """Anki 26.9 negates only the note type part of `-sc:` (NOT binds before its AND), so
    `-sc:paris` finds non-cloze notes containing "paris". Repetend returns the complement."""
    every = set(zoo.rep.find_cards(""))
    assert set(zoo.rep.find_cards("-sc:paris")) == every - set(zoo.rep.find_cards("sc:paris"))
    anki = zoo._keys_anki(list(zoo.anki.find_cards("-sc:paris")))
    assert anki == zoo._keys_rep(zoo.rep.find_cards("-note:Cloze paris"))
