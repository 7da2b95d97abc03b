"""Search at a million articles: ``archive.search.search`` on SQLite and PostgreSQL, next to a
``LIKE '%word%'`` scan and a naive rank-every-match full-text query, p50/p95 latency of the top 20
in both orders; and the peak memory of a Parquet export of the same archive.

The archive is generated (``benchmarks/vn_corpus.py``) into a SQLite file under ``--workdir`` and a
PostgreSQL database on the server of PORTAL_ARCHIVE_TEST_PG, both created by the project's own
migrations, and cached: a re-run with the same ``--articles`` reuses them (``--rebuild`` forces).

    eval "$(.ci/services)"
    .venv/bin/python benchmarks/search_bench.py [--articles N] [--export] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import (Engine, Float, Select, bindparam, column, event, func, literal_column,  # noqa: E402
                        or_, select, table)
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import StaticPool  # noqa: E402

from archive import fts  # noqa: E402
from archive.db import MIGRATIONS, make_engine  # noqa: E402
from archive.filters import Filters  # noqa: E402
from archive.models import Article, ArticleAuthor, Author, Portal  # noqa: E402
from archive.query import build_query, parse, to_tsquery  # noqa: E402
from archive.search import CANDIDATES, WEIGHTS, search  # noqa: E402
from archive.store import Archive  # noqa: E402
from benchmarks import vn_corpus  # noqa: E402
from benchmarks.report import describe_machine, machine_info, plural, publish, run_date  # noqa: E402

SECTION_START, SECTION_END = "<!-- search-bench:start -->", "<!-- search-bench:end -->"
DEFAULT_ARTICLES = 1_000_000
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "portal-archive-bench"
PG_ADMIN_ENV = "PORTAL_ARCHIVE_TEST_PG"
LIMIT = 20
TARGET_P95_MS, TARGET_EXPORT_RSS_MB = 100, 500
ORDERS = ("relevance", "newest")
# The naive queries sort as search() does, ties included, so their top 20 can be compared with its.
NEWEST_FIRST = (Article.date_published_utc.desc().nulls_last(), Article.id.desc())
FILTER_KEYS = ("portal", "section", "author", "since", "until")

# What an analyst types (plain mode), with the filters of the CLI. Shares are those planted by
# vn_corpus.PLANTS; the words of a phrase alone match far more articles than the phrase.
QUERIES: list[dict[str, str]] = [
    {"text": "dich", "why": "very common word (20 %), typed unaccented"},
    {"text": "lũ", "why": "common word (2 %)"},
    {"text": "Đắk Lắk", "why": "medium (0.1 %), with đ"},
    {"text": "dak lak", "why": "the same unaccented: đ must fold to d"},
    {"text": "Nậm Pồ", "why": "rare (0.005 %)"},
    {"text": "dan van", "why": "two very common syllables, unaccented"},
    {"text": "chuyen doi so", "why": "three common syllables anywhere"},
    {"text": '"chuyển đổi số"', "why": "the same as a phrase (5 %)"},
    {"text": "Đảng bộ", "why": "two common words with đ"},
    {"text": '"cải cách hành chính"', "why": "four-syllable phrase (2 %)"},
    {"text": "kinh te*", "why": "prefix: every word starting te"},
    {"text": "thủ tục hành chính", "portal": "hanoi", "why": "common words, the biggest portal"},
    {"text": "dịch", "portal": "moh", "why": "very common word, a small portal"},
    {"text": "chuyển đổi số", "since": "2020-01-01", "until": "2020-12-31", "why": "common words, one year"},
    {"text": "lũ", "since": "2026-10-01", "why": "common word, the last two months"},
    {"text": '"Đắk Lắk" OR "Nậm Pồ"', "why": "OR of a medium and a rare phrase"},
    {"text": '"cải cách hành chính" -"chuyển đổi số"', "why": "phrase minus a phrase"},
    {"text": "hội nghị", "author": "Nguyễn Văn", "why": "common words, an author filter"},
    {"text": "tiêm chủng", "section": "y te", "why": "less common words, a section filter"},
    {"text": "thông tin", "why": "the two commonest syllables: every article"},
]


def query_filters(query: dict[str, str]) -> Filters:
    return Filters(**{key: query[key] for key in FILTER_KEYS if key in query})


def describe_filters(query: dict[str, str]) -> str:
    return ", ".join(f"{key}={query[key]}" for key in FILTER_KEYS if key in query)


def like_word(text: str) -> str:
    """The first word of a query as typed, diacritics kept: what a LIKE scan would look for."""
    return re.search(r"\w+", text).group(0)


def schema_digest() -> str:
    """A digest of every migration: a cached archive built with another schema is stale."""
    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _same_data(built: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    """Whether a cached archive holds the wanted data set, whatever schema it was built under."""
    return bool(built) and {k: v for k, v in built.items() if k != "schema"} == \
        {k: v for k, v in wanted.items() if k != "schema"}


def human_bytes(n: float) -> str:
    """1536 -> "1.5 KB", in binary units up to GB."""
    for unit in ("B", "KB", "MB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


# --------------------------------------------------------------------------- backends

class Backend:
    """One archive of the data set: built once, then measured; subclasses know their engine's SQL."""

    name = ""

    def __init__(self, url: str):
        self.url = url

    # Building ---------------------------------------------------------------------------------

    def ensure(self, n: int, seed: int, rebuild: bool) -> dict[str, Any]:
        """The build record (fingerprint, seconds, sizes) of a ready archive, building it if needed."""
        wanted = {**vn_corpus.fingerprint(n, seed), "schema": schema_digest()}
        record = None if rebuild else self.load_record()
        if record and record.get("fingerprint") == wanted and self.count_articles() == n:
            return {**record, "cached": True}
        if record and _same_data(record.get("fingerprint"), wanted) and self.count_articles() == n:
            return self.migrate(record, wanted)
        print(f"[{self.name}] building {n:,} articles ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        self.create_empty()
        Archive.open(self.url).close()  # the project's migrations create the schema
        self.load(n, seed)
        record = {"fingerprint": wanted, "seconds": round(time.perf_counter() - start, 1), "built": run_date(),
                  "sizes": self.sizes()}
        self.save_record(record)
        return {**record, "cached": False}

    def migrate(self, record: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
        """The cached data set under newer migrations: upgraded in place, as a user's archive is
        (count_articles opened it, which runs them), instead of generated again (25 min)."""
        print(f"[{self.name}] migrated the cached archive to the current schema", file=sys.stderr, flush=True)
        self.analyze()
        record = {**record, "fingerprint": wanted, "migrated": run_date(), "sizes": self.sizes()}
        self.save_record(record)
        return {**record, "cached": True}

    def analyze(self) -> None:
        """Statistics for what the migrations added (PostgreSQL's planner reads them)."""

    def count_articles(self) -> int:
        """Articles in the archive; -1 when there is none (never creates one)."""
        if not self.exists():
            return -1
        with Archive.open(self.url) as archive:
            return archive.count_articles()

    def exists(self) -> bool:
        raise NotImplementedError

    def create_empty(self) -> None:
        raise NotImplementedError

    def load(self, n: int, seed: int) -> None:
        """Fill the freshly migrated, empty archive with the data set."""
        raise NotImplementedError

    def sizes(self) -> dict[str, int]:
        """Bytes on disk: "total" and "fts index" (the full-text index alone)."""
        raise NotImplementedError

    def load_record(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def save_record(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    # The baselines' SQL -----------------------------------------------------------------------

    def matches(self, text: str) -> tuple[Any, dict[str, str]]:
        """A WHERE clause on ``articles`` for the full-text query ``text``, and its parameters."""
        raise NotImplementedError

    def naive(self, text: str, filters: Filters, order: str) -> tuple[Select, dict[str, str]]:
        """Every match scored (or dated), sorted, then cut to the page: what the index alone gives."""
        raise NotImplementedError

    def count(self, text: str, filters: Filters) -> tuple[Select, dict[str, str]]:
        where, params = self.matches(text)
        return filters.apply(select(func.count()).select_from(Article).where(where)), params

    def like(self, text: str, filters: Filters) -> tuple[Select, dict[str, str]]:
        pattern = f"%{like_word(text)}%"
        stmt = select(Article.id).where(or_(Article.body.like(pattern), Article.headline.like(pattern)))
        return filters.apply(stmt).order_by(Article.date_published_utc.desc()).limit(LIMIT), {}

    def explain(self, sql: str) -> str:
        raise NotImplementedError


class SQLiteBackend(Backend):
    name = "SQLite"
    fts_table = table(fts.FTS_TABLE, column("rowid"))
    fts_ref = literal_column(fts.FTS_TABLE)
    key = literal_column(f"articles.{fts.SQLITE_KEY}")  # the FTS5 rowid (migration 0004)

    def __init__(self, workdir: Path, n: int):
        self.path = workdir / f"archive-{n}.db"
        super().__init__(f"sqlite:///{self.path}")

    @property
    def record_path(self) -> Path:
        return self.path.with_suffix(".build.json")

    def exists(self) -> bool:
        return self.path.exists()

    def create_empty(self) -> None:
        for suffix in ("", "-wal", "-shm", ".build.json"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def load(self, n: int, seed: int) -> None:
        # One connection for everything (StaticPool), so the pragmas also hold inside bulk_load.
        engine = make_engine(self.url, poolclass=StaticPool)
        try:
            _sqlite_pragmas(engine, journal_mode="OFF", synchronous="OFF")  # a crash only means a rebuild
            # The project's loader: the index triggers are off while rows go in, then one reindex.
            with fts.bulk_load(engine):
                with engine.begin() as conn:
                    conn.execute(Portal.__table__.insert(), vn_corpus.portal_rows())
                    conn.execute(Author.__table__.insert(), vn_corpus.author_rows(seed))
                for batch in _progress(self.name, vn_corpus.generate(n, seed), n):
                    with engine.begin() as conn:
                        conn.execute(Article.__table__.insert(), batch.articles)
                        if batch.bylines:
                            conn.execute(ArticleAuthor.__table__.insert(), batch.bylines)
                print(f"[{self.name}] folding the full-text index ...", file=sys.stderr, flush=True)
            _sqlite_pragmas(engine, journal_mode="WAL", synchronous="NORMAL")  # the archive's own (archive.db)
        finally:
            engine.dispose()

    def sizes(self) -> dict[str, int]:
        # dbstat restricted to the index's shadow tables: a second, where a whole-file pass takes minutes.
        with Archive.open(self.url) as archive, archive.engine.connect() as conn:
            index = conn.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat('main', 1) WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?)",
                (f"{fts.FTS_TABLE}%",)).scalar_one()
        return {"total": self.path.stat().st_size, "fts index": index}

    def load_record(self) -> dict[str, Any] | None:
        return json.loads(self.record_path.read_text()) if self.record_path.exists() else None

    def save_record(self, record: dict[str, Any]) -> None:
        self.record_path.write_text(json.dumps(record, indent=1))

    def matches(self, text: str) -> tuple[Any, dict[str, str]]:
        keys = select(self.fts_table.c.rowid).where(self.fts_ref.op("MATCH")(bindparam("q")))
        return self.key.in_(keys), {"q": build_query(text)}

    def naive(self, text: str, filters: Filters, order: str) -> tuple[Select, dict[str, str]]:
        score = func.bm25(self.fts_ref, *WEIGHTS, type_=Float).label("score")  # lower is better
        stmt = (select(Article.id, score).select_from(self.fts_table)
                .join(Article, self.key == self.fts_table.c.rowid)
                .where(self.fts_ref.op("MATCH")(bindparam("q"))))
        # Ties as search() breaks them here: the newer article (the larger key) first.
        ordering = (score, self.fts_table.c.rowid.desc()) if order == "relevance" else NEWEST_FIRST
        return filters.apply(stmt).order_by(*ordering).limit(LIMIT), {"q": build_query(text)}

    def explain(self, sql: str) -> str:
        return "EXPLAIN QUERY PLAN " + sql


class PostgresBackend(Backend):
    name = "PostgreSQL"
    vector = literal_column(f"articles.{fts.PG_VECTOR}")

    def __init__(self, admin_url: str, n: int):
        self.admin_url = make_url(admin_url)
        self.database = "pa_bench" if n == DEFAULT_ARTICLES else f"pa_bench_{n}"
        super().__init__(self.admin_url.set(database=self.database).render_as_string(hide_password=False))

    def _connect(self, database: str | None = None, autocommit: bool = True) -> Any:
        """A psycopg connection to the server's admin database, or to ``database``."""
        import psycopg

        url = self.admin_url.set(drivername="postgresql", database=database or self.admin_url.database)
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=autocommit)

    def exists(self) -> bool:
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone() is not None

    def create_empty(self) -> None:
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def load(self, n: int, seed: int) -> None:
        # A GIN index is built far faster in one pass over the table than entry by entry during COPY:
        # the full-text indexes go, then come back exactly as the migrations defined them.
        with self._connect(self.database, autocommit=False) as conn:
            gin_indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles' "
                                       "AND indexdef LIKE '%%USING gin%%'").fetchall()
            for name, _ in gin_indexes:
                conn.execute(f'DROP INDEX "{name}"')
            _copy(conn, "portals", vn_corpus.portal_rows())
            _copy(conn, "authors", vn_corpus.author_rows(seed))
            for batch in _progress(self.name, vn_corpus.generate(n, seed), n):
                _copy(conn, "articles", batch.articles)  # search_vector is GENERATED: computed by the server
                _copy(conn, "article_authors", batch.bylines)
                conn.commit()
            print(f"[{self.name}] building the GIN indexes, VACUUM ANALYZE ...", file=sys.stderr, flush=True)
            conn.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in gin_indexes:
                conn.execute(definition)
            for name in ("portals", "authors", "articles"):  # ids were given: move the sequences past them
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
            conn.commit()
            conn.autocommit = True
            # What autovacuum would have done to a long-lived archive (our tables: the role owns no others).
            conn.execute("VACUUM (ANALYZE) portals, authors, articles, article_authors")

    def sizes(self) -> dict[str, int]:
        with self._connect(self.database) as conn:
            total, index = conn.execute("SELECT pg_database_size(current_database()), pg_relation_size(%s)",
                                        (fts.PG_INDEX,)).fetchone()
        return {"total": total, "fts index": index}

    def load_record(self) -> dict[str, Any] | None:
        with self._connect() as conn:
            row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                               (self.database,)).fetchone()
        try:
            return json.loads(row[0]) if row and row[0] else None
        except ValueError:
            return None

    def analyze(self) -> None:
        with self._connect(self.database) as conn:
            conn.execute("ANALYZE articles")

    def save_record(self, record: dict[str, Any]) -> None:
        with self._connect() as conn:
            literal = json.dumps(record).replace("'", "''")
            conn.execute(f"COMMENT ON DATABASE \"{self.database}\" IS '{literal}'")

    def _tsquery(self) -> Any:
        return func.to_tsquery(literal_column("'vn'::regconfig"), bindparam("q"))

    def matches(self, text: str) -> tuple[Any, dict[str, str]]:
        return self.vector.op("@@")(self._tsquery()), {"q": to_tsquery(parse(text))}

    def naive(self, text: str, filters: Filters, order: str) -> tuple[Select, dict[str, str]]:
        where, params = self.matches(text)
        rank = func.ts_rank(self.vector, self._tsquery(), type_=Float)
        # Ties as search() breaks them: the newer article first.
        ordering = (rank.desc(), *NEWEST_FIRST) if order == "relevance" else NEWEST_FIRST
        return filters.apply(select(Article.id).where(where)).order_by(*ordering).limit(LIMIT), params

    def explain(self, sql: str) -> str:
        return "EXPLAIN (ANALYZE, BUFFERS) " + sql


