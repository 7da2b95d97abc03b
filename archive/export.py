"""Exports of the archive for analysts: JSON Lines, CSV and Parquet, streamed in constant memory.

``jsonl`` writes the whole Article contract dict of each article (``Archive.iter_articles``).
``csv`` and ``parquet`` write one flat row per article (``CSV_COLUMNS``; Parquet types them,
``parquet_schema``). They read plain Core rows ``BATCH`` at a time — no ORM objects, one
authors query per batch — because an export of a million articles must stay well under
500 MB and take minutes, not hours; Parquet gathers batches, as compact Arrow data, into row
groups of ``ROW_GROUP`` articles. Every format honours the same ``Filters`` as search.

A file is written under a temporary name beside its destination and renamed onto it at the
end, so a failed export never leaves a half-written file where a finished one is expected.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, select

from .filters import Filters
from .models import Article, ArticleAuthor, Author, Portal
from .store import Archive

FORMATS = ("jsonl", "csv", "parquet")
# Articles per fetch. Python holds a batch as str objects (about 4 KB an article) while it is
# written, so batches stay small; this also bounds the authors query's IN list.
BATCH = 2_000
# Articles per Parquet row group (held as Arrow data, about 2.5 KB an article, until written):
# big enough for readers to scan efficiently, small enough for a flat memory profile.
ROW_GROUP = 10_000
AUTHOR_SEPARATOR = "; "

# What a batch holds, by key: the flat columns read from SQL, plus "authors" (a list per article).
SOURCES = {
    "id": Article.id, "identity": Article.identity, "url": Article.url, "canonicalUrl": Article.canonical_url,
    "portal": Portal.slug, "section": Article.section, "headline": Article.headline,
    "datePublished": Article.date_published, "datePublishedUtc": Article.date_published_utc,
    "datePublishedRaw": Article.date_published_raw, "dateModified": Article.date_modified,
    "description": Article.description, "articleBody": Article.body, "inLanguage": Article.language,
    "platform": Article.platform, "firstSeen": Article.first_seen, "lastSeen": Article.last_seen,
    "version": Article.current_version,
}
# The CSV header, in order. datePublished is the ISO string with the portal's offset, as in jsonl.
CSV_COLUMNS = ("id", "identity", "url", "canonicalUrl", "portal", "section", "headline", "datePublished",
               "datePublishedRaw", "dateModified", "authors", "description", "articleBody", "inLanguage",
               "platform", "firstSeen", "lastSeen", "version")
# Parquet's columns are the CSV's, typed, except that datePublished is the UTC instant (a timestamp)
# and the string with the portal's offset moves to datePublishedIso.
_AFTER_DATE = CSV_COLUMNS.index("datePublished") + 1
PARQUET_COLUMNS = (*CSV_COLUMNS[:_AFTER_DATE], "datePublishedIso", *CSV_COLUMNS[_AFTER_DATE:])
_PARQUET_RENAMED = {"datePublished": "datePublishedUtc", "datePublishedIso": "datePublished"}  # column: batch key
PARQUET_EXTRA = "pip install 'portal-archive[parquet]'"


class ExportError(Exception):
    """An export that cannot run (a missing extra, an unwritable file): one line for the user."""


def export(archive: Archive, fmt: str, output: Path | None, filters: Filters | None = None,
           batch: int = BATCH, row_group: int = ROW_GROUP) -> int:
    """Write the articles ``filters`` keep to ``output`` (stdout when None) as ``fmt``; how many."""
    filters = filters or Filters()
    if fmt == "parquet":
        if output is None:
            raise ExportError("parquet is binary: give --output FILE")
        writer = _parquet_writer()  # before any query: a missing extra fails at once
        with replaced_atomically(output) as temporary:
            return writer(temporary, flat_batches(archive.engine, filters, batch), row_group)
    if fmt not in ("jsonl", "csv"):
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    with text_output(output) as out:
        if fmt == "jsonl":
            return write_jsonl(out, archive.iter_articles(filters=filters))
        return write_csv(out, flat_batches(archive.engine, filters, batch))


# --------------------------------------------------------------------------- reading

def flat_batches(engine: Engine, filters: Filters, batch: int = BATCH) -> Iterator[dict[str, list[Any]]]:
    """The kept articles in id order, ``batch`` at a time, each batch a dict of columns (``SOURCES``
    keys plus "authors"). Datetimes are aware, in UTC, on both backends."""
    names = list(SOURCES)
    stmt = filters.apply(select(*SOURCES.values()).outerjoin(Portal, Portal.id == Article.portal_id)
                         .order_by(Article.id))
    with engine.connect() as conn:
        # stream_results: a server-side cursor on PostgreSQL; SQLite's cursor streams anyway.
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
        for rows in result.partitions():
            columns = _columns(conn, names, rows)
            del rows  # the next fetch must not find this batch still held here
            yield columns
            del columns


def _columns(conn, names: list[str], rows: list) -> dict[str, list[Any]]:
    columns = dict(zip(names, map(list, zip(*rows))))
    for name in ("datePublishedUtc", "firstSeen", "lastSeen"):
        columns[name] = [_aware(value) for value in columns[name]]
    bylines = _authors(conn, columns["id"])
    columns["authors"] = [bylines.get(article_id, []) for article_id in columns["id"]]
    return columns


def _authors(conn, ids: list[int]) -> dict[int, list[str]]:
    """Author names of these articles, in byline order."""
    stmt = (select(ArticleAuthor.article_id, Author.name).join(Author, Author.id == ArticleAuthor.author_id)
            .where(ArticleAuthor.article_id.in_(ids)).order_by(ArticleAuthor.article_id, ArticleAuthor.position))
    names: dict[int, list[str]] = {}
    for article_id, name in conn.execute(stmt):
        names.setdefault(article_id, []).append(name)
    return names


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes holding UTC wall time; PostgreSQL aware ones."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# --------------------------------------------------------------------------- writing

def write_jsonl(out: IO[str], articles: Iterator[dict[str, Any]]) -> int:
    count = 0
    for count, article in enumerate(articles, 1):
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return count


def write_csv(out: IO[str], batches: Iterator[dict[str, list[Any]]]) -> int:
    """A header row, then one row per article; the csv module quotes bodies' newlines and quotes."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for columns in batches:
        cells = [[_csv_cell(value) for value in columns[name]] for name in CSV_COLUMNS]
        count += len(columns["id"])
        del columns  # before the next fetch: see flat_batches
        writer.writerows(zip(*cells))
    return count


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return AUTHOR_SEPARATOR.join(value)
    return "" if value is None else value


