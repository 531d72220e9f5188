"""The add-on API: hook markers and the hook specifications, one module per area.

An add-on implements hooks with the `hookimpl` marker::

    from repetend.hooks import hookimpl

    @hookimpl
    def card_will_show(html, card, side):
        return html.replace("colour", "color")

The hooks, their arguments and what each may change are documented in the spec modules,
one per area: `repetend.hooks.app`, `.profile`, `.collection`, `.notes`, `.editor`,
`.scheduling`, `.reviewer`, `.browser`, `.importing`, `.exporting`, `.tts`, `.printing`,
`.main_window`; `repetend.hooks.registry` lists them all. Names state the contract:

- `<area>_will_<verb>` may change what happens (a filter returns the value to use);
- `<area>_did_<verb>` only notifies;
- `register_<things>(register)` adds things (columns, importers, voices …) by calling
  `register(value)`; the value types live next to the hook, e.g.
  `repetend.hooks.browser.BrowserColumn`.

`API_VERSION` is the API level; an add-on declares the levels it supports in its manifest,
and `api_incompatibility` says why a declared range does not fit.
"""

from repetend.hooks.markers import PROJECT, hookimpl, hookspec
from repetend.hooks.versioning import API_VERSION, api_incompatibility

__all__ = ["API_VERSION", "PROJECT", "api_incompatibility", "hookimpl", "hookspec"]
