"""Sound and text-to-speech tags: `[sound:x.mp3]` and `[anki:tts lang=…]text[/anki:tts]`.

After rendering, each is replaced by an `[anki:play:q:N]` / `[anki:play:a:N]` placeholder
and collected, so the reviewer can play them in order (ANKI-FACTS §4.4). The grammar
follows Anki's card_rendering parser: broken tags stay text, options are `key=value`
(value optionally in double quotes) separated by white space, and the content runs to the
first matching `[/anki:name]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from repetend.core.template.escaping import decode_entities
from repetend.core.text import strip_html

TTS_BLANK = "blank"  # what "[...]" (a hidden cloze) is read as, unless cloze_blank= is given

_WS = " \t\r\n"
_FLOAT = re.compile(r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)",
                    re.IGNORECASE)
# Tags that end a line or block: read as a pause (a space) before the HTML is stripped.
_LINEBREAK_TAGS = re.compile(
    r"</?(?:br|address|article|aside|blockquote|canvas|dd|div|dl|dt|fieldset|figcaption"
    r"|figure|footer|form|h[1-6]|header|hr|li|main|nav|noscript|ol|output|p|pre|section"
    r"|table|tfoot|ul|video)>",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SoundTag:
    """`[sound:file.mp3]`: a media file to play (entities in the name are decoded)."""

    filename: str


@dataclass(frozen=True)
class TTSTag:
    """Text to speak: from `[anki:tts …]…[/anki:tts]` or the `{{tts …:Field}}` filter."""

    text: str
    lang: str
    voices: tuple[str, ...]
    speed: float
    other_args: tuple[str, ...]


AvTag = SoundTag | TTSTag


@dataclass(frozen=True)
class _Directive:
    name: str
    options: tuple[tuple[str, str], ...]
    content: str


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _take_not(text: str, i: int, stop: str) -> int:
    while i < len(text) and text[i] not in stop:
        i += 1
    return i


def _parse_options(text: str, i: int) -> tuple[list[tuple[str, str]], int]:
    options: list[tuple[str, str]] = []
    while True:
        key_end = _take_not(text, i, "] \t\r\n=")
        if key_end == i or not text.startswith("=", key_end):
            return options, i
        j = key_end + 1
        close = text.find('"', j + 1) if text.startswith('"', j) else -1
        if close != -1:
            value, j = text[j + 1:close], close + 1
        else:
            end = _take_not(text, j, '] \t\r\n"')
            value, j = text[j:end], end
        options.append((text[i:key_end], value))
        i = _skip_ws(text, j)


def _parse_directive(text: str, i: int) -> tuple[_Directive, int] | None:
    """Parse `[anki:name opts]content[/anki:name]` at `i`; None if it is not one."""
    start = i + len("[anki:")
    name_end = _take_not(text, start, "]" + _WS)
    if name_end == start:
        return None
    name = text[start:name_end]
    options, j = _parse_options(text, _skip_ws(text, name_end))
    if not text.startswith("]", j):
        return None
    closing = f"[/anki:{name}]"
    end = text.find(closing, j + 1)
    if end == -1:
        return None
    return _Directive(name, tuple(options), text[j + 1:end]), end + len(closing)


def _parse(text: str) -> list[str | SoundTag | _Directive]:
    nodes: list[str | SoundTag | _Directive] = []
    i = 0
    while i < len(text):
        if text.startswith("[sound:", i):
            end = text.find("]", i + 7)
            if end > i + 7:
                nodes.append(SoundTag(text[i + 7:end]))
                i = end + 1
                continue
        elif text.startswith("[anki:", i):
            parsed = _parse_directive(text, i)
            if parsed is not None:
                nodes.append(parsed[0])
                i = parsed[1]
                continue
        # plain text: at least one character, then up to the next possible tag start
        end = text.find("[", i + 1)
        end = len(text) if end == -1 else end
        nodes.append(text[i:end])
        i = end
    return nodes


def _option_text(key: str, value: str) -> str:
    if any(c in value for c in "]" + _WS):
        return f' {key}="{value}"'
    return f" {key}={value}"


def _tts_tag(directive: _Directive) -> TTSTag | str:
    """The tag for a tts directive, or the error text shown in its place."""
    lang, voices, speed, blank = "", (), 1.0, None
    other: dict[str, str] = {}
    for key, value in directive.options:
        if key == "lang":
            lang = value
        elif key == "voices":
            voices = tuple(value.split(","))
        elif key == "speed":
            speed = float(value) if _FLOAT.fullmatch(value) else 1.0
        elif key == "cloze_blank":
            blank = value
        else:
            other[key] = value
    if not lang:
        return "[Error in directive 'anki:tts': 'lang' not set]"
    text = strip_html(_LINEBREAK_TAGS.sub(" ", directive.content)).strip()
    text = text.replace("[...]", TTS_BLANK if blank is None else blank)
    return TTSTag(text, lang, voices, speed, tuple(f"{k}={v}" for k, v in other.items()))


def extract_av_tags(text: str, question_side: bool) -> tuple[str, tuple[AvTag, ...]]:
    """Replace sound/tts tags by `[anki:play:q|a:N]` placeholders; return text and tags."""
    side = "q" if question_side else "a"
    tags: list[AvTag] = []
    out: list[str] = []
    for node in _parse(text):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, SoundTag):
            out.append(f"[anki:play:{side}:{len(tags)}]")
            tags.append(SoundTag(decode_entities(node.filename)))
        elif node.name == "tts":
            tag = _tts_tag(node)
            if isinstance(tag, str):
                out.append(tag)
            else:
                out.append(f"[anki:play:{side}:{len(tags)}]")
                tags.append(tag)
        else:
            # other [anki:…] directives are written back with normalised options
            options = "".join(_option_text(k, v) for k, v in dict(node.options).items())
            out.append(f"[anki:{node.name}{options}]{node.content}[/anki:{node.name}]")
    return "".join(out), tuple(tags)


def strip_av_tags(text: str) -> str:
    """Remove sound and tts tags (for plain-text uses such as the browser columns)."""
    out: list[str] = []
    for node in _parse(text):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Directive) and node.name != "tts":
            options = "".join(_option_text(k, v) for k, v in dict(node.options).items())
            out.append(f"[anki:{node.name}{options}]{node.content}[/anki:{node.name}]")
    return "".join(out)
