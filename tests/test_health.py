"""A run's verdict against a real archive, on SQLite and PostgreSQL: coverage measured in SQL, baselines from
earlier comparable runs, failure reasons kept in the run, alerts delivered without ever failing the run."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from conftest import BACKENDS, archive_database

from archive.alerts import send_alert
from archive.health import AlertTargets, Limits, finish
from archive.store import Archive

LIMITS = Limits(max_failure_rate=0.1, coverage_drop=0.2)


@pytest.fixture(params=BACKENDS)
def archive(request, tmp_path):
    with archive_database(request.param, tmp_path) as url, Archive.open(url) as opened:
        yield opened


def article(n: int, dated: bool = True, signed: bool = True) -> dict:
    return {"url": f"http://p.example/a/{n}", "headline": f"Tin số {n}", "articleBody": f"Nội dung {n}.",
            "datePublished": "2024-03-14T08:30:00+07:00" if dated else None,
            "authors": [{"name": f"Phóng viên {n % 3}"}] if signed else []}


def crawl(archive: Archive, articles: list[dict], settings: dict | None = None, failed: int = 0, **targets) -> dict:
    """A run of portal "p" that stores ``articles`` and fetches one page per article plus ``failed`` failures."""
    run = archive.start_run("p", settings={"portals": ["p"], **(settings or {})})
    for a in articles:
        archive.record_page(run, a["url"], None, 200)
        archive.store_article(run, a, a["url"].removeprefix("http://"), portal_slug="p")
    for n in range(failed):
        archive.record_page(run, f"http://p.example/gone/{n}", None, 404, error="HTTP 404")
    finish(archive, run, "finished", LIMITS, AlertTargets(**targets))
    return archive.run(run)


def test_a_healthy_run_stores_its_coverage_and_no_problem(archive):
    run = crawl(archive, [article(n, signed=n % 2 == 0) for n in range(10)])
    counts = run["counts"]
    assert counts["coverage"] == {"p": {"articles": 10, "headline": 1.0, "datePublished": 1.0, "articleBody": 1.0,
                                        "authors": 0.5}}
    assert counts["degraded"] == [] and counts["failure_rate"] == 0.0 and counts["max_failure_rate"] == 0.1


def test_dates_and_authors_that_vanish_degrade_the_run_and_raise_an_alert(archive, tmp_path):
    for _ in range(2):
        crawl(archive, [article(n) for n in range(10)])
    alerts = tmp_path / "alerts.jsonl"
    run = crawl(archive, [article(n, dated=False, signed=False) for n in range(10)], file=str(alerts))
    assert run["counts"]["coverage"]["p"]["datePublished"] == 0.0
    assert run["counts"]["degraded"] == [
        {"portal": "p", "field": "datePublished", "before": 1.0, "now": 0.0},
        {"portal": "p", "field": "authors", "before": 1.0, "now": 0.0}]
    (line,) = alerts.read_text(encoding="utf-8").splitlines()
    alert = json.loads(line)
    assert alert["run"] == run["id"] and alert["portals"] == ["p"] and alert["degraded"] == run["counts"]["degraded"]
    assert alert["problems"] == ["degraded: p: datePublished in 0% of articles (was 100%)",
                                 "degraded: p: authors in 0% of articles (was 100%)"]


def test_articles_not_seen_again_count_as_missing(archive):
    crawl(archive, [article(n) for n in range(20)])
    run = crawl(archive, [article(n) for n in range(6)])  # the other 14 were stored by the earlier run only
    assert run["counts"]["coverage"]["p"]["articles"] == 6
    assert run["counts"]["degraded"] == [{"portal": "p", "field": "articles", "before": 20, "now": 6}]


def test_an_incremental_run_sees_fewer_articles_without_being_degraded_but_its_fields_are_judged(archive):
    crawl(archive, [article(n) for n in range(20)])  # the first crawl finds everything
    nightly = crawl(archive, [article(n) for n in range(6)], settings={"incremental": ["p"]})
    assert nightly["counts"]["degraded"] == []  # it stopped paging at known articles: fewer is normal
    redesigned = crawl(archive, [article(n, dated=False) for n in range(6)], settings={"incremental": ["p"]})
    assert [d["field"] for d in redesigned["counts"]["degraded"]] == ["datePublished"]
    empty = crawl(archive, [], settings={"incremental": ["p"]})
    assert empty["counts"]["degraded"] == [{"portal": "p", "field": "articles", "before": 6, "now": 0}]


def test_a_run_resuming_a_killed_one_finds_fewer_articles_and_is_no_baseline_of_their_number(archive):
    crawl(archive, [article(n) for n in range(20)])
    resumed = crawl(archive, [article(n) for n in range(6)], settings={"resumed": ["p"]})  # the killed run stored 14
    assert resumed["counts"]["degraded"] == []
    fewer = crawl(archive, [article(n) for n in range(9)])
    assert fewer["counts"]["degraded"] == [{"portal": "p", "field": "articles", "before": 20, "now": 9}]


def test_a_run_with_other_page_limits_is_no_baseline(archive):
    crawl(archive, [article(n) for n in range(20)])
    capped = crawl(archive, [article(n) for n in range(4)], settings={"maxPages": 10})
    assert capped["counts"]["degraded"] == []  # nothing capped at 10 pages to compare with
    again = crawl(archive, [article(n) for n in range(20)])
    assert again["counts"]["degraded"] == []  # compared with the full run, not the capped one


def test_failures_over_the_limit_keep_their_reasons_in_the_run(archive):
    run = crawl(archive, [article(n) for n in range(8)], failed=2)
    counts = run["counts"]
    assert counts["failure_rate"] == 0.2
    assert counts["failures"] == [{"reason": "HTTP 404", "pages": 2,
                                   "examples": ["http://p.example/gone/0", "http://p.example/gone/1"]}]


def test_a_broken_webhook_logs_one_line_and_the_run_still_finishes(archive, tmp_path, caplog):
    port = _closed_port()
    with caplog.at_level(logging.WARNING, logger="archive.alerts"):
        run = crawl(archive, [article(n) for n in range(8)], failed=4,
                    webhook=f"http://127.0.0.1:{port}/hooks/secret-token?key=abc", file=str(tmp_path / "a.jsonl"))
    assert run["status"] == "finished" and run["counts"]["failure_rate"] == 0.3333
    (record,) = caplog.records
    assert record.getMessage().startswith(f"alert webhook http://127.0.0.1:{port} failed: ")
    assert "secret-token" not in record.getMessage()
    assert (tmp_path / "a.jsonl").read_text().count("\n") == 1  # the file still got the alert


def test_an_unwritable_alert_file_logs_one_line(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="archive.alerts"):
        send_alert({"run": 1}, path=tmp_path / "missing-folder" / "alerts.jsonl")
    (record,) = caplog.records
    assert record.getMessage().startswith("alert file ") and "\n" not in record.getMessage()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_verdict_that_fails_still_closes_the_run(archive, monkeypatch, caplog):
    def broken(run_id):
        raise RuntimeError("coverage query failed")

    run = archive.start_run("p", settings={"portals": ["p"]})
    monkeypatch.setattr(archive, "run_coverage", broken)
    assert finish(archive, run, "finished", LIMITS) == []
    assert archive.run(run)["status"] == "finished"
    assert "run %s: no verdict" in [r.msg for r in caplog.records]
