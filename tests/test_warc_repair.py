"""A crawl killed with SIGKILL leaves its last WARC file unindexed: `verify` names it, `verify --repair` and
the next crawl index it, and a record the kill cut in half is set aside and its captures rows reported.

One module fixture starts `portal-archive crawl` of the sample portal, held up by its slow page, and kills it
with SIGKILL once it has captured some pages; each test works on a copy of what the kill left.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, run_cli

from archive.sample import serve
from archive.warc_repair import CUT_SUFFIX, repair, whole_records

CAPTURED_BEFORE_KILL = 20


def _captures(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """The archive folder of a crawl killed with SIGKILL mid-crawl: archive.db and archive.db.warc/."""
    folder = tmp_path_factory.mktemp("killed")
    db = folder / "archive.db"
    with serve(slow_seconds=120) as server:  # the slow page holds the crawl open: it is killed, not finished
        crawl = subprocess.Popen([sys.executable, "-m", "archive", "crawl", server.url + "/", "--archive",
                                  f"sqlite:///{db}", "--no-politeness", "--log-file", str(folder / "crawl.log")],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while _captures(db) < CAPTURED_BEFORE_KILL and crawl.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert crawl.poll() is None, "the crawl ended before it could be killed"
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=10)
    assert _captures(db) >= CAPTURED_BEFORE_KILL
    (folder / "port").write_text(str(urlsplit(server.url).port))  # the portal's address, for the run resuming it
    return folder


@pytest.fixture
def left(killed, tmp_path) -> Path:
    """A copy of what the kill left, for one test to change."""
    copy = tmp_path / "left"
    shutil.copytree(killed, copy)
    return copy


def _warc(folder: Path) -> Path:
    (path,) = (folder / "archive.db.warc").glob("*.warc.gz")
    return path


def test_verify_names_the_unindexed_file_and_verify_repair_indexes_it(left):
    url, warc = f"sqlite:///{left / 'archive.db'}", _warc(left)
    assert not warc.with_name(warc.name + ".cdxj").exists()
    before = run_cli("verify", "--archive", url)
    assert before.returncode == 1 and f"{warc}.cdxj: CDXJ index missing" in before.stdout.splitlines()
    _, records = whole_records(warc)
    repaired = run_cli("verify", "--repair", "--archive", url)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert repaired.stdout.splitlines()[0] == f"{warc}: not closed by its run (killed?): indexed {records} records"
    assert warc.with_name(warc.name + ".cdxj").is_file() and not warc.with_name(warc.name + CUT_SUFFIX).exists()
    again = run_cli("verify", "--repair", "--archive", url)
    assert again.returncode == 0 and "not closed by its run" not in again.stdout, "nothing left to repair"


def test_a_record_cut_in_half_is_set_aside_and_its_lost_captures_are_reported_in_one_line_each(left):
    """As if the kill had come in the middle of writing: the file ends inside a record that has a captures row."""
    url, warc, db = f"sqlite:///{left / 'archive.db'}", _warc(left), left / "archive.db"
    with sqlite3.connect(db) as conn:
        offset, length = conn.execute("SELECT warc_offset, warc_length FROM captures ORDER BY id DESC LIMIT 1 OFFSET 5"
                                      ).fetchone()
        lost = conn.execute("SELECT count(*) FROM captures WHERE warc_offset >= ?", (offset,)).fetchone()[0]
    data = warc.read_bytes()
    warc.write_bytes(data[:offset + length // 2])
    proc = run_cli("verify", "--repair", "--archive", url)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].endswith(f"a truncated record at offset {offset} ({length // 2} bytes) moved to "
                             f"{warc.name}{CUT_SUFFIX}")
    assert warc.read_bytes() == data[:offset] and warc.with_name(warc.name + CUT_SUFFIX).read_bytes() == \
        data[offset:offset + length // 2]
    past_end = [line for line in lines if "past the end of the file" in line]
    assert len(past_end) == lost >= 6 and all(line.startswith(f"{warc}: record <urn:uuid:") for line in past_end)
    assert f"{lost} fixity problem(s)" in proc.stderr


def test_the_next_crawl_repairs_the_killed_runs_file_at_start(left):
    url, warc = f"sqlite:///{left / 'archive.db'}", _warc(left)
    # The same portal at the same address: the next crawl resumes the killed one's pending requests too.
    with serve(port=int((left / "port").read_text()), slow_seconds=0) as server:
        proc = run_cli("crawl", server.url + "/", "--archive", url, "--no-politeness", "--log-file",
                       str(left / "next.log"), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"{warc}: not closed by its run (killed?): indexed" in (left / "next.log").read_text(encoding="utf-8")
    assert all(path.with_name(path.name + ".cdxj").is_file() for path in warc.parent.glob("*.warc.gz"))
    checked = run_cli("verify", "--archive", url)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_file_a_live_run_is_writing_is_left_alone(tmp_path):
    from archive.warc import Exchange, WarcFiles

    files = WarcFiles(tmp_path)
    files.write(Exchange(url="http://127.0.0.1/a", method="GET", request_headers=[], request_body=b"", status=200,
                         response_headers=[("Content-Type", "text/plain")], body=b"a page"))
    assert repair(tmp_path) == [] and not list(tmp_path.glob("*.cdxj")), "still open, still locked: not repaired"
    files.close()
    assert len(list(tmp_path.glob("*.cdxj"))) == 1 and repair(tmp_path) == []
