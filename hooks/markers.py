"""The pluggy markers for Repetend hooks.

They live here, in the add-on API, and not in `repetend.core`: the engine stays free of
pluggy (STYLE.md "core/ stays pure"), and the host wires hooks into it with plain callables.
"""

import pluggy

#: pluggy's project name: the markers below only match hooks and implementations of Repetend.
PROJECT = "repetend"

#: Marks a hook specification (used only by the modules in `repetend.hooks`).
hookspec = pluggy.HookspecMarker(PROJECT)

#: Marks a hook implementation: `@hookimpl`, `@hookimpl(tryfirst=True)`, `@hookimpl(trylast=True)`.
hookimpl = pluggy.HookimplMarker(PROJECT)
