"""The archive's tables as SQLAlchemy 2.0 typed models.

Archives live for years, so the schema is owned by Alembic (``archive/migrations``): these
models are the target that ``versions/*`` must reproduce, and a test compares the two.
Column names stay snake_case; ``Article.to_contract`` turns a row back into the Article
contract's camelCase dict (``store._apply`` does the other direction). ``articles.id`` is an INTEGER PRIMARY KEY on purpose: it is the rowid a
future external-content FTS5 index (``content_rowid='id'``, see VIETNAMESE.md §3.4) points at.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (JSON, BigInteger, CheckConstraint, DateTime, ForeignKey, MetaData, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints: unnamed ones cannot be dropped or altered by later migrations
# (SQLite batch mode and PostgreSQL both need the name).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
RUN_STATUSES = ("running", "finished", "failed", "interrupted")
CAPTURE_TYPES = ("response", "revisit")  # the WARC record types a fetch is written as
FRONTIER_STATES = ("pending", "done")  # a frontier request: not yet processed / its response processed
# The Article contract's fields in its own order (spiders/extract/article.py; a test keeps them in step).
CONTRACT_FIELDS = ("url", "headline", "datePublished", "datePublishedRaw", "dateModified", "dateModifiedRaw",
                   "authors", "articleBody", "articleBodyHtml", "description", "breadcrumbs", "images",
                   "attachments", "inLanguage", "canonicalUrl", "portal", "platform", "metadata")


def utcnow() -> datetime:
    """Aware UTC: PostgreSQL keeps the offset (timestamptz); SQLite stores the UTC wall time."""
    return datetime.now(timezone.utc)


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 with +00:00; SQLite hands back naive datetimes, stored as UTC."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class Portal(Base):
    __tablename__ = "portals"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    base_url: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (CheckConstraint(f"status IN {RUN_STATUSES!r}", name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    # Nullable: one run may span several portals (`crawl --all`); a deleted portal keeps its runs.
    portal_id: Mapped[int | None] = mapped_column(ForeignKey("portals.id", ondelete="SET NULL"), index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # pages, articles_new/changed/unchanged, errors
    settings: Mapped[dict[str, Any] | None]
    portal: Mapped[Portal | None] = relationship()


class Page(Base):
    """One row per fetched URL, updated on every fetch: the conditional-request cache and crawl log."""

    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    identity: Mapped[str | None] = mapped_column(Text, index=True)  # many URLs, one article identity
    status: Mapped[int | None]  # None: no HTTP response (DNS, timeout)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)  # the header as sent, for If-Modified-Since
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    first_fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    error: Mapped[str | None] = mapped_column(Text)


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(Text, unique=True)  # archive/urls.py identity(): one row per article
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    portal_id: Mapped[int | None] = mapped_column(ForeignKey("portals.id", ondelete="SET NULL"), index=True)
    section: Mapped[str | None] = mapped_column(Text, index=True)  # migration 0010: --section reads its values
    headline: Mapped[str] = mapped_column(Text)
    date_published: Mapped[str | None] = mapped_column(Text)  # ISO 8601 with the portal's offset, as given
    # The same instant in UTC: ISO strings with different offsets do not sort chronologically.
    date_published_utc: Mapped[datetime | None] = mapped_column(index=True)
    date_published_raw: Mapped[str | None] = mapped_column(Text)
    date_modified: Mapped[str | None] = mapped_column(Text)
    date_modified_raw: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # Extracted values are Text, not String(n): PostgreSQL would reject an over-long one and lose the item.
    language: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(Text)
    breadcrumbs: Mapped[list[Any]] = mapped_column(default=list)
    images: Mapped[list[Any]] = mapped_column(default=list)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)  # `metadata` is taken by Declarative
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    current_version: Mapped[int] = mapped_column(default=1)

    portal: Mapped[Portal | None] = relationship()
    authors: Mapped[list[ArticleAuthor]] = relationship(
        order_by="ArticleAuthor.position", cascade="all, delete-orphan", passive_deletes=True)
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.position", cascade="all, delete-orphan", passive_deletes=True)
    versions: Mapped[list[ArticleVersion]] = relationship(
        order_by="ArticleVersion.version", cascade="all, delete-orphan", passive_deletes=True, lazy="raise")

    def to_contract(self) -> dict[str, Any]:
        """The Article contract dict, then the archive's own keys (id, identity, section, seen dates)."""
        values = {
            "url": self.url, "headline": self.headline, "datePublished": self.date_published,
            "datePublishedRaw": self.date_published_raw, "dateModified": self.date_modified,
            "dateModifiedRaw": self.date_modified_raw,
            "authors": [{"name": x.author.name, "nameRaw": x.name_raw, "role": x.role} for x in self.authors],
            "articleBody": self.body, "articleBodyHtml": self.body_html, "description": self.description,
            "breadcrumbs": self.breadcrumbs, "images": self.images,
            "attachments": [{"url": x.url, "name": x.name, "sha256": x.sha256} for x in self.attachments],
            "inLanguage": self.language, "canonicalUrl": self.canonical_url,
            "portal": self.portal.slug if self.portal else None, "platform": self.platform, "metadata": self.meta,
        }
        return {**{k: values[k] for k in CONTRACT_FIELDS}, "id": self.id, "identity": self.identity,
                "section": self.section, "firstSeen": iso_utc(self.first_seen), "lastSeen": iso_utc(self.last_seen)}


