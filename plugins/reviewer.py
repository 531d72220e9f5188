"""The study screen: shows a card's question and answer and takes the answer.

It will own the default rendering steps Anki applies before `card_will_show` (sound tags
turned into play buttons, media file names escaped), the answer buttons and the
"type the answer" comparison, each as a `trylast` implementation so an add-on can replace
it. It implements no hooks yet: the reviewer screen does not exist yet.
"""
