"""The sandbox: Anki's wrapping, the shims, the limits, and every way a script can fail.

Every failure must leave the states and the custom data exactly as given and say what went
wrong with the script's name, a message and (where there is one) the line.
"""

import json

import pytest

from repetend.plugins.scripts.sandbox import BUTTONS, evaluate

CTX = {"deckName": "Default", "seed": 12345}
CUSTOM = '{"old":1}'


def run(code, states, custom=CUSTOM, **kw):
    return evaluate(code, states, custom, kw.pop("ctx", CTX), name="my-script", **kw)


# --- failures -----------------------------------------------------------------------------

FAILURES = [
    # (code, kind, message part, line, limits)
    ("let x = ;", "syntax", "SyntaxError", 1, {}),
    ("// fine\n\nif (states.good {", "syntax", "SyntaxError", 3, {}),
    ("customData.good.x = 1;\nundefinedThing.y = 2;", "runtime", "'undefinedThing' is not "
     "defined", 2, {}),
    ("\n\nthrow new RangeError('too far');", "runtime", "RangeError: too far", 3, {}),
    ("throw 'oops';", "runtime", "oops", None, {}),
    ("throw null;", "runtime", "null", None, {}),
    ("function f() { return f() + 1; }\nf();", "runtime", "stack overflow", 2, {}),
    ("customData.good.x = 1;\nwhile (true) {}", "timeout", "50 ms", None,
     {"time_limit_ms": 50}),
    ("for (;;) await null;", "timeout", "50 ms", None, {"time_limit_ms": 50}),
    ("let a = [];\nwhile (true) a.push({x: 1});", "memory", "8 MiB", None,
     {"memory_limit_mib": 8}),
    ("let s = 'x';\nwhile (true) s = s + s;", "memory", "8 MiB", None,
     {"memory_limit_mib": 8}),
    ("await new Promise(() => {});", "unsettled", "never settled", None, {}),
    ("await new Promise(r => setTimeout(r, 10));", "unsupported", "setTimeout", 1, {}),
    ("\nfetch('https://example.org');", "unsupported", "fetch", 2, {}),
    ("document.getElementById('qa');", "unsupported", "legacy page mode", 1, {}),
    ("states.good.normal.review.scheduledDays = -5;", "invalid",
     "states.good.normal.review.scheduledDays must be between 0", None, {}),
    ("states.good.normal.review.scheduledDays = 2.5;", "invalid", "whole number", None, {}),
    ("states.good.normal.review.scheduledDays = '7';", "invalid", "whole number", None, {}),
    ("states.good.normal.review.easeFactor = 1 / 0;", "invalid", "Infinity", None, {}),
    ("states.good.normal.review.easeFactor = NaN;", "invalid", "NaN", None, {}),
    ("states.good.normal.review.easeFactor = -0.5;", "invalid", "at least 0", None, {}),
    ("states.good.normal.review.leeched = 1;", "invalid", "true or false", None, {}),
    ("delete states.good.normal.review.lapses;", "invalid", "lapses is missing", None, {}),
    ("states.good.normal.review.scheduledDays = undefined;", "invalid", "undefined", None,
     {}),
    ("states.good.normal = {graduated: {}};", "invalid", "not a known state kind", None, {}),
    ("states.good = {abnormal: {}};", "invalid", "not a known state kind", None, {}),
    ("states.good.normal.learning = {};", "invalid", "exactly one of", None, {}),
    ("states.good.normal.review.bonus = 1;", "invalid", "not a field", None, {}),
    ("states.current.normal.review.scheduledDays = 1;", "invalid", "current", None, {}),
    ("states.good = {filtered: {preview: {scheduledSecs: 60, finished: false}}};", "invalid",
     "filtered", None, {}),
    ("customData.good.toolongkey = 1;", "invalid", "longer than 8 bytes", None, {}),
    ("customData.good.é1234567 = 1;", "invalid", "longer than 8 bytes", None, {}),
    ("customData.good.v = 'x'.repeat(95);", "invalid", "at most 100", None, {}),
    ("customData.good = 5;", "invalid", "object", None, {}),
    ("customData.good = [1, 2];", "invalid", "object", None, {}),
    ("customData.good.big = 5n;", "invalid", "JSON", None, {}),
    ("customData.good.self = customData.good;", "invalid", "JSON", None, {}),
]


@pytest.mark.parametrize("code, kind, message, line, limits", FAILURES,
                         ids=[f"{f[1]}-{i}" for i, f in enumerate(FAILURES)])
