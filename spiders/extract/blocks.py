"""Turn an article element into text lines, keeping what signatures are recognised by.

A line is what a reader sees as one line: a paragraph, a heading, a list item, a table row,
or a piece split by ``<br>``. Each line remembers whether it was right-aligned or mostly
bold/italic, because Vietnamese portals print the author as a short right-aligned line at
the end of the body (docs/PLATFORMS.md §3.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .text import one_line

BLOCK_TAGS = frozenset(
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul "
    "caption summary".split()
)
EMPHASIS_TAGS = frozenset("b strong em i".split())
CELL_TAGS = frozenset(("td", "th"))
RIGHT = re.compile(r"text-align\s*:\s*right", re.I)
PADDING = 12  # leading spaces that push a short line to the right, as a signature


@dataclass
class Line:
    text: str
    right: bool = False       # right-aligned (align=right or text-align:right on its block or above)
    emphasis: float = 0.0     # share of its characters inside b/strong/em/i
    tag: str = "p"            # the block element that holds it
    element: object = None    # that element, so a dropped line can be dropped from the HTML too


def is_right_aligned(el, stop) -> bool:
    """Whether ``el`` or an ancestor below ``stop`` aligns its text to the right."""
    while el is not None and el is not stop:
        if el.get("align", "").lower() == "right" or RIGHT.search(el.get("style", "")):
            return True
        el = el.getparent()
    return False


class _LineBuilder:
    def __init__(self, container):
        self.container = container
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.emph_chars = 0
        self.emph_depth = 0
        self.owner = container

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.emph_depth:
                self.emph_chars += len(text.strip())

    def flush(self) -> None:
        raw = "".join(self.parts)
        text = one_line(raw)
        if text:
            share = min(1.0, self.emph_chars / max(1, len(text)))
            tag = self.owner.tag if isinstance(self.owner.tag, str) else "p"
            # Editors right-align signatures with a run of spaces as often as with CSS.
            padded = len(raw) - len(raw.lstrip(" \t\r\n\u00a0")) >= PADDING
            right = padded or is_right_aligned(self.owner, self.container.getparent())
            self.lines.append(Line(text, right, share, tag, self.owner))
        self.parts, self.emph_chars = [], 0


def element_lines(container) -> list[Line]:
    """The visible lines of ``container`` in reading order."""
    builder = _LineBuilder(container)
    owners = [container]
    for event, el in etree.iterwalk(container, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            _enter(builder, owners, el, tag)
        else:
            _leave(builder, owners, el, tag)
    builder.flush()
    return builder.lines


def _enter(builder: _LineBuilder, owners: list, el, tag: str) -> None:
    if tag in BLOCK_TAGS or tag == "br":
        builder.flush()
        if tag in BLOCK_TAGS:
            owners.append(el)
            builder.owner = el
    elif tag in CELL_TAGS:
        builder.add(" ")
    if tag in EMPHASIS_TAGS:
        builder.emph_depth += 1
    if tag and tag != "br":
        builder.add(el.text)


def _leave(builder: _LineBuilder, owners: list, el, tag: str) -> None:
    if tag in EMPHASIS_TAGS:
        builder.emph_depth -= 1
    if tag in BLOCK_TAGS:
        builder.flush()
        if len(owners) > 1:
            owners.pop()
        builder.owner = owners[-1]
    if el is not builder.container:
        builder.add(el.tail)


def text_of(el) -> str:
    """Whitespace-collapsed text of one element (for titles, dates, bylines)."""
    return one_line(el.text_content()) if el is not None else ""
