"""The editor's web page: one rich-text editable per field, in a single QtWebEngine page.

As in Anki, every field is a `contenteditable` element in one page, so field HTML is kept
exactly as written (a QTextEdit would rewrite it). Each field has an HTML source editor
(a textarea) shown by its `</>` button or Ctrl+Shift+X. The page talks to Python through
QWebChannel (`editorBridge`): every edit is sent with the generation number of the note it
belongs to, so late messages about a note that has been replaced are ignored.

No Qt here: the page text is plain data for `dialog.FieldEditor`.
"""

EDITOR_CSS = """
html { background: #f5f5f5; }
body { margin: 6px; font-family: sans-serif; }
.field { margin-bottom: 8px; }
.label { display: flex; align-items: center; justify-content: space-between;
         font-size: 12px; color: #555; padding: 0 2px 2px; }
.html-toggle { font: 11px monospace; border: 1px solid transparent; background: none;
               color: #888; border-radius: 3px; cursor: pointer; padding: 0 4px; }
.html-toggle:hover, .field.html .html-toggle { border-color: #aaa; color: #222; }
.editable { background: white; border: 1px solid #c8c8c8; border-radius: 4px;
            padding: 4px 6px; min-height: 1.4em; outline: none; overflow-wrap: anywhere; }
.editable:focus { border-color: #5b9bd5; box-shadow: 0 0 0 1px #5b9bd5; }
.editable img { max-width: 90%; }
.field.dupe .editable { background: #ffd6d6; }
.source { display: block; box-sizing: border-box; width: 100%; min-height: 4em;
          margin-top: 3px; font: 12px monospace; border: 1px solid #c8c8c8;
          border-radius: 4px; padding: 4px; background: #fbfbf2; resize: vertical; }
.source[hidden] { display: none; }
"""

