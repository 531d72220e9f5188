"""Every hookspec module, so the host adds them all and the meta-tests check them all.

A new spec module must be added to `SPEC_MODULES`; tests/hooks fails until it is.
"""

from collections.abc import Callable
from types import ModuleType

from repetend.hooks import (
    app,
    browser,
    collection,
    editor,
    exporting,
    importing,
    main_window,
    notes,
    printing,
    profile,
    reviewer,
    scheduling,
    tts,
)
from repetend.hooks.markers import PROJECT

#: In the order of a session: start, profile, collection, notes, studying, tools, window.
SPEC_MODULES: tuple[ModuleType, ...] = (
    app, profile, collection, notes, editor, scheduling, reviewer, browser, importing,
    exporting, tts, printing, main_window,
)

#: Hooks whose name starts with this collect contributions through a `register` callback.
REGISTER_PREFIX = "register_"


def hookspecs() -> dict[str, Callable[..., object]]:
    """Every hook specification by hook name, in `SPEC_MODULES` order."""
    specs: dict[str, Callable[..., object]] = {}
    for module in SPEC_MODULES:
        for name, value in vars(module).items():
            if callable(value) and getattr(value, f"{PROJECT}_spec", None) is not None:
                specs[name] = value
    return specs
