"""`portal-archive stats` (issue 4): articles per portal and UTC month on SQLite and PostgreSQL,
filtered, as a table, JSON, CSV and a PNG; expectations are computed from the stored dicts."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter

import pytest
from conftest import BACKENDS, ROOT, archive_database, run_cli
from sample_articles import (FILTER_CASES, FILTER_IDS, SAMPLE, cli_filters, fill, filter_case, keys_where,
                             month_counts)

from archive.db import make_engine
from archive.filters import Filters
from archive.stats import MonthlyCounts, figure, monthly_counts
from archive.store import Archive


@pytest.fixture(scope="module", params=BACKENDS)
def archive_url(request, tmp_path_factory) -> str:
    with archive_database(request.param, tmp_path_factory.mktemp("stats")) as url:
        with Archive.open(url) as arc:
            fill(arc)
        yield url


def _counts(url: str, **filters) -> Counter:
    engine = make_engine(url)
    try:
        return Counter(monthly_counts(engine, Filters.of(**filters)).counts)
    finally:
        engine.dispose()


def test_counts_per_portal_and_utc_month(archive_url):
    expected = month_counts()
    assert ("donghai", "2020-01") in expected and ("quangninh", "2020-12") in expected  # local dates cross into UTC
    assert ("quangninh", "undated") in expected and ("daklak", "undated") in expected  # no date; no offset
    assert _counts(archive_url) == expected


@pytest.mark.parametrize("options, predicate", FILTER_CASES, ids=FILTER_IDS)
def test_filters_change_the_counts(archive_url, options, predicate):
    assert _counts(archive_url, **options) == month_counts(keys_where(predicate))


def test_postgres_month_is_utc_whatever_the_session_time_zone(tmp_path):
    with archive_database("postgresql", tmp_path) as url:
        with Archive.open(url) as arc:
            fill(arc)
        # A Vietnamese analyst's session: 2020-01-31 20:00 UTC is already February there.
        engine = make_engine(url, connect_args={"options": "-c timezone=Asia/Ho_Chi_Minh"})
        try:
            assert Counter(monthly_counts(engine).counts) == month_counts()
        finally:
            engine.dispose()


def test_totals():
    stats = MonthlyCounts({("a", "2020-01"): 2, ("a", "undated"): 1, ("b", "2019-12"): 4})
    assert stats.total == 7
    assert stats.by_portal() == {"a": 3, "b": 4}
    assert list(stats.by_month().items()) == [("2019-12", 4), ("2020-01", 2), ("undated", 1)]
    assert stats.months == ["2019-12", "2020-01", "undated"]


# -- CLI -----------------------------------------------------------------------------------------

def test_cli_json(archive_url):
    proc = run_cli("stats", "--archive", archive_url, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    expected = month_counts()
    assert data["total"] == len(SAMPLE)
    assert {(r["portal"], r["month"]): r["articles"] for r in data["counts"]} == expected
    assert data["portals"] == dict(Counter(a["portal"] for a in SAMPLE.values()))
    assert sum(data["months"].values()) == len(SAMPLE) and list(data["months"])[-1] == "undated"


def test_cli_csv_with_filters(archive_url):
    options, predicate = filter_case("portal=quangninh")
    proc = run_cli("stats", "--archive", archive_url, "--format", "csv", *cli_filters(options))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert {(r["portal"], r["month"]): int(r["articles"]) for r in rows} == month_counts(keys_where(predicate))


def test_cli_table_has_portals_months_and_totals(archive_url):
    options, predicate = filter_case("since=2020-02-01")
    expected = month_counts(keys_where(predicate))
    proc = run_cli("stats", "--archive", archive_url, *cli_filters(options))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if "month" in line and "total" in line)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == ["month", *sorted({p for p, _ in expected}), "total"]
    rows = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.split("│")[1:-1]] for line in lines
                                              if line.startswith("│"))}
    assert set(rows) == {month for _, month in expected} | {"total"}
    assert rows["total"][-1] == str(sum(expected.values()))
    for month, cells in rows.items():
        if month != "total":
            assert cells[-1] == str(sum(n for (_, m), n in expected.items() if m == month))


def test_cli_unknown_portal_counts_nothing(archive_url):
    proc = run_cli("stats", "--archive", archive_url, "--format", "json", "--portal", "nowhere")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"total": 0, "portals": {}, "months": {}, "counts": []}


def test_cli_bad_date_is_one_line(archive_url):
    proc = run_cli("stats", "--archive", archive_url, "--until", "2020-13-01")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["Error: --until: '2020-13-01' is not an ISO date (YYYY-MM-DD)"]


# -- the plot ------------------------------------------------------------------------------------

def test_figure_stacks_each_portals_dated_articles_per_month(archive_url):
    engine = make_engine(archive_url)
    try:
        drawing = figure(monthly_counts(engine))
    finally:
        engine.dispose()
    (axes,) = drawing.axes
    drawn = {bars.get_label(): sum(bar.get_height() for bar in bars) for bars in axes.containers}
    dated = Counter(portal for (portal, month), n in month_counts().items() for _ in range(n) if month != "undated")
    assert drawn == {portal: dated.get(portal, 0) for portal in drawn}
    assert set(drawn) == {a["portal"] for a in SAMPLE.values()}
    months_drawn = {len(bars) for bars in axes.containers}
    assert months_drawn == {12 * (2023 - 2020) + (3 - 1) + 1}  # 2020-01 … 2023-03, gaps included
    assert "undated" in axes.get_xlabel()


def test_cli_plot_writes_a_png(archive_url, tmp_path):
    import matplotlib.image

    out = tmp_path / "months.png"
    proc = run_cli("stats", "--archive", archive_url, "--format", "csv", "--plot", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(out).shape
    assert (width, height) == (1100, 550)
    assert proc.stdout.startswith("portal,month,articles")  # the chosen format is still printed


def test_cli_plot_without_matplotlib_names_the_extra(archive_url, tmp_path):
    out = tmp_path / "months.png"
    blocked = ("import sys; sys.modules['matplotlib'] = None; from archive.cli import main; "
               "sys.argv[0] = 'portal-archive'; main()")
    proc = subprocess.run([sys.executable, "-c", blocked, "stats", "--archive", archive_url, "--plot", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["Error: --plot needs matplotlib: pip install 'portal-archive[plot]'"]
    assert not out.exists() and proc.stdout == ""
