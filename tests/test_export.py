"""`portal-archive export` (issue 4): jsonl, csv and parquet on SQLite and PostgreSQL, filtered,
parsed back and compared with what was stored; bad input gives one line and the right exit code."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import BACKENDS, ROOT, archive_database, run_cli
from sample_articles import (FILTER_CASES, FILTER_IDS, IDENTITY, KEY_OF, SAMPLE, author_names, cli_filters, fill,
                             filter_case, keys_where, section, utc_instant)

from archive import export as export_module
from archive.export import CSV_COLUMNS, PARQUET_COLUMNS, export
from archive.filters import Filters
from archive.models import CONTRACT_FIELDS
from archive.store import Archive


@pytest.fixture(scope="module", params=BACKENDS)
def archive_url(request, tmp_path_factory) -> str:
    with archive_database(request.param, tmp_path_factory.mktemp("export")) as url:
        with Archive.open(url) as arc:
            fill(arc)
        yield url


def _read(fmt: str, path: Path) -> list[dict]:
    """An export file parsed back with the format's own reader."""
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    return pq.read_table(path).to_pylist()


def _export(url: str, fmt: str, path: Path, batch: int = 3, row_group: int = 4, **filters) -> int:
    with Archive.open(url) as arc:
        return export(arc, fmt, path, Filters.of(**filters), batch=batch, row_group=row_group)


# -- each format, parsed back and compared with the stored articles -----------------------------

