"""The archive's storage API: runs, fetched pages, articles and their versions.

The crawler's store pipeline and the CLI both go through ``Archive``; neither touches the
models directly. Every writing call is its own transaction, so a crash loses at most the
item in flight, and each call also adds to its run's counts so that an interrupted run
still shows what it did. Articles go in and come out as Article contract dicts
(docs/DESIGN.md): dict -> columns here (``_apply``), columns -> dict in ``Article.to_contract``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Engine, case, func, literal, literal_column, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, selectinload

from .captures import CaptureStore, known_files
from .db import BEGIN_OPTION, make_engine, upgrade
from .filters import Filters
from .models import (CONTRACT_FIELDS, RUN_STATUSES, Article, ArticleAuthor, ArticleVersion, Attachment, Author,
                     CrawlRun, Page, Portal, iso_utc, utcnow)
from .resume import ResumeStore, mark_done
from .text_fold import fold

DEFAULT_URL = "sqlite:///archive.db"
COUNT_KEYS = ("pages", "articles_new", "articles_changed", "articles_unchanged", "errors")
# The text fields a version is made of (with the authors' names and the attachments' URLs): content_hash's.
CONTENT_FIELDS = ("headline", "datePublished", "dateModified", "description", "articleBody")


def content_hash(article: dict[str, Any]) -> str:
    """SHA-256 over what a reader would call the content, whitespace-collapsed.

    Leaves out dateDownloaded, fieldSources and the HTML, so re-extracting the same page, or
    an extractor that only re-splits paragraphs, gives "unchanged", not a new version.
    Changing this function makes every article "changed" once on its next crawl.
    """
    def norm(value: Any) -> str:
        return " ".join(str(value).split()) if value else ""

    payload = [norm(article.get(key)) for key in CONTENT_FIELDS]
    payload.append([norm(a.get("name")) for a in article.get("authors") or []])
    payload.append([norm(a.get("url")) for a in article.get("attachments") or []])
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


class Archive(CaptureStore, ResumeStore):
    """An open archive. ``with Archive.open(url) as archive: ...``"""

    def __init__(self, engine: Engine):
        self.engine = engine
        # Writers take SQLite's write lock at BEGIN, so they wait (busy_timeout) instead of failing.
        self._write_engine = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})

    @classmethod
    def open(cls, url: str = DEFAULT_URL) -> Archive:
        """Open or create the archive at a SQLAlchemy URL and bring its schema up to date."""
        _make_parent_folder(url)
        engine = make_engine(url)
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    # -- runs and pages ----------------------------------------------------------------------

    def start_run(self, portal_slug: str | None = None, settings: dict[str, Any] | None = None) -> int:
        with self._writing() as s:
            run = CrawlRun(portal=_portal(s, portal_slug), settings=settings, counts=dict.fromkeys(COUNT_KEYS, 0))
            s.add(run)
            s.flush()
            return run.id

    def finish_run(self, run_id: int, status: str = "finished", counts: dict[str, int] | None = None) -> None:
        """Close a run; ``counts`` (e.g. Scrapy stats) override the tallies kept item by item."""
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"a run finishes as one of {RUN_STATUSES[1:]}, not {status!r}")
        with self._writing() as s:
            run = _run(s, run_id, lock=True)
            run.status, run.finished_at = status, utcnow()
            run.counts = {**run.counts, **(counts or {})}

    def record_page(self, run_id: int | None, url: str, identity: str | None, status: int | None,
                    etag: str | None = None, last_modified: str | None = None,
                    content_sha256: str | None = None, error: str | None = None) -> None:
        """Log a fetch. A 2xx sets the validators; a 304 or an error keeps the last good ones."""
        fresh = status is not None and 200 <= status < 300
        failed = error is not None or status is None or status >= 400
        with self._writing() as s:
            page = _get_or_insert(s, Page, url=url)
            page.status, page.error, page.run_id, page.fetched_at = status, error, run_id, utcnow()
            page.identity = identity or page.identity
            for name, value in (("etag", etag), ("last_modified", last_modified), ("content_sha256", content_sha256)):
                if fresh or value is not None:
                    setattr(page, name, value)
            _bump(s, run_id, pages=1, errors=int(failed))

    def get_page(self, url: str) -> dict[str, Any] | None:
        """What the crawler needs for a conditional request (If-None-Match / If-Modified-Since)."""
        with Session(self.engine) as s:
            page = s.scalar(select(Page).where(Page.url == url))
            return None if page is None else _page_dict(page)

    def page_with_validators(self, url: str, identity: str) -> dict[str, Any] | None:
        """The page whose validators re-validate ``url``: its own, else those of the latest fetch of the same
        identity under another URL (a WebSphere state variant, a language copy, a redirect's target). A server
        compares them with its own, so a foreign validator costs at worst a full answer, never a wrong 304."""
        validated = (Page.etag.is_not(None)) | (Page.last_modified.is_not(None))
        with Session(self.engine) as s:
            page = s.scalars(select(Page).where((Page.url == url) | (Page.identity == identity), validated)
                             .order_by((Page.url == url).desc(), Page.fetched_at.desc()).limit(1)).first()
            return None if page is None else _page_dict(page)

    def runs(self, limit: int = 20, before: int | None = None) -> list[dict[str, Any]]:
        """The latest runs (or the latest that started before run ``before``), newest first."""
        stmt = select(CrawlRun).options(selectinload(CrawlRun.portal)).order_by(CrawlRun.id.desc()).limit(limit)
        if before is not None:
            stmt = stmt.where(CrawlRun.id < before)
        with Session(self.engine) as s:
            return [_run_dict(r) for r in s.scalars(stmt)]

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One run as ``runs`` lists it, or None."""
        with Session(self.engine) as s:
            row = s.get(CrawlRun, run_id, options=[selectinload(CrawlRun.portal)])
            return _run_dict(row) if row else None

    def run_failures(self, run_id: int) -> list[tuple[str, str]]:
        """``(url, error)`` of each page whose latest fetch, in this run, failed."""
        with Session(self.engine) as s:
            return [tuple(row) for row in s.execute(
                select(Page.url, Page.error).where(Page.run_id == run_id, Page.error.is_not(None)).order_by(Page.id))]

    def run_coverage(self, run_id: int) -> dict[str, dict[str, int]]:
        """Per portal: the articles the run stored or saw again (``last_seen`` since it started) and how
        many of them have a headline, datePublished, articleBody and authors (archive/coverage.py)."""
        started = select(CrawlRun.started_at).where(CrawlRun.id == run_id).scalar_subquery()
        has_author = select(ArticleAuthor.article_id).where(ArticleAuthor.article_id == Article.id).exists()
        filled = [func.count(func.nullif(column, "")) for column in (Article.headline, Article.date_published, Article.body)]
        stmt = (select(Portal.slug, func.count(), *filled, func.coalesce(func.sum(case((has_author, 1), else_=0)), 0))
                .join(Portal, Article.portal_id == Portal.id).where(Article.last_seen >= started).group_by(Portal.slug))
        keys = ("articles", "headline", "datePublished", "articleBody", "authors")
        with Session(self.engine) as s:
            return {slug: dict(zip(keys, numbers)) for slug, *numbers in s.execute(stmt)}

    def portals_with_articles(self, slugs: list[str]) -> set[str]:
        """Which of these portals already have an article in the archive."""
        stmt = select(Portal.slug).where(Portal.slug.in_(slugs), select(Article.id).where(Article.portal_id == Portal.id).exists())
        with Session(self.engine) as s:
            return set(s.scalars(stmt))

    def ensure_portal(self, slug: str, **fields: str | None) -> None:
        """Create or update a portal from the registry (base_url, platform, timezone, language)."""
        unknown = set(fields) - {"base_url", "platform", "timezone", "language"}
        if unknown:
            raise TypeError(f"unknown portal fields: {sorted(unknown)}")
        with self._writing() as s:
            portal = _portal(s, slug)
            for name, value in fields.items():
                if value is not None:
                    setattr(portal, name, value)

    # -- articles ----------------------------------------------------------------------------

    def store_article(self, run_id: int | None, article: dict[str, Any], identity: str,
                      portal_slug: str | None = None, section: str | None = None, capture_id: int | None = None,
                      page_done: tuple[str, str] | None = None) -> str:
        """Store one extracted Article dict under its identity: "new", "changed" or "unchanged".

        ``capture_id``: the captures row of the response the article was extracted from; a new version points at it.
        ``page_done``: (portal, fingerprint) of that response's frontier request, marked done in the same
        transaction: a crash leaves the article stored and its page done, or neither (archive/resume.py).

        "changed" adds a version and updates the current fields; the old version row stays.
        "unchanged" only moves ``last_seen``: the stored fields remain those of the version.
        """
        digest, now = content_hash(article), utcnow()
        with self._writing() as s:
            if run_id is not None:  # an unknown run fails before any write
                _run(s, run_id)
            row = _claimed_article(s, identity, now)
            result = "new" if row.current_version == 0 else "unchanged" if row.content_hash == digest else "changed"
            row.last_seen = now
            if result != "unchanged":
                slug = portal_slug or article.get("portal")
                row.content_hash, row.current_version = digest, row.current_version + 1
                _apply(s, row, article, slug, section)
                s.flush()
                s.add(ArticleVersion(article_id=row.id, version=row.current_version, content_hash=digest,
                                     captured_at=now, run_id=run_id, fields={**article, "portal": slug},
                                     capture_id=capture_id))
            if page_done is not None:
                mark_done(s, {page_done[0]: [page_done[1]]}, now)
            _bump(s, run_id, **{f"articles_{result}": 1})
            return result

    def get_article(self, key: int | str) -> dict[str, Any] | None:
        """One article by id, identity, URL or canonical URL, with ``versions``: how many are kept."""
        with Session(self.engine) as s:
            row = _find_article(s, key)
            if row is None:
                return None
            count = s.scalar(select(func.count()).where(ArticleVersion.article_id == row.id))
            return {**row.to_contract(), "versions": count}

    def get_versions(self, article_id: int) -> list[dict[str, Any]]:
        """Every kept version, oldest first, each with the full Article dict as it was captured."""
        with Session(self.engine) as s:
            rows = s.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article_id)
                             .order_by(ArticleVersion.version))
            return [{"version": v.version, "contentHash": v.content_hash, "capturedAt": iso_utc(v.captured_at),
                     "runId": v.run_id, "fields": v.fields} for v in rows]

    def iter_articles(self, batch: int = 500, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        """Every article (or those ``filters`` keep) as a contract dict, streamed in id order (for ``export``)."""
        stmt = (select(Article).order_by(Article.id).execution_options(yield_per=batch)
                .options(selectinload(Article.authors), selectinload(Article.attachments),
                         selectinload(Article.portal)))
        if filters is not None:
            stmt = filters.apply(stmt)
        with Session(self.engine) as s:
            for row in s.scalars(stmt):
                yield row.to_contract()

    def count_articles(self) -> int:
        with Session(self.engine) as s:
            return s.scalar(select(func.count()).select_from(Article)) or 0

    # -- incremental crawls ------------------------------------------------------------------

    def article_identities(self, prefix: str = "", first_seen_before: datetime | None = None) -> set[str]:
        """The identities of stored articles that start with ``prefix`` (a portal's ``host/``): what a
        repeat crawl already knows, so it re-validates these and stops paging through lists of them.
        ``first_seen_before``: only those known then (a resumed crawl knows what its first part knew)."""
        stmt = select(Article.identity).where(Article.identity.startswith(prefix, autoescape=True))
        if first_seen_before is not None:
            stmt = stmt.where(Article.first_seen < first_seen_before)
        with Session(self.engine) as s:
            return set(s.scalars(stmt))

    def touch_article(self, run_id: int | None, identity: str) -> str | None:
        """Record that the portal answered "304 Not Modified" for a stored article: "unchanged" (only
        ``last_seen`` moves, as in ``store_article``), or None when no article has that identity."""
        with self._writing() as s:
            row = s.scalar(select(Article).where(Article.identity == identity))
            if row is None:
                return None
            row.last_seen = utcnow()
            _bump(s, run_id, articles_unchanged=1)
            return "unchanged"


# -- helpers: each runs inside the caller's transaction --------------------------------------

def _make_parent_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and not parsed.database.startswith("file:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _portal(s: Session, slug: str | None) -> Portal | None:
    """Portals are created on first use; the registry can fill in the rest later (ensure_portal)."""
    if not slug:
        return None
    return _get_or_insert(s, Portal, slug=slug)


def _run(s: Session, run_id: int, lock: bool = False) -> CrawlRun:
    run = s.get(CrawlRun, run_id, with_for_update=lock)
    if run is None:
        raise KeyError(f"no crawl run {run_id}")
    return run


def _run_dict(r: CrawlRun) -> dict[str, Any]:
    return {"id": r.id, "status": r.status, "portal": r.portal.slug if r.portal else None,
            "startedAt": iso_utc(r.started_at), "finishedAt": iso_utc(r.finished_at),
            "counts": r.counts, "settings": r.settings}


def _page_dict(page: Page) -> dict[str, Any]:
    return {"url": page.url, "identity": page.identity, "status": page.status, "etag": page.etag,
            "lastModified": page.last_modified, "contentSha256": page.content_sha256,
            "fetchedAt": iso_utc(page.fetched_at), "error": page.error}


def _bump(s: Session, run_id: int | None, **increments: int) -> None:
    """Add to the run's counts, in the caller's transaction and as its last statement.

    Several processes write into one run (distributed workers), so the counts are one atomic UPDATE
    that adds in SQL, never a read-modify-write of the JSON in Python; and it comes last, so the run's
    row is locked only while the transaction commits: writers do not queue behind each other for
    their whole transaction, and no writer holding the run's row ever waits for another row (no
    deadlock)."""
    if run_id is None:  # storing outside a crawl, e.g. an import
        return
    s.flush()  # the transaction's other writes first: the run's row is the last one it locks
    s.execute(update(CrawlRun).where(CrawlRun.id == run_id)
              .values(counts=_added(s.get_bind().dialect.name, increments))
              .execution_options(synchronize_session=False))
    loaded = s.identity_map.get(s.identity_key(CrawlRun, run_id))
    if loaded is not None:  # the session's copy is stale now
        s.expire(loaded, ["counts"])


def _added(dialect: str, increments: dict[str, int]):
    """SQL for ``crawl_runs.counts`` with each count of ``increments`` added (a missing count is 0)."""
    if dialect == "postgresql":
        pairs = [x for key, n in increments.items()
                 for x in (literal(key), func.coalesce(text(f"(crawl_runs.counts->>'{key}')::bigint"), 0) + n)]
        added = func.jsonb_build_object(*pairs)
        return literal_column("crawl_runs.counts::jsonb").op("||")(added).cast(JSON)
    args = [x for key, n in increments.items()
            for x in (literal(f"$.{key}"), func.coalesce(func.json_extract(CrawlRun.counts, f"$.{key}"), 0) + n)]
    return func.json_set(CrawlRun.counts, *args)


def _apply(s: Session, row: Article, a: dict[str, Any], slug: str | None, section: str | None) -> None:
    """Copy an Article dict onto the row: the current fields of a new version."""
    row.url, row.canonical_url, row.headline = a.get("url"), a.get("canonicalUrl"), a.get("headline") or ""
    row.date_published, row.date_published_raw = a.get("datePublished"), a.get("datePublishedRaw")
    row.date_published_utc = _utc(a.get("datePublished"))
    row.date_modified, row.date_modified_raw = a.get("dateModified"), a.get("dateModifiedRaw")
    row.description, row.body, row.body_html = a.get("description"), a.get("articleBody") or "", \
        a.get("articleBodyHtml") or ""
    row.language, row.platform = a.get("inLanguage"), a.get("platform")
    row.breadcrumbs, row.images, row.meta = list(a.get("breadcrumbs") or []), list(a.get("images") or []), \
        dict(a.get("metadata") or {})
    row.portal = _portal(s, slug) or row.portal
    row.section = section or section_of(row.breadcrumbs, row.headline) or row.section
    authors = [x for x in a.get("authors") or [] if x.get("name")]
    # New names are inserted in one order, whatever the byline's: two writers each inserting the name the
    # other is about to insert would wait for each other (a deadlock) if one went A, B and the other B, A.
    by_name = {name: _author(s, name) for name in sorted({x["name"] for x in authors})}
    row.authors = [ArticleAuthor(position=i, author=by_name[x["name"]], role=x.get("role"),
                                 name_raw=x.get("nameRaw")) for i, x in enumerate(authors)]
    files = [x for x in a.get("attachments") or [] if x.get("url")]
    known = known_files(s, row.attachments, [x["url"] for x in files])  # a downloaded file's digest survives a re-crawl
    row.attachments = [Attachment(position=i, url=x["url"], name=x.get("name"),
                                  sha256=x.get("sha256") or known.get(x["url"], (None, None))[0],
                                  capture_id=known.get(x["url"], (None, None))[1]) for i, x in enumerate(files)]


def section_of(breadcrumbs: list[Any], headline: str) -> str | None:
    """The portal section an article sits in: its deepest breadcrumb that is neither the article
    itself nor the home page ("Trang chủ > Tin tức > Tin trong tỉnh > <headline>" → "Tin trong tỉnh")."""
    names = [c.get("name") if isinstance(c, dict) else c for c in breadcrumbs]
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    if names and fold(names[-1]) == fold(headline):
        names.pop()
    return names[-1] if len(names) > 1 else None  # a lone crumb is the home page


def _author(s: Session, name: str) -> Author:
    return _get_or_insert(s, Author, name=name)


def _claimed_article(s: Session, identity: str, now: datetime) -> Article:
    """The article row of ``identity``, locked until the transaction ends; a new one (``current_version``
    0, empty fields) when the identity is new. Concurrent stores of one identity (distributed workers)
    thus queue on its row and the second sees the first's version: one row, no lost version."""
    placeholder = {"first_seen": now, "last_seen": now, "current_version": 0, "headline": "", "body": "",
                   "body_html": "", "content_hash": ""}
    return _get_or_insert(s, Article, lock=True, identity=identity, **placeholder)


def _get_or_insert(s: Session, model, lock: bool = False, **values: Any):
    """The row whose unique key (the first keyword) has this value, inserted with ``values`` if missing.

    ``INSERT … ON CONFLICT DO NOTHING`` then ``SELECT``: two processes inserting the same key at once
    both get the one row, where select-then-insert gives one of them an IntegrityError (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers, and the same statement works there too).
    """
    (key, value), *_ = values.items()
    query = select(model).where(getattr(model, key) == value)
    if lock:
        query = query.with_for_update()
    row = s.scalar(query)
    if row is None:
        s.execute(_dialect_insert(s)(model).values(**values).on_conflict_do_nothing(index_elements=[key]))
        row = s.scalar(query)
    return row


def _dialect_insert(s: Session):
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _find_article(s: Session, key: int | str) -> Article | None:
    if isinstance(key, int):
        return s.get(Article, key)
    row = s.scalar(select(Article).where(Article.identity == key))
    if row is None and key.isdigit():
        row = s.get(Article, int(key))
    if row is None:  # URL lookups scan: the CLI should pass urls.identity(URL) first
        row = s.scalars(select(Article).where((Article.url == key) | (Article.canonical_url == key))).first()
    return row


def _utc(iso: str | None) -> datetime | None:
    """datePublished as a UTC instant for sorting; None when absent, unparseable or without offset."""
    if not iso:
        return None
    try:
        value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.astimezone(timezone.utc) if value.tzinfo else None  # a naive time's zone is unknown



__all__ = ["Archive", "CONTENT_FIELDS", "CONTRACT_FIELDS", "COUNT_KEYS", "DEFAULT_URL", "content_hash"]
