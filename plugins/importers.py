"""Importing: Anki packages (.apkg, .colpkg) and text files (CSV/TSV) into a collection.

It will register the built-in importers through the importing hooks, so an add-on can add a
format or replace one. It implements no hooks yet.
"""
