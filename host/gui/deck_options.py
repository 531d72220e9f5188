"""Deck options: the presets of the selected deck, every option in grouped pages, and the
preset's custom scheduling script with a dry run on the cards due now.

Presets are edited in memory; "Save" validates every preset and writes them (and which preset
the deck uses) as one undoable step, "Update Deck Options".
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from repetend.core.deckconfig import DEFAULT_CONFIG_ID, DeckConfig
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.host.qt import (
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFont,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRegularExpression,
    QSpinBox,
    QSyntaxHighlighter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextCharFormat,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection

OP_NAME = "Update Deck Options"

GATHER = ["Deck", "Deck, then random notes", "Ascending position", "Descending position",
          "Random notes", "Random cards"]
SORT = ["Card type, then order gathered", "Order gathered", "Card type, then random",
        "Random note, then card type", "Random"]
MIX = ["Mix with reviews", "Show after reviews", "Show before reviews"]
REVIEW_ORDER = ["Due date, then random", "Due date, then deck", "Deck, then due date",
                "Ascending intervals", "Descending intervals", "Ascending ease",
                "Descending ease", "Relative overdueness"]
QUESTION_ACTION = ["Show answer", "Show reminder"]
ANSWER_ACTION = ["Bury card", "Answer Again", "Answer Good", "Answer Hard", "Show reminder"]

# (page, [(option, label, kind)]); kind: "int", "float", "bool", "steps", "floats", "text" or a
# list of choice labels (the stored value is the index).
PAGES: list[tuple[str, list[tuple[str, str, Any]]]] = [
    ("Daily limits", [
        ("new_per_day", "New cards/day", "int"),
        ("reviews_per_day", "Maximum reviews/day", "int"),
    ]),
    ("New cards", [
        ("learn_steps", "Learning steps", "steps"),
        ("graduating_interval_good", "Graduating interval", "int"),
        ("graduating_interval_easy", "Easy interval", "int"),
        ("new_card_insert_order", "Insertion order", ["Sequential", "Random"]),
        ("initial_ease", "Starting ease", "float"),
    ]),
    ("Lapses", [
        ("relearn_steps", "Relearning steps", "steps"),
        ("minimum_lapse_interval", "Minimum interval", "int"),
        ("lapse_multiplier", "New interval", "float"),
        ("leech_threshold", "Leech threshold", "int"),
        ("leech_action", "Leech action", ["Suspend card", "Tag only"]),
    ]),
    ("Display order", [
        ("new_card_gather_priority", "New card gather order", GATHER),
        ("new_card_sort_order", "New card sort order", SORT),
        ("new_mix", "New/review order", MIX),
        ("interday_learning_mix", "Interday learning/review order", MIX),
        ("review_order", "Review sort order", REVIEW_ORDER),
    ]),
    ("Burying", [
        ("bury_new", "Bury new siblings", "bool"),
        ("bury_reviews", "Bury review siblings", "bool"),
        ("bury_interday_learning", "Bury interday learning siblings", "bool"),
    ]),
    ("Timer & audio", [
        ("cap_answer_time_to_secs", "Maximum answer seconds", "int"),
        ("show_timer", "Show answer timer", "bool"),
        ("stop_timer_on_answer", "Stop timer on answer", "bool"),
        ("disable_autoplay", "Don't play audio automatically", "bool"),
        ("skip_question_when_replaying_answer", "Skip question when replaying answer", "bool"),
        ("wait_for_audio", "Wait for audio", "bool"),
        ("seconds_to_show_question", "Seconds to show question for", "float"),
        ("seconds_to_show_answer", "Seconds to show answer for", "float"),
        ("question_action", "Question action", QUESTION_ACTION),
        ("answer_action", "Answer action", ANSWER_ACTION),
    ]),
    ("Advanced", [
        ("maximum_review_interval", "Maximum interval", "int"),
        ("easy_multiplier", "Easy bonus", "float"),
        ("hard_multiplier", "Hard interval", "float"),
        ("interval_multiplier", "Interval modifier", "float"),
        ("desired_retention", "Desired retention", "float"),
        ("historical_retention", "Historical retention", "float"),
        ("fsrs_params_4", "FSRS 4 parameters", "floats"),
        ("fsrs_params_5", "FSRS 5 parameters", "floats"),
        ("fsrs_params_6", "FSRS parameters", "floats"),
        ("ignore_revlogs_before_date", "Ignore reviews before", "text"),
        ("param_search", "Optimize search", "text"),
        ("easy_days_percentages", "Easy days (Mon–Sun)", "floats"),
    ]),
]

_UNIT_MINUTES = {"s": 1 / 60, "m": 1.0, "h": 60.0, "d": 1440.0}
_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")


def parse_steps(text: str, option: str = "steps") -> list[float]:
    """'1m 10m', '1 10', '30s 1h 1d' → minutes; a token that is not a step names `option`."""
    steps = []
    for token in text.replace(",", " ").split():
        match = _STEP.match(token.strip().lower())
        if match is None:
            raise InvalidInput(f"{option.replace('_', ' ')}: {token!r} is not a step "
                               "(use minutes like '1m 10m' or '1 10')")
        steps.append(float(match.group(1)) * _UNIT_MINUTES[match.group(2) or "m"])
    return steps


def format_steps(steps: list[float]) -> str:
    out = []
    for minutes in steps:
        if minutes >= 1440 and minutes % 1440 == 0:
            out.append(f"{minutes / 1440:g}d")
        elif minutes >= 60 and minutes % 60 == 0:
            out.append(f"{minutes / 60:g}h")
        elif minutes < 1 and (minutes * 60) == int(minutes * 60):
            out.append(f"{minutes * 60:g}s")
        else:
            out.append(f"{minutes:g}m")
    return " ".join(out)


def _parse_floats(text: str, option: str) -> list[float]:
    try:
        return [float(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise InvalidInput(f"{option.replace('_', ' ')}: numbers separated by spaces "
                           "or commas") from None


class JsHighlighter(QSyntaxHighlighter):
    """Keywords, numbers, strings and comments of JavaScript, simply."""

    KEYWORDS = ("break case catch const continue default delete do else false finally for "
                "function if in instanceof let new null return switch this throw true try "
                "typeof undefined var void while").split()

    def __init__(self, document: Any) -> None:
        super().__init__(document)

        def fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(color))
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            f.setFontItalic(italic)
            return f

        self.rules = [
            (QRegularExpression(r"\b(" + "|".join(self.KEYWORDS) + r")\b"),
             fmt("#0033b3", bold=True)),
            (QRegularExpression(r"\b\d+(\.\d+)?\b"), fmt("#1750eb")),
            (QRegularExpression(r"\b(states|customData|ctx|console)\b"), fmt("#871094")),
            (QRegularExpression(r"\"[^\"\\]*(\\.[^\"\\]*)*\"|'[^'\\]*(\\.[^'\\]*)*'|`[^`]*`"),
             fmt("#067d17")),
            (QRegularExpression(r"//[^\n]*"), fmt("#8c8c8c", italic=True)),
        ]
        self.comment = fmt("#8c8c8c", italic=True)
        self.comment_start = QRegularExpression(r"/\*")
        self.comment_end = QRegularExpression(r"\*/")

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        for pattern, style in self.rules:
            it = pattern.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), style)
        self.setCurrentBlockState(0)
        start = 0 if self.previousBlockState() == 1 else text.find("/*")
        while start >= 0:
            end = text.find("*/", start + (0 if self.previousBlockState() == 1 and start == 0
                                               else 2))
            if end < 0:
                self.setCurrentBlockState(1)
                length = len(text) - start
            else:
                length = end - start + 2
            self.setFormat(start, length, self.comment)
            start = text.find("/*", start + length) if end >= 0 else -1


class DeckOptionsDialog(QDialog):
    """Options of one deck's preset; `messages` collects refusals when tests replace `warn`."""

    def __init__(self, col: Collection, deck_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.col = col
        self.deck = col.decks.get(deck_id)
        self.setObjectName("deckOptionsDialog")
        self.setWindowTitle(f"Options for {self.deck.name}")
        self.resize(720, 600)
        self.presets: list[DeckConfig] = [copy.deepcopy(c) for c in col.deck_configs()]
        self.deleted: list[int] = []
        self.current: DeckConfig = next(
            (c for c in self.presets if c.id == self.deck.config_id),
            next(c for c in self.presets if c.id == DEFAULT_CONFIG_ID))
        self.widgets: dict[str, tuple[Any, QWidget]] = {}
        self.last_error: str | None = None
        self.test_result: dict[str, Any] | None = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Preset:", self))
        self.preset_box = QComboBox(self)
        self.preset_box.setObjectName("presetChooser")
        top.addWidget(self.preset_box, 1)
        self.preset_menu_buttons = {}
        for key, label, slot in (("add", "Add", self.add_preset),
                                 ("clone", "Clone", self.clone_preset),
                                 ("rename", "Rename", self.rename_preset),
                                 ("delete", "Delete", self.delete_preset)):
            button = QPushButton(label, self)
            button.setObjectName(f"preset_{key}")
            button.clicked.connect(lambda _=False, s=slot: s())
            top.addWidget(button)
            self.preset_menu_buttons[key] = button
        layout.addLayout(top)
        self.used_by = QLabel("", self)
        layout.addWidget(self.used_by)

        self.tabs = QTabWidget(self)
        for page, options in PAGES:
            widget = QWidget(self.tabs)
            form = QFormLayout(widget)
            for name, label, kind in options:
                editor = self._editor(name, kind, widget)
                self.widgets[name] = (kind, editor)
                form.addRow(label, editor)
            self.tabs.addTab(widget, page.replace("&", "&&"))
        self.tabs.addTab(self._script_page(), "Custom scheduling")
        layout.addWidget(self.tabs, 1)

        self.error_label = QLabel("", self)
        self.error_label.setObjectName("optionsError")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.save_subdecks_button = QPushButton("Save to All Subdecks", self)
        self.save_subdecks_button.clicked.connect(lambda: self.save(subdecks=True))
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        cancel = QPushButton("Close", self)
        cancel.clicked.connect(self.reject)
        for b in (self.save_subdecks_button, self.save_button, cancel):
            bottom.addWidget(b)
        layout.addLayout(bottom)

        self._fill_presets()
        self.preset_box.currentIndexChanged.connect(self._preset_chosen)
        self._load(self.current)

    # --- widgets ---------------------------------------------------------------------------

    def _editor(self, name: str, kind: Any, parent: QWidget) -> QWidget:
        if isinstance(kind, list):
            w: QWidget = QComboBox(parent)
            w.addItems(kind)
        elif kind == "int":
            w = QSpinBox(parent)
            w.setRange(-1, 999999)
        elif kind == "float":
            w = QDoubleSpinBox(parent)
            w.setDecimals(2)
            w.setSingleStep(0.05)
            w.setRange(-1000.0, 100000.0)
        elif kind == "bool":
            w = QCheckBox(parent)
        else:
            w = QLineEdit(parent)
            if kind == "steps":
                w.setPlaceholderText("e.g. 1m 10m")
        w.setObjectName(name)
        return w

    def _script_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("JavaScript run on this preset's cards when they are shown "
                                "(edit <code>states</code>; see the scripts documentation).",
                                page))
        self.script_editor = QPlainTextEdit(page)
        self.script_editor.setObjectName("scriptEditor")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.script_editor.setFont(font)
        self.highlighter = JsHighlighter(self.script_editor.document())
        layout.addWidget(self.script_editor, 2)
        row = QHBoxLayout()
        self.test_button = QPushButton("Test on due cards", page)
        self.test_button.setObjectName("testScript")
        self.test_button.clicked.connect(lambda: self.test_script())
        row.addWidget(self.test_button)
        self.test_summary = QLabel("", page)
        row.addWidget(self.test_summary, 1)
        layout.addLayout(row)
        self.results = QTableWidget(0, 5, page)
        self.results.setObjectName("scriptResults")
        self.results.setHorizontalHeaderLabels(["Card", "Again", "Hard", "Good", "Easy"])
        layout.addWidget(self.results, 2)
        layout.addWidget(QLabel("Console log", page))
        self.console = QPlainTextEdit(page)
        self.console.setObjectName("scriptConsole")
        self.console.setReadOnly(True)
        layout.addWidget(self.console, 1)
        return page

    # --- presets ---------------------------------------------------------------------------

    def _fill_presets(self) -> None:
        self.preset_box.blockSignals(True)
        self.preset_box.clear()
        for conf in self.presets:
            users = self._users(conf)
            self.preset_box.addItem(f"{conf.name} (used by {users} deck"
                                    f"{'' if users == 1 else 's'})")
        self.preset_box.setCurrentIndex(self.presets.index(self.current))
        self.preset_box.blockSignals(False)
        self.preset_menu_buttons["delete"].setEnabled(self.current.id != DEFAULT_CONFIG_ID)
        self.used_by.setText(f"This deck will use the preset “{self.current.name}”.")

    def _users(self, conf: DeckConfig) -> int:
        if not conf.id:
            return 1 if conf is self.current else 0
        others = sum(1 for d in self.col.decks.all()
                     if d.config_id == conf.id and d.id != self.deck.id and not d.is_filtered)
        return others + (1 if conf is self.current else 0)

    def _preset_chosen(self, index: int) -> None:
        if index < 0:
            return
        try:
            self._store(self.current)
        except InvalidInput as e:
            self._refuse(str(e))
            self._fill_presets()
            return
        self.current = self.presets[index]
        self._fill_presets()
        self._load(self.current)

    def select_preset(self, name: str) -> None:
        for i, conf in enumerate(self.presets):
            if conf.name == name:
                self.preset_box.setCurrentIndex(i)
                return
        raise KeyError(name)

    def _ask_name(self, title: str, default: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, "Name:", text=default)
        return name.strip() if ok and name.strip() else None

    def _add(self, conf: DeckConfig) -> DeckConfig:
        self._store(self.current)
        self.presets.append(conf)
        self.current = conf
        self._fill_presets()
        self._load(conf)
        return conf

    def add_preset(self, name: str | None = None) -> DeckConfig | None:
        name = name or self._ask_name("Add Preset")
        return self._add(DeckConfig(id=0, name=name)) if name else None

    def clone_preset(self, name: str | None = None) -> DeckConfig | None:
        self._store(self.current)
        name = name or self._ask_name("Clone Preset", f"{self.current.name} copy")
        if not name:
            return None
        conf = copy.deepcopy(self.current)
        conf.id, conf.name, conf.mtime, conf.usn = 0, name, 0, -1
        return self._add(conf)

    def rename_preset(self, name: str | None = None) -> None:
        name = name or self._ask_name("Rename Preset", self.current.name)
        if name:
            self.current.name = name
            self._fill_presets()

    def delete_preset(self) -> None:
        """Forget the current preset (not Default); decks using it go back to Default."""
        if self.current.id == DEFAULT_CONFIG_ID:
            self._refuse("The Default preset cannot be deleted.")
            return
        self.presets.remove(self.current)
        if self.current.id:
            self.deleted.append(self.current.id)
        self.current = next(c for c in self.presets if c.id == DEFAULT_CONFIG_ID)
        self._fill_presets()
        self._load(self.current)

    # --- values ----------------------------------------------------------------------------

    def _load(self, conf: DeckConfig) -> None:
        for name, (kind, w) in self.widgets.items():
            value = getattr(conf, name)
            if isinstance(kind, list):
                while w.count() <= int(value):
                    w.addItem(f"Option {w.count()}")
                w.setCurrentIndex(int(value))
            elif kind in ("int", "float"):
                w.setValue(value)
            elif kind == "bool":
                w.setChecked(bool(value))
            elif kind == "steps":
                w.setText(format_steps(value))
            elif kind == "floats":
                w.setText(" ".join(f"{v:g}" for v in value))
            else:
                w.setText(str(value))
        self.script_editor.setPlainText(self._script_code(conf))
        self.show_journal(conf)

    def show_journal(self, conf: DeckConfig | None = None) -> None:
        """The console log and errors the preset's script left while studying (the scripts'
        journal), until a test run replaces them."""
        from repetend.plugins.scripts.runner import runner_for
        from repetend.plugins.scripts.store import PRESET

        conf = conf or self.current
        name = f"{PRESET}:{conf.name}"
        try:
            record = runner_for(self.col).journal.records.get(name)
        except Exception:  # noqa: BLE001 - a damaged journal must not stop the dialog
            record = None
        if record is None:
            self.console.setPlainText(f"No runs of {name} while studying yet.")
            return
        entries = sorted([("log", x) for x in record.log] + [("error", x) for x in record.errors],
                         key=lambda e: e[1].get("at", 0))
        lines = [f"{name}: {record.runs} runs while studying, {record.failures} failed"]
        for kind, entry in entries:
            text = entry.get("text") if kind == "log" else entry.get("message")
            level = entry.get("level", "log") if kind == "log" else "error"
            lines.append(f"[card {entry.get('card')}] {level}: {text}")
        self.console.setPlainText("\n".join(lines))

    @staticmethod
    def _script_code(conf: DeckConfig) -> str:
        from repetend.plugins.scripts.store import PRESET_KEY

        raw = conf.extra.get(PRESET_KEY)
        if isinstance(raw, str):
            return raw
        if isinstance(raw, dict) and isinstance(raw.get("code"), str):
            return raw["code"]
        return ""

    def _store(self, conf: DeckConfig) -> None:
        """Copy the widgets into `conf` (raises InvalidInput for unreadable steps/lists)."""
        from repetend.plugins.scripts.store import PRESET_KEY

        for name, (kind, w) in self.widgets.items():
            if isinstance(kind, list):
                value: Any = w.currentIndex()
            elif kind in ("int", "float"):
                value = w.value()
            elif kind == "bool":
                value = w.isChecked()
            elif kind == "steps":
                value = parse_steps(w.text(), name)
            elif kind == "floats":
                value = _parse_floats(w.text(), name)
            else:
                value = w.text()
            setattr(conf, name, value)
        code = self.script_editor.toPlainText()
        raw = conf.extra.get(PRESET_KEY)
        legacy = isinstance(raw, dict) and raw.get("legacyPage") is True
        if code.strip():
            conf.extra[PRESET_KEY] = {"code": code, "legacyPage": legacy}
        else:
            conf.extra.pop(PRESET_KEY, None)

    # --- saving ----------------------------------------------------------------------------

    def _refuse(self, message: str) -> None:
        self.last_error = message
        self.error_label.setText(message)

    def save(self, subdecks: bool = False) -> bool:
        """Validate every preset, then write them all as one undoable step. A refused value
        is named and nothing is saved."""
        try:
            self._store(self.current)
            for conf in self.presets:
                try:
                    conf.validate()
                except InvalidInput as e:
                    raise InvalidInput(f"{conf.name}: {e}" if conf is not self.current
                                       else str(e)) from None
        except InvalidInput as e:
            self._refuse(str(e))
            return False
        col = self.col
        try:
            col.decks.get(self.deck.id)
        except NotFoundError:  # deleted in the main window while this stayed open
            self._refuse(f"The deck {self.deck.name} was deleted "
                         "meanwhile; nothing was saved.")
            return False
        with col.op(OP_NAME):
            for cid in self.deleted:
                col.remove_deck_config(cid)
            for conf in self.presets:
                col.save_deck_config(conf)
            targets = [col.decks.get(self.deck.id)]
            if subdecks:
                targets += col.decks.descendants(self.deck.id)
            for deck in targets:
                if not deck.is_filtered and deck.config_id != self.current.id:
                    deck.config_id = self.current.id
                    col.decks.save(deck)
        self.deleted = []
        self.last_error = None
        self.error_label.setText("")
        self.accept()
        return True

    # --- custom scheduling -----------------------------------------------------------------

    def test_script(self) -> dict[str, Any] | None:
        """Dry run of the editor's script on the cards this deck would show now."""
        from repetend.core.scheduler.answering import BUTTON_NAMES
        from repetend.plugins.scripts.store import PRESET, Script
        from repetend.plugins.scripts.tools import dry_run

        code = self.script_editor.toPlainText()
        if not code.strip():
            self.test_summary.setText("The script is empty.")
            return None
        script = Script(f"{PRESET}:{self.current.name}", code)
        try:
            result = dry_run(self.col, script, deck=self.deck.name, limit=200)
        except Exception as e:  # noqa: BLE001 - shown to the user, the dialog stays usable
            self.test_summary.setText(f"Could not run: {e}")
            return None
        self.test_result = result
        summary = result["summary"]
        self.test_summary.setText(f"{summary['cards']} cards, {summary['changed']} changed, "
                                  f"{summary['failed']} failed")
        self.results.setRowCount(len(result["cards"]))
        log_lines = []
        for r, row in enumerate(result["cards"]):
            self.results.setItem(r, 0, QTableWidgetItem(str(row["id"])))
            for c, button in enumerate(BUTTON_NAMES, start=1):
                b = row["buttons"][button]
                text = b["before"]["label"]
                if b["after"] != b["before"]:
                    text += f" → {b['after']['label']}"
                self.results.setItem(r, c, QTableWidgetItem(text))
            for line in row["log"]:
                log_lines.append(f"[card {row['id']}] {line.get('level', 'log')}: "
                                 f"{line.get('text', line.get('message', line))}")
            if row["error"]:
                err = row["error"]
                log_lines.append(f"[card {row['id']}] error: "
                                 f"{err.get('message', err) if isinstance(err, dict) else err}")
        self.results.resizeColumnsToContents()
        self.console.setPlainText("\n".join(log_lines) or "(no console output)")
        return result


def open_deck_options(parent: QWidget, col: Collection, deck_id: int) -> DeckOptionsDialog:
    dialog = DeckOptionsDialog(col, deck_id, parent)
    dialog.show()
    return dialog
