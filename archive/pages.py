"""Reading saved pages from disk for ``portal-archive extract``.

Saved pages come from browsers, HTTrack mirrors and the evaluation corpus, each of which
records the page's address differently; the extractor needs it to resolve links and to
tell an article URL from a section URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

MAX_PAGE_BYTES = 50 * 1024 * 1024  # larger than any real portal page; beyond it a file is refused, not parsed
_MIRRORED = re.compile(rb"<!--\s*Mirrored from\s+(\S+)\s+by HTTrack", re.I)
_CANONICAL = re.compile(rb"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)", re.I)


def read_page(path: Path) -> bytes:
    """The page's bytes; ValueError with a clear message for what is not a page."""
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise ValueError(f"file is {size / 1e6:.0f} MB, over the {MAX_PAGE_BYTES // 2**20} MiB limit for one page")
    return path.read_bytes()


def page_url_from_meta(path: Path, raw: bytes) -> str | None:
    """meta.json beside the page (corpus layout), else the canonical link, else HTTrack's mirror comment."""
    meta = path.with_name("meta.json")
    if meta.is_file():
        try:
            url = json.loads(meta.read_text(encoding="utf-8")).get("url")
        except (ValueError, OSError, AttributeError):
            url = None
        if isinstance(url, str) and url:
            return url
    head = raw[:200_000]
    for pattern in (_CANONICAL, _MIRRORED):
        match = pattern.search(head)
        if match:
            url = match.group(1).decode("utf-8", "replace")
            return url if "://" in url else "https://" + url
    return None