def _sqlite_pragmas(engine: Engine, **pragmas: str) -> None:
    # On the DBAPI connection: archive.db runs it in autocommit, and journal_mode cannot change
    # inside a transaction.
    with engine.connect() as conn:
        for name, value in pragmas.items():
            conn.connection.driver_connection.execute(f"PRAGMA {name}={value}")


def _copy(pg: Any, table_name: str, rows: list[dict[str, Any]]) -> None:
    """COPY rows into a table; JSON columns as text, which COPY parses."""
    if not rows:
        return
    columns = list(rows[0])
    with pg.cursor().copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                            for v in row.values()])


def _progress(name: str, batches: Iterator[vn_corpus.Batch], n: int) -> Iterator[vn_corpus.Batch]:
    done, start, shown = 0, time.perf_counter(), 0.0
    for batch in batches:
        yield batch
        done += len(batch.articles)
        if time.perf_counter() - shown > 30 or done == n:
            shown = time.perf_counter()
            print(f"[{name}] {done:,}/{n:,} articles, {shown - start:.0f} s", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- timing

@dataclass
class Measured:
    """Timings in ms keyed by (method, order, query number); hits and top-20 ids per query."""

    times: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    hits: dict[int, int] = field(default_factory=dict)
    ids: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    once: set[tuple[str, str, int]] = field(default_factory=set)  # too slow to repeat (see timed)


METHODS = ("search", "naive", "like")
METHOD_LABELS = {"search": "search()", "naive": "naive FTS (every match sorted)", "like": "LIKE '%word%' scan"}


def timed(call: Callable[[], list[int]], warmups: int, repeats: int,
          slow_ms: float) -> tuple[list[float], list[int], bool]:
    """``call`` run ``warmups`` times untimed, then ``repeats`` times: ms of each, ids of the last,
    and whether it was too slow to repeat.

    A call whose warm-up takes over ``slow_ms`` is not run again: at seconds per call the cache
    hardly matters, and a million articles would otherwise take hours. That one time then counts
    ``repeats`` times, so every query keeps the same weight in the pooled percentiles.
    """
    times: list[float] = []
    ids: list[int] = []
    for run in range(warmups + repeats):
        start = time.perf_counter()
        ids = call()
        elapsed = (time.perf_counter() - start) * 1000
        if run >= warmups:
            times.append(elapsed)
        elif elapsed > slow_ms:
            return [elapsed] * repeats, ids, True
    return times, ids, False


def run_statement(engine: Engine, built: tuple[Select, dict[str, str]]) -> Callable[[], list[int]]:
    stmt, params = built

    def call() -> list[int]:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(stmt, params)]
    return call


