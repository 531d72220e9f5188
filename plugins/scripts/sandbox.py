"""One evaluation of a custom scheduling script in a fresh quickjs context.

The script is wrapped exactly as Anki wraps it (ANKI-FACTS §2.2, PEERS §4.1): it is the body
of `async (states, customData, ctx) => { … }`, on lines of its own, in sloppy mode — so a
top-level `return` or `await` works and an undeclared assignment creates a global. Every
evaluation gets a new context (PEERS §4.4.2: FSRS4Anki leaves globals such as `deck_name`
and `Math.seedrandom` behind), with a time and a memory limit, and nothing from outside:
no file, network, module loader or Python callable is reachable from the script. What the
script sees besides the language: `console.log/info/warn/error/debug` (captured),
`Object.hasOwn` (quickjs lacks it; every current FSRS4Anki version needs it, PEERS §4.4.3),
and in the opt-in legacy page mode a small `document` stub (PEERS §4.4.7).

The async function is driven to the end here: the job queue runs until its promise settles.
Whatever goes wrong — a syntax error, an exception, a timeout, running out of memory, a
promise that never settles, a browser API quickjs lacks (`setTimeout` …), or a result that
is not valid states and custom data — the evaluation's `error` says what, with the script's
line where there is one, and its states and custom data are the ones it was given.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import quickjs

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.floats import U32_MAX, f32
from repetend.core.scheduler.states import SchedulingStates, state_from_json
from repetend.core.scheduler.validation import check_states

__all__ = ["BUTTONS", "DEFAULT_MEMORY_LIMIT_MIB", "DEFAULT_TIME_LIMIT_MS", "Evaluation",
           "LogLine", "ScriptError", "evaluate", "page_text"]

BUTTONS = ("again", "hard", "good", "easy")
DEFAULT_TIME_LIMIT_MS = 200
DEFAULT_MEMORY_LIMIT_MIB = 64
#: Console output kept per evaluation (lines, characters per line).
MAX_LOG_LINES = 200
MAX_LOG_CHARS = 2000

ErrorKind = Literal["syntax", "runtime", "unsupported", "timeout", "memory", "unsettled",
                    "invalid"]


@dataclass(frozen=True)
class ScriptError:
    """Why an evaluation's result was not used."""

    #: syntax, runtime (an exception), unsupported (a browser API scripts cannot have),
    #: timeout, memory, unsettled (the promise never settled) or invalid (the result)
    kind: ErrorKind
    message: str
    #: line in the script (1 = its first line), when known
    line: int | None = None
    #: the script's name, for reports
    script: str = "script"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "line": self.line}

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.script}: {self.kind}: {self.message}{where}"


@dataclass(frozen=True)
class LogLine:
    """One console call: its level (log, info, warn, error, debug), text and script line."""

    level: str
    text: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "text": self.text, "line": self.line}


@dataclass(frozen=True)
class Evaluation:
    """What one run of a script produced.

    `states` is the states JSON to use (the script's, or the input's when `error` is set);
    `custom_data` the custom data text per button, likewise; `changed_custom_data` is False
    when the input's was kept.
    """

    states: dict[str, Any]
    custom_data: dict[str, str]
    log: tuple[LogLine, ...] = ()
    error: ScriptError | None = None
    elapsed_ms: float = 0.0
    changed_custom_data: bool = field(default=False)
    #: the result as engine states (checked), when the evaluation succeeded
    parsed: SchedulingStates | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        """The `repetend script run --json` shape."""
        return {"states": self.states,
                "customData": {b: _parse_object(self.custom_data.get(b, "")) for b in BUTTONS},
                "log": [line.as_dict() for line in self.log],
                "error": self.error.as_dict() if self.error else None}


# --- the JavaScript around the script ----------------------------------------------------
#
# Everything Repetend adds runs on the FIRST line of the evaluated source, so the script's
# line N is source line N + 1 and stack frames on line 1 are ours. The prelude is an
# immediately called function whose locals the script cannot see (the script's function is
# an argument expression outside it). It is kept small, because quickjs compiles it again
# for every evaluation (about 0.1 ms per KB), and free of `//` comments: it is joined into
# one line. Its input comes as a JSON string in the global `__repetend_input` (JSON.parse is
# much faster than compiling an object literal), deleted before the script starts.

