"""Built-in features, written as plugins through the same hooks add-ons use.

The host registers each module named in `BUILTIN` as `builtin.<name>`, before any add-on.
pluggy calls the last-registered plugin first, so add-ons run before built-ins. A built-in
that supplies a replaceable default marks it `@hookimpl(trylast=True)`, so any add-on's
implementation runs earlier and can replace it (datasette's default plugins do the same).

Built-ins import only `repetend.hooks` and `repetend.core` (later also the Qt shim), never
host internals: whatever a built-in can do, an add-on can do too.
"""

#: Module names under `repetend.plugins`, in registration order.
BUILTIN = ("reviewer", "browser", "importers", "exporters", "tts", "printing", "scripts")

#: Built-ins that stay on in safe mode and cannot be disabled: without the reviewer there is
#: no way to study (pytest keeps a similar short `essential_plugins` list).
ESSENTIAL = frozenset({"reviewer"})
