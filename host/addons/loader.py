"""Loading a profile's add-ons: each on its own, with a status and a load time.

Anki puts its add-on folder on `sys.path` and imports every folder by its bare name
(ANKI-FACTS §8.1), so add-ons can shadow each other and the standard library. Here each
folder add-on is imported from its own `__init__.py` as `repetend_addons.<package>` (a
namespace that exists only in `sys.modules`), so relative imports inside an add-on work,
nothing is added to `sys.path`, and one add-on can import another it `requires` as
`repetend_addons.<other>`. Distribution add-ons are loaded from their entry point.

The objects registered with the PluginHost are the add-on's module, or the object it names
`plugin` (an instance of a class with `@hookimpl` methods), or each object in its `plugins`
list, all or none. Before an add-on is imported,
everything that can be decided from disk is: an invalid manifest (failed), the user's
choice (disabled), a crash last time (quarantined), an API range this Repetend does not
provide (incompatible), an enabled add-on it conflicts with (conflicting), a requirement
that is not loaded (blocked), safe mode (safe-mode). Only then is it imported, inside
`try`, so an exception (SyntaxError and `sys.exit` included) marks that one add-on failed,
reports it once with its name and traceback, and leaves the others loaded.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from repetend.host.addons.bisect_state import read_overlay
from repetend.host.addons.catalog import Installed, scan
from repetend.host.addons.crash import NO_QUARANTINE_ENV, Breadcrumbs, recover
from repetend.host.addons.meta import (
    check_config,
    merged_config,
    read_defaults,
    read_meta,
    update_meta,
)
from repetend.host.addons.package import INIT_FILE
from repetend.host.plugins import PluginError, PluginHost

AddonStatus = Literal["loaded", "failed", "disabled", "conflicting", "incompatible",
                      "blocked", "quarantined", "safe-mode"]

#: Folder add-ons are imported as `repetend_addons.<package>`.
MODULE_NAMESPACE = "repetend_addons"


@dataclass
class AddonRecord:
    """One add-on as this process found it: what it is, whether it loaded, and why not."""

    package: str
    name: str
    version: str
    kind: str  # "folder" or "distribution"
    status: AddonStatus
    #: One line: why it is not loaded, or the error it raised.
    reason: str | None = None
    traceback: str | None = None
    #: Milliseconds spent importing and registering it (None if it was not imported).
    load_ms: float | None = None
    hooks: list[str] = field(default_factory=list)
    homepage: str = ""
    location: str = ""  # its folder, or its distribution
    #: Its names in the PluginHost (`<package>`, then `<package>:2` … for a `plugins` list).
    plugin_names: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"package": self.package, "name": self.name, "version": self.version,
                "kind": self.kind, "status": self.status, "error": self.reason,
                "traceback": self.traceback,
                "load_ms": None if self.load_ms is None else round(self.load_ms, 3),
                "hooks": self.hooks, "homepage": self.homepage, "location": self.location}


class LoadedAddons:
    """The add-ons of one profile in this process; `Host.addons`.

    Add-ons read their configuration here: `host.addons.config(__name__)` (the merged
    `config.json` defaults and the user's saved values, like Anki's `getConfig`).
    """

    def __init__(self, folder: Path, plugins: PluginHost, records: dict[str, AddonRecord],
                 installed: dict[str, Installed], *, safe_mode: bool,
                 breadcrumbs: Breadcrumbs) -> None:
        self.folder = folder
        self.records = records
        self.safe_mode = safe_mode
        #: Load failures (import errors); registration and hook errors are in plugins.errors.
        self.errors: list[PluginError] = []
        #: Messages for the user: quarantines, safe mode, unknown --disable-addon names.
        self.notices: list[str] = []
        self._plugins = plugins
        self._installed = installed
        self._breadcrumbs = breadcrumbs

    def __iter__(self) -> Iterator[AddonRecord]:
        return iter(self.records.values())

    def rows(self) -> list[dict[str, Any]]:
        return [record.to_json() for record in self]

    @contextmanager
    def starting(self) -> Iterator[None]:
        """Wrap the start-up hooks: a crash inside one quarantines the add-on running it."""
        owner = {name: r.package for r in self for name in r.plugin_names}
        if not owner or not self._breadcrumbs.enabled:
            yield
            return
        previous = self._plugins.before_call

        def before(plugin_name: str, hook_name: str) -> None:
            self._breadcrumbs.starting(owner.get(plugin_name), hook_name)

        self._plugins.before_call = before
        try:
            yield
        except Exception:
            self._breadcrumbs.clear()  # a Python error is reported where it happened
            raise
        finally:
            self._plugins.before_call = previous
        self._breadcrumbs.clear()

    def config(self, package: str) -> dict[str, Any] | None:
        """An add-on's configuration (`package` or its module's `__name__`); None if none."""
        addon = self._installed_addon(package)
        return merged_config(read_defaults(addon.folder), read_meta(addon.meta_path))

    def write_config(self, package: str, config: dict[str, Any]) -> None:
        """Save an add-on's whole configuration as the user's (Anki's writeConfig)."""
        addon = self._installed_addon(package)
        update_meta(addon.meta_path, config=check_config(config))

    def _installed_addon(self, package: str) -> Installed:
        package = package.removeprefix(MODULE_NAMESPACE + ".").split(".", 1)[0]
        try:
            return self._installed[package]
        except KeyError:
            raise KeyError(f"no add-on {package!r} is installed") from None


def load_addons(plugins: PluginHost, folder: Path, *, safe_mode: bool = False,
                disabled: Iterable[str] = (), quarantine: bool = True,
                on_error: Callable[[PluginError], None] | None = None,
                notify: Callable[[str], None] | None = None) -> LoadedAddons:
    """Find, check, import and register the add-ons in `folder` and the entry points.

    :param disabled: packages not to load this time (`--disable-addon`); not saved.
    :param quarantine: leave crash breadcrumbs and act on those of dead processes (also
        off when REPETEND_NO_QUARANTINE=1).
    :param on_error: told of each add-on that fails to import (the host reports it once).
    :param notify: told of each message for the user (quarantines, safe mode).
    """
    installed = scan(folder)
    quarantine = quarantine and os.environ.get(NO_QUARANTINE_ENV) != "1"
    breadcrumbs = Breadcrumbs(folder, enabled=quarantine and not safe_mode)
    addons = LoadedAddons(folder, plugins, {}, installed, safe_mode=safe_mode,
                          breadcrumbs=breadcrumbs)

    def say(message: str) -> None:
        addons.notices.append(message)
        if notify is not None:
            notify(message)

    skip = set(disabled)
    for package in sorted(skip - set(installed)):
        say(f"--disable-addon {package}: no add-on of that name is installed")
    if safe_mode:
        for addon in installed.values():
            addons.records[addon.package] = _record(
                addon, "safe-mode", "safe mode: only built-in plugins are loaded")
        if installed:
            say(f"Safe mode: {len(installed)} add-on(s) not loaded; your add-on settings "
                "are unchanged.")
        return addons
    if breadcrumbs.enabled:
        _quarantine_crashed(folder, installed, say)
    # An active add-on bisect leaves out this round's add-ons, as an overlay (bisect.py).
    overlay = read_overlay(folder)
    if overlay is not None:
        say(overlay.notice())

    loader = _Loader(plugins, installed, addons, breadcrumbs, on_error)
    loader.decide(skip, overlay.disabled if overlay is not None else frozenset())
    for package in sorted(installed):
        loader.load(package, ())
    breadcrumbs.clear()
    hooks = {row["name"]: row["hooks"] for row in plugins.plugins()}
    for record in addons:
        record.hooks = sorted({hook for name in record.plugin_names for hook in hooks[name]})
    return addons


def _quarantine_crashed(folder: Path, installed: dict[str, Installed],
                        say: Callable[[str], None]) -> None:
    for crash in recover(folder):
        addon = installed.get(crash.package or "")
        if addon is None:
            if crash.package is None:
                say(f"{crash.describe()}, outside any add-on; nothing was quarantined.")
            continue
        update_meta(addon.meta_path, quarantined={"reason": crash.describe(), "at": crash.at})
        say(f"Add-on {addon.name} ({addon.package}) was quarantined: {crash.describe()}. "
            f"Repetend started without it; `repetend addons enable {addon.package}` turns "
            "it back on.")


class _Loader:
    """Decides each add-on's fate, then loads the rest in `requires` order."""

    def __init__(self, plugins: PluginHost, installed: dict[str, Installed],
                 addons: LoadedAddons, breadcrumbs: Breadcrumbs,
                 on_error: Callable[[PluginError], None] | None) -> None:
        self.plugins = plugins
        self.installed = installed
        self.addons = addons
        self.records = addons.records
        self.breadcrumbs = breadcrumbs
        self.on_error = on_error

    def decide(self, skip: set[str], bisecting: frozenset[str] = frozenset()) -> None:
        """Give a record to every add-on that will not be imported, with the reason."""
        candidates = []
        for package, addon in self.installed.items():
            meta = read_meta(addon.meta_path)
            quarantined = meta.get("quarantined")
            problem = addon.problem
            if problem is not None:
                self.records[package] = _record(addon, "failed", problem)
            elif meta.get("disabled") is True:
                self.records[package] = _record(addon, "disabled", "disabled by you")
            elif package in skip:
                self.records[package] = _record(addon, "disabled",
                                                "disabled for this run (--disable-addon)")
            elif package in bisecting:
                self.records[package] = _record(
                    addon, "disabled", "disabled for this round of the add-on bisect "
                    "(`repetend addons bisect status`)")
            elif quarantined:
                reason = (quarantined.get("reason") if isinstance(quarantined, dict)
                          else None) or "quarantined after a crash"
                self.records[package] = _record(
                    addon, "quarantined",
                    f"quarantined: {reason}; `repetend addons enable {package}` re-enables it")
            elif addon.manifest is not None and (api := addon.manifest.api_problem()):
                self.records[package] = _record(addon, "incompatible", api)
            else:
                candidates.append(package)
        clashes: dict[str, list[str]] = {}
        for package in candidates:
            manifest = self.installed[package].manifest
            assert manifest is not None
            for other in manifest.conflicts:
                if other in candidates:
                    clashes.setdefault(package, []).append(other)
                    clashes.setdefault(other, []).append(package)
        for package, others in clashes.items():
            names = ", ".join(sorted(set(others)))
            self.records[package] = _record(
                self.installed[package], "conflicting",
                f"it conflicts with {names}; disable one of them "
                f"(`repetend addons disable {sorted(set(others))[0]}`)")

    def load(self, package: str, chain: tuple[str, ...]) -> bool:
        """Load `package` after its requirements; True if it ends up loaded."""
        if package in self.records:
            return self.records[package].status == "loaded"
        addon = self.installed[package]
        if package in chain:
            members = chain[chain.index(package):]
            cycle = " → ".join([*members, package])
            for member in members:
                self.records[member] = _record(self.installed[member], "blocked",
                                               f"its requirements form a cycle: {cycle}")
            return False
        manifest = addon.manifest
        for required in manifest.requires if manifest is not None else ():
            if required not in self.installed:
                self.records[package] = _record(
                    addon, "blocked", f"it requires {required}, which is not installed")
                return False
            if not self.load(required, (*chain, package)):
                if package not in self.records:
                    status = self.records[required].status
                    self.records[package] = _record(
                        addon, "blocked", f"it requires {required}, which is {status}")
                return False
        if package in self.records:  # decided while a requirement cycle was walked
            return self.records[package].status == "loaded"
        self.records[package] = self._import_and_register(addon)
        return self.records[package].status == "loaded"

    def _import_and_register(self, addon: Installed) -> AddonRecord:
        self.breadcrumbs.loading(addon.package)
        start = time.perf_counter()
        try:
            objects = _plugin_objects(addon.package, _import(addon))
        except KeyboardInterrupt:
            raise  # leaves the breadcrumb: most often a user ending a hang
        except (Exception, SystemExit) as exc:
            error = PluginError(addon.package, None, exc,
                                "".join(traceback.format_exception(exc)))
            self.addons.errors.append(error)
            if self.on_error is not None:
                self.on_error(error)
            return _record(addon, "failed", f"{type(exc).__name__}: {exc}",
                           traceback_text=error.traceback_text, load_ms=_ms(start))
        before = len(self.plugins.errors)
        registered: list[str] = []
        for name, plugin in objects:
            if not self.plugins.register_plugin(plugin, name):
                # All or nothing: an add-on half registered would run half its hooks.
                for done in registered:
                    self.plugins.unregister_plugin(done)
                if addon.folder is not None:
                    _forget(f"{MODULE_NAMESPACE}.{addon.package}")  # importable only if loaded
                mine = [e for e in self.plugins.errors[before:] if e.plugin_name == name]
                error = mine[0] if mine else None
                return _record(addon, "failed",
                               f"{type(error.exception).__name__}: {error.exception}"
                               if error else f"{name} could not be registered",
                               traceback_text=error.traceback_text if error else None,
                               load_ms=_ms(start))
            registered.append(name)
        record = _record(addon, "loaded", None, load_ms=_ms(start))
        record.plugin_names = registered
        return record


def _import(addon: Installed) -> object:
    if addon.entry_point is not None:
        return addon.entry_point.load()
    assert addon.folder is not None
    namespace = sys.modules.get(MODULE_NAMESPACE)
    if namespace is None:
        namespace = ModuleType(MODULE_NAMESPACE, "Repetend's folder add-ons, one per package.")
        namespace.__path__ = []  # a package, but only loaded add-ons can be imported from it
        namespace.__spec__ = importlib.machinery.ModuleSpec(MODULE_NAMESPACE, None,
                                                            is_package=True)
        sys.modules[MODULE_NAMESPACE] = namespace
    name = f"{MODULE_NAMESPACE}.{addon.package}"
    _forget(name)  # a fresh import per host: another profile may have a same-named add-on
    spec = importlib.util.spec_from_file_location(
        name, addon.folder / INIT_FILE, submodule_search_locations=[str(addon.folder)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        _forget(name)
        raise
    setattr(namespace, addon.package, module)
    return module


def _forget(name: str) -> None:
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    namespace = sys.modules.get(MODULE_NAMESPACE)
    if namespace is not None and hasattr(namespace, name.rpartition(".")[2]):
        delattr(namespace, name.rpartition(".")[2])


def _plugin_objects(package: str, loaded: object) -> list[tuple[str, object]]:
    """What to register, with plugin names: a module's `plugins` list (named `<package>`,
    `<package>:2`, …), else its `plugin` object, else the module (or entry-point object)."""
    if isinstance(loaded, ModuleType) and hasattr(loaded, "plugins"):
        objects = loaded.plugins
        if not isinstance(objects, list | tuple) or not objects:
            raise TypeError("`plugins` must be a non-empty list of objects with hooks")
        return [(package if i == 0 else f"{package}:{i + 1}", obj)
                for i, obj in enumerate(objects)]
    if isinstance(loaded, ModuleType) and hasattr(loaded, "plugin"):
        return [(package, loaded.plugin)]
    return [(package, loaded)]


def _record(addon: Installed, status: AddonStatus, reason: str | None, *,
            traceback_text: str | None = None, load_ms: float | None = None) -> AddonRecord:
    return AddonRecord(
        package=addon.package, name=addon.name, version=addon.version, kind=addon.kind,
        status=status, reason=reason, traceback=traceback_text, load_ms=load_ms,
        homepage=addon.manifest.homepage if addon.manifest else "",
        location=str(addon.folder) if addon.folder else f"distribution {addon.dist_name}")


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000
