"""The full-text indexes of articles: SQLite FTS5 (migration 0002; VIETNAMESE.md §3.4 option B)
and PostgreSQL's generated tsvector (migration 0003; VIETNAMESE.md §5).

On SQLite, ``articles_fts`` is an external-content FTS5 table: its index holds ``vn_fold`` of headline,
description and body, its content is read back from ``articles`` (so snippets keep the
original diacritics). Triggers keep it in step; ``archive.db`` registers ``vn_fold`` on every
connection. This module holds what code outside the migration needs to know about it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("headline", "description", "body")  # FTS5 column numbers 0, 1, 2


# PostgreSQL (migration 0003): a generated column of articles and its GIN index.
PG_VECTOR = "search_vector"
PG_INDEX = "ix_articles_search_vector"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic autogenerate filter: the search indexes (FTS5 table, shadow tables and triggers;
    PostgreSQL's generated tsvector and its index) are raw SQL, not models.

    Pass as ``include_name=`` to ``context.configure`` / ``MigrationContext.configure(opts=...)``.
    """
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)
    return name not in (PG_VECTOR, PG_INDEX)


def has_index(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        return conn.exec_driver_sql(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'articles' AND column_name = %s "
            "AND table_schema = current_schema()", (PG_VECTOR,)).first() is not None
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)).first() is not None


def reindex(engine: Engine) -> None:
    """Rebuild the index from ``articles``, folded. Never use FTS5's own 'rebuild': it would
    index the unfolded originals and "dang" would stop finding "Đảng"."""
    cols = ", ".join(FTS_COLUMNS)
    folded = ", ".join(f"vn_fold({c})" for c in FTS_COLUMNS)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}(rowid, {cols}) SELECT id, {folded} FROM articles")


__all__ = ["FTS_COLUMNS", "FTS_TABLE", "PG_INDEX", "PG_VECTOR", "has_index", "include_name", "reindex"]