def run_search(engine: Engine, query: dict[str, str], order: str) -> Callable[[], list[int]]:
    filters = query_filters(query)
    return lambda: [hit.id for hit in search(engine, query["text"], filters=filters, limit=LIMIT, sort=order)]


def measure(backend: Backend, repeat: int, baseline_repeat: int, like_queries: int, slow_ms: float) -> Measured:
    result = Measured()
    with Archive.open(backend.url) as archive:
        engine = archive.engine
        for number, query in enumerate(QUERIES, 1):
            result.hits[number] = count_hits(engine, backend, query)
            for order in ORDERS:
                runs = {"search": (run_search(engine, query, order), 1, repeat),
                        "naive": (run_statement(engine, backend.naive(query["text"], query_filters(query), order)),
                                  1, baseline_repeat)}
                if order == "newest" and number <= like_queries:
                    # A LIKE scan has no relevance: it only stands beside "newest". One warm-up for the
                    # whole set (the first query reads the table into the cache), one run each.
                    runs["like"] = (run_statement(engine, backend.like(query["text"], query_filters(query))),
                                    int(number == 1), 1)
                for method, (call, warmups, repeats) in runs.items():
                    key = (method, order, number)
                    result.times[key], result.ids[key], once = timed(call, warmups, repeats, slow_ms)
                    if once:
                        result.once.add(key)
            print(f"[{backend.name}] {number:2}/{len(QUERIES)} {query['text']!r}: {result.hits[number]:,} hits, "
                  f"search {median(result.times[('search', 'relevance', number)]):.1f}/"
                  f"{median(result.times[('search', 'newest', number)]):.1f} ms", file=sys.stderr, flush=True)
    return result


