"""Where custom scheduling scripts live, and which run in what order.

Three places hold scripts, all inside the collection, so they travel with it (sync, collection
packages):

- **global** — Anki's collection-wide script, config key `cardStateCustomizer` (a string;
  Deck Options → Advanced → Custom scheduling in Anki). Imported with collection packages as
  any config key is, so a collection coming from Anki keeps its FSRS4Anki script.
- **preset** — one script per deck-options preset, in the preset's `extra` under
  `customScheduling`: `{"code": "…", "legacyPage": false}` (a bare string is read as the
  code). It runs for cards whose home deck uses that preset; reports name it
  `preset:<preset name>`.
- **named** scripts — any number, in config key `repetendScripts`.

`repetendScripts` (collection config) is the one place that says what runs::

    {
      "order": ["global", "preset", "ease-floor"],   # the scripts that run, first to last
      "scripts": {                                    # named scripts, and options of global
        "ease-floor": {"code": "…", "legacyPage": false},
        "global": {"legacyPage": true}
      },
      "timeLimitMs": 200,                             # per script and card
      "memoryLimitMiB": 64
    }

`order` lists the enabled scripts; `global` and `preset` are the two reserved names (the
preset step runs the card's own preset's script, if it has one). Without the key the order is
`["global", "preset"]`, which is what Anki does with its one script. A name not in `order`
is kept but does not run; a name in `order` with no code is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.plugins.scripts.sandbox import DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIME_LIMIT_MS

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.deckconfig import DeckConfig

__all__ = ["ANKI_KEY", "CONFIG_KEY", "GLOBAL", "PRESET", "PRESET_KEY", "Limits", "Script",
           "ScriptsConfig", "load_config", "preset_script", "resolve", "save_config",
           "set_global", "set_named", "set_preset"]

#: Anki's collection config key for its one script.
ANKI_KEY = "cardStateCustomizer"
#: Repetend's collection config key: order, named scripts, limits.
CONFIG_KEY = "repetendScripts"
#: The key in a preset's `extra`.
PRESET_KEY = "customScheduling"
GLOBAL = "global"
PRESET = "preset"
DEFAULT_ORDER = (GLOBAL, PRESET)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_TIME_LIMIT_MS = 10_000
MAX_MEMORY_LIMIT_MIB = 1024


@dataclass(frozen=True)
class Script:
    """One script ready to run: its report name, code and options."""

    name: str
    code: str
    legacy_page: bool = False


@dataclass(frozen=True)
class Limits:
    time_ms: float = DEFAULT_TIME_LIMIT_MS
    memory_mib: float = DEFAULT_MEMORY_LIMIT_MIB


@dataclass(frozen=True)
class ScriptsConfig:
    """The parsed `repetendScripts` value (defaults filled in, bad entries dropped)."""

    order: tuple[str, ...] = DEFAULT_ORDER
    #: name → {"code": str, "legacyPage": bool}; "global" holds only options
    scripts: dict[str, dict[str, Any]] | None = None
    limits: Limits = Limits()

    def named(self) -> dict[str, dict[str, Any]]:
        return dict(self.scripts or {})

    def to_json(self) -> dict[str, Any]:
        return {"order": list(self.order), "scripts": self.named(),
                "timeLimitMs": self.limits.time_ms, "memoryLimitMiB": self.limits.memory_mib}


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise InvalidInput(f"script name {name!r}: use letters, digits, '-', '_' or '.' "
                           "(up to 64, starting with a letter or digit)")
    return name


def _number(value: Any, default: float, high: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= high:
        return float(value)
    return default


def load_config(col: Collection) -> ScriptsConfig:
    raw = col.get_config(CONFIG_KEY, None)
    if not isinstance(raw, dict):
        return ScriptsConfig()
    order_raw = raw.get("order", list(DEFAULT_ORDER))
    order: list[str] = []
    if isinstance(order_raw, list):
        for name in order_raw:
            if isinstance(name, str) and name not in order:
                order.append(name)
    scripts: dict[str, dict[str, Any]] = {}
    scripts_raw = raw.get("scripts", {})
    if isinstance(scripts_raw, dict):
        for name, entry in scripts_raw.items():
            if isinstance(name, str) and isinstance(entry, dict):
                code = entry.get("code", "")
                scripts[name] = {"code": code if isinstance(code, str) else "",
                                 "legacyPage": entry.get("legacyPage") is True}
    limits = Limits(_number(raw.get("timeLimitMs"), DEFAULT_TIME_LIMIT_MS, MAX_TIME_LIMIT_MS),
                    _number(raw.get("memoryLimitMiB"), DEFAULT_MEMORY_LIMIT_MIB,
                            MAX_MEMORY_LIMIT_MIB))
    return ScriptsConfig(tuple(order), scripts, limits)


def save_config(col: Collection, config: ScriptsConfig) -> None:
    """One undoable step ("Change Preferences")."""
    col.set_config(CONFIG_KEY, config.to_json())


def global_code(col: Collection) -> str:
    code = col.get_config(ANKI_KEY, "")
    return code if isinstance(code, str) else ""


def preset_script(conf: DeckConfig) -> Script | None:
    """The preset's script, or None when it has none."""
    raw = conf.extra.get(PRESET_KEY)
    if isinstance(raw, str):
        code, legacy = raw, False
    elif isinstance(raw, dict) and isinstance(raw.get("code"), str):
        code, legacy = raw["code"], raw.get("legacyPage") is True
    else:
        return None
    return Script(f"{PRESET}:{conf.name}", code, legacy) if code.strip() else None


