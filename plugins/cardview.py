"""A web view that shows rendered card HTML as Anki's reviewer does (GUI only).

Shared by the editor's "Cards…" preview and, later, the reviewer and the browser preview.
The card's HTML goes into a page whose body carries Anki's `card cardN` classes, under the
note type's CSS, with relative media references (`<img src="x.png">`) resolved in the
profile's media folder through a local file base URL.

Cards may run JavaScript, but they get no network: a request interceptor lets through only
`data:`/`blob:`/`about:`/`qrc:` and `file:` URLs inside the media folder; everything else —
http, https, ws, ftp, other local files — is blocked and listed in `blocked_urls`.

This module imports Qt: import it only from GUI code, never from a plugin's headless part.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Callable
from pathlib import Path

from repetend.host.qt import (
    QObject,
    QUrl,
    QWebChannel,
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineView,
    QWidget,
    Signal,
    Slot,
    qt_resource_text,
)

#: Schemes a card may load without touching the network or the rest of the disk.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "qrc"})

_PLAY = re.compile(r"\[anki:play:([qa]):(\d+)\]")

#: Anki's reviewer defaults that note type CSS builds on (qt/aqt/data/web/css/reviewer.scss).
BASE_CSS = """
html { overflow-x: hidden; }
body { margin: 20px; overflow-wrap: break-word; }
img { max-width: 100%; max-height: 95vh; }
.replay-button { display: inline-block; text-decoration: none; vertical-align: middle; }
.replay-button svg { width: 40px; height: 40px; }
.replay-button svg circle { fill: #fff; stroke: #414141; }
.replay-button svg path { fill: #414141; }
"""

_PLAY_SVG = ('<svg class="playImage" viewBox="0 0 64 64" version="1.1">'
             '<circle cx="32" cy="32" r="29" /><path d="M56.502,32.301l-37.502,20.101l0.329,'
             '-40.804l37.173,20.703Z" /></svg>')

#: Runs before any card script: sets up `pycmd(text)` as Anki's reviewer does, so card
#: JavaScript and the reviewer's buttons can talk to Python (`CardView.command`).
_BRIDGE_JS = """
(function () {
  var queue = [];
  window.pycmd = function (cmd) { queue.push(String(cmd)); };
  function connect() {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      var bridge = channel.objects.repetendCard;
      window.pycmd = function (cmd) { bridge.cmd(String(cmd)); };
      queue.splice(0).forEach(window.pycmd);
    });
  }
  if (typeof qt !== "undefined" && qt.webChannelTransport) { connect(); }
})();
"""


def play_buttons(html: str) -> str:
    """Turn `[anki:play:q:N]` placeholders into Anki's replay buttons (`pycmd('play:q:N')`)."""
    return _PLAY.sub(
        lambda m: (f'<a class="replay-button soundLink" href="#" '
                   f"onclick=\"pycmd('play:{m.group(1)}:{m.group(2)}'); return false;\">"
                   f"{_PLAY_SVG}</a>"), html)


def card_document(html: str, css: str, card_ord: int, *,
                  body_classes: tuple[str, ...] = (), head: str = "") -> str:
    """The full page for one card side: base CSS, note type CSS, `card cardN` body classes.

    `card_ord` is 0-based (template index, or cloze number - 1), so the first card gets
    `card1`, as in Anki.
    """
    classes = " ".join(("card", f"card{card_ord + 1}", *body_classes))
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            f"<style>{BASE_CSS}</style><style>{css}</style>{head}</head>"
            f"<body class=\"{html_lib.escape(classes)}\"><div id=\"qa\">{play_buttons(html)}"
            "</div></body></html>")


class CardRequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request a card makes except local ones inside the media folder."""

    blocked = Signal(str)
    """sig_url_blocked: a request was refused; carries the URL."""

    def __init__(self, media_folder: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.media_folder = media_folder.resolve() if media_folder else None
        #: Every URL refused so far, oldest first.
        self.blocked_urls: list[str] = []

    def allows(self, url: QUrl) -> bool:
        scheme = url.scheme().lower()
        if scheme in LOCAL_SCHEMES:
            return True
        if scheme == "file" and self.media_folder is not None:
            try:
                path = Path(url.toLocalFile()).resolve()
            except (OSError, RuntimeError):
                return False
            return path == self.media_folder or path.is_relative_to(self.media_folder)
        return False

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt
        url = info.requestUrl()
        if not self.allows(url):
            info.block(True)
            text = url.toString()
            self.blocked_urls.append(text)
            self.blocked.emit(text)


class _Bridge(QObject):
    def __init__(self, on_cmd: Callable[[str], None]) -> None:
        super().__init__()
        self._on_cmd = on_cmd

    @Slot(str)
    def cmd(self, text: str) -> None:
        self._on_cmd(text)


class _CardPage(QWebEnginePage):
    """Clicked links never navigate the card away; they are reported instead."""

    def __init__(self, view: CardView) -> None:
        super().__init__(view)
        self._view = view

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802, ANN001
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self._view.link_clicked.emit(url.toString())
            return False
        return super().acceptNavigationRequest(url, nav_type, is_main_frame)


class CardView(QWebEngineView):
    """Shows one side of a card. Reusable by any screen that shows cards."""

    command = Signal(str)
    """sig_command_received: card JavaScript called `pycmd(text)` (e.g. "play:q:0")."""

    link_clicked = Signal(str)
    """sig_link_clicked: the user clicked a link in the card; it was not followed."""

    def __init__(self, media_folder: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media_folder = Path(media_folder) if media_folder else None
        page = _CardPage(self)
        self.guard = CardRequestGuard(self.media_folder, page)
        page.setUrlRequestInterceptor(self.guard)
        settings = page.settings()
        attr = QWebEngineSettings.WebAttribute
        settings.setAttribute(attr.JavascriptEnabled, True)
        settings.setAttribute(attr.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attr.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(attr.PlaybackRequiresUserGesture, False)
        settings.setAttribute(attr.ErrorPageEnabled, False)
        self._bridge = _Bridge(self.command.emit)
        self._channel = QWebChannel(page)
        self._channel.registerObject("repetendCard", self._bridge)
        page.setWebChannel(self._channel)
        script = QWebEngineScript()
        script.setName("repetend-bridge")
        script.setSourceCode(qt_resource_text(":/qtwebchannel/qwebchannel.js") + _BRIDGE_JS)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        page.scripts().insert(script)
        self.setPage(page)
        self.last_html = ""

    @property
    def blocked_urls(self) -> list[str]:
        return self.guard.blocked_urls

    def base_url(self) -> QUrl:
        if self.media_folder is None:
            return QUrl("about:blank")
        return QUrl.fromLocalFile(str(self.media_folder.resolve()) + "/")

    def show_card(self, html: str, css: str, card_ord: int, *,
                  body_classes: tuple[str, ...] = (), head: str = "") -> None:
        """Show rendered card HTML (one side) under the note type's CSS."""
        self.show_document(card_document(html, css, card_ord, body_classes=body_classes,
                                         head=head))

    def show_document(self, document: str) -> None:
        self.last_html = document
        self.setHtml(document, self.base_url())

    def eval_js(self, code: str, callback: Callable[[object], None] | None = None) -> None:
        if callback is None:
            self.page().runJavaScript(code, 0)
        else:
            self.page().runJavaScript(code, 0, callback)

    def body_text(self, callback: Callable[[str], None]) -> None:
        """The page's visible text, as `innerText` gives it."""
        self.eval_js("document.body ? document.body.innerText : ''",
                     lambda value: callback(str(value or "")))


def js_string(value: str) -> str:
    """A Python string as a JavaScript string literal."""
    return json.dumps(value)