def count_hits(engine: Engine, backend: Backend, query: dict[str, str]) -> int:
    with engine.connect() as conn:
        stmt, params = backend.count(query["text"], query_filters(query))
        return conn.execute(stmt, params).scalar_one()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return percentile(values, 50)


def pooled(measured: Measured, method: str, order: str) -> list[float]:
    return [t for (m, o, _), times in measured.times.items() if (m, o) == (method, order) for t in times]


def overlap(measured: Measured, order: str, number: int) -> int:
    """How many of search()'s top 20 the rank-everything query also puts in its top 20."""
    return len(set(measured.ids[("search", order, number)]) & set(measured.ids[("naive", order, number)]))


# --------------------------------------------------------------------------- explain

def explain_slowest(backend: Backend, measured: Measured, count: int) -> str:
    """The plans of the statements search() sends for its ``count`` slowest (query, order) pairs."""
    slowest = sorted(((median(times), order, number) for (method, order, number), times in measured.times.items()
                      if method == "search"), reverse=True)[:count]
    out = []
    with Archive.open(backend.url) as archive:
        engine = archive.engine
        for ms, order, number in slowest:
            sent: list[tuple[str, Any]] = []
            listener = lambda conn, cursor, sql, params, context, many: sent.append((sql, params))  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                run_search(engine, QUERIES[number - 1], order)()
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            out.append(f"--- {backend.name}, #{number} {QUERIES[number - 1]['text']!r} {order}: {ms:.1f} ms")
            with engine.connect() as conn:
                for sql, params in sent:
                    if not sql.lstrip().upper().startswith("SELECT") or "information_schema" in sql \
                            or "sqlite_master" in sql:
                        continue
                    out.append(sql.strip())
                    rows = conn.exec_driver_sql(backend.explain(sql), params).all()
                    out.extend("    " + " | ".join(str(v) for v in row) for row in rows)
    return "\n".join(out)