class ArticleVersion(Base):
    """A snapshot taken only when the content hash changes; old snapshots are never rewritten."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    fields: Mapped[dict[str, Any]]  # the whole Article dict as stored, so any version can be shown or diffed
    # The fetch this version was extracted from (migration 0007); None before captures existed.
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"), index=True)


class ArticleAuthor(Base):
    __tablename__ = "article_authors"
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)  # byline order matters
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(Text)  # per article: a person changes posts over the years
    name_raw: Mapped[str | None] = mapped_column(Text)
    author: Mapped[Author] = relationship(lazy="joined")


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))  # set once the file is downloaded
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"), index=True)


class Capture(Base):
    """One WARC record written for a fetched response: a full ``response`` or a ``revisit`` of an earlier one.

    ``warc_file`` is relative to WARC_DIR, so the directory can move; offset and length are those of
    the record's gzip member in the file (what CDXJ calls offset and length).
    """

    __tablename__ = "captures"
    __table_args__ = (CheckConstraint(f"record_type IN {CAPTURE_TYPES!r}", name="record_type"),
                      UniqueConstraint("warc_file", "warc_offset"))
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(Text, index=True)  # WARC-Target-URI
    record_type: Mapped[str] = mapped_column(String(16))
    warc_file: Mapped[str] = mapped_column(Text)
    warc_offset: Mapped[int] = mapped_column(BigInteger)  # files rotate near 1 GB, but WARC_MAX_SIZE may be larger
    warc_length: Mapped[int] = mapped_column(BigInteger)
    record_id: Mapped[str] = mapped_column(Text)  # WARC-Record-ID, "<urn:uuid:…>"
    payload_digest: Mapped[str] = mapped_column(Text)  # WARC-Payload-Digest, "sha256:<hex>"
    status: Mapped[int | None]
    fetched_at: Mapped[datetime]  # WARC-Date
    # A revisit's original response; the original's payload is the one to read.
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))


class FrontierRequest(Base):
    """A request a crawl enqueued (migration 0008): what a crawl killed outright resumes from.

    Rows exist only while a portal's crawl is unfinished: the run that finishes deletes its portals'
    rows (archive/frontier.py). Keyed by slug, not portals.id: a run may enqueue before its portal's row exists.
    """

    __tablename__ = "frontier"
    __table_args__ = (CheckConstraint(f"state IN {FRONTIER_STATES!r}", name="state"),
                      UniqueConstraint("portal", "fingerprint"))
    id: Mapped[int] = mapped_column(primary_key=True)
    portal: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))  # Scrapy's request fingerprint, hex
    url: Mapped[str] = mapped_column(Text)
    callback: Mapped[str | None] = mapped_column(String(100))  # the spider method's name; None: the spider's parse
    priority: Mapped[int]
    request: Mapped[dict[str, Any]]  # the rest of what rebuilds the request: method, headers, body, meta, cb_kwargs…
    state: Mapped[str] = mapped_column(String(8), default="pending")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
