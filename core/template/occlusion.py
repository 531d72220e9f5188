"""Image-occlusion deletions: `{{c1::image-occlusion:rect:left=.2:top=.3:…}}` to data attributes.

The front-end script draws the masks from these `data-*` attributes (ANKI-FACTS §4.5).
Property values escape `:` and `\\` with a backslash.
"""

from __future__ import annotations

from repetend.core.template.escaping import encode_attribute

SHAPES = ("rect", "ellipse", "polygon", "text")
_PLAIN = ("left", "top", "angle", "fill")            # written when non-empty
_NON_ZERO = ("width", "height", "rx", "ry", "scale")  # written when non-empty and not "0"


def _value(text: str, start: int) -> tuple[str, int] | None:
    """Parse an escaped value from `start`; returns (value, end) or None if malformed."""
    out: list[str] = []
    i = start
    while i < len(text):
        c = text[i]
        if c == ":":
            if i == start:
                return None
            break
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "\\:":
                return None
            out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out), i


def parse_shape(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """Split `rect:left=1:top=2` into ("rect", [("left", "1"), ("top", "2")])."""
    if ":" not in text:
        return None
    shape = text.split(":", 1)[0]
    props: list[tuple[str, str]] = []
    pos = len(shape)
    while pos < len(text) and text[pos] == ":":
        equals = text.find("=", pos + 1)
        if equals <= pos + 1:
            break
        parsed = _value(text, equals + 1)
        if parsed is None:
            break
        props.append((text[pos + 1:equals], parsed[0]))
        pos = parsed[1]
    return shape, props


def image_occlusion_attributes(text: str) -> str:
    """The `data-…="…" ` attributes (each followed by a space) for one occlusion shape."""
    parsed = parse_shape(text)
    if parsed is None:
        return ""
    shape, props = parsed
    out = [f'data-shape="{shape}" '] if shape in SHAPES else []
    for name, value in props:
        if name in _PLAIN and value:
            out.append(f'data-{name}="{value}" ')
        elif name in _NON_ZERO and value not in ("", "0"):
            out.append(f'data-{name}="{value}" ')
        elif name == "points" and value:
            pairs = [p for p in value.split(" ") if "," in p]
            points = " ".join(",".join(p.split(",", 1)) for p in pairs)
            if points:
                out.append(f'data-points="{points}" ')
        elif name == "oi" and value:
            out.append(f'data-occludeInactive="{value}" ')
        elif name == "text" and value:
            out.append(f'data-text="{encode_attribute(value)}" ')
        elif name == "fs" and value:
            out.append(f'data-font-size="{value}" ')
    return "".join(out)
