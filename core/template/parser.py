"""Tokenise and parse card templates (`{{Field}}`, `{{#F}}…{{/F}}`, comments) into a tree.

Reproduces Anki's template syntax (ANKI-FACTS §4.1): a tag runs to the first closing
delimiter, an unterminated `{{Front` is plain text, HTML comments are copied verbatim and
never parsed, and a template that starts with `{{=<% %>=}}` uses `<% %>` instead of `{{ }}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from repetend.core.template.errors import ConditionalNotClosed, ConditionalNotOpen

LEGACY_DIRECTIVE = "{{=<% %>=}}"

# The leftmost tag or comment; the lazy bodies stop at the first closing delimiter, like
# Anki's scan that tries a tag, then a comment, at every position.
_STANDARD = re.compile(r"\{\{(.*?)\}\}|<!--(.*?)-->", re.DOTALL)
_LEGACY = re.compile(r"<%(.*?)%>|<!--(.*?)-->", re.DOTALL)
_CLOZE_CONDITIONAL = re.compile(r"c\+?[0-9]+")


@dataclass(frozen=True)
class Text:
    """Literal template text."""

    text: str


@dataclass(frozen=True)
class Comment:
    """An HTML comment; rendered back as `<!--text-->` and never parsed."""

    text: str


@dataclass(frozen=True)
class Replacement:
    """`{{f2:f1:Key}}`: `filters` are in the order they apply (right to left as written)."""

    key: str
    filters: tuple[str, ...] = ()

    def written_filters(self) -> str:
        """The filter prefix as written in the template, e.g. `"text:"`."""
        return "".join(f"{name}:" for name in reversed(self.filters))


@dataclass(frozen=True)
class Conditional:
    """`{{#Key}}…{{/Key}}`, or `{{^Key}}…{{/Key}}` when `negated`."""

    key: str
    children: tuple[Node, ...]
    negated: bool = False


Node = Text | Comment | Replacement | Conditional


@dataclass(frozen=True)
class _Open:
    key: str
    negated: bool


@dataclass(frozen=True)
class _Close:
    key: str


_Token = Text | Comment | Replacement | _Open | _Close


def _classify(content: str) -> _Token:
    """Turn the inside of `{{…}}` into a token; leading `{` and surrounding space are ignored."""
    start = content.lstrip("{").strip()
    if len(start) < 2:
        return _replacement(start)
    sigil, rest = start[0], start[1:].lstrip()
    if sigil == "#":
        return _Open(rest, negated=False)
    if sigil == "^":
        return _Open(rest, negated=True)
    if sigil == "/":
        return _Close(rest)
    return _replacement(start)


def _replacement(text: str) -> Replacement:
    parts = text.split(":")
    return Replacement(parts[-1], tuple(reversed(parts[:-1])))


def _tokens(template: str) -> Iterator[_Token]:
    pattern = _STANDARD
    stripped = template.lstrip()
    if stripped.startswith(LEGACY_DIRECTIVE):
        pattern = _LEGACY
        template = stripped
        while template.startswith(LEGACY_DIRECTIVE):
            template = template[len(LEGACY_DIRECTIVE):]
    pos = 0
    for match in pattern.finditer(template):
        if match.start() > pos:
            yield Text(template[pos:match.start()])
        if match.group(1) is not None:
            yield _classify(match.group(1))
        else:
            yield Comment(match.group(2))
        pos = match.end()
    if pos < len(template):
        yield Text(template[pos:])


def parse_template(template: str) -> tuple[Node, ...]:
    """Parse `template` into nodes; raises a `TemplateError` for unbalanced conditionals."""
    return _parse(_tokens(template), None)


def _parse(tokens: Iterator[_Token], open_key: str | None) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for token in tokens:
        if isinstance(token, _Open):
            children = _parse(tokens, token.key)
            nodes.append(Conditional(token.key, children, token.negated))
        elif isinstance(token, _Close):
            if open_key == token.key:
                return tuple(nodes)
            raise ConditionalNotOpen(token.key, open_key)
        else:
            nodes.append(token)
    if open_key is not None:
        raise ConditionalNotClosed(open_key)
    return tuple(nodes)


def is_cloze_conditional(key: str) -> bool:
    """`c1`, `c2`, …: always valid in conditionals (the renderer defines the current one)."""
    return (_CLOZE_CONDITIONAL.fullmatch(key) is not None
            and int(key[1:]) <= 0xFFFFFFFF)


def renders_with_fields(nodes: Sequence[Node], nonempty: set[str] | frozenset[str]) -> bool:
    """True if some replacement of a non-empty field would be shown (ANKI-FACTS §4.6).

    Text never counts; `{{#F}}` counts only when F is non-empty and its children count;
    `{{^F}}` only when F is empty and its children count."""
    for node in nodes:
        if isinstance(node, Replacement):
            if node.key in nonempty:
                return True
        elif isinstance(node, Conditional):
            if (node.key in nonempty) != node.negated and renders_with_fields(
                    node.children, nonempty):
                return True
    return False


def field_references(nodes: Sequence[Node], *, cloze_only: bool = False,
                     with_conditionals: bool = True) -> set[str]:
    """Names used by replacements (only those with a `cloze` filter if `cloze_only`), plus
    conditional keys other than `cN` if `with_conditionals`. Names may not be valid fields."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, Replacement):
            if not cloze_only or "cloze" in node.filters:
                found.add(node.key)
        elif isinstance(node, Conditional):
            if with_conditionals and not is_cloze_conditional(node.key):
                found.add(node.key)
            found |= field_references(node.children, cloze_only=cloze_only,
                                      with_conditionals=with_conditionals)
    return found
