"""The card and note browser: searching, listing and bulk-editing cards and notes.

It will give the browser's standard columns and actions through `register_browser_columns`
and `register_browser_actions` (`repetend.hooks.browser`), so an add-on's column or action
of the same name replaces a built-in one. It implements no hooks yet.
"""
