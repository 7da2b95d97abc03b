"""Delete portal noise from the DOM before any text is read.

Order matters: hidden accessibility text and skin chrome go first (they leak into every
text dump: "Skip portletPortlet Menu"), then portlet title bars (kept as section names),
then, inside the article, related-article lists and tool bars that templates print
after the text.
"""

from __future__ import annotations

import re

from .blocks import text_of
from .rules.common import NOISE_LINES, NOISE_PREFIXES, PAGER_LINE, RELATED_HEADINGS
from .text import fold

_SQUASH = re.compile(r"[\s\W_]+")
_PAGER = re.compile(PAGER_LINE, re.I)
# Elements that may hold a related-list heading ("Các tin khác" in an h3, a div, a bold span …).
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "div", "p", "span", "strong", "b", "td", "th", "header", "label")
PLACEHOLDER_CHARS = 40
RELATED_HEADING_CHARS = 200  # raw text: template whitespace included


def squash(text: str) -> str:
    """Accent-, case- and space-insensitive key: "Skip portletPortlet Menu" → "skipportletportletmenu"."""
    return _SQUASH.sub("", fold(text))


_NOISE_KEYS = frozenset(squash(line) for line in NOISE_LINES)
_NOISE_PREFIX_KEYS = tuple(squash(p) for p in NOISE_PREFIXES)
_RELATED_KEYS = frozenset(squash(h) for h in RELATED_HEADINGS)


def drop(el) -> None:
    """Remove ``el`` but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def drop_all(root, selector) -> int:
    if selector is None:
        return 0
    found = selector(root)
    for el in found:
        drop(el)
    return len(found)


def take_portlet_titles(root, selector) -> list[str]:
    """Remove portlet decorator title bars, returning their texts (the page's section names)."""
    if selector is None:
        return []
    titles = []
    for el in selector(root):
        text = text_of(el)
        if text:
            titles.append(text)
        drop(el)
    return titles


def is_noise_line(text: str) -> bool:
    key = squash(text)
    if not key:
        return True
    if key in _NOISE_KEYS or key.startswith(_NOISE_PREFIX_KEYS):
        return True
    # Several noise phrases glued together: "Skip portletPortlet Menu", "In bài viết Gửi email".
    return _made_of_noise(key) or bool(_PAGER.match(text.strip()))


def _made_of_noise(key: str, depth: int = 0) -> bool:
    if key in _NOISE_KEYS:
        return True
    if depth > 3:
        return False
    return any(key.startswith(n) and _made_of_noise(key[len(n):], depth + 1) for n in _NOISE_KEYS if len(n) > 3)


def is_related_heading(text: str) -> bool:
    key = squash(text.rstrip(":"))
    return key in _RELATED_KEYS


def drop_related_lists(container) -> None:
    """Drop "Các tin khác"/"Tin liên quan" headings and the list of links that follows each."""
    for el in [el for el in container.iter(HEADING_TAGS) if len(el) <= 3]:
        raw = el.text_content()  # cheap length test first: this runs on every small element of the portlet
        if len(raw) > RELATED_HEADING_CHARS or el.getparent() is None or not is_related_heading(raw):
            continue
        box = el.getparent()
        _drop_following_list(el)
        drop(el)
        # A wrapper holding only the heading is the related box: the list may follow the box instead.
        if box is not container and box.getparent() is not None and not text_of(box):
            _drop_following_list(box)
            drop(box)


def _drop_following_list(node) -> None:
    """Drop the link lists after a related heading, and a short placeholder ("Tin đang được cập nhật")."""
    sibling = node.getnext()
    while sibling is not None and (_is_link_list(sibling) or len(text_of(sibling)) <= PLACEHOLDER_CHARS):
        nxt = sibling.getnext()
        drop(sibling)
        sibling = nxt


def _is_link_list(el) -> bool:
    """Mostly link text: a list of other articles, not prose."""
    text = text_of(el)
    if not text:
        return el.tag in ("ul", "ol", "div", "table")
    link_text = sum(len(text_of(a)) for a in el.iter("a"))
    return link_text >= 0.6 * len(text)
