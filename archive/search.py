"""Accent-insensitive full-text search over the archive, on SQLite FTS5 and PostgreSQL.

``search`` runs in two steps on both backends: first the page of article ids (the part whose
plan matters at a million articles), then headline, portal and a highlighted snippet for those
ids only (a snippet costs far more than a match, so it is never computed for rows not shown).

Ordering. ``newest`` walks matches in publication order and stops after a page: SQLite's FTS5
index is keyed by publication time (migration 0004), PostgreSQL has an index in that order
(0005). ``relevance`` ranks a pool, the ``candidates`` most recent matches (reaching further
back when filters leave too few for the page), so a common word costs no more than a rare one.
PostgreSQL ranks the pool with ts_rank_cd over the weighted vector (headline A, description B,
body D; close words count). SQLite ranks it by where the query matches: the headline alone 10,
the description alone 3, its words side by side 2, anywhere 1, newer first among equals; bm25
is kept for --raw queries only, because its first call counts every match of every term in
the whole archive (0.25 s for common words at a million articles). BENCHMARKS.md ("Search at
a million articles") measures both orders against ranking every hit and a LIKE scan.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (Connection, Engine, Float, Select, bindparam, case, column, func, literal_column, null, select,
                        table)
from sqlalchemy.exc import DBAPIError

from .filters import FilterError, Filters, instant
from .fts import FTS_TABLE, KEY_ID_BITS, PG_LEAD_VECTOR, PG_VECTOR, SQLITE_KEY, date_key, has_index
from .models import Article, Portal
from .query import Query, build_query, fold_raw, parse, share_estimate, side_by_side, to_fts5, to_tsquery

SORTS = ("relevance", "newest")
# How many of the most recent matches relevance ranks (see the module docstring): fewer on
# PostgreSQL, where checking a row against its vector costs more than FTS5's walk of its index.
CANDIDATES = {"sqlite": 2000, "postgresql": 500}
# SQLite's weights for a match in the headline, the description, the body (placement scores and
# bm25 alike); PostgreSQL's ts_rank_cd gets the same order from the vector's weights A, B, D (0003).
WEIGHTS = (10.0, 3.0, 1.0)
ADJACENT_WEIGHT = 2.0
# PostgreSQL: headline/description matches score LEAD_BONUS + ts_rank_cd, so they come before
# body-only matches, of which the newest BODY_POOL are ranked when the page needs them.
LEAD_BONUS = 10.0
BODY_POOL = 200  # SQLite: plain words found side by side (query.side_by_side)
SNIPPET_TOKENS = 12
MINUTE = 1 << KEY_ID_BITS  # one minute of publication time in search_key units


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
    score: float | None  # higher is more relevant; None in newest order, which does not rank

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(engine: Engine, query: str, *, filters: Filters | None = None, limit: int = 20, offset: int = 0,
           sort: str = "relevance", raw: bool = False, candidates: int | None = None,
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
        parsed = None if raw else parse(query)
        if not raw and parsed is None:
            return []  # only operators or punctuation: nothing to look for (the CLI says so first)
        expression = _raw_expression(query) if raw else backend.render(parsed)
        try:
            pool = candidates or CANDIDATES[conn.dialect.name]
            page = backend.page(conn, expression, parsed, filters, sort, max(0, limit), max(0, offset), pool)
            details = backend.details(conn, expression, [article_id for article_id, _ in page])
        except DBAPIError as exc:
            if raw:
                conn.rollback()
                raise SearchError(f"invalid search query {query!r}: {_first_line(exc.orig)}") from None
            raise
    return [Hit(id=article_id, score=None if score is None else round(float(score), 6), **details[article_id])
            for article_id, score in page if article_id in details]


def _raw_expression(text: str) -> str:
    """Expert syntax, folded like the index, passed to the engine as typed."""
    expression = fold_raw(text).strip()
    if not expression:
        raise SearchError("empty search query")
    return expression


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
    """FTS5 index ``articles_fts`` whose rowid is ``articles.search_key``: it sorts by publication
    time, so FTS5 itself walks matches newest first and seeks to a date range (migration 0004)."""

    fts = table(FTS_TABLE, column("rowid"))
    ref = literal_column(FTS_TABLE)
    key = literal_column(f"articles.{SQLITE_KEY}")

    render = staticmethod(to_fts5)  # a parsed query as an FTS5 expression

    def _key_range(self, fts, filters: Filters) -> list:
        """The date filters as a range of FTS5 rowids, which FTS5 seeks to instead of testing rows."""
        bounds = []
        if filters.since is not None:
            bounds.append(fts.c.rowid >= date_key(instant(filters.since, "since")))
        if filters.until is not None:  # one minute of slack: Filters.apply holds the exact test
            bounds.append(fts.c.rowid < date_key(instant(filters.until, "until", end=True)) + MINUTE)
        return bounds

    def _matches(self, filters: Filters, *columns) -> Select:
        """Matching articles with the filters, as (id, *columns)."""
        return (filters.apply(select(Article.id, *columns).select_from(self.fts)
                              .join(Article, self.key == self.fts.c.rowid))
                .where(self.ref.op("MATCH")(bindparam("q")), *self._key_range(self.fts, filters)))

    def _bm25(self):
        return (-func.bm25(self.ref, *WEIGHTS, type_=Float)).label("score")

    def page(self, conn: Connection, expression: str, parsed: Query | None, filters: Filters, sort: str,
             limit: int, offset: int, candidates: int) -> list[tuple[int, float]]:
        params = {"q": expression}
        if sort == "newest":  # no score here: bm25's first call counts every match of every term
            newest = self._matches(filters, null()).order_by(self.fts.c.rowid.desc())
            return [tuple(r) for r in conn.execute(newest.limit(limit).offset(offset), params)]
        pool = max(candidates, limit + offset, 1)
        while True:
            floor = self._floor(conn, params, filters, pool)
            # Expert queries may hold column filters of their own, so they keep bm25 (and its cost).
            score = self._bm25() if parsed is None else self._placement(expression, parsed, params, filters, floor)
            ranked = self._matches(filters, score)
            if floor is not None:
                ranked = ranked.where(self.fts.c.rowid >= floor)
            ranked = ranked.order_by(literal_column("score").desc(), self.fts.c.rowid.desc())
            rows = [tuple(r) for r in conn.execute(ranked.limit(limit).offset(offset), params)]
            if floor is None or len(rows) == limit:
                return rows
            pool *= 4  # the filters kept too few of the newest matches: look further back

    def _floor(self, conn: Connection, params: dict, filters: Filters, pool: int) -> int | None:
        """The key of the ``pool``-th newest match, the other filters aside (None: fewer matches);
        FTS5 walks its own index for it, about 0.2 µs a match for a word."""
        stmt = (select(self.fts.c.rowid)
                .where(self.ref.op("MATCH")(bindparam("q")), *self._key_range(self.fts, filters))
                .order_by(self.fts.c.rowid.desc()).limit(1).offset(pool - 1))
        return conn.execute(stmt, params).scalar()

    def _placement(self, expression: str, parsed: Query, params: dict, filters: Filters, floor: int | None):
        """Score a match by where the query matches: 10 when the headline alone matches it, 3 when
        the description alone does, 2 when its words stand side by side, 1 anywhere. Each part is
        one more walk of the index over the pool's key range; newer wins a tie (the ORDER BY)."""
        parts = [(f"{{headline}} : ({expression})", WEIGHTS[0]), (f"{{description}} : ({expression})", WEIGHTS[1])]
        adjacent = side_by_side(parsed)
        if adjacent is not None:
            parts.append((to_fts5(Query(((adjacent,),))), ADJACENT_WEIGHT))
        score = literal_column("1")
        for number, (part, weight) in enumerate(parts):
            only = table(FTS_TABLE, column("rowid")).alias(f"part{number}")
            params[only.name] = part
            # An aliased FTS5 table is matched through its hidden column, named after the table.
            bounds = [*self._key_range(only, filters), *([only.c.rowid >= floor] if floor is not None else [])]
            hits = (select(only.c.rowid)
                    .where(literal_column(f"{only.name}.{FTS_TABLE}").op("MATCH")(bindparam(only.name)), *bounds)
                    .correlate(None))
            score = score + case((self.fts.c.rowid.in_(hits), weight), else_=0)
        return score.label("score")

    def details(self, conn: Connection, expression: str, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        low, high = conn.execute(select(func.min(self.key), func.max(self.key)).select_from(Article)
                                 .where(Article.id.in_(ids))).one()
        snippet = func.snippet(self.ref, 2, "[", "]", "…", SNIPPET_TOKENS).label("snippet")
        # FTS5 seeks a key range cheaply but a list of keys one by one, each a fresh walk of the
        # doclists (seconds for a common word): hand it the range, test the ids on the join.
        stmt = (select(*_details_columns(), snippet).select_from(self.fts)
                .join(Article, self.key == self.fts.c.rowid).outerjoin(Portal, Portal.id == Article.portal_id)
                .where(self.ref.op("MATCH")(bindparam("q")), self.fts.c.rowid.between(low, high),
                       Article.id.in_(ids)))
        return {r.id: _detail(r, r.snippet) for r in conn.execute(stmt, {"q": expression})}


# --------------------------------------------------------------------------- PostgreSQL

class _Postgres:
    """Generated, weighted tsvectors with GIN indexes: ``search_vector`` of the whole text (migration
    0003) and ``lead_vector`` of headline and description (0006)."""

    render = staticmethod(to_tsquery)  # a parsed query as to_tsquery text

    def _tsquery(self):
        return func.to_tsquery(literal_column("'vn'::regconfig"), bindparam("q"))

    def _matches(self, vector: str):
        return literal_column(f"articles.{vector}").op("@@")(self._tsquery())

    def _pool(self, conn: Connection, parsed: Query | None, filters: Filters, vector: str, depth: int,
              *conditions) -> Select:
        """The newest ``depth`` articles whose ``vector`` matches, filtered, as a subquery (id, date)."""
        # The planner guesses a rare word's share from a floor (~1 %), often 100x too high, and would
        # walk the date index through half the archive for it (6.8 s for "Nậm Pồ" at a million):
        # where reading every match through the GIN index is cheaper, say so.
        gin = parsed is not None and self._few_matches(conn, parsed, depth, vector)
        conn.exec_driver_sql(f"SET LOCAL enable_indexscan = {'off' if gin else 'on'}")
        stmt = filters.apply(select(Article.id, Article.date_published_utc).where(self._matches(vector), *conditions))
        return _by_date(stmt).limit(depth)

    def _ranked(self, conn: Connection, params: dict, pool: Select, vector: str, bonus: float) -> list[tuple]:
        """The pool ranked by ts_rank_cd (cover density: close words count) over ``vector``."""
        pool = pool.subquery()
        rank = func.ts_rank_cd(literal_column(f"articles.{vector}"), self._tsquery(), type_=Float) + bonus
        stmt = (select(pool.c.id, rank.label("score")).join(Article, Article.id == pool.c.id)
                .order_by(literal_column("score").desc(), pool.c.date_published_utc.desc().nulls_last(),
                          pool.c.id.desc()))
        return [tuple(r) for r in conn.execute(stmt, params)]

    def page(self, conn: Connection, expression: str, parsed: Query | None, filters: Filters, sort: str,
             limit: int, offset: int, candidates: int) -> list[tuple[int, float]]:
        params = {"q": expression}
        if sort == "newest":
            pool = self._pool(conn, parsed, filters, PG_VECTOR, limit + offset).offset(offset).subquery()
            stmt = select(pool.c.id, null()).order_by(pool.c.date_published_utc.desc().nulls_last(), pool.c.id.desc())
            return [tuple(r) for r in conn.execute(stmt, params)]
        depth = max(candidates, limit + offset)
        if parsed is None:  # expert syntax: one pool over the whole text
            rows = self._ranked(conn, params, self._pool(conn, parsed, filters, PG_VECTOR, depth), PG_VECTOR, 0.0)
            return rows[offset:offset + limit]
        # Headline or description matches first, from the small inline vector (the excluded words
        # must be absent from the body too); then, if the page needs more, body-only matches.
        whole = [self._matches(PG_VECTOR)] if parsed.excluded else []
        rows = self._ranked(conn, params, self._pool(conn, parsed, filters, PG_LEAD_VECTOR, depth, *whole),
                            PG_LEAD_VECTOR, LEAD_BONUS)
        if len(rows) < limit + offset:
            body_only = self._pool(conn, parsed, filters, PG_VECTOR, max(BODY_POOL, limit + offset - len(rows)),
                                   ~self._matches(PG_LEAD_VECTOR))
            rows += self._ranked(conn, params, body_only, PG_VECTOR, 0.0)
        return rows[offset:offset + limit]

    def _few_matches(self, conn: Connection, parsed: Query, depth: int, vector: str) -> bool:
        """Whether reading every match (about rows × share) costs less than walking the date index
        until ``depth`` matches turn up (about depth ÷ share), by the words' shares of articles that
        ANALYZE keeps (pg_stats); a word missing from them is rarer than the rarest it lists."""
        stats = conn.exec_driver_sql(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples FROM pg_stats s "
            "JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = to_regnamespace(s.schemaname) "
            "WHERE s.tablename = 'articles' AND s.attname = %s AND s.schemaname = current_schema()",
            (vector,)).first()
        if stats is None or not stats[0]:
            return False  # never analyzed: leave the choice to the planner
        shares = dict(zip(stats[0], stats[1]))
        share = share_estimate(parsed, lambda word: shares.get(word, 0.0))
        return depth / max(share, 1e-9) > max(stats[2], 1.0) * share

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
