"""The crawl frontier: every request a crawl enqueued, pending or done, so a killed crawl resumes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

Scrapy's JOBDIR keeps its queues only through a clean stop; ``kill -9``, an OOM kill or a power cut
leaves nothing to resume from. ``frontier`` holds each request a crawl enqueued (its portal's slug,
Scrapy's request fingerprint, the URL and what rebuilds the request) and whether its response was
processed. A crawl that finishes deletes its portals' rows, so rows exist only for portals whose last
crawl did not finish, and the next crawl of such a portal re-queues its pending rows instead of
starting over (spiders/frontier.py, archive/frontier.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frontier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("callback", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'done')", name="ck_frontier_state"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name="fk_frontier_run_id_crawl_runs",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_frontier"),
        sa.UniqueConstraint("portal", "fingerprint", name="uq_frontier_portal_fingerprint"),
    )
    op.create_index("ix_frontier_run_id", "frontier", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_frontier_run_id", table_name="frontier")
    op.drop_table("frontier")
