"""Importing: Anki packages (.apkg, .colpkg) and text files (CSV/TSV) into a collection.

It will give the built-in importers through `register_importers`
(`repetend.hooks.importing`), so an add-on can add a format or replace one by name. It
implements no hooks yet.
"""
