"""Answer highlight: on the answer side, frame the answer below the question.

Hook family: the reviewer's HTML filter (`card_will_show`). The stock note types put
`<hr id=answer>` between the question and the answer (Anki's reviewer scrolls to it), so
everything after that marker is the answer; this add-on wraps it in a framed section and
leaves the question side, and cards without the marker, as they were.
"""

from repetend.hooks import hookimpl

MARKER = "<hr id=answer>"

STYLE = ("<style>.answer-highlight{border-left:4px solid #3a7bd5;padding:.25em .75em;"
         "background:rgba(58,123,213,.08)}</style>")


@hookimpl
def card_will_show(html, side):
    # A filter gets the HTML as the plugins before it left it and returns the HTML to show.
    if side != "answer" or MARKER not in html:
        return html
    question, answer = html.split(MARKER, 1)
    return f'{STYLE}{question}{MARKER}<section class="answer-highlight">{answer}</section>'
