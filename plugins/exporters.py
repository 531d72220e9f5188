"""Exporting: decks and collections to Anki packages (.apkg, .colpkg) and text files.

It will give the built-in exporters through `register_exporters`
(`repetend.hooks.exporting`), so an add-on can add a format or replace one by name. It
implements no hooks yet.
"""
