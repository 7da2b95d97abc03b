"""WARC captures: one row per response or revisit record written, linked from versions and attachments.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

``captures`` says where each fetch's record sits (file relative to WARC_DIR, byte offset and
length of its gzip member), which record it is (WARC-Record-ID) and what its payload digest is,
so ``portal-archive verify`` can check the files against the database and a version can be
traced to the bytes it was extracted from. A revisit row points at the response it repeats
(``refers_to_id``). ``article_versions.capture_id`` and ``attachments.capture_id`` are nullable:
rows stored before this migration, or without capture, have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = ("article_versions", "attachments")  # tables that gain a capture_id


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("warc_file", sa.Text(), nullable=False),
        sa.Column("warc_offset", sa.BigInteger(), nullable=False),
        sa.Column("warc_length", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("payload_digest", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refers_to_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("record_type IN ('response', 'revisit')", name="ck_captures_record_type"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name="fk_captures_run_id_crawl_runs",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["refers_to_id"], ["captures.id"], name="fk_captures_refers_to_id_captures",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_captures"),
        sa.UniqueConstraint("warc_file", "warc_offset", name="uq_captures_warc_file_warc_offset"),
    )
    op.create_index("ix_captures_url", "captures", ["url"])
    op.create_index("ix_captures_run_id", "captures", ["run_id"])
    for table in LINKED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("capture_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_capture_id_captures", "captures", ["capture_id"], ["id"],
                                     ondelete="SET NULL")
        op.create_index(f"ix_{table}_capture_id", table, ["capture_id"])


def downgrade() -> None:
    for table in LINKED:
        op.drop_index(f"ix_{table}_capture_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_capture_id_captures", type_="foreignkey")
            batch.drop_column("capture_id")
    op.drop_index("ix_captures_run_id", table_name="captures")
    op.drop_index("ix_captures_url", table_name="captures")
    op.drop_table("captures")
