"""A `render` fixture: render_card with sensible defaults for everything not under test."""

import pytest

from repetend.core.template import CardRenderContext, render_card


@pytest.fixture
def render():
    """render(question, answer="", fields=None, **context_overrides) -> RenderedCard"""

    def _render(question, answer="", fields=None, *, field_filter=None, **overrides):
        values = {
            "question_template": question,
            "answer_template": answer,
            "fields": {"Front": "front", "Back": "back"} if fields is None else fields,
            "card_ord": 0,
            "is_cloze": False,
            "notetype_name": "Basic",
            "template_name": "Card 1",
            "deck_name": "Default",
            "tags": (),
        }
        values.update(overrides)
        return render_card(CardRenderContext(**values), field_filter)

    return _render