_PRELUDE = r"""
(function (I) {
  delete globalThis.__repetend_input; I = JSON.parse(I);
  var B = ["again", "hard", "good", "easy"], log = [], h = {s: 0}, g = globalThis;
  function show(v) {
    if (typeof v == "string") return v;
    if (typeof v == "bigint") return v + "n";
    try { var s = JSON.stringify(v, function (k, x) {
      return typeof x == "bigint" ? String(x) : x; }); } catch (e) {}
    return s === undefined ? String(v) : s; }
  function w(level) { return function () {
    if (log.length < %(max_lines)d) log.push([level,
      Array.prototype.map.call(arguments, show).join(" ").slice(0, %(max_chars)d),
      new Error().stack]); else h.d = 1; }; }
  g.console = {log: w("log"), info: w("info"), warn: w("warn"), error: w("error"),
               debug: w("debug")};
  if (!Object.hasOwn) Object.defineProperty(Object, "hasOwn", {writable: true,
    configurable: true, value: function hasOwn(o, k) {
      if (o == null) throw new TypeError("Object.hasOwn called on " + o);
      return Object.prototype.hasOwnProperty.call(o, k); }});
  var st = I.states, cd = {}, ctx = I.ctx;
  B.forEach(function (b) { try { var v = JSON.parse(I.customData[b]); } catch (e) {}
    cd[b] = v && typeof v == "object" && !Array.isArray(v) ? v : {}; });
  if (I.seed !== null) ctx.seed = BigInt(I.seed);
  %(page)s
  function err(e) { return e instanceof Error ? [e.name, String(e.message), e.stack]
    : [null, show(e), null, e === null]; }
  Object.defineProperty(g, "__repetend_outcome", {value: function () {
    return JSON.stringify([h.s, h.r, h.e, log, h.d]); }});
  return function (f) { f(st, cd, ctx).then(function () {
    try { var p = {};
      B.forEach(function (b) { p[b] = JSON.stringify(cd[b]); });
      h.r = JSON.stringify([st, p], function (k, v) {
        return v === undefined || typeof v == "bigint" || typeof v == "number" && !isFinite(v)
          ? {"\u0000": String(v)} : v; });
      h.s = 1; } catch (e) { h.e = err(e); h.e[4] = 1; h.s = 2; }
  }, function (e) { h.e = err(e); h.s = 2; }); };
})(__repetend_input)(async (states, customData, ctx) => {
"""

#: The `document` of legacy page mode (PEERS §4.4.7): `#qa` holds the question's text,
#: `#deck` the deck name (as `deck_name` attribute and as text); elements created and
#: appended can be found by id; every other call does nothing.
_PAGE = r"""
  if (I.page) { var ids = {}, el = function (id, a, t) { return {id: id, innerHTML: t,
      innerText: t, textContent: t, className: "", style: {cssText: ""},
      getAttribute: function (k) { return a.hasOwnProperty(k) ? a[k] : null; },
      setAttribute: function (k, v) { a[k] = String(v); },
      appendChild: function (c) { if (c && c.id) ids[c.id] = c; return c; },
      remove: function () { if (ids[this.id] === this) delete ids[this.id]; },
      addEventListener: function () {}, querySelector: function () { return null; },
      querySelectorAll: function () { return []; }}; };
    ids.deck = el("deck", {deck_name: I.page.deckName}, I.page.deckName);
    ids.qa = el("qa", {}, I.page.question);
    g.document = {body: el("", {}, ""), createElement: function () { return el("", {}, ""); },
      getElementById: function (id) { return ids.hasOwnProperty(id) ? ids[id] : null; },
      querySelector: function () { return null; }, querySelectorAll: function () { return []; }};
  }
"""


def _one_line(js: str) -> str:
    line = " ".join(part.strip() for part in js.strip().splitlines())
    assert "//" not in line, "the prelude must not hold // comments"
    return line


_PRELUDE_PLAIN = _one_line(_PRELUDE % {"max_lines": MAX_LOG_LINES,
                                       "max_chars": MAX_LOG_CHARS, "page": ""})
