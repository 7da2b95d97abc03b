"""Full-text search on PostgreSQL: unaccent, the ``vn`` configuration, a generated tsvector, GIN.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

VIETNAMESE.md §5. ``vn`` is ``simple`` with ``unaccent`` first: every Vietnamese letter folds,
đ included, and NFD input too; no stemming, no stop words (syllables are the words).
``articles.search_vector`` is generated from headline (weight A), description (B) and body
(D), punctuation read as a space as FTS5 does, so ts_rank puts a headline hit far above a body hit, as bm25's weights do on SQLite.
``vn_fold(text)`` mirrors ``archive.text_fold.fold`` so filters (author, section) read the
same SQL on both backends. unaccent is a trusted extension (PG 13+): the database owner may
create it. SQLite has its own index (0002): a no-op there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL's parser reads "24/2019/NĐ-CP" as a file path and "Ê-đê" as a hyphenated word; FTS5
# splits both at every punctuation mark. ASCII punctuation becomes a space first, so both engines
# see the same words and the same query finds the same articles.
_WORDS = "regexp_replace(coalesce({}, ''), '[[:punct:]]+', ' ', 'g')"
_VECTOR = " || ".join(f"setweight(to_tsvector('vn'::regconfig, {_WORDS.format(column)}), '{weight}')"
                      for column, weight in (("headline", "A"), ("description", "B"), ("body", "D")))

UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION vn (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION vn ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    # unaccent() is only STABLE (its dictionary could change); the two-argument form with a fixed
    # dictionary is safe to declare IMMUTABLE, the usual idiom, so filters can use it freely.
    """CREATE FUNCTION vn_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
       AS $$ SELECT lower(unaccent('unaccent'::regdictionary, $1)) $$""",
    f"ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_VECTOR}) STORED",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
]
DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS vn_fold(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS vn",
]


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