def resolve(col: Collection, config: ScriptsConfig, preset: DeckConfig | None) -> list[Script]:
    """The scripts to run, in order, for a card whose home deck uses `preset`."""
    out: list[Script] = []
    named = config.named()
    for name in config.order:
        if name == GLOBAL:
            code = global_code(col)
            if code.strip():
                out.append(Script(GLOBAL, code,
                                  named.get(GLOBAL, {}).get("legacyPage") is True))
        elif name == PRESET:
            script = preset_script(preset) if preset is not None else None
            if script is not None:
                out.append(script)
        else:
            entry = named.get(name)
            if entry and entry["code"].strip():
                out.append(Script(name, entry["code"], entry["legacyPage"]))
    return out


# --- changing what is stored (each call is one undoable step) ------------------------------

def set_global(col: Collection, code: str | None, legacy_page: bool | None = None) -> None:
    """Set (or with None/"" clear) Anki's collection-wide script."""
    if code is not None:
        col.set_config(ANKI_KEY, code)
    if legacy_page is not None:
        config = load_config(col)
        named = config.named()
        named[GLOBAL] = {"code": "", "legacyPage": legacy_page}
        save_config(col, replace(config, scripts=named))


def find_preset(col: Collection, name: str) -> DeckConfig:
    for conf in col.deck_configs():
        if conf.name == name:
            return conf
    for conf in col.deck_configs():
        if conf.name.casefold() == name.casefold():
            return conf
    raise NotFoundError(f"no deck options preset named {name!r}")


def set_preset(col: Collection, preset: str, code: str | None,
               legacy_page: bool = False) -> DeckConfig:
    """Set (or with None/"" remove) the script of a preset: "Update Deck Options"."""
    conf = find_preset(col, preset)
    if code:
        conf.extra[PRESET_KEY] = {"code": code, "legacyPage": legacy_page}
    else:
        conf.extra.pop(PRESET_KEY, None)
    return col.save_deck_config(conf)


def set_named(col: Collection, name: str, code: str | None, legacy_page: bool = False,
              enable: bool = True) -> None:
    """Add, replace or (code None) remove a named script; a new one is enabled (appended to
    the order) unless `enable` is False."""
    if name in (GLOBAL, PRESET) or name.startswith(f"{PRESET}:"):
        raise InvalidInput(f"{name!r} is reserved: use --global or --preset")
    check_name(name)
    config = load_config(col)
    named = config.named()
    order = list(config.order)
    if code is None:
        if name not in named:
            raise NotFoundError(f"no script named {name!r}")
        del named[name]
        order = [n for n in order if n != name]
    else:
        if name not in named and enable and name not in order:
            order.append(name)
        named[name] = {"code": code, "legacyPage": legacy_page}
    save_config(col, replace(config, order=tuple(order), scripts=named))


def known_names(col: Collection, config: ScriptsConfig) -> list[str]:
    return [GLOBAL, PRESET, *[n for n in config.named() if n != GLOBAL]]


