"""Index cards: a print layout with each card's question and answer side by side.

Hook family: printing (`register_print_layouts`). Each card becomes a box the size of an
index card, question on the left and answer on the right, cut lines between them, never
split across pages. The answer side is shown without the question (Anki's `{{FrontSide}}`
part before `<hr id=answer>` is dropped), as on paper both are visible at once.
"""

from repetend.hooks import hookimpl
from repetend.hooks.printing import PrintLayout

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Index cards</title><style>
.card {{ display: flex; border: 1px dashed #999; height: 3in; margin: 0 0 .25in 0; }}
.card > div {{ flex: 1; padding: .25in; overflow: hidden; }}
.card > .answer {{ border-left: 1px dashed #999; }}
@media print {{ .card {{ break-inside: avoid; }} }}
</style></head><body>
{cards}
</body></html>
"""

MARKER = "<hr id=answer>"


def render(col, card_ids):
    boxes = []
    for cid in card_ids:
        rendered = col.render_card(col.get_card(cid))
        answer = rendered.answer.split(MARKER, 1)[-1]
        boxes.append(f'<div class="card"><div class="question">{rendered.question}</div>'
                     f'<div class="answer">{answer}</div></div>')
    return PAGE.format(cards="\n".join(boxes))


@hookimpl
def register_print_layouts(register):
    register(PrintLayout("Index cards", render))