_PRELUDE_PAGE = _one_line(_PRELUDE % {"max_lines": MAX_LOG_LINES,
                                      "max_chars": MAX_LOG_CHARS, "page": _PAGE})

#: Names of browser APIs a script may reach for; a ReferenceError naming one becomes an
#: `unsupported` error that says so, instead of quickjs's bare "'x' is not defined".
_BROWSER_APIS = frozenset({
    "setTimeout", "setInterval", "clearTimeout", "clearInterval", "setImmediate",
    "requestAnimationFrame", "queueMicrotask", "structuredClone", "fetch", "XMLHttpRequest",
    "WebSocket", "Worker", "localStorage", "sessionStorage", "indexedDB", "window", "self",
    "navigator", "location", "alert", "confirm", "prompt", "atob", "btoa", "TextEncoder",
    "TextDecoder", "URL", "crypto", "performance", "require", "process", "module",
    "importScripts", "bridgeCommand", "pycmd", "anki", "document",
})
_NOT_DEFINED = re.compile(r"^'([\w$]+)' is not defined$")
_SOURCE_LINE = re.compile(r"<input>:(\d+)")
_THROW_NULL = re.compile(r"\bthrow\s+null\b")


def _parse_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def page_text(html: str) -> str:
    """Roughly what a browser's `innerText` gives for rendered card HTML (for the legacy
    page's `#qa` element)."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</(div|p|li|tr)>", "\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    for entity, char in (("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'),
                         ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text.strip()


def evaluate(code: str, states: dict[str, Any], custom_data: str | dict[str, str] = "",
             ctx: dict[str, Any] | None = None, *, name: str = "script",
             legacy_page: bool = False, question: str = "",
             time_limit_ms: float = DEFAULT_TIME_LIMIT_MS,
             memory_limit_mib: float = DEFAULT_MEMORY_LIMIT_MIB) -> Evaluation:
    """Run `code` once on `states` (Anki's camelCase JSON, `current` … `easy`).

    `custom_data` is the card's custom data text (Anki keeps it in the card's `data.cd`),
    or one text per button when an earlier step already changed them; the script sees each
    parsed (`{}` when empty or not an object). `ctx` is the script's third argument:
    `deckName`, `seed` (an integer; the script gets a BigInt, as in Anki), and whatever else
    the caller adds (`now`, `today`, `nextDayStartsAt`). `legacy_page` adds the `document`
    stub, whose `#qa` element's text is `question` and whose `#deck` element carries the deck
    name (the `<div id=deck deck_name="{{Deck}}">` old FSRS4Anki versions asked users to put
    in their templates).

    Never raises for anything the script does; see `Evaluation.error`.
    """
    start = time.perf_counter()
    if isinstance(custom_data, str):
        given = {b: custom_data for b in BUTTONS}
    else:
        given = {b: custom_data.get(b, "") for b in BUTTONS}
    ctx = dict(ctx or {})
    seed = ctx.pop("seed", None)
    seed_text = _seed_text(seed)
    states_given = states  # returned as they came when the script fails (never changed)
    states_in = states
    if isinstance(custom_data, str) and isinstance(states.get("current"), dict):
        # Anki puts the card's stored custom data on the current state (ANKI-FACTS §2.2).
        states_in = {**states, "current": {**states["current"], "customData": custom_data}}

    def done(error: ScriptError | None, log: tuple[LogLine, ...] = (),
             result: tuple[dict[str, Any], dict[str, str]] | None = None) -> Evaluation:
        elapsed = (time.perf_counter() - start) * 1000
        if error is not None or result is None:
            return Evaluation(states_given, given, log, error, elapsed)
        out_states, out_custom = result
        return Evaluation(out_states, out_custom, log, None, elapsed,
                          changed_custom_data=out_custom != given)

    payload = {"states": states_in, "customData": given, "ctx": ctx, "seed": seed_text,
               "page": {"deckName": str(ctx.get("deckName", "")),
                        "question": question or (seed_text or "")} if legacy_page else None}
    source = (_PRELUDE_PAGE if legacy_page else _PRELUDE_PLAIN) + "\n" + code + "\n});\n"
    script_lines = code.count("\n") + 1
    limit_s = max(float(time_limit_ms), 1.0) / 1000.0

    def attempt(cpu_factor: float) -> Evaluation:
        # The budget is this thread's CPU time (the script runs on it): neither other threads
        # nor waiting for the GIL count against the script.
        cpu_start = time.thread_time()

        def remaining() -> float:
            return limit_s - (time.thread_time() - cpu_start)
        context = quickjs.Context()
        context.set_memory_limit(int(memory_limit_mib * 1024 * 1024))
        context.set_time_limit(max(remaining(), 0.001) * cpu_factor)
        context.set("__repetend_input", json.dumps(payload))
        try:
            context.eval(source)
        except quickjs.JSException as exc:
            text = str(exc)
            if "interrupted" in text:
                return done(_timeout(name, time_limit_ms))
            if "out of memory" in text:
                return done(_memory(name, memory_limit_mib))
            message, _, stack = text.partition("\n")
            line = _source_line(stack, script_lines)
            if message.startswith("SyntaxError"):
                return done(ScriptError("syntax", message, line, name))
            return done(ScriptError("runtime", message, line, name))

        # Drive the promise: run jobs until none are left, within the time left.
        timed_out = False
        job_error: str | None = None
        while True:
            left = remaining()
            if left <= 0:
                timed_out = True
                break
            context.set_time_limit(left * cpu_factor)
            try:
                if not context.execute_pending_job():
                    break
            except quickjs.JSException as exc:
                job_error = str(exc)
                if "interrupted" in job_error:
                    timed_out = True
                    break
        # Read what happened (the log too after a timeout: it is what helps find the loop).
        context.set_time_limit(0.05)
        try:
            state, result, error, raw_log, dropped = json.loads(
                context.get("__repetend_outcome")())
        except (quickjs.JSException, ValueError, TypeError) as exc:
            if timed_out:
                return done(_timeout(name, time_limit_ms))
            if "out of memory" in str(exc) or (job_error and "out of memory" in job_error):
                return done(_memory(name, memory_limit_mib))
            return done(ScriptError("runtime", f"the script's result could not be read: {exc}",
                                    None, name))
        log = tuple(LogLine(level, text, _source_line(stack or "", script_lines))
                    for level, text, stack in raw_log)
        if dropped:
            log += (LogLine("warn", f"(console output cut after {MAX_LOG_LINES} lines)"),)

        if timed_out:
            return done(_timeout(name, time_limit_ms), log)
        if state == 0:
            if job_error and "out of memory" in job_error:
                return done(_memory(name, memory_limit_mib), log)
            return done(ScriptError(
                "unsettled", "the script's promise never settled (it awaited something that "
                "never happens; there are no timers or events to wait for)", None, name), log)
        if state == 2:
            return done(_from_js_error(error, name, script_lines, memory_limit_mib,
                                       time_limit_ms, bool(_THROW_NULL.search(code))), log)
        try:
            out_states, out_custom, parsed = check_result(json.loads(result), states_in,
                                                          given)
        except InvalidResult as exc:
            return done(ScriptError("invalid", str(exc), None, name), log)
        return replace(done(None, log, (out_states, out_custom)), parsed=parsed)


    cpu_start = time.thread_time()
    first = attempt(1.0)
    if first.error is not None and first.error.kind == "timeout" and \
            time.thread_time() - cpu_start < limit_s * 0.9:
        # quickjs's own limit counts CPU time of the whole process, so busy threads
        # elsewhere (the GUI's web views, a test run) can use it up before this script has
        # had its time. Run once more with room for them: a real endless loop is still
        # stopped, after at most twice the limit.
        return attempt(float(os.cpu_count() or 2))
    return first

def _seed_text(seed: Any) -> str | None:
    if seed is None:
        return None
    try:
        value = int(seed)
    except (TypeError, ValueError):
        return None
    return str(value) if value >= 0 else None


def _timeout(name: str, limit_ms: float) -> ScriptError:
    return ScriptError("timeout", f"the script ran longer than {limit_ms:g} ms and was "
                       "stopped (an endless loop?)", None, name)


def _memory(name: str, limit_mib: float) -> ScriptError:
    return ScriptError("memory", f"the script used more than {limit_mib:g} MiB of memory and "
                       "was stopped", None, name)


def _source_line(text: str, script_lines: int) -> int | None:
    for match in _SOURCE_LINE.finditer(text):
        line = int(match.group(1)) - 1
        if 1 <= line <= script_lines:
            return line
    return None


def _from_js_error(error: list[Any], name: str, script_lines: int, limit_mib: float,
                   limit_ms: float, throws_null: bool = False) -> ScriptError:
    """The ScriptError for what the script's promise was rejected with (or what packing its
    result threw): [name, message, stack, thrown null?, while packing?]."""
    error = list(error) + [None] * (5 - len(error))
    kind, message, stack, is_null, packing = error[:5]
    message = message or ""
    line = _source_line(stack or "", script_lines)
    if packing:
        return ScriptError("invalid", f"the result cannot be turned into JSON: {kind}: "
                           f"{message}", line, name)
    if kind == "InternalError" and message == "out of memory" or is_null and not throws_null:
        # quickjs rejects with null when it cannot even allocate the error object; a script
        # that throws null itself is told apart by its text.
        return _memory(name, limit_mib)
    if kind == "InternalError" and message == "interrupted":
        return _timeout(name, limit_ms)
    missing = _NOT_DEFINED.match(message) if kind == "ReferenceError" else None
    if missing and missing.group(1) in _BROWSER_APIS:
        api = missing.group(1)
        hint = (" (scheduling scripts run without a page; old scripts that read the page "
                "need legacy page mode)" if api == "document" else
                " (scheduling scripts run outside any web page: there are no timers, "
                "network or storage; change the states before the script returns)")
        return ScriptError("unsupported", f"{api} is not available to scheduling scripts"
                           + hint, line, name)
    if kind is None:
        return ScriptError("runtime", f"the script threw {message}", line, name)
    return ScriptError("runtime", f"{kind}: {message}", line, name)


# --- checking the result -----------------------------------------------------------------

class InvalidResult(ValueError):
    """The script's states or custom data cannot be used; the message names the field."""


