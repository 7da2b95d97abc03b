"""`portal-archive extract` end to end: real files in, JSON Lines out, bad input never a traceback."""

from __future__ import annotations

import gzip
import json

from conftest import FIXTURES, run_cli

ARTICLE = FIXTURES / "websphere-8" / "seed-dan-van" / "input.html"


def _results(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_extract_prints_one_json_object_per_file_with_source():
    listing = FIXTURES / "liferay-6.2" / "listing" / "input.html"
    proc = run_cli("extract", "--base-url-from-meta", str(ARTICLE), str(listing))
    assert proc.returncode == 0, proc.stderr
    first, second = _results(proc.stdout)
    assert first["source"] == str(ARTICLE) and first["isArticle"] is True
    assert first["headline"].startswith("Công tác dân vận")
    assert first["datePublished"] == "2019-02-20T20:53:00+07:00"
    assert second["isArticle"] is False and second["reason"]


def test_bad_inputs_get_a_result_each_and_the_good_file_still_runs(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "image.html"
    binary.write_bytes(bytes(range(256)) * 400 + b"\x00\x00PNG")
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><div><p>Unclosed <b>tags <table><tr><td>cell</div></span></html>", encoding="utf-8")
    wrong_enc = tmp_path / "latin1.html"
    wrong_enc.write_bytes('<meta charset="utf-8"><p>Đà Đông, Đà Đông</p>'.encode("cp1258"))
    gz = tmp_path / "bomb.html"
    gz.write_bytes(gzip.compress(b"<p>" + b"a" * 100000))
    missing = tmp_path / "missing.html"
    folder = tmp_path / "folder.html"
    folder.mkdir()
    files = [empty, binary, broken, wrong_enc, gz, missing, folder, ARTICLE]
    proc = run_cli("extract", *map(str, files))
    assert "Traceback" not in proc.stderr
    results = _results(proc.stdout)
    assert [r["source"] for r in results] == [str(f) for f in files]
    assert results[-1]["isArticle"] is True
    assert all(r["isArticle"] is False for r in results[:-1])
    by_name = {r["source"].rsplit("/", 1)[-1]: r for r in results}
    assert by_name["missing.html"]["error"] == "no such file"
    assert by_name["folder.html"]["error"] == "is a directory"
    assert by_name["empty.html"]["reason"].startswith("empty page")
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(errors) == 2 and all(line.startswith("portal-archive: ") for line in errors)
    assert proc.returncode == 1


def test_twenty_megabyte_page_is_processed(tmp_path):
    big = tmp_path / "big.html"
    filler = "<div class='box'><p>Tin khác trong ngày, không phải bài viết chính.</p></div>\n" * 260_000
    big.write_text(f"<html><body>{filler}</body></html>", encoding="utf-8")
    assert big.stat().st_size > 20_000_000
    proc = run_cli("extract", str(big), timeout=300)
    assert proc.returncode == 0, proc.stderr
    (result,) = _results(proc.stdout)
    assert result["isArticle"] is False and result["reason"]


def test_page_over_the_size_limit_is_refused_with_one_line(tmp_path):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as fh:
        fh.truncate(51 * 1024 * 1024)
    proc = run_cli("extract", str(huge))
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "limit" in proc.stderr
    assert _results(proc.stdout)[0]["error"].startswith("file is")


def test_usage_error_exits_2_without_traceback():
    proc = run_cli("extract")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Missing argument" in proc.stderr


def test_table_format_summarises_pages():
    proc = run_cli("extract", "--base-url-from-meta", "--format", "table", str(ARTICLE))
    assert proc.returncode == 0, proc.stderr
    assert "Nguyễn Đình Tề" in proc.stdout and "websphere-8" in proc.stdout
