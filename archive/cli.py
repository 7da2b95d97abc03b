"""``portal-archive``: the project's one console script.

Thin by design: each command parses its options and calls library code. Errors are one
clear line on stderr, never a traceback; exit codes are 0 ok, 1 runtime failure, 2 usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .pages import page_url_from_meta, read_page

ARCHIVE_OPTION = click.option(
    "--archive", "archive_url", envvar="PORTAL_ARCHIVE_URL", default="sqlite:///archive.db", show_default=True,
    help="SQLAlchemy URL of the archive (env PORTAL_ARCHIVE_URL).")


WARC_DIR_OPTION = click.option(
    "--warc-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PORTAL_ARCHIVE_WARC_DIR",
    help="Directory of the archive's WARC files (env PORTAL_ARCHIVE_WARC_DIR; default: <archive file>.warc beside "
         "a SQLite archive; required for PostgreSQL).")


REDIS_PREFIX_OPTION = click.option(
    "--redis-prefix", envvar="PORTAL_ARCHIVE_REDIS_PREFIX", default="portal-archive", show_default=True,
    help="Prefix of this deployment's Redis keys (env PORTAL_ARCHIVE_REDIS_PREFIX): <prefix>:requests, … .")


def _warc_dir(archive_url: str, given: Path | None) -> Path:
    """WARC_DIR for this archive, or one line (exit 2) when a PostgreSQL archive comes without one."""
    from .warc import WarcDirError, warc_dir_for

    try:
        return warc_dir_for(archive_url, given)
    except WarcDirError as exc:
        raise OneLineUsageError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 — an unparseable --archive URL
        raise OneLineUsageError(f"cannot read archive URL {archive_url!r}: {_first_line(exc)}") from None


def filter_options(command):
    """The article filters shared by search, export and stats (archive/filters.py)."""
    options = [
        click.option("--portal", help="Only articles of this portal (its slug)."),
        click.option("--section", help="Only articles of a section whose name contains this (accents and case ignored)."),
        click.option("--author", help="Only articles by an author whose name contains this (accents and case ignored)."),
        click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD, UTC)."),
        click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD, UTC)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(options: dict):
    """The Filters of a command's options, or one line naming the bad value (a date that is not ISO)."""
    from .filters import FilterError, Filters

    try:
        return Filters.of(**options)
    except FilterError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def cli() -> None:
    """Crawl Liferay and WebSphere government portals, extract clean articles, keep a searchable archive."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The URL the page was fetched from: resolves relative links, helps tell articles from lists.")
@click.option("--base-url-from-meta", is_flag=True,
              help="Take each page's URL from a meta.json beside it, or from the page's canonical link or mirror comment.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl", show_default=True,
              help="jsonl: one object per line; json: indented objects; table: a summary for reading.")
def extract(files: tuple[Path, ...], url: str | None, base_url_from_meta: bool, fmt: str) -> None:
    """Extract the article of each saved page FILE; print one JSON object per file (JSON Lines).

    Each object has "source" (the file) and the Article fields (headline, datePublished, authors,
    articleBody, …), or "isArticle": false with a "reason" for listings, home pages and other
    non-articles. A file that cannot be read gets an "error" and the other files are still processed.
    """
    from spiders.extract import extract_article  # imported here: `--help` stays fast

    failed, rows = 0, []
    for path in files:
        result = _extract_one(extract_article, path, url, base_url_from_meta)
        if "error" in result:
            failed += 1
            click.echo(f"portal-archive: {path}: {result['error']}", err=True)
        if fmt == "table":
            rows.append(result)
        else:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2 if fmt == "json" else None))
    if rows:
        from .report import print_extract_table

        print_extract_table(rows)
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("url", required=False)
@click.option("--portal", "slug", help="Crawl one portal of the registry by its slug.")
@click.option("--all", "all_portals", is_flag=True, help="Crawl every portal of the registry.")
@click.option("--registry", type=click.Path(dir_okay=False), help="Portal registry file (default: spiders/portals.toml).")
@ARCHIVE_OPTION
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many responses.")
@click.option("--max-depth", type=click.IntRange(min=0), help="Follow links at most this many steps from a start page.")
@click.option("--full", is_flag=True, help="Fetch every page again: no conditional requests, every pager to its end "
                                           "(a repeat crawl is otherwise incremental).")
@click.option("--no-politeness", is_flag=True, help="No robots.txt, delays or throttling: loopback targets only (benchmarks).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log here.")
@WARC_DIR_OPTION
@click.option("--distributed", "redis_url", metavar="REDIS_URL",
              help="Be one worker of a distributed crawl: take requests from this Redis (what `portal-archive enqueue` "
                   "queued), store into the shared PostgreSQL archive, exit when the whole run is idle.")
@REDIS_PREFIX_OPTION
@click.option("--idle-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
              help="With --distributed: exit once the run has been idle (no request queued or in flight on any worker) "
                   "this long, or when no run is enqueued within it (default: ARCHIVE_REDIS_IDLE_TIMEOUT, 30).")
def crawl(url, slug, all_portals, full, registry, archive_url, max_pages, max_depth, no_politeness, log_file,
          warc_dir, redis_url, redis_prefix, idle_timeout) -> None:
    """Crawl a portal (URL, --portal SLUG or --all) into the archive; or, with --distributed, work a shared queue.

    A crawl that did not finish (killed, even with kill -9) is resumed by the next crawl of its portals:
    the requests it left are queued again, and what it finished is not fetched again.

    \b
    Exit codes, for cron and systemd:
      0  the run finished
      1  crash, or the run did not finish (interrupted)
      2  usage error
      3  the run finished, but its failed pages are over ARCHIVE_MAX_FAILURE_RATE
         or it is degraded: field coverage fell (`portal-archive runs --failures ID`)
      4  another run holds the lock of one of these portals (nothing was crawled)
    """
    from .crawl import run_crawl, run_worker

    if redis_url:
        if url or slug or all_portals:
            raise OneLineUsageError("--distributed takes no URL, --portal or --all: workers crawl what "
                                    "`portal-archive enqueue` queued")
        _check_distributed(archive_url, redis_url)
        run_id = _or_exit(_nothing_enqueued_is_done(run_worker), redis_url=redis_url, prefix=redis_prefix, idle_timeout=idle_timeout,
                          registry=registry, archive_url=archive_url, max_pages=max_pages, polite=not no_politeness,
                          log_file=log_file, progress=sys.stderr.isatty(), warc_dir=_warc_dir(archive_url, warc_dir))
    else:
        if sum(bool(x) for x in (url, slug, all_portals)) != 1:
            raise click.UsageError("give exactly one of URL, --portal SLUG or --all")
        run_id = _or_exit(run_crawl, url=url, slug=slug, all_portals=all_portals, full=full, registry=registry,
                          archive_url=archive_url, max_pages=max_pages, max_depth=max_depth, polite=not no_politeness,
                          log_file=log_file, progress=sys.stderr.isatty(), warc_dir=_warc_dir(archive_url, warc_dir))
    from .report import print_runs_table

    with _open_archive(archive_url) as archive:
        run = archive.run(run_id)
    print_runs_table([run])  # the summary of the run that just ended
    if redis_url and run["status"] == "running":  # this worker is done; another closes the run
        click.echo(f"worker done: run {run['id']} goes on with the other workers", err=True)
        return
    _exit_for(run)


def _nothing_enqueued_is_done(run_worker):
    """A worker that found no run to work on says so in one line and exits 0: it did all there was to do."""
    from .crawl import NothingEnqueued

    def start(**options):
        try:
            return run_worker(**options)
        except NothingEnqueued as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(0) from None
    return start


def _or_exit(start, **options):
    """What start (run_crawl, run_worker or enqueue) returns, or an exit with one line (4: a lock is held)."""
    from .crawl import CrawlError
    from .locks import LockError, LockHeld

    try:
        run_id = start(**options)
    except LockHeld as exc:
        raise ExitError(str(exc), LOCKED) from None
    except (CrawlError, LockError) as exc:  # LockError: the lock folder is not writable, an environment error (1)
        raise click.ClickException(str(exc)) from None
    if run_id is None:
        raise click.ClickException("the crawl stopped before it opened a run in the archive (see its log)")
    return run_id


def _check_distributed(archive_url: str, redis_url: str) -> None:
    """One line (exit 2) unless workers can share this archive (PostgreSQL) and this Redis answers."""
    from sqlalchemy.engine import make_url

    from .distributed import DistributedError, connect

    try:
        backend = make_url(archive_url).get_backend_name()
    except Exception as exc:  # noqa: BLE001 — an unparseable --archive URL
        raise OneLineUsageError(f"cannot read archive URL {archive_url!r}: {_first_line(exc)}") from None
    if backend != "postgresql":
        raise OneLineUsageError(f"distributed crawls need a PostgreSQL archive every worker can reach, not {archive_url}")
    try:
        connect(redis_url).close()
    except DistributedError as exc:
        raise OneLineUsageError(str(exc)) from None


@cli.command()
@click.option("--portal", "slug", help="Queue this portal of the registry (its start pages and sitemap).")
@click.option("--all", "all_portals", is_flag=True, help="Queue every portal of the registry.")
@click.option("--url", help="Queue this page: of --portal SLUG, or alone an ad-hoc portal (its host), as `crawl URL`.")
@click.option("--redis", "redis_url", envvar="PORTAL_ARCHIVE_REDIS", required=True, metavar="REDIS_URL",
              help="The Redis of the workers (env PORTAL_ARCHIVE_REDIS), e.g. redis://queue.internal:6379/0.")
@REDIS_PREFIX_OPTION
@click.option("--registry", type=click.Path(dir_okay=False), help="Portal registry file (default: spiders/portals.toml).")
@click.option("--full", is_flag=True, help="A new run fetches every page again, as `crawl --full` (a run is otherwise "
                                           "incremental for portals the archive holds articles of).")
@ARCHIVE_OPTION
def enqueue(slug, all_portals, url, redis_url, redis_prefix, registry, full, archive_url) -> None:
    """Seed a distributed crawl: queue portals' start pages in Redis for `crawl --distributed` workers.

    Opens a run in the archive that all workers store into, or adds to the open one. Like a repeat
    `crawl`, a new run is incremental for portals the archive holds articles of (known articles
    re-validated with conditional requests, paging stopped at known ones), unless --full.

    \b
    Exit codes: 0 queued, 1 failure, 2 usage error (a SQLite archive, Redis unreachable),
    4 a single-process run holds the lock of one of these portals.
    """
    from .crawl import enqueue as enqueue_seeds

    if bool(slug) + all_portals + bool(url and not slug) != 1:
        raise click.UsageError("give --portal SLUG (optionally with --url URL), --all, or --url URL")
    _check_distributed(archive_url, redis_url)
    run_id, queued = _or_exit(enqueue_seeds, redis_url=redis_url, prefix=redis_prefix, archive_url=archive_url,
                              url=url, slug=slug, all_portals=all_portals, registry=registry, full=full)
    click.echo(f"run {run_id}: queued {queued} new requests in {redis_prefix}:requests")


def _run_with_failures(archive, run_id: int) -> dict:
    """The run, with its failures read from the pages table if it has no summary yet (still running)."""
    from .health import failure_summary

    run = archive.run(run_id)
    if run is None:
        raise click.ClickException(f"no run {run_id} in the archive")
    if "failures" not in run["counts"]:
        run["counts"]["failures"] = failure_summary(archive.run_failures(run_id))
    return run


def _exit_for(run: dict) -> None:
    """Exit 1 for a run that did not finish, 3 (a warning line per problem) for one that is not healthy."""
    from .health import problems

    if run["status"] != "finished":
        raise click.ClickException(f"run {run['id']} did not finish ({run['status']})")
    lines = problems(run["counts"])
    for line in lines:
        click.echo(f"warning: run {run['id']}: {line}", err=True)
    if lines:
        sys.exit(UNHEALTHY)


@cli.command()
@ARCHIVE_OPTION
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many runs, newest first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--failures", "failures_of", type=int, metavar="RUN_ID",
              help="Show why run RUN_ID is unhealthy: failed pages by reason, with examples, and fields that fell.")
def runs(archive_url: str, limit: int, fmt: str, failures_of: int | None) -> None:
    """List crawl runs with their counts: pages, new/changed/unchanged articles, errors, health.

    A run still "running" whose crawl is gone (killed: its run lock is free) is marked "interrupted".
    """
    from .resume import settle_dead_runs

    with _open_archive(archive_url) as archive:
        settle_dead_runs(archive, archive_url, archive.runs(limit))  # killed runs (kill -9) still say "running"
        rows = archive.runs(limit) if failures_of is None else [_run_with_failures(archive, failures_of)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif failures_of is not None:
        from .report import print_run_problems

        print_run_problems(rows[0])
    else:
        from .report import print_runs_table

        print_runs_table(rows)


@cli.command()
@click.argument("key")
@ARCHIVE_OPTION
@click.option("--versions", is_flag=True, help="Also print every kept version of the article.")
@click.option("--diff", is_flag=True, help="Print the history as text instead: each version (number, capture time, "
                                           "run) and a unified diff of the fields that changed (implies --versions).")
def show(key: str, archive_url: str, versions: bool, diff: bool) -> None:
    """Print one article (by id, URL or identity) as JSON; with --diff, its history of versions as text."""
    from .urls import identity

    with _open_archive(archive_url) as archive:
        found = archive.get_article(int(key)) if key.isdigit() else archive.get_article(identity(key)) or archive.get_article(key)
        if found is None:
            raise click.ClickException(f"no article {key!r} in the archive")
        if versions or diff:
            found["allVersions"] = archive.get_versions(found["id"])
    if diff:
        from .history import render_history

        click.echo(render_history(found, found["allVersions"]))
    else:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))


@cli.command()
@ARCHIVE_OPTION
@filter_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True,
              help="jsonl: the full Article object per line; csv: one flat row per article; "
                   "parquet: the same columns, typed (needs --output and the parquet extra).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write here (replaced only once the export is complete) instead of stdout.")
def export(archive_url: str, fmt: str, output: Path | None, **filters) -> None:
    """Stream the stored articles (all, or those the filters keep) in constant memory."""
    from sqlalchemy.exc import SQLAlchemyError

    from .export import ExportError
    from .export import export as run_export

    where = _filters(filters)
    if fmt == "parquet" and output is None:
        raise OneLineUsageError("parquet is binary: give --output FILE")
    with _open_archive(archive_url) as archive:
        try:
            count = run_export(archive, fmt, output, where)
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # `export | head`: the reader has all it wanted
            _silence_stdout()
            sys.exit(1)
        except (OSError, SQLAlchemyError) as exc:
            raise click.ClickException(f"export failed: {_first_line(exc)}") from None
    if output is not None:
        click.echo(f"exported {count} articles to {output}", err=True)


@cli.command()
@click.argument("query")
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many hits.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip this many hits (paging).")
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance", show_default=True,
              help="relevance: best match first (headline hits count most); newest: latest publication first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--raw", is_flag=True, help="QUERY is FTS5 syntax, passed through (accents still folded).")
@ARCHIVE_OPTION
def search(query, limit, offset, sort, fmt, raw, archive_url, **filters) -> None:
    """Full-text search, accents and case ignored: "dan van" finds "dân vận", "dang" finds "Đảng".

    QUERY: words (all must occur), "a phrase", prefix*, -excluded, a OR b.
    """
    from .search import SearchError, build_query
    from .search import search as run_search

    where = _filters(filters)
    if not query.strip() or (not raw and build_query(query) is None):
        raise click.ClickException(f"nothing to search for in {query!r}: give at least one word")
    with _open_archive(archive_url) as archive:
        try:
            hits = run_search(archive.engine, query, filters=where, limit=limit, offset=offset, sort=sort, raw=raw)
        except SearchError as exc:
            raise click.ClickException(str(exc)) from None
    rows = [hit.to_dict() for hit in hits]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(click.get_text_stream("stdout"), fieldnames=SEARCH_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        from .report import print_search_table

        print_search_table(rows, query)


SEARCH_FIELDS = ("id", "headline", "datePublished", "portal", "url", "snippet", "score")


@cli.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table: months down, portals across, with totals; json and csv: for machines.")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also draw articles per month per portal as a PNG here (the plot extra).")
@ARCHIVE_OPTION
def stats(fmt: str, plot: Path | None, archive_url: str, **filters) -> None:
    """Count articles per portal and month of publication (UTC); "undated" when an article has no date."""
    import csv

    from .export import ExportError, replaced_atomically
    from .stats import StatsError, monthly_counts, plotter, print_table

    where = _filters(filters)
    try:
        draw = plotter() if plot else None  # a missing extra fails before the query
        with _open_archive(archive_url) as archive:
            counts = monthly_counts(archive.engine, where)
        if draw:
            with replaced_atomically(plot) as temporary:
                draw(counts, temporary)
            click.echo(f"wrote {plot}", err=True)
    except (StatsError, ExportError) as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(counts.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(click.get_text_stream("stdout"), fieldnames=("portal", "month", "articles"),
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(counts.rows())
    else:
        print_table(counts)


@cli.command()
@ARCHIVE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default keeps the archive on this machine.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0: any free port).")
def serve(archive_url: str, host: str, port: int) -> None:
    """Browse, facet and search the SQLite archive in Datasette (the datasette extra), read-only, until Ctrl-C."""
    from .serve import ServeError, sqlite_file
    from .serve import serve as run_server

    try:
        path = sqlite_file(archive_url)
        with _open_archive(archive_url):
            pass  # refuses a missing file; brings an old archive's schema (its search index) up to date
        run_server(path, host, port, announce=lambda url: click.echo(f"serving {path} read-only at {url} "
                                                                     "(Ctrl-C to stop)"))
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@ARCHIVE_OPTION
@WARC_DIR_OPTION
@click.option("--repair", is_flag=True, help="First repair the WARC files a killed run left: index each file without "
                                             "its .cdxj and move a half-written record at its end to <file>.truncated "
                                             "(every crawl does this at start too).")
def verify(archive_url: str, warc_dir: Path | None, repair: bool) -> None:
    """Recompute the digests of every WARC record, captures row and captured attachment; exit 1 on any problem.

    Each problem is one line naming the WARC file, the record's id and its offset. A file a killed run left
    unindexed is one ("CDXJ index missing"): --repair indexes it, one line per file repaired.
    """
    from .report import print_verify_summary
    from .verify import verify as run_verify

    directory = _warc_dir(archive_url, warc_dir)
    if repair:
        from .warc_repair import repair as repair_files

        for repaired in repair_files(directory):
            click.echo(repaired.line())
    with _open_archive(archive_url) as archive:
        report = run_verify(archive, directory)
    for problem in report.problems:
        click.echo(problem.line())
    print_verify_summary(directory, report.summary())
    if not report.ok:
        raise click.ClickException(f"{len(report.problems)} fixity problem(s) in {directory}")


@cli.command()
@ARCHIVE_OPTION
@WARC_DIR_OPTION
def demo(archive_url: str, warc_dir: Path | None) -> None:
    """Serve the bundled sample portal on 127.0.0.1, crawl it into the archive, print what was stored and a search."""
    from .crawl import run_crawl
    from .report import print_articles_table, print_runs_table, print_search_table
    from .sample import serve
    from .search import search as search_archive

    captures = _warc_dir(archive_url, warc_dir)  # before serving: a PostgreSQL archive needs --warc-dir
    with serve(slow_seconds=0.2) as server:
        click.echo(f"sample portal at {server.url}/ — crawling it into {archive_url}", err=True)
        run_crawl(url=server.url + "/", archive_url=archive_url, polite=False, log_file=None, quiet=True,
                  warc_dir=captures)
    with _open_archive(archive_url) as archive:
        print_runs_table(archive.runs(1))
        print_articles_table(list(archive.iter_articles()))
        query = "chuyen doi so"  # typed without accents, as analysts do; finds "chuyển đổi số"
        print_search_table([hit.to_dict() for hit in search_archive(archive.engine, query, limit=5)], query)


UNHEALTHY = 3  # crawl: finished, but failures over the limit or degraded coverage
LOCKED = 4  # crawl: another run holds a portal's lock


class ExitError(click.ClickException):
    """A one-line error with an exit code of its own (crawl's 3 and 4)."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class OneLineUsageError(click.ClickException):
    """A usage error (exit 2) told in one line, without click's usage banner."""

    exit_code = 2


def _first_line(exc: BaseException) -> str:
    """A database or OS error's first line: SQLAlchemy appends the statement and a link."""
    error = getattr(exc, "orig", None) or exc
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush does not fail again on the closed pipe."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _open_archive(url: str):
    """The archive, or one clear line: a reading command must never create a new empty archive by accident."""
    from .store import Archive

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise click.ClickException(f"no archive at {url} (crawl first, or pass --archive)")
    try:
        return Archive.open(url)
    except Exception as exc:  # noqa: BLE001 — a bad URL or a locked/corrupt file: one line, no traceback
        raise click.ClickException(f"cannot open archive {url}: {exc}") from None


def _extract_one(extract_article, path: Path, url: str | None, from_meta: bool) -> dict:
    try:
        raw = read_page(path)
    except (OSError, ValueError) as exc:
        return {"source": str(path), "isArticle": False, "error": _reason(exc)}
    page_url = url or (page_url_from_meta(path, raw) if from_meta else None)
    try:
        result = extract_article(raw, url=page_url).to_dict()
    except Exception as exc:  # noqa: BLE001 — one bad page must not stop the others
        return {"source": str(path), "isArticle": False, "error": f"extraction failed: {type(exc).__name__}: {exc}"}
    return {"source": str(path), **result}


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc) or type(exc).__name__


def main() -> None:
    """Console-script entry point: usage errors exit 2 with one line, as click does."""
    cli(prog_name="portal-archive")


__all__ = ["cli", "main"]