def set_order(col: Collection, names: list[str]) -> ScriptsConfig:
    """Enable exactly `names`, in this order."""
    config = load_config(col)
    known = known_names(col, config)
    for name in names:
        if name not in known:
            raise NotFoundError(f"no script named {name!r} (known: {', '.join(known)})")
    if len(set(names)) != len(names):
        raise InvalidInput("a script can appear only once in the order")
    config = replace(config, order=tuple(names))
    save_config(col, config)
    return config


def enable(col: Collection, name: str, position: int | None = None) -> ScriptsConfig:
    """Enable `name` at `position` (1 = first; default: last, or where it already is)."""
    config = load_config(col)
    order = list(config.order)
    if name in order and position is None:
        return config
    order = [n for n in order if n != name]
    if position is None:
        order.append(name)
    else:
        order.insert(max(position - 1, 0), name)
    return set_order(col, order)


def disable(col: Collection, name: str) -> ScriptsConfig:
    config = load_config(col)
    if name not in known_names(col, config):
        raise NotFoundError(f"no script named {name!r}")
    return set_order(col, [n for n in config.order if n != name])


def set_limits(col: Collection, time_ms: float | None = None,
               memory_mib: float | None = None) -> ScriptsConfig:
    config = load_config(col)
    limits = config.limits
    if time_ms is not None:
        if not 0 < time_ms <= MAX_TIME_LIMIT_MS:
            raise InvalidInput(f"the time limit must be between 1 and {MAX_TIME_LIMIT_MS} ms")
        limits = replace(limits, time_ms=float(time_ms))
    if memory_mib is not None:
        if not 1 <= memory_mib <= MAX_MEMORY_LIMIT_MIB:
            raise InvalidInput("the memory limit must be between 1 and "
                               f"{MAX_MEMORY_LIMIT_MIB} MiB")
        limits = replace(limits, memory_mib=float(memory_mib))
    config = replace(config, limits=limits)
    save_config(col, config)
    return config


def listing(col: Collection) -> list[dict[str, Any]]:
    """Every stored script: name, where it lives, whether and where it runs."""
    config = load_config(col)
    named = config.named()
    position = {name: i + 1 for i, name in enumerate(config.order)}
    rows: list[dict[str, Any]] = []

    def row(name: str, kind: str, code: str, legacy: bool, step: str) -> None:
        rows.append({"name": name, "kind": kind, "enabled": step in position,
                     "position": position.get(step), "lines": code.count("\n") + 1 if code
                     else 0, "bytes": len(code.encode()), "legacyPage": legacy})

    code = global_code(col)
    if code.strip() or GLOBAL in named:
        row(GLOBAL, "global", code, named.get(GLOBAL, {}).get("legacyPage") is True, GLOBAL)
    for conf in col.deck_configs():
        script = preset_script(conf)
        if script is not None:
            row(script.name, "preset", script.code, script.legacy_page, PRESET)
    for name, entry in named.items():
        if name != GLOBAL:
            row(name, "named", entry["code"], entry["legacyPage"], name)
    return rows


def code_of(col: Collection, name: str) -> Script:
    """A stored script by its report name (global, preset:<name>, or a named script)."""
    if name == GLOBAL:
        config = load_config(col)
        return Script(GLOBAL, global_code(col),
                      config.named().get(GLOBAL, {}).get("legacyPage") is True)
    if name.startswith(f"{PRESET}:"):
        script = preset_script(find_preset(col, name.split(":", 1)[1]))
        if script is None:
            raise NotFoundError(f"preset {name.split(':', 1)[1]!r} has no script")
        return script
    entry = load_config(col).named().get(name)
    if entry is None:
        raise NotFoundError(f"no script named {name!r}")
    return Script(name, entry["code"], entry["legacyPage"])


def enabled_count(col: Collection) -> int:
    """How many stored scripts would run for some card (for the safe-mode notice)."""
    config = load_config(col)
    count = 0
    for name in config.order:
        if name == GLOBAL:
            count += bool(global_code(col).strip())
        elif name == PRESET:
            count += sum(preset_script(c) is not None for c in col.deck_configs())
        else:
            count += bool(config.named().get(name, {}).get("code", "").strip())
    return count
