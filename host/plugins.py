"""The plugin manager behind a typed facade: the one place hooks are called from.

pluggy calls every implementation in one loop, and the first exception ends the call
(research/MODELS.md §1). `PluginHost` therefore calls each implementation itself, in
pluggy's order, so one broken add-on cannot stop the others or crash the app (STYLE.md §6).
Every failure is recorded as a `PluginError` naming the plugin taken from the call itself,
never guessed from traceback paths (Anki's weakness).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypedDict, TypeVar

import pluggy

from repetend.hooks.markers import PROJECT
from repetend.hooks.registry import SPEC_MODULES
from repetend.plugins import BUILTIN, ESSENTIAL

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.core.notes import Note
    from repetend.hooks.reviewer import Side

#: Built-in plugins are registered as `builtin.<module>`; add-ons may not use the prefix.
BUILTIN_PREFIX = "builtin."

#: Set to 1 to print every hook call, implementation by implementation, with timings.
TRACE_ENV = "REPETEND_TRACE_HOOKS"

Status = Literal["active", "disabled", "failed"]

_T = TypeVar("_T")


@dataclass(frozen=True)
class PluginError:
    """One failure of one plugin, kept so the user can be told which add-on broke."""

    plugin_name: str
    #: The hook that raised, or None when the plugin failed while loading or registering.
    hook_name: str | None
    exception: BaseException
    traceback_text: str

    def __str__(self) -> str:
        where = f"in hook {self.hook_name}" if self.hook_name else "while loading"
        return (f"plugin {self.plugin_name} failed {where}: "
                f"{type(self.exception).__name__}: {self.exception}")


class PluginInfo(TypedDict):
    """One row of `PluginHost.plugins()` (and of `repetend plugins --json`)."""

    name: str
    builtin: bool
    hooks: list[str]
    status: Status


@dataclass
class _Entry:
    plugin: object | None  # None for a built-in that was disabled or failed to import
    builtin: bool
    status: Status


class PluginHost:
    """Registers built-in plugins then add-ons, and calls hooks with per-plugin containment.

    :param disabled: plugin names not to register (`builtin.<name>` or an add-on's name),
        for safe mode and add-on disabling. Naming an essential built-in is a ValueError.
    :param on_error: called with each `PluginError` as it happens (they are also kept in
        `errors`). It is host code, so an exception from it is not contained.
    :param trace: print hook calls with timings to stderr; by default, when
        REPETEND_TRACE_HOOKS=1.
    """

    def __init__(
        self,
        *,
        disabled: Iterable[str] = (),
        on_error: Callable[[PluginError], None] | None = None,
        trace: bool | None = None,
    ) -> None:
        self.disabled: frozenset[str] = frozenset(disabled)
        refused = sorted(self.disabled & {BUILTIN_PREFIX + name for name in ESSENTIAL})
        if refused:
            raise ValueError(f"essential plugins cannot be disabled: {', '.join(refused)}")
        #: Every failure so far, oldest first.
        self.errors: list[PluginError] = []
        self._on_error = on_error
        self._trace = os.environ.get(TRACE_ENV) == "1" if trace is None else trace
        self._entries: dict[str, _Entry] = {}
        self._pm = pluggy.PluginManager(PROJECT)
        for module in SPEC_MODULES:
            self._pm.add_hookspecs(module)
        # Built-ins first: pluggy calls the last-registered first, so add-ons run before them.
        for module_name in BUILTIN:
            self._load_builtin(module_name)

    # ---- Registration

    def register_plugin(self, plugin: object, name: str) -> bool:
        """Register a third-party plugin (a module or an object with hookimpls).

        Returns True if it is now active. A disabled plugin is listed but not registered;
        a plugin that cannot be registered is recorded in `errors` and left out.
        """
        if name.startswith(BUILTIN_PREFIX):
            self._record(name, None, ValueError(
                f"plugin name {name!r}: the prefix {BUILTIN_PREFIX!r} is for built-in plugins"))
            return False
        if name in self._entries:
            self._record(name, None, ValueError(f"a plugin named {name!r} is already listed"))
            return False
        if name in self.disabled:
            self._entries[name] = _Entry(plugin, builtin=False, status="disabled")
            return False
        return self._register(plugin, name, builtin=False)

    def plugins(self) -> list[PluginInfo]:
        """Every plugin the host knows of, built-ins first, in registration order."""
        return [
            PluginInfo(name=name, builtin=entry.builtin, status=entry.status,
                       hooks=self._hook_names(entry.plugin))
            for name, entry in self._entries.items()
        ]

    def _load_builtin(self, module_name: str) -> None:
        name = BUILTIN_PREFIX + module_name
        if name in self.disabled:  # not even imported: safe mode must not run its code
            self._entries[name] = _Entry(None, builtin=True, status="disabled")
            return
        try:
            module = importlib.import_module(f"repetend.plugins.{module_name}")
        except Exception as exc:
            self._entries[name] = _Entry(None, builtin=True, status="failed")
            self._record(name, None, exc)
            return
        self._register(module, name, builtin=True)

    def _register(self, plugin: object, name: str, *, builtin: bool) -> bool:
        try:
            self._pm.register(plugin, name)
        except Exception as exc:  # pluggy's signature check, or the object registered twice
            self._entries[name] = _Entry(plugin, builtin=builtin, status="failed")
            self._record(name, None, exc)
            return False
        problem = self._check_hooks(plugin)
        if problem is not None:
            self._pm.unregister(plugin=plugin, name=name)
            self._entries[name] = _Entry(plugin, builtin=builtin, status="failed")
            self._record(name, *problem)
            return False
        self._entries[name] = _Entry(plugin, builtin=builtin, status="active")
        return True

    def _check_hooks(self, plugin: object) -> tuple[str, Exception] | None:
        """The first hook this plugin implements that Repetend cannot call, if any.

        pluggy's `check_pending()` does the same test for unknown hook names, but over all
        plugins at once, stopping at the first and not naming the hook; this runs it for the
        one plugin just registered so the error can be pinned on it.
        """
        for caller in self._pm.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is not plugin:
                    continue
                if not caller.has_spec() and not impl.optionalhook:
                    return caller.name, pluggy.PluginValidationError(
                        plugin, f"unknown hook {caller.name!r}: Repetend has no hook of that name")
                if impl.wrapper or impl.hookwrapper:
                    return caller.name, pluggy.PluginValidationError(
                        plugin, f"{caller.name!r} is a wrapper; Repetend calls each "
                                "implementation on its own and does not support wrappers")
        return None

    def _hook_names(self, plugin: object | None) -> list[str]:
        if plugin is None:
            return []
        names = []
        for attr in dir(plugin):
            opts = self._pm.parse_hookimpl_opts(plugin, attr)
            if opts is not None:
                names.append(opts.get("specname") or attr)
        return sorted(names)

    # ---- Calling: error policy, attribution and tracing, in one place

    def _notify(self, hook_name: str, **kwargs: object) -> None:
        """Call every implementation, each on its own: one failing does not stop the rest."""
        start = time.perf_counter()
        impls = self._impls(hook_name)
        for impl in impls:
            self._call(hook_name, impl, kwargs)
        self._trace_total(hook_name, len(impls), start)

    def _filter(self, hook_name: str, value_arg: str, value: _T, expected: type[_T], /,
                **kwargs: object) -> _T:
        """Thread `value` through every implementation; a failing one is skipped."""
        start = time.perf_counter()
        impls = self._impls(hook_name)
        for impl in impls:
            ok, result = self._call(hook_name, impl, {value_arg: value, **kwargs}, expected)
            if ok:
                value = result  # type: ignore[assignment]  # checked against `expected`
        self._trace_total(hook_name, len(impls), start)
        return value

    def _impls(self, hook_name: str) -> list[pluggy.HookImpl]:
        # pluggy keeps implementations in reverse call order (tryfirst/trylast applied).
        return list(reversed(getattr(self._pm.hook, hook_name).get_hookimpls()))

    def _call(self, hook_name: str, impl: pluggy.HookImpl, kwargs: dict[str, object],
              expected: type | None = None) -> tuple[bool, object]:
        # Pass arguments as pluggy does: an implementation may take a subset of the spec's.
        args = [kwargs[arg] for arg in impl.argnames]
        kw = {arg: kwargs[arg] for arg in impl.kwargnames if arg in kwargs}
        start = time.perf_counter()
        try:
            result = impl.function(*args, **kw)
            if expected is not None and not isinstance(result, expected):
                raise TypeError(f"{hook_name} must return {expected.__name__}, "
                                f"not {type(result).__name__}")
        except Exception as exc:
            self._trace_impl(hook_name, impl, start, exc)
            self._record(impl.plugin_name, hook_name, exc)
            return False, None
        self._trace_impl(hook_name, impl, start, None)
        return True, result

    def _record(self, plugin_name: str, hook_name: str | None, exc: Exception) -> None:
        error = PluginError(plugin_name, hook_name, exc, "".join(traceback.format_exception(exc)))
        self.errors.append(error)
        if self._on_error is not None:
            self._on_error(error)

    def _trace_impl(self, hook_name: str, impl: pluggy.HookImpl, start: float,
                    exc: Exception | None) -> None:
        if self._trace:
            failed = f" FAILED {type(exc).__name__}: {exc}" if exc is not None else ""
            print(f"repetend hook {hook_name} <- {impl.plugin_name} {_ms(start)}{failed}",
                  file=sys.stderr)

    def _trace_total(self, hook_name: str, count: int, start: float) -> None:
        if self._trace:
            print(f"repetend hook {hook_name}: {count} implementation(s) in {_ms(start)}",
                  file=sys.stderr)

    # ---- Hooks: one typed method per hookspec in repetend.hooks

    def app_did_start(self, host: object) -> None:
        """Tell plugins the application has started (`repetend.hooks.app`)."""
        self._notify("app_did_start", host=host)

    def app_will_stop(self, host: object) -> None:
        """Tell plugins the application is about to stop (`repetend.hooks.app`)."""
        self._notify("app_will_stop", host=host)

    def collection_did_open(self, col: Collection) -> None:
        """Tell plugins a collection is open (`repetend.hooks.collection`)."""
        self._notify("collection_did_open", col=col)

    def collection_will_close(self, col: Collection) -> None:
        """Tell plugins a collection is about to close (`repetend.hooks.collection`)."""
        self._notify("collection_will_close", col=col)

    def note_will_be_added(self, col: Collection, note: Note, deck_id: int) -> None:
        """Let plugins change a new note in place before it is saved (`repetend.hooks.notes`)."""
        self._notify("note_will_be_added", col=col, note=note, deck_id=deck_id)

    def note_did_add(self, col: Collection, note: Note, cards: Sequence[Card]) -> None:
        """Tell plugins a new note and its cards were saved (`repetend.hooks.notes`)."""
        self._notify("note_did_add", col=col, note=note, cards=cards)

    def card_will_show(self, html: str, card: Card, side: Side) -> str:
        """The HTML to show for a card side, after every plugin's filter
        (`repetend.hooks.reviewer`)."""
        return self._filter("card_will_show", "html", html, str, card=card, side=side)


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.3f} ms"
