"""The plugin host: registration order, call order, per-plugin containment, tracing, disabling."""

import importlib
import inspect
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

import repetend.plugins.browser
import repetend.plugins.reviewer
from repetend.hooks import hookimpl
from repetend.hooks.browser import BrowserColumn
from repetend.hooks.registry import REGISTER_PREFIX, hookspecs
from repetend.host.plugins import PluginError, PluginHost, contribution_types
from repetend.plugins import BUILTIN, ESSENTIAL

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_NAMES = [f"builtin.{name}" for name in BUILTIN]


class Recorder:
    """An add-on that appends (its name, the hook's arguments) to a shared list."""

    def __init__(self, calls, label):
        self.calls, self.label = calls, label

    @hookimpl
    def app_did_start(self, host):
        self.calls.append((self.label, host))


class Boom:
    @hookimpl
    def app_did_start(self, host):
        raise RuntimeError("boom")

    @hookimpl
    def card_will_show(self, html):
        raise ValueError("bad html")


def shouting(label, **opts):
    class Shout:
        @hookimpl(**opts)
        def card_will_show(self, html, side):
            return f"{html}<{label}:{side}>"
    return Shout()


# ---- One test per hook (tests/hooks/test_hookspecs.py checks they exist)

def test_hook_app_did_start():
    calls = []
    host = PluginHost()
    host.register_plugin(Recorder(calls, "a"), "addon.a")
    host.app_did_start(host="the app")
    assert calls == [("a", "the app")]


def test_hook_app_will_stop():
    calls = []

    class Stopper:
        @hookimpl
        def app_will_stop(self, host):
            calls.append(host)

    host = PluginHost()
    host.register_plugin(Stopper(), "addon.stop")
    host.app_will_stop("the app")
    assert calls == ["the app"]


class CollectionWatcher:
    def __init__(self):
        self.events = []

    @hookimpl
    def collection_did_open(self, col):
        self.events.append(("open", col))

    @hookimpl
    def collection_will_close(self, col):
        self.events.append(("close", col))


def test_hook_collection_did_open():
    host, watcher = PluginHost(), CollectionWatcher()
    host.register_plugin(watcher, "addon.watch")
    host.collection_did_open(col="col")
    assert watcher.events == [("open", "col")]


def test_hook_collection_will_close():
    host, watcher = PluginHost(), CollectionWatcher()
    host.register_plugin(watcher, "addon.watch")
    host.collection_will_close(col="col")
    assert watcher.events == [("close", "col")]


def test_hook_note_will_be_added():
    class Tagger:
        @hookimpl
        def note_will_be_added(self, note, deck_id):
            note.tags.append(f"deck{deck_id}")

    host = PluginHost()
    host.register_plugin(Tagger(), "addon.tagger")
    note = SimpleNamespace(tags=[])
    host.note_will_be_added(col=None, note=note, deck_id=7)
    assert note.tags == ["deck7"]


def test_hook_note_did_add():
    seen = []

    class Counter:
        @hookimpl
        def note_did_add(self, col, note, cards):
            seen.append((col, note, list(cards)))

    host = PluginHost()
    host.register_plugin(Counter(), "addon.count")
    host.note_did_add("col", "note", ("c1", "c2"))
    assert seen == [("col", "note", ["c1", "c2"])]


def test_hook_card_will_show():
    host = PluginHost()
    host.register_plugin(shouting("x"), "addon.x")
    host.register_plugin(shouting("y"), "addon.y")
    # A filter: y (registered last) runs first, x receives y's output.
    out = host.card_will_show("<b>Q</b>", card=None, side="question")
    assert out == "<b>Q</b><y:question><x:question>"


def test_card_will_show_without_implementations_returns_the_html():
    assert PluginHost().card_will_show("<b>A</b>", None, "answer") == "<b>A</b>"


# ---- Registration and order

def test_builtins_are_registered_first_and_listed():
    listing = PluginHost().plugins()
    assert [p["name"] for p in listing] == BUILTIN_NAMES
    assert all(p["builtin"] and p["status"] == "active" for p in listing)