def parquet_schema():
    """The Parquet file's explicit schema (pyarrow is imported only when Parquet is asked for)."""
    import pyarrow as pa

    text, instant = pa.string(), pa.timestamp("us", tz="UTC")
    types = {"id": pa.int64(), "version": pa.int32(), "authors": pa.list_(pa.string()),
             "datePublished": instant, "firstSeen": instant, "lastSeen": instant}
    return pa.schema([(name, types.get(name, text)) for name in PARQUET_COLUMNS])


def _parquet_writer():
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ExportError(f"parquet export needs pyarrow: {PARQUET_EXTRA}") from None
    return write_parquet


def write_parquet(path: Path, batches: Iterator[dict[str, list[Any]]], row_group: int = ROW_GROUP) -> int:
    """Batches become Arrow record batches at once (compact UTF-8, the Python strings freed), and
    every ``row_group`` articles are written as one row group: memory holds one group, never the table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema, pending, count = parquet_schema(), [], 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for columns in batches:
            arrays = [pa.array(columns[_PARQUET_RENAMED.get(field.name, field.name)], type=field.type)
                      for field in schema]
            del columns  # before the next fetch: see flat_batches
            pending.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
            del arrays
            if sum(len(b) for b in pending) >= row_group:
                count += _write_row_groups(writer, pending, row_group)
        count += _write_row_groups(writer, pending, row_group, last=True)
    return count


def _write_row_groups(writer, pending: list, row_group: int, last: bool = False) -> int:
    """Write full row groups from ``pending`` (a partial one too when ``last``); keep the rest there."""
    import pyarrow as pa

    table = pa.Table.from_batches(pending, schema=writer.schema)
    whole = len(table) if last else len(table) - len(table) % row_group
    if whole:
        writer.write_table(table.slice(0, whole), row_group_size=row_group)
    pending[:] = table.slice(whole).to_batches()
    return whole


# --------------------------------------------------------------------------- files

@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it when the block succeeds, removed when it fails."""
    path = Path(path)
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(handle)
    temporary = Path(name)
    os.chmod(temporary, _new_file_mode())  # mkstemp's 0600 would hide the export from the user's group
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def text_output(path: Path | None) -> Iterator[IO[str]]:
    """UTF-8 text to ``path`` (atomically) or to stdout; newline="" as the csv module needs."""
    if path is None:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield out
            out.flush()
        finally:
            out.detach()  # leave sys.stdout open for the caller
        return
    with replaced_atomically(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as out:
        yield out


__all__ = ["BATCH", "ROW_GROUP", "CSV_COLUMNS", "ExportError", "FORMATS", "PARQUET_COLUMNS", "export", "flat_batches",
           "parquet_schema", "replaced_atomically"]
