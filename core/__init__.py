"""Repetend's engine: collection storage, note types, templates, cards, decks, scheduler.

Pure Python: the standard library, plus `zstandard` for Anki packages. No Qt, no pluggy,
no JavaScript engine.
Where the engine needs an extension point it takes a plain callable; the host wires
hooks into it (see ARCHITECTURE.md).
"""
