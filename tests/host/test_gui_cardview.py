"""The card web view: Anki's page shape, media from the profile, and no network for cards."""

import base64
import http.server
import threading

import pytest

from repetend.host.qt import QUrl, QWebEngineSettings
from repetend.plugins.cardview import CardRequestGuard, CardView, card_document, play_buttons

WAIT = 8000
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def js(qtbot, view, code):
    box = []
    view.page().runJavaScript(code, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return box[0]


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "collection.media"
    folder.mkdir()
    (folder / "dot.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)
    return folder


@pytest.fixture
def view(qtbot, media):
    v = CardView(media)
    qtbot.addWidget(v)
    v.resize(500, 300)
    v.show()
    return v


@pytest.fixture
def server():
    """A local web server that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"remote")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def show(qtbot, view, html, css="", ord_=0):
    with qtbot.waitSignal(view.loadFinished, timeout=WAIT):
        view.show_card(html, css, ord_)


def test_card_page_has_anki_s_shape():
    page = card_document("<b>Q</b>", ".card { color: red; }", 2)
    assert '<body class="card card3">' in page
    assert '<div id="qa"><b>Q</b></div>' in page
    assert ".card { color: red; }" in page
    assert "pycmd('play:a:1')" in play_buttons("[anki:play:a:1]")


def test_card_shows_with_note_type_css_and_media(qtbot, view, screenshot_dir):
    show(qtbot, view, '<div class="x">Bonjour</div><img id="pic" src="dot.png">',
         ".card { text-align: center; } .x { color: rgb(255, 0, 0); }", 1)
    assert js(qtbot, view, "document.body.className") == "card card2"
    assert js(qtbot, view, "document.body.innerText").strip() == "Bonjour"
    assert js(qtbot, view,
              "getComputedStyle(document.querySelector('.x')).color") == "rgb(255, 0, 0)"
    qtbot.waitUntil(lambda: js(qtbot, view, "document.getElementById('pic').naturalWidth") == 1,
                    timeout=WAIT)
    assert view.blocked_urls == []
    assert view.grab().save(str(screenshot_dir / "card-view.png"))


def test_remote_requests_from_cards_never_leave_the_machine(qtbot, view, server, media):
    url, hits = server
    html = (f'<img src="{url}/img.png"><link rel="stylesheet" href="{url}/style.css">'
            f'<img src="{(media.parent / "secret.png").as_uri()}">'
            f'<script>fetch("{url}/fetch").catch(function () {{}});'
            f'var x = new XMLHttpRequest(); x.open("GET", "{url}/xhr"); x.send();</script>'
            "<p>offline</p>")
    show(qtbot, view, html)
    qtbot.wait(300)
    assert hits == []
    assert (media.parent / "secret.png").as_uri() in view.blocked_urls  # outside the media
    assert js(qtbot, view, "document.body.innerText").strip() == "offline"

    # Even with Chromium's own remote-content switch on, the interceptor refuses them.
    view.page().settings().setAttribute(
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
    show(qtbot, view, html)
    qtbot.waitUntil(lambda: f"{url}/img.png" in view.blocked_urls, timeout=WAIT)
    qtbot.wait(300)
    assert hits == []
    assert {f"{url}/img.png", f"{url}/style.css"} <= set(view.blocked_urls)


def test_guard_allows_only_local_schemes_and_the_media_folder(media):
    guard = CardRequestGuard(media)
    assert guard.allows(QUrl.fromLocalFile(str(media / "dot.png")))
    assert guard.allows(QUrl.fromLocalFile(str(media / "sub" / "x.png")))
    assert guard.allows(QUrl("data:text/plain,hi"))
    assert not guard.allows(QUrl.fromLocalFile(str(media / ".." / "secret.png")))
    assert not guard.allows(QUrl("https://example.org/x.png"))
    assert not guard.allows(QUrl("ws://127.0.0.1:1/"))
    assert not CardRequestGuard(None).allows(QUrl.fromLocalFile(str(media / "dot.png")))


def test_links_are_reported_not_followed(qtbot, view, server):
    url, hits = server
    show(qtbot, view, f'<a id="l" href="{url}/page">go</a>')
    with qtbot.waitSignal(view.link_clicked, timeout=WAIT) as signal:
        js(qtbot, view, "document.getElementById('l').click()")
    assert signal.args == [f"{url}/page"]
    qtbot.wait(200)
    assert hits == []
    assert js(qtbot, view, "document.body.innerText").strip() == "go"


def test_play_buttons_and_card_script_reach_python(qtbot, view):
    show(qtbot, view, "Listen [anki:play:q:0]")
    with qtbot.waitSignal(view.command, timeout=WAIT) as signal:
        js(qtbot, view, "document.querySelector('.replay-button').click()")
    assert signal.args == ["play:q:0"]
