"""examples/index_cards: a print layout."""


def test_cards_are_laid_out_in_order_question_beside_answer(example, host, register_plugin,
                                                           collection):
    register_plugin(example("index_cards"), "index_cards")
    card_ids = []
    for front, back in [("der Hund", "the dog"), ("die Katze", "the cat")]:
        note = collection.new_note("Basic")
        note.fields = [front, back]
        card_ids += [card.id for card in collection.add_note(note, deck_id=1)]

    [layout] = host.register_print_layouts()
    assert layout.value.name == "Index cards"
    page = host.call_contribution(layout, "render", collection, list(reversed(card_ids)),
                                  default="")
    assert page.startswith("<!doctype html>")
    assert "@media print" in page
    assert page.index("die Katze") < page.index("der Hund")  # the order given
    assert ('<div class="card"><div class="question">der Hund</div>'
            '<div class="answer">\n\nthe dog</div></div>') in page
    assert host.errors == []
