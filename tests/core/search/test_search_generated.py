"""Generated collections and generated searches: Repetend and Anki find the same cards.

A seeded generator fills twin collections with random notes (words with accents, case,
HTML, wildcard characters), decks, tags, card states and review history, then builds random
searches from every kind of term joined with and/or/-/parentheses.
"""

from __future__ import annotations

import json
import random

import pytest

pytest.importorskip("anki")

WORDS = ["dog", "Dog", "DOGS", "cat", "élan", "Élan", "über", "uber", "café", "naïve",
         "straße", "σίσυφος", "日本", "a_b", "a*b", "50%", "x:y", "(p)", "it's", "k9",
         "fish", "Fisch", "hot-dog", "<b>bold</b>", "&amp;", "line\nbreak", "İz", "ıi",
         "ſun", "Kelvin", ""]
TAGS = ["animals", "animals::dogs", "animals::cats", "Animals::Birds", "verbs", "café",
        "leech", "marked", "geo::eu::fr", "geo::asia", "x", "ab", "a_b"]
DECKS = ["Default", "Lang", "Lang::French", "Lang::French::Verbs", "Lang::Español",
         "Science", "Science::Bio", "ab", "a"]
NOTETYPES = ["Basic", "Basic (and reversed card)", "Basic (optional reversed card)", "Cloze"]
PROPS = ["ivl", "due", "reps", "lapses", "ease", "pos"]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3))).strip()


def build(t, rng: random.Random, count: int) -> None:  # type: ignore[no-untyped-def]
    for name in DECKS[1:]:
        t.deck(name)
    t.deck("Filtered", filtered=True)
    t.preset("Slow")
    t.use_preset("Science", "Slow")
    now, today = t.now, t.today
    for _ in range(count):
        nt = rng.choice(NOTETYPES)
        if nt == "Cloze":
            values = [f"{_text(rng)} {{{{c{rng.randint(1, 3)}::{rng.choice(WORDS) or 'w'}}}}}"
                      f" {_text(rng)}", _text(rng)]
        elif nt == "Basic (optional reversed card)":
            values = [_text(rng) or "q", _text(rng), rng.choice(["", "y"])]
        else:
            values = [_text(rng) or "q", _text(rng)]
        tags = " ".join(rng.sample(TAGS, rng.randint(0, 3)))
        ref = t.note(nt, *values, tags=tags, deck=rng.choice(DECKS),
                     added_days_ago=rng.uniform(0, 40), edited_days_ago=rng.uniform(0, 20))
        for ord_ in ref.card_ids:
            kind = rng.randint(0, 7)
            flags = rng.choice([0, 0, 0, 1, 2, 3, 7, 9])
            if kind == 0:
                t.card(ref, ord_, type=0, queue=rng.choice([0, 0, -1, -2, -3]),
                       due=rng.randint(1, 50), flags=flags)
            elif kind == 1:
                t.card(ref, ord_, type=1, queue=1, due=now + rng.randint(-3000, 90000),
                       reps=rng.randint(1, 3), flags=flags)
            elif kind == 2:
                t.card(ref, ord_, type=rng.choice([1, 3]), queue=3,
                       due=today + rng.randint(-2, 3), reps=rng.randint(1, 5), flags=flags)
            elif kind == 3:
                t.card(ref, ord_, type=2, queue=rng.choice([2, 2, -1, -2, -3]),
                       due=today + rng.randint(-30, 30), ivl=rng.randint(1, 400),
                       factor=rng.choice([1300, 2050, 2500, 2550, 3000]),
                       reps=rng.randint(1, 30), lapses=rng.randint(0, 8), flags=flags,
                       data={"cd": json.dumps({"n": rng.randint(-5, 5),
                                               "s": rng.choice(["a", "b", "ab"])})})
            elif kind == 4:
                home = rng.choice(DECKS)
                t.card(ref, ord_, type=2, queue=rng.choice([2, 4]), deck="Filtered", home=home,
                       due=rng.choice([today + rng.randint(-3, 3), now + 600]),
                       odue=today + rng.randint(-5, 5), ivl=rng.randint(1, 50), factor=2500,
                       reps=3)
            else:
                t.card(ref, ord_, type=0, queue=0, due=rng.randint(1, 500), flags=flags,
                       data={"pos": rng.randint(1, 500)})
            for _ in range(rng.choice([0, 0, 1, 2, 4])):
                t.review(ref, ord_, days_ago=rng.uniform(0, 15), ease=rng.choice([0, 1, 2, 3, 4]),
                         kind=rng.choice([0, 1, 2, 3, 4]))
    t.current_deck(rng.choice(DECKS))