EDITOR_JS = r"""
"use strict";
var bridge = null;
var generation = 0;
var current = 0;

new QWebChannel(qt.webChannelTransport, function (channel) {
  bridge = channel.objects.editorBridge;
  bridge.pageReady();
});

function box(ord) { return document.querySelector('.field[data-ord="' + ord + '"]'); }
function editable(ord) { return box(ord).querySelector(".editable"); }
function source(ord) { return box(ord).querySelector(".source"); }
function sourceShown(ord) { return !source(ord).hidden; }
function fieldValue(ord) { return sourceShown(ord) ? source(ord).value : editable(ord).innerHTML; }
function fieldCount() { return document.querySelectorAll(".field").length; }

function send(ord) {
  if (bridge) { bridge.fieldChanged(generation, ord, fieldValue(ord)); }
}

function getFields() {
  var out = [];
  for (var i = 0; i < fieldCount(); i++) { out.push(fieldValue(i)); }
  return {generation: generation, fields: out};
}

function focused(ord) {
  current = ord;
  if (bridge) { bridge.fieldFocused(ord); }
}

function setFields(gen, fields, focusOrd) {
  generation = gen;
  var root = document.getElementById("fields");
  root.innerHTML = "";
  fields.forEach(function (f, ord) {
    var div = document.createElement("div");
    div.className = "field";
    div.dataset.ord = ord;
    var label = document.createElement("div");
    label.className = "label";
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = f.name;
    var toggle = document.createElement("button");
    toggle.className = "html-toggle";
    toggle.type = "button";
    toggle.title = "Show or hide the HTML editor (Ctrl+Shift+X)";
    toggle.textContent = "</>";
    toggle.addEventListener("mousedown", function (e) { e.preventDefault(); });
    toggle.addEventListener("click", function () { current = ord; toggleSource(ord); });
    label.append(name, toggle);
    var ed = document.createElement("div");
    ed.className = "editable";
    ed.contentEditable = "true";
    ed.innerHTML = f.html;
    ed.style.fontFamily = '"' + f.font + '", sans-serif';
    ed.style.fontSize = f.size + "px";
    var src = document.createElement("textarea");
    src.className = "source";
    src.hidden = true;
    src.spellcheck = false;
    if (f.rtl) { ed.dir = "rtl"; div.classList.add("rtl"); }
    ed.addEventListener("input", function () { send(ord); });
    ed.addEventListener("focus", function () { focused(ord); });
    ed.addEventListener("paste", function (e) { onPaste(e, ord); });
    ed.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.from(e.dataTransfer.types).indexOf("Files") >= 0) {
        e.preventDefault();
      }
    });
    ed.addEventListener("drop", function (e) { onDrop(e, ord); });
    src.addEventListener("input", function () { ed.innerHTML = src.value; send(ord); });
    src.addEventListener("focus", function () { focused(ord); });
    div.append(label, ed, src);
    root.append(div);
    if (f.source) { toggleSource(ord, true, false); }
  });
  if (focusOrd !== null && focusOrd >= 0 && focusOrd < fields.length) { focusField(focusOrd); }
}

function focusField(ord) {
  current = ord;
  if (sourceShown(ord)) { source(ord).focus(); return; }
  var ed = editable(ord);
  ed.focus();
  var range = document.createRange();
  range.selectNodeContents(ed);
  range.collapse(false);
  var sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

function toggleSource(ord, force, focus) {
  var src = source(ord), ed = editable(ord);
  var show = (force === undefined || force === null) ? src.hidden : force;
  if (show) {
    src.value = ed.innerHTML;
    src.hidden = false;
    box(ord).classList.add("html");
    if (focus !== false) { src.focus(); }
  } else {
    if (!src.hidden) { ed.innerHTML = src.value; }
    src.hidden = true;
    box(ord).classList.remove("html");
    if (focus !== false) { ed.focus(); }
  }
  send(ord);
  if (bridge) { bridge.sourceToggled(ord, show); }
  return show;
}

function exec(cmd, arg) {
  var ord = current;
  if (!box(ord) || sourceShown(ord)) { return false; }
  var ed = editable(ord);
  if (document.activeElement !== ed) { ed.focus(); }
  var ok = document.execCommand(cmd, false, arg === undefined ? null : arg);
  send(ord);
  return ok;
}

function insertHtml(html) { return exec("insertHTML", html); }

function escapeHtml(text) {
  var d = document.createElement("div");
  d.textContent = text;
  return d.innerHTML;
}

function wrap(before, after) {
  var ord = current;
  if (!box(ord)) { return; }
  if (sourceShown(ord)) {
    var s = source(ord), a = s.selectionStart, b = s.selectionEnd, v = s.value;
    s.value = v.slice(0, a) + before + v.slice(a, b) + after + v.slice(b);
    var caret = a === b ? a + before.length : b + before.length + after.length;
    s.selectionStart = s.selectionEnd = caret;
    editable(ord).innerHTML = s.value;
    send(ord);
    return;
  }
  var ed = editable(ord);
  if (document.activeElement !== ed) { ed.focus(); }
  var sel = window.getSelection();
  var inner = "";
  if (sel.rangeCount && !sel.isCollapsed) {
    var holder = document.createElement("div");
    holder.appendChild(sel.getRangeAt(0).cloneContents());
    inner = holder.innerHTML;
  }
  document.execCommand("insertHTML", false, escapeHtml(before) + inner + escapeHtml(after));
  if (!inner) {
    for (var i = 0; i < after.length; i++) { sel.modify("move", "backward", "character"); }
  }
  send(ord);
}

function setDupe(flag) {
  var b = box(0);
  if (b) { b.classList.toggle("dupe", !!flag); }
}

function readFiles(files, ord, named) {
  Array.from(files).forEach(function (file) {
    var reader = new FileReader();
    reader.onload = function () {
      if (!bridge) { return; }
      bridge.saveMedia(named ? (file.name || "") : "", String(reader.result), function (ref) {
        if (!ref) { return; }
        current = ord;
        if (sourceShown(ord)) { wrap(ref, ""); } else { insertHtml(ref); }
      });
    };
    reader.readAsDataURL(file);
  });
}

function onPaste(e, ord) {
  var files = e.clipboardData ? Array.from(e.clipboardData.files) : [];
  if (!files.length) { return; }  // text and HTML paste as the browser does it
  e.preventDefault();
  readFiles(files, ord, false);    // pasted images are named paste-<sha1>, as in Anki
}

function onDrop(e, ord) {
  var files = e.dataTransfer ? Array.from(e.dataTransfer.files) : [];
  if (!files.length) { return; }
  e.preventDefault();
  // Insert where the files were dropped, or at the end of the field.
  var ed = editable(ord);
  var r = document.caretRangeFromPoint ? document.caretRangeFromPoint(e.clientX, e.clientY) : null;
  if (!r || !ed.contains(r.startContainer)) {
    r = document.createRange();
    r.selectNodeContents(ed);
    r.collapse(false);
  }
  ed.focus();
  var sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(r);
  readFiles(files, ord, true);
}
"""


def page_html(channel_js: str) -> str:
    """The editor page; `channel_js` is Qt's qwebchannel.js, inlined."""
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            f"<style>{EDITOR_CSS}</style></head><body><div id=\"fields\"></div>"
            f"<script>{channel_js}</script><script>{EDITOR_JS}</script></body></html>")
