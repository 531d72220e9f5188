"""Anki's regular expressions (Rust `regex` crate syntax) as Python `re` patterns.

The two dialects agree on almost everything users type. Where they differ this module
translates: inline flags anywhere (`a(?i)b`, `(?-i)`), `$` meaning only the very end (unless
multi-line), `\\z`, `\\x{…}`/`\\u{…}`, POSIX classes `[[:alpha:]]`, `\\pL`/`\\p{L}`/`\\p{N}`,
`\\<`/`\\>`, `(?<name>…)`. What Rust refuses (look-around, back-references, a `{` that starts no
repetition, possessive quantifiers) is refused here too, so the same searches fail.
"""

from __future__ import annotations

import re
from functools import lru_cache

from repetend.core.errors import InvalidInput

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
# Unicode classes Python's `re` can express.
_UNICODE_CLASSES = {
    "L": ("[^\\W\\d_]", "[\\W\\d_]"), "Letter": ("[^\\W\\d_]", "[\\W\\d_]"),
    "Nd": ("\\d", "\\D"), "Decimal_Number": ("\\d", "\\D"),
    "N": ("\\d", "\\D"),
    "Z": ("\\s", "\\S"), "White_Space": ("\\s", "\\S"),
}
_UNICODE_CLASSES_IN_SET = {"L": "^\\W\\d_", "Nd": "\\d", "N": "\\d", "Z": "\\s"}
_REPETITION = re.compile(r"\{\s*[0-9]+\s*(,\s*[0-9]*\s*)?\}")
_PY_FLAGS = "imsx"


class RegexError(InvalidInput):
    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"Invalid search: the regular expression `{pattern}` is invalid: "
                         f"{reason}.")
        self.pattern = pattern
        self.reason = reason


def _error(pattern: str, reason: str) -> RegexError:
    return RegexError(pattern, reason)


