"""The card and note browser: searching, listing and bulk-editing cards and notes.

It will own the browser's columns and context-menu actions, as hook implementations an
add-on can extend. It implements no hooks yet.
"""