def test_add_ons_run_before_builtins(monkeypatch):
    calls = []

    @hookimpl
    def app_did_start(host):
        calls.append("builtin")

    # A hook implementation on the real built-in module, as a future reviewer would have.
    monkeypatch.setattr(repetend.plugins.reviewer, "app_did_start", app_did_start, raising=False)
    host = PluginHost()
    host.register_plugin(Recorder(calls, "addon"), "addon")
    host.app_did_start(None)
    assert calls == [("addon", None), "builtin"]
    assert next(p for p in host.plugins() if p["name"] == "builtin.reviewer")["hooks"] == [
        "app_did_start"]


def test_tryfirst_and_trylast_override_registration_order():
    host = PluginHost()
    host.register_plugin(shouting("first", tryfirst=True), "first")
    host.register_plugin(shouting("plain1"), "plain1")
    host.register_plugin(shouting("last", trylast=True), "last")
    host.register_plugin(shouting("plain2"), "plain2")
    out = host.card_will_show("", None, "answer")
    assert out == "<first:answer><plain2:answer><plain1:answer><last:answer>"


# ---- Containment and attribution

def test_failing_notification_does_not_stop_the_others_and_names_the_plugin():
    calls, reported = [], []
    host = PluginHost(on_error=reported.append)
    host.register_plugin(Recorder(calls, "before"), "addon.before")
    host.register_plugin(Boom(), "addon.boom")
    host.register_plugin(Recorder(calls, "after"), "addon.after")
    host.app_did_start(None)
    assert calls == [("after", None), ("before", None)]
    [error] = host.errors
    assert reported == [error]
    assert (error.plugin_name, error.hook_name) == ("addon.boom", "app_did_start")
    assert isinstance(error.exception, RuntimeError)
    # The traceback reaches into the plugin's own code, so its author can find the line.
    assert 'raise RuntimeError("boom")' in error.traceback_text
    assert str(error) == "plugin addon.boom failed in hook app_did_start: RuntimeError: boom"


def test_failing_filter_is_skipped_and_the_value_threads_through_the_rest():
    host = PluginHost()
    host.register_plugin(shouting("x"), "addon.x")
    host.register_plugin(Boom(), "addon.boom")
    host.register_plugin(shouting("y"), "addon.y")
    assert host.card_will_show("Q", None, "question") == "Q<y:question><x:question>"
    assert [(e.plugin_name, e.hook_name) for e in host.errors] == [("addon.boom", "card_will_show")]


def test_filter_returning_a_non_string_is_skipped():
    class Forgetful:
        @hookimpl
        def card_will_show(self, html):
            html.upper()  # forgot to return it

    host = PluginHost()
    host.register_plugin(Forgetful(), "addon.forgetful")
    assert host.card_will_show("q", None, "question") == "q"
    [error] = host.errors
    assert error.plugin_name == "addon.forgetful"
    assert "must return str, not NoneType" in str(error.exception)


def test_misspelled_hook_is_reported_and_the_plugin_left_out():
    class Typo:
        @hookimpl
        def card_will_shwo(self, html):
            return "never"

        @hookimpl
        def app_did_start(self, host):
            raise AssertionError("an unregistered plugin must not be called")

    host = PluginHost()
    assert host.register_plugin(Typo(), "addon.typo") is False
    [error] = host.errors
    assert (error.plugin_name, error.hook_name) == ("addon.typo", "card_will_shwo")
    assert "unknown hook" in str(error.exception)
    host.app_did_start(None)
    assert host.card_will_show("q", None, "question") == "q"
    assert host.plugins()[-1] == {"name": "addon.typo", "builtin": False,
                                  "hooks": ["app_did_start", "card_will_shwo"],
                                  "status": "failed"}


def test_optional_unknown_hook_is_allowed():
    class Optional:
        @hookimpl(optionalhook=True)
        def some_future_hook(self):
            pass

    host = PluginHost()
    assert host.register_plugin(Optional(), "addon.optional") is True
    assert host.errors == []


