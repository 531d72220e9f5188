"""Media file names and references, as Anki treats them (ANKI-FACTS §10).

References live in note fields: `[sound:x]` and the `src`/`data` attributes of `img`,
`audio`, `video`, `object` and `source` tags. Static files (`_x`, `latex-x`) may be used
by templates and are never renamed.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_TAG_ATTR = re.compile(
    r"""(?P<pre><(?:img|audio|video|object|source)\b[^>]*?\b(?:src|data)\s*=\s*)"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s>"']+))""",
    re.IGNORECASE | re.DOTALL)
#: What every reference starts with (a necessary condition, for skipping fields quickly).
_MAY_REFER = re.compile(r"\[sound:|<(?:img|audio|video|object|source)", re.IGNORECASE)
#: The same test in SQL, for a text column `{}` (LIKE ignores ASCII case, as the tags do;
#: the sound check is wider than needed, which is allowed).
MAY_REFER_SQL = " OR ".join(
    f"{{0}} LIKE '%{prefix}%'" for prefix in ("[sound:", "<img", "<audio", "<video", "<object",
                                            "<source"))
_TEMPLATE_STATIC = re.compile(r"""["'(\s=:]?(_[^"'\s<>()\[\]{}]+\.[A-Za-z0-9]+)""")
_ILLEGAL = re.compile(r'[\[\]<>:"/?*^\\|\x00-\x1f\x7f]')
_WINDOWS_DEVICE = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)", re.IGNORECASE)
MAX_NAME_BYTES = 120


def is_static(name: str) -> bool:
    return name.startswith(("_", "latex-"))


def _is_remote(ref: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", ref, re.IGNORECASE)) or ref.startswith(
        "data:")


def references(text: str) -> list[str]:
    """Media file names a field refers to (decoded, in order, remote URLs left out)."""
    out = [m.group(1) for m in _SOUND.finditer(text)]
    for m in _TAG_ATTR.finditer(text):
        ref = m.group("dq") if m.group("dq") is not None else (
            m.group("sq") if m.group("sq") is not None else m.group("uq"))
        ref = html.unescape(ref)
        if ref and not _is_remote(ref):
            out.append(ref)
    return out


def may_refer(text: str) -> bool:
    """False when `references(text)` is surely empty."""
    return _MAY_REFER.search(text) is not None


def rewrite_references(text: str, rename: Callable[[str], str | None]) -> str:
    """Replace every reference `x` with `rename(x)` when that is not None."""
    def sound(m: re.Match[str]) -> str:
        new = rename(m.group(1))
        return f"[sound:{new}]" if new else m.group(0)

    def attr(m: re.Match[str]) -> str:
        for group, quote in (("dq", '"'), ("sq", "'"), ("uq", "")):
            ref = m.group(group)
            if ref is not None:
                new = rename(html.unescape(ref))
                if not new:
                    return m.group(0)
                value = html.escape(new, quote=True) if quote else new
                return f"{m.group('pre')}{quote}{value}{quote}"
        return m.group(0)

    return _TAG_ATTR.sub(attr, _SOUND.sub(sound, text))


def template_static_references(text: str) -> set[str]:
    """`_x.ext` names used by templates or CSS (Anki exports these with the notes)."""
    return {m.group(1) for m in _TEMPLATE_STATIC.finditer(text)}


def normalize_name(name: str) -> str:
    """Anki's file-name normalization: NFC, illegal characters removed, ≤ 120 bytes."""
    name = unicodedata.normalize("NFC", name).replace("\xa0", " ")
    name = _ILLEGAL.sub("", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if _WINDOWS_DEVICE.match(name):
        first, _, rest = name.partition(".")
        name = f"{first}_" + (f".{rest}" if rest else "")
    if name.endswith((" ", ".")):
        name += "_"
    while len(name.encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
        name = f"{stem}.{ext}" if ext else stem
    return name


def safe_media_name(name: str) -> str | None:
    """The normalized name, or None if `name` is empty or tries to leave the folder."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        return None
    normalized = normalize_name(name)
    if not normalized or normalized in (".", ".."):
        return None
    return normalized


def sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def renamed_with_hash(name: str, sha1_hex: str) -> str:
    """`x.jpg` → `x-<sha1>.jpg`, Anki's name for a clashing file with other content."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}-{sha1_hex}"
    return f"{stem}-{sha1_hex}.{ext}"