def _value(rng: random.Random) -> str:
    word = rng.choice([w for w in WORDS if w and "\n" not in w])
    word = word.replace("\\", "\\\\").replace('"', '\\"').replace("(", "\\(").replace(")", "\\)")
    word = word.replace(":", "\\:")
    if rng.random() < 0.3:
        word = word[: rng.randint(1, max(1, len(word)))] + "*"
    if rng.random() < 0.1:
        word = "*" + word
    if " " in word or rng.random() < 0.2:
        word = f'"{word}"'
    return word


def _term(rng: random.Random) -> str:
    kind = rng.randint(0, 22)
    if kind <= 3:
        return _value(rng)
    if kind == 4:
        return f"{rng.choice(['front', 'back', 'text', 'Front', 'fr*'])}:{_value(rng)}"
    if kind == 5:
        extra = ["Lang::*", "Lang*", "*::French", "filtered", "current"]
        return f"deck:{rng.choice(DECKS + extra)}"
    if kind == 6:
        return f"tag:{rng.choice(TAGS + ['animals::*', 'geo::*', '*s', 'none', 'a*'])}"
    if kind == 7:
        return f"note:{rng.choice(['Basic', 'basic*', 'Cloze', '*reversed*'])}"
    if kind == 8:
        return f"card:{rng.choice(['1', '2', '3', 'Card 2', 'Card*', 'Cloze'])}"
    if kind == 9:
        return "is:" + rng.choice(["due", "new", "learn", "review", "suspended", "buried",
                                   "buried-manually", "buried-sibling"])
    if kind == 10:
        return f"flag:{rng.randint(0, 7)}"
    if kind == 11:
        return f"{rng.choice(['added', 'edited', 'introduced', 'rated', 'resched'])}:" \
               f"{rng.randint(1, 20)}"
    if kind == 12:
        return f"rated:{rng.randint(1, 10)}:{rng.randint(1, 4)}"
    if kind == 13:
        prop = rng.choice(PROPS)
        number = {"ease": rng.choice(["1.3", "2.5", "2.55", "3"]),
                  "due": str(rng.randint(-10, 10))}.get(prop, str(rng.randint(0, 30)))
        return f"prop:{prop}{rng.choice(['<', '<=', '=', '!=', '>', '>='])}{number}"
    if kind == 14:
        return f"prop:{rng.choice(['rated', 'resched'])}{rng.choice(['<', '<=', '=', '>'])}" \
               f"{-rng.randint(0, 10)}"
    if kind == 15:
        return rng.choice([f"prop:cdn:n{rng.choice(['<', '>', '='])}{rng.randint(-3, 3)}",
                           f"prop:cds:s={rng.choice(['a', 'b', 'ab'])}", "has-cd:n"])
    if kind == 16:
        return f"re:{rng.choice(['dog', '^dog', 'g$', 'd.g', '[éè]', 'ü|u', 'b>', 'k9'])}"
    if kind == 17:
        return f"w:{rng.choice(['dog', 'cat*', 'élan', 'fish', 'b', 'do_'])}"
    if kind == 18:
        return f"nc:{rng.choice(['elan', 'uber', 'cafe', 'naive', 'e*'])}"
    if kind == 19:
        return f"preset:{rng.choice(['Default', 'Slow'])}"
    if kind == 20:
        return f"{rng.choice(['front', 'back'])}:{rng.choice(['re:d', 'nc:e*', '', '_*'])}"
    return f"*:{_value(rng)}"


def _query(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        if depth < 2 and rng.random() < 0.2:
            item = f"({_query(rng, depth + 1)})"
        else:
            item = _term(rng)
        if rng.random() < 0.25:
            item = "-" + item
        if parts:
            parts.append(rng.choice(["", "", "and", "or", "OR"]))
        parts.append(item)
    return " ".join(p for p in parts if p)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_collection_and_searches_agree(tmp_path, make_twin, seed):
    rng = random.Random(seed)
    twin = make_twin(tmp_path)
    try:
        build(twin, rng, 120)
        queries = [_query(rng) for _ in range(250)]
        bad = twin.disagreements(queries)
        assert not bad, "\n" + "\n".join(o.describe() for o in bad[:20])
        outcomes = [twin.outcome(q) for q in queries[:60]]
        assert sum(bool(o.anki) for o in outcomes) > 20  # the searches do find things
    finally:
        twin.close()
