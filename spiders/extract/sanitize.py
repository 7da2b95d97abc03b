"""``articleBodyHtml``: the cleaned body as safe HTML (no scripts, handlers, styles or forms)."""

from __future__ import annotations

import copy
import re

import lxml.html
from lxml_html_clean import Cleaner

_CLEANER = Cleaner(
    scripts=True, javascript=True, comments=True, style=True, inline_style=True, links=True, meta=True,
    page_structure=True, processing_instructions=True, embedded=True, frames=True, forms=True,
    annoying_tags=True, remove_unknown_tags=False, safe_attrs_only=True,
    safe_attrs=frozenset({"href", "src", "alt", "title", "colspan", "rowspan", "lang", "dir"}),
)


_BLANK_RUNS = re.compile(r"[ \t]*\n\s*")


def body_html(element, base_url: str | None) -> str:
    """Sanitised copy of ``element`` with absolute links; the tree itself is left as it is."""
    fragment = copy.deepcopy(element)
    fragment.tail = None
    if base_url:
        try:
            fragment.make_links_absolute(base_url, resolve_base_href=False)
        except ValueError:  # a malformed href must not lose the article
            pass
    cleaned = _CLEANER.clean_html(fragment)
    # Templates indent with blank lines and tabs; keep one line break where there were many.
    return _BLANK_RUNS.sub("\n", lxml.html.tostring(cleaned, encoding="unicode")).strip()