def test_wrong_hook_arguments_are_reported_not_raised():
    class WrongArgs:
        @hookimpl
        def card_will_show(self, html, reviewer):  # no such argument
            return html

    host = PluginHost()
    assert host.register_plugin(WrongArgs(), "addon.wrong") is False
    [error] = host.errors
    assert error.plugin_name == "addon.wrong" and error.hook_name is None
    assert "reviewer" in error.traceback_text


def test_wrappers_are_refused_since_each_implementation_runs_alone():
    class Wrapper:
        @hookimpl(wrapper=True)
        def card_will_show(self, html):
            return (yield)

    host = PluginHost()
    assert host.register_plugin(Wrapper(), "addon.wrapper") is False
    assert host.errors[0].hook_name == "card_will_show"
    assert host.card_will_show("q", None, "question") == "q"


def test_duplicate_and_reserved_names_are_reported():
    host = PluginHost()
    assert host.register_plugin(shouting("a"), "addon.a") is True
    assert host.register_plugin(shouting("b"), "addon.a") is False
    assert host.register_plugin(shouting("c"), "builtin.sneaky") is False
    assert [e.plugin_name for e in host.errors] == ["addon.a", "builtin.sneaky"]
    assert host.card_will_show("", None, "answer") == "<a:answer>"


# ---- register_* hooks: contributions checked and attributed to their plugin

def column(name, label="Label", value=lambda col, card: "cell"):
    return BrowserColumn(name, label, value)


class Columns:
    """An add-on giving browser columns with the given names."""

    def __init__(self, *names, **opts):
        self.names = names

        @hookimpl(**opts)
        def register_browser_columns(register):
            for name in self.names:
                register(column(name))

        self.register_browser_columns = register_browser_columns


def test_collect_attributes_each_value_to_the_plugin_that_gave_it():
    host = PluginHost()
    host.register_plugin(Columns("a1", "a2"), "addon.a")
    host.register_plugin(Columns("b1"), "addon.b")
    got = host.register_browser_columns()
    assert [(c.plugin_name, c.hook_name, c.value.name) for c in got] == [
        ("addon.b", "register_browser_columns", "b1"),
        ("addon.a", "register_browser_columns", "a1"),
        ("addon.a", "register_browser_columns", "a2")]
    assert host.errors == []


def test_a_bad_value_is_reported_against_its_plugin_and_the_good_ones_kept():
    class Sloppy:
        @hookimpl
        def register_browser_columns(self, register):
            register(column("good"))
            register({"name": "a dict is not a column"})
            register(column("good"))

    host = PluginHost()
    host.register_plugin(Sloppy(), "addon.sloppy")
    assert [c.value.name for c in host.register_browser_columns()] == ["good"]
    wrong_type, twice = host.errors
    assert (wrong_type.plugin_name, wrong_type.hook_name) == ("addon.sloppy",
                                                              "register_browser_columns")
    assert str(wrong_type.exception) == "register() takes a BrowserColumn, not dict"
    # The traceback points at the add-on's own line.
    assert 'register({"name": "a dict is not a column"})' in wrong_type.traceback_text
    assert "'good' is registered twice" in str(twice.exception)


def test_a_value_that_fails_its_own_checks_raises_in_the_plugin_and_drops_its_values():
    class Broken:
        @hookimpl
        def register_browser_columns(self, register):
            register(column("fine"))
            register(column(""))  # BrowserColumn refuses an empty name

    host = PluginHost()
    host.register_plugin(Broken(), "addon.broken")
    host.register_plugin(Columns("other"), "addon.other")
    assert [c.value.name for c in host.register_browser_columns()] == ["other"]
    [error] = host.errors
    assert error.plugin_name == "addon.broken" and isinstance(error.exception, ValueError)


def test_a_clash_between_add_ons_is_reported_against_the_one_left_out():
    host = PluginHost()
    host.register_plugin(Columns("words"), "addon.first")
    host.register_plugin(Columns("words"), "addon.second")  # called first: LIFO
    [got] = host.register_browser_columns()
    assert got.plugin_name == "addon.second"
    [error] = host.errors
    assert error.plugin_name == "addon.first"
    assert str(error.exception) == ("BrowserColumn 'words' is already registered by "
                                    "addon.second")


