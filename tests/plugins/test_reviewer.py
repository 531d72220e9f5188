"""The reviewer screen, driven offscreen through its real widgets and keys (pytest-qt)."""

import wave

import pytest
from qt_teardown import delete_widgets_at_teardown  # noqa: F401 (autouse)

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.hooks import hookimpl
from repetend.host.app import Host
from repetend.host.gui import MainWindow
from repetend.host.qt import QApplication, QLabel, Qt
from repetend.plugins.reviewer.screen import ReviewerScreen
from repetend.plugins.reviewer.session import CONGRATS

WAIT = 8000


def js(qtbot, view, code):
    box = []
    view.page().runJavaScript(code, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return box[0]


def body_text(qtbot, reviewer):
    return js(qtbot, reviewer.web, "document.body ? document.body.innerText : ''")


def press(qtbot, reviewer, key, modifiers=Qt.KeyboardModifier.NoModifier):
    """A key press where the user's keyboard is: in the card."""
    target = reviewer.web.focusProxy() or reviewer.web
    qtbot.keyClick(target, key, modifiers)


def wait_state(qtbot, reviewer, state):
    qtbot.waitUntil(lambda: reviewer.state == state, timeout=WAIT)


def wait_shown(qtbot, reviewer, text):
    """Until the card page shows `text` (the page loads asynchronously)."""
    qtbot.waitUntil(lambda: text in body_text(qtbot, reviewer), timeout=WAIT)


def add(col, notetype, *values, deck=DEFAULT_DECK_ID):
    note = col.new_note(notetype)
    note.fields = list(values)
    col.add_note(note, deck)
    return note


@pytest.fixture
def app_host(tmp_path):
    with Host(tmp_path) as h:
        yield h


@pytest.fixture
def blank_host(tmp_path):
    """A profile without the sample deck: tests add exactly the cards they study."""
    from repetend.host.profiles import ProfileManager

    ProfileManager(tmp_path).create("Blank", with_sample=False)
    with Host(tmp_path, "Blank") as h:
        yield h


def open_screen(qtbot, host, deck_id=DEFAULT_DECK_ID):
    screen = ReviewerScreen(host.col, host.plugins, deck_id)
    qtbot.addWidget(screen)
    screen.resize(800, 560)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=WAIT)
    screen.start()
    return screen


@pytest.fixture
def window(qtbot, app_host):
    win = MainWindow(app_host)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT)
    yield win
    if win.host.col is not None:
        win.close()


# --- studying the sample deck ---------------------------------------------------------------


