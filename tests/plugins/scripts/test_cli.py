"""`repetend script …` as a user runs it: a subprocess on a temporary base (the sample
profile a first run creates)."""

import json

import pytest
from clirun import run, run_json

STATES = {
    "current": {"normal": {"review": {"scheduledDays": 10, "elapsedDays": 10, "easeFactor": 2.5,
                                      "lapses": 0, "leeched": False}}, "customData": ""},
    "again": {"normal": {"relearning": {
        "review": {"scheduledDays": 1, "elapsedDays": 0, "easeFactor": 2.3, "lapses": 1,
                   "leeched": False},
        "learning": {"remainingSteps": 1, "scheduledSecs": 600, "elapsedSecs": 0}}}},
    "hard": {"normal": {"review": {"scheduledDays": 12, "elapsedDays": 0, "easeFactor": 2.35,
                                   "lapses": 0, "leeched": False}}},
    "good": {"normal": {"review": {"scheduledDays": 25, "elapsedDays": 0, "easeFactor": 2.5,
                                   "lapses": 0, "leeched": False}}},
    "easy": {"normal": {"review": {"scheduledDays": 33, "elapsedDays": 0, "easeFactor": 2.65,
                                   "lapses": 0, "leeched": False}}},
}
DOUBLE = """\
if (states.good.normal?.review) states.good.normal.review.scheduledDays *= 2;
if (states.easy.normal?.review) states.easy.normal.review.scheduledDays *= 2;
customData.good.n = (customData.good.n || 0) + 1;
console.log('deck', ctx.deckName);
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scripts")
    (folder / "states.json").write_text(json.dumps(STATES))
    (folder / "double.js").write_text(DOUBLE)
    (folder / "broken.js").write_text("let ok = 1;\n\nstates.good.normal.review.x.y = 2;\n")
    (folder / "syntax.js").write_text("if (\n")
    (folder / "legacy.js").write_text(
        "console.log(document.getElementById('deck').getAttribute('deck_name'));")
    return folder


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tmp_path_factory.mktemp("base")


def test_run_prints_states_custom_data_log_and_error(files, tmp_path):
    out = run_json(tmp_path, "script", "run", str(files / "double.js"), "--states",
                   str(files / "states.json"), "--custom-data", '{"n": 4}', "--ctx",
                   '{"deckName": "Spanish", "seed": 99}')
    assert set(out) == {"states", "customData", "log", "error"}
    assert out["error"] is None
    assert out["states"]["good"]["normal"]["review"]["scheduledDays"] == 50
    assert out["customData"]["good"] == {"n": 5} and out["customData"]["hard"] == {"n": 4}
    assert out["log"] == [{"level": "log", "text": "deck Spanish", "line": 4}]
    assert not (tmp_path / "User 1").exists()  # no profile needed


def test_run_reports_a_failure_and_keeps_the_states(files, tmp_path):
    proc = run(tmp_path, "script", "run", str(files / "broken.js"), "--states",
               str(files / "states.json"), "--json", check=False)
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["error"]["kind"] == "runtime" and out["error"]["line"] == 3
    assert out["states"]["good"] == STATES["good"]
    text = run(tmp_path, "script", "run", str(files / "broken.js"), "--states",
               str(files / "states.json"), check=False).stdout
    assert "error: runtime" in text and "(line 3)" in text and "unchanged" in text


def test_run_with_the_legacy_page_and_states_from_stdin(files, tmp_path):
    out = json.loads(run(tmp_path, "script", "run", str(files / "legacy.js"), "--states", "-",
                         "--legacy-page", "--ctx", '{"deckName": "Old"}', "--json",
                         stdin=json.dumps(STATES)).stdout)
    assert out["log"][0]["text"] == "Old"


def test_bad_arguments_are_one_line_errors(files, tmp_path):
    proc = run(tmp_path, "script", "run", str(files / "double.js"), "--states",
               str(files / "nope.json"), check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("repetend: error: cannot read")
    proc = run(tmp_path, "script", "run", str(files / "double.js"), "--states",
               str(files / "double.js"), check=False)
    assert proc.returncode == 1 and "not JSON" in proc.stderr


def test_set_list_show_order_and_answer_through_the_cli(files, base):
    run(base, "script", "set", "--global", str(files / "double.js"))
    proc = run(base, "script", "set", "--global", str(files / "syntax.js"), check=False)
    assert proc.returncode == 1 and "does not parse" in proc.stderr
    run(base, "script", "set", "plus1", "-", stdin="if (states.good.normal?.review) "
        "states.good.normal.review.scheduledDays += 1;")
    listing = run_json(base, "script", "list")
    assert listing["order"] == ["global", "preset", "plus1"]
    assert [s["name"] for s in listing["scripts"]] == ["global", "plus1"]
    assert run_json(base, "script", "show", "plus1")["code"].startswith("if (")
    assert run_json(base, "script", "order", "plus1", "global")["order"] == ["plus1", "global"]
    assert run_json(base, "script", "disable", "plus1")["order"] == ["global"]
    assert run_json(base, "script", "enable", "plus1", "--at", "1")["order"] == [
        "plus1", "global"]

    # Answer a new card with Easy: the scripts' interval is stored.
    shown = run_json(base, "script", "test", str(files / "double.js"), "--deck",
                     "Sample Deck", "--limit", "1")["cards"][0]
    plain_easy = shown["buttons"]["easy"]["before"]["secs"] // 86400
    run(base, "answer", str(shown["id"]), "easy", "--deck", "Sample Deck")
    stored = next(c for c in run_json(base, "cards", "--deck", "Sample Deck")
                  if c["id"] == shown["id"])
    assert stored["ivl"] == 2 * plain_easy  # the stored global script doubled it

    log = run_json(base, "script", "log", "global")
    assert log["runs"] >= 1 and log["log"][-1]["text"] == "deck Sample Deck"
    assert run_json(base, "script", "list")["scripts"][0]["runs"] >= 1

    run(base, "script", "remove", "--name", "plus1")
    run(base, "script", "remove", "--global")
    assert run_json(base, "script", "list")["scripts"] == []


def test_test_is_a_dry_run_over_the_due_cards(files, base):
    before = run_json(base, "cards", "--deck", "Sample Deck")
    report = run_json(base, "script", "test", str(files / "double.js"), "--deck",
                      "Sample Deck", "--limit", "3")
    assert report["summary"]["cards"] == 3 and report["summary"]["failed"] == 0
    row = report["cards"][0]
    easy = row["buttons"]["easy"]
    assert easy["after"]["secs"] == 2 * easy["before"]["secs"]
    assert row["customData"]["good"] == '{"n":1}' and row["log"][0]["text"] == \
        "deck Sample Deck"
    assert run_json(base, "cards", "--deck", "Sample Deck") == before  # nothing saved
    text = run(base, "script", "test", str(files / "broken.js"), "--deck", "Sample Deck",
               "--limit", "2", check=False)
    assert text.returncode == 1 and "error: runtime" in text.stdout


def test_replay_compares_the_history_with_and_without_the_script(files, base):
    # Some history first: answer the next three due cards of the sample deck with Easy.
    for _ in range(3):
        due = run_json(base, "script", "test", str(files / "double.js"), "--deck",
                       "Sample Deck", "--limit", "1")["cards"][0]
        run(base, "answer", str(due["id"]), "easy", "--deck", "Sample Deck")
    report = run_json(base, "script", "replay", str(files / "double.js"), "--days", "7")
    assert report["answers"] >= 3 and report["cards"] >= 3
    ivl = report["intervals"]
    assert ivl["with"]["mean"] == pytest.approx(2 * ivl["without"]["mean"])
    assert ivl["longer"] == report["answers"] and ivl["shorter"] == 0
    assert report["workload"]["with"]["total"] <= report["workload"]["without"]["total"]
    assert report["errors"] == {}
    text = run(base, "script", "replay", str(files / "broken.js"), "--days", "7").stdout
    assert "script failures: runtime" in text


def test_safe_mode_says_scripts_are_not_run(files, base):
    run(base, "script", "set", "--global", str(files / "double.js"))
    proc = run(base, "--safe-mode", "script", "list")
    assert proc.stdout.startswith("Safe mode: scheduling scripts are not run.")
    assert "safe mode: 1 custom scheduling script(s) not run" in proc.stderr
    run(base, "script", "remove", "--global")