def test_an_add_on_value_replaces_a_builtin_one_of_the_same_name(monkeypatch):
    builtin = Columns("due")
    monkeypatch.setattr(repetend.plugins.browser, "register_browser_columns",
                        builtin.register_browser_columns, raising=False)
    host = PluginHost()
    host.register_plugin(Columns("due"), "addon.due")
    assert [c.plugin_name for c in host.register_browser_columns()] == ["addon.due"]
    assert host.errors == []


def test_register_kept_and_called_later_is_reported_not_raised():
    kept = []

    class Hoarder:
        @hookimpl
        def register_browser_columns(self, register):
            kept.append(register)

    host = PluginHost()
    host.register_plugin(Hoarder(), "addon.hoarder")
    assert host.register_browser_columns() == []
    kept[0](column("late"))
    [error] = host.errors
    assert error.plugin_name == "addon.hoarder"
    assert "after register_browser_columns returned" in str(error.exception)


def test_collect_refuses_a_hook_that_is_not_a_register_hook():
    with pytest.raises(ValueError, match="card_will_show"):
        PluginHost().collect("card_will_show")


def test_contribution_types_come_from_the_specs():
    types = contribution_types()
    assert set(types) == {n for n in hookspecs() if n.startswith(REGISTER_PREFIX)}
    assert types["register_browser_columns"] is BrowserColumn


def test_call_contribution_contains_a_failing_function_and_names_its_plugin():
    class Divider:
        @hookimpl
        def register_browser_columns(self, register):
            register(column("ratio", value=lambda col, card: str(1 / card)))

    host = PluginHost()
    host.register_plugin(Divider(), "addon.divider")
    [ratio] = host.register_browser_columns()
    assert host.call_contribution(ratio, "value", None, 4, default="") == "0.25"
    assert host.call_contribution(ratio, "value", None, 0, default="") == ""
    [error] = host.errors
    assert str(error) == ("plugin addon.divider failed in hook register_browser_columns "
                          "(BrowserColumn 'ratio'.value): ZeroDivisionError: division by zero")


# ---- Unregistering and attaching to a collection

def test_unregistered_plugin_is_no_longer_called_or_listed():
    calls = []
    host = PluginHost()
    host.register_plugin(Recorder(calls, "gone"), "addon.gone")
    assert host.unregister_plugin("addon.gone") is True
    host.app_did_start(None)
    assert calls == []
    assert "addon.gone" not in [p["name"] for p in host.plugins()]
    assert host.unregister_plugin("addon.gone") is False
    # The name is free again.
    assert host.register_plugin(Recorder(calls, "back"), "addon.gone") is True


def test_builtins_cannot_be_unregistered():
    with pytest.raises(ValueError, match="builtin.browser"):
        PluginHost().unregister_plugin("builtin.browser")


def test_attach_wires_the_note_hooks_into_a_collection(tmp_path):
    from repetend.core.collection import Collection

    class Tagger:
        @hookimpl
        def note_will_be_added(self, note):
            note.tags.append("hooked")

    host = PluginHost()
    host.register_plugin(Tagger(), "addon.tagger")
    with Collection(tmp_path / "c.db") as col:
        host.attach(col)
        note = col.new_note("Basic")
        note.fields = ["front", "back"]
        col.add_note(note, 1)
        assert col.get_note(note.id).tags == ["hooked"]


def test_attach_wires_the_scheduling_hook_into_answering(tmp_path):
    import dataclasses

    from repetend.core.collection import Collection
    from repetend.core.scheduler import ReviewState

    class StraightToReview:
        @hookimpl
        def scheduling_will_answer(self, states, card, col):
            assert col.get_card(card.id) == card
            return dataclasses.replace(states, good=ReviewState(42, 0, 2.5, 0))

    host = PluginHost()
    host.register_plugin(StraightToReview(), "addon.review")
    with Collection(tmp_path / "c.db") as col:
        host.attach(col)
        note = col.new_note("Basic")
        note.fields = ["front", "back"]
        [card] = col.add_note(note, 1)
        result = col.sched.answer_card(card, 3, check_due=False)
        assert result.states_error is None
        assert col.get_card(card.id).ivl == 42
    assert host.errors == []


