"""Captures end to end: the sample portal crawled twice into WARC files, indexed, verified, replayed.

One module fixture crawls the sample portal twice, unchanged (the second time without validators), into a SQLite archive (WARC_DIR the
default ``<archive>.warc``); the tests read the WARC files back with warcio and compare them with
the archive's captures rows, article versions and attachments. ``verify`` must pass, then fail on
one flipped byte; PostgreSQL needs ``--warc-dir``; pywb replays a captured article.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path

import pytest
from conftest import ROOT, archive_database, run_cli
from warcio.archiveiterator import ArchiveIterator

from archive.sample import serve, truth
from spiders.extract import extract_article


class Crawled:
    def __init__(self, folder: Path, base: str):
        self.db_path = folder / "archive.db"
        self.url = f"sqlite:///{self.db_path}"
        self.warc_dir = folder / "archive.db.warc"
        self.base = base
        self.db = sqlite3.connect(self.db_path)

    def rows(self, sql: str, *args) -> list[tuple]:
        return self.db.execute(sql, args).fetchall()

    def record(self, warc_file: str, offset: int, length: int | None = None, directory: Path | None = None):
        """The WARC record at ``offset``, read from its own gzip member: (type, WARC headers, HTTP headers, content)."""
        with (directory or self.warc_dir).joinpath(warc_file).open("rb") as fh:
            fh.seek(offset)
            member = fh.read(length) if length else fh.read()
        record = next(iter(ArchiveIterator(BytesIO(member))))
        return record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("captures")
    with serve(slow_seconds=0) as server:  # one server, one port: the second crawl asks for the same URLs
        for validators in (True, False):
            # The second time the portal sends no validators (as many real ones): every page comes back whole,
            # and what is byte for byte the same becomes a revisit. With them, unchanged pages would answer 304.
            server.site.validators = validators
            proc = run_cli("crawl", server.url + "/", "--archive", f"sqlite:///{folder / 'archive.db'}",
                           "--no-politeness", timeout=300)
            assert proc.returncode == 0, proc.stderr[-2000:]
        crawled = Crawled(folder, server.url)
        crawled.served = {url: _sha256_of(url) for url in _linked_files(server.url)}  # what the server hands out
        return crawled


def _linked_files(base: str) -> set[str]:
    return {base + path for article in truth().articles for path in article.attachments}


def _sha256_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return hashlib.sha256(answer.read()).hexdigest()


def all_records(warc_dir: Path) -> list[tuple[str, int, str, object]]:
    """(file, offset, type, WARC headers) of every record of every WARC file."""
    out = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                out.append((path.name, iterator.get_record_offset(), record.rec_type, record.rec_headers))
    return out


def test_every_fetch_has_a_response_or_revisit_record_and_its_request(crawled):
    records = all_records(crawled.warc_dir)
    requests = {h.get_header("WARC-Concurrent-To"): h for _, _, kind, h in records if kind == "request"}
    answers = [(f, o, kind, h) for f, o, kind, h in records if kind in ("response", "revisit")]
    for _, _, _, headers in answers:
        request = requests[headers.get_header("WARC-Record-ID")]
        assert request.get_header("WARC-Target-URI") == headers.get_header("WARC-Target-URI")
    captured = {(f, o, h.get_header("WARC-Record-ID")) for f, o, _, h in answers}
    assert captured == set(crawled.rows("SELECT warc_file, warc_offset, record_id FROM captures"))
    fetched = {url for (url,) in crawled.rows("SELECT url FROM pages WHERE status IS NOT NULL")}
    assert fetched <= {url for (url,) in crawled.rows("SELECT url FROM captures")}
    assert {2} == {n for (n,) in crawled.rows("SELECT count(DISTINCT run_id) FROM captures")}


def test_each_run_writes_its_own_named_files_each_with_a_cdxj_index(crawled):
    files = sorted(crawled.warc_dir.glob("*.warc.gz"))
    assert len(files) == 2 and all(f.name.startswith("portal-archive-") and f.name.endswith("-00000.warc.gz")
                                   for f in files)
    assert {f for (f,) in crawled.rows("SELECT DISTINCT warc_file FROM captures")} == {f.name for f in files}
    assert all(f.with_name(f.name + ".cdxj").is_file() for f in files)


def test_cdxj_lines_point_at_their_records(crawled):
    by_place = {(f, o): (url, digest, rid) for f, o, url, digest, rid in
                crawled.rows("SELECT warc_file, warc_offset, url, payload_digest, record_id FROM captures")}
    lines = [line for index in crawled.warc_dir.glob("*.cdxj") for line in index.read_text().splitlines()]
    assert len(lines) == len(by_place)
    for line in lines:
        surt, timestamp, fields = line.split(" ", 2)
        fields = json.loads(fields)
        kind, headers, _, _ = crawled.record(fields["filename"], int(fields["offset"]), int(fields["length"]))
        assert headers.get_header("WARC-Target-URI") == fields["url"]
        assert headers.get_header("WARC-Payload-Digest") == fields["digest"]
        assert headers.get_header("WARC-Date").replace("-", "").replace(":", "").replace("T", "")[:14] == timestamp
        assert by_place[(fields["filename"], int(fields["offset"]))][2] == headers.get_header("WARC-Record-ID")
        assert surt.startswith("1,0,0,127:")


def test_every_article_version_points_at_a_capture_whose_payload_has_its_headline(crawled):
    versions = crawled.rows(
        "SELECT v.fields, c.url, coalesce(o.warc_file, c.warc_file), coalesce(o.warc_offset, c.warc_offset), "
        "coalesce(o.warc_length, c.warc_length) FROM article_versions v JOIN captures c ON c.id = v.capture_id "
        "LEFT JOIN captures o ON o.id = c.refers_to_id")
    assert len(versions) == crawled.rows("SELECT count(*) FROM article_versions")[0][0] == len(truth().articles)
    for fields, url, warc_file, offset, length in versions:
        kind, _, _, payload = crawled.record(warc_file, offset, length)
        assert kind == "response"
        assert extract_article(payload, url=url).headline == json.loads(fields)["headline"]


def test_attachments_are_downloaded_hashed_and_captured(crawled):
    rows = crawled.rows("SELECT a.url, a.sha256, coalesce(o.warc_file, c.warc_file), "
                        "coalesce(o.warc_offset, c.warc_offset), coalesce(o.warc_length, c.warc_length), "
                        "c.payload_digest FROM attachments a JOIN captures c ON c.id = a.capture_id "
                        "LEFT JOIN captures o ON o.id = c.refers_to_id")  # the second crawl's capture is a revisit
    assert crawled.served and {url for url, *_ in rows} == set(crawled.served)
    assert crawled.rows("SELECT count(*) FROM attachments WHERE sha256 IS NULL OR capture_id IS NULL") == [(0,)]
    for url, sha256, warc_file, offset, length, digest in rows:
        assert sha256 == crawled.served[url]
        _, _, http, payload = crawled.record(warc_file, offset, length)
        assert hashlib.sha256(payload).hexdigest() == sha256 and digest == f"sha256:{sha256}"
        assert http.get_header("Content-Type") == "application/pdf"


def test_the_second_crawl_writes_revisits_for_identical_payloads(crawled):
    """Whatever the second crawl fetches again (articles may answer 304 to a conditional request) and finds
    byte for byte the same is a revisit of the first capture; only changed payloads are stored again."""
    first = dict(crawled.rows("SELECT url, payload_digest FROM captures WHERE run_id = 1 AND status = 200"))
    second = crawled.rows("SELECT url, record_type, payload_digest, refers_to_id FROM captures "
                          "WHERE run_id = 2 AND status = 200")
    same = [(kind, ref) for url, kind, digest, ref in second if first.get(url) == digest]
    assert same and all(kind == "revisit" and ref is not None for kind, ref in same)
    assert {kind for url, kind, digest, _ in second if first.get(url) != digest} <= {"response"}
    revisit = crawled.rows("SELECT warc_file, warc_offset, warc_length, refers_to_id FROM captures "
                           "WHERE run_id = 2 AND record_type = 'revisit' AND status = 200 ORDER BY id LIMIT 1")[0]
    kind, headers, _, payload = crawled.record(*revisit[:3])
    original = crawled.rows("SELECT url, record_id, payload_digest FROM captures WHERE id = ?", revisit[3])[0]
    assert (kind, payload) == ("revisit", b"")
    assert headers.get_header("WARC-Profile").endswith("revisit/identical-payload-digest")
    assert (headers.get_header("WARC-Refers-To-Target-URI"), headers.get_header("WARC-Refers-To"),
            headers.get_header("WARC-Payload-Digest")) == original
    sizes = sorted(f.stat().st_size for f in crawled.warc_dir.glob("*.warc.gz"))
    assert sizes[0] < 0.8 * sizes[1]


def test_verify_passes_then_names_the_record_with_a_flipped_byte(crawled, tmp_path):
    ok = run_cli("verify", "--archive", crawled.url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "problems" in ok.stdout and "Traceback" not in ok.stderr
    copy = tmp_path / "copy"
    shutil.copytree(crawled.db_path.parent, copy)
    warc_file, offset, length, record_id = crawled.rows(
        "SELECT warc_file, warc_offset, warc_length, record_id FROM captures "
        "WHERE record_type = 'response' AND url LIKE '%view_content%' ORDER BY id LIMIT 1")[0]
    damaged = copy / "archive.db.warc" / warc_file
    data = bytearray(damaged.read_bytes())
    data[offset + length // 2] ^= 0x01  # inside the compressed payload of that one record
    damaged.write_bytes(bytes(data))
    bad = run_cli("verify", "--archive", f"sqlite:///{copy / 'archive.db'}")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    problems = [line for line in bad.stdout.splitlines() if line.startswith(str(damaged))]
    assert problems == [line for line in bad.stdout.splitlines() if ": record " in line]
    assert len(problems) == 1 and problems[0].startswith(f"{damaged}: record {record_id} at offset {offset}: ")
    assert "Traceback" not in bad.stderr and "1 fixity problem" in bad.stderr


def test_verify_names_a_missing_warc_file(crawled, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(crawled.db_path.parent, copy)
    (gone,) = [f for f in (copy / "archive.db.warc").glob("*.warc.gz") if f.name.endswith("00000.warc.gz")][:1]
    gone.unlink()
    proc = run_cli("verify", "--archive", f"sqlite:///{copy / 'archive.db'}")
    assert proc.returncode == 1
    assert f"{gone}: record <urn:uuid:" in proc.stdout and "file missing" in proc.stdout


def test_postgresql_archive_needs_a_warc_dir_and_then_works(tmp_path):
    with archive_database("postgresql", tmp_path) as url, serve(slow_seconds=0) as server:
        refused = run_cli("crawl", server.url + "/", "--archive", url, "--no-politeness")
        assert refused.returncode == 2 and "--warc-dir" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1 and server.requests == 0
        warc_dir = tmp_path / "warc"
        proc = run_cli("crawl", server.url + "/", "--archive", url, "--no-politeness", "--warc-dir", str(warc_dir),
                       timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        checked = run_cli("verify", "--archive", url, "--warc-dir", str(warc_dir))
        assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(list(warc_dir.glob("*.warc.gz"))) == 1 and len(list(warc_dir.glob("*.cdxj"))) == 1
    assert "captures rows" in checked.stdout and "attachments" in checked.stdout


def test_bare_scrapy_into_postgresql_without_warc_dir_is_refused_in_the_clis_one_line():
    """`scrapy crawl portal` (Scrapyd runs it so) stops before fetching anything, with the line and exit code
    `portal-archive crawl` gives, not a traceback. Only the URL is read: no database is needed to be refused."""
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    with serve(slow_seconds=0) as server:
        cli = run_cli("crawl", server.url + "/", "--archive", url)
        bare = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"url={server.url}/",
                               "-s", f"ARCHIVE_URL={url}"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              check=False)
        assert server.requests == 0
    assert bare.returncode == cli.returncode == 2
    assert "Traceback" not in bare.stderr
    assert bare.stderr.strip().splitlines()[-1] == cli.stderr.strip() and "WARC_DIR" in cli.stderr


# -- replay with pywb -------------------------------------------------------------------------

def pywb_bin() -> Path:
    """pywb's scripts: .venv/replay (make install puts pywb there) or PATH; skip, or fail in CI, without them."""
    for folder in (ROOT / ".venv" / "replay" / "bin", *(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep))):
        if (folder / "wayback").is_file() and (folder / "wb-manager").is_file():
            return folder
    why = ("pywb is not installed: `make install` puts it in .venv/replay (its pin redis==2.10.6 cannot share "
           "a venv with scrapy-redis)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(why)
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def wayback(folder: Path, bin_dir: Path):
    port = free_port()
    log = (folder / "wayback.log").open("wb")
    proc = subprocess.Popen([str(bin_dir / "wayback"), "-b", "127.0.0.1", "-p", str(port)], cwd=folder,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert proc.poll() is None, (folder / "wayback.log").read_text(errors="replace")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_pywb_replays_a_captured_article_and_a_revisit(crawled, tmp_path):
    bin_dir = pywb_bin()
    subprocess.run([str(bin_dir / "wb-manager"), "init", "portal"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([str(bin_dir / "wb-manager"), "add", "portal", *map(str, sorted(crawled.warc_dir.glob("*.warc.gz")))],
                   cwd=tmp_path, check=True, capture_output=True)
    url, fetched_at, headline = crawled.rows(
        "SELECT c.url, c.fetched_at, json_extract(v.fields, '$.headline') FROM article_versions v "
        "JOIN captures c ON c.id = v.capture_id WHERE c.record_type = 'response' ORDER BY v.id LIMIT 1")[0]
    revisit_url, revisit_at, digest = crawled.rows(
        "SELECT url, fetched_at, payload_digest FROM captures WHERE record_type = 'revisit' AND status = 200 "
        "ORDER BY id LIMIT 1")[0]
    with wayback(tmp_path, bin_dir) as base:
        page, _ = replayed(base, url, fetched_at)
        again, moment = replayed(base, revisit_url, revisit_at)
    assert extract_article(page, url=url).headline == headline
    # The revisit itself was replayed (its own date), with the payload pywb fetched from its original:
    # the response record of the same payload digest, as sent (gzip on the wire) and decoded for replay.
    assert moment == datetime.fromisoformat(revisit_at).replace(microsecond=0, tzinfo=timezone.utc)
    assert again == original_payload(crawled.warc_dir, digest)


def original_payload(warc_dir: Path, digest: str) -> bytes:
    """The decoded body of the first response record whose WARC-Payload-Digest is ``digest``."""
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Payload-Digest") == digest:
                    return record.content_stream().read()
    raise AssertionError(f"no response record with payload digest {digest}")


def replayed(base: str, url: str, fetched_at: str) -> tuple[bytes, datetime]:
    """The capture of ``url`` at that moment as pywb serves it unrewritten (``id_``), and its Memento-Datetime."""
    stamp = "".join(ch for ch in fetched_at if ch.isdigit())[:14]
    with urllib.request.urlopen(f"{base}/portal/{stamp}id_/{url}", timeout=30) as answer:
        assert answer.status == 200
        return answer.read(), parsedate_to_datetime(answer.headers["Memento-Datetime"])
