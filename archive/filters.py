"""The article filters every reading command shares: portal, section, author, date range.

``search``, ``export`` and ``stats`` take the same options and mean the same thing by them,
so they are parsed and turned into SQL here, once. Text filters ignore accents and case with
``vn_fold``, a SQL function on both backends (registered per connection on SQLite by
``archive.db``; created by migration 0003 on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, func, select, text

from .models import Article, ArticleAuthor, Author, Portal
from .text_fold import fold


class FilterError(ValueError):
    """A filter value that cannot be used: one line for the user."""


@dataclass(frozen=True)
class Filters:
    """``portal``: a slug. ``section`` and ``author``: part of the name, accents and case ignored.
    ``since``/``until``: ISO dates, both inclusive, on the UTC publication instant."""

    portal: str | None = None
    section: str | None = None
    author: str | None = None
    since: str | date | None = None
    until: str | date | None = None
    # The archive's section names that ``section`` matches, once ``resolve`` has looked them up.
    sections: tuple[str, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:  # fail before any query runs
        for name in ("since", "until"):
            if getattr(self, name) is not None:
                instant(getattr(self, name), name)

    @classmethod
    def of(cls, **options: Any) -> Filters:
        """The filters among keyword options (the CLI passes all of its options)."""
        return cls(**{f.name: options.get(f.name) for f in fields(cls)})

    def resolve(self, conn: Connection) -> Filters:
        """The same filters with the section names they match looked up once, so ``apply`` filters
        with ``section IN (names)`` (an index lookup, migration 0010) instead of folding every row's
        section. Archives with very many distinct sections keep the row test."""
        if not self.section or self.sections is not None:
            return self
        names = section_names(conn)
        if names is None:
            return self
        wanted = fold(self.section).strip()
        return replace(self, sections=tuple(name for name in names if wanted in fold(name)))

    def apply(self, stmt: Select) -> Select:
        """``stmt`` narrowed to matching articles; it must select from ``articles`` (joined or not)."""
        if self.portal:
            stmt = stmt.where(Article.portal_id.in_(Portal.__table__.select()
                                                    .with_only_columns(Portal.id).where(Portal.slug == self.portal)))
        if self.sections is not None:
            stmt = stmt.where(Article.section.in_(self.sections))
        elif self.section:
            stmt = stmt.where(func.vn_fold(Article.section).like(contains_pattern(self.section), escape="\\"))
        if self.author:
            # The matching authors are found once (a few thousand names), then each article is a
            # primary-key probe of its bylines, instead of folding every byline of every article.
            stmt = stmt.where(exists().where(and_(ArticleAuthor.article_id == Article.id,
                                                  ArticleAuthor.author_id.in_(author_ids(self.author)))))
        if self.since is not None:
            stmt = stmt.where(Article.date_published_utc >= instant(self.since, "since"))
        if self.until is not None:
            stmt = stmt.where(Article.date_published_utc < instant(self.until, "until", end=True))
        return stmt


def author_ids(name: str) -> Select:
    """The ids of the authors whose name contains ``name``, accents and case ignored."""
    return select(Author.id).where(func.vn_fold(Author.name).like(contains_pattern(name), escape="\\"))


# Beyond this many distinct sections, reading them all costs more than testing rows.
MAX_SECTIONS = 5000
# A loose index scan: from each section name, the next one is a single probe of ix_articles_section,
# so reading the distinct names costs one probe per name, not a pass over every article.
_SECTION_NAMES = text(
    "WITH RECURSIVE names(section, n) AS ("
    " SELECT (SELECT min(section) FROM articles), 1"
    " UNION ALL SELECT (SELECT min(section) FROM articles WHERE section > names.section), n + 1"
    " FROM names WHERE names.section IS NOT NULL AND n <= :most)"
    " SELECT section FROM names WHERE section IS NOT NULL")


def section_names(conn: Connection) -> list[str] | None:
    """Every distinct section name in the archive; None when there are more than MAX_SECTIONS."""
    names = list(conn.execute(_SECTION_NAMES, {"most": MAX_SECTIONS}).scalars())
    return None if len(names) > MAX_SECTIONS else names


def contains_pattern(text: str) -> str:
    """A LIKE pattern for "contains ``text``", folded, with LIKE's wildcards escaped (escape="\\")."""
    escaped = fold(text).strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def instant(value: str | date, name: str, end: bool = False) -> datetime:
    """An ISO date (or date-time) as an aware UTC instant; ``end``: the day after a bare date."""
    if isinstance(value, (date, datetime)):
        parsed: date | datetime = value
    else:
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise FilterError(f"--{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    if isinstance(parsed, datetime):
        return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    start = datetime.combine(parsed, time(), tzinfo=timezone.utc)
    return start + timedelta(days=1) if end else start


__all__ = ["FilterError", "Filters", "author_ids", "contains_pattern", "instant", "section_names"]
