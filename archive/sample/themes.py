"""Sample portal themes: the same content in another skin, for testing how a redesign shows in the archive.

A portal's redesign rarely breaks a crawl outright: pages still answer 200 and articles are still
stored, only without what the extraction rules no longer find. The ``"scripted"`` theme is such a
redesign: publication dates are drawn in the browser by a script from a timestamp attribute (the
HTML carries no date text), and bylines and signatures are gone. ``restyle(response, theme)`` applies
a theme to one answer of the server; ``None`` is the portal as designed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .site import Response

# dd/mm/yyyy with whatever time follows it on the sample's pages: "14/03/2024 | 08:30 AM", "(14/03/2024 08:30 SA)".
DATE_TEXT = re.compile(rb"\d{1,2}/\d{1,2}/\d{4}(?:\s*\|?\s*\d{1,2}:\d{2}(?:\s*(?:AM|PM|SA|CH))?)?")
JS_DATE = b'<span class="js-date" data-ts=""></span>'
# Bylines and end-of-article signatures: right-aligned paragraphs and the author blocks of each template.
SIGNATURE = re.compile(rb'<p[^>]*(?:text-align:\s*right|align="right"|class="news-author")[^>]*>.*?</p>', re.S)


def scripted(body: bytes) -> bytes:
    return DATE_TEXT.sub(JS_DATE, SIGNATURE.sub(b"", body))


THEMES: dict[str, Callable[[bytes], bytes]] = {"scripted": scripted}


def restyle(response: Response, theme: str | None) -> Response:
    """The response in ``theme``: HTML pages only (feeds, sitemaps and files keep their dates)."""
    if theme is None or response.status != 200 or "text/html" not in response.headers.get("Content-Type", ""):
        return response
    return Response(response.status, dict(response.headers), THEMES[theme](response.body), response.delay)


__all__ = ["THEMES", "restyle"]
