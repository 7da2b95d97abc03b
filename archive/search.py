"""Accent-insensitive full-text search over the archive (SQLite FTS5, VIETNAMESE.md §3).

``build_query`` turns whatever a user types into a valid FTS5 expression (or None when
nothing is left to search for); ``search`` runs it with filters, ranking and snippets.
Queries are folded with the same ``fold`` the index is fed, so "dang" finds "Đảng".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, Float, and_, bindparam, column, exists, func, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from .fts import FTS_TABLE, has_index
from .models import Article, ArticleAuthor, Author, Portal
from .text_fold import fold

SORTS = ("relevance", "newest")
# bm25 weights per FTS column (headline, description, body): a headline hit outranks a body hit.
WEIGHTS = (10.0, 3.0, 1.0)


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
    score: float  # higher is more relevant (bm25 negated)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- query builder

# An optional "-", then a "phrase" (closing quote optional) with an optional "*", or a bare word.
_TOKEN = re.compile(r'(-?)"([^"]*)"?(\*?)|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")
_DROPPED_OPERATORS = re.compile(r"\b(?:AND|NEAR)\b")


def _quote(words: list[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def build_query(user_text: str) -> str | None:
    """A safe FTS5 expression for free text, or None if nothing positive is left to search for.

    Supported: words (all required), "a phrase", prefix*, -word / -"phrase" / NOT word
    (exclusion) and OR between two terms (uppercase, as in FTS5). Everything else, including
    FTS5 syntax such as NEAR(, column filters (body:x), parentheses and stray quotes, is read
    as literal words: every term is double-quoted, so the result is always a valid expression.
    """
    text = _DROPPED_OPERATORS.sub(" ", unicodedata.normalize("NFC", user_text or ""))
    positive: list[str] = []
    negative: list[str] = []
    pending_or = pending_not = False
    for m in _TOKEN.finditer(text):
        minus, phrase, star, minus2, bare = m.groups()
        if bare == "OR" and not minus2:
            pending_or = bool(positive)
            continue
        if bare == "NOT" and not minus2:
            pending_not = True
            continue
        words = _WORD.findall(fold(phrase if phrase is not None else bare))
        words = [w for w in (w.replace("_", " ").strip() for w in words) if w]  # FTS5 splits on "_"
        if not words:
            continue
        expr = _quote(words) + ("*" if star or (bare or "").endswith("*") else "")
        if minus or minus2 or pending_not:
            negative.append(expr)
        elif pending_or and positive:
            positive[-1] = f"({positive[-1]} OR {expr})"
        else:
            positive.append(expr)
        pending_or = pending_not = False
    if not positive:
        return None
    query = " AND ".join(positive)
    for expr in negative:
        query = f"({query}) NOT {expr}"
    return query


_RAW_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")


def fold_raw(user_text: str) -> str:
    """Fold FTS5 syntax typed by an expert but keep its uppercase operators (fold is
    length-preserving after NFC, so operator positions carry over)."""
    text = unicodedata.normalize("NFC", user_text)
    folded = list(fold(text))
    for m in _RAW_OPERATORS.finditer(text):
        folded[m.start():m.end()] = m.group(0)
    return "".join(folded)


# --------------------------------------------------------------------------- search

_FTS = table(FTS_TABLE, column("rowid"))
_FTS_REF = literal_column(FTS_TABLE)


def search(engine: Engine, query: str, *, portal: str | None = None, author: str | None = None,
           since: str | date | None = None, until: str | date | None = None, limit: int = 20,
           offset: int = 0, sort: str = "relevance", raw: bool = False) -> list[Hit]:
    """Articles matching ``query``, best first (``sort="relevance"``) or newest first.

    ``portal``: a portal slug. ``author``: part of an author's name, accents and case ignored.
    ``since``/``until``: ISO dates (inclusive) on the UTC publication instant. ``raw``: pass
    FTS5 syntax through (folded); an invalid expression raises ``SearchError``.
    """
    if sort not in SORTS:
        raise SearchError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if raw:
        expression = fold_raw(query).strip() or None
    else:
        expression = build_query(query)
    if expression is None:
        if raw:
            raise SearchError("empty search query")
        return []  # only operators or punctuation: nothing to look for (the CLI says so first)

    score = (-func.bm25(_FTS_REF, *WEIGHTS, type_=Float)).label("score")
    stmt = (select(Article.id, Article.headline, Article.date_published, Portal.slug, Article.url,
                   func.snippet(_FTS_REF, 2, "[", "]", "…", 12).label("snippet"), score)
            .select_from(_FTS)
            .join(Article, Article.id == _FTS.c.rowid)
            .outerjoin(Portal, Portal.id == Article.portal_id)
            .where(_FTS_REF.op("MATCH")(bindparam("fts_query", expression))))
    if portal:
        stmt = stmt.where(Portal.slug == portal)
    if author:
        pattern = "%" + fold(author).strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(exists().where(and_(
            ArticleAuthor.article_id == Article.id, Author.id == ArticleAuthor.author_id,
            func.vn_fold(Author.name).like(pattern, escape="\\"))))
    if since is not None:
        stmt = stmt.where(Article.date_published_utc >= _instant(since, "since"))
    if until is not None:
        stmt = stmt.where(Article.date_published_utc < _instant(until, "until", end=True))
    if sort == "newest":
        stmt = stmt.order_by(Article.date_published_utc.desc().nulls_last(), score.desc(), Article.id)
    else:
        stmt = stmt.order_by(score.desc(), Article.id)
    stmt = stmt.limit(max(0, limit)).offset(max(0, offset))

    with engine.connect() as conn:
        if not has_index(conn):
            raise SearchError("this archive has no full-text index (search needs a SQLite archive for now)")
        try:
            rows = conn.execute(stmt).all()
        except DBAPIError as exc:
            if raw:
                raise SearchError(f"invalid search query {query!r}: {exc.orig}") from None
            raise
    return [Hit(id=r.id, headline=r.headline, datePublished=r.date_published, portal=r.slug, url=r.url,
                snippet=r.snippet or "", score=round(float(r.score or 0.0), 6)) for r in rows]


def _instant(value: str | date, name: str, end: bool = False) -> datetime:
    """An ISO date (or date-time) as an aware UTC instant; ``end``: the day after a bare date."""
    if isinstance(value, datetime):
        parsed: date | datetime = value
    elif isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise SearchError(f"--{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    if isinstance(parsed, datetime):
        return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    start = datetime.combine(parsed, time(), tzinfo=timezone.utc)
    return start + timedelta(days=1) if end else start


__all__ = ["Hit", "SORTS", "SearchError", "build_query", "fold_raw", "search"]
