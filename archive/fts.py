"""The SQLite full-text index of articles (migration 0002; VIETNAMESE.md §3.4 option B).

``articles_fts`` is an external-content FTS5 table: its index holds ``vn_fold`` of headline,
description and body, its content is read back from ``articles`` (so snippets keep the
original diacritics). Triggers keep it in step; ``archive.db`` registers ``vn_fold`` on every
connection. This module holds what code outside the migration needs to know about it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("headline", "description", "body")  # FTS5 column numbers 0, 1, 2


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic autogenerate filter: the FTS table, its shadow tables and triggers are not models.

    Pass as ``include_name=`` to ``context.configure`` / ``MigrationContext.configure(opts=...)``.
    """
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))


def has_index(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
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


__all__ = ["FTS_COLUMNS", "FTS_TABLE", "has_index", "include_name", "reindex"]
