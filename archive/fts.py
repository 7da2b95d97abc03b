"""The full-text indexes of articles: SQLite FTS5 (migrations 0002 and 0004; VIETNAMESE.md §3.4
option B) and PostgreSQL's generated tsvector (migration 0003; VIETNAMESE.md §5).

On SQLite, ``articles_fts`` is an external-content FTS5 table: its index holds ``vn_fold`` of
headline, description and body, its content is read back from ``articles`` (so snippets keep
the original diacritics), and its rowid is ``articles.search_key``, which sorts by publication
time. Triggers keep it in step; ``archive.db`` registers ``vn_fold`` on every connection. This
module holds what code outside the migrations needs to know about the indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("headline", "description", "body")  # FTS5 column numbers 0, 1, 2


# SQLite (migration 0004): the FTS5 rowid is this virtual generated column of articles, which
# sorts by (publication minute, id), so the index itself walks matches newest first.
SQLITE_KEY = "search_key"
SQLITE_KEY_INDEX = "ix_articles_search_key"
KEY_ID_BITS = 31  # key = (minutes since 1970 + 2**31) << 31 | id

# PostgreSQL (migration 0003): a generated column of articles and its GIN index.
PG_VECTOR = "search_vector"
PG_INDEX = "ix_articles_search_vector"
PG_NEWEST_INDEX = "ix_articles_newest"  # migration 0005: (date DESC NULLS LAST, id DESC)
PG_LEAD_VECTOR, PG_LEAD_INDEX = "lead_vector", "ix_articles_lead_vector"  # 0006: headline + description
PG_NEWEST_LEAD_INDEX = "ix_articles_newest_lead"  # 0011: 0005's keys, covering the lead vector and filters


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic autogenerate filter: the search indexes (FTS5 table, shadow tables and triggers;
    PostgreSQL's generated tsvector and its index) are raw SQL, not models.

    Pass as ``include_name=`` to ``context.configure`` / ``MigrationContext.configure(opts=...)``.
    """
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    return name not in (PG_VECTOR, PG_INDEX, PG_NEWEST_INDEX, PG_LEAD_VECTOR, PG_LEAD_INDEX, PG_NEWEST_LEAD_INDEX,
                        SQLITE_KEY, SQLITE_KEY_INDEX)


def has_index(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        # pg_attribute, not information_schema.columns: the view costs ~6 ms a call at this size.
        return conn.exec_driver_sql(
            "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('articles') AND attname = %s "
            "AND NOT attisdropped", (PG_VECTOR,)).first() is not None
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)).first() is not None


def date_key(instant: datetime) -> int:
    """The smallest ``search_key`` of an article published at ``instant`` (aware or UTC-naive),
    so that a date range is a key range: key >= date_key(since), key < date_key(day after until)."""
    if instant.tzinfo is not None:
        instant = instant.astimezone(timezone.utc).replace(tzinfo=None)
    minutes = int((instant - datetime(1970, 1, 1)).total_seconds() // 60)
    return (minutes + 2**31) << KEY_ID_BITS


def reindex(engine: Engine) -> None:
    """Rebuild the index from ``articles``, folded. Never use FTS5's own 'rebuild': it would
    index the unfolded originals and "dang" would stop finding "Đảng"."""
    cols = ", ".join(FTS_COLUMNS)
    folded = ", ".join(f"vn_fold({c})" for c in FTS_COLUMNS)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}(rowid, {cols}) SELECT {SQLITE_KEY}, {folded} FROM articles")


@contextmanager
def bulk_load(engine: Engine) -> Iterator[None]:
    """Load many articles fast on SQLite: the index triggers are dropped meanwhile, then restored
    exactly as the schema defines them, and the index is rebuilt once (about 3x faster than
    indexing row by row). A no-op wrapper on PostgreSQL, whose vector is a generated column."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with engine.begin() as conn:
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", (f"{FTS_TABLE}%",)).all()
        for name, _ in triggers:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        with engine.begin() as conn:
            for _, sql in triggers:
                conn.exec_driver_sql(sql)
        reindex(engine)


__all__ = ["FTS_COLUMNS", "FTS_TABLE", "PG_INDEX", "PG_LEAD_VECTOR", "PG_VECTOR", "SQLITE_KEY", "bulk_load", "date_key", "has_index",
           "include_name", "reindex"]
