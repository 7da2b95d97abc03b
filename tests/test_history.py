"""An article's history as `show --versions --diff` prints it (archive/history.py)."""

from __future__ import annotations

from archive.history import render_history, version_diff

ARTICLE = {"id": 7, "identity": "so.gov.vn/view_content/7", "headline": "Tin mới"}
FIELDS = {"headline": "Tin mới", "datePublished": "2024-11-20T08:15:00+07:00", "description": "Tóm tắt.",
          "articleBody": "Đoạn một.\nĐoạn hai.\nĐoạn ba.", "authors": [{"name": "Minh Hằng"}],
          "attachments": [{"url": "https://so.gov.vn/documents/1/a.pdf"}], "dateDownloaded": "2024-11-21T00:00:00Z"}


def version(number: int, run: int | None, **changes) -> dict:
    return {"version": number, "capturedAt": f"2024-11-2{number}T01:00:00Z", "runId": run, "contentHash": "x",
            "fields": {**FIELDS, **changes}}


def test_only_the_changed_field_is_diffed_line_by_line():
    diff = version_diff(version(1, 1), version(2, 3, articleBody="Đoạn một.\nĐoạn hai, đã sửa.\nĐoạn ba."))
    assert diff == ["--- articleBody (version 1)", "+++ articleBody (version 2)", "@@ -1,3 +1,3 @@",
                    " Đoạn một.", "-Đoạn hai.", "+Đoạn hai, đã sửa.", " Đoạn ba."]


def test_authors_with_roles_headlines_and_dates_are_compared_too():
    diff = version_diff(version(1, 1), version(2, 2, headline="Tin mới (cập nhật)",
                                               authors=[{"name": "Minh Hằng", "role": "Phóng viên"}]))
    assert "-Tin mới" in diff and "+Tin mới (cập nhật)" in diff
    assert "-Minh Hằng" in diff and "+Minh Hằng (Phóng viên)" in diff
    assert [line for line in diff if line.startswith("---")] == ["--- headline (version 1)", "--- authors (version 1)"]


def test_fields_outside_the_content_hash_are_not_shown():
    assert version_diff(version(1, 1), version(2, 2, dateDownloaded="2025-01-01T00:00:00Z")) == []


def test_history_lists_each_version_with_its_capture_time_and_run():
    text = render_history(ARTICLE, [version(1, 1), version(2, None, description="Tóm tắt mới.")])
    lines = text.splitlines()
    assert lines[:2] == ["article 7  so.gov.vn/view_content/7", "  Tin mới"]
    assert "version 1  captured 2024-11-21T01:00:00Z  run 1" in lines
    assert "version 2  captured 2024-11-22T01:00:00Z  run -" in lines
    assert lines[-2:] == ["-Tóm tắt.", "+Tóm tắt mới."]
    assert render_history(ARTICLE, [version(1, 1)]).splitlines()[-1].startswith("version 1")