_NORMAL_FIELDS: dict[str, dict[str, str]] = {
    "new": {"position": "uint"},
    "learning": {"remainingSteps": "uint", "scheduledSecs": "uint", "elapsedSecs": "uint",
                 "memoryState": "memory"},
    "review": {"scheduledDays": "uint", "elapsedDays": "uint", "easeFactor": "float",
               "lapses": "uint", "leeched": "bool", "memoryState": "memory"},
    "relearning": {"review": "review", "learning": "learning"},
}
_FILTERED_FIELDS: dict[str, dict[str, str]] = {
    "preview": {"scheduledSecs": "uint", "finished": "bool"},
    "rescheduling": {"originalState": "normal"},
}
_OPTIONAL = {"memoryState"}


def _what(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"\x00"}:
        return str(value["\x00"])
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) == {"\x00"}:
        raise InvalidResult(f"{where} must be an object, not {_what(value)}")
    return value


def _one_of(value: Any, where: str, kinds: dict[str, Any], extra: frozenset[str] = frozenset()
            ) -> str:
    obj = _object(value, where)
    chosen = [k for k in obj if k not in extra]
    if len(chosen) != 1:
        names = "/".join(kinds)
        found = ", ".join(chosen) or "none"
        raise InvalidResult(f"{where} must hold exactly one of {names}, not {found}")
    if chosen[0] not in kinds:
        raise InvalidResult(f"{where}.{chosen[0]} is not a known state kind "
                            f"(expected {'/'.join(kinds)})")
    return chosen[0]


