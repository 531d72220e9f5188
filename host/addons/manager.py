"""Installing, updating, removing, enabling and configuring a profile's add-ons.

Everything here works from what is on disk and never imports an add-on, so a broken add-on
can always be disabled, reconfigured or removed. Changes take effect at the next start (as
in Anki, ANKI-FACTS §8.6: modules are not unloaded), which for the command line is the
next command.

An install or update never leaves a half add-on: the package is checked whole first
(package.py), copied into `.staging-*` beside the add-ons, completed there (the user's
`meta.json` and `user_files/` carried over), and only then swapped into place with two
renames; the old version goes to `.trash-*` and is deleted last.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.host.addons.catalog import Installed, scan
from repetend.host.addons.distributions import (
    ENTRY_POINT_GROUP,
    addon_entry_points,
    canonical,
    pip_install,
    pip_uninstall,
)
from repetend.host.addons.meta import (
    CONFIG_HELP_FILE,
    META_FILE,
    merged_config,
    parse_config,
    read_defaults,
    read_meta,
    update_meta,
    write_meta,
)
from repetend.host.addons.package import (
    DEFAULT_LIMITS,
    PACKAGE_SUFFIXES,
    CheckedAddon,
    Limits,
    check_folder,
    check_zip,
    copy_tree,
    extract,
)

USER_FILES = "user_files"
#: Leftovers of an install or removal that was killed are swept after this long, so a
#: concurrent install in another process is never swept away mid-copy.
_LEFTOVER_SECONDS = 3600


@dataclass
class Outcome:
    """What an action did, for the user: the packages it touched and what to tell them."""

    packages: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"packages": self.packages, "messages": self.messages}


class AddonManager:
    """The add-ons of one profile folder (`Profile.addons_folder`).

    :param python: the interpreter whose pip installs distribution add-ons (Repetend's own).
    """

    def __init__(self, folder: Path, *, python: str = sys.executable,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.folder = folder
        self.python = python
        self.limits = limits

    def installed(self) -> dict[str, Installed]:
        return scan(self.folder)

    def get(self, package: str) -> Installed:
        installed = self.installed()
        if package not in installed:
            known = ", ".join(sorted(installed)) or "none"
            raise NotFoundError(f"no add-on {package!r} is installed (installed: {known})")
        return installed[package]

    # ---- Installing

    def install(self, source: str) -> Outcome:
        """Install from a package file, an add-on folder, or (else) with pip.

        A folder holding `manifest.json` is an add-on folder; any other folder, a wheel, an
        sdist or a requirement goes to pip, which builds or fetches it.
        """
        path = Path(source).expanduser()
        if path.name.lower().endswith(PACKAGE_SUFFIXES):
            if not path.is_file():
                raise NotFoundError(f"{path} does not exist")
            return self.install_package(path)
        if path.is_dir() and (path / "manifest.json").is_file():
            return self.install_folder(path)
        return self.install_distribution(source)

    def install_package(self, path: Path) -> Outcome:
        """Install or update from a `.repetend-addon`/`.zip`; refused whole if unsafe."""
        return self._install_checked(check_zip(path, self.limits), f"package {path.name}")

    def install_folder(self, path: Path) -> Outcome:
        """Install or update by copying an add-on folder (a developer's working copy)."""
        source = path.resolve()
        if source.is_relative_to(self.folder.resolve()):
            raise InvalidInput(f"{path} is already inside the add-on folder")
        return self._install_checked(check_folder(source, self.limits), f"folder {source}")

    def install_distribution(self, requirement: str) -> Outcome:
        """`pip install` in Repetend's interpreter; reports the add-ons it brought."""
        installed = pip_install(requirement, self.python)
        if not installed:
            return Outcome([], [f"{requirement} is already installed; nothing changed."])
        names = {canonical(name) for name, _ in installed}
        eps = [ep for ep in addon_entry_points()
               if ep.dist is not None and canonical(ep.dist.name) in names]
        dists = ", ".join(f"{name} {version}" for name, version in installed)
        if not eps:
            return Outcome([], [f"Installed {dists}, but it declares no add-on (no entry "
                                f"point in the {ENTRY_POINT_GROUP!r} group)."])
        outcome = Outcome([ep.name for ep in eps], [f"Installed {dists}."])
        installed_addons = self.installed()
        for ep in eps:
            addon = installed_addons.get(ep.name)
            if addon is not None and addon.kind == "distribution":
                update_meta(addon.meta_path, disabled=False, quarantined=None,
                            installed_at=time.time(), source=f"pip {requirement}")
                outcome.messages.append(f"Add-on {ep.name} is enabled.")
            elif addon is not None:
                outcome.messages.append(f"Add-on {ep.name} will not load: a folder add-on "
                                        "has the same package name.")
        return outcome

    def _install_checked(self, checked: CheckedAddon, source: str) -> Outcome:
        manifest = checked.manifest
        package = manifest.package
        before = self.installed()
        current = before.get(package)
        if current is not None and current.kind == "distribution":
            raise InvalidInput(f"add-on {package!r} is installed as the Python distribution "
                               f"{current.dist_name}; remove it first")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._sweep_leftovers()
        target = self.folder / package
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.folder))
        try:
            new = staging / package
            extract(checked, new, limits=self.limits)
            meta = read_meta(target / META_FILE) if target.is_dir() else {}
            had_user_files = (target / USER_FILES).is_dir()
            if had_user_files:
                # The user's files win over the defaults the new version ships (as Anki).
                copy_tree(target / USER_FILES, new / USER_FILES)
            meta.pop("quarantined", None)  # a new version gets a new chance
            meta.update(disabled=False, installed_at=time.time(), source=source)
            write_meta(new / META_FILE, meta)
            _swap_into_place(new, target, self.folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

        if current is None:
            messages = [f"Installed {manifest.name} {manifest.version}".rstrip()
                        + f" ({package})."]
        else:
            kept = [what for what, there in (("configuration", "config" in meta),
                                            (USER_FILES, had_user_files))
                    if there]
            messages = [f"Updated {manifest.name} ({package}) from "
                        f"{current.version or '?'} to {manifest.version or '?'}"
                        + (f"; kept your {' and '.join(kept)}." if kept else ".")]
        if (problem := manifest.api_problem()) is not None:
            messages.append(f"It will not load: {problem}.")
        for required in manifest.requires:
            if required not in before:
                messages.append(f"It requires {required}, which is not installed.")
        messages += self._disable_conflicts(package, manifest.conflicts)
        return Outcome([package], messages)

    # ---- Removing, enabling, disabling

    def remove(self, package: str) -> Outcome:
        addon = self.get(package)
        outcome = Outcome([package])
        if addon.kind == "distribution":
            dist = addon.dist_name
            if dist is None:
                raise InvalidInput(f"cannot tell which distribution provides {package!r}")
            siblings = sorted(other.package for other in self.installed().values()
                              if other.dist_name == dist and other.package != package)
            pip_uninstall(dist, self.python)
            addon.meta_path.unlink(missing_ok=True)
            outcome.messages.append(f"Removed {addon.name} ({package}): uninstalled {dist}.")
            if siblings:
                outcome.packages += siblings
                outcome.messages.append(f"{dist} also provided {', '.join(siblings)}, removed "
                                        "with it.")
        else:
            assert addon.folder is not None
            self._sweep_leftovers()
            trash = self.folder / f".trash-{package}-{uuid.uuid4().hex[:8]}"
            os.rename(addon.folder, trash)  # gone from the list at once, even if rmtree fails
            _remove_tree(trash)
            outcome.messages.append(f"Removed {addon.name} ({package}).")
        dependents = sorted(p for p, other in self.installed().items()
                            if other.manifest and package in other.manifest.requires)
        if dependents:
            outcome.messages.append(f"{', '.join(dependents)} require(s) {package} and will "
                                    "not load without it.")
        return outcome

    def enable(self, package: str) -> Outcome:
        """Turn an add-on on, lifting a quarantine; add-ons it conflicts with are turned off
        and named (Anki does the same, ANKI-FACTS §8.6, but silently in places)."""
        addon = self.get(package)
        was = read_meta(addon.meta_path)
        update_meta(addon.meta_path, disabled=False, quarantined=None)
        lifted = " and lifted its quarantine" if was.get("quarantined") else ""
        outcome = Outcome([package], [f"Enabled {addon.name} ({package}){lifted}."])
        conflicts = addon.manifest.conflicts if addon.manifest else ()
        outcome.messages += self._disable_conflicts(package, conflicts)
        return outcome

    def disable(self, package: str) -> Outcome:
        addon = self.get(package)
        update_meta(addon.meta_path, disabled=True)
        return Outcome([package], [f"Disabled {addon.name} ({package}); it will not load "
                                   "until you enable it."])

    def _disable_conflicts(self, package: str, conflicts: tuple[str, ...]) -> list[str]:
        """Disable enabled add-ons that conflict with `package` (either side declaring it)."""
        turned_off = []
        for other in self.installed().values():
            if other.package == package:
                continue
            declared = other.package in conflicts or (
                other.manifest is not None and package in other.manifest.conflicts)
            if declared and read_meta(other.meta_path).get("disabled") is not True:
                update_meta(other.meta_path, disabled=True)
                turned_off.append(other.package)
        if not turned_off:
            return []
        return [f"Disabled {', '.join(turned_off)}, which conflict(s) with {package}; "
                f"`repetend addons enable {turned_off[0]}` switches back."]

    # ---- Configuration

    def config(self, package: str) -> dict[str, Any] | None:
        """The add-on's configuration: its `config.json` updated with the user's values."""
        addon = self.get(package)
        return merged_config(read_defaults(addon.folder), read_meta(addon.meta_path))

    def config_help(self, package: str) -> Path | None:
        """The add-on's `config.md`, if it has one."""
        addon = self.get(package)
        path = addon.folder / CONFIG_HELP_FILE if addon.folder else None
        return path if path is not None and path.is_file() else None

    def set_config(self, package: str, text: str) -> dict[str, Any]:
        """Save JSON text as the user's configuration; refused unless it is a JSON object."""
        addon = self.get(package)
        update_meta(addon.meta_path, config=parse_config(text))
        return self.config(package) or {}

    def reset_config(self, package: str) -> dict[str, Any] | None:
        """Forget the user's values: back to the add-on's defaults."""
        addon = self.get(package)
        update_meta(addon.meta_path, config=None)
        return self.config(package)

    def _sweep_leftovers(self) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.startswith((".staging-", ".trash-")):
                try:
                    old = time.time() - path.lstat().st_mtime > _LEFTOVER_SECONDS
                except OSError:
                    continue
                if old:
                    _remove_tree(path)


def _swap_into_place(new: Path, target: Path, folder: Path) -> None:
    trash = None
    if target.exists() or target.is_symlink():
        trash = folder / f".trash-{target.name}-{uuid.uuid4().hex[:8]}"
        os.rename(target, trash)
    try:
        os.rename(new, target)
    except BaseException:
        if trash is not None:
            os.rename(trash, target)
        raise
    if trash is not None:
        _remove_tree(trash)


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)
