"""The desktop shell: a main window listing the profile's decks (the full GUI comes later)."""

from __future__ import annotations

import sys
from pathlib import Path

from repetend.host import views
from repetend.host.app import Host
from repetend.host.qt import (
    QApplication,
    QLabel,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


class MainWindow(QMainWindow):
    """Deck list of the open profile, as a tree with card counts."""

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host
        self.setWindowTitle(f"{host.profile.name} - Repetend")
        self.resize(640, 480)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        if host.safe_mode:
            banner = QLabel("Safe mode: add-ons and scheduling scripts are turned off.")
            banner.setObjectName("safeModeBanner")
            banner.setStyleSheet("background: #fff3cd; padding: 6px;")
            layout.addWidget(banner)
        self.deck_tree = QTreeWidget(central)
        self.deck_tree.setObjectName("deckTree")
        self.deck_tree.setHeaderLabels(["Deck", "Cards"])
        layout.addWidget(self.deck_tree)
        self.setCentralWidget(central)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the deck tree from the collection."""
        assert self.host.col is not None
        self.deck_tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for deck in views.decks(self.host.col):
            parts = deck["name"].split("::")
            parent = items.get("::".join(parts[:-1]).casefold())
            item = QTreeWidgetItem([parts[-1], str(deck["card_count"])])
            item.setData(0, 256, deck["id"])  # Qt.UserRole
            if parent is None:
                self.deck_tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[deck["name"].casefold()] = item
        self.deck_tree.expandAll()
        self.deck_tree.resizeColumnToContents(0)

    def deck_names(self) -> list[str]:
        """Every deck shown, as full names (for tests and accessibility tools)."""
        names = []

        def walk(item: QTreeWidgetItem, prefix: str) -> None:
            name = prefix + item.text(0)
            names.append(name)
            for i in range(item.childCount()):
                walk(item.child(i), name + "::")

        for i in range(self.deck_tree.topLevelItemCount()):
            walk(self.deck_tree.topLevelItem(i), "")
        return names

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        self.host.close()
        super().closeEvent(event)


def run_app(base: Path | None, profile: str | None, safe_mode: bool) -> int:
    """Open the profile and show the main window until it is closed."""
    host = Host(base, profile, safe_mode).open()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Repetend")
    window = MainWindow(host)
    window.show()
    return app.exec()