def _fields(value: Any, where: str, spec: dict[str, str]) -> None:
    obj = _object(value, where)
    for key in obj:
        if key not in spec:
            raise InvalidResult(f"{where}.{key} is not a field of this state")
    for key, kind in spec.items():
        path = f"{where}.{key}"
        if key not in obj:
            if key in _OPTIONAL:
                continue
            raise InvalidResult(f"{path} is missing")
        _field(obj[key], path, kind)


def _field(value: Any, where: str, kind: str) -> None:
    if kind == "uint":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidResult(f"{where} must be a whole number, not {_what(value)}")
        if not 0 <= value <= U32_MAX:
            raise InvalidResult(f"{where} must be between 0 and {U32_MAX}, not {value}")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidResult(f"{where} must be a number, not {_what(value)}")
        if value < 0 or not math.isfinite(f32(value)):
            raise InvalidResult(f"{where} must be a finite number of at least 0, not {value}")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise InvalidResult(f"{where} must be true or false, not {_what(value)}")
    elif kind == "memory":
        _fields(value, where, {"stability": "float", "difficulty": "float"})
    elif kind in ("learning", "review"):
        _fields(value, where, _NORMAL_FIELDS[kind])
    elif kind == "normal":
        _normal(value, where)
    else:  # pragma: no cover - the tables above name only these
        raise AssertionError(kind)


