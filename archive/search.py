"""Accent-insensitive full-text search over the archive, on SQLite FTS5 and PostgreSQL.

``search`` runs in two steps on both backends: first the page of article ids (the part whose
plan matters at a million articles), then headline, portal and a highlighted snippet for those
ids only (a snippet costs far more than a match, so it is never computed for rows not shown).

Ordering. ``newest`` walks matches by publication date. ``relevance`` ranks (bm25 on SQLite,
ts_rank on PostgreSQL; the headline weighs most) the ``candidates`` most recent matches:
exact whenever a query has at most that many matches, and bounded in cost when a common word
matches hundreds of thousands of articles, where ranking every hit took seconds
(BENCHMARKS.md, "Search at a million articles", measures the trade-off).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Float, Select, bindparam, column, func, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from .filters import FilterError, Filters
from .fts import FTS_TABLE, PG_VECTOR, has_index
from .models import Article, Portal
from .query import build_query, fold_raw, parse, to_fts5, to_tsquery

SORTS = ("relevance", "newest")
# How many of the most recent matches relevance ranks (see the module docstring).
CANDIDATES = 2000
# bm25 weights per FTS5 column (headline, description, body): a headline hit outranks a body hit.
# PostgreSQL's ts_rank gets the same order from the tsvector's weights A, B, D (migration 0003).
WEIGHTS = (10.0, 3.0, 1.0)
SNIPPET_TOKENS = 12


class SearchError(Exception):
    """A query that cannot run: one line for the user, never a traceback."""


@dataclass(frozen=True)
class Hit:
    id: int
    headline: str
    datePublished: str | None  # noqa: N815 — the Article contract's name
    portal: str | None
    url: str | None
    snippet: str
    score: float  # higher is more relevant

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(engine: Engine, query: str, *, filters: Filters | None = None, limit: int = 20, offset: int = 0,
           sort: str = "relevance", raw: bool = False, candidates: int = CANDIDATES,
           **filter_options: Any) -> list[Hit]:
    """Articles matching ``query``, best first (``sort="relevance"``) or newest first.

    ``filters`` (or the same as keywords: portal, section, author, since, until) narrow the
    articles searched. ``raw``: the engine's own syntax (FTS5, or PostgreSQL's to_tsquery),
    accents still folded; an invalid expression raises ``SearchError``.
    """
    if sort not in SORTS:
        raise SearchError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    try:
        filters = filters or Filters.of(**filter_options)
    except FilterError as exc:
        raise SearchError(str(exc)) from None
    with engine.connect() as conn:
        if not has_index(conn):
            raise SearchError("this archive has no full-text index (upgrade it: open it with portal-archive once)")
        backend = POSTGRES if conn.dialect.name == "postgresql" else SQLITE
        expression = backend.expression(query, raw)
        if expression is None:
            return []  # only operators or punctuation: nothing to look for (the CLI says so first)
        try:
            page = backend.page(conn, expression, filters, sort, max(0, limit), max(0, offset), candidates)
            details = backend.details(conn, expression, [article_id for article_id, _ in page])
        except DBAPIError as exc:
            if raw:
                conn.rollback()
                raise SearchError(f"invalid search query {query!r}: {_first_line(exc.orig)}") from None
            raise
    return [Hit(id=article_id, score=round(float(score or 0.0), 6), **details[article_id])
            for article_id, score in page if article_id in details]


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _by_date(stmt: Select) -> Select:
    return stmt.order_by(Article.date_published_utc.desc().nulls_last(), Article.id.desc())


def _details_columns() -> tuple:
    return (Article.id, Article.headline, Article.date_published, Portal.slug, Article.url)


def _detail(row: Any, snippet: str | None) -> dict[str, Any]:
    return {"headline": row.headline, "datePublished": row.date_published, "portal": row.slug, "url": row.url,
            "snippet": snippet or ""}


# --------------------------------------------------------------------------- SQLite FTS5

class _SQLite:
    """FTS5 external-content index ``articles_fts`` whose rowid is ``articles.id`` (migration 0002)."""

    fts = table(FTS_TABLE, column("rowid"))
    ref = literal_column(FTS_TABLE)

    def expression(self, text: str, raw: bool) -> str | None:
        if raw:
            expression = fold_raw(text).strip()
            if not expression:
                raise SearchError("empty search query")
            return expression
        return build_query(text)

    def _match(self):
        return self.ref.op("MATCH")(bindparam("q"))

    def _matching_ids(self) -> Select:
        return select(self.fts.c.rowid).where(self._match())

    def _newest(self, filters: Filters) -> Select:
        return _by_date(filters.apply(select(Article.id).where(Article.id.in_(self._matching_ids()))))

    def page(self, conn: Connection, expression: str, filters: Filters, sort: str, limit: int, offset: int,
             candidates: int) -> list[tuple[int, float]]:
        params = {"q": expression}
        if sort == "newest":
            rows = conn.execute(self._newest(filters).limit(limit).offset(offset), params).scalars().all()
            if not rows:
                return []
            scores = dict(conn.execute(self._scored(select(self.fts.c.rowid).where(self.fts.c.rowid.in_(rows))),
                                       params).all())
            return [(article_id, scores.get(article_id, 0.0)) for article_id in rows]
        pool = self._newest(filters).limit(candidates).subquery()
        stmt = self._scored(select(self.fts.c.rowid).where(self.fts.c.rowid.in_(select(pool.c.id))))
        return [tuple(r) for r in conn.execute(stmt.order_by(literal_column("score").desc(), self.fts.c.rowid)
                                               .limit(limit).offset(offset), params)]

    def _scored(self, ids: Select) -> Select:
        """``ids`` (rows of the FTS table) with their bm25 relevance, higher is better."""
        return ids.add_columns((-func.bm25(self.ref, *WEIGHTS, type_=Float)).label("score")).where(self._match())

    def details(self, conn: Connection, expression: str, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        snippet = func.snippet(self.ref, 2, "[", "]", "…", SNIPPET_TOKENS).label("snippet")
        stmt = (select(*_details_columns(), snippet).select_from(self.fts)
                .join(Article, Article.id == self.fts.c.rowid).outerjoin(Portal, Portal.id == Article.portal_id)
                .where(self._match(), self.fts.c.rowid.in_(ids)))
        return {r.id: _detail(r, r.snippet) for r in conn.execute(stmt, {"q": expression})}


# --------------------------------------------------------------------------- PostgreSQL

class _Postgres:
    """A generated, weighted tsvector ``articles.search_vector`` with a GIN index (migration 0003)."""

    vector = column(PG_VECTOR)

    def expression(self, text: str, raw: bool) -> str | None:
        if raw:
            expression = fold_raw(text).strip()
            if not expression:
                raise SearchError("empty search query")
            return expression
        query = parse(text)
        return None if query is None else to_tsquery(query)

    def _tsquery(self):
        return func.to_tsquery(literal_column("'vn'::regconfig"), bindparam("q"))

    def _vector(self):
        return literal_column(f"articles.{PG_VECTOR}")

    def _matching(self, filters: Filters, *columns) -> Select:
        return filters.apply(select(Article.id, *columns).where(self._vector().op("@@")(self._tsquery())))

    def _rank(self):
        return func.ts_rank(self._vector(), self._tsquery(), type_=Float).label("score")

    def page(self, conn: Connection, expression: str, filters: Filters, sort: str, limit: int, offset: int,
             candidates: int) -> list[tuple[int, float]]:
        # Ranked after the date-ordered LIMIT: PostgreSQL would otherwise rank every match before sorting.
        newest = sort == "newest"
        pool = (_by_date(self._matching(filters, Article.date_published_utc))
                .limit(limit if newest else candidates).offset(offset if newest else 0).subquery())
        stmt = select(pool.c.id, self._rank()).join(Article, Article.id == pool.c.id)
        if newest:
            stmt = stmt.order_by(pool.c.date_published_utc.desc().nulls_last(), pool.c.id.desc())
        else:
            stmt = stmt.order_by(literal_column("score").desc(), pool.c.id).limit(limit).offset(offset)
        return [tuple(r) for r in conn.execute(stmt, {"q": expression})]

    def details(self, conn: Connection, expression: str, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        options = f"StartSel=[, StopSel=], MinWords={SNIPPET_TOKENS // 2}, MaxWords={SNIPPET_TOKENS * 2}"
        snippet = func.ts_headline(literal_column("'vn'::regconfig"), Article.body, self._tsquery(), options)
        stmt = (select(*_details_columns(), snippet.label("snippet"))
                .outerjoin(Portal, Portal.id == Article.portal_id).where(Article.id.in_(ids)))
        return {r.id: _detail(r, r.snippet) for r in conn.execute(stmt, {"q": expression})}


SQLITE, POSTGRES = _SQLite(), _Postgres()

__all__ = ["CANDIDATES", "Hit", "SORTS", "SearchError", "build_query", "search"]
