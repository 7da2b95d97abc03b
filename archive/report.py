"""Human-readable terminal output (Rich) for CLI commands; machine formats stay in the commands."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text


def print_extract_table(results: list[dict]) -> None:
    """One row per extracted page: what it is, and the main fields found."""
    table = Table(title="portal-archive extract", show_lines=True)
    for column in ("source", "platform", "article?", "headline / reason", "datePublished", "authors", "body chars"):
        table.add_column(column, overflow="fold")
    for r in results:
        is_article = bool(r.get("isArticle"))
        table.add_row(
            _short(r.get("source", "")),
            r.get("platform", ""),
            "yes" if is_article else "no",
            r.get("headline", "") if is_article else (r.get("reason") or r.get("error", "")),
            r.get("datePublished") or "",
            ", ".join(a["name"] + (f" ({a['role']})" if a.get("role") else "") for a in r.get("authors", [])),
            str(len(r.get("articleBody", ""))) if is_article else "",
        )
    _console().print(table)


def _short(path: str, keep: int = 3) -> str:
    return "/".join(path.split("/")[-keep:])


def print_runs_table(runs: list[dict]) -> None:
    """Crawl runs, newest first, with what each one found and failed (fits an 80-column terminal)."""
    from .health import health

    table = Table(title="crawl runs")
    for column in ("run", "portal", "status", "started (UTC)", "took", "pages", "new", "changed", "same", "errors",
                   "health"):
        table.add_column(column, no_wrap=column in ("status", "started (UTC)"))
    for run in runs:
        counts = run.get("counts") or {}
        table.add_row(
            str(run["id"]), run.get("portal") or "", run["status"], (run.get("startedAt") or "")[:16].replace("T", " "),
            _took(run.get("startedAt"), run.get("finishedAt")),
            *(str(counts.get(key, 0)) for key in ("pages", "articles_new", "articles_changed", "articles_unchanged", "errors")),
            health(run),
        )
    _console().print(table)


def print_run_problems(run: dict) -> None:
    """``runs --failures ID``: the run's verdict, its failed pages by reason, and its fields that fell."""
    from .health import health, problems

    counts = run.get("counts") or {}
    console = _console()
    rate = counts.get("failure_rate")
    console.print(Text(f"run {run['id']} ({run['status']}): {health(run) or 'no verdict yet'}; "
                       f"{counts.get('errors', 0)} of {counts.get('pages', 0)} pages failed"
                       + (f" ({rate:.1%}, limit {counts['max_failure_rate']:.0%})" if rate is not None
                          and counts.get("max_failure_rate") is not None else "")))
    for line in problems(counts):
        console.print(Text(f"  {line}"))
    table = Table(title="failed pages by reason")
    for column in ("reason", "pages", "examples"):
        table.add_column(column, overflow="fold")
    for failure in counts.get("failures") or []:
        table.add_row(Text(failure["reason"]), str(failure["pages"]), Text("\n".join(failure["examples"])))
    console.print(table)


def _took(started: str | None, finished: str | None) -> str:
    from datetime import datetime

    if not started or not finished:
        return ""
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f}m"


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=160)  # piped: no terminal width to fit


def print_articles_table(articles: list[dict]) -> None:
    """The stored articles: what a reader would want to check first."""
    table = Table(title=f"{len(articles)} articles in the archive", show_lines=False)
    for column in ("datePublished", "platform", "headline", "authors", "attachments"):
        table.add_column(column, overflow="fold")
    for a in sorted(articles, key=lambda a: a.get("datePublished") or "", reverse=True):
        table.add_row((a.get("datePublished") or "")[:16], a.get("platform") or "", a.get("headline") or "",
                      ", ".join(x["name"] for x in a.get("authors", [])), str(len(a.get("attachments", []))))
    _console().print(table)


def print_search_table(hits: list[dict], query: str = "") -> None:
    """Search hits in rank order; the snippet's [brackets] mark the matched words."""
    table = Table(title=Text(f"{len(hits)} hits for {query!r}" if query else f"{len(hits)} hits"), show_lines=True)
    for column in ("id", "datePublished", "portal", "headline", "snippet"):
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for h in hits:
        # Text, not str: Rich would read "[Đảng]" in a snippet as a markup tag.
        table.add_row(str(h["id"]), (h.get("datePublished") or "")[:10], Text(h.get("portal") or ""),
                      Text(h.get("headline") or ""), Text(h.get("snippet") or ""))
    _console().print(table)


def print_verify_summary(directory, counts: list[tuple[str, int]]) -> None:
    """What `verify` checked in a WARC directory, and how many problems it found."""
    table = Table(title=Text(f"fixity of {directory}"))
    table.add_column("checked")
    table.add_column("count", justify="right")
    for name, count in counts:
        table.add_row(name, str(count), style="bold red" if name == "problems" and count else None)
    _console().print(table)