def _normal(value: Any, where: str) -> None:
    kind = _one_of(value, where, _NORMAL_FIELDS)
    _fields(value[kind], f"{where}.{kind}", _NORMAL_FIELDS[kind])


_STATE_KINDS = {"normal": None, "filtered": None}


def _state(value: Any, where: str) -> dict[str, Any]:
    """The state without `customData` (checked by the caller)."""
    kind = _one_of(value, where, _STATE_KINDS, frozenset({"customData"}))
    body = value[kind]
    if kind == "normal":
        _normal(body, f"{where}.normal")
    else:
        sub = _one_of(body, f"{where}.filtered", _FILTERED_FIELDS)
        _fields(body[sub], f"{where}.filtered.{sub}", _FILTERED_FIELDS[sub])
    return {kind: body}


def check_custom_data(text: Any, where: str) -> str:
    """Anki's rules for custom data (ANKI-FACTS §2.3, checked against Anki 26.9): a JSON
    object, keys of at most 8 bytes, at most 100 bytes serialized. Returns the text to
    store ("" for an empty object)."""
    if isinstance(text, dict) and set(text) == {"\x00"}:
        raise InvalidResult(f"customData.{where} cannot be turned into JSON "
                            f"({_what(text)})")
    if not isinstance(text, str):
        raise InvalidResult(f"customData.{where} must be an object")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidResult(f"customData.{where} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidResult(f"customData.{where} must be an object, not {_what(value)}")
    for key in value:
        if len(key.encode("utf-8", "surrogatepass")) > 8:
            raise InvalidResult(f"customData.{where}: key {key!r} is longer than 8 bytes "
                                "(Anki's limit)")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > 100:
        raise InvalidResult(f"customData.{where} is {size} bytes as JSON; Anki allows at "
                            "most 100")
    return "" if not value else text


def check_result(result: Any, given: dict[str, Any], given_custom: dict[str, str] | None = None
                 ) -> tuple[dict[str, Any], dict[str, str], SchedulingStates]:
    """The script's states (without custom data), custom data text per button, and the
    states parsed, checked field by field and by the engine's rules; raises InvalidResult
    naming the first problem. Custom data equal to what was given is not checked again."""
    if not isinstance(result, list) or len(result) != 2:
        raise InvalidResult("the result cannot be read")
    states = _object(result[0], "states")
    for key in states:
        if key not in ("current", *BUTTONS):
            raise InvalidResult(f"states.{key} is not a state of the answer buttons")
    out: dict[str, Any] = {}
    for key in ("current", *BUTTONS):
        if key not in states:
            raise InvalidResult(f"states.{key} is missing")
        out[key] = _state(states[key], f"states.{key}")
    current = dict(given["current"])
    current.pop("customData", None)
    if out["current"] != current:
        raise InvalidResult("states.current was changed; only again, hard, good and easy "
                            "may change")
    packed = _object(result[1], "customData")
    given_custom = given_custom or {}
    custom = {}
    for b in BUTTONS:
        text = packed.get(b)
        custom[b] = text if _same_json(text, given_custom.get(b)) else check_custom_data(text, b)
    # The engine's own rules on top of the shape: filtered-deck transitions (ANKI-FACTS §2.3).
    try:
        parsed = check_states(SchedulingStates.from_json(out), state_from_json(current))
    except (InvalidInput, ValueError, TypeError, KeyError) as exc:
        raise InvalidResult(str(exc)) from exc
    return out, custom, parsed


def _same_json(packed: Any, given: Any) -> bool:
    """The script packed exactly the text it was given (so it is valid already)."""
    return isinstance(packed, str) and packed not in ("", "{}") and packed == given
