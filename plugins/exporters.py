"""Exporting: decks and collections to Anki packages (.apkg, .colpkg) and text files.

It will register the built-in exporters through the exporting hooks, so an add-on can add a
format or replace one. It implements no hooks yet.
"""
