"""The plugin manager behind a typed facade: the one place hooks are called from.

pluggy calls every implementation in one loop, and the first exception ends the call
(research/MODELS.md §1). `PluginHost` therefore calls each implementation itself, in
pluggy's order, so one broken add-on cannot stop the others or crash the app (STYLE.md §6).
Every failure is recorded as a `PluginError` naming the plugin taken from the call itself,
never guessed from traceback paths (Anki's weakness).

Three call policies, one per kind of hook:

- notifications (`*_did_*`, and `*_will_*` hooks that change an object in place): each
  implementation runs on its own; a failure is recorded and the rest still run;
- filters (`*_will_*` returning a value): the value threads through the implementations; one
  that raises or returns something invalid is skipped and the value from before it kept;
- `register_*`: each implementation is given its own `register` callback, so every value is
  checked and attributed to the plugin that gave it (llm's pattern); see `collect`.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import time
import traceback
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypedDict, TypeVar

import pluggy

from repetend.hooks.markers import PROJECT
from repetend.hooks.registry import REGISTER_PREFIX, SPEC_MODULES, hookspecs
from repetend.host.search_terms import AddonSearchTerms
from repetend.plugins import BUILTIN, ESSENTIAL

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection
    from repetend.core.notes import Note
    from repetend.core.scheduler import CardState, SchedulingStates
    from repetend.hooks.browser import BrowserAction, BrowserColumn, SearchTerm
    from repetend.hooks.exporting import Exporter
    from repetend.hooks.importing import Importer, ImportSummary
    from repetend.hooks.main_window import MenuAction
    from repetend.hooks.printing import PrintLayout
    from repetend.hooks.profile import ProfileInfo
    from repetend.hooks.reviewer import AnswerButton, Side
    from repetend.hooks.tts import TTSEngine

#: Built-in plugins are registered as `builtin.<module>`; add-ons may not use the prefix.
BUILTIN_PREFIX = "builtin."

#: Set to 1 to print every hook call, implementation by implementation, with timings.
TRACE_ENV = "REPETEND_TRACE_HOOKS"

Status = Literal["active", "disabled", "failed"]

_T = TypeVar("_T")
_V = TypeVar("_V")


@dataclass(frozen=True)
class PluginError:
    """One failure of one plugin, kept so the user can be told which add-on broke."""

    plugin_name: str
    #: The hook that raised, or None when the plugin failed while loading or registering.
    hook_name: str | None
    exception: BaseException
    traceback_text: str
    #: For a value given through a `register_*` hook: which one and which of its functions
    #: failed, e.g. "BrowserColumn 'words'.value".
    detail: str = ""

    def __str__(self) -> str:
        where = f"in hook {self.hook_name}" if self.hook_name else "while loading"
        if self.detail:
            where += f" ({self.detail})"
        return (f"plugin {self.plugin_name} failed {where}: "
                f"{type(self.exception).__name__}: {self.exception}")


@dataclass(frozen=True)
class Contribution(Generic[_V]):
    """One value a plugin gave through a `register_*` hook, and the plugin that gave it."""

    plugin_name: str
    #: The `register_*` hook it came through.
    hook_name: str
    value: _V


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
        #: Called with (plugin name, hook name) just before each implementation runs. The
        #: add-on loader sets it while add-ons start, to leave a crash breadcrumb naming the
        #: one running (repetend.host.addons.crash); None the rest of the time.
        self.before_call: Callable[[str, str], None] | None = None
        self._trace = os.environ.get(TRACE_ENV) == "1" if trace is None else trace
        self._entries: dict[str, _Entry] = {}
        #: Changes whenever a plugin is registered or unregistered, so contributions
        #: collected earlier (e.g. search terms) know to be collected again.
        self.generation = 0
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

    def unregister_plugin(self, name: str) -> bool:
        """Remove a third-party plugin registered with `register_plugin`; its hooks stop
        being called at once. Returns False if no plugin of that name is listed.

        Built-ins stay: disable them with `disabled` when the host is made.
        """
        if name.startswith(BUILTIN_PREFIX):
            raise ValueError(f"built-in plugin {name!r} cannot be unregistered")
        entry = self._entries.pop(name, None)
        if entry is None:
            return False
        if entry.status == "active":
            self._pm.unregister(name=name)
            self.generation += 1
        return True

    def attach(self, col: Collection) -> None:
        """Wire this host's hooks into an open collection's extension points
        (`Collection.callbacks`, `Collection.search_terms`), so the engine calls plugins
        through this facade."""
        col.callbacks.note_will_be_added = self.note_will_be_added
        col.callbacks.note_did_add = self.note_did_add
        col.callbacks.scheduling_states_will_commit = self._scheduling_states_will_commit
        col.search_terms = AddonSearchTerms(self)

    def _scheduling_states_will_commit(self, col: Collection, card: Card,
                                       states: SchedulingStates) -> SchedulingStates:
        # The engine's callback order is (col, card, states); the hook's is a filter's.
        return self.scheduling_will_answer(states, card, col)

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
        self.generation += 1
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

    def _filter(self, hook_name: str, value_arg: str, value: _T,
                check: Callable[[object], _T], /, **kwargs: object) -> _T:
        """Thread `value` through every implementation; a failing one is skipped.

        `check` gets each result and returns the value to pass on, or raises TypeError or
        ValueError to have the result refused (recorded against its plugin).
        """
        start = time.perf_counter()
        impls = self._impls(hook_name)
        for impl in impls:
            ok, result = self._call(hook_name, impl, {value_arg: value, **kwargs}, check)
            if ok:
                value = result  # type: ignore[assignment]  # the value `check` returned
        self._trace_total(hook_name, len(impls), start)
        return value

    def collect(self, hook_name: str) -> list[Contribution[Any]]:
        """Call a `register_*` hook and return every value given, with the plugin that gave it.

        Each implementation gets its own `register` callback. A value of the wrong type, or
        given after the implementation returned, is recorded against that plugin and left
        out; if the implementation raises, everything it gave in that call is left out. The
        first value of a name wins, in call order (add-ons before built-ins): a built-in
        value whose name an add-on took is replaced without a word, any other clash is
        recorded against the plugin whose value was left out.
        """
        value_type = contribution_types().get(hook_name)
        if value_type is None:
            raise ValueError(f"{hook_name!r} is not a {REGISTER_PREFIX}* hook")
        start = time.perf_counter()
        impls = self._impls(hook_name)
        owners: dict[str, str] = {}
        contributions: list[Contribution[Any]] = []
        for impl in impls:
            for value in self._gather(hook_name, impl, value_type):
                owner = owners.get(value.name)
                if owner is None:
                    owners[value.name] = impl.plugin_name
                    contributions.append(Contribution(impl.plugin_name, hook_name, value))
                elif owner.startswith(BUILTIN_PREFIX) or not impl.plugin_name.startswith(
                        BUILTIN_PREFIX):
                    self._record(impl.plugin_name, hook_name, ValueError(
                        f"{type(value).__name__} {value.name!r} is already registered by "
                        f"{owner}"))
        self._trace_total(hook_name, len(impls), start)
        return contributions

    def _gather(self, hook_name: str, impl: pluggy.HookImpl, value_type: type) -> list[Any]:
        given: list[Any] = []
        open_ = True

        def register(value: object) -> None:
            # Mistakes are recorded, not raised: the plugin's other values still count, and
            # a `register` kept and called later cannot raise into unrelated code.
            if not open_:
                problem: Exception = RuntimeError(
                    f"register was called after {hook_name} returned; call it only while "
                    "the hook runs")
            elif not isinstance(value, value_type):
                problem = TypeError(f"register() takes a {value_type.__name__}, "
                                    f"not {type(value).__name__}")
            elif any(other.name == value.name for other in given):
                problem = ValueError(f"{value_type.__name__} {value.name!r} is registered twice")
            else:
                given.append(value)
                return
            # The stack names the plugin's own line that made the mistake.
            stack = "".join(traceback.format_stack()[:-1])
            self._record(impl.plugin_name, hook_name, problem,
                         traceback_text=stack + "".join(traceback.format_exception_only(problem)))

        ok, _ = self._call(hook_name, impl, {"register": register})
        open_ = False
        return given if ok else []

    def call_contribution(self, contribution: Contribution[Any], function: str, *args: object,
                          default: _T) -> Any | _T:
        """Call one function of a contributed value, e.g. a column's `value`, contained as a
        hook implementation is: if it raises, the error is recorded against the plugin that
        gave the value and `default` is returned."""
        value = contribution.value
        if self.before_call is not None:
            self.before_call(contribution.plugin_name, contribution.hook_name)
        start = time.perf_counter()
        try:
            result = getattr(value, function)(*args)
        except Exception as exc:
            detail = f"{type(value).__name__} {value.name!r}.{function}"
            self._trace_line(f"{contribution.hook_name} <- {contribution.plugin_name} "
                             f"{detail}", start, exc)
            self._record(contribution.plugin_name, contribution.hook_name, exc, detail=detail)
            return default
        self._trace_line(f"{contribution.hook_name} <- {contribution.plugin_name} "
                         f"{type(value).__name__} {value.name!r}.{function}", start, None)
        return result

    def _impls(self, hook_name: str) -> list[pluggy.HookImpl]:
        # pluggy keeps implementations in reverse call order (tryfirst/trylast applied).
        return list(reversed(getattr(self._pm.hook, hook_name).get_hookimpls()))

    def _call(self, hook_name: str, impl: pluggy.HookImpl, kwargs: dict[str, object],
              check: Callable[[object], object] | None = None) -> tuple[bool, object]:
        # Pass arguments as pluggy does: an implementation may take a subset of the spec's.
        args = [kwargs[arg] for arg in impl.argnames]
        kw = {arg: kwargs[arg] for arg in impl.kwargnames if arg in kwargs}
        if self.before_call is not None:
            self.before_call(impl.plugin_name, hook_name)
        start = time.perf_counter()
        try:
            result = impl.function(*args, **kw)
            if check is not None:
                result = check(result)
        except Exception as exc:
            self._trace_impl(hook_name, impl, start, exc)
            self._record(impl.plugin_name, hook_name, exc)
            return False, None
        self._trace_impl(hook_name, impl, start, None)
        return True, result

    def _record(self, plugin_name: str, hook_name: str | None, exc: Exception, *,
                traceback_text: str | None = None, detail: str = "") -> None:
        if traceback_text is None:
            traceback_text = "".join(traceback.format_exception(exc))
        error = PluginError(plugin_name, hook_name, exc, traceback_text, detail)
        self.errors.append(error)
        if self._on_error is not None:
            self._on_error(error)

    def _trace_impl(self, hook_name: str, impl: pluggy.HookImpl, start: float,
                    exc: Exception | None) -> None:
        self._trace_line(f"{hook_name} <- {impl.plugin_name}", start, exc)

    def _trace_line(self, what: str, start: float, exc: Exception | None) -> None:
        if self._trace:
            failed = f" FAILED {type(exc).__name__}: {exc}" if exc is not None else ""
            print(f"repetend hook {what} {_ms(start)}{failed}", file=sys.stderr)

    def _trace_total(self, hook_name: str, count: int, start: float) -> None:
        if self._trace:
            print(f"repetend hook {hook_name}: {count} implementation(s) in {_ms(start)}",
                  file=sys.stderr)

    # ---- Hooks: one typed method per hookspec in repetend.hooks, in registry order

    # app
    def app_did_start(self, host: object) -> None:
        """Tell plugins the application has started (`repetend.hooks.app`)."""
        self._notify("app_did_start", host=host)

    def app_will_stop(self, host: object) -> None:
        """Tell plugins the application is about to stop (`repetend.hooks.app`)."""
        self._notify("app_will_stop", host=host)

    # profile
    def profile_did_open(self, profile: ProfileInfo) -> None:
        """Tell plugins a profile is open (`repetend.hooks.profile`)."""
        self._notify("profile_did_open", profile=profile)

    def profile_will_close(self, profile: ProfileInfo) -> None:
        """Tell plugins a profile is about to close (`repetend.hooks.profile`)."""
        self._notify("profile_will_close", profile=profile)

    # collection
    def collection_did_open(self, col: Collection) -> None:
        """Tell plugins a collection is open (`repetend.hooks.collection`)."""
        self._notify("collection_did_open", col=col)

    def collection_will_close(self, col: Collection) -> None:
        """Tell plugins a collection is about to close (`repetend.hooks.collection`)."""
        self._notify("collection_will_close", col=col)

    # notes
    def note_will_be_added(self, col: Collection, note: Note, deck_id: int) -> None:
        """Let plugins change a new note in place before it is saved (`repetend.hooks.notes`)."""
        self._notify("note_will_be_added", col=col, note=note, deck_id=deck_id)

    def note_did_add(self, col: Collection, note: Note, cards: Sequence[Card]) -> None:
        """Tell plugins a new note and its cards were saved (`repetend.hooks.notes`)."""
        self._notify("note_did_add", col=col, note=note, cards=cards)

    def note_will_be_saved(self, col: Collection, note: Note) -> None:
        """Let plugins change an edited note in place before it is saved
        (`repetend.hooks.notes`)."""
        self._notify("note_will_be_saved", col=col, note=note)

    # editor
    def editor_will_load_note(self, note: Note, col: Collection) -> None:
        """Let plugins change a note in place before the editor shows it
        (`repetend.hooks.editor`)."""
        self._notify("editor_will_load_note", note=note, col=col)

    # scheduling
    def scheduling_will_answer(self, states: SchedulingStates, card: Card,
                               col: Collection) -> SchedulingStates:
        """The next states to offer for a card, after every plugin's filter; a result that
        is invalid is refused and the states from before it kept (`repetend.hooks.scheduling`).
        """
        return self._filter("scheduling_will_answer", "states", states,
                            functools.partial(_checked_states, current=states.current),
                            card=card, col=col)

    def scheduling_did_answer(self, card: Card, button: int, col: Collection) -> None:
        """Tell plugins an answer was committed (`repetend.hooks.scheduling`)."""
        self._notify("scheduling_did_answer", card=card, button=button, col=col)

    # reviewer
    def card_will_show(self, html: str, card: Card, side: Side) -> str:
        """The HTML to show for a card side, after every plugin's filter
        (`repetend.hooks.reviewer`)."""
        return self._filter("card_will_show", "html", html,
                            _instance_of("card_will_show", str), card=card, side=side)

    def reviewer_did_show_question(self, card: Card) -> None:
        """Tell plugins a question is shown (`repetend.hooks.reviewer`)."""
        self._notify("reviewer_did_show_question", card=card)

    def reviewer_did_show_answer(self, card: Card) -> None:
        """Tell plugins an answer is shown (`repetend.hooks.reviewer`)."""
        self._notify("reviewer_did_show_answer", card=card)

    def reviewer_will_init_answer_buttons(self, buttons: tuple[AnswerButton, ...],
                                          card: Card) -> tuple[AnswerButton, ...]:
        """The answer buttons to offer, after every plugin's filter
        (`repetend.hooks.reviewer`)."""
        return self._filter("reviewer_will_init_answer_buttons", "buttons", tuple(buttons),
                            _checked_buttons, card=card)

    # browser
    def register_browser_columns(self) -> list[Contribution[BrowserColumn]]:
        """Every browser column plugins add, with who added it (`repetend.hooks.browser`)."""
        return self.collect("register_browser_columns")

    def register_search_terms(self) -> list[Contribution[SearchTerm]]:
        """Every search term plugins add, with who added it (`repetend.hooks.browser`)."""
        return self.collect("register_search_terms")

    def register_browser_actions(self) -> list[Contribution[BrowserAction]]:
        """Every browser action plugins add, with who added it (`repetend.hooks.browser`)."""
        return self.collect("register_browser_actions")

    # importing and exporting
    def register_importers(self) -> list[Contribution[Importer]]:
        """Every importer plugins add, with who added it (`repetend.hooks.importing`)."""
        return self.collect("register_importers")

    def importing_did_import(self, col: Collection, path: Path, summary: ImportSummary) -> None:
        """Tell plugins a file was imported (`repetend.hooks.importing`)."""
        self._notify("importing_did_import", col=col, path=path, summary=summary)

    def register_exporters(self) -> list[Contribution[Exporter]]:
        """Every exporter plugins add, with who added it (`repetend.hooks.exporting`)."""
        return self.collect("register_exporters")

    # tts and printing
    def register_tts_engines(self) -> list[Contribution[TTSEngine]]:
        """Every speech engine plugins add, with who added it (`repetend.hooks.tts`)."""
        return self.collect("register_tts_engines")

    def register_print_layouts(self) -> list[Contribution[PrintLayout]]:
        """Every print layout plugins add, with who added it (`repetend.hooks.printing`)."""
        return self.collect("register_print_layouts")

    # main window
    def main_window_did_init(self, window: object) -> None:
        """Tell plugins the main window is built (`repetend.hooks.main_window`)."""
        self._notify("main_window_did_init", window=window)

    def register_main_menu_actions(self) -> list[Contribution[MenuAction]]:
        """Every menu entry plugins add, with who added it (`repetend.hooks.main_window`)."""
        return self.collect("register_main_menu_actions")


@functools.cache
def contribution_types() -> dict[str, type]:
    """The value type each `register_*` hook takes, read from its spec's annotation
    `register: Callable[[ValueType], None]`, so the spec is the one place it is written."""
    types: dict[str, type] = {}
    for name, spec in hookspecs().items():
        if name.startswith(REGISTER_PREFIX):
            (value_type,), _ = typing.get_args(typing.get_type_hints(spec)["register"])
            types[name] = value_type
    return types


def _instance_of(hook_name: str, expected: type[_T]) -> Callable[[object], _T]:
    def check(result: object) -> _T:
        if not isinstance(result, expected):
            raise TypeError(f"{hook_name} must return {expected.__name__}, "
                            f"not {type(result).__name__}")
        return result
    return check


def _checked_buttons(result: object) -> tuple[AnswerButton, ...]:
    """`reviewer_will_init_answer_buttons`' result: 1–4 (ease, label) pairs, eases unique."""
    if not isinstance(result, tuple | list):
        raise TypeError("reviewer_will_init_answer_buttons must return a tuple of "
                        f"(ease, label) pairs, not {type(result).__name__}")
    buttons: list[AnswerButton] = []
    for button in result:
        if not (isinstance(button, tuple | list) and len(button) == 2
                and type(button[0]) is int and 1 <= button[0] <= 4
                and isinstance(button[1], str) and button[1].strip()):
            raise ValueError(f"{button!r} is not an (ease 1–4, label) pair")
        if any(ease == button[0] for ease, _ in buttons):
            raise ValueError(f"ease {button[0]} has two buttons")
        buttons.append((button[0], button[1]))
    if not buttons:
        raise ValueError("at least one answer button must remain")
    return tuple(buttons)


def _checked_states(result: object, *, current: CardState) -> SchedulingStates:
    """`scheduling_will_answer`'s result, checked by the rules the engine applies before it
    commits states (`core/scheduler/validation.py`, after Anki's §2.3), here so that a bad
    result is pinned on the plugin that returned it."""
    from repetend.core.scheduler.validation import check_states

    return check_states(result, current)


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.3f} ms"