def test_jsonl_is_the_full_article_contract_per_line(archive_url, tmp_path):
    out = tmp_path / "articles.jsonl"
    proc = run_cli("export", "--archive", archive_url, "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = _read("jsonl", out)
    assert [KEY_OF[r["identity"]] for r in rows] == list(SAMPLE)  # id order = storing order
    for row in rows:
        stored = SAMPLE[KEY_OF[row["identity"]]]
        assert list(row)[:len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
        for field in ("url", "headline", "datePublished", "articleBody", "portal", "authors", "inLanguage"):
            assert row[field] == stored[field], field
        assert [a["url"] for a in row["attachments"]] == [a["url"] for a in stored.get("attachments", [])]
    assert f"exported {len(SAMPLE)} articles" in proc.stderr


def test_jsonl_to_stdout_with_a_filter(archive_url):
    proc = run_cli("export", "--archive", archive_url, "--portal", "daklak")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {KEY_OF[r["identity"]] for r in rows} == keys_where(lambda k: SAMPLE[k]["portal"] == "daklak")


def test_csv_rows_hold_the_stored_fields(archive_url):
    proc = run_cli("export", "--archive", archive_url, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    reader = csv.DictReader(io.StringIO(proc.stdout, newline=""))
    rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert [KEY_OF[r["identity"]] for r in rows] == list(SAMPLE)
    for row in rows:
        key = KEY_OF[row["identity"]]
        stored = SAMPLE[key]
        assert row["articleBody"] == stored["articleBody"]  # newlines and quotes survive the quoting
        assert row["headline"] == stored["headline"] and row["url"] == stored["url"]
        assert row["datePublished"] == (stored["datePublished"] or "")
        assert row["authors"] == "; ".join(author_names(key))
        assert (row["portal"], row["section"], row["inLanguage"]) == (stored["portal"], section(key), "vi")
        assert int(row["id"]) > 0 and row["firstSeen"].endswith("+00:00")


def test_parquet_has_an_explicit_schema_and_the_stored_values(archive_url, tmp_path):
    out = tmp_path / "articles.parquet"
    proc = run_cli("export", "--archive", archive_url, "--format", "parquet", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(out)
    assert table.schema.names == list(PARQUET_COLUMNS)
    assert table.schema.field("id").type == pa.int64()
    assert table.schema.field("datePublished").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("authors").type == pa.list_(pa.string())
    assert table.schema.field("articleBody").type == pa.string()
    rows = table.to_pylist()
    assert [KEY_OF[r["identity"]] for r in rows] == list(SAMPLE)
    for row in rows:
        key = KEY_OF[row["identity"]]
        stored = SAMPLE[key]
        assert row["datePublished"] == utc_instant(stored)  # None when undated or without an offset
        assert row["datePublishedIso"] == stored["datePublished"]
        assert row["authors"] == author_names(key)
        assert (row["headline"], row["articleBody"], row["section"]) == (stored["headline"], stored["articleBody"],
                                                                         section(key))


@pytest.mark.parametrize("batch, row_group", [(2, 3), (3, 2), (1, 7), (4, 4)])
def test_parquet_row_groups_are_gathered_from_fetched_batches(archive_url, tmp_path, batch, row_group):
    out = tmp_path / "grouped.parquet"
    assert _export(archive_url, "parquet", out, batch=batch, row_group=row_group) == len(SAMPLE)
    metadata = pq.ParquetFile(out).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sizes == [row_group] * (len(SAMPLE) // row_group) + ([len(SAMPLE) % row_group] if len(SAMPLE) % row_group
                                                                else [])
    assert [KEY_OF[r["identity"]] for r in _read("parquet", out)] == list(SAMPLE)


# -- filters: one implementation for every format -----------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("options, predicate", FILTER_CASES, ids=FILTER_IDS)
def test_filters_choose_the_rows(archive_url, tmp_path, fmt, options, predicate):
    expected = keys_where(predicate)
    assert expected != set(SAMPLE)  # every case changes the rows
    out = tmp_path / f"filtered.{fmt}"
    assert _export(archive_url, fmt, out, **options) == len(expected)
    assert {KEY_OF[r["identity"]] for r in _read(fmt, out)} == expected


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_cli_filters_reach_every_format(archive_url, tmp_path, fmt):
    options, predicate = filter_case("portal=donghai-until=2020-01-31")
    out = tmp_path / f"cli.{fmt}"
    proc = run_cli("export", "--archive", archive_url, "--format", fmt, "--output", str(out), *cli_filters(options))
    assert proc.returncode == 0, proc.stderr
    assert {KEY_OF[r["identity"]] for r in _read(fmt, out)} == keys_where(predicate)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_unknown_portal_gives_an_empty_export_not_an_error(archive_url, tmp_path, fmt):
    out = tmp_path / f"empty.{fmt}"
    proc = run_cli("export", "--archive", archive_url, "--format", fmt, "--output", str(out), "--portal", "nowhere")
    assert proc.returncode == 0, proc.stderr
    assert _read(fmt, out) == []
    if fmt == "csv":
        assert out.read_text(encoding="utf-8").splitlines() == [",".join(CSV_COLUMNS)]
    if fmt == "parquet":
        assert pq.read_table(out).schema.names == list(PARQUET_COLUMNS)


# -- bad input: one line, the right exit code, no file ------------------------------------------

def _one_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.mark.parametrize("args, code, message", [
    (["--since", "last week"], 1, "--since: 'last week' is not an ISO date"),
    (["--format", "parquet"], 2, "give --output FILE"),
])
def test_bad_input_is_one_line(archive_url, args, code, message):
    proc = run_cli("export", "--archive", archive_url, *args)
    assert proc.returncode == code
    assert message in _one_line(proc)
    assert proc.stdout == ""


def test_missing_archive_is_refused(tmp_path):
    proc = run_cli("export", "--archive", f"sqlite:///{tmp_path / 'none.db'}", "--format", "csv")
    assert proc.returncode == 1 and "no archive" in _one_line(proc)
    assert not (tmp_path / "none.db").exists()


def test_unwritable_destination_is_one_line(archive_url, tmp_path):
    out = tmp_path / "no-such-folder" / "articles.csv"
    proc = run_cli("export", "--archive", archive_url, "--format", "csv", "--output", str(out))
    assert proc.returncode == 1 and "cannot write" in _one_line(proc)


def test_missing_pyarrow_names_the_extra(archive_url, tmp_path):
    out = tmp_path / "articles.parquet"
    blocked = ("import sys; sys.modules['pyarrow'] = None; from archive.cli import main; "
               "sys.argv[0] = 'portal-archive'; main()")
    proc = subprocess.run([sys.executable, "-c", blocked, "export", "--archive", archive_url, "--format", "parquet",
                           "--output", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "pip install 'portal-archive[parquet]'" in _one_line(proc)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_a_failed_export_leaves_the_previous_file_and_no_partial_one(archive_url, tmp_path, monkeypatch, fmt):
    out = tmp_path / f"articles.{fmt}"
    out.write_bytes(b"the previous export")
    real_batches, real_articles = export_module.flat_batches, Archive.iter_articles

    def fail_after_the_first(items):
        for number, item in enumerate(items):
            if number == 1:
                raise OSError("disk full")
            yield item

    monkeypatch.setattr(export_module, "flat_batches", lambda *a, **k: fail_after_the_first(real_batches(*a, **k)))
    monkeypatch.setattr(Archive, "iter_articles", lambda self, **k: fail_after_the_first(real_articles(self, **k)))
    with pytest.raises(OSError, match="disk full"):
        _export(archive_url, fmt, out)
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_every_identity_is_exported_once(archive_url, tmp_path):
    out = tmp_path / "all.csv"
    _export(archive_url, "csv", out, batch=1)
    assert sorted(r["identity"] for r in _read("csv", out)) == sorted(IDENTITY.values())
