"""The add-on bisect wizard: the interactive bisect of `repetend addons bisect`, in a window.

It drives the very same state machine (`AddonBisect.start/answer/status/reset` over the
overlay file in the profile, host/addons/bisect.py), so a bisect started here can be
answered from the command line and the other way round, and the user's own settings are
never changed until they choose *Keep Disabled* at the end. Each answer restarts the
profile in this window (reopening its Host) with the next round's add-ons; the wizard is
a window of its own that stays open across those restarts, and reopens by itself if
Repetend is quit and started again mid-bisect.

Pages: start (what takes part; which add-ons to keep enabled because reproducing the
problem needs them), one round (what is off, "I can reproduce the problem" / "I can't" /
"I can't tell", the estimated restarts left), and the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.core.errors import RepetendError
from repetend.host.addons.bisect import (
    BAD,
    GOOD,
    PHASES,
    SKIP,
    Answer,
    Progress,
    Verdict,
    plan_for,
    replay,
)
from repetend.host.qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.host.gui.addons_ui import AddonsUi

PACKAGE_ROLE = Qt.ItemDataRole.UserRole


class BisectWizard(QDialog):
    """Start, answer and finish an add-on bisect; not modal, the app is used meanwhile."""

    def __init__(self, ui: AddonsUi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.verdict: Verdict | None = None
        #: The main window is closing: closing the wizard must not restart anything.
        self.quitting = False
        self.setObjectName("bisectWizard")
        self.setWindowTitle("Find the Add-on Behind a Problem")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.Tool, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages, 1)
        self.error = QLabel("", self)
        self.error.setObjectName("bisectError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self._build_start()
        self._build_round()
        self._build_result()

    # --- pages ----------------------------------------------------------------------------

    def _page(self, name: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget(self.pages)
        page.setObjectName(name)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(page)
        return page, layout

    def _label(self, parent: QWidget, name: str, text: str = "") -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _buttons(self, layout: QVBoxLayout, parent: QWidget,
                 specs: list[tuple[str, str, object]]) -> dict[str, QPushButton]:
        row = QHBoxLayout()
        row.addStretch(1)
        made = {}
        for name, text, slot in specs:
            button = QPushButton(text, parent)
            button.setObjectName(name)
            button.clicked.connect(lambda _checked=False, s=slot: s())  # type: ignore[operator]
            row.addWidget(button)
            made[name] = button
        layout.addLayout(row)
        return made

    def _build_start(self) -> None:
        self.start_page, layout = self._page("bisectStartPage")
        layout.addWidget(self._label(self.start_page, "bisectIntro", (
            "If something goes wrong and you suspect an add-on, the bisect finds which one: "
            "it turns add-ons off in rounds and restarts Repetend each time, and you tell it "
            "whether the problem still happens. Your own add-on settings are not changed; "
            "stopping puts everything back as it was.")))
        layout.addWidget(self._label(self.start_page, "bisectPinHelp", (
            "Tick the add-ons that reproducing the problem needs (the one whose screen shows "
            "it, say): they stay enabled in every round.")))
        self.participants = QListWidget(self.start_page)
        self.participants.setObjectName("bisectParticipants")
        self.participants.itemChanged.connect(lambda _item: self._update_estimate())
        layout.addWidget(self.participants, 1)
        self.left_out = self._label(self.start_page, "bisectLeftOut")
        self.left_out.setStyleSheet("color: #777;")
        layout.addWidget(self.left_out)
        self.estimate = self._label(self.start_page, "bisectEstimate")
        layout.addWidget(self.estimate)
        buttons = self._buttons(layout, self.start_page, [
            ("bisectStart", "Start", self.start), ("bisectCancel", "Cancel", self.close)])
        self.start_button = buttons["bisectStart"]
        self.start_button.setDefault(True)

    def _build_round(self) -> None:
        self.round_page, layout = self._page("bisectRoundPage")
        self.round_title = self._label(self.round_page, "bisectRoundTitle")
        font = self.round_title.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        self.round_title.setFont(font)
        layout.addWidget(self.round_title)
        self.round_text = self._label(self.round_page, "bisectRoundText")
        layout.addWidget(self.round_text)
        self.round_addons = self._label(self.round_page, "bisectRoundAddons")
        self.round_addons.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.round_addons)
        self.restarts = self._label(self.round_page, "bisectRestarts")
        layout.addWidget(self.restarts)
        layout.addStretch(1)
        buttons = self._buttons(layout, self.round_page, [
            ("bisectBad", "I Can Reproduce the Problem", lambda: self.answer(BAD)),
            ("bisectGood", "I Can't Reproduce It", lambda: self.answer(GOOD))])
        self.bad_button, self.good_button = buttons["bisectBad"], buttons["bisectGood"]
        more = self._buttons(layout, self.round_page, [
            ("bisectSkip", "I Can't Tell", lambda: self.answer(SKIP)),
            ("bisectHide", "Hide", self.hide),
            ("bisectReset", "Stop Bisect", self.stop)])
        self.skip_button, self.reset_button = more["bisectSkip"], more["bisectReset"]
        self.skip_button.setToolTip("This round cannot be tested (something else is broken)")
        more["bisectHide"].setToolTip("Hide this window while you try; Tools > Add-ons "
                                      "brings it back")

    def _build_result(self) -> None:
        self.result_page, layout = self._page("bisectResultPage")
        self.result_title = self._label(self.result_page, "bisectResultTitle")
        font = self.result_title.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        self.result_title.setFont(font)
        layout.addWidget(self.result_title)
        self.result_text = self._label(self.result_page, "bisectResultText")
        layout.addWidget(self.result_text)
        layout.addStretch(1)
        buttons = self._buttons(layout, self.result_page, [
            ("bisectKeepDisabled", "Keep Disabled", lambda: self.finish(keep_disabled=True)),
            ("bisectClose", "Close", lambda: self.finish(keep_disabled=False))])
        self.keep_button, self.close_button = (buttons["bisectKeepDisabled"],
                                               buttons["bisectClose"])

    # --- state ----------------------------------------------------------------------------

    def page(self) -> str:
        """The page shown: "start", "round" or "result"."""
        return {self.start_page: "start", self.round_page: "round",
                self.result_page: "result"}[self.pages.currentWidget()]

    def refresh(self) -> None:
        """Show where the bisect of the open profile stands."""
        if self.verdict is not None:
            self.pages.setCurrentWidget(self.result_page)
            return
        try:
            progress = self.ui.bisect().status()
        except RepetendError as exc:
            self._fill_start()
            self.error.setText(f"{exc}")
            self.start_button.setText("Reset and Start")
            return
        if progress is None:
            self._fill_start()
        else:
            self._fill_round(progress)

    def _fill_start(self) -> None:
        self.pages.setCurrentWidget(self.start_page)
        self.start_button.setText("Start")
        pinned = set(self.pins())
        self.participants.blockSignals(True)
        self.participants.clear()
        try:
            plan = plan_for(self.ui.host.profile.addons_folder)
        except RepetendError as exc:
            self.error.setText(str(exc))
            plan = None
        installed = self.ui.manager().installed() if plan is not None else {}
        for package in plan.order if plan is not None else ():
            addon = installed.get(package)
            item = QListWidgetItem(f"{addon.name if addon else package} ({package})")
            item.setData(PACKAGE_ROLE, package)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if package in pinned
                               else Qt.CheckState.Unchecked)
            self.participants.addItem(item)
        self.participants.blockSignals(False)
        left = plan.left_out if plan is not None else {}
        self.left_out.setText("Not part of it (they cannot load anyway): " + "; ".join(
            f"{p} ({why})" for p, why in sorted(left.items())) if left else
            "Add-ons you disabled are not part of it.")
        self._update_estimate()

    def pins(self) -> list[str]:
        """The add-ons ticked to stay enabled."""
        return [self.participants.item(i).data(PACKAGE_ROLE)
                for i in range(self.participants.count())
                if self.participants.item(i).checkState() == Qt.CheckState.Checked]

    def set_pinned(self, package: str, pinned: bool = True) -> None:
        for i in range(self.participants.count()):
            item = self.participants.item(i)
            if item.data(PACKAGE_ROLE) == package:
                item.setCheckState(Qt.CheckState.Checked if pinned
                                   else Qt.CheckState.Unchecked)
                return
        raise KeyError(package)

    def _update_estimate(self) -> None:
        try:
            first = replay(plan_for(self.ui.host.profile.addons_folder, self.pins()), [])
        except RepetendError as exc:
            self.estimate.setText("")
            self.error.setText(str(exc))
            self.start_button.setEnabled(False)
            return
        self.error.setText("")
        self.start_button.setEnabled(True)
        if not isinstance(first, Verdict):
            self.estimate.setText(f"This takes about {_restarts(first.remaining)}.")

    def _fill_round(self, progress: Progress) -> None:
        self.pages.setCurrentWidget(self.round_page)
        self.round_title.setText(f"Round {progress.round}: {PHASES[progress.phase]}")
        interactive = progress.mode == "interactive"
        if interactive:
            self.round_text.setText(
                "Repetend has restarted with some add-ons turned off for this round. Try "
                "to make the problem happen now, then say whether it did.")
        elif progress.stale:
            self.round_text.setText(
                "An automatic bisect (`repetend addons bisect run`) was interrupted. Stop it "
                "to get your add-ons back as they were.")
        else:
            self.round_text.setText(
                "An automatic bisect (`repetend addons bisect run`) is running in this "
                "profile; its check answers the rounds.")
        on = [*progress.pins, *progress.enabled]
        self.round_addons.setText(
            f"<p><b>Off for this round</b> ({len(progress.disabled)} of "
            f"{progress.participants}): {_names(progress.disabled)}</p>"
            f"<p><b>On</b>: {_names(on)}"
            + (f" (kept on: {_names(progress.pins)})" if progress.pins else "") + "</p>")
        self.restarts.setText(f"About {_restarts(progress.remaining)} left.")
        for button in (self.bad_button, self.good_button, self.skip_button):
            button.setEnabled(interactive)
        self.reset_button.setEnabled(interactive or progress.stale)

    # --- actions --------------------------------------------------------------------------

    def start(self) -> Progress | None:
        """Start over the participants, with the ticked ones kept enabled; restart."""
        pins = self.pins()
        bisect = self.ui.bisect()
        try:
            if self.start_button.text() != "Start":
                bisect.reset()  # a damaged state, which the user chose to replace
            progress = bisect.start(pins)
        except RepetendError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        self.ui.restart()
        self.refresh()
        return progress

    def answer(self, answer: Answer) -> Progress | Verdict | None:
        """Answer this round: restart into the next round, or show the verdict."""
        try:
            outcome = self.ui.bisect().answer(answer)
        except RepetendError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        if isinstance(outcome, Verdict):
            # The overlay is gone; the next restart (Keep Disabled or Close) brings every
            # add-on back as the user has it.
            self.show_verdict(outcome)
            return outcome
        self.ui.restart()
        self.refresh()
        return outcome

    def show_verdict(self, verdict: Verdict) -> None:
        self.verdict = verdict
        culprits = list(verdict.culprits) if verdict.verdict in ("addon", "interaction") else []
        titles = {"addon": "Found it", "interaction": "Found add-ons that fail together",
                  "not-an-addon": "It is not an add-on", "flaky": "No verdict"}
        self.result_title.setText(titles.get(verdict.verdict, verdict.verdict))
        text = verdict.message + f"\n\n({verdict.runs} round(s) answered.)"
        if culprits:
            installed = self.ui.manager().installed()
            names = ", ".join(f"{installed[p].name} ({p})" if p in installed else p
                              for p in culprits)
            text = f"Responsible: {names}.\n\n" + text
            text += ("\n\nKeep Disabled turns it off in your settings; Close restores "
                     "your add-ons exactly as you had them. Either way Repetend restarts.")
        else:
            text += "\n\nClose restarts Repetend with your add-ons as you had them."
        self.result_text.setText(text)
        self.keep_button.setVisible(bool(culprits))
        self.keep_button.setText("Keep Disabled" if len(culprits) <= 1
                                 else f"Keep All {len(culprits)} Disabled")
        self.pages.setCurrentWidget(self.result_page)

    def finish(self, keep_disabled: bool) -> list[str]:
        """After the verdict: keep the culprits disabled (through the add-on manager, like
        any disable) or not, and restart with the user's add-ons; returns those disabled."""
        verdict = self.verdict
        kept: list[str] = []
        if verdict is not None and keep_disabled:
            manager = self.ui.manager()
            for package in verdict.culprits:
                try:
                    manager.disable(package)
                except RepetendError as exc:
                    self.error.setText(str(exc))
                    return kept
                kept.append(package)
        self.verdict = None
        self.ui.restart()
        if kept:
            self.ui.window.status(f"Kept disabled: {', '.join(kept)}.")
        self.close()
        return kept

    def stop(self) -> None:
        """Stop: the overlay goes, and the restart brings every add-on back."""
        self.ui.bisect().reset()
        self.ui.restart()
        self.refresh()

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        # Closing on the result page still gives the user their add-ons back. Closing
        # mid-bisect keeps it going: Tools > Add-ons (or the next start) continues it.
        if self.verdict is not None and not self.quitting:
            self.verdict = None
            self.ui.restart()
        super().closeEvent(event)


def _restarts(rounds: int) -> str:
    return f"{rounds} restart{'s' if rounds != 1 else ''}"


def _names(packages: tuple[str, ...] | list[str]) -> str:
    from html import escape

    return escape(", ".join(packages)) if packages else "none"
