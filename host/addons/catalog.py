"""What is installed: the add-on folders of a profile and the `repetend` entry points.

Listing reads manifests and never imports an add-on, so `repetend addons list`, enabling
and removing work even when an add-on is broken. An add-on that cannot be loaded for a
reason visible here (invalid manifest, folder name not matching its package, the same
package twice) is listed with `problem` set instead of being skipped in silence.

    <profile>/addons/
        <package>/__init__.py  manifest.json  meta.json  config.json  config.md  user_files/
        .meta/<package>.json     saved state of add-ons installed as Python distributions
        .loading-<pid>.json      crash breadcrumbs (crash.py)
        .staging-*/  .trash-*/   transient, during install and remove (manager.py)
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from repetend.host.addons.distributions import addon_entry_points, distribution_name
from repetend.host.addons.manifest import (
    MANIFEST_FILE,
    PACKAGE_RE,
    Manifest,
    ManifestError,
    read_manifest,
)
from repetend.host.addons.meta import ENTRY_POINT_META_DIR, META_FILE
from repetend.host.addons.package import INIT_FILE

Kind = Literal["folder", "distribution"]


@dataclass(frozen=True)
class Installed:
    """One installed add-on, as found on disk (nothing imported)."""

    package: str
    kind: Kind
    manifest: Manifest | None  # None when the manifest is missing or invalid
    problem: str | None  # why it cannot be loaded, if that is known without importing it
    folder: Path | None  # folder add-ons
    entry_point: importlib.metadata.EntryPoint | None  # distribution add-ons
    meta_path: Path

    @property
    def name(self) -> str:
        return self.manifest.name if self.manifest else self.package

    @property
    def version(self) -> str:
        return self.manifest.version if self.manifest else ""

    @property
    def dist_name(self) -> str | None:
        return distribution_name(self.entry_point) if self.entry_point else None


def scan(addons_folder: Path, *, entry_points: bool = True) -> dict[str, Installed]:
    """Every installed add-on by package name: folders (sorted), then distributions."""
    found: dict[str, Installed] = {}
    if addons_folder.is_dir():
        for folder in sorted(addons_folder.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir() or not (
                    (folder / INIT_FILE).exists() or (folder / MANIFEST_FILE).exists()):
                continue  # dot folders are Repetend's; other folders are not add-ons
            addon = _folder_addon(folder)
            found.setdefault(addon.package, addon)
    if entry_points:
        for ep in addon_entry_points():
            addon = _distribution_addon(addons_folder, ep)
            if addon.package in found:
                other = found[addon.package]
                where = ("a folder add-on" if other.kind == "folder"
                         else f"distribution {other.dist_name}")
                key = f"{addon.package}@{addon.dist_name}"
                found[key] = replace(addon, package=key, problem=(
                    f"the package name {addon.package!r} is already used by {where}"))
                continue
            found[addon.package] = addon
    return found


def _folder_addon(folder: Path) -> Installed:
    problem = None
    manifest = None
    try:
        manifest = read_manifest(folder)
    except ManifestError as exc:
        problem = str(exc)
    if manifest is not None and manifest.package != folder.name:
        problem = (f"its folder is called {folder.name!r} but its manifest says package "
                   f"{manifest.package!r}")
    elif not (folder / INIT_FILE).is_file():
        problem = f"{INIT_FILE} is missing"
    return Installed(package=folder.name, kind="folder", manifest=manifest, problem=problem,
                     folder=folder, entry_point=None, meta_path=folder / META_FILE)


def _distribution_addon(addons_folder: Path, ep: importlib.metadata.EntryPoint) -> Installed:
    dist = ep.dist
    problem = None
    manifest = None
    if not PACKAGE_RE.fullmatch(ep.name):
        problem = (f"the entry point name {ep.name!r} is not a valid package name (lowercase "
                   "letters, digits, underscores)")
    else:
        meta = dist.metadata if dist is not None else None
        home = (meta.get("Home-page") if meta is not None else None) or ""
        manifest = Manifest(package=ep.name,
                            name=(meta.get("Name") if meta is not None else None) or ep.name,
                            version=dist.version if dist is not None else "",
                            homepage=home)
    return Installed(package=ep.name, kind="distribution", manifest=manifest, problem=problem,
                     folder=None, entry_point=ep,
                     meta_path=addons_folder / ENTRY_POINT_META_DIR / f"{ep.name}.json")
