"""The add-on API level, and the check of an add-on's declared range against it.

An add-on's manifest says which API levels it supports (`"api"`); the add-on loader calls
`api_incompatibility` with that value and refuses the add-on with the reason it returns, so
the user reads "needs add-on API >=2, this Repetend provides 1" instead of a crash later.
"""

from __future__ import annotations

import re

#: The add-on API level. Increased when a hook is removed or changes meaning (adding a hook,
#: or adding an argument to one, does not: implementations may take a subset of arguments).
API_VERSION = 1

_CLAUSE = re.compile(r"^(==|!=|>=|<=|>|<)?\s*(\d+)$")

_COMPARE = {
    "==": lambda have, want: have == want,
    "!=": lambda have, want: have != want,
    ">=": lambda have, want: have >= want,
    "<=": lambda have, want: have <= want,
    ">": lambda have, want: have > want,
    "<": lambda have, want: have < want,
}


def api_incompatibility(spec: object, version: int = API_VERSION) -> str | None:
    """Why an add-on that declares `spec` cannot run on API level `version`, or None if it can.

    `spec` is the manifest's `"api"` value, in one of these forms:

    - `None` (not declared): no constraint, so None;
    - an integer: exactly that level, e.g. `1`;
    - a mapping with optional inclusive bounds, e.g. `{"min": 1, "max": 1}`;
    - a string of comma-separated comparisons, e.g. `">=1,<2"`, `"==1"` or just `"1"`.

    A value that is none of these is incompatible too, and the reason says what is wrong
    with it. The reason is a sentence fragment to show after the add-on's name.
    """
    if spec is None:
        return None
    try:
        clauses = _parse(spec)
    except ValueError as exc:
        return f"its add-on API range {spec!r} is not understood: {exc}"
    failed = [f"{op}{want}" for op, want in clauses if not _COMPARE[op](version, want)]
    if failed:
        wanted = ",".join(f"{op}{want}" for op, want in clauses).removeprefix("==")
        return (f"it needs add-on API {wanted}, but this Repetend provides API {version}")
    return None


def _parse(spec: object) -> list[tuple[str, int]]:
    if isinstance(spec, bool):  # bool is an int subclass; `true` in a manifest is a mistake
        raise ValueError("expected a level, a {min, max} mapping or a string like '>=1,<2'")
    if isinstance(spec, int):
        return [("==", spec)]
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - {"min", "max"})
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(map(repr, unknown))}; use min and max")
        bounds = {key: spec[key] for key in ("min", "max") if spec.get(key) is not None}
        for key, value in bounds.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{key} must be an integer, not {value!r}")
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            raise ValueError("min is greater than max")
        return [(">=" if key == "min" else "<=", value) for key, value in bounds.items()]
    if isinstance(spec, str):
        clauses = []
        for part in spec.split(","):
            match = _CLAUSE.match(part.strip())
            if match is None:
                raise ValueError(f"{part.strip()!r} is not a comparison like '>=1'")
            clauses.append((match.group(1) or "==", int(match.group(2))))
        return clauses
    raise ValueError("expected a level, a {min, max} mapping or a string like '>=1,<2'")
