"""The add-on API: hook markers and the hook specifications, one module per area.

An add-on implements hooks with the `hookimpl` marker::

    from repetend.hooks import hookimpl

    @hookimpl
    def card_will_show(html, card, side):
        return html.replace("colour", "color")

The hooks, their arguments and what each may change are documented in the spec modules
(`repetend.hooks.app`, `.collection`, `.notes`, `.reviewer`); `repetend.hooks.registry`
lists them all.
"""

from repetend.hooks.markers import PROJECT, hookimpl, hookspec

#: The add-on API level. Increased when a hook is removed or changes meaning, so the host can
#: refuse an add-on written for another level with a clear message instead of failing later.
API_VERSION = 1

__all__ = ["API_VERSION", "PROJECT", "hookimpl", "hookspec"]
