"""Run health, pure parts: fill rates, baselines, drops (archive/coverage.py) and verdict lines (archive/health.py)."""

from __future__ import annotations

import pytest

from archive.coverage import baseline, describe, drops, fill_rates
from archive.health import failure_summary, health, problems, reason


def coverage(articles=40, headline=1.0, date=1.0, body=1.0, authors=0.5):
    return {"articles": articles, "headline": headline, "datePublished": date, "articleBody": body, "authors": authors}


def test_fill_rates_are_shares_of_the_articles():
    rates = fill_rates({"articles": 40, "headline": 40, "datePublished": 30, "articleBody": 39, "authors": 21})
    assert rates == {"articles": 40, "headline": 1.0, "datePublished": 0.75, "articleBody": 0.975, "authors": 0.525}
    assert fill_rates({}) == {"articles": 0, "headline": None, "datePublished": None, "articleBody": None, "authors": None}


def test_the_baseline_is_the_median_of_the_last_five_runs():
    history = [coverage(articles=n, date=d) for n, d in ((40, 0.0), (42, 1.0), (38, 1.0), (41, 0.9), (39, 1.0), (5, 0.0))]
    before = baseline(history)  # newest first: the sixth run is too old to count
    assert before["articles"] == 40 and before["datePublished"] == 1.0 and before["runs"] == 5
    assert baseline([]) is None


def test_a_field_that_falls_by_more_than_the_limit_is_a_drop():
    found = drops("hoaphong", coverage(), coverage(date=0.0, authors=0.0, body=0.85), max_drop=0.2, count_drop=0.5)
    assert found == [{"portal": "hoaphong", "field": "datePublished", "before": 1.0, "now": 0.0},
                     {"portal": "hoaphong", "field": "authors", "before": 0.5, "now": 0.0}]
    assert describe(found[0]) == "hoaphong: datePublished in 0% of articles (was 100%)"


def test_an_article_count_that_halves_is_a_drop_and_rates_of_a_few_articles_are_not_judged():
    found = drops("hoaphong", coverage(articles=40), coverage(articles=3, date=0.0), 0.2, 0.5, count_before=40)
    assert found == [{"portal": "hoaphong", "field": "articles", "before": 40, "now": 3}]
    assert describe(found[0]) == "hoaphong: 3 articles (was 40)"
    assert drops("hoaphong", coverage(articles=40), coverage(articles=21), 0.2, 0.5, count_before=40) == []


def test_the_count_is_judged_only_against_its_own_baseline():
    assert drops("hoaphong", coverage(articles=40), coverage(articles=12), 0.2, 0.5) == []  # no count baseline
    assert drops("hoaphong", None, coverage(articles=0), 0.2, 0.5, count_before=12) == [
        {"portal": "hoaphong", "field": "articles", "before": 12, "now": 0}]


def test_nothing_to_compare_with_is_no_drop():
    assert drops("hoaphong", None, coverage(articles=0), 0.2, 0.5) == []


@pytest.mark.parametrize("error, expected", [
    ("HTTP 404", "HTTP 404"),
    ("TimeoutError: User timeout caused connection failure: Getting http://x/ took longer than 30.0 seconds.",
     "TimeoutError"),
    ("ResponseNeverReceived: [<twisted.python.failure.Failure …>]", "ResponseNeverReceived"),
])
def test_failures_are_grouped_by_status_or_exception_type(error, expected):
    assert reason(error) == expected


def test_the_failure_summary_ranks_reasons_and_keeps_a_few_examples():
    failures = [(f"http://x/{i}", "HTTP 503") for i in range(5)] + [("http://x/gone", "HTTP 404")]
    assert failure_summary(failures) == [
        {"reason": "HTTP 503", "pages": 5, "examples": ["http://x/0", "http://x/1", "http://x/2"]},
        {"reason": "HTTP 404", "pages": 1, "examples": ["http://x/gone"]},
    ]


def test_problems_and_health_read_the_stored_verdict():
    ok = {"failure_rate": 0.02, "max_failure_rate": 0.1, "failures": [], "degraded": []}
    failing = {**ok, "failure_rate": 0.25, "failures": [{"reason": "HTTP 503", "pages": 5, "examples": []}]}
    degraded = {**ok, "degraded": [{"portal": "p", "field": "authors", "before": 0.5, "now": 0.0}]}
    assert problems(ok) == [] and health({"counts": ok}) == "ok"
    assert problems(failing) == ["25% of pages failed, over the limit of 10% (HTTP 503 ×5)"]
    assert health({"counts": failing}) == "failing"
    assert problems(degraded) == ["degraded: p: authors in 0% of articles (was 50%)"]
    assert health({"counts": {**failing, **{"degraded": degraded["degraded"]}}}) == "degraded, failing"
    assert health({"counts": {"pages": 3}}) == ""  # a run from before verdicts, or still running
