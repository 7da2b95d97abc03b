"""SQLite full-text index keyed by publication time, so newest-first and bounded ranking stay fast.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

0002 keyed the FTS5 index by ``articles.id``, which follows crawl order, not publication order.
"Newest first" then had to collect every match and sort it (hundreds of ms for a common word
at a million articles), and FTS5 cannot seek a big doclist by a list of ids. Here the index's
rowid is ``articles.search_key``, a virtual generated column that sorts like (publication
minute, id): FTS5 walks matches newest first by itself, stops after a page, and a date range
becomes a rowid range it seeks to (archive/search.py). Undated articles get the smallest keys.

key = (minutes since 1970 + 2**31) * 2**31 + id; ids must stay below 2**31 (two billion).
The generated column is VIRTUAL because SQLite cannot ADD a STORED one; its UNIQUE index is
what FTS5's external-content lookups (snippets) use.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("COALESCE((CAST(strftime('%s', date_published_utc) AS INTEGER) / 60 + 2147483648) * 2147483648, 0)"
        " + id")
_COLUMNS = "headline, description, body"
_NEW = "new.search_key, vn_fold(new.headline), vn_fold(new.description), vn_fold(new.body)"
_OLD = "old.search_key, vn_fold(old.headline), vn_fold(old.description), vn_fold(old.body)"

_DROP_INDEX = [
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TABLE IF EXISTS articles_fts",
]
UPGRADE = [
    *_DROP_INDEX,
    f"ALTER TABLE articles ADD COLUMN search_key INTEGER GENERATED ALWAYS AS ({_KEY}) VIRTUAL",
    "CREATE UNIQUE INDEX ix_articles_search_key ON articles (search_key)",
    f"""CREATE VIRTUAL TABLE articles_fts USING fts5({_COLUMNS}, content='articles', content_rowid='search_key',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    f"""CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
    END""",
    # A new publication date moves the article's key, so it re-indexes too; re-crawls that only
    # move last_seen still skip the index.
    f"""CREATE TRIGGER articles_fts_au AFTER UPDATE OF headline, description, body, date_published_utc
        ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
        INSERT INTO articles_fts(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    f"""INSERT INTO articles_fts(rowid, {_COLUMNS})
        SELECT search_key, vn_fold(headline), vn_fold(description), vn_fold(body) FROM articles""",
]
DOWNGRADE = [
    *_DROP_INDEX,
    "DROP INDEX IF EXISTS ix_articles_search_key",
    "ALTER TABLE articles DROP COLUMN search_key",
]


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in DOWNGRADE:
            op.execute(statement)
        # Back to 0002's index, as 0002 itself builds it.
        for statement in importlib.import_module("archive.migrations.versions.0002_fts").UPGRADE:
            op.execute(statement)