def test_every_failure_keeps_states_and_custom_data_and_says_why(
        review_states, code, kind, message, line, limits):
    given = json.loads(json.dumps(review_states))
    ev = run(code, review_states, **limits)
    assert ev.error is not None, "the script should have failed"
    assert (ev.error.kind, ev.error.script) == (kind, "my-script")
    assert message in ev.error.message
    assert ev.error.line == line
    assert ev.states == given and review_states == given
    assert ev.custom_data == dict.fromkeys(BUTTONS, CUSTOM)
    assert not ev.changed_custom_data


def test_a_runaway_script_is_stopped_near_the_limit(review_states):
    ev = run("while (true) {}", review_states, time_limit_ms=100)
    assert ev.error.kind == "timeout" and 90 <= ev.elapsed_ms < 1000


def test_console_output_before_a_failure_is_kept(review_states):
    ev = run("console.log('about to loop');\nwhile (true) {}", review_states,
             time_limit_ms=30)
    assert ev.error.kind == "timeout"
    assert [(line.text, line.line) for line in ev.log] == [("about to loop", 1)]


def test_a_caught_missing_api_still_runs_on(review_states):
    # Feature detection works: the API is simply absent, as in any engine without it.
    ev = run("if (typeof setTimeout === 'undefined') states.good.normal.review.scheduledDays "
             "= 30;", review_states)
    assert ev.ok and ev.states["good"]["normal"]["review"]["scheduledDays"] == 30


# --- Anki's wrapping --------------------------------------------------------------------------

def test_top_level_return_and_await_are_allowed(review_states):
    ev = run("await null;\nstates.good.normal.review.scheduledDays = 40;\nreturn;\n"
             "states.good.normal.review.scheduledDays = 50;", review_states)
    assert ev.ok and ev.states["good"]["normal"]["review"]["scheduledDays"] == 40


def test_sloppy_mode_undeclared_assignment_creates_a_global(review_states):
    ev = run("deck_name = ctx.deckName;\nconsole.log(globalThis.deck_name, this === globalThis)",
             review_states)
    assert ev.ok and ev.log[0].text == "Default true"


def test_a_trailing_line_comment_does_not_swallow_the_wrapper(review_states):
    ev = run("states.good.normal.review.scheduledDays = 41 // the end", review_states)
    assert ev.ok and ev.states["good"]["normal"]["review"]["scheduledDays"] == 41


def test_globals_do_not_leak_between_evaluations(review_states):
    first = run("leaked = 42; Math.seedrandom = () => 1; Object.prototype.evil = 1;",
                review_states)
    assert first.ok
    second = run("console.log(typeof leaked, typeof Math.seedrandom, ({}).evil)",
                 review_states)
    assert second.log[0].text == "undefined undefined undefined"


def test_what_the_script_sees(review_states):
    ev = run("console.log(typeof ctx.seed, String(ctx.seed), ctx.deckName);\n"
             "console.log(states.current.customData, JSON.stringify(customData));\n"
             "console.log(Object.hasOwn({a: 1}, 'a'), Object.hasOwn({}, 'a'));\n"
             "console.log(typeof document, typeof window, typeof require, typeof std,"
             " typeof os, typeof fetch, typeof XMLHttpRequest)",
             review_states, custom='{"d":5.5}')
    assert [line.text for line in ev.log] == [
        "bigint 12345 Default",
        '{"d":5.5} {"again":{"d":5.5},"hard":{"d":5.5},"good":{"d":5.5},"easy":{"d":5.5}}',
        "true false",
        "undefined undefined undefined undefined undefined undefined undefined",
    ]


def test_each_button_gets_its_own_copy_of_the_custom_data(review_states):
    ev = run("customData.good.n = 1; customData.again = {};", review_states,
             custom='{"n":0}')
    assert ev.custom_data == {"again": "", "hard": '{"n":0}', "good": '{"n":1}',
                              "easy": '{"n":0}'}
    assert ev.changed_custom_data


def test_unreadable_stored_custom_data_starts_as_an_empty_object(review_states):
    ev = run("console.log(JSON.stringify(customData.good))", review_states, custom="[1,2")
    assert ev.log[0].text == "{}"


def test_custom_data_round_trips_as_javascript_wrote_it(review_states):
    ev = run("customData.good = {s: 25.01, v: 'v6', é: true, n: null}", review_states,
             custom="")
    assert ev.custom_data["good"] == '{"s":25.01,"v":"v6","é":true,"n":null}'
    again = run("console.log(JSON.stringify(customData.good))", review_states,
                custom=ev.custom_data["good"])
    assert again.log[0].text == ev.custom_data["good"]


def test_the_script_cannot_reach_python_files_or_modules(review_states):
    for code in ("await import('os')", "await import('/etc/passwd')",
                 "require('fs')", "std.loadFile('/etc/passwd')"):
        ev = run(code, review_states)
        assert ev.error is not None and ev.error.kind in ("runtime", "unsupported"), code


