"""Accent-insensitive full-text search over the archive, on SQLite FTS5 and PostgreSQL.

``search`` runs in two steps on both backends: first the page of article ids (the part whose
plan matters at a million articles), then headline, portal and a highlighted snippet for those
ids only (a snippet costs far more than a match, so it is never computed for rows not shown).

Ordering. ``newest`` walks matches in publication order and stops after a page: SQLite's FTS5
index is keyed by publication time (migration 0004), PostgreSQL has an index in that order
(0005, and 0011 carrying what a relevance pool tests). ``relevance`` ranks a pool, the
``candidates`` most recent matches (reaching further back when filters leave too few for the
page), so a common word costs no more than a rare one.
PostgreSQL ranks the pool with ts_rank_cd over the weighted vector (headline A, description B,
body D; close words count). SQLite ranks it by where the query matches: the headline alone 10,
the description alone 3, its words side by side 2, anywhere 1, newer first among equals; bm25
is kept for --raw queries only, because its first call counts every match of every term in
the whole archive (0.25 s for common words at a million articles). BENCHMARKS.md ("Search at
a million articles") measures both orders against ranking every hit and a LIKE scan.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import cached_property
from typing import Any

from sqlalchemy import (ARRAY, Connection, Engine, Float, Integer, Select, any_, bindparam, case, column, func,
                        literal_column, null, or_, select, table)
from sqlalchemy.exc import DBAPIError

from .filters import FilterError, Filters, author_ids, instant
from .fts import FTS_TABLE, KEY_ID_BITS, PG_LEAD_VECTOR, PG_VECTOR, SQLITE_KEY, date_key, has_index
from .models import Article, ArticleAuthor, Portal
from .query import Query, anchor, build_query, fold_raw, parse, share_estimate, side_by_side, to_fts5, to_tsquery

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
BODY_POOL = 200
# PostgreSQL pools (_Postgres._plan). Costs measured at a million articles, µs: testing a row met
# walking the newest-first index (the lead vector is in it, migration 0011; the whole text is a
# TOASTed vector in the row), testing a row a bitmap points to, reading one GIN posting.
WALK_US = {"search_vector": 20.0, "lead_vector": 1.5}
ROW_TEST_US = {"search_vector": 20.0, "lead_vector": 8.0}
POSTING_US = 0.25
WALK_BUDGET_US = 25_000  # a walk expected to cost less is taken without weighing a window
# A window is the expected span × WINDOW_SLACK, widened while it holds too few (_wider).
WINDOW_SLACK = 2.5
WINDOW_GROWTH = 4
MEASURED_SLACK = 1.25
WHOLE_SHARE = 0.1
WHOLE = 1 << 62  # a span standing for the whole archive
MAX_AUTHORED = 100_000  # an author filter keeping more articles is tested row by row
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
        filters = filters.resolve(conn)
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
    0003) and ``lead_vector`` of headline and description (0006).

    A pool (the newest matches) is found one of two ways, by what each is expected to cost from
    the share of articles that match, query and filters together (pg_stats, ``_plan``): a walk of
    the newest-first index testing rows until the pool is full; or a window of the newest
    articles whose date range, filters and a looser query's GIN bitmap PostgreSQL ANDs before
    reading a row, the whole query tested on the rows left, widened until the pool is full.
    Measured at a million articles: a row met on the walk ~1.5 µs for the lead vector (carried by
    the index, 0011), ~20 µs for the whole text (a TOASTed vector in the row); a row a bitmap
    points to ~8 µs; a GIN posting ~0.25 µs. So the walk suits matches that are dense among recent
    articles, the window rare ones and narrow filters (an author's 5,000 articles: 40 ms, not 250)."""

    render = staticmethod(to_tsquery)  # a parsed query as to_tsquery text

    def _tsquery(self, name: str = "q"):
        return func.to_tsquery(literal_column("'vn'::regconfig"), bindparam(name))

    def _matches(self, vector: str, indexed: bool = True, name: str = "q"):
        """``vector @@ query``; not ``indexed``: written so that the GIN index cannot serve it and
        PostgreSQL tests it on the rows the other conditions leave."""
        column = f"articles.{vector}" if indexed else f"coalesce(articles.{vector}, ''::tsvector)"
        return literal_column(column).op("@@")(self._tsquery(name))

    def _scope(self, conn: Connection, filters: Filters, params: dict) -> _Scope:
        """The search's filters as its pools read them, resolved once: the author filter as a list of article ids
        (a primary-key bitmap) when few enough, else left to ``Filters.apply``."""
        authored = self._author_articles(conn, filters)
        if authored is None:
            return _Scope(filters, (), None, _ColumnStats(conn))
        params["authored"] = authored
        return _Scope(replace(filters, author=None), (Article.id == any_(bindparam("authored", type_=ARRAY(Integer))),),
                      len(authored), _ColumnStats(conn))

    def _pool(self, conn: Connection, params: dict, parsed: Query | None, scope: _Scope, vector: str,
              depth: int, *conditions) -> list[tuple[int, Any]]:
        """The newest ``depth`` articles whose ``vector`` matches, filtered: (id, date), newest first."""
        filters, conditions = scope.filters, (*scope.conditions, *conditions)
        span, loose = self._plan(parsed, scope, vector, depth)
        if span is None:
            conn.exec_driver_sql("SET LOCAL enable_indexscan = on")
            stmt = filters.apply(select(Article.id, Article.date_published_utc)
                                 .where(self._matches(vector), *conditions))
            return [tuple(r) for r in conn.execute(_by_date(stmt).limit(depth), params)]
        words = [self._matches(vector, indexed=False)]  # the whole query, tested on the window's rows
        if loose is not None:  # and a looser one the index reads as a bitmap
            params["loose"] = to_tsquery(loose)
            words.insert(0, self._matches(vector, name="loose"))
        rows: list[tuple[int, Any]] = []
        newer_than_window = None  # a wider window reads only what the last one did not
        while True:
            floor = self._date_floor(conn, filters, span)
            stmt = filters.apply(select(Article.id, Article.date_published_utc)
                                 .where(*_dates(floor, newer_than_window), *words, *conditions))
            conn.exec_driver_sql("SET LOCAL enable_indexscan = off")  # bitmaps only: dates ∧ words ∧ filters
            rows += [tuple(r) for r in conn.execute(_by_date(stmt).limit(depth - len(rows)), params)]
            conn.exec_driver_sql("SET LOCAL enable_indexscan = on")
            if floor is None or len(rows) >= depth:
                return rows
            span, newer_than_window = _wider(span, len(rows), depth), floor

    def _plan(self, parsed: Query | None, scope: _Scope, vector: str, depth: int) -> tuple[int | None, Query | None]:
        """How many of the newest articles to look through for ``depth`` matches (None: walk the
        date index instead), and the looser query whose GIN bitmap joins the window's bitmaps
        (None: the words are so common that testing the window's rows costs less)."""
        if parsed is None:
            return None, None  # expert syntax: no estimate, the planner chooses
        stats = scope.stats
        words = stats.shares(vector)
        if words is None:
            return None, None  # never analyzed: leave the choice to the planner
        shares = (lambda word: words.get(word, 0.0),
                  lambda prefix: sum(v for w, v in words.items() if w.startswith(prefix)))
        found, kept = share_estimate(parsed, *shares), scope.kept
        rows = depth / max(found * kept, 1e-9)
        if rows * WALK_US[vector] <= WALK_BUDGET_US:
            return None, None
        # Past a share of the archive, finding the window's first date (an index walk as long as
        # the window) costs more than the dates it would spare: take every match.
        span = max(int(rows * WINDOW_SLACK), 1) if rows * WINDOW_SLACK < stats.rows * WHOLE_SHARE else WHOLE
        # Every row the window's filters keep tested, or the loose query's postings read and only
        # the rows that also match them tested.
        loose = anchor(parsed, *shares)
        loose_share = share_estimate(loose, *shares)
        tested = min(span, stats.rows) * kept * ROW_TEST_US[vector]
        return span, loose if stats.rows * loose_share * POSTING_US + tested * loose_share < tested else None

    def _date_floor(self, conn: Connection, filters: Filters, span: int) -> Any:
        """The publication instant of the ``span``-th newest article (within --until), read from the
        date index alone; None when the window holds the whole archive (or all of --since)."""
        stmt = select(Article.date_published_utc).where(Article.date_published_utc.is_not(None))
        if filters.until is not None:
            stmt = stmt.where(Article.date_published_utc < instant(filters.until, "until", end=True))
        if span >= WHOLE:
            return None
        floor = conn.execute(_by_date(stmt).offset(span).limit(1)).scalar()
        if floor is None or (filters.since is not None and floor <= instant(filters.since, "since")):
            return None
        return floor

    def _author_articles(self, conn: Connection, filters: Filters) -> list[int] | None:
        """The ids of the articles the author filter keeps, when few enough to pass as a list."""
        if not filters.author:
            return None
        ids = (select(ArticleAuthor.article_id).distinct()
               .where(ArticleAuthor.author_id.in_(author_ids(filters.author))).limit(MAX_AUTHORED + 1))
        found = list(conn.execute(ids).scalars())
        return found if len(found) <= MAX_AUTHORED else None

    def _ranked(self, conn: Connection, params: dict, pool: list[tuple[int, Any]], vector: str,
                bonus: float) -> list[tuple]:
        """The pool ranked by ts_rank_cd (cover density: close words count) over ``vector``."""
        if not pool:
            return []
        rank = func.ts_rank_cd(literal_column(f"articles.{vector}"), self._tsquery(), type_=Float) + bonus
        stmt = (_by_date(select(Article.id, rank.label("score"))
                         .where(Article.id == any_(bindparam("pool", [i for i, _ in pool], type_=ARRAY(Integer)))))
                .order_by(None).order_by(literal_column("score").desc(),
                                         Article.date_published_utc.desc().nulls_last(), Article.id.desc()))
        return [tuple(r) for r in conn.execute(stmt, params)]

    def page(self, conn: Connection, expression: str, parsed: Query | None, filters: Filters, sort: str,
             limit: int, offset: int, candidates: int) -> list[tuple[int, float]]:
        params = {"q": expression}
        scope = self._scope(conn, filters, params)
        if sort == "newest":
            pool = self._pool(conn, params, parsed, scope, PG_VECTOR, limit + offset)
            return [(article_id, None) for article_id, _ in pool[offset:]]
        depth = max(candidates, limit + offset)
        if parsed is None:  # expert syntax: one pool over the whole text
            pool = self._pool(conn, params, parsed, scope, PG_VECTOR, depth)
            return self._ranked(conn, params, pool, PG_VECTOR, 0.0)[offset:offset + limit]
        # Headline or description matches first, from the small inline vector (the excluded words
        # must be absent from the body too); then, if the page needs more, body-only matches.
        whole = []
        if parsed.excluded:  # one test of the kept rows' whole text, never an index scan
            params["excluded"] = to_tsquery(Query((parsed.excluded,)))
            whole = [~self._matches(PG_VECTOR, indexed=False, name="excluded")]
        lead = self._pool(conn, params, parsed, scope, PG_LEAD_VECTOR, depth, *whole)
        rows = self._ranked(conn, params, lead, PG_LEAD_VECTOR, LEAD_BONUS)
        if len(rows) < limit + offset:
            body_only = self._pool(conn, params, parsed, scope, PG_VECTOR,
                                   max(BODY_POOL, limit + offset - len(rows)), ~self._matches(PG_LEAD_VECTOR))
            rows += self._ranked(conn, params, body_only, PG_VECTOR, 0.0)
        return rows[offset:offset + limit]

    def details(self, conn: Connection, expression: str, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        options = f"StartSel=[, StopSel=], MinWords={SNIPPET_TOKENS // 2}, MaxWords={SNIPPET_TOKENS * 2}"
        snippet = func.ts_headline(literal_column("'vn'::regconfig"), Article.body, self._tsquery(), options)
        stmt = (select(*_details_columns(), snippet.label("snippet"))
                .outerjoin(Portal, Portal.id == Article.portal_id).where(Article.id.in_(ids)))
        return {r.id: _detail(r, r.snippet) for r in conn.execute(stmt, {"q": expression})}


def _dates(floor: Any, before: Any) -> list:
    """A window's dates: from ``floor`` (None: the oldest, and undated articles after them) up to
    just before ``before`` (None: the newest)."""
    published = Article.date_published_utc
    bounds = [published >= floor] if floor is not None else []
    if before is not None:
        bounds.append(published < before if floor is not None else or_(published < before, published.is_(None)))
    return bounds


def _wider(span: int, found: int, depth: int) -> int:
    """The next window after one of ``span`` articles held ``found`` of the ``depth`` matches wanted:
    as much wider as that share says, with a little slack (a measured share, unlike the first
    window's estimate), WINDOW_GROWTH-fold when it held none."""
    factor = WINDOW_GROWTH if found == 0 else max(depth / found * MEASURED_SLACK, 1.25)
    return WHOLE if span * factor >= WHOLE else max(int(span * factor), span + 1)


class _ColumnStats:
    """What ANALYZE keeps about ``articles`` (pg_stats): each column's commonest values (or, for a
    tsvector, words) with their shares of rows, and the row count; each read once per search."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._shares: dict[str, dict[str, float] | None] = {}

    @cached_property
    def rows(self) -> float:
        return max(self.conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass")
                   .scalar() or 0.0, 1.0)

    def shares(self, column_name: str) -> dict[str, float] | None:
        """Value (as text) → share of rows, for the values pg_stats lists; None if never analyzed.
        Values it does not list are rarer than the rarest it does."""
        if column_name not in self._shares:
            self._shares[column_name] = self._read_shares(column_name)
        return self._shares[column_name]

    def _read_shares(self, column_name: str) -> dict[str, float] | None:
        row = self.conn.exec_driver_sql(
            "SELECT coalesce(most_common_elems::text::text[], most_common_vals::text::text[]),"
            " coalesce(most_common_elem_freqs, most_common_freqs) FROM pg_stats"
            " WHERE tablename = 'articles' AND attname = %s AND schemaname = current_schema()",
            (column_name,)).first()
        return dict(zip(row[0], row[1])) if row and row[0] else None


@dataclass
class _Scope:
    """A search's filters as its PostgreSQL pools read them (``_Postgres._scope``)."""

    filters: Filters  # what Filters.apply adds: the author filter is not in it when it is a list of ids
    conditions: tuple  # that list, as a condition
    authored: int | None  # how many articles the list holds; None: no list
    stats: _ColumnStats

    @cached_property
    def kept(self) -> float:
        """The share of articles the portal, section and author filters keep, from pg_stats."""
        share = 1.0
        if self.filters.portal:
            portal_id = self.stats.conn.execute(select(Portal.id).where(Portal.slug == self.filters.portal)).scalar()
            share *= (self.stats.shares("portal_id") or {}).get(str(portal_id), 0.0)
        if self.filters.sections is not None:
            sections = self.stats.shares("section") or {}
            share *= sum(sections.get(name, 0.0) for name in self.filters.sections)
        if self.authored is not None:
            share *= self.authored / self.stats.rows
        return share


SQLITE, POSTGRES = _SQLite(), _Postgres()

__all__ = ["CANDIDATES", "Hit", "SORTS", "SearchError", "build_query", "search"]