# --------------------------------------------------------------------------- export

def export_supports_parquet() -> bool:
    proc = subprocess.run([sys.executable, "-m", "archive", "export", "--help"], capture_output=True, text=True)
    return "parquet" in proc.stdout


def measure_export(backend: Backend, workdir: Path) -> dict[str, Any]:
    """``portal-archive export --format parquet`` under GNU time: wall seconds, peak RSS, file size."""
    output = workdir / f"export-{backend.name.lower()}.parquet"
    output.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "archive", "export", "--format", "parquet", "--output", str(output),
           "--archive", backend.url]
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"search_bench: export failed: {proc.stderr[-800:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(output).metadata.num_rows
    size = output.stat().st_size
    output.unlink()  # gigabytes, and rebuilt in a minute
    return {"seconds": seconds, "rss_mb": rss_kb / 1024, "bytes": size, "rows": rows}


# --------------------------------------------------------------------------- report

@dataclass
class Run:
    n: int
    seed: int
    repeat: int
    baseline_repeat: int
    like_queries: int
    slow_s: float
    command: str
    # Taken when the run starts, with the code it imported: a build takes long, and the tree may move.
    machine: str = field(default_factory=lambda: describe_machine(machine_info(("SQLAlchemy", "psycopg", "pyarrow"))))
    started: str = field(default_factory=run_date)
    builds: dict[str, dict[str, Any]] = field(default_factory=dict)
    measured: dict[str, Measured] = field(default_factory=dict)
    exports: dict[str, dict[str, Any]] = field(default_factory=dict)
    export_note: str = ""
    versions: dict[str, str] = field(default_factory=dict)


