"""WARC writing, revisits, rotation, CDXJ and fixity checks without a crawl (archive/warc.py, archive/verify.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.store import Archive
from archive.verify import digest_matches, verify
from archive.warc import Exchange, WarcDirError, WarcFiles, digest_of, recorded_headers, warc_dir_for

PAGE = Exchange(url="http://127.0.0.1:8000/vi/tin-tuc?id=1", method="GET", request_headers=[("User-Agent", "t")],
                request_body=b"", status=200, body="<h1>Chuyển đổi số</h1>".encode(),
                response_headers=[("Content-Type", "text/html; charset=UTF-8"), ("Transfer-Encoding", "chunked")])


def records(path: Path) -> list:
    with path.open("rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]


@pytest.fixture
def archive(tmp_path):
    with Archive.open(f"sqlite:///{tmp_path / 'a.db'}") as opened:
        yield opened


def capture(archive: Archive, run_id: int, exchange: Exchange, written) -> int:
    latest = archive.latest_payload(exchange.url)
    refers = latest.id if written.record_type == "revisit" else None
    return archive.record_capture(run_id, url=exchange.url, status=exchange.status, refers_to_id=refers,
                                  **written.columns())


def test_warc_dir_is_beside_a_sqlite_archive_and_required_for_postgresql(tmp_path):
    assert warc_dir_for(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db.warc"
    assert warc_dir_for("postgresql+psycopg://u@127.0.0.1/x", tmp_path / "w") == tmp_path / "w"
    with pytest.raises(WarcDirError, match="pass --warc-dir DIR"):
        warc_dir_for("postgresql+psycopg://u@127.0.0.1/x")
    with pytest.raises(WarcDirError):
        warc_dir_for("sqlite:///:memory:")


def test_response_and_request_records_with_sha256_digests_and_honest_headers(tmp_path):
    files = WarcFiles(tmp_path)
    written = files.write(PAGE)
    files.close()
    path = tmp_path / written.warc_file
    assert path.name.startswith("portal-archive-") and path.name.endswith("-00000.warc.gz")
    kinds = [kind for kind, *_ in records(path)]
    assert kinds == ["warcinfo", "response", "request"]
    _, headers, http, body = records(path)[1]
    assert body == PAGE.body and headers.get_header("WARC-Record-ID") == written.record_id
    assert headers.get_header("WARC-Payload-Digest") == digest_of(PAGE.body) == written.payload_digest
    assert headers.get_header("WARC-Payload-Digest") == "sha256:" + hashlib.sha256(PAGE.body).hexdigest()
    assert headers.get_header("WARC-Block-Digest").startswith("sha256:")
    assert http.get_header("Transfer-Encoding") is None  # Scrapy de-chunked the body: the header would lie
    assert http.get_header("Content-Length") == str(len(PAGE.body))
    request = records(path)[2][1]
    assert request.get_header("WARC-Concurrent-To") == written.record_id
    member = path.read_bytes()[written.warc_offset:written.warc_offset + written.warc_length]
    assert gzip.decompress(member).startswith(b"WARC/1.1\r\n")  # offset and length frame one gzip member


def test_recorded_headers_drop_framing_scrapy_undid():
    assert recorded_headers([("Content-Encoding", "gzip"), ("content-length", "99"), ("Set-Cookie", "a"),
                             ("Set-Cookie", "b")], b"xyz") == \
        [("Content-Encoding", "gzip"), ("Set-Cookie", "a"), ("Set-Cookie", "b"), ("Content-Length", "3")]


def test_identical_payload_becomes_a_revisit_of_the_last_capture(tmp_path, archive):
    run = archive.start_run()
    files = WarcFiles(tmp_path / "w")
    first = files.write(PAGE, archive.latest_payload(PAGE.url))
    original = capture(archive, run, PAGE, first)
    second = files.write(PAGE, archive.latest_payload(PAGE.url))
    revisit = capture(archive, run, PAGE, second)
    third = files.write(PAGE, archive.latest_payload(PAGE.url))  # a revisit of a revisit points at the original
    changed = replace(PAGE, body=b"<h1>changed</h1>")
    fourth = files.write(changed, archive.latest_payload(PAGE.url))
    files.close()
    assert [w.record_type for w in (first, second, third, fourth)] == ["response", "revisit", "revisit", "response"]
    assert archive.capture(revisit).refers_to_id == original
    path = tmp_path / "w" / first.warc_file
    revisit_headers = records(path)[3][1]
    assert revisit_headers.get_header("WARC-Type") == "revisit"
    assert revisit_headers.get_header("WARC-Profile").endswith("/1.1/revisit/identical-payload-digest")
    assert revisit_headers.get_header("WARC-Refers-To-Target-URI") == PAGE.url
    assert revisit_headers.get_header("WARC-Refers-To-Date") == records(path)[1][1].get_header("WARC-Date")
    assert revisit_headers.get_header("WARC-Refers-To") == first.record_id
    assert records(path)[3][3] == b""  # headers only, no payload
    assert records(path)[5][1].get_header("WARC-Refers-To") == first.record_id


def test_files_rotate_past_the_size_limit_and_each_gets_a_cdxj_index(tmp_path):
    files = WarcFiles(tmp_path, prefix="t", max_size=1)
    written = [files.write(replace(PAGE, url=f"http://127.0.0.1:8000/p{i}")) for i in range(3)]
    files.close()
    names = sorted(p.name for p in tmp_path.glob("*.warc.gz"))
    assert names == sorted(w.warc_file for w in written) and [n[-13:] for n in names] == \
        ["00000.warc.gz", "00001.warc.gz", "00002.warc.gz"]
    for w in written:
        (line,) = (tmp_path / (w.warc_file + ".cdxj")).read_text().splitlines()
        surt, timestamp, fields = line.split(" ", 2)
        fields = json.loads(fields)
        assert surt.startswith("1,0,0,127:8000)/p") and len(timestamp) == 14
        assert (fields["filename"], int(fields["offset"]), int(fields["length"]), fields["digest"], fields["status"]) \
            == (w.warc_file, w.warc_offset, w.warc_length, w.payload_digest, "200")


def test_two_runs_in_the_same_second_never_share_a_file(tmp_path):
    first, second = WarcFiles(tmp_path), WarcFiles(tmp_path)
    second.started = first.started
    names = {first.write(PAGE).warc_file, second.write(PAGE).warc_file}
    first.close()
    second.close()
    assert len(names) == 2


def test_digests_in_hex_base32_and_base64_are_understood():
    data = b"abc"
    assert digest_matches("sha256:" + hashlib.sha256(data).hexdigest(), data)
    assert digest_matches("sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5", data)
    assert digest_matches("sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J0=", data)
    assert not digest_matches("sha256:" + hashlib.sha256(b"abd").hexdigest(), data)
    assert not digest_matches("md9:00", data)


def test_verify_finds_a_payload_rewritten_with_a_valid_gzip_member(tmp_path, archive):
    """A record whose bytes changed but whose gzip framing is intact: the digest check must catch it."""
    run = archive.start_run()
    files = WarcFiles(tmp_path / "w")
    written = files.write(PAGE)
    capture(archive, run, PAGE, written)
    files.close()
    assert verify(archive, tmp_path / "w").ok
    path = tmp_path / "w" / written.warc_file
    data = path.read_bytes()
    member = data[written.warc_offset:written.warc_offset + written.warc_length]
    forged = gzip.compress(gzip.decompress(member).replace("Chuyển".encode(), "Chuyến".encode()))
    path.write_bytes(data[:written.warc_offset] + forged + data[written.warc_offset + written.warc_length:])
    report = verify(archive, tmp_path / "w")
    lines = [p.line() for p in report.problems]
    assert lines[0] == (f"{path}: record {written.record_id} at offset {written.warc_offset}: "
                        "block digest mismatch: the bytes do not hash to " + lines[0].rsplit(" ", 1)[1])
    assert not report.ok


def test_attachment_digest_and_capture_reach_every_row_linking_the_file(archive):
    pdf = "http://127.0.0.1:8000/documents/1/2/a.pdf"
    article = {"url": "http://127.0.0.1:8000/a", "headline": "A", "articleBody": "x",
               "attachments": [{"url": pdf, "name": "a"}]}
    archive.store_article(None, article, identity="a")
    run = archive.start_run()
    capture_id = archive.record_capture(run, url=pdf, record_type="response", warc_file="f.warc.gz", warc_offset=0,
                                        warc_length=1, record_id="<urn:uuid:1>", payload_digest="sha256:00",
                                        status=200, fetched_at=PAGE.fetched_at, refers_to_id=None)
    assert archive.record_attachment(pdf, "ab" * 32, capture_id) == 1
    archive.store_article(None, {**article, "url": "http://127.0.0.1:8000/b"}, identity="b")  # stored after download
    assert [a["attachments"][0]["sha256"] for a in archive.iter_articles()] == ["ab" * 32, "ab" * 32]
    assert [c.id for _, _, c in archive.iter_hashed_attachments()] == [capture_id, capture_id]


def test_a_version_points_at_its_capture(archive):
    run = archive.start_run()
    capture_id = archive.record_capture(run, url=PAGE.url, record_type="response", warc_file="f.warc.gz",
                                        warc_offset=0, warc_length=1, record_id="<urn:uuid:2>",
                                        payload_digest="sha256:00", status=200, fetched_at=PAGE.fetched_at,
                                        refers_to_id=None)
    archive.store_article(run, {"url": PAGE.url, "headline": "A", "articleBody": "x"}, identity="a",
                          capture_id=capture_id)
    assert archive.version_captures(archive.get_article("a")["id"]) == {1: capture_id}
