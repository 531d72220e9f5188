"""examples/answer_highlight: a reviewer HTML filter framing the answer."""

import pytest


@pytest.fixture
def card(collection):
    note = collection.new_note("Basic")
    note.fields = ["What is the capital of France?", "Paris"]
    [card] = collection.add_note(note, deck_id=1)
    return card


def test_the_answer_below_the_marker_is_framed(example, host, register_plugin, collection,
                                                card):
    register_plugin(example("answer_highlight"))
    answer = collection.render_card(card).answer
    shown = host.card_will_show(answer, card, "answer")
    assert shown.endswith('<hr id=answer><section class="answer-highlight">\n\nParis</section>')
    assert "What is the capital of France?" in shown
    assert "<style>.answer-highlight{" in shown
    assert host.errors == []


def test_the_question_side_is_left_alone(example, host, register_plugin, collection, card):
    register_plugin(example("answer_highlight"))
    question = collection.render_card(card).question
    assert host.card_will_show(question, card, "question") == question


def test_an_answer_without_the_marker_is_left_alone(example, host, register_plugin, card):
    register_plugin(example("answer_highlight"))
    assert host.card_will_show("<p>Paris</p>", card, "answer") == "<p>Paris</p>"