def summary_rows(run: Run) -> list[list[str]]:
    rows = []
    for name, measured in run.measured.items():
        for order in ORDERS:
            for method in METHODS:
                times = pooled(measured, method, order)
                if times:
                    rows.append([name, order, METHOD_LABELS[method], f"{percentile(times, 50):.1f}",
                                 f"{percentile(times, 95):.1f}", str(len(times))])
    return rows


def ratio_rows(run: Run) -> list[list[str]]:
    rows = []
    for name, measured in run.measured.items():
        for order in ORDERS:
            ours = pooled(measured, "search", order)
            cells = [name, order]
            for method in ("naive", "like"):
                theirs = pooled(measured, method, order)
                cells += [f"{percentile(theirs, p) / percentile(ours, p):.1f}×" if theirs else "–" for p in (50, 95)]
            met = percentile(ours, 95) < TARGET_P95_MS
            rows.append(cells + [("met" if met else "**not met**") + f" ({percentile(ours, 95):.0f} ms)"])
    return rows


def query_rows(run: Run) -> list[list[str]]:
    rows = []
    for number, query in enumerate(QUERIES, 1):
        hits = [f"{m.hits[number]:,}" for m in run.measured.values()]
        rows.append([str(number), f"`{query['text']}`", describe_filters(query) or "–", query["why"], *hits])
    return rows


def detail_rows(measured: Measured) -> list[list[str]]:
    rows = []
    for number in range(1, len(QUERIES) + 1):
        cells = [str(number), f"{measured.hits[number]:,}"]
        for method, order in (("search", "relevance"), ("search", "newest"), ("naive", "relevance"),
                              ("naive", "newest"), ("like", "newest")):
            times = measured.times.get((method, order, number))
            mark = "¹" if (method, order, number) in measured.once else ""
            cells.append(f"{median(times):.1f}{mark}" if times else "–")
        cells += [f"{overlap(measured, order, number)}/{min(LIMIT, measured.hits[number])}" for order in ORDERS]
        rows.append(cells)
    return rows


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def describe_builds(run: Run) -> list[str]:
    lines = []
    for name, build in run.builds.items():
        sizes = build["sizes"]
        how = f"reused (built {build['built']} in {build['seconds']:.0f} s)" if build["cached"] \
            else f"built in {build['seconds']:.0f} s"
        if build.get("migrated"):
            how += f", its schema brought up to date by the project's migrations {build['migrated']}"
        lines.append(f"- {name}: {how}; {human_bytes(sizes['total'])} on disk, of which the full-text index "
                     f"{human_bytes(sizes['fts index'])}.")
    return lines


