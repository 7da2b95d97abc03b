"""Page-level metadata: <title>, Open Graph, JSON-LD, canonical link, language.

Stock Liferay 6.x prints no article meta and 7.x only ``og:*`` with ``og:type=website``
(docs/PLATFORMS.md §1.5), so these are fallbacks in the cascade, never overrides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml.cssselect import CSSSelector

from .blocks import text_of

_META = CSSSelector("meta[property], meta[name], meta[itemprop]")
_JSONLD = CSSSelector("script[type='application/ld+json']")
_CANONICAL = CSSSelector("link[rel='canonical']")
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "webpage"}


@dataclass
class PageMeta:
    title: str = ""
    lang: str | None = None
    canonical: str | None = None
    tags: dict[str, str] = field(default_factory=dict)      # og:title, description, article:published_time …
    jsonld: dict = field(default_factory=dict)               # the first Article-like JSON-LD object

    def get(self, *names: str) -> str | None:
        for name in names:
            value = self.jsonld_value(name[3:]) if name.startswith("ld:") else self.tags.get(name)
            if value:
                return value
        return None

    def jsonld_value(self, key: str) -> str | None:
        value = self.jsonld.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name")
        return value if isinstance(value, str) else None


def read_meta(root) -> PageMeta:
    """Read before cleaning: cleaning removes <head> and <script>."""
    title_el = root.find(".//title")
    html_el = root if root.tag == "html" else root.getroottree().getroot()
    meta = PageMeta(title=text_of(title_el) if title_el is not None else "", lang=html_el.get("lang"))
    for el in _META(root):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in meta.tags:
            meta.tags[key] = content
    canonical = _CANONICAL(root)
    if canonical:
        meta.canonical = canonical[0].get("href")
    meta.jsonld = _article_jsonld(root)
    return meta


def _article_jsonld(root) -> dict:
    for script in _JSONLD(root):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        for obj in _objects(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                return obj
    return {}


def _objects(data):
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph", []))
