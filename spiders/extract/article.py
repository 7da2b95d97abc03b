"""The Article item and its negative, NotAnArticle.

Field names follow the Zyte/schema.org Article schema (see docs/DESIGN.md) so exports
plug into existing tools. Both types are plain dataclasses: extraction stays Scrapy-free,
and pipelines convert them with ``to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Author:
    name: str
    nameRaw: str
    role: str | None = None  # "UVBTV, Trưởng Ban Dân vận Thị ủy": the line under a signature, kept out of the name


@dataclass
class Image:
    url: str
    caption: str | None = None


@dataclass
class Attachment:
    url: str
    name: str
    sha256: str | None = None


@dataclass
class Article:
    url: str | None
    headline: str
    datePublished: str | None = None
    datePublishedRaw: str | None = None
    dateModified: str | None = None
    dateModifiedRaw: str | None = None
    authors: list[Author] = field(default_factory=list)
    articleBody: str = ""
    articleBodyHtml: str = ""
    description: str | None = None
    breadcrumbs: list[dict[str, str | None]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    inLanguage: str | None = None
    canonicalUrl: str | None = None
    portal: str | None = None
    platform: str = "generic"
    metadata: dict[str, Any] = field(default_factory=dict)

    isArticle = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in contract field order, with ``isArticle: true`` first."""
        out: dict[str, Any] = {"isArticle": True}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name in ("authors", "images", "attachments"):
                value = [vars(v).copy() for v in value]
            out[name] = value
        return out


@dataclass
class NotAnArticle:
    """A page that holds no single article: a listing, a home page, a form, an empty page."""

    reason: str
    url: str | None = None
    platform: str = "generic"

    isArticle = False

    def to_dict(self) -> dict[str, Any]:
        return {"isArticle": False, "reason": self.reason, "url": self.url, "platform": self.platform}