# ---- Tracing

def test_trace_env_prints_each_call_with_timings(monkeypatch, capsys):
    monkeypatch.setenv("REPETEND_TRACE_HOOKS", "1")
    host = PluginHost()
    host.register_plugin(shouting("x"), "addon.x")
    host.register_plugin(Boom(), "addon.boom")
    host.card_will_show("q", None, "question")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("repetend hook card_will_show <- addon.boom ")
    assert lines[0].endswith(" ms FAILED ValueError: bad html")
    assert lines[1].startswith("repetend hook card_will_show <- addon.x ")
    assert lines[1].endswith(" ms")
    assert lines[2].startswith("repetend hook card_will_show: 2 implementation(s) in ")
    assert len(lines) == 3


def test_no_trace_by_default(monkeypatch, capsys):
    monkeypatch.delenv("REPETEND_TRACE_HOOKS", raising=False)
    host = PluginHost()
    host.register_plugin(shouting("x"), "addon.x")
    host.card_will_show("q", None, "question")
    assert capsys.readouterr().err == ""


# ---- Disabling

def test_disabled_add_ons_are_listed_but_not_called_and_builtins_stay():
    calls = []
    host = PluginHost(disabled={"addon.off", "builtin.printing"})
    assert host.register_plugin(Recorder(calls, "off"), "addon.off") is False
    host.register_plugin(Recorder(calls, "on"), "addon.on")
    host.app_did_start(None)
    assert calls == [("on", None)]
    status = {p["name"]: p["status"] for p in host.plugins()}
    assert status["addon.off"] == status["builtin.printing"] == "disabled"
    assert all(status[n] == "active" for n in BUILTIN_NAMES if n != "builtin.printing")


def test_essential_builtins_cannot_be_disabled():
    essential = f"builtin.{sorted(ESSENTIAL)[0]}"
    with pytest.raises(ValueError, match=essential):
        PluginHost(disabled={essential})


# ---- The facade and the built-ins

def test_facade_has_one_method_per_hook_with_the_spec_arguments():
    """Same argument names and types, same return type; a `register_*` hook's method takes
    no arguments (the host supplies `register`) and returns the contributions."""
    for name, spec in hookspecs().items():
        method = getattr(PluginHost, name, None)
        assert method is not None, f"PluginHost has no method for {name}"
        facade = inspect.signature(method)
        params = {p: v.annotation for p, v in list(facade.parameters.items())[1:]}
        if name.startswith(REGISTER_PREFIX):
            value_type = contribution_types()[name]
            assert params == {}, name
            assert facade.return_annotation == f"list[Contribution[{value_type.__name__}]]"
        else:
            wanted = inspect.signature(spec)
            assert params == {p: v.annotation for p, v in wanted.parameters.items()}, name
            assert facade.return_annotation == wanted.return_annotation, name


def test_listing_is_json_ready():
    host = PluginHost()
    host.register_plugin(shouting("x"), "addon.x")
    rows = json.loads(json.dumps(host.plugins()))
    assert rows[-1] == {"name": "addon.x", "builtin": False, "hooks": ["card_will_show"],
                        "status": "active"}


def test_plugin_error_is_plain_data():
    error = PluginError("addon.x", None, ImportError("no module"), "Traceback ...")
    assert str(error) == "plugin addon.x failed while loading: ImportError: no module"


def test_builtin_plugins_import_only_the_public_api():
    # The Qt shim is the one part of the host they may use (STYLE.md, "Layout").
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in (ROOT / "plugins").rglob("*.py")
        for line in path.read_text().splitlines()
        if line.strip().startswith(("import repetend.host", "from repetend.host"))
        and not line.strip().startswith(("import repetend.host.qt", "from repetend.host.qt "))
    ]
    assert offenders == []


def test_every_builtin_module_says_what_it_owns():
    for name in BUILTIN:
        module = importlib.import_module(f"repetend.plugins.{name}")
        assert (module.__doc__ or "").strip(), name
