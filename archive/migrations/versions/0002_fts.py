"""Full-text search on SQLite: an external-content FTS5 index of articles fed vn_fold(text).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

VIETNAMESE.md §3.4 option B. The index holds ``vn_fold`` of headline, description and body
(so "dang" finds "Đảng": remove_diacritics never folds đ), while ``content='articles'`` makes
snippet() show the original text. Triggers keep it in step; ``vn_fold`` is registered on
every connection by ``archive.db``. Never run the FTS5 'rebuild' command on this table: it
would index the unfolded originals. PostgreSQL gets its own search later: a no-op there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "headline, description, body"
_NEW = "new.id, vn_fold(new.headline), vn_fold(new.description), vn_fold(new.body)"
_OLD = "old.id, vn_fold(old.headline), vn_fold(old.description), vn_fold(old.body)"

UPGRADE = [
    f"""CREATE VIRTUAL TABLE articles_fts USING fts5({_COLUMNS}, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    f"""CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
    END""",
    # Only when an indexed column changes: re-crawls that merely move last_seen skip the index.
    f"""CREATE TRIGGER articles_fts_au AFTER UPDATE OF headline, description, body ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
        INSERT INTO articles_fts(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    f"""INSERT INTO articles_fts(rowid, {_COLUMNS})
        SELECT id, vn_fold(headline), vn_fold(description), vn_fold(body) FROM articles""",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TABLE IF EXISTS articles_fts",
]


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in DOWNGRADE:
            op.execute(statement)
