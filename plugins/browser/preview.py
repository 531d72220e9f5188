"""The browser's card preview: the current card's question, then its answer, as studied.

It follows the browser's current card; Space or the button flips between the sides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from repetend.core.errors import NotFoundError
from repetend.host.qt import (
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection


class PreviewDialog(QDialog):
    """One card view showing the question or the answer of `card_id`."""

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
        self.flip = QPushButton("Show Answer", self)
        self.flip.setObjectName("previewFlip")
        self.flip.clicked.connect(self.toggle_side)
        row.addStretch(1)
        row.addWidget(self.flip)
        layout.addLayout(row)
        QShortcut(QKeySequence("Space"), self).activated.connect(self.toggle_side)
        self.card_id: int | None = None
        self.side = "question"

    def show_card(self, card_id: int | None, side: str = "question") -> None:
        """Show a side of `card_id` (None: nothing selected)."""
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