def test_study_the_sample_deck_with_keys(qtbot, window, screenshot_dir):
    col = window.col
    sample = col.decks.id("Sample Deck", create=False)
    window.select_deck(sample)
    assert window.overview.study_button.isEnabled()
    qtbot.keyClick(window.deck_tree, Qt.Key.Key_S)  # `s`: study the selected deck
    reviewer = window.reviewer
    assert isinstance(reviewer, ReviewerScreen) and reviewer.isVisible()
    wait_state(qtbot, reviewer, "question")
    first = reviewer.session.current.card
    wait_shown(qtbot, reviewer, "What is the capital of Morocco?")
    counts = col.sched.counts(sample)
    assert reviewer.counts_label.text().count("+") == 2
    assert f">{counts.new}</span></u>" in reviewer.counts_label.text()  # new card: underlined
    assert js(qtbot, reviewer.web, "document.body.className").startswith("card card1")
    qtbot.wait(150)  # let the page paint before the screenshot
    assert window.grab().save(str(screenshot_dir / "reviewer-question.png"))

    press(qtbot, reviewer, Qt.Key.Key_Space)  # Space: show the answer
    wait_state(qtbot, reviewer, "answer")
    wait_shown(qtbot, reviewer, "Rabat")
    labels = [reviewer.findChild(QLabel, f"interval{e}").text() for e in (1, 2, 3, 4)]
    assert labels == list(reviewer.session.current.labels)
    assert [b.text() for b in reviewer.answer_buttons.values()] == ["Again", "Hard", "Good",
                                                                    "Easy"]
    qtbot.wait(150)
    assert window.grab().save(str(screenshot_dir / "reviewer-answer.png"))

    press(qtbot, reviewer, Qt.Key.Key_3)  # Good
    wait_state(qtbot, reviewer, "question")
    second = reviewer.session.current.card
    assert second.id != first.id
    assert col.sched.counts(sample).new == counts.new - 1
    assert col.undo_name() == "Answer Card"
    assert window.actions_["undo"].text() == "Undo Answer Card"

    # Enter shows the answer, Enter again answers Good; 1 answers Again.
    press(qtbot, reviewer, Qt.Key.Key_Return)
    wait_state(qtbot, reviewer, "answer")
    press(qtbot, reviewer, Qt.Key.Key_1)
    wait_state(qtbot, reviewer, "question")
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 2

    # `u` undoes the answer: the card comes back first and the counts with it.
    press(qtbot, reviewer, Qt.Key.Key_U)
    wait_state(qtbot, reviewer, "question")
    assert reviewer.session.current.card.id == second.id
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 1
    assert col.sched.counts(sample).new == counts.new - 1
    # Ctrl+Z (the main window's Undo) undoes the first answer too.
    press(qtbot, reviewer, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reviewer.session.current.card.id == first.id, timeout=WAIT)
    assert col.sched.counts(sample).new == counts.new
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 0
    wait_shown(qtbot, reviewer, "Morocco")

    # `e` edits the current note; closing the dialog saves and the card shows the change.
    dialog = None
    press(qtbot, reviewer, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: any(w.objectName() == "editDialog" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=WAIT)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "editDialog" and w.isVisible())
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    dialog.editor.note.fields[0] = "What is the capital of Morocco? (edited)"
    dialog.accept()
    qtbot.waitUntil(lambda: col.undo_name() == "Update Note", timeout=WAIT)
    wait_shown(qtbot, reviewer, "(edited)")
    assert reviewer.state == "question" and reviewer.session.current.card.id == first.id

    # Escape goes back to the deck list.
    window.activateWindow()  # the Edit window had the keyboard
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    press(qtbot, reviewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.reviewer is None, timeout=WAIT)
    assert window.deck_tree.isVisible()