def test_console_methods_and_values_are_captured_with_lines(review_states):
    ev = run("console.info('i', 1, {a: [2]});\nconsole.warn(undefined, null, 3n);\n"
             "console.error(new Error('e').message);\nconsole.debug(true)", review_states)
    assert [(line.level, line.text, line.line) for line in ev.log] == [
        ("info", 'i 1 {"a":[2]}', 1), ("warn", "undefined null 3n", 2),
        ("error", "e", 3), ("debug", "true", 4)]


def test_console_output_is_capped(review_states):
    ev = run("for (let i = 0; i < 1000; i++) console.log('x'.repeat(5000))", review_states)
    assert ev.ok and len(ev.log) == 201
    assert len(ev.log[0].text) == 2000 and "cut" in ev.log[-1].text


def test_a_valid_result_is_used(review_states):
    ev = run("states.good.normal.review.scheduledDays = 99;\n"
             "states.again.normal.relearning.learning.scheduledSecs = 300;\n"
             "states.easy.normal.review.memoryState = {stability: 40.5, difficulty: 5};",
             review_states)
    assert ev.ok
    assert ev.states["good"]["normal"]["review"]["scheduledDays"] == 99
    assert ev.states["again"]["normal"]["relearning"]["learning"]["scheduledSecs"] == 300
    assert ev.states["easy"]["normal"]["review"]["memoryState"] == {"stability": 40.5,
                                                                     "difficulty": 5}


def test_a_whole_state_can_be_replaced_by_another_kind(new_states):
    ev = run("states.good = {normal: {review: {scheduledDays: 3, elapsedDays: 0, "
             "easeFactor: 2.5, lapses: 0, leeched: false}}};", new_states)
    assert ev.ok and ev.states["good"]["normal"]["review"]["scheduledDays"] == 3


def test_legacy_page_stub(review_states):
    code = ("const deck = document.getElementById('deck');\n"
            "console.log(deck.getAttribute('deck_name'), deck.innerHTML);\n"
            "console.log(document.getElementById('qa').innerText);\n"
            "console.log(document.getElementById('FSRS_status'));\n"
            "const el = document.createElement('span'); el.id = 'FSRS_status';\n"
            "el.style.cssText = 'x'; el.innerHTML = 'hi'; document.body.appendChild(el);\n"
            "console.log(document.getElementById('FSRS_status').innerHTML);\n"
            "document.getElementById('qa').style.cssText += 'min-height:50vh;';")
    ev = run(code, review_states, legacy_page=True, question="What is 2 + 2?",
             ctx={"deckName": "Maths::Sums", "seed": 7})
    assert ev.ok, ev.error
    assert [line.text for line in ev.log] == ["Maths::Sums Maths::Sums", "What is 2 + 2?",
                                              "null", "hi"]
    plain = run("console.log(typeof document)", review_states)
    assert plain.log[0].text == "undefined"


def test_legacy_page_without_a_question_offers_the_seed_as_page_text(review_states):
    ev = run("console.log(document.getElementById('qa').innerText)", review_states,
             legacy_page=True)
    assert ev.log[0].text == "12345"


def test_limits_are_configurable(review_states):
    code = "let a = []; for (let i = 0; i < 200000; i++) a.push({i});"
    assert run(code, review_states, memory_limit_mib=4).error.kind == "memory"
    assert run(code, review_states, memory_limit_mib=64).ok
    slow = "let x = 0; for (let i = 0; i < 1e6; i++) x += i % 7;"  # about 50-100 ms
    assert run(slow, review_states, time_limit_ms=10).error.kind == "timeout"
    assert run(slow, review_states, time_limit_ms=3000).ok


def test_busy_threads_elsewhere_do_not_cut_a_script_short(review_states):
    # quickjs's limit is CPU time of the whole process; a busy thread must not turn a script
    # that runs within the limit (by the clock) into a timeout.
    import threading
    import time

    stop = threading.Event()

    def burn():
        while not stop.is_set():
            sum(range(1000))

    threads = [threading.Thread(target=burn) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        ev = run("let x = 0; for (let i = 0; i < 1e6; i++) x += i % 7;\n"
                 "states.good.normal.review.scheduledDays = 30;", review_states,
                 time_limit_ms=300)
        runaway_start = time.perf_counter()
        runaway = run("while (true) {}", review_states, time_limit_ms=50)
        runaway_secs = time.perf_counter() - runaway_start
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert ev.ok, ev.error
    assert runaway.error.kind == "timeout" and runaway_secs < 2