def render(run: Run) -> str:
    return "\n".join([SECTION_START, *_intro(run), *_latency(run), *_per_query(run), *_export(run), SECTION_END])


def _intro(run: Run) -> list[str]:
    plants = ", ".join(f"“{p.text}” {p.share * 100:g} %" for p in vn_corpus.PLANTS)
    return [
        "## Search at a million articles (`benchmarks/search_bench.py`)",
        "",
        f"Reproduce (from the repository root): `{run.command}`",
        "",
        f"Run: {run.started} · machine: {run.machine} · " + " · ".join(f"{k} {v}" for k, v in run.versions.items()),
        "",
        "The machine has 2 cores and is shared: absolute times move between runs, the ratios within one run are "
        "what to compare. PostgreSQL runs with the server's default settings (above).",
        "",
        f"Data set: {run.n:,} generated articles (`benchmarks/vn_corpus.py`, seed {run.seed}, generator "
        f"v{vn_corpus.VERSION}): {len(vn_corpus.SYLLABLES):,} real syllables drawn by Zipf's law into headlines of "
        "8–16 syllables, leads of 24–36 and bodies of 150–450 in sentences and paragraphs (with `body_html`), "
        f"{len(vn_corpus.PORTALS)} portals, {len(vn_corpus.SECTIONS)} sections, {vn_corpus.AUTHORS:,} authors "
        "(0–2 bylines each), publication dates 2005–2026 not correlated with the id (crawl order), planted "
        f"terms: {plants}. Schema from the project's migrations; on SQLite the rows go in under "
        "`archive.fts.bulk_load` (index triggers off, one reindex), on PostgreSQL by COPY (the tsvector is a "
        "generated column) with the GIN indexes built afterwards, then VACUUM ANALYZE. SQLite gets no ANALYZE: "
        "the archive never runs one.",
        *describe_builds(run),
        "",
    ]


def _latency(run: Run) -> list[str]:
    return [
        f"### Latency of the top {LIMIT}, ms (p50/p95 over every query × run)",
        "",
        f"`search()` is `archive.search.search(engine, text, filters=Filters(...), limit={LIMIT}, sort=order)`, "
        f"one warm-up then {plural(run.repeat, 'run', 'runs')} per query. Baselines, with the same filters: the "
        "naive full-text query, every match ranked (bm25 on SQLite, ts_rank on PostgreSQL) or sorted by date, then "
        f"`LIMIT {LIMIT}`, {plural(run.baseline_repeat, 'run', 'runs')} after a warm-up; and "
        "`body LIKE '%w%' OR headline LIKE '%w%' ORDER BY date_published_utc DESC` for the first word w of the "
        f"query as typed, one run per query ({run.like_queries} of {len(QUERIES)} queries; it has no relevance "
        "order, and it looks for the word as typed: `dich` scans the whole table and finds no `dịch`). "
        f"¹ A call whose warm-up took over {run.slow_s:g} s was not run again: that time stands for all its runs.",
        "",
        *table(["backend", "order", "method", "p50", "p95", "timings"], summary_rows(run)),
        "",
        f"Baseline ÷ search(), and the target p95 < {TARGET_P95_MS} ms for search():",
        "",
        *table(["backend", "order", "naive p50", "naive p95", "LIKE p50", "LIKE p95", "target"], ratio_rows(run)),
        "",
    ]


def _per_query(run: Run) -> list[str]:
    lines = [
        "### Queries",
        "",
        *table(["#", "query", "filters", "what it exercises", *[f"hits {n}" for n in run.measured]],
               query_rows(run)),
        "",
        f"Overlap: how many of search()'s top {LIMIT} the naive query also returns. In newest order both sort the "
        "same way, ties included, so anything short of complete would be a bug. In relevance order search() "
        f"scores a pool of the newest matches ({CANDIDATES['sqlite']:,} on SQLite, {CANDIDATES['postgresql']:,} "
        "on PostgreSQL: `archive.search.CANDIDATES`) its own way (archive/search.py), so the overlap shows how "
        "close its top 20 comes to ranking every match by bm25 (SQLite) or ts_rank (PostgreSQL).",
        "",
    ]
    for name, measured in run.measured.items():
        lines += [f"#### {name}: p50 ms per query, top-{LIMIT} overlap with the naive query", "",
                  *table(["#", "hits", "search relevance", "search newest", "naive relevance", "naive newest",
                          "LIKE", "overlap relevance", "overlap newest"], detail_rows(measured)), ""]
    return lines


