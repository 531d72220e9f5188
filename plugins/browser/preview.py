"""The browser's card preview: the current card's question, then its answer, as studied.

It follows the browser's current card, as Anki's previewer does: Space flips between the
sides; Next (Right arrow or Enter) shows the answer, then the next card of the table; Back
(Left arrow) the question, then the card before; "Show Both Sides" shows answers only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from repetend.core.errors import NotFoundError
from repetend.host.qt import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection


class PreviewDialog(QDialog):
    """One card view showing the question or the answer of `card_id`."""

    move_requested = Signal(int)
    """sig_move_requested: Back (-1) or Next (+1) past the current card's sides: the browser
    moves its current row, and the preview follows."""

    def __init__(self, col: Collection, parent: QWidget | None = None,
                 card_will_show: Any = None) -> None:
        super().__init__(parent)
        from repetend.plugins.cardview import CardView

        self.col = col
        #: The host's `card_will_show(html, card, side)` filter, so add-ons see previews too.
        self.card_will_show = card_will_show
        self.setWindowTitle("Preview")
        self.setObjectName("browserPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        self.view = CardView(col.media_folder, self)
        self.view.setObjectName("previewView")
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.both_sides = QCheckBox("Show Both Sides", self)
        self.both_sides.setObjectName("previewBothSides")
        self.both_sides.setToolTip("Shortcut key: B")
        self.both_sides.toggled.connect(self._both_sides_toggled)
        row.addWidget(self.both_sides)
        row.addStretch(1)
        self.back = QPushButton("<", self)
        self.back.setObjectName("previewBack")
        self.back.setToolTip("Back (Left arrow)")
        self.back.clicked.connect(self.go_back)
        self.next = QPushButton(">", self)
        self.next.setObjectName("previewNext")
        self.next.setToolTip("Next (Right arrow or Enter)")
        self.next.clicked.connect(self.go_next)
        self.flip = QPushButton("Show Answer", self)
        self.flip.setObjectName("previewFlip")
        self.flip.clicked.connect(self.toggle_side)
        for button in (self.back, self.next, self.flip):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        for key, slot in (("Space", self.toggle_side), ("Right", self.go_next),
                          ("Return", self.go_next), ("Enter", self.go_next),
                          ("Left", self.go_back), ("B", self.both_sides.toggle)):
            QShortcut(QKeySequence(key), self).activated.connect(slot)
        self.card_id: int | None = None
        self.side = "question"

    def show_card(self, card_id: int | None, side: str | None = None) -> None:
        """Show a side of `card_id` (None: nothing selected); a new card opens on its
        question, or on its answer with "Show Both Sides"."""
        if side is None:
            side = "answer" if self.both_sides.isChecked() else "question"
        self.card_id, self.side = card_id, side
        if card_id is None:
            self.view.show_document("<p style='text-align:center'>No card selected.</p>")
            self.flip.setEnabled(False)
            return
        try:
            card = self.col.get_card(card_id)
        except NotFoundError:
            self.show_card(None)
            return
        rendered = self.col.render_card(card)
        html = rendered.question if side == "question" else rendered.answer
        if self.card_will_show is not None:
            html = self.card_will_show(html, card, side)
        css = self.col.notetypes.get(self.col.get_note(card.nid).ntid).css
        self.view.show_card(html, css, card.ord)
        self.flip.setEnabled(True)
        self.flip.setText("Show Question" if side == "answer" else "Show Answer")

    def toggle_side(self) -> None:
        if self.card_id is not None:
            self.show_card(self.card_id, "answer" if self.side == "question" else "question")

    def go_next(self) -> None:
        """Next: the answer of this card, then the next card."""
        if self.card_id is not None and self.side == "question":
            self.show_card(self.card_id, "answer")
        else:
            self.move_requested.emit(1)

    def go_back(self) -> None:
        """Back: the question of this card (unless both sides show), then the card before."""
        if (self.card_id is not None and self.side == "answer"
                and not self.both_sides.isChecked()):
            self.show_card(self.card_id, "question")
        else:
            self.move_requested.emit(-1)

    def _both_sides_toggled(self, on: bool) -> None:
        if self.card_id is not None:
            self.show_card(self.card_id, "answer" if on else self.side)
