"""Repetend's engine: collection storage, note types, templates, cards, decks, scheduler.

Pure Python and the standard library only: no Qt, no pluggy, no JavaScript engine.
Where the engine needs an extension point it takes a plain callable; the host wires
hooks into it (see ARCHITECTURE.md).
"""
