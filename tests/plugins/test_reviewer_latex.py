"""The reviewer shows a card's LaTeX as the image Anki generated for it (offscreen Qt)."""


import pytest
from qt_teardown import delete_widgets_at_teardown  # noqa: F401 (autouse)

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.host.app import Host
from repetend.host.profiles import ProfileManager
from repetend.host.qt import QImage, Qt
from repetend.plugins.reviewer.screen import ReviewerScreen

WAIT = 8000
X_SQUARED = "latex-76b2878564ab19b80abb21ba964abe90fe120846.png"  # Anki's name for $x^2$


def js(qtbot, view, code):
    box = []
    view.page().runJavaScript(code, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return box[0]


@pytest.fixture
def host(tmp_path):
    ProfileManager(tmp_path).create("Blank", with_sample=False)
    with Host(tmp_path, "Blank") as h:
        yield h


def test_reviewer_shows_the_latex_image_and_says_when_one_is_missing(qtbot, host):
    col = host.col
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    assert image.save(str(col.media_folder / X_SQUARED))
    note = col.new_note("Basic")
    note.fields = ["[latex]$x^2$[/latex]", "[$]never made[/$]"]
    col.add_note(note, DEFAULT_DECK_ID)

    screen = ReviewerScreen(col, host.plugins, DEFAULT_DECK_ID)
    qtbot.addWidget(screen)
    screen.resize(800, 560)
    screen.show()
    qtbot.waitExposed(screen)
    screen.start()
    loaded = "[...document.images].filter(i => i.complete && i.naturalWidth).map(i => " \
             "i.className + ' ' + i.naturalWidth + ' ' + i.getAttribute('src')).join('|')"
    qtbot.waitUntil(lambda: js(qtbot, screen.web, loaded) == f"latex 40 {X_SQUARED}",
                    timeout=WAIT)
    assert "[latex]" not in js(qtbot, screen.web, "document.body.innerText")

    qtbot.keyClick(screen.web.focusProxy() or screen.web, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "LaTeX image generation is disabled" in js(
        qtbot, screen.web, "document.body.innerText"), timeout=WAIT)
    assert js(qtbot, screen.web, "document.images.length") == 2
    assert js(qtbot, screen.web, loaded) == f"latex 40 {X_SQUARED}"
