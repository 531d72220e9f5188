"""The reviewer screen (GUI): the card, the answer buttons, the keys Anki users know.

`ReviewerScreen` draws what a `ReviewSession` says: the card in a `CardView` (note type CSS,
`card cardN` body classes, card JavaScript, media from the profile's media folder, no
network), MathJax for cards with `\\(…\\)`/`\\[…\\]` (a bundled copy, never a CDN), the
"Show Answer" button with the new/learning/review counts, the answer buttons with the
interval each gives, a session timer, sounds through QtMultimedia, and the
congratulations screen when the deck is done. Problems that did not stop studying (an
add-on that raised, a scheduling script that failed) appear in a small notice bar with a
"Show Log" button; nothing blocks.

Keys (Anki's reviewer): Space/Enter show the answer, then answer Good; 1–4 answer; `r`/F5
replay; `e` edit the note; `i` card info; `-` bury card, `=` bury note; `@` suspend card,
`!` suspend note; Ctrl+1…7 toggle a flag; `u` undo (Ctrl+Z is the main window's Undo);
Escape back to the decks.

This module imports Qt: load it only from GUI code (`repetend.plugins.reviewer.open_reviewer`).
"""

from __future__ import annotations

import html as html_lib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from repetend.core.errors import NotFoundError, RepetendError
from repetend.host.qt import (
    MULTIMEDIA_ERROR,
    Q_ARG,
    QApplication,
    QAudioOutput,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMediaPlayer,
    QMenu,
    QMetaObject,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QQmlComponent,
    QQmlEngine,
    QShortcut,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from repetend.plugins.cardview import CardRequestGuard, CardView, play_buttons
from repetend.plugins.reviewer.session import (
    CONGRATS,
    FLAG_COLOURS,
    FLAG_NAMES,
    Problem,
    ReviewerHooks,
    ReviewSession,
    needs_mathjax,
)

MATHJAX_DIR = Path(__file__).resolve().parent / "mathjax"

#: Runs in every reviewer page: Enter in the type-in box shows the answer (Anki's
#: `_typeAnsPress`), the box gets the focus, and the answer side scrolls to `<hr id=answer>`.
_REVIEWER_JS = """
<script>
function _typeAnsPress() {
  if (window.event && window.event.key === "Enter") { pycmd("ans"); }
}
function _getTypedText() {
  var box = document.getElementById("typeans");
  return box ? box.value : null;
}
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("typeans");
  if (box) { box.focus(); }
  var hr = document.getElementById("answer");
  if (hr && window._reviewerSide === "answer") { hr.scrollIntoView(); }
});
</script>
<style>
#typeans { width: 100%; box-sizing: border-box; }
code#typeans { white-space: pre-wrap; font-family: monospace; }
.typeGood { background: #afa; color: black; }
.typeBad { color: black; background: #faa; }
.typeMissed { color: black; background: #ccc; }
.nightMode .typeGood, .nightMode .typeBad, .nightMode .typeMissed { color: black; }
</style>
"""

# Anki's MathJax settings: \\( \\) inline, \\[ \\] display, no $ delimiters, no menu.
_MATHJAX_CONFIG = """
<script>
window.MathJax = {
  tex: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
        processEscapes: false, processEnvironments: false, processRefs: false},
  options: {enableMenu: false, ignoreHtmlClass: "tex2jax_ignore",
            processHtmlClass: "tex2jax_process"},
  startup: {typeset: true}
};
</script>
"""


def mathjax_head() -> str:
    """The `<head>` part that typesets the card with the bundled MathJax (empty if the
    bundled copy is missing)."""
    script = MATHJAX_DIR / "tex-chtml-full.js"
    if not script.is_file():
        return ""
    url = QUrl.fromLocalFile(str(script)).toString()
    return f'{_MATHJAX_CONFIG}<script src="{html_lib.escape(url)}"></script>'


def body_classes(night: bool) -> tuple[str, ...]:
    """Anki's theme classes on the card's body (after `card cardN`)."""
    platform = {"win32": "isWin", "darwin": "isMac"}.get(sys.platform, "isLin")
    classes = [platform, "fancy"]
    if night:
        classes += ["nightMode", "night_mode"]
    return tuple(classes)


def _night_mode() -> bool:
    app = QApplication.instance()
    try:
        return app is not None and app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:  # Qt before 6.5
        return False


class ReviewerGuard(CardRequestGuard):
    """The card guard, plus read access to the bundled MathJax files."""

    def __init__(self, media_folder: Path | None, parent: QObject | None = None) -> None:
        super().__init__(media_folder, parent)
        self.mathjax = MATHJAX_DIR

    def allows(self, url: QUrl) -> bool:
        if url.scheme().lower() == "file":
            try:
                path = Path(url.toLocalFile()).resolve()
            except (OSError, RuntimeError):
                return False
            if path.is_relative_to(self.mathjax):
                return True
        return super().allows(url)


# --- sound ------------------------------------------------------------------------------

#: QML for one audio output: built by Qt's QML engine, not from Python (see `audio_output`).
_AUDIO_OUTPUT_QML = b"import QtMultimedia\nAudioOutput {}\n"
_qml: dict[str, Any] = {}


def _ignore(*_args: Any) -> None:
    pass


def audio_output(parent: QObject) -> Any:
    """A QAudioOutput that Qt's audio thread can use without ever waiting for Python.

    Why: PySide gives an object made from Python a C++ subclass that sends each virtual
    call through Python until it has learned that Python overrides nothing. The first
    `disconnectNotify` of a new output comes from Qt's FFmpeg audio thread, destroying its
    renderer while it holds one of Qt's signal-slot mutexes, and waits there for the GIL;
    our thread, holding the GIL in `QMediaPlayer.stop()`/`setSource()`, then waited for
    that mutex: the app hung (gdb, CI and tests/plugins/test_reviewer_sound.py). An
    output made by Qt's QML engine is a plain C++ object: no virtual call reaches Python.
    Without QtQml, a Python-made output is taught here, on our own thread, that nothing
    is overridden (one connect and disconnect), so the audio thread finds that answered.
    """
    made = _qml_audio_output()
    if made is not None:
        made.setParent(parent)
        return made
    output = QAudioOutput(parent)
    output.volumeChanged.connect(_ignore)
    output.volumeChanged.disconnect(_ignore)
    return output


def _qml_audio_output() -> Any:
    """A C++-made QAudioOutput, or None where QtQml or its QtMultimedia module is missing."""
    if QQmlEngine is None:
        return None
    if "component" not in _qml:
        engine = QQmlEngine(QApplication.instance())
        component = QQmlComponent(engine)
        component.setData(_AUDIO_OUTPUT_QML, QUrl())
        _qml.update(engine=engine, component=component)
    component = _qml["component"]
    return None if component.isError() else component.create()


class SoundPlayer(QObject):
    """Plays sound files one after another with QtMultimedia.

    Every request is kept in `requests` (lists of file paths), so tests check what was
    asked for. A file that is missing or cannot be played is reported through
    `problem`; playing goes on with the next one.

    Qt's audio threads must never wait for Python while we wait for them: the output
    comes from `audio_output`, and every call that may wait for those threads goes
    through `_call`, which lets go of the GIL meanwhile (their Qt warnings, for one, reach
    a Python message handler when one is installed, as pytest-qt does).
    """

    problem = Signal(str)
    """sig_problem_found: a sound could not be played; carries the message."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: Every play request so far: the files, in order.
        self.requests: list[list[Path]] = []
        self._queue: list[Path] = []
        self._player: Any = None
        self._output: Any = None
        self._reported_unavailable = False

    def play(self, files: Sequence[Path]) -> None:
        """Stop what is playing and play `files` in order."""
        self.requests.append(list(files))
        self.stop()
        self._queue = list(files)
        self._play_next()

    def stop(self) -> None:
        """Stop playing, and let Qt's playback threads go (none wait for a deletion)."""
        self._queue = []
        if self._player is not None:
            self._call("stop")
            self._call("setSource", Q_ARG(QUrl, QUrl()))

    def _call(self, slot: str, *args: Any) -> None:
        """Run a QMediaPlayer slot here and now, without holding the GIL meanwhile.

        `stop`/`setSource` wait for Qt's audio thread, which may itself wait for Python;
        PySide's `QMetaObject.invokeMethod` releases the GIL around the call (a plain
        method call keeps it: the reviewer hung when a sound was replayed or the card
        changed as a sound ended)."""
        QMetaObject.invokeMethod(self._player, slot, Qt.ConnectionType.DirectConnection,
                                 *args)

    def _ensure_player(self) -> bool:
        if self._player is not None:
            return True
        if QMediaPlayer is None:
            if not self._reported_unavailable:
                self._reported_unavailable = True
                self.problem.emit(MULTIMEDIA_ERROR or "sound is unavailable")
            return False
        self._player = QMediaPlayer(self)
        self._output = audio_output(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._status_changed)
        self._player.errorOccurred.connect(self._error)
        return True

    def _play_next(self) -> None:
        while self._queue:
            path = self._queue.pop(0)
            if not path.is_file():
                self.problem.emit(f"Sound file not found: {path.name}")
                continue
            if not self._ensure_player():
                return
            self._call("setSource", Q_ARG(QUrl, QUrl.fromLocalFile(str(path))))
            self._call("play")
            return

    def _status_changed(self, status: Any) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._play_next()

    def _error(self, _error: Any, message: str = "") -> None:
        self.problem.emit(f"Could not play a sound: {message or _error}")
        self._play_next()


# --- dialogs ----------------------------------------------------------------------------

class CardInfoDialog(QDialog):
    """`i`: the card's scheduling fields and its review log."""

    def __init__(self, info: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardInfoDialog")
        self.setWindowTitle("Card Info")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(560, 480)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("cardInfoText")
        rows = "".join(f"<tr><td><b>{html_lib.escape(k)}</b></td>"
                       f"<td>{html_lib.escape(v)}</td></tr>" for k, v in info.rows)
        page = f"<table cellspacing=6>{rows}</table>"
        if info.reviews:
            head = "".join(f"<th align=left>{h}</th>" for h in
                           ("Date", "Type", "Rating", "Interval", "Ease", "Time"))
            body = "".join("<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in r)
                           + "</tr>" for r in info.reviews)
            page += f"<h3>Review History</h3><table cellspacing=6><tr>{head}</tr>{body}</table>"
        else:
            page += "<p>This card has not been reviewed yet.</p>"
        self.text.setHtml(page)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ProblemLogDialog(QDialog):
    """The full text of every problem noticed while reviewing (tracebacks, script logs)."""

    def __init__(self, problems: Sequence[Problem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemLogDialog")
        self.setWindowTitle("Reviewer Log")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("problemLogText")
        self.text.setReadOnly(True)
        self.text.setPlainText("\n\n".join(
            p.summary + (f"\n{p.details.rstrip()}" if p.details else "") for p in problems))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# --- the screen -------------------------------------------------------------------------

class ReviewerScreen(QWidget):
    """Studying one deck. Embed it (the main window does) and call `start()`."""

    closed = Signal()
    """sig_reviewer_closed: the user left the reviewer (Escape, Decks)."""

    changed = Signal()
    """sig_collection_changed: the reviewer changed the collection (answer, undo, bury …)."""

    state_changed = Signal(str)
    """sig_state_changed: "question", "answer", "finished" (after the screen is drawn)."""

    def __init__(self, col: Any, hooks: ReviewerHooks, deck_id: int,
                 parent: QWidget | None = None, *,
                 edit_note: Callable[[int], Any] | None = None,
                 script_problems: Callable[[], Sequence[Problem]] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewer")
        self.col = col
        self.hooks = hooks
        self._edit_note = edit_note
        kwargs: dict[str, Any] = {"play_button": _play_button,
                                  "script_problems": script_problems}
        if clock is not None:
            kwargs["clock"] = clock
        self.session = ReviewSession(col, hooks, deck_id, **kwargs)
        #: "question", "answer", "finished", or "busy" while the typed answer is read.
        self.state = "idle"
        #: Every problem noticed in this session, oldest first (the notice bar's log).
        self.problems: list[Problem] = []
        self.sound = SoundPlayer(self)
        self.sound.problem.connect(lambda text: self.notice([Problem(text)]))
        self._build()
        self._shortcuts()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.timeout.connect(self._resume_if_due)

    # --- building -------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.notice_bar = QFrame(self)
        self.notice_bar.setObjectName("reviewerNotice")
        self.notice_bar.setStyleSheet(
            "#reviewerNotice { background: #fff3cd; border-bottom: 1px solid #e0c36a; }")
        bar = QHBoxLayout(self.notice_bar)
        bar.setContentsMargins(8, 3, 8, 3)
        self.notice_label = QLabel("", self.notice_bar)
        self.notice_label.setObjectName("reviewerNoticeText")
        self.notice_label.setWordWrap(True)
        bar.addWidget(self.notice_label, 1)
        self.log_button = QPushButton("Show Log", self.notice_bar)
        self.log_button.setObjectName("showLogButton")
        self.log_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log_button.clicked.connect(self.show_log)
        bar.addWidget(self.log_button)
        dismiss = QPushButton("×", self.notice_bar)
        dismiss.setObjectName("dismissNotice")
        dismiss.setFlat(True)
        dismiss.setFixedWidth(28)
        dismiss.setToolTip("Hide this notice")
        dismiss.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        dismiss.clicked.connect(self.notice_bar.hide)
        bar.addWidget(dismiss)
        self.notice_bar.hide()
        layout.addWidget(self.notice_bar)

        self.pages = QStackedWidget(self)
        self.web = CardView(self.col.media_folder, self.pages)
        self.web.setObjectName("reviewerCard")
        guard = ReviewerGuard(self.web.media_folder, self.web.page())
        self.web.page().setUrlRequestInterceptor(guard)
        self.web.guard = guard
        self.web.command.connect(self.on_command)
        self.pages.addWidget(self.web)
        self.congrats = QWidget(self.pages)
        self.congrats.setObjectName("congrats")
        congrats_layout = QVBoxLayout(self.congrats)
        congrats_layout.addStretch(1)
        self.congrats_text = QLabel("", self.congrats)
        self.congrats_text.setObjectName("congratsText")
        self.congrats_text.setTextFormat(Qt.TextFormat.RichText)
        self.congrats_text.setWordWrap(True)
        self.congrats_text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        congrats_layout.addWidget(self.congrats_text)
        congrats_layout.addSpacing(16)
        row = QHBoxLayout()
        row.addStretch(1)
        self.back_button = QPushButton("Back to Decks", self.congrats)
        self.back_button.setObjectName("backToDecks")
        self.back_button.clicked.connect(self.close_reviewer)
        row.addWidget(self.back_button)
        row.addStretch(1)
        congrats_layout.addLayout(row)
        congrats_layout.addStretch(2)
        self.pages.addWidget(self.congrats)
        layout.addWidget(self.pages, 1)

        self.bottom = QFrame(self)
        self.bottom.setObjectName("reviewerBottom")
        self.bottom.setStyleSheet("#reviewerBottom { border-top: 1px solid #c8c8c8; }")
        bottom = QHBoxLayout(self.bottom)
        bottom.setContentsMargins(8, 6, 8, 6)
        self.edit_button = QPushButton("Edit", self.bottom)
        self.edit_button.setObjectName("editButton")
        self.edit_button.setToolTip("Shortcut key: E")
        self.edit_button.clicked.connect(self.edit_current)
        bottom.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.flag_label = QLabel("", self.bottom)
        self.flag_label.setObjectName("flagLabel")
        bottom.addWidget(self.flag_label, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addStretch(1)

        self.middle = QStackedWidget(self.bottom)
        question = QWidget(self.middle)
        q_layout = QVBoxLayout(question)
        q_layout.setContentsMargins(0, 0, 0, 0)
        q_layout.setSpacing(2)
        self.counts_label = QLabel("", question)
        self.counts_label.setObjectName("reviewCounts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.counts_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        q_layout.addWidget(self.counts_label)
        self.show_answer_button = QPushButton("Show Answer", question)
        self.show_answer_button.setObjectName("showAnswerButton")
        self.show_answer_button.setToolTip("Shortcut key: Space")
        self.show_answer_button.setMinimumWidth(220)
        self.show_answer_button.clicked.connect(self.show_answer)
        q_layout.addWidget(self.show_answer_button)
        self.middle.addWidget(question)
        self.answer_row = QWidget(self.middle)
        self.answer_layout = QHBoxLayout(self.answer_row)
        self.answer_layout.setContentsMargins(0, 0, 0, 0)
        self.middle.addWidget(self.answer_row)
        self.middle.addWidget(QWidget(self.middle))  # finished: nothing to press
        bottom.addWidget(self.middle)
        bottom.addStretch(1)

        self.timer_label = QLabel("0:00", self.bottom)
        self.timer_label.setObjectName("sessionTimer")
        self.timer_label.setToolTip("Time studied in this session")
        bottom.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.more_button = QPushButton("More", self.bottom)
        self.more_button.setObjectName("moreButton")
        self.more_button.setToolTip("Shortcut key: M")
        self.more_button.clicked.connect(self.show_more_menu)
        bottom.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addWidget(self.bottom)
        for button in (self.edit_button, self.show_answer_button, self.more_button,
                       self.back_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        #: The answer buttons shown now, by ease.
        self.answer_buttons: dict[int, QPushButton] = {}

    def _shortcuts(self) -> None:
        keys: list[tuple[str | Qt.Key, Callable[[], Any]]] = [
            (" ", self.on_enter), (Qt.Key.Key_Return, self.on_enter),
            (Qt.Key.Key_Enter, self.on_enter),
            ("1", lambda: self.answer(1)), ("2", lambda: self.answer(2)),
            ("3", lambda: self.answer(3)), ("4", lambda: self.answer(4)),
            ("r", self.replay), (Qt.Key.Key_F5, self.replay),
            ("e", self.edit_current), ("i", self.card_info), ("m", self.show_more_menu),
            ("-", self.bury_card), ("=", self.bury_note),
            ("@", self.suspend_card), ("!", self.suspend_note),
            ("u", self.undo), (Qt.Key.Key_Escape, self.close_reviewer),
            *((f"Ctrl+{n}", lambda n=n: self.toggle_flag(n)) for n in range(1, 8)),
        ]
        self.shortcuts: dict[str, QShortcut] = {}
        for key, slot in keys:
            sequence = QKeySequence(key)
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[sequence.toString()] = shortcut

    # --- showing ----------------------------------------------------------------------

    def start(self) -> None:
        """Show the first card (or the congratulations screen) and start the timer."""
        self._clock.start()
        self._tick()
        self.next_card()

    def next_card(self) -> None:
        self.sound.stop()
        self._resume.stop()
        self.session.next_card()
        self._after_fetch()

    def _after_fetch(self) -> None:
        if self.session.current is None:
            self.show_finished()
        else:
            self.show_question()
        self._report_problems()

    def show_question(self) -> None:
        shown = self.session.current
        if shown is None:
            return
        html = self.session.question_html()
        self._display(html, "question")
        counts, index = self.session.counts()
        parts = [f"<span style='color:#1f6fd0'>{counts.new}</span>",
                 f"<span style='color:#c0392b'>{counts.learn}</span>",
                 f"<span style='color:#2e8b3e'>{counts.review}</span>"]
        parts[index] = f"<u>{parts[index]}</u>"
        self.counts_label.setText(" + ".join(parts))
        self.middle.setCurrentIndex(0)
        self._show_flag()
        self.state = "question"
        if self.session.autoplay():
            self._play(self.session.sounds("question"))
        self.web.setFocus()
        self.state_changed.emit("question")

    def show_answer(self) -> None:
        """Space/Enter on the question: read what was typed (if asked), then show the back."""
        if self.state != "question" or self.session.current is None:
            return
        self.state = "busy"
        request = self.session.current.type_answer
        if request is not None and request.expected:
            self.web.eval_js("_getTypedText()",
                             lambda value: self._show_answer(str(value or "")))
        else:
            self._show_answer("")

    def _show_answer(self, typed: str) -> None:
        if self.state != "busy" or self.session.current is None:
            return
        html = self.session.answer_html(typed)
        self._display(html, "answer")
        self._fill_answer_buttons()
        self.middle.setCurrentIndex(1)
        self.state = "answer"
        if self.session.autoplay():
            self._play(self.session.sounds("answer"))
        self.web.setFocus()
        self._report_problems()
        self.state_changed.emit("answer")

    def _display(self, html: str, side: str) -> None:
        shown = self.session.current
        assert shown is not None
        # The page script reads the side (to scroll the answer to <hr id=answer>).
        head = (f"<script>window._reviewerSide = {json.dumps(side)};</script>" + _REVIEWER_JS
                + (mathjax_head() if needs_mathjax(html) else ""))
        self.pages.setCurrentIndex(0)
        self.web.show_card(html, shown.css, shown.card.ord,
                           body_classes=body_classes(_night_mode()), head=head)

    def _fill_answer_buttons(self) -> None:
        while self.answer_layout.count():
            item = self.answer_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.answer_buttons = {}
        choices = self.session.answer_buttons()
        for choice in choices:
            box = QWidget(self.answer_row)
            column = QVBoxLayout(box)
            column.setContentsMargins(2, 0, 2, 0)
            column.setSpacing(2)
            interval = QLabel(choice.interval, box)
            interval.setObjectName(f"interval{choice.ease}")
            interval.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(interval)
            button = QPushButton(choice.label, box)
            button.setObjectName(f"ease{choice.ease}")
            button.setToolTip(f"Shortcut key: {choice.ease}")
            button.setMinimumWidth(90)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, e=choice.ease: self.answer(e))
            column.addWidget(button)
            self.answer_layout.addWidget(box)
            self.answer_buttons[choice.ease] = button

    def show_finished(self) -> None:
        """The congratulations screen; comes back by itself when a learning card is due."""
        info = self.session.finished()
        lines = "".join(f"<p>{html_lib.escape(line)}</p>" for line in info.lines)
        self.congrats_text.setText(f"<h2>{CONGRATS}</h2>{lines}")
        self.pages.setCurrentIndex(1)
        self.middle.setCurrentIndex(2)
        self.flag_label.setText("")
        self.edit_button.setEnabled(False)
        self.state = "finished"
        if info.next_learning_in is not None:
            self._resume.start(max(1, info.next_learning_in) * 1000)
        self.setFocus()
        self.state_changed.emit("finished")

    def _resume_if_due(self) -> None:
        if self.state == "finished":
            self.next_card()

    def _show_flag(self) -> None:
        self.edit_button.setEnabled(True)
        shown = self.session.current
        flag = shown.card.user_flag if shown is not None else 0
        if flag:
            self.flag_label.setText(f"<span style='color:{FLAG_COLOURS[flag]}; "
                                    f"font-size: 18px'>⚑</span> {FLAG_NAMES[flag]}")
        else:
            self.flag_label.setText("")

    def _tick(self) -> None:
        secs = int(self.session.elapsed())
        hours, rest = divmod(secs, 3600)
        minutes, seconds = divmod(rest, 60)
        self.timer_label.setText(f"{hours}:{minutes:02d}:{seconds:02d}" if hours
                                 else f"{minutes}:{seconds:02d}")

    # --- sound ------------------------------------------------------------------------

    def _play(self, tags: Sequence[Any]) -> None:
        files = [self.col.media_folder / name for name in self.session.media_files(tags)]
        files += self._speak(self.session.tts_tags(tags))
        if files:
            self.sound.play(files)

    def _speak(self, tags: Sequence[Any]) -> list[Path]:
        """Sound files for `{{tts}}` tags from the registered engines (add-ons first)."""
        if not tags:
            return []
        collect = getattr(self.hooks, "register_tts_engines", None)
        call = getattr(self.hooks, "call_contribution", None)
        if collect is None or call is None:
            return []
        engines = collect()
        out: list[Path] = []
        for tag in tags:
            voice_and_engine = _pick_voice(engines, tag, call)
            if voice_and_engine is None:
                self.notice([Problem(f"No text-to-speech voice for {tag.lang!r}.")])
                continue
            engine, voice = voice_and_engine
            path = call(engine, "speak", tag.text, voice, tag.speed, default=None)
            if isinstance(path, Path):
                out.append(path)
        self._report_problems()
        return out

    def replay(self) -> None:
        """`r`: play the side's sounds again (on the answer, the question's first)."""
        if self.state == "question":
            self._play(self.session.sounds("question"))
        elif self.state == "answer":
            self._play(self.session.sounds("answer", replay=True))

    def on_command(self, command: str) -> None:
        """`pycmd(...)` from the page: replay buttons and Enter in the type-in box."""
        if command == "ans":
            self.show_answer()
        elif command.startswith("play:") and self.session.current is not None:
            _play, side, number = command.split(":")
            rendered = self.session.current.rendered
            tags = rendered.question_av_tags if side == "q" else rendered.answer_av_tags
            if number.isdigit() and int(number) < len(tags):
                self._play([tags[int(number)]])

    # --- answering and card operations -------------------------------------------------

    def on_enter(self) -> None:
        """Space/Enter: show the answer; on the answer, answer Good (Anki's default)."""
        if self.state == "question":
            self.show_answer()
        elif self.state == "answer":
            eases = list(self.answer_buttons)
            default = 3 if 3 in eases else next((e for e in eases if e >= 3), eases[-1])
            self.answer(default)

    def answer(self, ease: int) -> None:
        if self.state != "answer" or ease not in self.answer_buttons:
            return
        self.state = "busy"
        try:
            result = self.session.answer(ease)
        except RepetendError as exc:
            self.notice([Problem(f"The answer was not saved: {exc}")])
            self.state = "answer"
            return
        if result.leeched:
            self._status("Card was a leech." + (" It has been suspended."
                                                if result.suspended else ""))
        self.changed.emit()
        self.next_card()

    def undo(self) -> None:
        """`u`: undo the latest step (an undone answer brings its card back)."""
        if self.state == "busy":
            return
        try:
            name = self.session.undo()
        except RepetendError as exc:
            self.notice([Problem(f"Undo failed: {exc}")])
            return
        if name is None:
            self._status("Nothing to undo.")
            return
        self._status(f"{name} undone.")
        self.changed.emit()
        self.refresh()

    def refresh(self) -> None:
        """The collection changed elsewhere (undo from the menu, the note edited, cards
        added): show the same card again if it is still next, else the next one."""
        if self.state == "busy":
            return
        previous_state = self.state
        typed = self.session.typed
        try:
            outcome = self.session.refresh()
        except NotFoundError:  # the deck studied was deleted elsewhere (e.g. the browser)
            self._status("The deck being studied is gone.")
            self.close_reviewer()
            return
        if outcome == "done":
            self.sound.stop()
            self.show_finished()
        elif outcome == "same" and previous_state == "answer":
            self.state = "busy"
            self._show_answer(typed)
        else:
            self.sound.stop()
            self.show_question()
        self._report_problems()

    def _card_op(self, op: Callable[[], int], message: Callable[[int], str]) -> None:
        if self.state not in ("question", "answer"):
            return
        try:
            count = op()
        except RepetendError as exc:
            self.notice([Problem(str(exc))])
            return
        self._status(message(count))
        self.changed.emit()
        self.next_card()

    def bury_card(self) -> None:
        self._card_op(self.session.bury_card, _buried)

    def bury_note(self) -> None:
        self._card_op(self.session.bury_note, _buried)

    def suspend_card(self) -> None:
        self._card_op(self.session.suspend_card, lambda _n: "Card suspended.")

    def suspend_note(self) -> None:
        self._card_op(self.session.suspend_note, lambda _n: "Note suspended.")

    def toggle_flag(self, flag: int) -> None:
        if self.state not in ("question", "answer"):
            return
        try:
            self.session.toggle_flag(flag)
        except RepetendError as exc:
            self.notice([Problem(str(exc))])
            return
        self._show_flag()
        self.changed.emit()

    def edit_current(self) -> Any:
        """`e`: the Edit dialog for the current note; saving it redraws the card."""
        if self.state not in ("question", "answer") or self.session.current is None:
            return None
        nid = self.session.current.card.nid
        if self._edit_note is not None:
            return self._edit_note(nid)
        from repetend.plugins.editor import open_edit_dialog

        return open_edit_dialog(self.col, nid, self, on_change=self.refresh)

    def current_card_id(self) -> int | None:
        """The card on screen (question or answer side), for windows that show it, such as
        the browser opened with `b` while studying; None on the congratulations screen."""
        if self.state not in ("question", "answer") or self.session.current is None:
            return None
        return self.session.current.card.id

    def card_info(self) -> CardInfoDialog | None:
        """`i`: the card info dialog (not modal)."""
        if self.session.current is None:
            return None
        dialog = CardInfoDialog(self.session.card_info(), self)
        dialog.show()
        return dialog

    def show_more_menu(self) -> QMenu:
        menu = self.build_more_menu()
        menu.popup(self.more_button.mapToGlobal(self.more_button.rect().topLeft()))
        return menu

    def build_more_menu(self) -> QMenu:
        """The "More" menu: Anki's reviewer context menu, minus what is not built."""
        menu = QMenu(self)
        menu.setObjectName("reviewerMore")
        active = self.state in ("question", "answer")
        flags = menu.addMenu("Flag Card")
        current = self.session.current.card.user_flag if self.session.current else 0
        for n in range(1, 8):
            action = flags.addAction(FLAG_NAMES[n], lambda n=n: self.toggle_flag(n))
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.setCheckable(True)
            action.setChecked(current == n)
        for label, key, slot in (("Bury Card", "-", self.bury_card),
                                 ("Suspend Card", "@", self.suspend_card),
                                 ("Card Info", "I", self.card_info), None,
                                 ("Bury Note", "=", self.bury_note),
                                 ("Suspend Note", "!", self.suspend_note), None,
                                 ("Replay Audio", "R", self.replay),
                                 ("Undo", "U", self.undo)):
            if label is None:
                menu.addSeparator()
                continue
            action = menu.addAction(label, slot)
            action.setShortcut(QKeySequence(key))
            action.setEnabled(active or label == "Undo")
        flags.setEnabled(active)
        return menu

    def close_reviewer(self) -> None:
        """Leave the reviewer (Escape): stop sounds and timers; the owner removes it."""
        self.stop()
        self.closed.emit()

    def stop(self) -> None:
        self.sound.stop()
        self._clock.stop()
        self._resume.stop()
        self.state = "idle"

    # --- problems ---------------------------------------------------------------------

    def _report_problems(self) -> None:
        found = self.session.problems()
        if found:
            self.notice(found)

    def notice(self, problems: Sequence[Problem]) -> None:
        """Show problems in the notice bar (never a modal box); all are kept for the log."""
        if not problems:
            return
        self.problems.extend(problems)
        latest = problems[-1].summary
        more = len(self.problems) - 1
        text = latest if not more else f"{latest} (and {more} more)"
        self.notice_label.setText(text)
        self.notice_label.setToolTip(latest)
        self.notice_bar.show()

    def show_log(self) -> ProblemLogDialog:
        dialog = ProblemLogDialog(self.problems, self)
        dialog.show()
        return dialog

    def _status(self, text: str) -> None:
        window = self.window()
        status = getattr(window, "status", None)
        if callable(status):
            status(text)
        self.last_status = text


def _play_button(side: str, number: int) -> str:
    return play_buttons(f"[anki:play:{side}:{number}]")


def _buried(count: int) -> str:
    return f"{count} card buried." if count == 1 else f"{count} cards buried."


def _pick_voice(engines: Sequence[Any], tag: Any,
                call: Callable[..., Any]) -> tuple[Any, Any] | None:
    """The first voice matching the tag's language (and `voices=` list, in its order)."""
    candidates = []
    for engine in engines:
        voices = call(engine, "voices", default=()) or ()
        candidates += [(engine, v) for v in voices if getattr(v, "lang", None) == tag.lang]
    if not candidates:
        return None
    for wanted in tag.voices:
        for engine, voice in candidates:
            if voice.name == wanted:
                return engine, voice
    return candidates[0]
