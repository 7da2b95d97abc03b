"""`portal-archive serve` (issue 4): Datasette over the SQLite archive, read over real HTTP on
127.0.0.1: the articles table and its facets, the accent-insensitive canned search (hostile input
included), the per-month query; refusals are one line."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli
from sample_articles import IDENTITY, KEY_OF, SAMPLE, fill, month_counts, section, utc_instant

from archive.search import CANDIDATES, WEIGHTS
from archive.serve import METADATA
from archive.store import Archive
from archive.text_fold import fold

# Straight to 127.0.0.1, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base: str, path: str, **params) -> tuple[int, object]:
    url = f"{base}{path}" + (f"?{urllib.parse.urlencode(params, doseq=True)}" if params else "")
    try:
        with OPENER.open(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


class Server:
    """`portal-archive serve` in its own process, as a user starts it; stopped with Ctrl-C (SIGINT)."""

    def __init__(self, db: Path):
        self.base = f"http://127.0.0.1:{_free_port()}"
        port = self.base.rsplit(":", 1)[1]
        self.proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--archive", f"sqlite:///{db}",
                                      "--port", port], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.database = f"/{db.stem}"

    def wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"serve exited with {self.proc.returncode}: {self.proc.communicate()[1]}")
            try:
                with OPENER.open(f"{self.base}/-/versions.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail("serve did not answer in time")

    def stop(self) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    with Archive.open(f"sqlite:///{path}") as arc:
        fill(arc)
    return path


@pytest.fixture(scope="module")
def server(archive_db):
    running = Server(archive_db)
    try:
        running.wait_until_up()
        yield running
    finally:
        running.stop()


def _words(key: str) -> set[str]:
    article = SAMPLE[key]
    text = " ".join(article.get(field) or "" for field in ("headline", "description", "articleBody"))
    return set(re.findall(r"\w+", fold(text)))


def _search(server: Server, q: str) -> tuple[int, object]:
    return _get(server.base, f"{server.database}/search.json", q=q, _shape="array")


# -- the articles table and its facets ----------------------------------------------------------

def test_articles_table_lists_every_article(server):
    status, data = _get(server.base, f"{server.database}/articles.json", _shape="objects", _size="max")
    assert status == 200
    rows = {row["identity"]: row for row in data["rows"]}
    assert set(rows) == set(IDENTITY.values())
    for identity, row in rows.items():
        assert row["headline"] == SAMPLE[KEY_OF[identity]]["headline"]


def test_articles_are_faceted_by_portal_section_and_year(server):
    status, data = _get(server.base, f"{server.database}/articles.json", _size=1)
    assert status == 200
    facets = {name: {r["label"]: r["count"] for r in facet["results"]} for name, facet in data["facet_results"].items()}
    assert facets["portal_id"] == Counter(a["portal"] for a in SAMPLE.values())
    assert facets["section"] == Counter(section(k) for k in SAMPLE)
    years = Counter(str(utc_instant(a).year) for a in SAMPLE.values() if utc_instant(a))
    assert facets["date_published_utc"] == years


def test_year_facet_value_filters_the_table(server):
    status, data = _get(server.base, f"{server.database}/articles.json", date_published_utc__startswith="2020")
    assert status == 200
    expected = sum(1 for a in SAMPLE.values() if utc_instant(a) and utc_instant(a).year == 2020)
    assert data["filtered_table_rows_count"] == expected


def test_noise_tables_are_hidden(server):
    status, data = _get(server.base, f"{server.database}.json")
    assert status == 200
    hidden = {t["name"] for t in data["tables"] if t["hidden"]}
    shown = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert {"alembic_version", "articles_fts", "articles_fts_data", "articles_fts_idx"} <= hidden
    assert {"articles", "portals", "authors", "crawl_runs"} <= shown


# -- the canned search: folded, quoted, safe ----------------------------------------------------

@pytest.mark.parametrize("q", ["dang", "Đảng", "DANG", "dân vận", "dan van", "Dân Vận", "van hoa"])
def test_search_ignores_accents_case_and_d_stroke(server, q):
    status, rows = _search(server, q)
    assert status == 200, rows
    wanted = set(re.findall(r"\w+", fold(q)))
    expected = {key for key in SAMPLE if wanted <= _words(key)}
    assert expected  # every query here has hits
    assert {_key_of_url(r["url"]) for r in rows} == expected


def _key_of_url(url: str) -> str:
    (key,) = [k for k, a in SAMPLE.items() if a["url"] == url]
    return key


def test_search_finds_the_headline_with_dang_first(server):
    status, rows = _search(server, "dang")
    assert status == 200
    assert rows[0]["headline"] == "Đại hội Đảng bộ tỉnh lần thứ XV"  # a headline hit outranks a body hit
    assert "[Đảng]" in rows[0]["snippet"]  # the snippet keeps the original diacritics


@pytest.mark.parametrize("q", ['"(', "", "AND", "NEAR(", "-dân", "*", ")", "'", "\\", "body:", "^"])
def test_hostile_queries_return_no_rows_and_no_error(server, q):
    status, rows = _search(server, q)
    assert (status, rows) == (200, [])


def test_per_month_query_counts_as_stats_does(server):
    status, rows = _get(server.base, f"{server.database}/articles_per_month.json", _shape="array")
    assert status == 200
    assert {(r["portal"], r["month"]): r["articles"] for r in rows} == month_counts()


def test_search_ranks_the_pool_of_portal_archive_search_with_its_weights():
    sql = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]["queries"]["search"]["sql"]
    assert f"bm25(articles_fts, {', '.join(map(str, WEIGHTS))})" in sql
    assert f"order by rowid desc limit {CANDIDATES['sqlite']})" in sql


# -- a live archive, Ctrl-C ---------------------------------------------------------------------

def test_serves_articles_stored_meanwhile_and_stops_on_ctrl_c(tmp_path):
    db = tmp_path / "live.db"
    with Archive.open(f"sqlite:///{db}") as arc:
        fill(arc)
    running = Server(db)
    try:
        running.wait_until_up()
        assert _search(running, "buon ma thuot")[1] != []
        assert _search(running, "Nậm Pồ") == (200, [])
        with Archive.open(f"sqlite:///{db}") as arc:  # a crawl writing while the archive is served
            arc.store_article(None, {**SAMPLE["f"], "url": "https://daklak.gov.vn/tin/nam-po",
                                     "headline": "Mưa lũ ở Nậm Pồ"}, identity="sample/new")
        status, rows = _search(running, "nam po")
        assert status == 200 and [r["headline"] for r in rows] == ["Mưa lũ ở Nậm Pồ"]
    finally:
        code, out, err = running.stop()
    assert code == 0, err
    assert f"at {running.base}/live (Ctrl-C to stop)" in out
    assert "Traceback" not in err


# -- refusals: one line, exit 1 -----------------------------------------------------------------

def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    return line


def test_postgresql_archive_is_refused():
    proc = run_cli("serve", "--archive", "postgresql+psycopg://someone:secret@127.0.0.1:9/archive")
    assert _one_line_error(proc) == "Error: serve needs a SQLite archive (Datasette reads SQLite)"


def test_missing_archive_is_refused(tmp_path):
    proc = run_cli("serve", "--archive", f"sqlite:///{tmp_path / 'none.db'}")
    assert "no archive" in _one_line_error(proc)
    assert not (tmp_path / "none.db").exists()


def test_taken_port_is_one_line(archive_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("serve", "--archive", f"sqlite:///{archive_db}", "--port", str(port), timeout=60)
    assert f"cannot listen on 127.0.0.1:{port}" in _one_line_error(proc)


def test_missing_datasette_names_the_extra(archive_db):
    blocked = ("import sys; sys.modules['datasette'] = None; from archive.cli import main; "
               "sys.argv[0] = 'portal-archive'; main()")
    proc = subprocess.run([sys.executable, "-c", blocked, "serve", "--archive", f"sqlite:///{archive_db}",
                           "--port", str(_free_port())], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert _one_line_error(proc) == "Error: serve needs Datasette: pip install 'portal-archive[datasette]'"
