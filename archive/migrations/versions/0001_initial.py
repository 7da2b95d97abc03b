"""Initial archive schema: portals, crawl runs, fetched pages, articles with versions, authors, attachments.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Written as explicit ``create_table`` calls, not ``metadata.create_all``: this file must keep
creating exactly this schema after models.py has moved on. Constraint names follow
``models.NAMING`` so later migrations can drop or alter them (SQLite batch mode needs names).
Timestamps are timezone-aware (timestamptz on PostgreSQL; UTC wall time on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "portals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_portals"),
        sa.UniqueConstraint("slug", name="uq_portals_slug"),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("portal_id", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'finished', 'failed', 'interrupted')", name="ck_crawl_runs_status"),
        _fk("crawl_runs", "portal_id", "portals", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_crawl_runs"),
    )
    op.create_index("ix_crawl_runs_portal_id", "crawl_runs", ["portal_id"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("identity", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("first_fetched_at", TS, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _fk("pages", "run_id", "crawl_runs", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
        sa.UniqueConstraint("url", name="uq_pages_url"),
    )
    op.create_index("ix_pages_identity", "pages", ["identity"])
    op.create_index("ix_pages_run_id", "pages", ["run_id"])
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_authors"),
        sa.UniqueConstraint("name", name="uq_authors_name"),
    )
    _create_articles()
    _create_article_children()


def _create_articles() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),  # INTEGER PRIMARY KEY: the rowid FTS5 will point at
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("canonical_url", sa.Text(), nullable=True),
        sa.Column("portal_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("date_published", sa.Text(), nullable=True),
        sa.Column("date_published_utc", TS, nullable=True),
        sa.Column("date_published_raw", sa.Text(), nullable=True),
        sa.Column("date_modified", sa.Text(), nullable=True),
        sa.Column("date_modified_raw", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("platform", sa.Text(), nullable=True),
        sa.Column("breadcrumbs", sa.JSON(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        _fk("articles", "portal_id", "portals", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("identity", name="uq_articles_identity"),
    )
    op.create_index("ix_articles_date_published_utc", "articles", ["date_published_utc"])
    op.create_index("ix_articles_portal_id", "articles", ["portal_id"])


def _create_article_children() -> None:
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("captured_at", TS, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        _fk("article_versions", "article_id", "articles", "CASCADE"),
        _fk("article_versions", "run_id", "crawl_runs", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_article_versions"),
        sa.UniqueConstraint("article_id", "version", name="uq_article_versions_article_id_version"),
    )
    op.create_index("ix_article_versions_run_id", "article_versions", ["run_id"])
    op.create_table(
        "article_authors",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("name_raw", sa.Text(), nullable=True),
        _fk("article_authors", "article_id", "articles", "CASCADE"),
        _fk("article_authors", "author_id", "authors", "CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "position", name="pk_article_authors"),
    )
    op.create_index("ix_article_authors_author_id", "article_authors", ["author_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        _fk("attachments", "article_id", "articles", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_index("ix_attachments_article_id", "attachments", ["article_id"])


def downgrade() -> None:
    # Children first; dropping a table drops its indexes.
    for table in ("attachments", "article_authors", "article_versions", "articles",
                  "authors", "pages", "crawl_runs", "portals"):
        op.drop_table(table)
