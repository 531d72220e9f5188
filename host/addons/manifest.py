"""`manifest.json`: what an add-on says about itself, read and checked in one place.

The manifest travels inside the add-on (Anki keeps it only inside packages and copies it
into `meta.json`, ANKI-FACTS §8.2; we keep it in the folder, so the user's `meta.json` holds
only the user's own state). Unknown keys are ignored so newer add-ons still load; known keys
with the wrong type are refused with the key named (an `api` range that cannot be read
makes the add-on incompatible, with `repetend.hooks.api_incompatibility`'s reason), because
a silently dropped `conflicts` or `requires` would load add-ons together that their author
said must not be.

    {"package": "night_mode", "name": "Night Mode", "version": "1.2.0",
     "api": {"min": 1, "max": 1}, "conflicts": ["dark_reader"], "requires": [],
     "homepage": "https://example.org/night-mode"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repetend.core.errors import InvalidInput
from repetend.hooks import api_incompatibility

MANIFEST_FILE = "manifest.json"

#: A package name is the add-on's folder and the last part of its module name
#: (`repetend_addons.<package>`), so it must be a safe folder name on every OS and importable:
#: lowercase, so two add-ons cannot differ only in case (one folder on macOS and Windows).
#: Digits may lead, for Anki-style numeric ids.
PACKAGE_RE = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")


class ManifestError(InvalidInput):
    """A manifest is missing, not JSON, or has a wrong value; the message says which."""


@dataclass(frozen=True)
class Manifest:
    package: str
    name: str
    version: str = ""
    #: The declared API levels as written (a level, {"min", "max"}, or ">=1,<2"); None = any.
    api: object = None
    conflicts: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    homepage: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def api_problem(self) -> str | None:
        """Why this add-on cannot run on this Repetend's API level, or None if it can."""
        return api_incompatibility(self.api)

    def to_json(self) -> dict[str, Any]:
        return {"package": self.package, "name": self.name, "version": self.version,
                "api": self.api,
                "conflicts": list(self.conflicts), "requires": list(self.requires),
                "homepage": self.homepage}


def check_package_name(package: object) -> str:
    """`package` if it is a valid package name, else a ManifestError saying what is allowed."""
    if not isinstance(package, str) or not PACKAGE_RE.fullmatch(package):
        raise ManifestError(
            f"invalid package name {package!r}: use 1–64 lowercase letters, digits and "
            "underscores, starting with a letter or digit")
    return package


def parse_manifest(data: object) -> Manifest:
    """A Manifest from decoded JSON; ManifestError naming the first wrong key."""
    if not isinstance(data, dict):
        raise ManifestError("manifest.json must hold a JSON object")
    package = check_package_name(data.get("package"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ManifestError("manifest.json: \"name\" must be a non-empty string")
    version = _string(data, "version")
    homepage = _string(data, "homepage")
    lists = {key: _names(data, key) for key in ("conflicts", "requires")}
    if package in lists["requires"] or package in lists["conflicts"]:
        raise ManifestError(f"manifest.json: {package!r} cannot require or conflict with itself")
    known = {"package", "name", "version", "homepage", "api", "conflicts", "requires"}
    return Manifest(package=package, name=name.strip(), version=version,
                    api=data.get("api"), conflicts=lists["conflicts"],
                    requires=lists["requires"], homepage=homepage,
                    extra={k: v for k, v in data.items() if k not in known})


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the add-on in `folder`; ManifestError if missing or invalid."""
    return parse_manifest_text((folder / MANIFEST_FILE).read_bytes()
                               if (folder / MANIFEST_FILE).is_file() else None)


def parse_manifest_text(raw: bytes | None) -> Manifest:
    if raw is None:
        raise ManifestError("manifest.json is missing")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestError(f"manifest.json is not valid JSON: {exc}") from None
    return parse_manifest(data)


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ManifestError(f"manifest.json: {key!r} must be a string")
    return value


def _names(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ManifestError(f"manifest.json: {key!r} must be a list of package names")
    for item in value:
        if not isinstance(item, str) or not PACKAGE_RE.fullmatch(item):
            raise ManifestError(f"manifest.json: {key!r} has an invalid package name {item!r}")
    return tuple(dict.fromkeys(value))