def test_bury_suspend_and_flag_from_the_reviewer(qtbot, blank_host):
    col = blank_host.col
    notes = [add(col, "Basic", f"question {n}", f"answer {n}") for n in range(3)]
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    first = reviewer.session.current.card
    assert first.nid == notes[0].id

    press(qtbot, reviewer, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # orange flag
    qtbot.waitUntil(lambda: col.get_card(first.id).user_flag == 2, timeout=WAIT)
    assert "Orange" in reviewer.flag_label.text()
    assert col.undo_name() == "Set Flag"
    press(qtbot, reviewer, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # toggles off
    qtbot.waitUntil(lambda: col.get_card(first.id).user_flag == 0, timeout=WAIT)
    assert reviewer.flag_label.text() == ""

    press(qtbot, reviewer, Qt.Key.Key_Minus)  # bury the card
    qtbot.waitUntil(lambda: col.get_card(first.id).queue == -3, timeout=WAIT)
    assert col.undo_name() == "Bury"
    wait_state(qtbot, reviewer, "question")
    second = reviewer.session.current.card
    assert second.nid == notes[1].id

    press(qtbot, reviewer, Qt.Key.Key_At)  # suspend the card
    qtbot.waitUntil(lambda: col.get_card(second.id).queue == -1, timeout=WAIT)
    assert col.undo_name() == "Suspend"
    wait_state(qtbot, reviewer, "question")
    assert reviewer.session.current.card.nid == notes[2].id
    assert reviewer.session.counts()[0].new == 1

    # Undoing the suspension brings that card back.
    press(qtbot, reviewer, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: col.get_card(second.id).queue == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: reviewer.session.counts()[0].new == 2, timeout=WAIT)


# --- type in the answer -------------------------------------------------------------------


def test_typed_answer_is_compared_as_anki_shows_it(qtbot, blank_host, screenshot_dir):
    add(blank_host.col, "Basic (type in the answer)", "Capital of Japan", "Tokyo")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    qtbot.waitUntil(lambda: js(qtbot, reviewer.web,
                               "document.activeElement && document.activeElement.id") == "typeans",
                    timeout=WAIT)
    # Keys typed in the box go to the box, not to the reviewer's shortcuts (space, 1–4, e …).
    # One key at a time, each seen by the page before the next (under load QtWebEngine can
    # still be busy with the previous one).
    typed = ""
    for key in "Tokoy e1":
        qtbot.keyClicks(reviewer.web.focusProxy(), key)
        typed += key
        qtbot.waitUntil(lambda t=typed: js(qtbot, reviewer.web, "_getTypedText()") == t,
                        timeout=WAIT)
    assert reviewer.state == "question"
    for _ in range(3):
        qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_Backspace)
    # The page handles keys asynchronously: wait for it before Enter (flaky under load).
    qtbot.waitUntil(lambda: js(qtbot, reviewer.web, "_getTypedText()") == "Tokoy",
                    timeout=WAIT)
    press(qtbot, reviewer, Qt.Key.Key_Return)  # Enter in the box shows the answer
    wait_state(qtbot, reviewer, "answer")
    code = "(document.querySelector('code#typeans') || {outerHTML: ''}).outerHTML"
    qtbot.waitUntil(lambda: js(qtbot, reviewer.web, code) != "", timeout=WAIT)
    html = js(qtbot, reviewer.web, code)
    assert html == (
        '<code id="typeans"><span class="typeGood">Tok</span><span class="typeMissed">-</span>'
        '<span class="typeGood">o</span><span class="typeBad">y</span><br>'
        '<span id="typearrow">↓</span><br><span class="typeGood">Tok</span>'
        '<span class="typeMissed">y</span><span class="typeGood">o</span></code>')
    qtbot.wait(150)
    assert reviewer.grab().save(str(screenshot_dir / "reviewer-type-answer.png"))


# --- the end of the deck -------------------------------------------------------------------


def test_congratulations_when_the_deck_is_done(qtbot, blank_host, screenshot_dir):
    add(blank_host.col, "Basic", "only question", "only answer")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    press(qtbot, reviewer, Qt.Key.Key_Space)
    wait_state(qtbot, reviewer, "answer")
    press(qtbot, reviewer, Qt.Key.Key_4)  # Easy: graduates, nothing left today
    wait_state(qtbot, reviewer, "finished")
    assert reviewer.congrats.isVisible()
    assert CONGRATS in reviewer.congrats_text.text()
    assert reviewer.grab().save(str(screenshot_dir / "reviewer-congratulations.png"))
    # Undo from there brings the card back.
    press(qtbot, reviewer, Qt.Key.Key_U)
    wait_state(qtbot, reviewer, "question")
    with qtbot.waitSignal(reviewer.closed, timeout=WAIT):
        reviewer.back_button.click()


def test_finished_screen_says_when_the_next_learning_card_comes(qtbot, blank_host):
    add(blank_host.col, "Basic", "q", "a")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    reviewer.on_enter()
    wait_state(qtbot, reviewer, "answer")
    reviewer.answer(3)  # Good: the card comes back in 10 minutes (after learn-ahead, 20 min)
    wait_state(qtbot, reviewer, "question")  # within the learn-ahead limit: shown again now
    reviewer.on_enter()
    wait_state(qtbot, reviewer, "answer")
    reviewer.answer(1)  # Again: 1 minute
    wait_state(qtbot, reviewer, "question")
    # Push the learning card past the learn-ahead window.
    blank_host.col.set_config("collapseTime", 0)
    reviewer.refresh()
    wait_state(qtbot, reviewer, "finished")
    assert "The next learning card will be ready in 1 minute." in reviewer.congrats_text.text()
    assert reviewer._resume.isActive()


# --- add-ons and scripts never stop the reviewer ----------------------------------------


class BrokenShow:
    """An add-on whose card_will_show raises on every card."""

    @hookimpl
    def card_will_show(self, html, card, side):
        raise ZeroDivisionError("broken add-on")


class Shout:
    @hookimpl
    def card_will_show(self, html, card, side):
        return html + f"<p id=shout>{side.upper()}</p>"


def test_an_add_on_raising_in_card_will_show_does_not_stop_the_reviewer(qtbot, blank_host,
                                                                       screenshot_dir):
    add(blank_host.col, "Basic", "still shown", "still answered")
    assert blank_host.plugins.register_plugin(BrokenShow(), "brokenshow")
    assert blank_host.plugins.register_plugin(Shout(), "shout")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    wait_shown(qtbot, reviewer, "still shown")
    assert "QUESTION" in body_text(qtbot, reviewer)  # the other add-on still ran
    assert reviewer.notice_bar.isVisible()
    assert "brokenshow" in reviewer.notice_label.text()
    assert "ZeroDivisionError" in reviewer.notice_label.text()
    qtbot.wait(150)
    assert reviewer.grab().save(str(screenshot_dir / "reviewer-addon-notice.png"))
    press(qtbot, reviewer, Qt.Key.Key_Space)
    wait_state(qtbot, reviewer, "answer")
    wait_shown(qtbot, reviewer, "still answered")
    press(qtbot, reviewer, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: reviewer.state in ("question", "finished"), timeout=WAIT)
    assert blank_host.col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 1
    log = reviewer.show_log()
    assert "brokenshow" in log.text.toPlainText()
    assert "Traceback" in log.text.toPlainText()
    log.close()


class EasyIn42Days:
    """An add-on changing the states: the Easy button must show what it gives."""

    @hookimpl
    def scheduling_will_answer(self, states):
        import dataclasses

        from repetend.core.scheduler import ReviewState

        easy = states.easy
        if isinstance(easy, ReviewState):
            easy = dataclasses.replace(easy, scheduled_days=42)
        return dataclasses.replace(states, easy=easy)


class NoHard:
    @hookimpl
    def reviewer_will_init_answer_buttons(self, buttons, card):
        return tuple((ease, label.upper()) for ease, label in buttons if ease != 2)


def test_buttons_come_from_the_hooks_and_intervals_from_the_final_states(qtbot, blank_host):
    add(blank_host.col, "Basic", "q", "a")
    blank_host.plugins.register_plugin(EasyIn42Days(), "easy42")
    blank_host.plugins.register_plugin(NoHard(), "nohard")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    press(qtbot, reviewer, Qt.Key.Key_Space)
    wait_state(qtbot, reviewer, "answer")
    assert [b.text() for b in reviewer.answer_buttons.values()] == ["AGAIN", "GOOD", "EASY"]
    assert reviewer.findChild(QLabel, "interval4").text() == "1.4mo"
    press(qtbot, reviewer, Qt.Key.Key_2)  # no Hard button: nothing happens
    assert reviewer.state == "answer"
    press(qtbot, reviewer, Qt.Key.Key_4)
    wait_state(qtbot, reviewer, "finished")
    card = blank_host.col.get_card(blank_host.col.card_ids()[0])
    assert card.ivl == 42  # what the button showed is what was stored


def test_a_failing_scheduling_script_shows_a_notice_with_its_log(qtbot, blank_host):
    pytest.importorskip("repetend.plugins.scripts.runner")
    from repetend.plugins import BUILTIN

    if "scripts" not in BUILTIN:
        pytest.skip("the scheduling-scripts plugin is not registered")
    col = blank_host.col
    add(col, "Basic", "q", "a")
    col.set_config("cardStateCustomizer", "console.log('about to fail');\n"
                                          "throw new Error('boom');")
    from repetend.plugins.reviewer import open_reviewer

    reviewer = open_reviewer(col, blank_host.plugins, DEFAULT_DECK_ID)
    qtbot.addWidget(reviewer)
    reviewer.show()
    reviewer.start()
    wait_state(qtbot, reviewer, "question")
    assert reviewer.notice_bar.isVisible()
    assert "Scheduling script 'global' failed" in reviewer.notice_label.text()
    assert "boom" in reviewer.notice_label.text()
    log = reviewer.show_log()
    assert "about to fail" in log.text.toPlainText()
    log.close()
    # Answering still works, with the scheduler's own intervals.
    reviewer.on_enter()
    wait_state(qtbot, reviewer, "answer")
    reviewer.answer(3)
    qtbot.waitUntil(lambda: reviewer.state in ("question", "finished"), timeout=WAIT)
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 1


# --- sound, MathJax, card info ------------------------------------------------------------


def test_sound_tags_are_played_and_replayed(qtbot, blank_host):
    col = blank_host.col
    col.media_folder.mkdir(parents=True, exist_ok=True)
    for name in ("hello.wav", "bye.wav"):  # a tenth of a second of silence each
        with wave.open(str(col.media_folder / name), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(bytes(1600))
    add(col, "Basic", "Listen [sound:hello.wav]", "Answer [sound:bye.wav]")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    assert reviewer.sound.requests == [[col.media_folder / "hello.wav"]]
    qtbot.waitUntil(lambda: js(qtbot, reviewer.web,
                               "document.querySelectorAll('.replay-button').length") == 1,
                    timeout=WAIT)
    press(qtbot, reviewer, Qt.Key.Key_R)
    assert reviewer.sound.requests[-1] == [col.media_folder / "hello.wav"]
    # The replay button on the card asks Python through pycmd.
    js(qtbot, reviewer.web, "document.querySelector('.replay-button').click()")
    qtbot.waitUntil(lambda: len(reviewer.sound.requests) == 3, timeout=WAIT)
    press(qtbot, reviewer, Qt.Key.Key_Space)
    wait_state(qtbot, reviewer, "answer")
    # The answer plays its own sound only; replaying it plays the question's first.
    assert reviewer.sound.requests[-1] == [col.media_folder / "bye.wav"]
    press(qtbot, reviewer, Qt.Key.Key_R)
    assert reviewer.sound.requests[-1] == [col.media_folder / "hello.wav",
                                           col.media_folder / "bye.wav"]
    reviewer.stop()


class FakeVoice:
    """A text-to-speech add-on whose engine writes a file per text it is asked to say."""

    def __init__(self, folder):
        self.folder = folder
        self.said = []

    @hookimpl
    def register_tts_engines(self, register):
        from repetend.hooks.tts import TTSEngine, TTSVoice

        def speak(text, voice, speed):
            self.said.append((text, voice.name, speed))
            path = self.folder / f"said-{len(self.said)}.wav"
            path.write_bytes(b"RIFF")
            return path

        register(TTSEngine("Fake", lambda: [TTSVoice("Robot", "en_US")], speak))


def test_tts_tags_are_spoken_by_a_registered_engine(qtbot, blank_host, tmp_path):
    voice = FakeVoice(tmp_path)
    blank_host.plugins.register_plugin(voice, "fakevoice")
    add(blank_host.col, "Basic", "[anki:tts lang=en_US speed=1.5]hello[/anki:tts]", "a")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    assert voice.said == [("hello", "Robot", 1.5)]
    assert reviewer.sound.requests == [[tmp_path / "said-1.wav"]]
    reviewer.stop()


def test_mathjax_typesets_without_the_network(qtbot, blank_host, screenshot_dir):
    add(blank_host.col, "Basic", r"Solve \(x^2 = 4\)", r"\[x = \pm 2\]")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    qtbot.waitUntil(lambda: js(qtbot, reviewer.web,
                               "document.querySelectorAll('mjx-container').length") == 1,
                    timeout=WAIT)
    assert reviewer.web.blocked_urls == []
    press(qtbot, reviewer, Qt.Key.Key_Space)
    wait_state(qtbot, reviewer, "answer")
    qtbot.waitUntil(lambda: js(qtbot, reviewer.web,
                               "document.querySelectorAll('mjx-container[display]').length")
                    == 1, timeout=WAIT)
    qtbot.wait(150)
    assert reviewer.grab().save(str(screenshot_dir / "reviewer-mathjax.png"))
    assert reviewer.web.blocked_urls == []


def test_card_info_lists_scheduling_fields_and_reviews(qtbot, blank_host):
    add(blank_host.col, "Basic", "q", "a")
    reviewer = open_screen(qtbot, blank_host)
    wait_state(qtbot, reviewer, "question")
    reviewer.on_enter()
    wait_state(qtbot, reviewer, "answer")
    reviewer.answer(1)
    wait_state(qtbot, reviewer, "question")
    press(qtbot, reviewer, Qt.Key.Key_I)
    dialog = next(w for w in reviewer.findChildren(QWidget_type())
                  if w.objectName() == "cardInfoDialog")
    text = dialog.text.toPlainText()
    for label in ("Added", "First Review", "Due", "Reviews", "Lapses", "Card Type",
                  "Note Type", "Deck", "Card ID", "Review History"):
        assert label in text, label
    assert "Learn" in text and "Basic" in text
    dialog.close()


def QWidget_type():  # noqa: N802 - a type for findChildren
    from repetend.host.qt import QDialog

    return QDialog