@lru_cache(maxsize=512)
def translate(pattern: str) -> str:
    """The Python equivalent of Anki regex `pattern`; raises `RegexError` if invalid."""
    out = _Translator(pattern).run()
    try:
        re.compile(out)
    except re.error as exc:
        raise _error(pattern, str(exc)) from None
    return out


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile an Anki regex (already including any `(?i)` prefix)."""
    return re.compile(translate(pattern))


class _Group:
    def __init__(self, flags: set[str], start: int) -> None:
        self.flags = set(flags)       # flags in force at this point of the group
        self.start = start            # index in the output of the group's opening
        self.open_wraps = 0           # `(?flags:` wrappers opened inside this group
        self.wrap_specs: list[str] = []


# Rust's \s is Unicode White_Space; Python's also takes \x1c-\x1f (the field separator!).
_SPACES = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
# Python's case-insensitive matching pairs i/I with İ and ı; Rust's simple case folding
# does not, so those four letters are matched case-sensitively by hand.
_TURKISH_I = {"i": "(?-i:[iI])", "I": "(?-i:[iI])", "\u0131": "(?-i:\u0131)",
              "\u0130": "(?-i:\u0130)"}


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        self.groups = [_Group(set(), 0)]
        self.atom_start: int | None = None  # where the last (repeatable) atom begins
        self.quantified = False

    @property
    def flags(self) -> set[str]:
        return self.groups[-1].flags

    def _atom(self, text: str) -> None:
        self.atom_start = len(self.out)
        self.quantified = False
        self.out.append(text)

    def _assertion(self, text: str) -> None:
        self.out.append(text)
        self.atom_start = None

    def run(self) -> str:
        p = self.p
        while self.i < len(p):
            ch = p[self.i]
            if ch == "\\":
                self._escape()
            elif ch == "[":
                self._atom(self._char_class())
            elif ch == "(":
                self._open_group()
            elif ch == ")":
                self._close_group()
            elif ch == "|":
                self._alternation()
            elif ch == "$":
                self.i += 1
                self._assertion("$" if "m" in self.flags else "\\Z")
            elif ch == "^":
                self.i += 1
                self._assertion("^")
            elif ch == "{":
                m = _REPETITION.match(p, self.i)
                if m is None:
                    raise _error(p, "unclosed counted repetition")
                self.i = m.end()
                self._quantifier(re.sub(r"\s", "", m.group(0)))
            elif ch in "*+?":
                self.i += 1
                self._quantifier(ch)
            elif ch == "#" and "x" in self.flags:
                newline = p.find("\n", self.i)
                self.i = len(p) if newline == -1 else newline
            elif ch.isspace() and "x" in self.flags:
                self.i += 1
            else:
                self.i += 1
                if "i" in self.flags and ch in _TURKISH_I:
                    self._atom(_TURKISH_I[ch])
                else:
                    self._atom(_char_escape(ch) if ch in "#" or ch.isspace() else ch)
        if len(self.groups) > 1:
            raise _error(p, "unclosed group")
        self.out.append(")" * self.groups[0].open_wraps)
        return "".join(self.out)

    def _quantifier(self, text: str) -> None:
        if self.atom_start is None:
            raise _error(self.p, "repetition operator missing expression")
        if self.i < len(self.p) and self.p[self.i] == "?":
            text += "?"  # lazy
            self.i += 1
        if self.quantified:
            # Rust repeats a repetition (`a**`, `a*+`); Python needs a group around it.
            self.out.insert(self.atom_start, "(?:")
            self.out.append(")")
        self.out.append(text)
        self.quantified = True

    def _alternation(self) -> None:
        group = self.groups[-1]
        # Flags set earlier in this alternative also apply after the `|` (Rust semantics);
        # Python's scoped flags cannot span an alternation, so close and reopen them.
        self.out.append(")" * group.open_wraps + "|" + "".join(group.wrap_specs))
        self.i += 1
        self.atom_start = None

    def _open_group(self) -> None:
        p = self.p
        rest = p[self.i:]
        m = re.match(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", rest)
        if m:
            on, off, end = m.group(1), m.group(2) or "", m.group(3)
            if end == ")" and not on and not off:
                raise _error(p, "empty flag group")
            for flag in on + off:
                # `U` (swap greed), `u` (Unicode) and `R` (CRLF) cannot change whether a
                # search matches at all, so they are accepted and left out.
                if flag not in "imsxuUR":
                    raise _error(p, f"unrecognized flag `{flag}`")
            flags = set(self.flags)
            flags |= {f for f in on if f in _PY_FLAGS}
            flags -= set(off)
            spec = "(?" + "".join(f for f in on if f in _PY_FLAGS)
            py_off = "".join(f for f in off if f in _PY_FLAGS)
            if py_off:
                spec += "-" + py_off
            spec += ":"
            self.i += m.end()
            if end == ")":
                # Flags for the rest of the enclosing group.
                group = self.groups[-1]
                group.flags = flags
                group.open_wraps += 1
                group.wrap_specs.append(spec)
                self.out.append(spec)
                self.atom_start = None
                return
            self.groups.append(_Group(flags, len(self.out)))
            self.out.append(spec)
            self.atom_start = None
            return
        if rest.startswith(("(?=", "(?!", "(?<=", "(?<!")):
            raise _error(p, "look-around, including look-ahead and look-behind, is not "
                            "supported")
        named = re.match(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>", rest)
        self.groups.append(_Group(self.flags, len(self.out)))
        if named:
            self.out.append(f"(?P<{named.group(1)}>")
            self.i += named.end()
        elif rest.startswith("(?"):
            raise _error(p, "unrecognized group syntax")
        else:
            self.out.append("(")
            self.i += 1
        self.atom_start = None

    def _close_group(self) -> None:
        if len(self.groups) == 1:
            raise _error(self.p, "unopened group")
        group = self.groups.pop()
        self.out.append(")" * group.open_wraps + ")")
        self.i += 1
        self.atom_start = group.start
        self.quantified = False

    def _escape(self) -> None:
        if self.i + 1 >= len(self.p):
            raise _error(self.p, "incomplete escape sequence")
        ch = self.p[self.i + 1]
        text = self._escape_text(in_class=False)
        if ch in "bBAz<>":
            self._assertion(text)
        else:
            self._atom(text)

    def _escape_text(self, in_class: bool) -> str:
        """Translate the escape at self.i (a backslash) and move past it."""
        p = self.p
        ch = p[self.i + 1]
        self.i += 2
        if ch in "xuU" and self.i < len(p) and p[self.i] == "{":
            end = p.find("}", self.i)
            digits = p[self.i + 1:end] if end != -1 else ""
            if end == -1 or not re.fullmatch(r"[0-9A-Fa-f]{1,8}", digits) or \
                    int(digits, 16) > 0x10FFFF:
                raise _error(p, "invalid hexadecimal escape")
            self.i = end + 1
            return self._literal(chr(int(digits, 16)), in_class)
        if ch in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[ch]
            digits = p[self.i:self.i + width]
            if not re.fullmatch(f"[0-9A-Fa-f]{{{width}}}", digits) or int(digits, 16) > 0x10FFFF:
                raise _error(p, "invalid hexadecimal escape")
            self.i += width
            return self._literal(chr(int(digits, 16)), in_class)
        if ch in "pP":
            return self._unicode_class(ch == "P", in_class)
        if ch == "s":
            return _SPACES if in_class else f"[{_SPACES}]"
        if ch == "S":
            return "\\S\\x1c-\\x1f" if in_class else f"[^{_SPACES}]"
        if ch == "z" and not in_class:
            return "\\Z"
        if ch == "A" and not in_class:
            return "\\A"
        if ch == "<" and not in_class:
            return "\\b(?=\\w)"
        if ch == ">" and not in_class:
            return "\\b(?<=\\w)"
        if ch in "dDwWnrtfv" or (ch in "bB" and not in_class):
            return "\\" + ch
        if ch == "a":
            return "\\x07"
        if ch == "b" and in_class:
            raise _error(p, "unrecognized escape sequence `\\b` in a character class")
        if ch.isascii() and ch.isalnum():
            if ch.isdigit():
                raise _error(p, "backreferences are not supported")
            raise _error(p, f"unrecognized escape sequence `\\{ch}`")
        if ch.isascii():
            return "\\" + ch if not ch.isspace() else _char_escape(ch)
        raise _error(p, f"unrecognized escape sequence `\\{ch}`")

    def _literal(self, ch: str, in_class: bool) -> str:
        if not in_class and "i" in self.flags and ch in _TURKISH_I:
            return _TURKISH_I[ch]
        return _char_escape(ch)

    def _unicode_class(self, negated: bool, in_class: bool) -> str:
        p = self.p
        if self.i < len(p) and p[self.i] == "{":
            end = p.find("}", self.i)
            if end == -1:
                raise _error(p, "unclosed Unicode class")
            name = p[self.i + 1:end].strip()
            self.i = end + 1
        elif self.i < len(p):
            name = p[self.i]
            self.i += 1
        else:
            raise _error(p, "incomplete Unicode class")
        name = name.replace(" ", "_")
        if name.startswith("^"):
            negated, name = not negated, name[1:]
        if name not in _UNICODE_CLASSES:
            raise _error(p, f"the Unicode class `{name}` is not supported")
        if in_class:
            if negated or name not in _UNICODE_CLASSES_IN_SET:
                raise _error(p, f"the Unicode class `{name}` is not supported inside [ ]")
            return _UNICODE_CLASSES_IN_SET[name]
        return _UNICODE_CLASSES[name][1 if negated else 0]

    def _char_class(self) -> str:
        p = self.p
        self.i += 1
        negated = False
        parts: list[str] = []
        if self.i < len(p) and p[self.i] == "^":
            negated = True
            self.i += 1
        first = True
        while True:
            if self.i >= len(p):
                raise _error(p, "unclosed character class")
            ch = p[self.i]
            if ch == "]" and not first:
                self.i += 1
                break
            if ch == "[":
                m = re.match(r"\[:(\^?)([a-z]+):\]", p[self.i:])
                if m and m.group(2) in _POSIX:
                    if m.group(1):
                        raise _error(p, "negated POSIX classes are not supported")
                    parts.append(_POSIX[m.group(2)])
                    self.i += m.end()
                    first = False
                    continue
                raise _error(p, "nested character classes are not supported")
            if ch == "\\":
                if self.i + 1 >= len(p):
                    raise _error(p, "unclosed character class")
                parts.append(self._escape_text(in_class=True))
                first = False
                continue
            pair = p[self.i:self.i + 2]
            if pair in ("&&", "--", "~~"):
                raise _error(p, "character class set operations are not supported")
            parts.append("\\]" if ch == "]" else "\\[" if ch == "[" else ch)
            self.i += 1
            first = False
        if not parts:
            raise _error(p, "empty character class")
        body = "".join(parts)
        cls = f"[{'^' if negated else ''}{body}]"
        if "i" in self.flags:
            try:
                holds_i = re.fullmatch(f"(?i:[{body}])", "i") is not None
            except re.error as exc:
                raise _error(p, str(exc)) from None
            if holds_i:
                # Keep İ and ı out of (or, negated, in) a class that holds i, as Rust does.
                cls = f"(?:[\u0130\u0131]|{cls})" if negated else f"(?:(?![\u0130\u0131]){cls})"
        return cls


def _char_escape(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return re.escape(ch)
    return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\U{ord(ch):08x}"