def _export(run: Run) -> list[str]:
    lines = ["### Parquet export", ""]
    if not run.exports:
        return lines + [run.export_note or "Not measured in this run (`--export`)."]
    lines += table(["archive", "rows", "wall s", "peak RSS", "file"],
                   [[name, f"{e['rows']:,}", f"{e['seconds']:.0f}", f"{e['rss_mb']:.0f} MB", human_bytes(e["bytes"])]
                    for name, e in run.exports.items()])
    return lines + ["", f"`portal-archive export --format parquet --output FILE --archive URL` under GNU "
                    f"`/usr/bin/time -v`; target peak RSS < {TARGET_EXPORT_RSS_MB} MB."]


# --------------------------------------------------------------------------- main

def server_versions(backends: list[Backend]) -> dict[str, str]:
    versions = {}
    for backend in backends:
        with Archive.open(backend.url) as archive, archive.engine.connect() as conn:
            if isinstance(backend, SQLiteBackend):
                versions["SQLite"] = conn.exec_driver_sql("SELECT sqlite_version()").scalar_one()
            else:
                version = conn.exec_driver_sql("SHOW server_version").scalar_one().split()[0]
                # Defaults matter here: work_mem decides whether a big bitmap scan goes lossy.
                settings = ", ".join(f"{name} {conn.exec_driver_sql(f'SHOW {name}').scalar_one()}"
                                     for name in ("shared_buffers", "work_mem", "jit"))
                versions["PostgreSQL"] = f"{version} ({settings})"
    return versions


# The options that change what a run measures or writes, in the order the command shows them.
MEASURING_OPTIONS = ("articles", "seed", "backends", "repeat", "baseline_repeat", "like_queries", "slow_s", "export",
                     "write")


def reproduce_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    command = 'eval "$(.ci/services)"; .venv/bin/python benchmarks/search_bench.py'
    for name in MEASURING_OPTIONS:
        value = getattr(args, name)
        if value != parser.get_default(name):
            flag = "--" + name.replace("_", "-")
            command += f" {flag}" if value is True else f" {flag} {value}"
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="size of the generated archive")
    parser.add_argument("--seed", type=int, default=vn_corpus.SEED)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="where the SQLite archive is kept")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--rebuild", action="store_true", help="generate the archives again even if cached")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of search() per query and order")
    parser.add_argument("--baseline-repeat", type=int, default=2, help="timed runs of the naive FTS baseline")
    parser.add_argument("--like-queries", type=int, default=len(QUERIES), help="run the LIKE scan on the first N")
    parser.add_argument("--slow-s", type=float, default=10.0,
                        help="a call whose warm-up takes longer is timed by that run alone")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the archives, measure nothing")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="print the query plans of search()'s N slowest queries per backend")
    parser.add_argument("--export", action="store_true", help="also measure portal-archive export --format parquet")
    parser.add_argument("--write", help="write the results as a section of this Markdown file")
    args = parser.parse_args(argv)

    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    backends: list[Backend] = []
    if "sqlite" in wanted:
        backends.append(SQLiteBackend(args.workdir, args.articles))
    if "postgresql" in wanted:
        if not os.environ.get(PG_ADMIN_ENV):
            print(f"search_bench: {PG_ADMIN_ENV} is not set: run eval \"$(.ci/services)\" first", file=sys.stderr)
            return 2
        backends.append(PostgresBackend(os.environ[PG_ADMIN_ENV], args.articles))

    run = Run(args.articles, args.seed, args.repeat, args.baseline_repeat, min(args.like_queries, len(QUERIES)),
              args.slow_s, reproduce_command(parser, args))
    for backend in backends:
        run.builds[backend.name] = build = backend.ensure(args.articles, args.seed, args.rebuild)
        print(f"[{backend.name}] {json.dumps(build)}", file=sys.stderr)
    if args.build_only:
        return 0
    run.versions = server_versions(backends)
    for backend in backends:
        run.measured[backend.name] = measure(backend, args.repeat, args.baseline_repeat, run.like_queries,
                                             args.slow_s * 1000)
        if args.explain:
            print(explain_slowest(backend, run.measured[backend.name], args.explain))
    if args.export:
        if export_supports_parquet():
            run.exports = {b.name: measure_export(b, args.workdir) for b in backends}
        else:
            run.export_note = "Not measured: `portal-archive export` has no `--format parquet` yet."
    publish(render(run), args.write, SECTION_START, SECTION_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
