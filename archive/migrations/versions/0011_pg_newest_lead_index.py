"""PostgreSQL: the newest-first index again, carrying what a relevance pool tests, so walking it
never reads the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

A relevance pool is the newest few hundred articles whose headline or description match
(``lead_vector``, 0006), within the portal, section and author filters. Walking 0005's index,
PostgreSQL reads each article's row to test it: ~8 µs a row in a table of a million articles
that does not fit in memory, so a pool of common words (thousands of rows to walk) took
100-200 ms. This index holds the same keys plus ``portal_id``, ``section`` and ``lead_vector``:
an index-only scan tests ~1.5 µs a row (the id is a key, so an author filter's id list needs no
row either). It costs ~0.5 GB at a million articles; 0005's small index stays for the window
bounds (archive/search.py reads dates far down it). No-op on SQLite, whose FTS5 index is
itself in date order (0004).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_articles_newest_lead ON articles (date_published_utc DESC NULLS LAST, id DESC) "
                   "INCLUDE (portal_id, section, lead_vector)")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_newest_lead")
