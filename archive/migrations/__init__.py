"""Alembic environment for the archive schema; run through ``archive.db.upgrade``, no alembic.ini."""
